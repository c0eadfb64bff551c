// Package stripepay takes card payments for orders through Stripe: one
// PaymentIntent per checkout, refunds, and the verification and
// translation of Stripe's webhook events.
package stripepay

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/orders"
)

// Config is how to reach Stripe.
type Config struct {
	SecretKey     string
	WebhookSecret string
	// APIBase overrides https://api.stripe.com (stripe-mock in tests).
	APIBase string
	// Tolerance is how old a signed webhook may be (default 5 minutes).
	Tolerance  time.Duration
	HTTPClient *http.Client
}

// Client is orders' card payment provider on Stripe.
type Client struct {
	api           *client.API
	webhookSecret string
	tolerance     time.Duration
}

var _ orders.Payments = (*Client)(nil)

// New returns a client. It does not call Stripe.
func New(cfg Config) *Client {
	bc := &stripe.BackendConfig{
		HTTPClient:        cfg.HTTPClient,
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull},
		MaxNetworkRetries: stripe.Int64(2),
	}
	if bc.HTTPClient == nil {
		bc.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.APIBase != "" {
		bc.URL = stripe.String(strings.TrimSuffix(cfg.APIBase, "/"))
	}
	b := stripe.GetBackendWithConfig(stripe.APIBackend, bc)
	if cfg.Tolerance <= 0 {
		cfg.Tolerance = webhook.DefaultTolerance
	}
	return &Client{
		api:           client.New(cfg.SecretKey, &stripe.Backends{API: b, Connect: b, Uploads: b}),
		webhookSecret: cfg.WebhookSecret,
		tolerance:     cfg.Tolerance,
	}
}

// MetadataCheckoutID is the metadata key that ties an intent to its checkout.
const MetadataCheckoutID = "checkout_id"

// IdempotencyKey is the key of a checkout's intent: creating it again, after
// a timeout or a crash, returns the same intent.
func IdempotencyKey(checkoutID string) string { return "ocop-checkout-" + checkoutID }

// intentParams builds the request for a checkout's PaymentIntent. VND is a
// zero-decimal currency: 150000 is 150.000 ₫.
func intentParams(ctx context.Context, checkoutID string, amount market.VND, description string) *stripe.PaymentIntentParams {
	p := &stripe.PaymentIntentParams{
		Amount:      stripe.Int64(int64(amount)),
		Currency:    stripe.String(string(stripe.CurrencyVND)),
		Description: stripe.String(description),
		AutomaticPaymentMethods: &stripe.PaymentIntentAutomaticPaymentMethodsParams{
			Enabled: stripe.Bool(true),
		},
	}
	p.Context = ctx
	p.SetIdempotencyKey(IdempotencyKey(checkoutID))
	p.AddMetadata(MetadataCheckoutID, checkoutID)
	return p
}

// CreateIntent starts the card payment of a checkout.
func (c *Client) CreateIntent(ctx context.Context, checkoutID string, amount market.VND, description string) (orders.Intent, error) {
	pi, err := c.api.PaymentIntents.New(intentParams(ctx, checkoutID, amount, description))
	if err != nil {
		return orders.Intent{}, unavailable(err)
	}
	return orders.Intent{ID: pi.ID, ClientSecret: pi.ClientSecret}, nil
}

// Refund gives back amount of an intent's payment.
func (c *Client) Refund(ctx context.Context, intentID string, amount market.VND, key string) error {
	p := &stripe.RefundParams{PaymentIntent: stripe.String(intentID), Amount: stripe.Int64(int64(amount))}
	p.Context = ctx
	p.SetIdempotencyKey("ocop-" + key)
	_, err := c.api.Refunds.New(p)
	if err != nil {
		return unavailable(err)
	}
	return nil
}

func unavailable(err error) error {
	return market.Wrap(err, market.Unavailable,
		"Cổng thanh toán thẻ đang bận. Vui lòng thử lại sau ít phút hoặc chọn cách thanh toán khác.",
		"The card payment service is not answering. Please try again in a few minutes or choose another payment method.")
}

// ParseEvent verifies a webhook's signature and timestamp against the
// signing secret and translates the event. Event types orders do not act
// on come back as EventIgnored.
func (c *Client) ParseEvent(payload []byte, signature string) (orders.PaymentEvent, error) {
	ev, err := webhook.ConstructEventWithOptions(payload, signature, c.webhookSecret, webhook.ConstructEventOptions{
		Tolerance:                c.tolerance,
		IgnoreAPIVersionMismatch: true, // only ids, amounts and metadata are read
	})
	if err != nil {
		msgVI, msgEN := "Chữ ký sự kiện Stripe không hợp lệ.", "The Stripe event signature is not valid."
		if errors.Is(err, webhook.ErrTooOld) {
			msgVI, msgEN = "Sự kiện Stripe đã quá hạn.", "The Stripe event is too old."
		}
		return orders.PaymentEvent{}, market.Wrap(err, market.Invalid, msgVI, msgEN)
	}
	return translate(ev)
}

// translate turns a verified Stripe event into a payment event.
func translate(ev stripe.Event) (orders.PaymentEvent, error) {
	out := orders.PaymentEvent{Provider: "stripe", ID: ev.ID, Kind: orders.EventIgnored}
	if ev.Data == nil {
		return out, nil
	}
	bad := func(err error) error {
		return market.Wrap(err, market.Invalid, "Sự kiện Stripe không đọc được.", "The Stripe event could not be read.")
	}
	switch ev.Type {
	case "payment_intent.succeeded", "payment_intent.payment_failed":
		var pi stripe.PaymentIntent
		if err := json.Unmarshal(ev.Data.Raw, &pi); err != nil {
			return out, bad(err)
		}
		out.Kind = orders.EventSucceeded
		if ev.Type == "payment_intent.payment_failed" {
			out.Kind = orders.EventFailed
		}
		out.IntentID, out.CheckoutID, out.Amount = pi.ID, pi.Metadata[MetadataCheckoutID], market.VND(pi.Amount)
		if pi.AmountReceived > 0 {
			out.Amount = market.VND(pi.AmountReceived)
		}
	case "charge.refunded":
		var ch stripe.Charge
		if err := json.Unmarshal(ev.Data.Raw, &ch); err != nil {
			return out, bad(err)
		}
		out.Kind, out.Amount, out.CheckoutID = orders.EventRefunded, market.VND(ch.AmountRefunded), ch.Metadata[MetadataCheckoutID]
		if ch.PaymentIntent != nil {
			out.IntentID = ch.PaymentIntent.ID
		}
	}
	return out, nil
}
