// Package sqlitetest puts records straight into an SQLite database of the
// marketplace, for tests and benchmarks that need data no service makes
// quickly (a fixed dataset, a million orders).
package sqlitetest

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	_ "modernc.org/sqlite" // the driver

	"github.com/ocopmarket/market/sqlite"
	"github.com/ocopmarket/market/uptake/uptaketest"
)

// Open opens a second connection to the database file at path (opened and
// migrated by sqlite.Open) for writing records directly.
func Open(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// SeedUptake inserts the dataset (and the accounts and checkouts its
// records refer to) in one transaction, and rebuilds the figures' rollups.
func SeedUptake(ctx context.Context, path string, d uptaketest.Dataset) error {
	db, err := Open(path)
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	exec := func(q string, args ...any) {
		if err == nil {
			_, err = tx.ExecContext(ctx, q, args...)
		}
	}
	for i, id := range d.Accounts() {
		exec(`INSERT INTO accounts (id, phone, name, password_hash, roles, created_at, updated_at) VALUES (?, ?, ?, '', 'buyer', 0, 0)`,
			id, fmt.Sprintf("+8490%07d", i), id)
	}
	for _, s := range d.Sellers {
		exec(`INSERT INTO sellers (id, owner_account_id, kind, name, phone, region_id, address, status, verified_at, first_verified_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, '+84900000000', ?, 'địa chỉ', ?, ?, ?, ?, ?)`,
			s.ID, s.OwnerAccountID, s.Kind, "Cửa hàng "+s.ID, s.RegionID, s.Status, ms(s.VerifiedAt), ms(s.FirstVerified()), ms(s.CreatedAt), ms(s.CreatedAt))
	}
	for _, p := range d.Products {
		assisted := 0
		if p.Assisted {
			assisted = 1
		}
		exec(`INSERT INTO products (id, seller_id, name, category_id, unit, price_vnd, stock, region_id, status,
				ocop_stars, ocop_number, ocop_expires_at, ocop_status, created_by, assisted, created_at, updated_at)
			VALUES (?, ?, ?, 'nong-san', 'kg', 10000, 5, (SELECT region_id FROM sellers WHERE id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ID, p.SellerID, "Sản phẩm "+p.ID, p.SellerID, p.Status, p.OCOPStars, p.OCOPNumber, ms(p.OCOPExpiresAt), p.OCOPStatus,
			p.CreatedBy, assisted, ms(p.CreatedAt), ms(p.CreatedAt))
	}
	for _, o := range d.Orders {
		exec(`INSERT INTO checkouts (id, idempotency_key, request_hash, buyer_name, buyer_phone, buyer_key, total_vnd,
				payment_method, payment_status, created_at) VALUES (?, ?, '', ?, ?, ?, ?, ?, ?, ?)`,
			"c-"+o.ID, "k-"+o.ID, o.BuyerName, o.BuyerPhone, o.BuyerKey, int64(o.Total), o.Method, o.PaymentStatus, ms(o.CreatedAt))
		exec(`INSERT INTO orders (id, code, checkout_id, seller_id, seller_name, seller_region_id, buyer_name, buyer_phone, buyer_key,
				shipping_address, shipping_region_id, subtotal_vnd, shipping_vnd, total_vnd, payment_method, payment_status, status,
				created_at, updated_at, placed_at, paid_at, shipped_at, cancelled_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.ID, "UT-"+o.ID, "c-"+o.ID, o.SellerID, "Cửa hàng "+o.SellerID, o.SellerRegionID, o.BuyerName, o.BuyerPhone, o.BuyerKey,
			o.Address, o.ShippingRegionID, int64(o.Total), int64(o.Total), o.Method, o.PaymentStatus, o.Status,
			ms(o.CreatedAt), ms(o.CreatedAt), ms(o.PlacedAt), ms(o.PaidAt), ms(o.ShippedAt), ms(o.CancelledAt))
	}
	if err != nil {
		return err
	}
	// The orders went in behind the orders store's back: count them.
	if err := sqlite.RebuildUptake(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}
