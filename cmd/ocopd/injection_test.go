package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/ocopmarket/market/httpserver/apitest"
)

// An id is a value, never SQL: a checkout id carrying a UNION must find
// nothing, and must never show another buyer's order.
func TestCheckoutIDIsNeverSQL(t *testing.T) {
	srv := startServerArgs(t, []string{"serve", "--demo"}, nil) // a year of demo checkouts to steal from
	c := apitest.New(t, srv.URL)
	for _, id := range []string{
		"0 UNION SELECT id, idempotency_key, request_hash, buyer_account_id, buyer_name, '+84999999999', buyer_email, buyer_key, total_vnd, payment_method, payment_status, intent_id, client_secret, reference, bank_bin, bank_account_number, bank_holder, qr_payload, payment_flag, hold_until, created_at FROM checkouts LIMIT 1",
		"x' OR '1'='1",
		"1 OR 1=1",
	} {
		for _, path := range []string{"/api/v1/checkouts/" + url.PathEscape(id) + "?phone=0999999999", "/api/v1/checkouts/" + url.PathEscape(id) + "/qr.png?phone=0999999999"} {
			resp := c.Do("GET", path, nil)
			if resp.Status != 404 || strings.Contains(string(resp.Body), "+84") {
				t.Errorf("GET %s → %d %.300s", path, resp.Status, resp.Body)
			}
		}
	}
}
