package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/httpserver"
	"github.com/ocopmarket/market/httpserver/apitest"
)

// The e2e tests lay out sellers and products with SQL until the catalog API
// is on main; everything else goes through the HTTP API.

type orderJSON struct {
	ID       string `json:"id"`
	Code     string `json:"code"`
	SellerID string `json:"sellerId"`
	Status   string `json:"status"`
	TotalVnd int64  `json:"totalVnd"`
	Payment  struct {
		Method string `json:"method"`
		Status string `json:"status"`
	} `json:"payment"`
	TrackingNumber string `json:"trackingNumber"`
	History        []struct {
		To    string `json:"to"`
		Party string `json:"party"`
	} `json:"history"`
}

type checkoutJSON struct {
	ID        string      `json:"id"`
	CreatedAt string      `json:"createdAt"`
	TotalVnd  int64       `json:"totalVnd"`
	Status    string      `json:"status"`
	Orders    []orderJSON `json:"orders"`
	Payment   struct {
		Method       string `json:"method"`
		Status       string `json:"status"`
		IntentID     string `json:"intentId"`
		ClientSecret string `json:"clientSecret"`
		VietQR       *struct {
			Payload   string `json:"payload"`
			Reference string `json:"reference"`
		} `json:"vietqr"`
	} `json:"payment"`
}

type shop struct {
	srv      *testServer
	c        *apitest.Client
	seller   *apitest.Client // signed in as the seller's owner
	sellerID string
	product  string
}

// openShop starts ocopd and gives it one verified seller (owned by a real
// account) with one product of the given stock.
func openShop(t *testing.T, env map[string]string, stock int) *shop {
	t.Helper()
	srv := startServer(t, env)
	c := apitest.New(t, srv.URL)
	if r := c.Do("POST", "/api/v1/accounts", map[string]string{"phone": "0987 111 222", "password": "hoasung-2026", "name": "Lê Thị Sánh"}); r.Status != 201 {
		t.Fatalf("sign up: %d %s", r.Status, r.Body)
	}
	r := c.Do("POST", "/api/v1/sessions", map[string]string{"phone": "0987111222", "password": "hoasung-2026"})
	var s session
	r.JSON(t, &s)
	db, err := sql.Open("sqlite", "file:"+filepath.Join(srv.env["OCOP_DATA_DIR"], "ocop.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sh := &shop{srv: srv, c: c, seller: c.As(s.Token), sellerID: market.NewID(), product: market.NewID()}
	insertShop(t, db, sh.sellerID, s.Account.ID, "HTX Hoa Súng Lê Sánh", "+84987111222", "0011004455667", "LE THI SANH")
	if _, err := db.Exec(`INSERT INTO products (id, seller_id, name, category_id, unit, price_vnd, price_tiers, stock, region_id, status,
		created_by, created_at, updated_at) VALUES (?, ?, 'Hoa súng Lê Sánh', 'nong-san', 'bó', 25000, '[{"minQty":20,"priceVnd":20000}]', ?,
		'can-tho.thanh-xuan', 'active', ?, 1, 1)`, sh.product, sh.sellerID, stock, s.Account.ID); err != nil {
		t.Fatal(err)
	}
	return sh
}

// insertShop writes a verified cooperative of Thạnh Xuân, with a bank
// account at Vietcombank, straight into the database.
func insertShop(t *testing.T, db *sql.DB, id, owner, name, phone, account, holder string) {
	t.Helper()
	if _, err := db.Exec(`INSERT INTO sellers (id, owner_account_id, kind, name, phone, region_id, address, bank_bin, bank_account_number,
		bank_holder, shipping_fee_vnd, free_shipping_over_vnd, status, created_at, updated_at)
		VALUES (?, ?, 'cooperative', ?, ?, 'can-tho.thanh-xuan', 'Ấp Thạnh Hòa', '970436', ?, ?, 30000, 500000, 'verified', 1, 1)`,
		id, owner, name, phone, account, holder); err != nil {
		t.Fatal(err)
	}
}

func basket(product string, qty int, method string) map[string]any {
	return map[string]any{
		"items":         []map[string]any{{"productId": product, "qty": qty}},
		"buyer":         map[string]string{"name": "Trần Văn An", "phone": "0912345678"},
		"shipping":      map[string]string{"address": "12 Lê Lợi", "regionId": "ho-chi-minh.ben-thanh"},
		"paymentMethod": method,
	}
}

func TestCheckoutAndOrdersOverHTTP(t *testing.T) {
	sh := openShop(t, nil, 30)
	c := sh.c

	r := c.Do("POST", "/api/v1/checkout", basket(sh.product, 20, "cod"))
	if r.Status != 400 || r.ErrorCode() != "invalid" {
		t.Errorf("without Idempotency-Key: %d %s", r.Status, r.Body)
	}
	r = c.Do("POST", "/api/v1/checkout", basket(sh.product, 20, "cod"), "Idempotency-Key", "guest-basket-0001")
	if r.Status != 201 {
		t.Fatalf("checkout: %d %s", r.Status, r.Body)
	}
	var ck checkoutJSON
	r.JSON(t, &ck)
	o := ck.Orders[0]
	// 20 bó at the 20.000 tier = 400.000, under the 500.000 threshold: 30.000 shipping.
	if ck.Status != "placed" || ck.TotalVnd != 430000 || o.Status != "placed" || ck.Payment.Status != "on_delivery" {
		t.Fatalf("checkout = %+v", ck)
	}

	r = c.Do("POST", "/api/v1/checkout", basket(sh.product, 20, "cod"), "Idempotency-Key", "guest-basket-0001")
	var again checkoutJSON
	r.JSON(t, &again)
	if r.Status != 200 || again.ID != ck.ID || again.CreatedAt != ck.CreatedAt {
		t.Errorf("replay: %d %s; first answer created at %s", r.Status, r.Body, ck.CreatedAt)
	}
	// Goods go to a region of the tree, or to a commune of a province whose
	// communes are not loaded; never to a place that does not exist.
	for i, region := range []string{"zzz", "can-tho.khong-co", `ha-noi.x" OR 1=1`} {
		b := basket(sh.product, 1, "cod")
		b["shipping"] = map[string]string{"address": "12 Lê Lợi", "regionId": region}
		r := c.Do("POST", "/api/v1/checkout", b, "Idempotency-Key", fmt.Sprintf("unknown-region-%d", i))
		if r.Status != 400 || r.ErrorCode() != "invalid" || !strings.Contains(string(r.Body), "shipping.regionId") {
			t.Errorf("shipping to %q: %d %s", region, r.Status, r.Body)
		}
	}
	if r = c.Do("POST", "/api/v1/checkout", basket(sh.product, 21, "cod"), "Idempotency-Key", "guest-basket-0001"); r.Status != 409 || r.ErrorCode() != "conflict" {
		t.Errorf("same key, other body: %d %s", r.Status, r.Body)
	}
	r = c.Do("POST", "/api/v1/checkout", basket(sh.product, 11, "cod"), "Idempotency-Key", "guest-basket-0002")
	var e apiError
	r.JSON(t, &e)
	if r.Status != 409 || e.Error.Code != "insufficient_stock" || e.Error.Fields[sh.product] == "" {
		t.Errorf("short: %d %s", r.Status, r.Body)
	}

	// The guest finds the order by code and phone; nobody else does.
	if r = c.Do("GET", "/api/v1/orders/lookup?code="+o.Code+"&phone=0912345678", nil); r.Status != 200 {
		t.Errorf("lookup: %d %s", r.Status, r.Body)
	}
	if r = c.Do("GET", "/api/v1/orders/lookup?code="+o.Code+"&phone=0912000000", nil); r.Status != 404 {
		t.Errorf("lookup with another phone: %d", r.Status)
	}
	if r = c.Do("GET", "/api/v1/orders/"+o.ID, nil); r.Status != 404 {
		t.Errorf("anonymous order read: %d", r.Status)
	}

	// The seller works through the inbox.
	r = sh.seller.Do("GET", "/api/v1/orders?sellerId="+sh.sellerID+"&status=placed&limit=10", nil)
	var inbox struct {
		Items []orderJSON `json:"items"`
	}
	r.JSON(t, &inbox)
	if r.Status != 200 || len(inbox.Items) != 1 || inbox.Items[0].ID != o.ID {
		t.Fatalf("inbox: %d %s", r.Status, r.Body)
	}
	steps := []struct {
		who  *apitest.Client
		body map[string]string
		want int
	}{
		{sh.seller, map[string]string{"to": "shipped", "trackingNumber": "GHN1"}, 409},
		{sh.seller, map[string]string{"to": "confirmed"}, 200},
		{c, map[string]string{"to": "cancelled", "phone": "0912345678"}, 403},
		{sh.seller, map[string]string{"to": "shipped"}, 400},
		{sh.seller, map[string]string{"to": "shipped", "trackingNumber": "GHN123456"}, 200},
		{sh.seller, map[string]string{"to": "delivered"}, 200},
	}
	for i, s := range steps {
		if r := s.who.Do("POST", "/api/v1/orders/"+o.ID+"/transitions", s.body); r.Status != s.want {
			t.Fatalf("step %d %v: %d %s", i, s.body, r.Status, r.Body)
		}
	}
	r = sh.seller.Do("POST", "/api/v1/orders/"+o.ID+"/payment", map[string]string{"status": "paid"})
	var paid orderJSON
	r.JSON(t, &paid)
	if r.Status != 200 || paid.Payment.Status != "paid" || paid.TrackingNumber != "GHN123456" || len(paid.History) != 4 {
		t.Errorf("cash collected: %d %s", r.Status, r.Body)
	}
	if r = c.Do("POST", "/api/v1/orders/"+o.ID+"/payment", map[string]string{"status": "paid"}); r.Status != 401 {
		t.Errorf("anonymous payment: %d", r.Status)
	}
}

func TestBankTransferOverHTTP(t *testing.T) {
	const secret = "bank-shared-secret"
	sh := openShop(t, map[string]string{"OCOP_BANK_WEBHOOK_SECRET": secret}, 50)
	r := sh.c.Do("POST", "/api/v1/checkout", basket(sh.product, 2, "bank_transfer"), "Idempotency-Key", "bank-basket-0001")
	var ck checkoutJSON
	r.JSON(t, &ck)
	if r.Status != 201 || ck.Payment.Status != "awaiting_transfer" || ck.Payment.VietQR == nil || ck.Status != "pending_payment" {
		t.Fatalf("checkout: %d %s", r.Status, r.Body)
	}
	if p := ck.Payment.VietQR.Payload; p[:12] != "000201010212" || p[len(p)-8:len(p)-4] != "6304" {
		t.Errorf("payload %q", p)
	}
	notify := func(id string, amount int64, sign string) *apitest.Response {
		body, _ := json.Marshal(map[string]any{"id": id, "amountVnd": amount, "description": "CT " + ck.Payment.VietQR.Reference + " chuyen khoan"})
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		return sh.c.Do("POST", "/api/v1/webhooks/bank", body, "X-OCOP-Timestamp", ts, "X-OCOP-Signature", httpserver.BankSignature(sign, ts, body))
	}
	outcome := func(r *apitest.Response) string {
		var a struct{ Outcome string }
		r.JSON(t, &a)
		return a.Outcome
	}
	if r := notify("ft-1", ck.TotalVnd, "wrong-secret"); r.Status != 400 {
		t.Errorf("bad signature: %d", r.Status)
	}
	if r := notify("ft-2", ck.TotalVnd-5000, secret); r.Status != 200 || outcome(r) != "flagged" {
		t.Errorf("wrong amount: %d %s", r.Status, r.Body)
	}
	if r := notify("ft-3", ck.TotalVnd, secret); r.Status != 200 || outcome(r) != "applied" {
		t.Errorf("right amount: %d %s", r.Status, r.Body)
	}
	if r := notify("ft-3", ck.TotalVnd, secret); outcome(r) != "duplicate" {
		t.Errorf("repeat: %s", r.Body)
	}
	if r := sh.c.Do("GET", "/api/v1/checkouts/"+ck.ID+"/qr.png?phone=0912345678", nil); r.Status != 200 ||
		r.Header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(r.Body, []byte("\x89PNG")) {
		t.Errorf("QR image: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	if r := sh.c.Do("GET", "/api/v1/checkouts/"+ck.ID+"/qr.png", nil); r.Status != 404 {
		t.Errorf("QR image without the phone: %d", r.Status)
	}
	r = sh.c.Do("GET", "/api/v1/checkouts/"+ck.ID+"?phone=0912345678", nil)
	var got checkoutJSON
	r.JSON(t, &got)
	if got.Status != "placed" || got.Payment.Status != "paid" {
		t.Errorf("after transfer: %s", r.Body)
	}
}

func TestCardPaymentsOverHTTP(t *testing.T) {
	stripeURL := os.Getenv("OCOP_TEST_STRIPE_URL")
	if stripeURL == "" {
		msg := "OCOP_TEST_STRIPE_URL not set: card payment tests need stripe-mock (see README)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	const whsec = "whsec_e2e"
	sh := openShop(t, map[string]string{"OCOP_STRIPE_SECRET_KEY": "sk_test_123", "OCOP_STRIPE_API_BASE": stripeURL,
		"OCOP_STRIPE_WEBHOOK_SECRET": whsec}, 50)
	r := sh.c.Do("POST", "/api/v1/checkout", basket(sh.product, 2, "card"), "Idempotency-Key", "card-basket-0001")
	var ck checkoutJSON
	r.JSON(t, &ck)
	if r.Status != 201 || ck.Payment.IntentID == "" || ck.Payment.ClientSecret == "" || ck.Status != "pending_payment" {
		t.Fatalf("checkout: %d %s", r.Status, r.Body)
	}
	event := func(id, typ string) []byte {
		return []byte(fmt.Sprintf(`{"id":%q,"object":"event","type":%q,"data":{"object":{"id":%q,"object":"payment_intent","amount":%d,"currency":"vnd","metadata":{"checkout_id":%q}}}}`,
			id, typ, ck.Payment.IntentID, ck.TotalVnd, ck.ID))
	}
	send := func(payload []byte, secret string, at time.Time) *apitest.Response {
		sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: at})
		return sh.c.Do("POST", "/api/v1/webhooks/stripe", sp.Payload, "Stripe-Signature", sp.Header)
	}
	state := func() checkoutJSON {
		var c checkoutJSON
		sh.c.Do("GET", "/api/v1/checkouts/"+ck.ID+"?phone=0912345678", nil).JSON(t, &c)
		return c
	}
	if r := send(event("evt_a", "payment_intent.succeeded"), "whsec_other", time.Now()); r.Status != 400 {
		t.Errorf("bad signature: %d", r.Status)
	}
	if r := send(event("evt_a", "payment_intent.succeeded"), whsec, time.Now().Add(-time.Hour)); r.Status != 400 {
		t.Errorf("stale: %d", r.Status)
	}
	if got := state(); got.Status != "pending_payment" {
		t.Fatalf("rejected events changed the checkout: %+v", got)
	}
	if r := send(event("evt_f", "payment_intent.payment_failed"), whsec, time.Now()); r.Status != 200 {
		t.Fatalf("failed: %d %s", r.Status, r.Body)
	}
	if got := state(); got.Payment.Status != "failed" || got.Status != "pending_payment" {
		t.Errorf("after failure: %+v", got.Payment)
	}
	for i := 0; i < 2; i++ {
		if r := send(event("evt_s", "payment_intent.succeeded"), whsec, time.Now()); r.Status != 200 || !bytes.Contains(r.Body, []byte([]string{"applied", "duplicate"}[i])) {
			t.Errorf("succeeded #%d: %d %s", i+1, r.Status, r.Body)
		}
	}
	if got := state(); got.Payment.Status != "paid" || got.Status != "placed" || got.Orders[0].Status != "placed" {
		t.Errorf("after success: %+v", got)
	}
	// The buyer cancels before the seller confirms: refunded through Stripe.
	r = sh.c.Do("POST", "/api/v1/orders/"+ck.Orders[0].ID+"/transitions", map[string]string{"to": "cancelled", "phone": "0912345678"})
	var o orderJSON
	r.JSON(t, &o)
	if r.Status != 200 || o.Status != "refunded" || o.Payment.Status != "refunded" {
		t.Errorf("cancel paid card order: %d %s", r.Status, r.Body)
	}
}

// When the card provider cannot be reached the checkout gives its stock
// back at once, and the buyer can pay another way under the same key.
func TestCardProviderDown(t *testing.T) {
	sh := openShop(t, map[string]string{"OCOP_STRIPE_SECRET_KEY": "sk_test_123", "OCOP_STRIPE_API_BASE": "http://127.0.0.1:1"}, 10)
	stock := func() int {
		var p productJSON
		r := sh.c.Do("GET", "/api/v1/products/"+sh.product, nil)
		r.JSON(t, &p)
		return p.Stock
	}
	r := sh.c.Do("POST", "/api/v1/checkout", basket(sh.product, 4, "card"), "Idempotency-Key", "card-down-basket-1")
	if r.Status != 503 || r.ErrorCode() != "unavailable" {
		t.Fatalf("card checkout with the provider down: %d %s", r.Status, r.Body)
	}
	if got := stock(); got != 10 {
		t.Errorf("stock %d after the failed card checkout, want 10", got)
	}
	var list struct {
		Items []orderJSON `json:"items"`
	}
	sh.seller.Do("GET", "/api/v1/orders?sellerId="+sh.sellerID, nil).JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].Status != "cancelled" {
		t.Fatalf("the seller's orders: %+v", list.Items)
	}
	r = sh.c.Do("POST", "/api/v1/checkout", basket(sh.product, 4, "cod"), "Idempotency-Key", "card-down-basket-1")
	var ck checkoutJSON
	r.JSON(t, &ck)
	if r.Status != 201 || ck.Status != "placed" {
		t.Fatalf("retry as cash on delivery under the same key: %d %s", r.Status, r.Body)
	}
	if got := stock(); got != 6 {
		t.Errorf("stock %d after the COD retry, want 6 (reserved once)", got)
	}
	r = sh.c.Do("POST", "/api/v1/checkout", basket(sh.product, 4, "cod"), "Idempotency-Key", "card-down-basket-1")
	if r.Status != 200 || stock() != 6 {
		t.Errorf("replay of the COD retry: %d, stock %d", r.Status, stock())
	}
}
