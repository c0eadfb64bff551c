package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/accounts"
	"github.com/ocopmarket/market/httpserver"
	"github.com/ocopmarket/market/orders"
	"github.com/ocopmarket/market/qrpng"
	"github.com/ocopmarket/market/stripepay"
	"github.com/ocopmarket/market/uptake"
)

// serve runs the marketplace until ctx is cancelled, then shuts down
// gracefully: it stops accepting, lets requests in flight finish (within
// OCOP_SHUTDOWN_TIMEOUT), stops background jobs and closes the stores.
func serve(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	logger := cfg.logger(stderr)
	logger.Info("starting ocopd", append([]any{"version", buildVersion(), "dataDir", cfg.DataDir}, cfg.backendNames()...)...)

	st, err := openStores(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.close()

	app, err := newApp(cfg, st, logger)
	if err != nil {
		return err
	}
	// Search: the index closes after the jobs (the syncer) have stopped.
	defer app.search.close()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           app.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // a 15 MB photo over 3G
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "Chợ OCOP is listening on http://%s\n", ln.Addr())
	logger.Info("listening", "addr", ln.Addr().String(), "baseURL", cfg.BaseURL)

	jobsCtx, stopJobs := context.WithCancel(context.Background())
	var jobs sync.WaitGroup
	// Search: `ocopd reindex` asks this server to rebuild the index.
	if err := app.startControl(jobsCtx, &jobs); err != nil {
		stopJobs()
		ln.Close()
		return err
	}
	app.startJobs(jobsCtx, &jobs)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		stopJobs()
		jobs.Wait()
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	err = srv.Shutdown(shutCtx)
	stopJobs()
	jobs.Wait()
	if serr := <-served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	logger.Info("stopped")
	return err
}

// app is the marketplace wired together: services over the stores, and the
// HTTP handler over the services.
type app struct {
	cfg      config
	logger   *slog.Logger
	stores   *stores
	accounts *accounts.Service
	// Sellers, regions, categories and products.
	market *marketServices
	// Checkout, orders and payments.
	orders *orders.Service
	// Uptake.
	uptake *uptake.Service
	// Search.
	search  *searchEngine
	handler http.Handler
	holder  string // this instance's name in leases
}

func newApp(cfg config, st *stores, logger *slog.Logger) (*app, error) {
	a := &app{cfg: cfg, logger: logger, stores: st, holder: market.NewID()}
	a.accounts = accounts.NewService(st.accounts, accounts.Options{})
	ms, err := newMarketServices(cfg, st, a.accounts, market.SystemClock{})
	if err != nil {
		return nil, err
	}
	a.market = ms

	// Checkout, orders and payments.
	orderOpts := orders.Options{Hold: cfg.PaymentHold, BuyerKeySecret: cfg.BuyerKeySecret, Regions: ms.regions,
		Platform: orders.BankAccount{BIN: cfg.VietQRBIN, Number: cfg.VietQRAccount, Holder: cfg.VietQRName}}
	var stripeEvents func([]byte, string) (orders.PaymentEvent, error)
	if cfg.StripeSecretKey != "" {
		cards := stripepay.New(stripepay.Config{SecretKey: cfg.StripeSecretKey, WebhookSecret: cfg.StripeWebhookSecret, APIBase: cfg.StripeAPIBase})
		orderOpts.Cards, stripeEvents = cards, cards.ParseEvent
	}
	a.orders = orders.NewService(st.orders, orderOpts)

	// Uptake.
	a.uptake = uptake.NewService(st.uptake, ms.regions, market.SystemClock{})

	// Search.
	prepCtx, cancelPrep := context.WithTimeout(context.Background(), time.Minute)
	a.search, err = newSearchEngine(prepCtx, cfg, st, ms.regions, a.holder, logger)
	cancelPrep()
	if err != nil {
		return nil, err
	}

	h, err := httpserver.New(logger, httpserver.Config{
		BaseURL:    cfg.BaseURL,
		Version:    buildVersion(),
		RateLimits: cfg.RateLimits,
		TrustProxy: cfg.TrustProxy,
		CardKey:    cfg.StripePublishableKey,
	}, httpserver.Deps{
		Accounts: a.accounts,
		Regions:  ms.regions,
		Sellers:  ms.sellers,
		Catalog:  ms.catalog,
		Blobs:    ms.blobs,
		Ready: []httpserver.ReadyCheck{
			{Name: "store", Check: st.ping},
			// Search: while the index is down, searches fail but buying and selling go on.
			{Name: "search", Check: a.search.index.Ping, Optional: true},
		},

		// Checkout, orders and payments.
		Orders:            a.orders,
		StripeEvents:      stripeEvents,
		BankWebhookSecret: cfg.BankWebhookSecret,
		QRImage:           qrpng.Encode,

		// Uptake.
		Uptake: a.uptake,

		// Search.
		Search:     a.search.index,
		SearchSync: a.search.syncer,
		PageCache:  st.pageCache,
	})
	if err != nil {
		a.search.close()
		return nil, err
	}
	a.handler = h
	return a, nil
}

// startJobs starts the background jobs. Each takes a lease before each
// round, so that with many instances only one does each job at a time.
func (a *app) startJobs(ctx context.Context, wg *sync.WaitGroup) {
	a.every(ctx, wg, "purge-sessions", time.Hour, func(ctx context.Context) error {
		n, err := a.accounts.PurgeExpiredSessions(ctx)
		if n > 0 {
			a.logger.Info("purged expired sessions", "count", n)
		}
		return err
	})
	a.every(ctx, wg, "ocop-expiry", time.Hour, func(ctx context.Context) error {
		_, err := a.stores.catalog.MarkExpiredCertificatesDirty(ctx, time.Now().UTC())
		return err
	})
	// Search: the syncer takes its own lease and polls quickly while there is work.
	wg.Add(1)
	go func() {
		defer wg.Done()
		a.search.syncer.Run(ctx)
	}()
	// An embedded index made by an older version is rebuilt once, in the
	// background: it answers meanwhile, ranking as its version did.
	if x, ok := a.search.index.(interface{ Outdated() bool }); ok && x.Outdated() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.logger.Info("the search index was made by an older version of ocopd: rebuilding it in the background")
			n, err := a.search.syncer.Reindex(ctx, nil)
			if err != nil {
				a.logger.Warn("rebuilding the outdated search index failed; `ocopd reindex` retries", "err", err)
				return
			}
			a.logger.Info("search index rebuilt", "count", n)
		}()
	}
	// Product pages: the page cache is filled once at start, so that a
	// product's first visitor is served from memory too.
	if a.stores.warmPages != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			n, err := a.stores.warmPages(ctx)
			if err != nil && ctx.Err() == nil {
				a.logger.Warn("filling the page cache failed; pages fill it as they are read", "err", err)
				return
			}
			a.logger.Info("page cache filled", "products", n, "took", time.Since(start).Round(time.Millisecond))
		}()
	}
	// Checkout, orders and payments: unpaid card and bank-transfer checkouts give their stock back.
	a.every(ctx, wg, "expire-unpaid-orders", time.Minute, func(ctx context.Context) error {
		n, err := a.orders.ExpireUnpaid(ctx)
		if n > 0 {
			a.logger.Info("cancelled unpaid orders whose hold ran out", "count", n)
		}
		return err
	})
}

// every runs job now and then every interval while this instance holds the
// job's lease, until ctx ends.
func (a *app) every(ctx context.Context, wg *sync.WaitGroup, name string, interval time.Duration, job func(context.Context) error) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			ok, err := a.stores.lease(ctx, name, a.holder, interval+interval/2)
			if err == nil && ok {
				err = job(ctx)
			}
			if err != nil && ctx.Err() == nil {
				a.logger.Warn("background job failed", "job", name, "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}
