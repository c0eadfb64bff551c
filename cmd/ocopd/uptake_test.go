package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocopmarket/market/httpserver/apitest"
	"github.com/ocopmarket/market/sqlite/sqlitetest"
	"github.com/ocopmarket/market/uptake/uptaketest"
)

// uptakeServer is a running server holding the uptake suite's dataset, with
// an admin, a Cần Thơ official, a Thạnh Xuân official and a buyer.
func uptakeServer(t *testing.T) (c *apitest.Client, admin, province, commune, buyer string) {
	t.Helper()
	dir := t.TempDir()
	env := map[string]string{"OCOP_DATA_DIR": dir, "OCOP_SQLITE_SYNCHRONOUS": "NORMAL", "OCOP_RATE_LIMITS": "off"}
	getenv := func(k string) string { return env[k] }
	for _, a := range [][]string{{"admin", "0920000001", ""}, {"official", "0920000002", "can-tho"}, {"official", "0920000003", "can-tho.thanh-xuan"}} {
		args := []string{"accounts", "create", "--role", a[0], "--phone", a[1], "--name", "Cán bộ " + a[1], "--password-stdin"}
		if a[2] != "" {
			args = append(args, "--region", a[2])
		}
		if err := run(context.Background(), args, getenv, strings.NewReader("officials-pass\n"), io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	srv := startServer(t, env)
	if err := sqlitetest.SeedUptake(context.Background(), filepath.Join(dir, "ocop.db"), uptaketest.Fixed()); err != nil {
		t.Fatal(err)
	}
	c = apitest.New(t, srv.URL)
	admin, _ = signIn(t, c, "0920000001", "officials-pass")
	province, _ = signIn(t, c, "0920000002", "officials-pass")
	commune, _ = signIn(t, c, "0920000003", "officials-pass")
	if resp := c.Do("POST", "/api/v1/accounts", map[string]string{"phone": "0920000009", "password": "buyer-pass-1", "name": "Người mua"}); resp.Status != http.StatusCreated {
		t.Fatalf("buyer: %d %s", resp.Status, resp.Body)
	}
	buyer, _ = signIn(t, c, "0920000009", "buyer-pass-1")
	return c, admin, province, commune, buyer
}

func postCSV(c *apitest.Client, path, body string) *apitest.Response {
	req, _ := http.NewRequest("POST", c.BaseURL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/csv; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+c.Token)
	if c.Lang != "" {
		req.Header.Set("Accept-Language", c.Lang)
	}
	return c.Send(req)
}

func TestUptakeAPI(t *testing.T) {
	c, admin, province, commune, buyer := uptakeServer(t)

	// The registry: six good lines of seven.
	resp := postCSV(c.As(province), "/api/v1/uptake/ocop-registry?regionId=can-tho", uptaketest.RegistryCSV)
	var imp struct {
		RegionID string
		Imported int
		Errors   []struct {
			Line    int
			Message string
		}
	}
	resp.JSON(t, &imp)
	if resp.Status != 200 || imp.Imported != 6 || len(imp.Errors) != 1 || imp.Errors[0].Line != 8 || !strings.Contains(imp.Errors[0].Message, "sao") {
		t.Fatalf("registry: %d %s", resp.Status, resp.Body)
	}

	resp = c.As(province).Do("GET", "/api/v1/uptake/summary?regionId=can-tho&from=2026-01-01&to=2026-01-31", nil)
	if resp.Status != 200 {
		t.Fatalf("summary: %d %s", resp.Status, resp.Body)
	}
	var sum map[string]any
	resp.JSON(t, &sum)
	orders := sum["orders"].(map[string]any)
	payments := sum["payments"].(map[string]any)
	products := sum["products"].(map[string]any)
	if sum["from"] != "2025-12-31T17:00:00Z" || sum["to"] != "2026-01-31T17:00:00Z" ||
		orders["count"] != 4.0 || orders["gmvVnd"] != 700000.0 || orders["averageVnd"] != 175000.0 || orders["cancelled"] != 2.0 ||
		payments["cashlessShareByValue"] != 0.7857 || products["ocopCoverage"] != 0.3333 ||
		products["byStars"].(map[string]any)["4"] != 1.0 || sum["medianHoursToShip"] != 12.0 || sum["selfServiceShare"] != 0.6 {
		t.Fatalf("summary: %s", resp.Body)
	}
	// Only aggregates: no buyer's name, phone, address or key anywhere.
	for _, o := range uptaketest.Fixed().Orders {
		for _, secret := range []string{o.BuyerName, o.BuyerPhone, o.Address, o.BuyerKey} {
			if bytes.Contains(resp.Body, []byte(secret)) {
				t.Fatalf("summary shows %q", secret)
			}
		}
	}

	resp = c.As(commune).Do("GET", "/api/v1/uptake/series?metric=orders&interval=day&from=2026-01-31&to=2026-02-01", nil)
	var series struct {
		RegionID string
		Points   []struct {
			T     string
			Value int
		}
	}
	resp.JSON(t, &series)
	if resp.Status != 200 || series.RegionID != "can-tho.thanh-xuan" || len(series.Points) != 2 ||
		series.Points[0].T != "2026-01-30T17:00:00Z" || series.Points[0].Value != 1 || series.Points[1].Value != 1 {
		t.Fatalf("series: %d %s", resp.Status, resp.Body)
	}

	resp = c.As(admin).Do("GET", "/api/v1/uptake/regions?parentId=can-tho&from=2026-01-01&to=2026-01-31", nil)
	var rows struct {
		ParentID string
		Items    []map[string]any
	}
	resp.JSON(t, &rows)
	if resp.Status != 200 || rows.ParentID != "can-tho" || len(rows.Items) != 103 {
		t.Fatalf("regions: %d %d rows", resp.Status, len(rows.Items))
	}

	resp = c.As(province).Do("GET", "/api/v1/uptake/export.csv?from=2026-01-01&to=2026-01-31", nil)
	if resp.Status != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		resp.Header.Get("Content-Disposition") != `attachment; filename="so-lieu-can-tho-2026-01-01-2026-01-31.csv"` ||
		!bytes.HasPrefix(resp.Body, []byte("\uFEFF")) {
		t.Fatalf("export: %d %v %.200s", resp.Status, resp.Header, resp.Body)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(resp.Body, []byte("\uFEFF")))).ReadAll()
	if err != nil || len(recs) != 104 || recs[0][1] != "Địa bàn" || recs[0][18] != "Số đơn" {
		t.Fatalf("export CSV: %v %d rows, header %v", err, len(recs), recs[0])
	}
	var tx []string
	for _, r := range recs {
		if r[0] == "can-tho.thanh-xuan" {
			tx = r
		}
	}
	if tx == nil || tx[1] != "Xã Thạnh Xuân, TP Cần Thơ" || tx[2] != "2026-01-01" || tx[3] != "2026-01-31" || tx[18] != "3" || tx[19] != "400000" || tx[23] != "2" {
		t.Fatalf("Thạnh Xuân row: %v", tx)
	}

	// Who may see what, and clear errors in both languages.
	for _, tt := range []struct {
		token, path string
		status      int
		field       string
	}{
		{"", "/api/v1/uptake/summary", 401, ""},
		{"", "/api/v1/uptake/export.csv?from=bad", 401, ""},
		{buyer, "/api/v1/uptake/summary", 403, ""},
		{commune, "/api/v1/uptake/summary?regionId=can-tho", 403, ""},
		{commune, "/api/v1/uptake/regions?parentId=can-tho", 403, ""},
		{province, "/api/v1/uptake/summary?regionId=an-giang", 403, ""},
		{province, "/api/v1/uptake/summary?from=2026-02-01&to=2026-01-01", 400, "to"},
		{province, "/api/v1/uptake/summary?from=2019-01-01&to=2026-01-01", 400, "to"},
		{province, "/api/v1/uptake/summary?from=01/01/2026", 400, "from"},
		{province, "/api/v1/uptake/series?metric=visits", 400, "metric"},
		{province, "/api/v1/uptake/series?interval=year", 400, "interval"},
		{admin, "/api/v1/uptake/summary?regionId=atlantis", 400, "regionId"},
	} {
		for _, lang := range []string{"vi", "en"} {
			cl := c.As(tt.token)
			cl.Lang = lang
			resp := cl.Do("GET", tt.path, nil)
			var e apiError
			resp.JSON(t, &e)
			if resp.Status != tt.status || e.Error.Message == "" || (tt.field != "" && e.Error.Fields[tt.field] == "") {
				t.Errorf("%s (%s): %d %s", tt.path, lang, resp.Status, resp.Body)
			}
		}
	}
	if resp := postCSV(c.As(commune), "/api/v1/uptake/ocop-registry?regionId=can-tho", uptaketest.RegistryCSV); resp.Status != 403 {
		t.Errorf("commune official importing for the province: %d", resp.Status)
	}
	if resp := postCSV(c.As(buyer), "/api/v1/uptake/ocop-registry", uptaketest.RegistryCSV); resp.Status != 403 {
		t.Errorf("buyer importing: %d", resp.Status)
	}
	if resp := postCSV(c.As(province), "/api/v1/uptake/ocop-registry", "not,a,registry\n"); resp.Status != 400 {
		t.Errorf("bad header: %d %s", resp.Status, resp.Body)
	}
}
