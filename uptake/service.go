package uptake

import (
	"context"
	"math"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/regions"
)

// SellerFigures are the sellers of the regions at the end of the period.
type SellerFigures struct {
	// Total are sellers registered before then, whatever their status.
	Total    int64
	Verified int64
	// WithListing have at least one active listing.
	WithListing int64
	// Active30d had a counted order in the 30 days before then.
	Active30d int64
	ByKind    map[string]int64
}

// ProductFigures are the listings of the regions at the end of the period.
type ProductFigures struct {
	Listed       int64
	OCOPVerified int64
	ByStars      map[int]int64
	// Registry is the number of certificates in the imported registries;
	// OCOPCoverage is the share of them matching a verified, active listing.
	Registry     int64
	OCOPCoverage float64
}

// OrderFigures are the orders of the period.
type OrderFigures struct {
	Count         int64
	GMV           market.VND
	Average       market.VND
	Buyers        int64
	RepeatBuyers  int64
	OutsideRegion int64
	Cancelled     int64
	// Shipped are counted orders that have shipped.
	Shipped int64
}

// PaymentFigures say how the counted orders were paid.
type PaymentFigures struct {
	CashlessShareByCount float64
	CashlessShareByValue float64
	ByMethod             map[string]int64
}

// Summary is every figure of one region and period.
type Summary struct {
	// RegionID is "" for the whole country.
	RegionID   string
	RegionName string
	Period     Period
	Sellers    SellerFigures
	Products   ProductFigures
	Orders     OrderFigures
	Payments   PaymentFigures
	// SelfServiceShare is the share of listed products created by the
	// seller's own account rather than a helper.
	SelfServiceShare float64
	// MedianHoursToShip is meaningful only when Orders.Shipped > 0.
	MedianHoursToShip float64
}

// Point is one value of a series.
type Point struct {
	// T is the start of the point's day, week or month, at midnight Vietnam time.
	T     time.Time
	Value int64
}

// Series is a metric over a period.
type Series struct {
	RegionID string
	Metric   Metric
	Interval Interval
	Period   Period
	Points   []Point
}

// Service answers officials' questions about uptake.
type Service struct {
	store Store
	tree  *regions.Tree
	clock market.Clock
}

// NewService returns the service over a store and the region tree.
func NewService(store Store, tree *regions.Tree, clock market.Clock) *Service {
	if clock == nil {
		clock = market.SystemClock{}
	}
	return &Service{store: store, tree: tree, clock: clock}
}

// Now is the service's clock, for callers that need the default period.
func (s *Service) Now() time.Time { return s.clock.Now() }

// authorize checks that the actor may see figures of regionID and returns
// the region to use: an official's own region when none is given, the
// whole country ("") for an admin.
func (s *Service) authorize(a market.Actor, regionID string) (string, error) {
	return s.authorizeFor(a, regionID, market.T(
		"Bạn chỉ xem được số liệu của địa bàn mình phụ trách và các địa bàn trực thuộc.",
		"You can see figures only for your own region and the regions under it."))
}

// authorizeWrite is authorize for a change to a region's data.
func (s *Service) authorizeWrite(a market.Actor, regionID string) (string, error) {
	return s.authorizeFor(a, regionID, market.T(
		"Bạn chỉ cập nhật được dữ liệu của địa bàn mình phụ trách và các địa bàn trực thuộc.",
		"You can change data only for your own region and the regions under it."))
}

func (s *Service) authorizeFor(a market.Actor, regionID string, outside market.Text) (string, error) {
	if !a.SignedIn() {
		return "", market.ErrUnauthorized
	}
	admin := a.IsAdmin()
	official := a.Has(market.RoleOfficial) && a.RegionID != ""
	if !admin && !official {
		return "", market.ErrForbidden
	}
	if regionID == "" && !admin {
		regionID = a.RegionID
	}
	if regionID != "" && !s.tree.Has(regionID) {
		return "", market.Errorf(market.Invalid, "Địa bàn không tồn tại.", "There is no such region.").
			WithField("regionId", "không có địa bàn này", "no such region")
	}
	if !admin && !s.tree.Contains(a.RegionID, regionID) {
		return "", market.Errorf(market.Forbidden, outside.VI, outside.EN)
	}
	return regionID, nil
}

// regionName is the display name, or "Cả nước" for the whole country.
func (s *Service) regionName(id string) string {
	if id == "" {
		return "Cả nước"
	}
	return s.tree.FullName(id)
}

// under returns the region and every region below it; nil for the country.
func (s *Service) under(id string) []string {
	if id == "" {
		return nil
	}
	out := []string{id}
	for i := 0; i < len(out); i++ {
		for _, c := range s.tree.Children(out[i]) {
			out = append(out, c.ID)
		}
	}
	return out
}

func (s *Service) scope(regionID string, p Period) Scope {
	return s.scopeAt(regionID, p, s.clock.Now())
}

// scopeAt is scope with the clock read by the caller, so that the scopes of
// one answer (one row per commune) share the same "as of".
func (s *Service) scopeAt(regionID string, p Period, now time.Time) Scope {
	asOf := p.To
	if now.Before(asOf) {
		asOf = now
	}
	if asOf.Before(p.From) {
		asOf = p.From
	}
	return Scope{Regions: s.under(regionID), From: p.From, To: p.To, AsOf: asOf}
}

// Summary returns every figure of a region (empty: the actor's own, or the
// whole country for an admin) over the period.
func (s *Service) Summary(ctx context.Context, a market.Actor, regionID string, p Period) (Summary, error) {
	regionID, err := s.authorize(a, regionID)
	if err != nil {
		return Summary{}, err
	}
	return s.summary(ctx, regionID, p)
}

func (s *Service) summary(ctx context.Context, regionID string, p Period) (Summary, error) {
	c, err := s.store.Counts(ctx, s.scope(regionID, p))
	if err != nil {
		return Summary{}, err
	}
	return summarize(regionID, s.regionName(regionID), p, c), nil
}

// summarize turns a store's counts into the figures people read.
func summarize(regionID, name string, p Period, c Counts) Summary {
	sum := Summary{RegionID: regionID, RegionName: name, Period: p, Sellers: c.Sellers}
	sum.Sellers.ByKind = complete(c.Sellers.ByKind, SellerKinds)

	sum.Products = ProductFigures{
		Listed:       c.Products.Listed,
		OCOPVerified: c.Products.OCOPVerified,
		ByStars:      complete(c.Products.ByStars, Stars),
		Registry:     c.Products.Registry,
		OCOPCoverage: share(c.Products.RegistryOnline, c.Products.Registry),
	}
	sum.SelfServiceShare = share(c.Products.SelfService, c.Products.Listed)

	o := c.Orders
	var count, cashless int64
	var gmv, cashlessValue market.VND
	byMethod := make(map[string]int64, len(PaymentMethods))
	for _, m := range PaymentMethods {
		mc := o.ByMethod[m]
		byMethod[m] = mc.Count
		count += mc.Count
		gmv += mc.Value
		if m != "cod" {
			cashless += mc.Count
			cashlessValue += mc.Value
		}
	}
	sum.Orders = OrderFigures{
		Count: count, GMV: gmv, Average: average(gmv, count),
		Buyers: o.Buyers, RepeatBuyers: o.RepeatBuyers, OutsideRegion: o.OutsideRegion,
		Cancelled: o.Cancelled, Shipped: o.Shipped,
	}
	sum.Payments = PaymentFigures{
		CashlessShareByCount: share(cashless, count),
		CashlessShareByValue: share(int64(cashlessValue), int64(gmv)),
		ByMethod:             byMethod,
	}
	if o.Shipped > 0 {
		sum.MedianHoursToShip = round(o.MedianShipMillis/float64(time.Hour/time.Millisecond), 1)
	}
	return sum
}

// complete returns m with a zero for every key it lacks.
func complete[K comparable](m map[K]int64, keys []K) map[K]int64 {
	out := make(map[K]int64, len(keys))
	for _, k := range keys {
		out[k] = m[k]
	}
	return out
}

// share is part/whole rounded to four decimals, 0 for an empty whole.
func share(part, whole int64) float64 {
	if whole <= 0 {
		return 0
	}
	return round(float64(part)/float64(whole), 4)
}

func round(x float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(x*p) / p
}

// average is total/n rounded to the nearest đồng, half up.
func average(total market.VND, n int64) market.VND {
	if n <= 0 {
		return 0
	}
	return market.VND((int64(total) + n/2) / n)
}

// Row is the summary of one child region.
type Row = Summary

// Regions returns one summary per region directly under parentID (empty:
// the actor's own region, or the provinces for an admin), in Vietnamese
// name order.
func (s *Service) Regions(ctx context.Context, a market.Actor, parentID string, p Period) ([]Row, error) {
	parentID, err := s.authorize(a, parentID)
	if err != nil {
		return nil, err
	}
	children := s.tree.Children(parentID)
	if len(children) == 0 {
		return []Row{}, nil
	}
	scopes := make([]Scope, len(children))
	now := s.clock.Now()
	for i, c := range children {
		scopes[i] = s.scopeAt(c.ID, p, now)
	}
	counts, err := s.store.CountsEach(ctx, scopes)
	if err != nil {
		return nil, err
	}
	rows := make([]Row, len(children))
	for i, c := range children {
		rows[i] = summarize(c.ID, s.regionName(c.ID), p, counts[i])
	}
	return rows, nil
}

// SeriesQuery asks for one metric over a period.
type SeriesQuery struct {
	RegionID string
	Metric   Metric
	Interval Interval
	Period   Period
}

// ParseSeriesQuery validates the metric and interval; empty ones default
// to orders per month.
func ParseSeriesQuery(regionID, metric, interval string, p Period) (SeriesQuery, error) {
	q := SeriesQuery{RegionID: regionID, Metric: Metric(metric), Interval: Interval(interval), Period: p}
	if q.Metric == "" {
		q.Metric = MetricOrders
	}
	if q.Interval == "" {
		q.Interval = Month
	}
	var pr market.Problems
	switch q.Metric {
	case MetricOrders, MetricGMV, MetricSellers, MetricProducts:
	default:
		pr.Add("metric", "phải là orders, gmv, sellers hoặc products", "must be orders, gmv, sellers or products")
	}
	switch q.Interval {
	case Day, Week, Month:
	default:
		pr.Add("interval", "phải là day, week hoặc month", "must be day, week or month")
	}
	return q, pr.Err()
}

// Series returns the metric per day, week or month of the period. Orders
// and GMV are the counted orders of each point; sellers and products are
// running totals at the end of each point (the end of the period for the
// last one).
func (s *Service) Series(ctx context.Context, a market.Actor, q SeriesQuery) (Series, error) {
	regionID, err := s.authorize(a, q.RegionID)
	if err != nil {
		return Series{}, err
	}
	d, err := s.store.Daily(ctx, s.scope(regionID, q.Period), q.Metric)
	if err != nil {
		return Series{}, err
	}
	out := Series{RegionID: regionID, Metric: q.Metric, Interval: q.Interval, Period: q.Period, Points: []Point{}}
	running := q.Metric == MetricSellers || q.Metric == MetricProducts
	total := d.Before
	k := 0
	for start := q.Interval.bucketStart(q.Period.From); start.Before(q.Period.To); start = q.Interval.next(start) {
		end := q.Interval.next(start)
		var v int64
		for ; k < len(d.Days) && d.Days[k].Start.Before(end); k++ {
			v += d.Days[k].Value
		}
		if running {
			total += v
			v = total
		}
		out.Points = append(out.Points, Point{T: start.UTC(), Value: v})
	}
	return out, nil
}
