package main

import (
	"net/url"
	"strings"
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

	// A buyer from Hà Nội types "dứa" and finds the pineapples (khóm) of
	// Cầu Đúc first; "hoa sung" finds the lilies.
	srv := startServerArgs(t, []string{"serve", "--demo"}, map[string]string{"OCOP_DATA_DIR": dir})
	defer srv.stop()
	c := apitest.New(t, srv.URL)
	first4 := func(q string) []string {
		r := waitFound(t, c, "perPage=4&q="+url.QueryEscape(q), "demo products for "+q, func(r searchJSON) bool { return r.Total >= 4 })
		var names []string
		for _, h := range r.Hits {
			names = append(names, h.Name)
		}
		return names
	}
	for q, want := range map[string]string{"dứa": "khóm", "hoa sung": "Hoa súng"} {
		for _, name := range first4(q) {
			if !strings.Contains(strings.ToLower(name), strings.ToLower(want)) {
				t.Errorf("%q: the first four are %v, want %s products", q, first4(q), want)
				break
			}
		}
	}
}
