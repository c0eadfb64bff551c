package main

import (
	"strconv"
	"testing"
)

type sellerStateJSON struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	RegionID   string `json:"regionId"`
	Kind       string `json:"kind"`
	Zalo       string `json:"zalo"`
	VerifiedBy string `json:"verifiedBy"`
	Version    int64  `json:"version"`
}

// A seller verified in An Giang that moves to Cần Thơ is verified again by
// Cần Thơ; its zalo is a phone like any other; a PATCH that changes
// nothing keeps the version.
func TestSellerMovesRegion(t *testing.T) {
	m := newMarketplace(t)
	c := m.c
	resp := c.As(m.owner).Do("POST", "/api/v1/sellers", map[string]any{"name": "Khô cá Châu Đốc", "kind": "household", "phone": "0912345678",
		"zalo": "0912 345 678", "regionId": "an-giang", "address": "Châu Đốc"})
	expect(t, "create", resp, 201)
	var s sellerStateJSON
	resp.JSON(t, &s)
	if s.Zalo != "+84912345678" {
		t.Errorf("zalo returned as %q, want +84912345678", s.Zalo)
	}
	expect(t, "bad zalo", c.As(m.owner).Do("PATCH", "/api/v1/sellers/"+s.ID, map[string]any{"zalo": "call me maybe"}), 400)
	expect(t, "An Giang verifies", c.As(m.officialAG).Do("POST", "/api/v1/sellers/"+s.ID+"/verification", map[string]string{"decision": "verify"}), 200)

	resp = c.As(m.owner).Do("GET", "/api/v1/sellers/"+s.ID, nil)
	resp.JSON(t, &s)
	for _, body := range []string{`{"name":null}`, `{}`, `{"regionId":"an-giang","kind":"household"}`} {
		resp = c.As(m.owner).Do("PATCH", "/api/v1/sellers/"+s.ID, body)
		expect(t, "no-op patch "+body, resp, 200)
		var got sellerStateJSON
		resp.JSON(t, &got)
		if got.Version != s.Version || resp.Header.Get("ETag") != `"`+strconv.FormatInt(s.Version, 10)+`"` {
			t.Errorf("PATCH %s changed nothing but the version %d → %d", body, s.Version, got.Version)
		}
	}

	resp = c.As(m.owner).Do("PATCH", "/api/v1/sellers/"+s.ID, map[string]any{"regionId": "can-tho.thanh-xuan"})
	expect(t, "move to Cần Thơ", resp, 200)
	var moved sellerStateJSON
	resp.JSON(t, &moved)
	if moved.Status != "pending" || moved.VerifiedBy != "" {
		t.Fatalf("after moving: %s", resp.Body)
	}
	expect(t, "the public no longer sees it", c.Do("GET", "/api/v1/sellers/"+s.ID, nil), 404)
	expect(t, "An Giang verifies a Cần Thơ seller", c.As(m.officialAG).Do("POST", "/api/v1/sellers/"+s.ID+"/verification", map[string]string{"decision": "verify"}), 404)
	expect(t, "Cần Thơ verifies", c.As(m.official).Do("POST", "/api/v1/sellers/"+s.ID+"/verification", map[string]string{"decision": "verify"}), 200)

	resp = c.As(m.owner).Do("PATCH", "/api/v1/sellers/"+s.ID, map[string]any{"kind": "cooperative"})
	expect(t, "change kind", resp, 200)
	resp.JSON(t, &moved)
	if moved.Status != "pending" {
		t.Errorf("after changing kind: %s", resp.Body)
	}
}
