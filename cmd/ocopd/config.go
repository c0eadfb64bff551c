package main

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ocopmarket/market/sqlite"
)

// config is everything ocopd reads from its environment.
type config struct {
	Addr            string
	DataDir         string
	BaseURL         string
	MongoURI        string
	MongoDB         string
	MeiliURL        string
	MeiliKey        string
	StripeSecretKey string
	// StripePublishableKey (pk_…) is given to browsers for Stripe's Payment Element.
	StripePublishableKey string
	StripeWebhookSecret  string
	StripeAPIBase        string
	LogLevel             slog.Level
	LogFormat            string
	RateLimits           bool
	TrustProxy           bool
	SQLiteSynchronous    string
	ShutdownTimeout      time.Duration
	// SearchCacheMB bounds the embedded search engine's result cache
	// (OCOP_SEARCH_CACHE_MB); 0 turns it off.
	SearchCacheMB int
	// PageCacheMB bounds the products product pages are served from on
	// the embedded store (OCOP_PAGE_CACHE_MB); 0 turns it off.
	PageCacheMB int

	// Checkout, orders and payments.
	PaymentHold       time.Duration // OCOP_PAYMENT_HOLD: how long unpaid card/transfer checkouts keep stock
	BankWebhookSecret string        // OCOP_BANK_WEBHOOK_SECRET: HMAC key of bank notifications
	VietQRBIN         string        // OCOP_VIETQR_BIN / _ACCOUNT / _NAME: the platform's own account
	VietQRAccount     string
	VietQRName        string
	BuyerKeySecret    string // OCOP_BUYER_KEY_SECRET: keys the hash that stands for a guest's phone
}

func loadConfig(getenv func(string) string) (config, error) {
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := config{
		Addr:                 get("OCOP_ADDR", ":8080"),
		DataDir:              get("OCOP_DATA_DIR", "./data"),
		BaseURL:              strings.TrimSuffix(get("OCOP_BASE_URL", ""), "/"),
		MongoURI:             get("OCOP_MONGODB_URI", ""),
		MongoDB:              get("OCOP_MONGODB_DB", "ocop"),
		MeiliURL:             get("OCOP_MEILI_URL", ""),
		MeiliKey:             get("OCOP_MEILI_KEY", ""),
		StripeSecretKey:      get("OCOP_STRIPE_SECRET_KEY", ""),
		StripeWebhookSecret:  get("OCOP_STRIPE_WEBHOOK_SECRET", ""),
		StripePublishableKey: get("OCOP_STRIPE_PUBLISHABLE_KEY", ""),
		StripeAPIBase:        get("OCOP_STRIPE_API_BASE", ""),
		LogFormat:            get("OCOP_LOG_FORMAT", "text"),
		SQLiteSynchronous:    strings.ToUpper(get("OCOP_SQLITE_SYNCHRONOUS", "FULL")),
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("OCOP_LOG_LEVEL", "info"))); err != nil {
		return c, fmt.Errorf("OCOP_LOG_LEVEL: %w", err)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, fmt.Errorf("OCOP_LOG_FORMAT must be text or json, not %q", c.LogFormat)
	}
	switch v := strings.ToLower(get("OCOP_RATE_LIMITS", "on")); v {
	case "on", "true", "1":
		c.RateLimits = true
	case "off", "false", "0":
	default:
		return c, fmt.Errorf("OCOP_RATE_LIMITS must be on or off, not %q", v)
	}
	trust, err := strconv.ParseBool(get("OCOP_TRUST_PROXY", "false"))
	if err != nil {
		return c, fmt.Errorf("OCOP_TRUST_PROXY: %w", err)
	}
	c.TrustProxy = trust
	if c.ShutdownTimeout, err = time.ParseDuration(get("OCOP_SHUTDOWN_TIMEOUT", "20s")); err != nil {
		return c, fmt.Errorf("OCOP_SHUTDOWN_TIMEOUT: %w", err)
	}
	// A memory bound in whole megabytes, 0 (off) to 4096.
	megabytes := func(key, def string) (int, error) {
		n, err := strconv.Atoi(get(key, def))
		if err != nil || n < 0 || n > 4096 {
			return 0, fmt.Errorf("%s must be a whole number of megabytes from 0 (off) to 4096, not %q", key, get(key, ""))
		}
		return n, nil
	}
	if c.SearchCacheMB, err = megabytes("OCOP_SEARCH_CACHE_MB", "32"); err != nil {
		return c, err
	}
	if c.PageCacheMB, err = megabytes("OCOP_PAGE_CACHE_MB", strconv.Itoa(sqlite.DefaultPageCacheMB)); err != nil {
		return c, err
	}
	if c.PaymentHold, err = time.ParseDuration(get("OCOP_PAYMENT_HOLD", "30m")); err != nil || c.PaymentHold <= 0 {
		return c, fmt.Errorf("OCOP_PAYMENT_HOLD must be a positive duration such as 30m, not %q", get("OCOP_PAYMENT_HOLD", ""))
	}
	// The publishable key is sent to every browser: a secret key put there
	// by mistake must never leave the server.
	if k := c.StripePublishableKey; k != "" {
		switch {
		case !strings.HasPrefix(k, "pk_"):
			return c, fmt.Errorf("OCOP_STRIPE_PUBLISHABLE_KEY must be a publishable key (pk_…); never put a secret key there")
		case c.StripeSecretKey == "":
			return c, fmt.Errorf("OCOP_STRIPE_PUBLISHABLE_KEY needs OCOP_STRIPE_SECRET_KEY")
		}
	}
	c.BankWebhookSecret = get("OCOP_BANK_WEBHOOK_SECRET", "")
	c.VietQRBIN, c.VietQRAccount, c.VietQRName = get("OCOP_VIETQR_BIN", ""), get("OCOP_VIETQR_ACCOUNT", ""), get("OCOP_VIETQR_NAME", "")
	if (c.VietQRBIN == "") != (c.VietQRAccount == "") {
		return c, fmt.Errorf("OCOP_VIETQR_BIN and OCOP_VIETQR_ACCOUNT go together")
	}
	c.BuyerKeySecret = get("OCOP_BUYER_KEY_SECRET", "")
	if c.BaseURL == "" {
		host := c.Addr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		c.BaseURL = "http://" + host
	}
	if abs, err := filepath.Abs(c.DataDir); err == nil {
		c.DataDir = abs
	}
	return c, nil
}

func (c config) logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// backendNames says which backends are in use, for the start-up log. It
// never includes a secret: URIs are reduced to their host.
func (c config) backendNames() []any {
	records, search, cards := "sqlite "+filepath.Join(c.DataDir, "ocop.db"), "bleve "+filepath.Join(c.DataDir, "search"), "off"
	if c.MongoURI != "" {
		records = "mongodb " + hostOf(c.MongoURI) + "/" + c.MongoDB
	}
	if c.MeiliURL != "" {
		search = "meilisearch " + hostOf(c.MeiliURL)
	}
	if c.StripeSecretKey != "" {
		cards = "stripe"
		if c.StripeAPIBase != "" {
			cards += " at " + hostOf(c.StripeAPIBase)
		}
	}
	return []any{"records", records, "search", search, "cards", cards}
}

// hostOf returns the host part of a URL without credentials.
func hostOf(u string) string {
	s := u
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.LastIndex(s, "@"); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.IndexAny(s, "/?"); i >= 0 {
		s = s[:i]
	}
	return s
}
