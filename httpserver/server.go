// Package httpserver is Chợ OCOP over HTTP: the JSON API under /api/v1, the
// operational endpoints and the web pages, on one gorilla/mux router.
package httpserver

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/ocopmarket/market/accounts"
	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/orders"
	"github.com/ocopmarket/market/regions"
	"github.com/ocopmarket/market/search"
	"github.com/ocopmarket/market/sellers"
	"github.com/ocopmarket/market/uptake"
)

// Config is what the HTTP layer needs to know about its deployment.
type Config struct {
	// BaseURL is the public address of the site, e.g. https://choocop.vn.
	BaseURL string
	// Version is shown by /healthz and in logs.
	Version string
	// JSONBodyLimit bounds JSON request bodies (default 1 MiB).
	JSONBodyLimit int64
	// RequestTimeout bounds the work of one request (default 30 s).
	RequestTimeout time.Duration
	// RateLimits turns rate limiting on (the default) or off (load tests).
	RateLimits bool
	// TrustProxy takes the client address from X-Forwarded-For.
	TrustProxy bool
	// CardKey is the card provider's publishable key, for the payment form
	// of the pages. Card payments show on the pages only when it is set and
	// Deps.Orders takes cards.
	CardKey string
}

// ReadyCheck tells whether one dependency answers; /readyz runs them all.
type ReadyCheck struct {
	Name string
	// Check returns nil when the dependency is ready.
	Check func(ctx context.Context) error
	// Optional dependencies report "degraded" instead of failing readiness.
	Optional bool
}

// Deps are the services the handlers call. Each area of the marketplace
// adds its own fields.
type Deps struct {
	Accounts *accounts.Service
	Ready    []ReadyCheck
	// Metrics, if set, receives the HTTP metrics; otherwise New makes a registry.
	Metrics *prometheus.Registry

	// Sellers, regions, categories and products.
	Regions *regions.Tree
	Sellers *sellers.Service
	Catalog *catalog.Service
	// Blobs serves stored photos under /media/.
	Blobs catalog.Blobs

	// Search.
	// Search answers searches; nil leaves /api/v1/search and /search out.
	Search search.Searcher
	// SearchSync, if set, reports the syncer's backlog and lag as metrics.
	SearchSync SyncStatuser
	// PageCache, if set, reports the store's page cache as metrics.
	PageCache func() PageCacheStats

	// Checkout, orders and payments.
	Orders *orders.Service
	// StripeEvents verifies and translates a Stripe webhook; nil when cards are off.
	StripeEvents func(payload []byte, signature string) (orders.PaymentEvent, error)
	// BankWebhookSecret authenticates bank notifications; empty turns them off.
	BankWebhookSecret string
	// QRImage renders a QR code as a PNG; nil leaves VietQR codes as text only.
	QRImage func(content string, sizePx int) ([]byte, error)

	// Uptake.
	Uptake *uptake.Service
}

// Server is the HTTP handler of the marketplace.
type Server struct {
	logger  *slog.Logger
	cfg     Config
	deps    Deps
	router  *mux.Router
	hot     hotRoutes // served before the router; see hotRoutes
	openapi []byte
	params  queryParams // the API's query parameters, from openapi
	metrics *metrics
	limits  *limits
	handler http.Handler
	web     *webUI
}

// New builds the handler. It fails when the OpenAPI document does not load.
func New(logger *slog.Logger, cfg Config, deps Deps) (*Server, error) {
	if cfg.JSONBodyLimit <= 0 {
		cfg.JSONBodyLimit = 1 << 20
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	doc, err := OpenAPIDocument()
	if err != nil {
		return nil, err
	}
	reg := deps.Metrics
	if reg == nil {
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	params, err := apiQueryParams()
	if err != nil {
		return nil, err
	}
	s := &Server{
		params:  params,
		logger:  logger,
		cfg:     cfg,
		deps:    deps,
		router:  mux.NewRouter(),
		openapi: doc,
		metrics: newMetrics(reg),
		limits:  newLimits(cfg.RateLimits),
	}
	// Search.
	s.metrics.registerSearchSync(deps.SearchSync)
	s.metrics.registerPageCache(deps.PageCache)
	if s.web, err = newWebUI(cfg); err != nil {
		return nil, err
	}
	if deps.Orders != nil && deps.Orders.CardsEnabled() {
		s.web.cardKey = cfg.CardKey
	}
	s.router.Use(s.observe)
	addRoutes(s.router, s)
	// Subrouters answer for their own paths, so each needs the handlers
	// too. mux cannot be trusted to tell a wrong method from a wrong path
	// inside a subrouter (the prefix its routes share hides the method
	// mismatch), so one handler tells them apart by asking the router.
	_ = s.router.Walk(func(route *mux.Route, router *mux.Router, ancestors []*mux.Route) error {
		router.NotFoundHandler = http.HandlerFunc(s.noRoute)
		router.MethodNotAllowedHandler = http.HandlerFunc(s.noRoute)
		return nil
	})
	s.router.NotFoundHandler = http.HandlerFunc(s.noRoute)
	s.router.MethodNotAllowedHandler = http.HandlerFunc(s.noRoute)
	s.handler = s.requestID(s.recoverPanic(s.securityHeaders(s.compress(s.authenticate(s.webSession(http.HandlerFunc(s.dispatch)))))))
	return s, nil
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
