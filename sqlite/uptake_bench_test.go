package sqlite_test

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/regions"
	"github.com/ocopmarket/market/sqlite"
	"github.com/ocopmarket/market/sqlite/sqlitetest"
	"github.com/ocopmarket/market/uptake"
	"github.com/ocopmarket/market/uptake/uptaketest"
)

// benchOrders is the size of the benchmark's province: a million orders in
// 2025 for the sellers of Cần Thơ's 103 communes.
const benchOrders = 1_000_000

// benchDB returns a database holding the benchmark's data, generated once
// and kept in the temporary directory between runs (about a minute to make;
// a file made before the rollups gets them from migration 0052 when opened).
func benchDB(b *testing.B) *sqlite.DB {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("ocop-uptake-bench-%d-v1.db", benchOrders))
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".part"
		os.Remove(tmp)
		os.Remove(tmp + "-wal")
		db, err := sqlite.Open(ctx, tmp, sqlite.Options{Synchronous: "NORMAL"})
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
		start := time.Now()
		if err := generate(ctx, tmp, uptaketest.Tree(b).Children(uptaketest.CanTho)); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %d orders in %v", benchOrders, time.Since(start).Round(time.Second))
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
	}
	db, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// generate writes 2 000 sellers, 10 000 listings and the orders in one
// transaction, with prepared statements.
func generate(ctx context.Context, path string, communes []regions.Region) error {
	db, err := sqlitetest.Open(path)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `PRAGMA journal_mode = OFF`); err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rnd := rand.New(rand.NewSource(2026))
	const sellers, products = 2000, 10000
	kinds := []string{"household", "household", "cooperative", "enterprise"}
	sellerRegion := make([]string, sellers)
	base := uptaketest.At(2025, time.January, 1, 0, 0).UnixMilli()
	year := int64(365 * 24 * time.Hour / time.Millisecond)
	st, err := tx.PrepareContext(ctx, `INSERT INTO sellers (id, owner_account_id, kind, name, phone, region_id, address, status, created_at, updated_at)
		VALUES (?, 'owner', ?, 'Cửa hàng', '+84900000000', ?, '', ?, ?, ?)`)
	if err != nil {
		return err
	}
	for i := range sellers {
		sellerRegion[i] = communes[rnd.Intn(len(communes))].ID
		at := base - rnd.Int63n(year)
		status := "verified"
		if i%5 == 0 {
			status = "pending"
		}
		if _, err := st.ExecContext(ctx, fmt.Sprintf("s%05d", i), kinds[i%4], sellerRegion[i], status, at, at); err != nil {
			return err
		}
	}
	st, err = tx.PrepareContext(ctx, `INSERT INTO products (id, seller_id, name, category_id, unit, price_vnd, stock, region_id, status,
			ocop_stars, ocop_number, ocop_status, ocop_expires_at, created_by, assisted, created_at, updated_at)
		VALUES (?, ?, 'Sản phẩm', 'c', 'kg', 10000, 5, ?, 'active', ?, ?, ?, ?, 'x', ?, ?, ?)`)
	if err != nil {
		return err
	}
	for i := range products {
		s := rnd.Intn(sellers)
		stars, number, status := 0, "", ""
		if i%4 == 0 {
			stars, number, status = 3+i%3, fmt.Sprintf("CT-%05d", i), "verified"
		}
		at := base - rnd.Int63n(year)
		if _, err := st.ExecContext(ctx, fmt.Sprintf("p%05d", i), fmt.Sprintf("s%05d", s), sellerRegion[s], stars, number, status,
			base+2*year, i%3, at, at); err != nil {
			return err
		}
	}
	st, err = tx.PrepareContext(ctx, `INSERT INTO orders (id, code, checkout_id, seller_id, seller_name, seller_region_id, buyer_name, buyer_phone,
			buyer_key, shipping_address, shipping_region_id, subtotal_vnd, shipping_vnd, total_vnd, payment_method, payment_status, status,
			created_at, updated_at, placed_at, paid_at, shipped_at, cancelled_at)
		VALUES (?, ?, 'c', ?, 'Cửa hàng', ?, 'Người mua', '+84911111111', ?, 'địa chỉ', ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	methods := []string{"cod", "cod", "card", "bank_transfer"}
	for i := range benchOrders {
		s := rnd.Intn(sellers)
		ship := sellerRegion[rnd.Intn(sellers)]
		if rnd.Intn(3) == 0 {
			ship = "ho-chi-minh"
		}
		method := methods[rnd.Intn(4)]
		placed := base + rnd.Int63n(year)
		status, payStatus := "delivered", "paid"
		var paid, shipped, cancelled int64 = placed, placed + rnd.Int63n(72*3600*1000), 0
		switch r := rnd.Intn(20); {
		case r == 0:
			status, shipped, cancelled = "cancelled", 0, placed+3600*1000
		case r == 1 && method != "cod":
			status, payStatus, placed, paid, shipped = "pending_payment", "awaiting_transfer", 0, 0, 0
		case r < 5:
			status, shipped = "confirmed", 0
		}
		if method == "cod" && status != "pending_payment" {
			payStatus, paid = "on_delivery", 0
		}
		total := 30_000 + rnd.Int63n(100)*5_000
		id := fmt.Sprintf("o%07d", i)
		if _, err := st.ExecContext(ctx, id, id, fmt.Sprintf("s%05d", s), sellerRegion[s], fmt.Sprintf("a:%06d", rnd.Intn(300_000)), ship,
			total, total, method, payStatus, status, placed, placed, placed, paid, shipped, cancelled); err != nil {
			return err
		}
	}
	// The orders went in behind the orders store's back: count them.
	if err := sqlite.RebuildUptake(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

func BenchmarkUptakeSummary(b *testing.B) {
	db := benchDB(b)
	ctx := context.Background()
	svc := uptake.NewService(db.Uptake(), uptaketest.Tree(b), market.NewManualClock(uptaketest.At(2026, time.January, 15, 0, 0)))
	admin := market.Actor{AccountID: "admin", Roles: []market.Role{market.RoleAdmin}}
	month := uptake.Period{From: uptaketest.At(2025, time.June, 1, 0, 0), To: uptaketest.At(2025, time.July, 1, 0, 0)}
	wholeYear := uptake.Period{From: uptaketest.At(2025, time.January, 1, 0, 0), To: uptaketest.At(2026, time.January, 1, 0, 0)}
	for _, bc := range []struct {
		name   string
		region string
		p      uptake.Period
	}{
		{"province/month", uptaketest.CanTho, month},
		{"province/year", uptaketest.CanTho, wholeYear},
		{"commune/year", uptaketest.NinhKieu, wholeYear},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var s uptake.Summary
			for b.Loop() {
				var err error
				if s, err = svc.Summary(ctx, admin, bc.region, bc.p); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(s.Orders.Count), "orders")
		})
	}
	b.Run("regions/province/year", func(b *testing.B) {
		var rows []uptake.Row
		for b.Loop() {
			var err error
			if rows, err = svc.Regions(ctx, admin, uptaketest.CanTho, wholeYear); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(rows)), "rows")
	})
	b.Run("series/province/year/day", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Series(ctx, admin, uptake.SeriesQuery{RegionID: uptaketest.CanTho, Metric: uptake.MetricGMV, Interval: uptake.Day, Period: wholeYear}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
