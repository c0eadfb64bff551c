package main

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
)

func errorFields(t *testing.T, body []byte) map[string]string {
	t.Helper()
	var e struct {
		Error struct {
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("not an error body: %s", body)
	}
	return e.Error.Fields
}

func fieldNames(f map[string]string) string {
	var names []string
	for k := range f {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// One answer names every field at fault, with the real limits, and nothing
// that is not at fault.
func TestProductProblemsAllAtOnce(t *testing.T) {
	m := newMarketplace(t)
	c := m.c
	sellerID := m.openShop(t)
	owner := c.As(m.owner)
	owner.Lang = "en"

	resp := owner.Do("POST", "/api/v1/products", map[string]any{"sellerId": sellerID, "name": "Hoa súng", "categoryId": "rau-cu",
		"unit": "bó", "priceVnd": 25000, "stock": 1000000000000})
	expect(t, "huge stock", resp, 400)
	if f := errorFields(t, resp.Body); !strings.Contains(f["stock"], "1,000,000,000") || strings.Contains(f["stock"], "negative") {
		t.Errorf("stock problem: %q", f["stock"])
	}
	resp = c.As(m.owner).Do("POST", "/api/v1/products", map[string]any{"sellerId": sellerID, "name": "Hoa súng", "categoryId": "rau-cu",
		"unit": "bó", "priceVnd": 25000, "stock": 1000000001})
	if f := errorFields(t, resp.Body); !strings.Contains(f["stock"], "1.000.000.000") {
		t.Errorf("stock problem in Vietnamese: %q", f["stock"])
	}

	resp = owner.Do("POST", "/api/v1/products", map[string]any{"sellerId": sellerID, "name": "Hoa súng", "categoryId": "no-such-category",
		"unit": "barrel", "priceVnd": 25000, "stock": 5,
		"ocop": map[string]any{"stars": 6, "certificateNo": "OCOP-1", "issuedBy": "village", "issuedAt": "01/05/2024", "expiresAt": "2030-05-01"}})
	expect(t, "many problems", resp, 400)
	if got, want := fieldNames(errorFields(t, resp.Body)), "categoryId,ocop.issuedAt,ocop.issuedBy,ocop.stars,unit"; got != want {
		t.Errorf("fields %s, want %s: %s", got, want, resp.Body)
	}

	p := m.listProduct(t, m.owner, sellerID)
	resp = owner.Do("PATCH", "/api/v1/products/"+p.ID, map[string]any{"priceVnd": -1})
	expect(t, "negative price", resp, 400)
	if got := fieldNames(errorFields(t, resp.Body)); got != "priceVnd" {
		t.Errorf("fields %s, want priceVnd alone: %s", got, resp.Body)
	}
	resp = owner.Do("PATCH", "/api/v1/products/"+p.ID, map[string]any{"stock": -3, "ocop": map[string]any{"stars": 4, "certificateNo": "OCOP-CT-018",
		"issuedBy": "province", "issuedAt": "2024-13-01", "expiresAt": "2030-05-01"}})
	if got := fieldNames(errorFields(t, resp.Body)); got != "ocop.issuedAt,stock" {
		t.Errorf("patch with a bad date and stock: fields %s: %s", got, resp.Body)
	}

	// The certificate, kept raw by PATCH to tell null from absent, is read
	// as strictly as the rest: keys as written, mistakes named by path.
	for body, field := range map[string]string{
		`{"ocop":{"STARS":4}}`:                   "ocop.STARS",
		`{"ocop":{"stars":"4"}}`:                 "ocop.stars",
		`{"ocop":{"stars":4,"certificateNo":7}}`: "ocop.certificateNo",
	} {
		resp = owner.Do("PATCH", "/api/v1/products/"+p.ID, body)
		expect(t, "PATCH "+body, resp, 400)
		if got := fieldNames(errorFields(t, resp.Body)); got != field {
			t.Errorf("PATCH %s: fields %s, want %s", body, got, field)
		}
	}

	for _, body := range []string{`{}`, `{"name":null}`, `{"name":"  Hoa súng Lê Sánh "}`, `{"stock":120,"priceTiers":[{"minQty":20,"priceVnd":20000}]}`} {
		resp = owner.Do("PATCH", "/api/v1/products/"+p.ID, body)
		expect(t, "no-op patch "+body, resp, 200)
		var got productJSON
		resp.JSON(t, &got)
		if got.Version != p.Version || resp.Header.Get("ETag") != `"1"` {
			t.Errorf("PATCH %s changed nothing but the version %d → %d", body, p.Version, got.Version)
		}
	}
	resp = owner.Do("PATCH", "/api/v1/products/"+p.ID, `{"stock":119}`)
	var got productJSON
	resp.JSON(t, &got)
	if got.Version != p.Version+1 {
		t.Errorf("a real change: version %d", got.Version)
	}
}
