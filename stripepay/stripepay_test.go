package stripepay

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/orders"
)

// stripeMock returns the URL of a running stripe-mock, or skips (fails on CI).
func stripeMock(t *testing.T) string {
	t.Helper()
	u := os.Getenv("OCOP_TEST_STRIPE_URL")
	if u == "" {
		msg := "OCOP_TEST_STRIPE_URL not set: Stripe tests need stripe-mock (go install github.com/stripe/stripe-mock@v0.203.0; stripe-mock -http-port 12111; OCOP_TEST_STRIPE_URL=http://127.0.0.1:12111)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return u
}

// recorder keeps the requests the client sends, bodies included.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	method, path, idempotencyKey string
	form                         url.Values
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(strings.NewReader(string(body)))
	}
	form, _ := url.ParseQuery(string(body))
	r.mu.Lock()
	r.reqs = append(r.reqs, recorded{req.Method, req.URL.Path, req.Header.Get("Idempotency-Key"), form})
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

func TestCreateIntentAndRefundAgainstStripeMock(t *testing.T) {
	base := stripeMock(t)
	rec := &recorder{}
	c := New(Config{SecretKey: "sk_test_123", APIBase: base, HTTPClient: &http.Client{Transport: rec, Timeout: 10 * time.Second}})
	ctx := context.Background()
	in, err := c.CreateIntent(ctx, "01ckt", 150000, "Chợ OCOP CT-7K3F9Q")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(in.ID, "pi_") || in.ClientSecret == "" {
		t.Errorf("intent = %+v", in)
	}
	if err := c.Refund(ctx, in.ID, 150000, "refund-01ord"); err != nil {
		t.Fatal(err)
	}
	if len(rec.reqs) != 2 {
		t.Fatalf("%d requests", len(rec.reqs))
	}
	pi, rf := rec.reqs[0], rec.reqs[1]
	if pi.method != "POST" || pi.path != "/v1/payment_intents" || pi.idempotencyKey != "ocop-checkout-01ckt" ||
		pi.form.Get("amount") != "150000" || pi.form.Get("currency") != "vnd" || pi.form.Get("metadata[checkout_id]") != "01ckt" ||
		pi.form.Get("automatic_payment_methods[enabled]") != "true" {
		t.Errorf("intent request = %+v", pi)
	}
	if rf.path != "/v1/refunds" || rf.idempotencyKey != "ocop-refund-01ord" || rf.form.Get("payment_intent") != in.ID || rf.form.Get("amount") != "150000" {
		t.Errorf("refund request = %+v", rf)
	}
}

func TestStripeDownIsUnavailable(t *testing.T) {
	c := New(Config{SecretKey: "sk_test_123", APIBase: "http://127.0.0.1:1", HTTPClient: &http.Client{Timeout: time.Second}})
	c.api.PaymentIntents.B.(interface{ SetMaxNetworkRetries(int64) }).SetMaxNetworkRetries(0)
	_, err := c.CreateIntent(context.Background(), "x", 1000, "")
	if !market.IsCode(err, market.Unavailable) {
		t.Errorf("err = %v, want unavailable", err)
	}
}

const secret = "whsec_test_secret"

func signed(payload string, at time.Time, key string) (string, []byte) {
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: []byte(payload), Secret: key, Timestamp: at})
	return sp.Header, sp.Payload
}

func TestParseEvent(t *testing.T) {
	c := New(Config{SecretKey: "sk_test_123", WebhookSecret: secret})
	succeeded := `{"id":"evt_1","object":"event","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1","object":"payment_intent","amount":150000,"amount_received":150000,"currency":"vnd","metadata":{"checkout_id":"01ckt"}}}}`
	failed := `{"id":"evt_2","object":"event","type":"payment_intent.payment_failed","data":{"object":{"id":"pi_1","object":"payment_intent","amount":150000,"currency":"vnd","metadata":{"checkout_id":"01ckt"}}}}`
	refunded := `{"id":"evt_3","object":"event","type":"charge.refunded","data":{"object":{"id":"ch_1","object":"charge","amount_refunded":150000,"payment_intent":"pi_1","metadata":{}}}}`
	other := `{"id":"evt_4","object":"event","type":"customer.created","data":{"object":{"id":"cus_1","object":"customer"}}}`
	now := time.Now()
	for _, tc := range []struct {
		name    string
		payload string
		at      time.Time
		key     string
		want    orders.PaymentEvent
		code    market.Code
	}{
		{"succeeded", succeeded, now, secret, orders.PaymentEvent{Provider: "stripe", ID: "evt_1", Kind: orders.EventSucceeded, IntentID: "pi_1", CheckoutID: "01ckt", Amount: 150000}, ""},
		{"failed", failed, now, secret, orders.PaymentEvent{Provider: "stripe", ID: "evt_2", Kind: orders.EventFailed, IntentID: "pi_1", CheckoutID: "01ckt", Amount: 150000}, ""},
		{"refunded", refunded, now, secret, orders.PaymentEvent{Provider: "stripe", ID: "evt_3", Kind: orders.EventRefunded, IntentID: "pi_1", Amount: 150000}, ""},
		{"other types are ignored", other, now, secret, orders.PaymentEvent{Provider: "stripe", ID: "evt_4", Kind: orders.EventIgnored}, ""},
		{"bad signature", succeeded, now, "whsec_someone_else", orders.PaymentEvent{}, market.Invalid},
		{"stale timestamp", succeeded, now.Add(-10 * time.Minute), secret, orders.PaymentEvent{}, market.Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			header, body := signed(tc.payload, tc.at, tc.key)
			got, err := c.ParseEvent(body, header)
			if market.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want %q", err, tc.code)
			}
			if got != tc.want {
				t.Errorf("event = %+v\nwant %+v", got, tc.want)
			}
		})
	}
	// A tampered body fails even with a good header.
	header, _ := signed(succeeded, now, secret)
	if _, err := c.ParseEvent([]byte(strings.Replace(succeeded, "150000", "1", 1)), header); !market.IsCode(err, market.Invalid) {
		t.Errorf("tampered body: %v", err)
	}
}
