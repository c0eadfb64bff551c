package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopmarket/market/sqlite"

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

// TestUptakeRollupsReplay writes random order histories through the orders
// store and checks every order figure against brute force, then checks
// that rebuilding the rollups from the orders (migration 0052) gives the
// very rollups the writes kept.
func TestUptakeRollupsReplay(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			db, path := openAt(t, sqlite.Options{})
			f := fixturesFor(t, path)
			uptaketest.Replay(t, seed, 400, uptaketest.ReplayBackend{
				Orders: db.Orders(), Uptake: db.Uptake(), AddSeller: f.AddSeller, AddProduct: f.AddProduct,
				Check: func(t *testing.T) {
					kept := rollupRows(t, f.raw)
					if err := db.RebuildUptake(context.Background()); err != nil {
						t.Fatal(err)
					}
					rebuilt := rollupRows(t, f.raw)
					if len(kept) == 0 {
						t.Fatal("no rollups kept")
					}
					if diff := cmp.Diff(rebuilt, kept); diff != "" {
						t.Fatalf("rollups (-rebuilt +kept by the writes):\n%s", diff)
					}
				}})
		})
	}
}

// rollupRows reads every rollup row that is not all zeros, as text.
func rollupRows(t *testing.T, db *sql.DB) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT region_id, kind, k1, k2, k3, c1, c2, c3, c4, c5 FROM uptake_counters
			WHERE c1 != 0 OR c2 != 0 OR c3 != 0 OR c4 != 0 OR c5 != 0 ORDER BY 1, 2, 3, 4, 5`,
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c [10]string
			if err := rows.Scan(&c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7], &c[8], &c[9]); err != nil {
				t.Fatal(err)
			}
			out = append(out, strings.Join(c[:], " "))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
