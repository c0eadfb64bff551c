package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
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
func countOrder(ctx context.Context, tx txWriter, before, after uptake.OrderFacts) error {
	var chain []uptake.ChainOrder
	if uptake.ChainChanges(before, after) {
		var err error
		if chain, err = buyerNeighbours(ctx, tx, before, after); err != nil {
			return fmt.Errorf("sqlite: uptake rollups: %w", err)
		}
	}
	if err := applyUptake(ctx, tx, uptake.Change(before, after, chain)); err != nil {
		return fmt.Errorf("sqlite: uptake rollups: %w", err)
	}
	return nil
}

// buyerNeighbours reads, around the order as it was and as it is, the
// buyer's other counted orders nearest to it, going back in time and
// forward, until each region the order counts in has two of them on each
// side (all that the pairs of uptake.Change look at), or none are left.
// One query reads a few on each side; a region still short (a buyer with
// many orders elsewhere) reads on.
func buyerNeighbours(ctx context.Context, tx txWriter, sides ...uptake.OrderFacts) ([]uptake.ChainOrder, error) {
	const few = 8
	var out []uptake.ChainOrder
	seen := map[string]bool{}
	for _, f := range sides {
		if !f.Counted() {
			continue
		}
		levels := uptake.RegionLevels(f.SellerRegionID)
		at := millis(f.PlacedAt)
		// The limit is in the text, not a parameter: a bound LIMIT makes
		// SQLite compile the statement again for every new value.
		var got [2][]uptake.ChainOrder
		err := tx.query(ctx, `SELECT 0, * FROM (`+neighbours(`<`, `DESC`)+` LIMIT `+strconv.Itoa(few)+`)
			UNION ALL SELECT 1, * FROM (`+neighbours(`>`, `ASC`)+` LIMIT `+strconv.Itoa(few)+`)`,
			[]any{f.BuyerKey, at, f.ID}, func(r scanner) error {
				var side int
				var o uptake.ChainOrder
				var ms int64
				if err := r.Scan(&side, &o.ID, &o.SellerRegionID, &ms); err != nil {
					return err
				}
				o.PlacedAt = fromMillis(ms)
				got[side&1] = append(got[side&1], o)
				return nil
			})
		if err != nil {
			return nil, err
		}
		for side, os := range got {
			if len(os) == few && !enough(levels, os) {
				op, order := `<`, `DESC`
				if side == 1 {
					op, order = `>`, `ASC`
				}
				more, err := moreNeighbours(ctx, tx, op, order, f, levels, os)
				if err != nil {
					return nil, err
				}
				os = append(os, more...)
			}
			for _, o := range os {
				if !seen[o.ID] {
					seen[o.ID] = true
					out = append(out, o)
				}
			}
		}
	}
	return out, nil
}

// neighbours is the query of a buyer's counted orders before (<, DESC) or
// after (>, ASC) a time and id, nearest first; its parameters are the
// buyer key (?1), the time (?2) and the id (?3). The plain bound on
// placed_at comes first: SQLite takes the first bound it finds on the
// column as where the index scan starts, and "placed_at > 0" (which the
// partial index needs in the query) made the scan after the time start at
// the buyer's first order.
func neighbours(op, order string) string {
	return `SELECT id, seller_region_id, placed_at FROM orders INDEXED BY orders_uptake_buyer
		WHERE buyer_key = ?1 AND placed_at ` + op + `= ?2 AND placed_at > 0 AND status NOT IN ('cancelled', 'refunded')
		AND (placed_at, id) ` + op + ` (?2, ?3) ORDER BY placed_at ` + order + `, id ` + order
}

// enough reports whether orders hold two of every level's orders.
func enough(levels []string, orders []uptake.ChainOrder) bool {
	for _, r := range levels {
		if inRegion(r, orders) < 2 {
			return false
		}
	}
	return true
}

// inRegion counts the orders of sellers in region r.
func inRegion(r string, orders []uptake.ChainOrder) int {
	n := 0
	for _, o := range orders {
		if uptake.InRegion(o.SellerRegionID, r) {
			n++
		}
	}
	return n
}

// moreNeighbours reads, for every level where the nearest orders on one
// side (have) hold fewer than two, the two nearest of the buyer's orders
// in that region on that side: with have, they hold the two nearest of
// every level, which is all Change looks at.
func moreNeighbours(ctx context.Context, tx txWriter, op, order string, f uptake.OrderFacts, levels []string,
	have []uptake.ChainOrder) ([]uptake.ChainOrder, error) {
	var out []uptake.ChainOrder
	for _, r := range levels {
		if r == "" || inRegion(r, have) >= 2 {
			continue // every order is in the country, and have is not empty
		}
		err := tx.query(ctx, regionNeighbours(op, order), []any{f.BuyerKey, millis(f.PlacedAt), f.ID, r}, func(row scanner) error {
			var o uptake.ChainOrder
			var ms int64
			if err := row.Scan(&o.ID, &o.SellerRegionID, &ms); err != nil {
				return err
			}
			o.PlacedAt = fromMillis(ms)
			out = append(out, o)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// regionNeighbours is the query of the two nearest of a buyer's counted
// orders in region ?4 before (<, DESC) or after (>, ASC) a time and id:
// those of sellers in the region itself, and those of sellers in regions
// under it (ids "?4.…"). Parameters as in neighbours.
func regionNeighbours(op, order string) string {
	const from = `SELECT id, seller_region_id, placed_at FROM orders INDEXED BY orders_uptake_buyer_region
		WHERE buyer_key = ?1 AND `
	rest := ` AND placed_at > 0 AND status NOT IN ('cancelled', 'refunded') AND (placed_at, id) ` + op + ` (?2, ?3)
		ORDER BY placed_at ` + order + `, id ` + order + ` LIMIT 2`
	return `SELECT * FROM (` + from + `seller_region_id = ?4 AND placed_at ` + op + `= ?2` + rest + `)
		UNION ALL SELECT * FROM (` + from + `seller_region_id > ?4 || '.' AND seller_region_id < ?4 || '/'` + rest + `)`
}

// applyUptake adds a delta to the rollups (see migration 0051 for the
// columns). On the committer it only holds the delta back: the batch
// writes the sum of its checkouts' deltas once, before its COMMIT
// (batchWriter).
func applyUptake(ctx context.Context, tx txWriter, d uptake.Delta) error {
	if d.Empty() {
		return nil
	}
	if b, ok := tx.(*batchWriter); ok {
		b.held = append(b.held, d)
		return nil
	}
	return addCounters(ctx, tx, counterRows(d))
}

// counterKey is the primary key of a row of uptake_counters.
type counterKey struct {
	region, kind, k1 string
	k2               int64
	k3               any // a payment method (text) or a number of hours or a day
}

// counterRow is a change to one row of uptake_counters.
type counterRow struct {
	key counterKey
	c   [5]int64
}

// counterRows lists the rows of uptake_counters a delta changes.
func counterRows(d uptake.Delta) []counterRow {
	out := make([]counterRow, 0, len(d.Days)+len(d.Hours)+len(d.SellerDays)+len(d.Pairs))
	for _, r := range d.Days {
		out = append(out, counterRow{counterKey{r.Region, "o" + r.Grain, "", r.Period, r.Method},
			[5]int64{r.Counted, int64(r.Value), r.Cancelled, r.Outside, r.Shipped}})
	}
	for _, r := range d.Hours {
		out = append(out, counterRow{counterKey{r.Region, "h" + r.Grain, "", r.Period, r.Hours}, [5]int64{r.N}})
	}
	for _, r := range d.SellerDays {
		out = append(out, counterRow{counterKey{r.Region, "s", r.SellerID, r.Day, int64(0)}, [5]int64{r.N}})
	}
	for _, r := range d.Pairs {
		out = append(out, counterRow{counterKey{r.Region, "p" + strconv.Itoa(r.Kind), "", r.Start, r.End}, [5]int64{r.N}})
	}
	return out
}

// counterSum adds up the rollup changes of many writes.
type counterSum map[counterKey]*[5]int64

func (s counterSum) add(d uptake.Delta) {
	for _, r := range counterRows(d) {
		c := s[r.key]
		if c == nil {
			c = new([5]int64)
			s[r.key] = c
		}
		for i, v := range r.c {
			c[i] += v
		}
	}
}

// rows lists the sum in key order, so that the upserts walk the table's
// b-tree in order. A row whose changes cancel out is kept: the table ends
// up exactly as if each write had added its own delta.
func (s counterSum) rows() []counterRow {
	out := make([]counterRow, 0, len(s))
	for k, c := range s {
		out = append(out, counterRow{k, *c})
	}
	slices.SortFunc(out, func(a, b counterRow) int {
		return cmp.Or(cmp.Compare(a.key.region, b.key.region), cmp.Compare(a.key.kind, b.key.kind),
			cmp.Compare(a.key.k1, b.key.k1), cmp.Compare(a.key.k2, b.key.k2), compareK3(a.key.k3, b.key.k3))
	})
	return out
}

// compareK3 orders the last key column: numbers before text, as SQLite
// does.
func compareK3(a, b any) int {
	as, aText := a.(string)
	bs, bText := b.(string)
	switch {
	case aText && bText:
		return cmp.Compare(as, bs)
	case aText:
		return 1
	case bText:
		return -1
	}
	an, _ := a.(int64)
	bn, _ := b.(int64)
	return cmp.Compare(an, bn)
}

// addCounters upserts rows into uptake_counters, in statements of 32, 16,
// …, 1 rows: few statement texts, each compiled once on the committer.
func addCounters(ctx context.Context, tx txWriter, rows []counterRow) error {
	const most = 32
	for len(rows) > 0 {
		n := most
		for n > len(rows) {
			n /= 2
		}
		args := make([]any, 0, 10*n)
		for _, r := range rows[:n] {
			args = append(args, r.key.region, r.key.kind, r.key.k1, r.key.k2, r.key.k3, r.c[0], r.c[1], r.c[2], r.c[3], r.c[4])
		}
		row := "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		if _, err := tx.exec(ctx, `INSERT INTO uptake_counters (region_id, kind, k1, k2, k3, c1, c2, c3, c4, c5)
		VALUES `+strings.Repeat(row+", ", n-1)+row+`
		ON CONFLICT DO UPDATE SET c1 = c1 + excluded.c1, c2 = c2 + excluded.c2, c3 = c3 + excluded.c3,
			c4 = c4 + excluded.c4, c5 = c5 + excluded.c5`, args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
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
	if _, err := db.ExecContext(ctx, `DELETE FROM uptake_counters;`+string(backfill)); err != nil {
		return fmt.Errorf("sqlite: rebuild uptake rollups: %w", err)
	}
	return nil
}

// RebuildUptake recomputes the figures' rollups from the orders, in one transaction.
func (db *DB) RebuildUptake(ctx context.Context) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return RebuildUptake(ctx, tx) })
}
