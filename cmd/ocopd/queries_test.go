package main

import (
	"strings"
	"testing"
)

// Lists, look-ups and moves answer a wrong query the same clear way.
func TestQueryProblems(t *testing.T) {
	sh := openShop(t, map[string]string{"OCOP_RATE_LIMITS": "off"}, 30)
	c := sh.c
	c.Lang = "en"
	seller := *sh.seller
	seller.Lang = "en"
	r := c.Do("POST", "/api/v1/checkout", basket(sh.product, 1, "cod"), "Idempotency-Key", "queries-basket-01")
	expect(t, "checkout", r, 201)
	var ck checkoutJSON
	r.JSON(t, &ck)

	r = c.Do("POST", "/api/v1/orders/"+ck.Orders[0].ID+"/transitions", map[string]string{"to": "cancelled"})
	if r.Status != 401 || r.ErrorCode() != "unauthorized" {
		t.Errorf("anonymous transition: %d %s, want 401", r.Status, r.Body)
	}
	r = c.Do("POST", "/api/v1/orders/no-such-order/transitions", map[string]string{"to": "cancelled"})
	if r.Status != 401 {
		t.Errorf("anonymous transition of an unknown order: %d %s, want 401", r.Status, r.Body)
	}

	r = c.Do("GET", "/api/v1/orders/lookup", nil)
	expect(t, "lookup without parameters", r, 400)
	if got := fieldNames(errorFields(t, r.Body)); got != "code,phone" {
		t.Errorf("lookup without parameters names %s, want code,phone", got)
	}

	for _, path := range []string{"/api/v1/orders?cursor=%%%%", "/api/v1/products?cursor=%zz", "/api/v1/sellers?limit=%"} {
		r = seller.Do("GET", path, nil)
		if r.Status != 400 || r.ErrorCode() != "invalid" {
			t.Errorf("%s: %d %s, want 400", path, r.Status, r.Body)
		}
	}

	for _, list := range []string{"/api/v1/products", "/api/v1/sellers", "/api/v1/orders"} {
		for _, limit := range []string{"0", "500", "-1", "ten", "101"} {
			r = seller.Do("GET", list+"?limit="+limit, nil)
			if r.Status != 400 || !strings.Contains(errorFields(t, r.Body)["limit"], "between 1 and 100") {
				t.Errorf("%s?limit=%s: %d %s", list, limit, r.Status, r.Body)
			}
		}
		for _, limit := range []string{"1", "100"} {
			expect(t, list+"?limit="+limit, seller.Do("GET", list+"?limit="+limit, nil), 200)
		}
	}
}
