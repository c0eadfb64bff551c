package main

import (
	"context"
	"path/filepath"
	"time"

	"github.com/ocopmarket/market/accounts"
	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/httpserver"
	"github.com/ocopmarket/market/mongodb"
	"github.com/ocopmarket/market/orders"
	"github.com/ocopmarket/market/sellers"
	"github.com/ocopmarket/market/sqlite"
	"github.com/ocopmarket/market/uptake"
)

// stores are the records backends of one process: SQLite by default,
// MongoDB when OCOP_MONGODB_URI is set. Nothing above this file knows which.
type stores struct {
	accounts accounts.Store
	// Sellers, regions, categories and products.
	sellers sellers.Store
	catalog catalog.Store
	orders  orders.Store
	// Uptake.
	uptake uptake.Store
	// lease lets one instance at a time run a background job.
	lease func(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	// releaseLeases gives up every lease (embedded store only: one server
	// per data directory, so leases left at start are a dead one's).
	releaseLeases func(ctx context.Context) error
	ping          func(ctx context.Context) error
	close         func() error
	// pageCache reports the embedded store's page cache; nil otherwise.
	pageCache func() httpserver.PageCacheStats
	// warmPages fills the embedded store's page cache; nil otherwise.
	warmPages func(ctx context.Context) (int, error)
}

func openStores(ctx context.Context, cfg config) (*stores, error) {
	if cfg.MongoURI != "" {
		db, err := mongodb.Open(ctx, cfg.MongoURI, cfg.MongoDB)
		if err != nil {
			return nil, err
		}
		return &stores{
			accounts: db.Accounts(),
			sellers:  db.Sellers(),
			catalog:  db.Catalog(),
			orders:   db.Orders(),
			uptake:   db.Uptake(),
			lease:    db.AcquireLease,
			ping:     db.Ping,
			close:    func() error { return db.Close(context.Background()) },
		}, nil
	}
	db, err := sqlite.Open(ctx, filepath.Join(cfg.DataDir, "ocop.db"), sqlite.Options{Synchronous: cfg.SQLiteSynchronous, PageCacheMB: pageCacheMB(cfg.PageCacheMB)})
	if err != nil {
		return nil, err
	}
	return &stores{
		accounts: db.Accounts(),
		sellers:  db.Sellers(),
		catalog:  db.Catalog(),
		orders:   db.Orders(),
		uptake:   db.Uptake(),
		lease:    db.AcquireLease,
		ping:     db.Ping,
		close:    db.Close,

		releaseLeases: db.ReleaseAllLeases,
		pageCache:     pageCacheStats(db),
		warmPages:     db.WarmPageCache,
	}, nil
}

// pageCacheMB is the store's option for OCOP_PAGE_CACHE_MB, where 0 is off.
func pageCacheMB(mb int) int {
	if mb == 0 {
		return -1
	}
	return mb
}

// pageCacheStats reads the page cache's figures for /metrics, or is nil
// when the cache is off.
func pageCacheStats(db *sqlite.DB) func() httpserver.PageCacheStats {
	if _, on := db.PageCacheStats(); !on {
		return nil
	}
	return func() httpserver.PageCacheStats {
		st, _ := db.PageCacheStats()
		return httpserver.PageCacheStats{Products: st.Products, Bytes: st.Bytes, Hits: st.Hits, Misses: st.Misses}
	}
}
