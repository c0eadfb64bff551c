package main

import (
	"fmt"
	"testing"
)

// A buyer who makes mistakes or whose phone retries is never rate limited;
// only checkouts that hold stock count.
func TestCheckoutRateLimitCountsReservations(t *testing.T) {
	sh := openShop(t, map[string]string{"OCOP_RATE_LIMITS": "on"}, 100)
	c := sh.c
	for i := 0; i < 30; i++ {
		b := basket(sh.product, 1, "cod")
		b["shipping"] = map[string]string{"address": "", "regionId": "ho-chi-minh.ben-thanh"} // forgot the address
		if r := c.Do("POST", "/api/v1/checkout", b, "Idempotency-Key", fmt.Sprintf("mistake-%04d", i)); r.Status != 400 {
			t.Fatalf("mistake %d: %d %s", i+1, r.Status, r.Body)
		}
	}
	for i := 0; i < 30; i++ {
		r := c.Do("POST", "/api/v1/checkout", basket(sh.product, 1, "cod"), "Idempotency-Key", "retried-basket-01")
		if want := map[bool]int{true: 201, false: 200}[i == 0]; r.Status != want {
			t.Fatalf("retry %d: %d %s, want %d", i+1, r.Status, r.Body, want)
		}
	}
	for i := 1; i < 20; i++ {
		if r := c.Do("POST", "/api/v1/checkout", basket(sh.product, 1, "cod"), "Idempotency-Key", fmt.Sprintf("real-basket-%04d", i)); r.Status != 201 {
			t.Fatalf("checkout %d: %d %s", i+1, r.Status, r.Body)
		}
	}
	r := c.Do("POST", "/api/v1/checkout", basket(sh.product, 1, "cod"), "Idempotency-Key", "real-basket-0021")
	if r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("21st reservation in a row: %d %s, want 429", r.Status, r.Body)
	}
}
