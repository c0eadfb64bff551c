package main

import (
	"testing"

	"github.com/ocopmarket/market/httpserver/apitest"
)

// The README's one command, `ocopd serve --demo`, must give a new user a
// marketplace that looks alive, and starting it again must not duplicate it.
func TestServeDemo(t *testing.T) {
	dir := t.TempDir()
	count := func() int {
		srv := startServerArgs(t, []string{"serve", "--demo"}, map[string]string{"OCOP_DATA_DIR": dir})
		defer srv.stop()
		c := apitest.New(t, srv.URL)
		n := 0
		cursor := ""
		for {
			resp := c.Do("GET", "/api/v1/sellers?limit=100&cursor="+cursor, nil)
			var page struct {
				Items      []struct{ Status string } `json:"items"`
				NextCursor string                    `json:"nextCursor"`
			}
			resp.JSON(t, &page)
			if resp.Status != 200 {
				t.Fatalf("sellers: %d %s", resp.Status, resp.Body)
			}
			for _, s := range page.Items {
				if s.Status != "verified" {
					t.Errorf("the public sees a %s seller", s.Status)
				}
			}
			n += len(page.Items)
			if page.NextCursor == "" {
				return n
			}
			cursor = page.NextCursor
		}
	}
	first := count()
	if first < 20 {
		t.Fatalf("demo marketplace shows %d verified sellers, want a lively market", first)
	}
	if again := count(); again != first {
		t.Fatalf("second start shows %d sellers, first %d: the demo was duplicated", again, first)
	}
}
