package main

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// Text typed on any phone is stored in one form: NFC, without invisible
// characters, so that the same words always match.
func TestPeopleTextIsStoredClean(t *testing.T) {
	m := newMarketplace(t)
	c := m.c
	sellerID := m.openShop(t)

	nfdName := norm.NFD.String("Hoa súng trắng")
	resp := c.As(m.owner).Do("POST", "/api/v1/products", map[string]any{
		"sellerId": sellerID, "name": nfdName + "\u200b", "description": "Hoa\x00 tươi\u202e\n\n\nngó súng", "categoryId": "rau-cu",
		"unit": norm.NFD.String("hũ"), "priceVnd": 25000, "stock": 10, "season": "tháng\t 5 –  10"})
	expect(t, "list with a decomposed name and unit", resp, 201)
	var p struct {
		ID, Name, Description, Unit, Season string
	}
	resp.JSON(t, &p)
	if p.Name != "Hoa súng trắng" || p.Unit != "hũ" || p.Description != "Hoa tươi\n\nngó súng" || p.Season != "tháng 5 – 10" {
		t.Errorf("stored as %+q", p)
	}

	resp = c.Do("POST", "/api/v1/checkout", map[string]any{
		"items":    []map[string]any{{"productId": p.ID, "qty": 1}},
		"buyer":    map[string]string{"name": norm.NFD.String("Trần Văn Ân") + "\u202e", "phone": "0912345678"},
		"shipping": map[string]string{"address": "12\x00 Lê\u200b Lợi", "regionId": "ho-chi-minh.ben-thanh"}, "paymentMethod": "cod",
		"note": "Giao\u2067 buổi sáng"}, "Idempotency-Key", "text-clean-0001")
	expect(t, "checkout", resp, 201)
	var ck checkoutJSON
	resp.JSON(t, &ck)
	resp = c.Do("GET", "/api/v1/orders/"+ck.Orders[0].ID+"?phone=0912345678", nil)
	expect(t, "order", resp, 200)
	var o struct {
		Buyer    struct{ Name string }
		Shipping struct{ Address string }
		Note     string
	}
	resp.JSON(t, &o)
	if o.Buyer.Name != "Trần Văn Ân" || o.Shipping.Address != "12 Lê Lợi" || o.Note != "Giao buổi sáng" {
		t.Errorf("order stored as %+q\n%s", o, resp.Body)
	}

	resp = c.As(m.owner).Do("PATCH", "/api/v1/sellers/"+sellerID, map[string]any{"name": "HTX\u202e Hoa\x00 súng " + norm.NFD.String("Lê Sánh"),
		"address": " Ấp\u200b Thạnh Lợi ", "story": "Ba đời\u2066 trồng súng\r\nở Thạnh Xuân"})
	expect(t, "seller patch", resp, 200)
	var s struct{ Name, Address, Story string }
	resp.JSON(t, &s)
	if s.Name != "HTX Hoa súng Lê Sánh" || s.Address != "Ấp Thạnh Lợi" || s.Story != "Ba đời trồng súng\nở Thạnh Xuân" {
		t.Errorf("seller stored as %+q", s)
	}

	resp = c.Do("POST", "/api/v1/accounts", map[string]string{"phone": "0912000009", "password": "farm-pass-1", "name": norm.NFD.String("Nguyễn Thị Út") + "\x00\u200b"})
	expect(t, "sign up", resp, 201)
	if !strings.Contains(string(resp.Body), `"name":"Nguyễn Thị Út"`) {
		t.Errorf("account name stored as %s", resp.Body)
	}
}
