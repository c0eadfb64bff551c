package sqlite_test

import (
	"context"
	"testing"

	"github.com/ocopmarket/market/sqlite/sqlitetest"
	"github.com/ocopmarket/market/uptake/uptaketest"
)

func TestUptakeStore(t *testing.T) {
	uptaketest.Run(t, func(t *testing.T) uptaketest.Fixture {
		db := MustOpen(t)
		return uptaketest.Fixture{
			Store: db.Uptake(),
			Seed: func(ctx context.Context, d uptaketest.Dataset) error {
				return sqlitetest.SeedUptake(ctx, db.Path(), d)
			},
		}
	})
}
