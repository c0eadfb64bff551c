package main

import (
	"strings"
	"testing"
)

// Every figure, the export included, keeps an official inside their
// region; a refused write says it is a write.
func TestUptakeScopeEverywhere(t *testing.T) {
	c, admin, province, commune, _ := uptakeServer(t)
	ct := c.As(province)
	ct.Lang = "en"
	for _, path := range []string{
		"/api/v1/uptake/summary?regionId=an-giang",
		"/api/v1/uptake/series?regionId=an-giang",
		"/api/v1/uptake/regions?parentId=an-giang",
		"/api/v1/uptake/export.csv?regionId=an-giang",
		"/api/v1/uptake/export.csv?parentId=an-giang",
	} {
		if r := ct.Do("GET", path, nil); r.Status != 403 || r.ErrorCode() != "forbidden" {
			t.Errorf("Cần Thơ official, %s: %d %.200s, want 403", path, r.Status, r.Body)
		}
	}
	r := c.As(commune).Do("GET", "/api/v1/uptake/export.csv?regionId=can-tho&from=2026-01-01&to=2026-01-31", nil)
	expect(t, "commune official exports the province", r, 403)
	r = ct.Do("GET", "/api/v1/uptake/export.csv?regionId=can-tho&parentId=an-giang", nil)
	expect(t, "both parameters, different", r, 400)

	r = ct.Do("GET", "/api/v1/uptake/export.csv?regionId=can-tho.thanh-xuan&from=2026-01-01&to=2026-01-31", nil)
	expect(t, "export of a commune inside the province", r, 200)
	if !strings.Contains(r.Header.Get("Content-Disposition"), "so-lieu-can-tho.thanh-xuan-") {
		t.Errorf("export named %q", r.Header.Get("Content-Disposition"))
	}
	r = c.As(admin).Do("GET", "/api/v1/uptake/export.csv?regionId=an-giang&from=2026-01-01&to=2026-01-31", nil)
	expect(t, "admin exports An Giang", r, 200)
	if strings.Contains(string(r.Body), "Cần Thơ") {
		t.Errorf("An Giang export has Cần Thơ rows: %s", r.Body)
	}

	r = postCSV(ct, "/api/v1/uptake/ocop-registry?regionId=an-giang", "certificateNo,productName,stars,holder\n")
	expect(t, "registry of another province", r, 403)
	var e apiError
	r.JSON(t, &e)
	if strings.Contains(e.Error.Message, "see") || !strings.Contains(e.Error.Message, "change") {
		t.Errorf("a refused write says %q", e.Error.Message)
	}
}
