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
// orders table. Sellers and listings are counted from their tables. Every
// query serves any number of scopes at once (the rows of a region table),
// grouping by the scope each region belongs to.
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

// groups are several scopes of one period asked at once: each region of
// each scope maps to the scope's index (the scopes of a region table are
// disjoint subtrees), and each scope's root to the same index.
type groups struct {
	n       int
	country bool   // one scope, the whole country
	regions string // {"region id": index, …}
	roots   string // {"root id": index, …}; "" is the country
}

func newGroups(scopes []uptake.Scope) (groups, error) {
	g := groups{n: len(scopes), country: len(scopes) == 1 && scopes[0].Regions == nil}
	regions, roots := map[string]int{}, map[string]int{}
	for i, sc := range scopes {
		if sc.Regions == nil && !g.country {
			return groups{}, fmt.Errorf("sqlite: the whole country cannot be grouped with other scopes")
		}
		for _, r := range sc.Regions {
			regions[r] = i
		}
		root, _ := uptake.PathScope(sc.Regions)
		roots[root] = i
	}
	a, err := json.Marshal(regions)
	if err != nil {
		return groups{}, err
	}
	b, err := json.Marshal(roots)
	if err != nil {
		return groups{}, err
	}
	g.regions, g.roots = string(a), string(b)
	return g, nil
}

// from is the FROM clause of table under alias t, restricted to rows whose
// col lies in a scope: the scopes' regions drive the loop (CROSS JOIN fixes
// the order), so that an index on col serves each region. It returns the
// clause and the expression of the scope index.
func (g groups) from(table, col string, args *[]any) (string, string) {
	if g.country {
		return ` FROM ` + table, "0"
	}
	*args = append(*args, g.regions)
	return ` FROM json_each(?) g CROSS JOIN ` + table + ` ON ` + col + ` = g.key`, `g.value`
}

// Counts computes every figure of the summary.
func (s *UptakeStore) Counts(ctx context.Context, sc uptake.Scope) (uptake.Counts, error) {
	cs, err := s.CountsEach(ctx, []uptake.Scope{sc})
	if err != nil {
		return uptake.Counts{}, err
	}
	return cs[0], nil
}

// CountsEach computes the figures of scopes sharing one period, each
// query grouped by scope. The independent queries run at once on the
// read pool.
func (s *UptakeStore) CountsEach(ctx context.Context, scopes []uptake.Scope) ([]uptake.Counts, error) {
	if len(scopes) == 0 {
		return nil, nil
	}
	g, err := newGroups(scopes)
	if err != nil {
		return nil, err
	}
	sc := scopes[0]
	from, to, rolled := uptake.WholeDays(sc.From, sc.To)
	roots := make([]string, len(scopes))
	for i, x := range scopes {
		if !x.From.Equal(sc.From) || !x.To.Equal(sc.To) || !x.AsOf.Equal(sc.AsOf) {
			return nil, fmt.Errorf("sqlite: uptake scopes asked at once must share their period")
		}
		var ok bool
		roots[i], ok = uptake.PathScope(x.Regions)
		rolled = rolled && ok
	}
	var (
		cs   = make([]uptake.Counts, len(scopes))
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
	// Each query fills its own part of each count, so they need no lock between them.
	if rolled {
		run(func() error { return s.rolledOrders(ctx, g, sc, from, to, cs) })
		run(func() error { return s.rolledBuyers(ctx, g, from, to, cs) })
	} else {
		run(func() error {
			for i, x := range scopes {
				rf, err := newRegionFilter(x.Regions)
				if err != nil {
					return err
				}
				if err := s.orderFigures(ctx, rf, x, &cs[i].Orders); err != nil {
					return err
				}
				if err := s.buyers(ctx, rf, x, &cs[i].Orders); err != nil {
					return err
				}
			}
			return nil
		})
	}
	run(func() error { return s.sellers(ctx, g, sc.AsOf, cs) })
	run(func() error { return s.active(ctx, g, scopes, cs) })
	run(func() error { return s.products(ctx, g, sc.AsOf, cs) })
	run(func() error { return s.registry(ctx, g, sc.AsOf, cs) })
	wg.Wait()
	if len(errs) > 0 {
		return nil, fmt.Errorf("sqlite: uptake counts: %w", errors.Join(errs...))
	}
	var hist map[int][]uptake.HourCount
	if rolled {
		if hist, err = s.rolledHours(ctx, g, sc, from, to); err != nil {
			return nil, fmt.Errorf("sqlite: uptake counts: %w", err)
		}
	}
	for i := range cs {
		o := &cs[i].Orders
		if rolled {
			// rolledBuyers left the pairs inside the period in Buyers and RepeatBuyers.
			o.Buyers, o.RepeatBuyers = uptake.Buyers(countedOrders(*o), o.Buyers, o.RepeatBuyers)
		}
		if o.Shipped == 0 {
			continue
		}
		if rolled {
			o.MedianShipMillis, err = s.rolledMedianShip(ctx, scopes[i], hist[i], o.Shipped)
		} else {
			var rf regionFilter
			if rf, err = newRegionFilter(scopes[i].Regions); err == nil {
				o.MedianShipMillis, err = s.medianShip(ctx, rf, scopes[i], o.Shipped)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("sqlite: uptake median: %w", err)
		}
	}
	return cs, nil
}

// countedOrders is the number of counted orders over every method.
func countedOrders(o uptake.OrderCounts) int64 {
	var n int64
	for _, m := range o.ByMethod {
		n += m.Count
	}
	return n
}

// grainOf picks the month rows of the order and histogram rollups for a
// period of whole months, the day rows otherwise; it returns the grain and
// the bounds in its units.
func grainOf(sc uptake.Scope, fromDay, toDay int64) (string, int64, int64) {
	if from, to, ok := uptake.WholeMonths(sc.From, sc.To); ok {
		return uptake.GrainMonth, from, to
	}
	return uptake.GrainDay, fromDay, toDay
}

// scopeIndex reads a scope index and checks it.
func scopeIndex(i int64, n int) (int, error) {
	if i < 0 || i >= int64(n) {
		return 0, fmt.Errorf("scope index %d out of range", i)
	}
	return int(i), nil
}

// rolledOrders reads the per-method counts, outside-region, cancelled and
// shipped counts of each root's days [from, to).
func (s *UptakeStore) rolledOrders(ctx context.Context, g groups, sc uptake.Scope, from, to int64, cs []uptake.Counts) error {
	grain, from, to := grainOf(sc, from, to)
	rows, err := s.db.read.QueryContext(ctx, `SELECT g.value, d.k3, sum(d.c1), sum(d.c2), sum(d.c3), sum(d.c4), sum(d.c5)
		FROM json_each(?) g CROSS JOIN uptake_counters d ON d.region_id = g.key AND d.kind = 'o' || ? AND d.k1 = ''
			AND d.k2 >= ? AND d.k2 < ?
		GROUP BY g.value, d.k3`, g.roots, grain, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var idx int64
		var method string
		var n, value, canc, out, shipped int64
		if err := rows.Scan(&idx, &method, &n, &value, &canc, &out, &shipped); err != nil {
			return err
		}
		i, err := scopeIndex(idx, len(cs))
		if err != nil {
			return err
		}
		o := &cs[i].Orders
		if o.ByMethod == nil {
			o.ByMethod = map[string]uptake.MethodCounts{}
		}
		o.ByMethod[method] = uptake.MethodCounts{Count: n, Value: market.VND(value)}
		o.Cancelled += canc
		o.OutsideRegion += out
		o.Shipped += shipped
	}
	return rows.Err()
}

// rolledBuyers reads the pairs of a buyer's orders that lie inside the
// days [from, to): consecutive ones into Buyers, two apart into
// RepeatBuyers, for CountsEach to turn into buyers once the orders are known.
func (s *UptakeStore) rolledBuyers(ctx context.Context, g groups, from, to int64, cs []uptake.Counts) error {
	// One sum per root and kind, each over one range of the primary key.
	rows, err := s.db.read.QueryContext(ctx, `SELECT g.value, k.kind, (SELECT coalesce(sum(p.c1), 0) FROM uptake_counters p
			WHERE p.region_id = g.key AND p.kind = 'p' || k.kind AND p.k1 = '' AND p.k2 >= ? AND p.k2 < ? AND p.k3 < ?)
		FROM json_each(?) g CROSS JOIN (SELECT 1 AS kind UNION ALL SELECT 2) k`, from, to, to, g.roots)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var idx, kind, n int64
		if err := rows.Scan(&idx, &kind, &n); err != nil {
			return err
		}
		i, err := scopeIndex(idx, len(cs))
		if err != nil {
			return err
		}
		if kind == 1 {
			cs[i].Orders.Buyers = n
		} else {
			cs[i].Orders.RepeatBuyers = n
		}
	}
	return rows.Err()
}

// rolledHours reads each root's histogram of whole hours to ship.
func (s *UptakeStore) rolledHours(ctx context.Context, g groups, sc uptake.Scope, from, to int64) (map[int][]uptake.HourCount, error) {
	grain, from, to := grainOf(sc, from, to)
	rows, err := s.db.read.QueryContext(ctx, `SELECT g.value, h.k3, sum(h.c1)
		FROM json_each(?) g CROSS JOIN uptake_counters h ON h.region_id = g.key AND h.kind = 'h' || ? AND h.k1 = ''
			AND h.k2 >= ? AND h.k2 < ?
		GROUP BY g.value, h.k3 HAVING sum(h.c1) != 0 ORDER BY g.value, h.k3`, g.roots, grain, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int][]uptake.HourCount{}
	for rows.Next() {
		var idx int64
		var h uptake.HourCount
		if err := rows.Scan(&idx, &h.Hours, &h.N); err != nil {
			return nil, err
		}
		i, err := scopeIndex(idx, g.n)
		if err != nil {
			return nil, err
		}
		out[i] = append(out[i], h)
	}
	return out, rows.Err()
}

// rolledMedianShip takes the hour of the middle shipped order(s) from the
// histogram, then reads their exact times from the index of shipped orders.
func (s *UptakeStore) rolledMedianShip(ctx context.Context, sc uptake.Scope, hist []uptake.HourCount, shipped int64) (float64, error) {
	var sum int64
	for _, k := range []int64{(shipped - 1) / 2, shipped / 2} {
		hours, rank, ok := uptake.LocateRank(hist, k)
		if !ok {
			return 0, fmt.Errorf("rank %d of %d shipped orders is not in the histogram", k, shipped)
		}
		rf, err := newRegionFilter(sc.Regions)
		if err != nil {
			return 0, err
		}
		args := []any{hours}
		where := rf.in("o.seller_region_id", &args) // one seek per region
		args = append(args, millis(sc.From), millis(sc.To), rank)
		var d int64
		err = s.db.read.QueryRowContext(ctx, `SELECT o.shipped_at - o.placed_at AS d FROM orders o INDEXED BY orders_uptake_ship
			WHERE (o.shipped_at - o.placed_at) / 3600000 = ? AND `+where+` AND o.placed_at >= ? AND o.placed_at < ?
				AND o.placed_at > 0 AND o.shipped_at > 0 AND `+counted+`
			ORDER BY d LIMIT 1 OFFSET ?`, args...).Scan(&d)
		if errors.Is(err, sql.ErrNoRows) {
			// The rollups counted an order whose seller region carries the
			// root's id but is not in the tree: take the median from the orders.
			return s.medianShip(ctx, rf, sc, shipped)
		}
		if err != nil {
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

// sellerOnline is a seller whose shop buyers see at the time bound to its
// one argument: verified now, and first verified before it. (Only active
// listings of verified sellers are for sale: search.Visible. Past months
// read the seller's status now: a seller suspended since leaves them.)
const sellerOnline = `s.status = 'verified' AND s.first_verified_at < ?`

// productOnline is when a listing went on sale: when it was made, or when
// its seller was first verified, whichever came later.
const productOnline = `max(p.created_at, s.first_verified_at)`

// sellers counts the sellers registered before asOf, by kind, verified
// and, of those, with an active listing: on sale.
func (s *UptakeStore) sellers(ctx context.Context, g groups, asOf time.Time, cs []uptake.Counts) error {
	at := millis(asOf)
	args := []any{at, at, at}
	from, idx := g.from("sellers s", "s.region_id", &args)
	args = append(args, at)
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+idx+`, s.kind, count(*),
			coalesce(sum(`+sellerOnline+`), 0),
			coalesce(sum(`+sellerOnline+` AND EXISTS (SELECT 1 FROM products p WHERE p.seller_id = s.id AND p.status = 'active' AND p.created_at < ?)), 0)
		`+from+` WHERE s.created_at < ?
		GROUP BY 1, s.kind`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var x int64
		var kind string
		var n, verified, listing int64
		if err := rows.Scan(&x, &kind, &n, &verified, &listing); err != nil {
			return err
		}
		i, err := scopeIndex(x, len(cs))
		if err != nil {
			return err
		}
		f := &cs[i].Sellers
		if f.ByKind == nil {
			f.ByKind = map[string]int64{}
		}
		f.ByKind[kind] = n
		f.Total += n
		f.Verified += verified
		f.WithListing += listing
	}
	return rows.Err()
}

// active counts the sellers with a counted order in the 30 days before
// AsOf: from the orders when the scopes' ids are not dotted paths;
// otherwise the whole days of the window from the rollups, and the rest of
// it (the window ends now, most often) from the orders of those hours.
func (s *UptakeStore) active(ctx context.Context, g groups, scopes []uptake.Scope, cs []uptake.Counts) error {
	to := scopes[0].AsOf
	from := to.Add(-30 * 24 * time.Hour)
	for _, sc := range scopes {
		if _, ok := uptake.PathScope(sc.Regions); !ok {
			for i, sc := range scopes {
				rf, err := newRegionFilter(sc.Regions)
				if err != nil {
					return err
				}
				var args []any
				where := rf.in("o.seller_region_id", &args)
				args = append(args, millis(from), millis(to))
				if err := s.db.read.QueryRowContext(ctx, `SELECT count(DISTINCT o.seller_id) FROM orders o
					WHERE `+where+` AND o.placed_at >= ? AND o.placed_at < ? AND o.placed_at > 0 AND `+counted,
					args...).Scan(&cs[i].Sellers.Active30d); err != nil {
					return err
				}
			}
			return nil
		}
	}
	first, last := uptake.VietnamDay(from), uptake.VietnamDay(to)
	if !uptake.DayStart(first).Equal(from) {
		first++
	}
	headEnd, tailStart := uptake.DayStart(first), uptake.DayStart(last)
	if last < first { // within one day: all from the orders
		headEnd, tailStart = to, to
	}
	var args []any
	edge := func(a, b time.Time) string {
		from, idx := g.from("orders o", "o.seller_region_id", &args)
		args = append(args, millis(a), millis(b))
		return `SELECT ` + idx + ` AS i, o.seller_id` + from + `
			WHERE o.placed_at >= ? AND o.placed_at < ? AND o.placed_at > 0 AND ` + counted
	}
	head := edge(from, headEnd)
	tail := edge(tailStart, to)
	args = append(args, g.roots, first, last)
	// Every seller that ever had an order in a root's region, found by
	// skipping from one seller id to the next in the primary key, then one
	// look for a day of the window.
	rows, err := s.db.read.QueryContext(ctx, `WITH RECURSIVE
		edges(i, seller_id) AS (`+head+` UNION `+tail+`),
		seller(i, r, id) AS (
			SELECT g.value, g.key, (SELECT min(d.k1) FROM uptake_counters d WHERE d.region_id = g.key AND d.kind = 's') FROM json_each(?) g
			UNION ALL
			SELECT i, r, (SELECT min(d.k1) FROM uptake_counters d WHERE d.region_id = seller.r AND d.kind = 's' AND d.k1 > seller.id)
			FROM seller WHERE id IS NOT NULL)
		SELECT i, count(*) FROM seller WHERE id IS NOT NULL AND (
			EXISTS (SELECT 1 FROM uptake_counters d WHERE d.region_id = seller.r AND d.kind = 's' AND d.k1 = seller.id
				AND d.k2 >= ? AND d.k2 < ? AND d.c1 > 0)
			OR (i, id) IN (SELECT i, seller_id FROM edges))
		GROUP BY i`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var x, n int64
		if err := rows.Scan(&x, &n); err != nil {
			return err
		}
		i, err := scopeIndex(x, len(cs))
		if err != nil {
			return err
		}
		cs[i].Sellers.Active30d = n
	}
	return rows.Err()
}

// ocopValid is a listing whose certificate is officially verified and
// unexpired at the time bound to its one argument (0: no expiry given).
const ocopValid = `p.ocop_status = 'verified' AND p.ocop_stars BETWEEN 3 AND 5 AND (p.ocop_expires_at = 0 OR p.ocop_expires_at > ?)`

// products counts the active listings of the scopes' sellers that were on
// sale at asOf, by stars of a valid certificate and by who listed them.
func (s *UptakeStore) products(ctx context.Context, g groups, asOf time.Time, cs []uptake.Counts) error {
	at := millis(asOf)
	args := []any{at}
	from, idx := g.from("sellers s", "s.region_id", &args)
	args = append(args, at, at)
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+idx+`, CASE WHEN `+ocopValid+` THEN p.ocop_stars ELSE 0 END AS stars,
			count(*), coalesce(sum(p.assisted = 0), 0)
		`+from+` CROSS JOIN products p ON p.seller_id = s.id
		WHERE p.status = 'active' AND p.created_at < ? AND `+sellerOnline+`
		GROUP BY 1, stars`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var x int64
		var stars int
		var n, self int64
		if err := rows.Scan(&x, &stars, &n, &self); err != nil {
			return err
		}
		i, err := scopeIndex(x, len(cs))
		if err != nil {
			return err
		}
		f := &cs[i].Products
		if f.ByStars == nil {
			f.ByStars = map[int]int64{}
		}
		f.Listed += n
		f.SelfService += self
		if stars > 0 {
			f.ByStars[stars] = n
			f.OCOPVerified += n
		}
	}
	return rows.Err()
}

// registry counts the certificates of the scopes' registries, and those
// that a valid, active listing on sale of a seller of the same scope
// carries.
func (s *UptakeStore) registry(ctx context.Context, g groups, asOf time.Time, cs []uptake.Counts) error {
	args := []any{millis(asOf), millis(asOf)}
	listingIn := "1"
	if !g.country {
		listingIn = `s.region_id IN (SELECT key FROM json_each(?) WHERE value = g.value)`
		args = append(args, g.regions)
	}
	from, idx := g.from("ocop_registry r", "r.region_id", &args)
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+idx+`, count(*), coalesce(sum(EXISTS (
			SELECT 1 FROM products p JOIN sellers s ON s.id = p.seller_id
			WHERE upper(trim(p.ocop_number)) = r.certificate_key AND p.status = 'active' AND `+ocopValid+` AND `+sellerOnline+` AND `+listingIn+`)), 0)
		`+from+` GROUP BY 1`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var x, n, online int64
		if err := rows.Scan(&x, &n, &online); err != nil {
			return err
		}
		i, err := scopeIndex(x, len(cs))
		if err != nil {
			return err
		}
		cs[i].Products.Registry, cs[i].Products.RegistryOnline = n, online
	}
	return rows.Err()
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
		value := "sum(c1)"
		if m == uptake.MetricGMV {
			value = "sum(c2)"
		}
		return s.rolledDaily(ctx, `SELECT k2, `+value+` FROM uptake_counters WHERE region_id = ? AND kind = 'od' AND k1 = ''
			AND k2 >= ? AND k2 < ? GROUP BY k2 HAVING sum(c1) > 0 ORDER BY k2`, root, from, to)
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
		// On sale from productOnline, of sellers verified now.
		listed := `FROM products p JOIN sellers s ON s.id = p.seller_id WHERE p.status = 'active' AND s.status = 'verified' AND `
		before = `SELECT count(*) ` + listed + rf.in("s.region_id", &beforeArgs) + ` AND ` + productOnline + ` < ?`
		query = `SELECT ` + day(productOnline) + ` AS d, count(*) ` + listed + rf.in("s.region_id", &args) + `
			AND ` + productOnline + ` >= ? AND ` + productOnline + ` < ? GROUP BY d ORDER BY d`
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
