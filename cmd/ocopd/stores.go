package main

import (
	"context"
	"path/filepath"
	"time"

	"github.com/ocopmarket/market/accounts"
	"github.com/ocopmarket/market/mongodb"
	"github.com/ocopmarket/market/sqlite"
)

// stores are the records backends of one process: SQLite by default,
// MongoDB when OCOP_MONGODB_URI is set. Nothing above this file knows which.
type stores struct {
	accounts accounts.Store
	// lease lets one instance at a time run a background job.
	lease func(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	ping  func(ctx context.Context) error
	close func() error
}

func openStores(ctx context.Context, cfg config) (*stores, error) {
	if cfg.MongoURI != "" {
		db, err := mongodb.Open(ctx, cfg.MongoURI, cfg.MongoDB)
		if err != nil {
			return nil, err
		}
		return &stores{
			accounts: db.Accounts(),
			lease:    db.AcquireLease,
			ping:     db.Ping,
			close:    func() error { return db.Close(context.Background()) },
		}, nil
	}
	db, err := sqlite.Open(ctx, filepath.Join(cfg.DataDir, "ocop.db"), sqlite.Options{Synchronous: cfg.SQLiteSynchronous})
	if err != nil {
		return nil, err
	}
	return &stores{
		accounts: db.Accounts(),
		lease:    db.AcquireLease,
		ping:     db.Ping,
		close:    db.Close,
	}, nil
}
