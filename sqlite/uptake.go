package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/uptake"
)

// UptakeStore computes officials' figures. Order figures of periods made
// of whole Vietnam days come from the rollups of migration 0051, which the
// orders store keeps (see uptake/rollup.go); other periods, and scopes
// whose region ids do not follow the dotted scheme, are summed from the
// orders table. Sellers and listings are counted from their tables.
type UptakeStore struct{ db *DB }

var _ uptake.Store = (*UptakeStore)(nil)

// Uptake returns the figures store.
func (db *DB) Uptake() *UptakeStore { return &UptakeStore{db: db} }

// An order counts once placed (placed_at is set at checkout for cash on
// delivery and when paid for card and transfer) unless cancelled since.
const (
	counted   = `o.status NOT IN ('cancelled', 'refunded')`
	cancelled = `o.status IN ('cancelled', 'refunded')`
	// vnDay is the Vietnam calendar day (days since 1970-01-01 ICT) of a Unix ms column.
	vnOffsetMs = 7 * 60 * 60 * 1000
	dayMs      = 24 * 60 * 60 * 1000
)

// regionFilter is the SQL condition "col lies in the scope's regions" and
// its argument: the region ids as one JSON array, so that a province with
// a hundred communes is still one bound parameter. Nil regions (the whole
// country) filter nothing.
type regionFilter struct {
	ids  []string
	json string
}

func newRegionFilter(ids []string) (regionFilter, error) {
	if ids == nil {
		return regionFilter{}, nil
	}
	js, err := json.Marshal(ids)
	if err != nil {
		return regionFilter{}, err
	}
	return regionFilter{ids: ids, json: string(js)}, nil
}

// in returns the condition on col, appending its argument to args.
func (f regionFilter) in(col string, args *[]any) string {
	if f.ids == nil {
		return "1"
	}
	*args = append(*args, f.json)
	return col + " IN (SELECT value FROM json_each(?))"
}

// notIn is the negation of in; nothing lies outside the whole country.
func (f regionFilter) notIn(col string, args *[]any) string {
	if f.ids == nil {
		return "0"
	}
	*args = append(*args, f.json)
	return col + " NOT IN (SELECT value FROM json_each(?))"
}

// Counts computes every figure of the summary. The independent queries run
// at once on the read pool.
func (s *UptakeStore) Counts(ctx context.Context, sc uptake.Scope) (uptake.Counts, error) {
	rf, err := newRegionFilter(sc.Regions)
	if err != nil {
		return uptake.Counts{}, err
	}
	var (
		c    uptake.Counts
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	run := func(fn func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	root, rolled := uptake.PathScope(sc.Regions)
	from, to, whole := uptake.WholeDays(sc.From, sc.To)
	rolled = rolled && whole
	// Each query fills its own part of c, so they need no lock between them.
	if rolled {
		run(func() error { return s.rolledOrders(ctx, root, from, to, &c.Orders) })
		run(func() error { return s.rolledBuyers(ctx, root, from, to, &c.Orders) })
	} else {
		run(func() error { return s.orderFigures(ctx, rf, sc, &c.Orders) })
		run(func() error { return s.buyers(ctx, rf, sc, &c.Orders) })
	}
	run(func() error { return s.sellers(ctx, rf, sc, &c.Sellers) })
	run(func() error { return s.products(ctx, rf, sc, &c.Products) })
	wg.Wait()
	if len(errs) > 0 {
		return uptake.Counts{}, fmt.Errorf("sqlite: uptake counts: %w", errors.Join(errs...))
	}
	if rolled {
		// rolledBuyers left the pairs inside the period in Buyers and RepeatBuyers.
		c.Orders.Buyers, c.Orders.RepeatBuyers = uptake.Buyers(countedOrders(c.Orders), c.Orders.Buyers, c.Orders.RepeatBuyers)
	}
	if c.Orders.Shipped > 0 {
		var m float64
		var err error
		if rolled {
			m, err = s.rolledMedianShip(ctx, root, sc, from, to, c.Orders.Shipped)
		} else {
			m, err = s.medianShip(ctx, rf, sc, c.Orders.Shipped)
		}
		if err != nil {
			return uptake.Counts{}, fmt.Errorf("sqlite: uptake median: %w", err)
		}
		c.Orders.MedianShipMillis = m
	}
	return c, nil
}

// countedOrders is the number of counted orders over every method.
func countedOrders(o uptake.OrderCounts) int64 {
	var n int64
	for _, m := range o.ByMethod {
		n += m.Count
	}
	return n
}

// rolledOrders reads the per-method counts, outside-region, cancelled and
// shipped counts of the root's days [from, to).
func (s *UptakeStore) rolledOrders(ctx context.Context, root string, from, to int64, o *uptake.OrderCounts) error {
	rows, err := s.db.read.QueryContext(ctx, `SELECT method, sum(counted), sum(value_vnd), sum(cancelled), sum(outside), sum(shipped)
		FROM uptake_days WHERE region_id = ? AND day >= ? AND day < ? GROUP BY method`, root, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	o.ByMethod = map[string]uptake.MethodCounts{}
	for rows.Next() {
		var method string
		var n, value, canc, out, shipped int64
		if err := rows.Scan(&method, &n, &value, &canc, &out, &shipped); err != nil {
			return err
		}
		if n != 0 || value != 0 {
			o.ByMethod[method] = uptake.MethodCounts{Count: n, Value: market.VND(value)}
		}
		o.Cancelled += canc
		o.OutsideRegion += out
		o.Shipped += shipped
	}
	return rows.Err()
}

// rolledBuyers reads the pairs of a buyer's orders that lie inside the
// days [from, to): consecutive ones into Buyers, two apart into
// RepeatBuyers, for Counts to turn into buyers once the orders are known.
func (s *UptakeStore) rolledBuyers(ctx context.Context, root string, from, to int64, o *uptake.OrderCounts) error {
	return s.db.read.QueryRowContext(ctx, `SELECT
			coalesce(sum(CASE WHEN kind = 1 THEN n END), 0), coalesce(sum(CASE WHEN kind = 2 THEN n END), 0)
		FROM uptake_buyer_pairs WHERE region_id = ? AND kind IN (1, 2) AND start_day >= ? AND start_day < ? AND end_day < ?`,
		root, from, to, to).Scan(&o.Buyers, &o.RepeatBuyers)
}

// rolledMedianShip finds the hour of the middle shipped order(s) in the
// histogram, then reads their exact times from the index of shipped orders.
func (s *UptakeStore) rolledMedianShip(ctx context.Context, root string, sc uptake.Scope, from, to, shipped int64) (float64, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT hours, sum(n) FROM uptake_ship_hours
		WHERE region_id = ? AND day >= ? AND day < ? GROUP BY hours HAVING sum(n) != 0 ORDER BY hours`, root, from, to)
	if err != nil {
		return 0, err
	}
	var hist []uptake.HourCount
	for rows.Next() {
		var h uptake.HourCount
		if err := rows.Scan(&h.Hours, &h.N); err != nil {
			rows.Close()
			return 0, err
		}
		hist = append(hist, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var sum int64
	for _, k := range []int64{(shipped - 1) / 2, shipped / 2} {
		hours, rank, ok := uptake.LocateRank(hist, k)
		if !ok {
			return 0, fmt.Errorf("rank %d of %d shipped orders is not in the histogram", k, shipped)
		}
		where, args := "1", []any{hours}
		if root != "" {
			where, args = "(o.seller_region_id = ? OR (o.seller_region_id >= ? AND o.seller_region_id < ?))", append(args, root, root+".", root+"/")
		}
		args = append(args, millis(sc.From), millis(sc.To), rank)
		var d int64
		if err := s.db.read.QueryRowContext(ctx, `SELECT o.shipped_at - o.placed_at AS d FROM orders o INDEXED BY orders_uptake_ship
			WHERE (o.shipped_at - o.placed_at) / 3600000 = ? AND `+where+` AND o.placed_at >= ? AND o.placed_at < ?
				AND o.placed_at > 0 AND o.shipped_at > 0 AND `+counted+`
			ORDER BY d LIMIT 1 OFFSET ?`, args...).Scan(&d); err != nil {
			return 0, fmt.Errorf("rank %d of %d shipped orders: %w", k, shipped, err)
		}
		sum += d
	}
	return float64(sum) / 2, nil
}

// orderFigures fills the per-method counts, outside-region, cancelled and
// shipped counts from one pass over the period's orders.
func (s *UptakeStore) orderFigures(ctx context.Context, rf regionFilter, sc uptake.Scope, o *uptake.OrderCounts) error {
	var args []any
	outside := rf.notIn("o.shipping_region_id", &args)
	where := rf.in("o.seller_region_id", &args)
	args = append(args, millis(sc.From), millis(sc.To))
	rows, err := s.db.read.QueryContext(ctx, `SELECT o.payment_method,
			coalesce(sum(`+counted+`), 0),
			coalesce(sum(CASE WHEN `+counted+` THEN o.total_vnd ELSE 0 END), 0),
			coalesce(sum(`+cancelled+`), 0),
			coalesce(sum(`+counted+` AND `+outside+`), 0),
			coalesce(sum(`+counted+` AND o.shipped_at > 0), 0)
		FROM orders o
		WHERE `+where+` AND o.placed_at >= ? AND o.placed_at < ? AND o.placed_at > 0
		GROUP BY o.payment_method`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	o.ByMethod = map[string]uptake.MethodCounts{}
	for rows.Next() {
		var method string
		var n, value, canc, out, shipped int64
		if err := rows.Scan(&method, &n, &value, &canc, &out, &shipped); err != nil {
			return err
		}
		o.ByMethod[method] = uptake.MethodCounts{Count: n, Value: market.VND(value)}
		o.Cancelled += canc
		o.OutsideRegion += out
		o.Shipped += shipped
	}
	return rows.Err()
}

// buyers counts distinct buyers of counted orders and those with two or more.
func (s *UptakeStore) buyers(ctx context.Context, rf regionFilter, sc uptake.Scope, o *uptake.OrderCounts) error {
	var args []any
	where := rf.in("o.seller_region_id", &args)
	args = append(args, millis(sc.From), millis(sc.To))
	var buyers, repeat int64
	err := s.db.read.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(n >= 2), 0) FROM (
			SELECT count(*) AS n FROM orders o
			WHERE `+where+` AND o.placed_at >= ? AND o.placed_at < ? AND o.placed_at > 0 AND `+counted+`
			GROUP BY o.buyer_key)`, args...).Scan(&buyers, &repeat)
	o.Buyers, o.RepeatBuyers = buyers, repeat
	return err
}

// medianShip is the median of shipped_at − placed_at over the counted,
// shipped orders of the period, found by sorting in SQLite and reading the
// middle one (or two).
func (s *UptakeStore) medianShip(ctx context.Context, rf regionFilter, sc uptake.Scope, shipped int64) (float64, error) {
	var args []any
	where := rf.in("o.seller_region_id", &args)
	args = append(args, millis(sc.From), millis(sc.To), 2-shipped%2, (shipped-1)/2)
	var m sql.NullFloat64
	err := s.db.read.QueryRowContext(ctx, `SELECT avg(d) FROM (
			SELECT o.shipped_at - o.placed_at AS d FROM orders o
			WHERE `+where+` AND o.placed_at >= ? AND o.placed_at < ? AND o.placed_at > 0 AND o.shipped_at > 0 AND `+counted+`
			ORDER BY d LIMIT ? OFFSET ?)`, args...).Scan(&m)
	return m.Float64, err
}

// sellers counts the sellers registered before AsOf, and those with an
// order in the 30 days before it.
func (s *UptakeStore) sellers(ctx context.Context, rf regionFilter, sc uptake.Scope, f *uptake.SellerFigures) error {
	asOf := millis(sc.AsOf)
	var args []any
	args = append(args, asOf, asOf)
	where := rf.in("s.region_id", &args)
	args = append(args, asOf)
	rows, err := s.db.read.QueryContext(ctx, `SELECT s.kind, count(*),
			coalesce(sum(s.status = 'verified' AND s.verified_at < ?), 0),
			coalesce(sum(EXISTS (SELECT 1 FROM products p WHERE p.seller_id = s.id AND p.status = 'active' AND p.created_at < ?)), 0)
		FROM sellers s WHERE `+where+` AND s.created_at < ?
		GROUP BY s.kind`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	f.ByKind = map[string]int64{}
	for rows.Next() {
		var kind string
		var n, verified, listing int64
		if err := rows.Scan(&kind, &n, &verified, &listing); err != nil {
			return err
		}
		f.ByKind[kind] = n
		f.Total += n
		f.Verified += verified
		f.WithListing += listing
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return s.active(ctx, rf, sc.Regions, sc.AsOf.Add(-30*24*time.Hour), sc.AsOf, &f.Active30d)
}

// active counts the sellers with a counted order in [from, to): the whole
// days of the window from the rollups, the rest of it (the window ends
// now, most often) from the orders placed in those hours.
func (s *UptakeStore) active(ctx context.Context, rf regionFilter, regions []string, from, to time.Time, n *int64) error {
	root, rolled := uptake.PathScope(regions)
	if !rolled {
		var args []any
		where := rf.in("o.seller_region_id", &args)
		args = append(args, millis(from), millis(to))
		return s.db.read.QueryRowContext(ctx, `SELECT count(DISTINCT o.seller_id) FROM orders o
			WHERE `+where+` AND o.placed_at >= ? AND o.placed_at < ? AND o.placed_at > 0 AND `+counted,
			args...).Scan(n)
	}
	first, last := uptake.VietnamDay(from), uptake.VietnamDay(to)
	if !uptake.DayStart(first).Equal(from) {
		first++
	}
	headEnd, tailStart := uptake.DayStart(first), uptake.DayStart(last)
	if last < first { // less than a day, inside one day: all from orders
		headEnd, tailStart = to, to
	}
	args := []any{root, first, last}
	edge := func() string {
		where := rf.in("o.seller_region_id", &args)
		return `SELECT o.seller_id FROM orders o WHERE ` + where + ` AND o.placed_at >= ? AND o.placed_at < ? AND o.placed_at > 0 AND ` + counted
	}
	head := edge()
	args = append(args, millis(from), millis(headEnd))
	tail := edge()
	args = append(args, millis(tailStart), millis(to))
	return s.db.read.QueryRowContext(ctx, `SELECT count(*) FROM (
			SELECT seller_id FROM uptake_seller_days WHERE region_id = ? AND day >= ? AND day < ? AND n > 0
			UNION `+head+` UNION `+tail+`)`, args...).Scan(n)
}

// ocopValid is a listing whose certificate is officially verified and
// unexpired at the time bound to its one argument (0: no expiry given).
const ocopValid = `p.ocop_status = 'verified' AND p.ocop_stars BETWEEN 3 AND 5 AND (p.ocop_expires_at = 0 OR p.ocop_expires_at > ?)`

// products counts the active listings of the scope's sellers, and the
// registry certificates that such a listing carries.
func (s *UptakeStore) products(ctx context.Context, rf regionFilter, sc uptake.Scope, f *uptake.ProductCounts) error {
	asOf := millis(sc.AsOf)
	var args []any
	args = append(args, asOf)
	where := rf.in("s.region_id", &args)
	args = append(args, asOf)
	rows, err := s.db.read.QueryContext(ctx, `SELECT CASE WHEN `+ocopValid+` THEN p.ocop_stars ELSE 0 END AS stars,
			count(*), coalesce(sum(p.assisted = 0), 0)
		FROM products p JOIN sellers s ON s.id = p.seller_id
		WHERE `+where+` AND p.status = 'active' AND p.created_at < ?
		GROUP BY stars`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	f.ByStars = map[int]int64{}
	for rows.Next() {
		var stars int
		var n, self int64
		if err := rows.Scan(&stars, &n, &self); err != nil {
			return err
		}
		f.Listed += n
		f.SelfService += self
		if stars > 0 {
			f.ByStars[stars] = n
			f.OCOPVerified += n
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	args = args[:0]
	args = append(args, asOf)
	listingIn := rf.in("s.region_id", &args)
	registryIn := rf.in("r.region_id", &args)
	return s.db.read.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(EXISTS (
			SELECT 1 FROM products p JOIN sellers s ON s.id = p.seller_id
			WHERE upper(trim(p.ocop_number)) = r.certificate_key AND p.status = 'active' AND `+ocopValid+` AND `+listingIn+`)), 0)
		FROM ocop_registry r WHERE `+registryIn, args...).Scan(&f.Registry, &f.RegistryOnline)
}

// Daily returns the metric per Vietnam day of the scope's period, in day order.
func (s *UptakeStore) Daily(ctx context.Context, sc uptake.Scope, m uptake.Metric) (uptake.Daily, error) {
	rf, err := newRegionFilter(sc.Regions)
	if err != nil {
		return uptake.Daily{}, err
	}
	var args, beforeArgs []any
	var before, query string
	day := func(col string) string { return fmt.Sprintf("(%s + %d) / %d", col, vnOffsetMs, dayMs) }
	root, rolled := uptake.PathScope(sc.Regions)
	from, to, whole := uptake.WholeDays(sc.From, sc.To)
	switch {
	case (m == uptake.MetricOrders || m == uptake.MetricGMV) && rolled && whole:
		value := "sum(counted)"
		if m == uptake.MetricGMV {
			value = "sum(value_vnd)"
		}
		return s.rolledDaily(ctx, `SELECT day, `+value+` FROM uptake_days WHERE region_id = ? AND day >= ? AND day < ?
			GROUP BY day HAVING sum(counted) > 0 ORDER BY day`, root, from, to)
	}
	switch m {
	case uptake.MetricOrders, uptake.MetricGMV:
		value := "count(*)"
		if m == uptake.MetricGMV {
			value = "sum(o.total_vnd)"
		}
		query = `SELECT ` + day("o.placed_at") + ` AS d, ` + value + ` FROM orders o
			WHERE ` + rf.in("o.seller_region_id", &args) + ` AND o.placed_at >= ? AND o.placed_at < ? AND o.placed_at > 0 AND ` + counted + `
			GROUP BY d ORDER BY d`
	case uptake.MetricSellers:
		before = `SELECT count(*) FROM sellers s WHERE ` + rf.in("s.region_id", &beforeArgs) + ` AND s.created_at < ?`
		query = `SELECT ` + day("s.created_at") + ` AS d, count(*) FROM sellers s
			WHERE ` + rf.in("s.region_id", &args) + ` AND s.created_at >= ? AND s.created_at < ?
			GROUP BY d ORDER BY d`
	case uptake.MetricProducts:
		listed := `FROM products p JOIN sellers s ON s.id = p.seller_id WHERE p.status = 'active' AND `
		before = `SELECT count(*) ` + listed + rf.in("s.region_id", &beforeArgs) + ` AND p.created_at < ?`
		query = `SELECT ` + day("p.created_at") + ` AS d, count(*) ` + listed + rf.in("s.region_id", &args) + `
			AND p.created_at >= ? AND p.created_at < ? GROUP BY d ORDER BY d`
	default:
		return uptake.Daily{}, fmt.Errorf("sqlite: unknown metric %q", m)
	}
	var out uptake.Daily
	if before != "" {
		beforeArgs = append(beforeArgs, millis(sc.From))
		if err := s.db.read.QueryRowContext(ctx, before, beforeArgs...).Scan(&out.Before); err != nil {
			return uptake.Daily{}, err
		}
	}
	args = append(args, millis(sc.From), millis(sc.To))
	rows, err := s.db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return uptake.Daily{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var d, v int64
		if err := rows.Scan(&d, &v); err != nil {
			return uptake.Daily{}, err
		}
		out.Days = append(out.Days, uptake.DayValue{Start: time.UnixMilli(d*dayMs - vnOffsetMs).UTC(), Value: v})
	}
	return out, rows.Err()
}

// rolledDaily reads (day, value) rows.
func (s *UptakeStore) rolledDaily(ctx context.Context, query string, args ...any) (uptake.Daily, error) {
	rows, err := s.db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return uptake.Daily{}, err
	}
	defer rows.Close()
	var out uptake.Daily
	for rows.Next() {
		var d, v int64
		if err := rows.Scan(&d, &v); err != nil {
			return uptake.Daily{}, err
		}
		out.Days = append(out.Days, uptake.DayValue{Start: uptake.DayStart(d), Value: v})
	}
	return out, rows.Err()
}

// ReplaceRegistry replaces a region's registry in one transaction.
func (s *UptakeStore) ReplaceRegistry(ctx context.Context, regionID string, entries []uptake.RegistryEntry, by string, at time.Time) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM ocop_registry WHERE region_id = ?`, regionID); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO ocop_registry
			(region_id, certificate_key, certificate_no, product_name, stars, holder, line, imported_by, imported_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, e := range entries {
			if _, err := stmt.ExecContext(ctx, regionID, uptake.CertificateKey(e.CertificateNo), e.CertificateNo,
				e.ProductName, e.Stars, e.Holder, e.Line, by, millis(at)); err != nil {
				if isUnique(err) {
					return market.Errorf(market.Conflict, "Số giấy chứng nhận "+e.CertificateNo+" bị trùng.",
						"Certificate "+e.CertificateNo+" appears twice.")
				}
				return err
			}
		}
		return nil
	})
}
