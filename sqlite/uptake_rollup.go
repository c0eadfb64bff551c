package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/ocopmarket/market/orders"
	"github.com/ocopmarket/market/uptake"
)

// The officials' figures are read from rollups (migrations 0051, 0052)
// that every order write keeps up to date in its own transaction:
// countOrder is called with what the figures saw of the order before the
// write and what they see after it.

// factsColumns are the columns of an order that the figures read.
const factsColumns = `id, seller_id, seller_region_id, shipping_region_id, buyer_key, payment_method, status, total_vnd, placed_at, shipped_at`

// uptakeFacts reads what the figures see of an order; the zero value when
// there is none.
func uptakeFacts(ctx context.Context, q querier, orderID string) (uptake.OrderFacts, error) {
	var f uptake.OrderFacts
	var placed, shipped int64
	err := q.QueryRowContext(ctx, `SELECT `+factsColumns+` FROM orders WHERE id = ?`, orderID).Scan(&f.ID, &f.SellerID,
		&f.SellerRegionID, &f.ShippingRegionID, &f.BuyerKey, &f.Method, &f.Status, &f.Total, &placed, &shipped)
	if errors.Is(err, sql.ErrNoRows) {
		return uptake.OrderFacts{}, nil
	}
	f.PlacedAt, f.ShippedAt = fromMillis(placed), fromMillis(shipped)
	return f, err
}

// orderFacts is what the figures see of an order about to be inserted.
func orderFacts(o orders.Order) uptake.OrderFacts {
	return uptake.OrderFacts{ID: o.ID, SellerID: o.SellerID, SellerRegionID: o.SellerRegionID,
		ShippingRegionID: o.Shipping.RegionID, BuyerKey: o.BuyerKey, Method: string(o.Method), Status: string(o.Status),
		Total: o.Total, PlacedAt: o.PlacedAt, ShippedAt: o.ShippedAt}
}

// countOrder brings the rollups from an order as it was (before) to as it
// is (after), inside the write's transaction.
func countOrder(ctx context.Context, tx *sql.Tx, before, after uptake.OrderFacts) error {
	var chain []uptake.ChainOrder
	if uptake.ChainChanges(before, after) {
		key := after.BuyerKey
		if key == "" {
			key = before.BuyerKey
		}
		var err error
		if chain, err = buyerChain(ctx, tx, key); err != nil {
			return fmt.Errorf("sqlite: uptake rollups: %w", err)
		}
	}
	if err := applyUptake(ctx, tx, uptake.Change(before, after, chain)); err != nil {
		return fmt.Errorf("sqlite: uptake rollups: %w", err)
	}
	return nil
}

// buyerChain reads a buyer's counted orders.
func buyerChain(ctx context.Context, tx *sql.Tx, buyerKey string) ([]uptake.ChainOrder, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, seller_region_id, placed_at FROM orders INDEXED BY orders_uptake_buyer
		WHERE buyer_key = ? AND placed_at > 0 AND status NOT IN ('cancelled', 'refunded')`, buyerKey)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []uptake.ChainOrder
	for rows.Next() {
		var o uptake.ChainOrder
		var at int64
		if err := rows.Scan(&o.ID, &o.SellerRegionID, &at); err != nil {
			return nil, err
		}
		o.PlacedAt = fromMillis(at)
		out = append(out, o)
	}
	return out, rows.Err()
}

// applyUptake adds a delta to the rollups, one statement per table.
func applyUptake(ctx context.Context, tx *sql.Tx, d uptake.Delta) error {
	if len(d.Days) > 0 {
		args := make([]any, 0, 9*len(d.Days))
		for _, r := range d.Days {
			args = append(args, r.Region, r.Grain, r.Period, r.Method, r.Counted, int64(r.Value), r.Cancelled, r.Outside, r.Shipped)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO uptake_days (region_id, grain, period, method, counted, value_vnd, cancelled, outside, shipped)
			VALUES `+rowsOf(9, len(d.Days))+` ON CONFLICT DO UPDATE SET counted = counted + excluded.counted,
			value_vnd = value_vnd + excluded.value_vnd, cancelled = cancelled + excluded.cancelled,
			outside = outside + excluded.outside, shipped = shipped + excluded.shipped`, args...); err != nil {
			return err
		}
	}
	if len(d.Hours) > 0 {
		args := make([]any, 0, 5*len(d.Hours))
		for _, r := range d.Hours {
			args = append(args, r.Region, r.Grain, r.Period, r.Hours, r.N)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO uptake_ship_hours (region_id, grain, period, hours, n) VALUES `+rowsOf(5, len(d.Hours))+`
			ON CONFLICT DO UPDATE SET n = n + excluded.n`, args...); err != nil {
			return err
		}
	}
	if len(d.SellerDays) > 0 {
		args := make([]any, 0, 4*len(d.SellerDays))
		for _, r := range d.SellerDays {
			args = append(args, r.Region, r.SellerID, r.Day, r.N)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO uptake_seller_days (region_id, seller_id, day, n) VALUES `+rowsOf(4, len(d.SellerDays))+`
			ON CONFLICT DO UPDATE SET n = n + excluded.n`, args...); err != nil {
			return err
		}
	}
	if len(d.Pairs) > 0 {
		args := make([]any, 0, 6*len(d.Pairs))
		for _, r := range d.Pairs {
			args = append(args, r.Region, r.Grain, r.Kind, r.Start, r.End, r.N)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO uptake_buyer_pairs (region_id, grain, kind, start_at, end_at, n) VALUES `+rowsOf(6, len(d.Pairs))+`
			ON CONFLICT DO UPDATE SET n = n + excluded.n`, args...); err != nil {
			return err
		}
	}
	return nil
}

// rowsOf is "(?, ?), (?, ?)" for n rows of width placeholders.
func rowsOf(width, n int) string {
	row := "(" + placeholders(width) + ")"
	return strings.Repeat(row+", ", n-1) + row
}

// Execer runs statements: a *sql.DB or a *sql.Tx.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// RebuildUptake empties the figures' rollups and fills them again from the
// orders table, with the statements of migration 0052. Tools and tests that
// write orders straight into the database call it afterwards, in the same
// transaction (db is best a *sql.Tx).
func RebuildUptake(ctx context.Context, db Execer) error {
	backfill, err := fs.ReadFile(migrationFiles, "migrations/0052_uptake_backfill.sql")
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM uptake_days; DELETE FROM uptake_ship_hours;
		DELETE FROM uptake_seller_days; DELETE FROM uptake_buyer_pairs;`+string(backfill)); err != nil {
		return fmt.Errorf("sqlite: rebuild uptake rollups: %w", err)
	}
	return nil
}

// RebuildUptake recomputes the figures' rollups from the orders, in one transaction.
func (db *DB) RebuildUptake(ctx context.Context) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return RebuildUptake(ctx, tx) })
}
