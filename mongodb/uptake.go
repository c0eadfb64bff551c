package mongodb

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/uptake"
)

// UptakeStore computes officials' figures with aggregation pipelines, each
// built by a pure function below; no order is loaded into the process.
type UptakeStore struct{ db *DB }

var _ uptake.Store = (*UptakeStore)(nil)

// Uptake returns the figures store.
func (db *DB) Uptake() *UptakeStore { return &UptakeStore{db: db} }

// registryDoc is one certificate of a region's imported OCOP registry.
type registryDoc struct {
	ID             string    `bson:"_id"` // regionId + "|" + certificateKey
	RegionID       string    `bson:"regionId"`
	CertificateKey string    `bson:"certificateKey"`
	CertificateNo  string    `bson:"certificateNo"`
	ProductName    string    `bson:"productName"`
	Stars          int       `bson:"stars"`
	Holder         string    `bson:"holder"`
	Line           int       `bson:"line"`
	ImportedBy     string    `bson:"importedBy"`
	ImportedAt     time.Time `bson:"importedAt"`
}

const registryCollection = "ocopRegistry"

// notCounted are the statuses of orders that were cancelled after being placed.
var notCounted = bson.A{"cancelled", "refunded"}

// inRegions is {$in: regions}, or nil for the whole country.
func inRegions(regions []string) bson.A {
	if regions == nil {
		return nil
	}
	a := make(bson.A, len(regions))
	for i, r := range regions {
		a[i] = r
	}
	return a
}

// placedMatch selects orders placed in [from, to) by sellers of the regions.
func placedMatch(regions []string, from, to time.Time) bson.D {
	m := bson.D{}
	if rs := inRegions(regions); rs != nil {
		m = append(m, bson.E{Key: "sellerRegionId", Value: bson.D{{Key: "$in", Value: rs}}})
	}
	return append(m, bson.E{Key: "placedAt", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lt", Value: to}}})
}

// countedMatch is placedMatch limited to orders not cancelled since.
func countedMatch(regions []string, from, to time.Time) bson.D {
	return append(placedMatch(regions, from, to), bson.E{Key: "status", Value: bson.D{{Key: "$nin", Value: notCounted}}})
}

var countedExpr = bson.D{{Key: "$not", Value: bson.A{bson.D{{Key: "$in", Value: bson.A{"$status", notCounted}}}}}}

func cond(ifExpr any, then, otherwise any) bson.D {
	return bson.D{{Key: "$cond", Value: bson.A{ifExpr, then, otherwise}}}
}

func and(exprs ...any) bson.D { return bson.D{{Key: "$and", Value: bson.A(exprs)}} }

// orderFiguresPipeline groups the period's placed orders by payment method.
func orderFiguresPipeline(sc uptake.Scope) mongo.Pipeline {
	var outside any = 0
	if rs := inRegions(sc.Regions); rs != nil {
		outside = cond(and(countedExpr, bson.D{{Key: "$not", Value: bson.A{bson.D{{Key: "$in", Value: bson.A{"$shipping.regionId", rs}}}}}}), 1, 0)
	}
	return mongo.Pipeline{
		{{Key: "$match", Value: placedMatch(sc.Regions, sc.From, sc.To)}},
		{{Key: "$group", Value: bson.D{
			{Key: "_id", Value: "$paymentMethod"},
			{Key: "count", Value: bson.D{{Key: "$sum", Value: cond(countedExpr, 1, 0)}}},
			{Key: "value", Value: bson.D{{Key: "$sum", Value: cond(countedExpr, "$totalVnd", 0)}}},
			{Key: "cancelled", Value: bson.D{{Key: "$sum", Value: cond(countedExpr, 0, 1)}}},
			{Key: "outside", Value: bson.D{{Key: "$sum", Value: outside}}},
			{Key: "shipped", Value: bson.D{{Key: "$sum", Value: cond(and(countedExpr, bson.D{{Key: "$gt", Value: bson.A{"$shippedAt", nil}}}), 1, 0)}}},
		}}},
	}
}

// buyersPipeline counts distinct buyers of counted orders, and repeat ones.
func buyersPipeline(sc uptake.Scope) mongo.Pipeline {
	return mongo.Pipeline{
		{{Key: "$match", Value: countedMatch(sc.Regions, sc.From, sc.To)}},
		{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$buyerKey"}, {Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}}}},
		{{Key: "$group", Value: bson.D{
			{Key: "_id", Value: nil},
			{Key: "buyers", Value: bson.D{{Key: "$sum", Value: 1}}},
			{Key: "repeat", Value: bson.D{{Key: "$sum", Value: cond(bson.D{{Key: "$gte", Value: bson.A{"$n", 2}}}, 1, 0)}}},
		}}},
	}
}

// medianShipPipeline sorts the shipping times of the counted, shipped
// orders and averages the middle one or two.
func medianShipPipeline(sc uptake.Scope, shipped int64) mongo.Pipeline {
	match := append(countedMatch(sc.Regions, sc.From, sc.To), bson.E{Key: "shippedAt", Value: bson.D{{Key: "$gt", Value: time.Unix(0, 0).UTC()}}})
	return mongo.Pipeline{
		{{Key: "$match", Value: match}},
		{{Key: "$project", Value: bson.D{{Key: "_id", Value: 0}, {Key: "d", Value: bson.D{{Key: "$subtract", Value: bson.A{"$shippedAt", "$placedAt"}}}}}}},
		{{Key: "$sort", Value: bson.D{{Key: "d", Value: 1}}}},
		{{Key: "$skip", Value: (shipped - 1) / 2}},
		{{Key: "$limit", Value: 2 - shipped%2}},
		{{Key: "$group", Value: bson.D{{Key: "_id", Value: nil}, {Key: "m", Value: bson.D{{Key: "$avg", Value: "$d"}}}}}},
	}
}

// activeSellersPipeline counts sellers with a counted order in the 30 days before AsOf.
func activeSellersPipeline(sc uptake.Scope) mongo.Pipeline {
	return mongo.Pipeline{
		{{Key: "$match", Value: countedMatch(sc.Regions, sc.AsOf.Add(-30*24*time.Hour), sc.AsOf)}},
		{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$sellerId"}}}},
		{{Key: "$count", Value: "n"}},
	}
}

// sellersPipeline groups the sellers registered before AsOf by kind,
// counting those verified now and first verified before it and, of those,
// the ones with an active listing: on sale.
func sellersPipeline(sc uptake.Scope) mongo.Pipeline {
	match := bson.D{}
	if rs := inRegions(sc.Regions); rs != nil {
		match = append(match, bson.E{Key: "regionId", Value: bson.D{{Key: "$in", Value: rs}}})
	}
	match = append(match, bson.E{Key: "createdAt", Value: bson.D{{Key: "$lt", Value: sc.AsOf}}})
	verified := and(
		bson.D{{Key: "$eq", Value: bson.A{"$status", "verified"}}},
		bson.D{{Key: "$lt", Value: bson.A{"$firstVerifiedAt", sc.AsOf}}},
	)
	return mongo.Pipeline{
		{{Key: "$match", Value: match}},
		{{Key: "$lookup", Value: bson.D{
			{Key: "from", Value: "products"},
			{Key: "let", Value: bson.D{{Key: "sid", Value: "$_id"}}},
			{Key: "pipeline", Value: bson.A{
				bson.D{{Key: "$match", Value: bson.D{{Key: "$expr", Value: and(
					bson.D{{Key: "$eq", Value: bson.A{"$sellerId", "$$sid"}}},
					bson.D{{Key: "$eq", Value: bson.A{"$status", "active"}}},
					bson.D{{Key: "$lt", Value: bson.A{"$createdAt", sc.AsOf}}},
				)}}}},
				bson.D{{Key: "$limit", Value: 1}},
				bson.D{{Key: "$project", Value: bson.D{{Key: "_id", Value: 1}}}},
			}},
			{Key: "as", Value: "listing"},
		}}},
		{{Key: "$group", Value: bson.D{
			{Key: "_id", Value: "$kind"},
			{Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}},
			{Key: "verified", Value: bson.D{{Key: "$sum", Value: cond(verified, 1, 0)}}},
			{Key: "withListing", Value: bson.D{{Key: "$sum", Value: cond(and(
				verified,
				bson.D{{Key: "$gt", Value: bson.A{bson.D{{Key: "$size", Value: "$listing"}}, 0}}},
			), 1, 0)}}},
		}}},
	}
}

// ocopValidExpr is a listing whose certificate is verified and unexpired at
// asOf (an expiry before 1970 stands for none given).
func ocopValidExpr(asOf time.Time) bson.D {
	return and(
		bson.D{{Key: "$eq", Value: bson.A{"$ocop.status", "verified"}}},
		bson.D{{Key: "$gte", Value: bson.A{"$ocop.stars", 3}}},
		bson.D{{Key: "$lte", Value: bson.A{"$ocop.stars", 5}}},
		bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "$lte", Value: bson.A{"$ocop.expiresAt", time.Unix(0, 0).UTC()}}},
			bson.D{{Key: "$gt", Value: bson.A{"$ocop.expiresAt", asOf}}},
		}}},
	)
}

// sellerOnSaleStages keep the products whose seller lies in the regions
// and is verified, first before asOf unless it is zero: only the listings
// of verified sellers are for sale (search.Visible).
func sellerOnSaleStages(regions []string, asOf time.Time) []bson.D {
	match := bson.D{{Key: "seller.status", Value: "verified"}}
	if !asOf.IsZero() {
		match = append(match, bson.E{Key: "seller.firstVerifiedAt", Value: bson.D{{Key: "$lt", Value: asOf}}})
	}
	if rs := inRegions(regions); rs != nil {
		match = append(match, bson.E{Key: "seller.regionId", Value: bson.D{{Key: "$in", Value: rs}}})
	}
	return []bson.D{
		{{Key: "$lookup", Value: bson.D{{Key: "from", Value: "sellers"}, {Key: "localField", Value: "sellerId"}, {Key: "foreignField", Value: "_id"}, {Key: "as", Value: "seller"}}}},
		{{Key: "$match", Value: match}},
	}
}

// productsPipeline groups the active listings of the scope on sale at
// AsOf by valid stars (0: no valid certificate), counting those the seller
// made.
func productsPipeline(sc uptake.Scope) mongo.Pipeline {
	p := mongo.Pipeline{{{Key: "$match", Value: bson.D{{Key: "status", Value: "active"}, {Key: "createdAt", Value: bson.D{{Key: "$lt", Value: sc.AsOf}}}}}}}
	p = append(p, sellerOnSaleStages(sc.Regions, sc.AsOf)...)
	return append(p, bson.D{{Key: "$group", Value: bson.D{
		{Key: "_id", Value: cond(ocopValidExpr(sc.AsOf), "$ocop.stars", 0)},
		{Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}},
		{Key: "self", Value: bson.D{{Key: "$sum", Value: cond("$assisted", 0, 1)}}},
	}}})
}

// coveragePipeline counts the registry certificates of the regions and
// those carried by a verified, active listing on sale of a seller in the
// regions.
func coveragePipeline(sc uptake.Scope) mongo.Pipeline {
	match := bson.D{}
	if rs := inRegions(sc.Regions); rs != nil {
		match = append(match, bson.E{Key: "regionId", Value: bson.D{{Key: "$in", Value: rs}}})
	}
	listing := bson.A{
		bson.D{{Key: "$match", Value: bson.D{{Key: "status", Value: "active"}, {Key: "ocop.status", Value: "verified"}}}},
		bson.D{{Key: "$match", Value: bson.D{{Key: "$expr", Value: and(
			bson.D{{Key: "$eq", Value: bson.A{bson.D{{Key: "$toUpper", Value: bson.D{{Key: "$trim", Value: bson.D{{Key: "input", Value: "$ocop.number"}}}}}}, "$$key"}}},
			ocopValidExpr(sc.AsOf),
		)}}}},
	}
	for _, st := range sellerOnSaleStages(sc.Regions, sc.AsOf) {
		listing = append(listing, st)
	}
	listing = append(listing, bson.D{{Key: "$limit", Value: 1}}, bson.D{{Key: "$project", Value: bson.D{{Key: "_id", Value: 1}}}})
	return mongo.Pipeline{
		{{Key: "$match", Value: match}},
		{{Key: "$lookup", Value: bson.D{
			{Key: "from", Value: "products"},
			{Key: "let", Value: bson.D{{Key: "key", Value: "$certificateKey"}}},
			{Key: "pipeline", Value: listing},
			{Key: "as", Value: "online"},
		}}},
		{{Key: "$group", Value: bson.D{
			{Key: "_id", Value: nil},
			{Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}},
			{Key: "online", Value: bson.D{{Key: "$sum", Value: cond(bson.D{{Key: "$gt", Value: bson.A{bson.D{{Key: "$size", Value: "$online"}}, 0}}}, 1, 0)}}},
		}}},
	}
}

// vnDayExpr is the Vietnam calendar date of a date field, as 2026-01-31.
func vnDayExpr(field string) bson.D {
	return bson.D{{Key: "$dateToString", Value: bson.D{{Key: "format", Value: "%Y-%m-%d"}, {Key: "date", Value: field}, {Key: "timezone", Value: "+07:00"}}}}
}

// dailyPipeline returns the collection and pipeline giving a metric per
// Vietnam day of the period, and for running totals the match of what came before.
func dailyPipeline(sc uptake.Scope, m uptake.Metric) (collection string, daily mongo.Pipeline, before mongo.Pipeline, err error) {
	inPeriod := bson.D{{Key: "$gte", Value: sc.From}, {Key: "$lt", Value: sc.To}}
	group := func(field string, value any) bson.D {
		return bson.D{{Key: "$group", Value: bson.D{{Key: "_id", Value: vnDayExpr(field)}, {Key: "v", Value: bson.D{{Key: "$sum", Value: value}}}}}}
	}
	sortByDay := bson.D{{Key: "$sort", Value: bson.D{{Key: "_id", Value: 1}}}}
	count := bson.D{{Key: "$count", Value: "n"}}
	switch m {
	case uptake.MetricOrders, uptake.MetricGMV:
		var value any = 1
		if m == uptake.MetricGMV {
			value = "$totalVnd"
		}
		return "orders", mongo.Pipeline{{{Key: "$match", Value: countedMatch(sc.Regions, sc.From, sc.To)}}, group("$placedAt", value), sortByDay}, nil, nil
	case uptake.MetricSellers:
		match := func(created bson.D) bson.D {
			d := bson.D{}
			if rs := inRegions(sc.Regions); rs != nil {
				d = append(d, bson.E{Key: "regionId", Value: bson.D{{Key: "$in", Value: rs}}})
			}
			return append(d, bson.E{Key: "createdAt", Value: created})
		}
		return "sellers",
			mongo.Pipeline{{{Key: "$match", Value: match(inPeriod)}}, group("$createdAt", 1), sortByDay},
			mongo.Pipeline{{{Key: "$match", Value: match(bson.D{{Key: "$lt", Value: sc.From}})}}, count}, nil
	case uptake.MetricProducts:
		// On sale from when the product was made or its seller first
		// verified, whichever came later, of sellers verified now.
		// (Made before the end, since on sale no earlier: the first match
		// can use the index.)
		products := func(online bson.D, end time.Time, tail ...bson.D) mongo.Pipeline {
			p := mongo.Pipeline{{{Key: "$match", Value: bson.D{{Key: "status", Value: "active"}, {Key: "createdAt", Value: bson.D{{Key: "$lt", Value: end}}}}}}}
			p = append(p, sellerOnSaleStages(sc.Regions, time.Time{})...)
			p = append(p,
				bson.D{{Key: "$addFields", Value: bson.D{{Key: "onlineAt", Value: bson.D{{Key: "$max", Value: bson.A{
					"$createdAt", bson.D{{Key: "$arrayElemAt", Value: bson.A{"$seller.firstVerifiedAt", 0}}},
				}}}}}}},
				bson.D{{Key: "$match", Value: bson.D{{Key: "onlineAt", Value: online}}}})
			return append(p, tail...)
		}
		return "products", products(inPeriod, sc.To, group("$onlineAt", 1), sortByDay),
			products(bson.D{{Key: "$lt", Value: sc.From}}, sc.From, count), nil
	}
	return "", nil, nil, fmt.Errorf("mongodb: unknown metric %q", m)
}

// aggregate runs a pipeline and decodes every result.
func (s *UptakeStore) aggregate(ctx context.Context, collection string, p mongo.Pipeline, out any) error {
	cur, err := s.db.db.Collection(collection).Aggregate(ctx, p)
	if err != nil {
		return fmt.Errorf("mongodb: uptake %s: %w", collection, err)
	}
	if err := cur.All(ctx, out); err != nil {
		return fmt.Errorf("mongodb: uptake %s: %w", collection, err)
	}
	return nil
}

// Counts computes every figure of the summary.
func (s *UptakeStore) Counts(ctx context.Context, sc uptake.Scope) (uptake.Counts, error) {
	var c uptake.Counts
	var methods []struct {
		ID                                        string `bson:"_id"`
		Count, Value, Cancelled, Outside, Shipped int64
	}
	if err := s.aggregate(ctx, "orders", orderFiguresPipeline(sc), &methods); err != nil {
		return c, err
	}
	c.Orders.ByMethod = map[string]uptake.MethodCounts{}
	for _, m := range methods {
		c.Orders.ByMethod[m.ID] = uptake.MethodCounts{Count: m.Count, Value: market.VND(m.Value)}
		c.Orders.Cancelled += m.Cancelled
		c.Orders.OutsideRegion += m.Outside
		c.Orders.Shipped += m.Shipped
	}
	var buyers []struct{ Buyers, Repeat int64 }
	if err := s.aggregate(ctx, "orders", buyersPipeline(sc), &buyers); err != nil {
		return c, err
	}
	if len(buyers) == 1 {
		c.Orders.Buyers, c.Orders.RepeatBuyers = buyers[0].Buyers, buyers[0].Repeat
	}
	if c.Orders.Shipped > 0 {
		var med []struct{ M float64 }
		if err := s.aggregate(ctx, "orders", medianShipPipeline(sc, c.Orders.Shipped), &med); err != nil {
			return c, err
		}
		if len(med) == 1 {
			c.Orders.MedianShipMillis = med[0].M
		}
	}
	var active []struct{ N int64 }
	if err := s.aggregate(ctx, "orders", activeSellersPipeline(sc), &active); err != nil {
		return c, err
	}
	if len(active) == 1 {
		c.Sellers.Active30d = active[0].N
	}
	var kinds []struct {
		ID          string `bson:"_id"`
		N           int64  `bson:"n"`
		Verified    int64  `bson:"verified"`
		WithListing int64  `bson:"withListing"`
	}
	if err := s.aggregate(ctx, "sellers", sellersPipeline(sc), &kinds); err != nil {
		return c, err
	}
	c.Sellers.ByKind = map[string]int64{}
	for _, k := range kinds {
		c.Sellers.ByKind[k.ID] = k.N
		c.Sellers.Total += k.N
		c.Sellers.Verified += k.Verified
		c.Sellers.WithListing += k.WithListing
	}
	var stars []struct {
		ID      int `bson:"_id"`
		N, Self int64
	}
	if err := s.aggregate(ctx, "products", productsPipeline(sc), &stars); err != nil {
		return c, err
	}
	c.Products.ByStars = map[int]int64{}
	for _, st := range stars {
		c.Products.Listed += st.N
		c.Products.SelfService += st.Self
		if st.ID > 0 {
			c.Products.ByStars[st.ID] = st.N
			c.Products.OCOPVerified += st.N
		}
	}
	var cov []struct{ N, Online int64 }
	if err := s.aggregate(ctx, registryCollection, coveragePipeline(sc), &cov); err != nil {
		return c, err
	}
	if len(cov) == 1 {
		c.Products.Registry, c.Products.RegistryOnline = cov[0].N, cov[0].Online
	}
	return c, nil
}

// CountsEach computes the figures of each scope, one after the other.
func (s *UptakeStore) CountsEach(ctx context.Context, scopes []uptake.Scope) ([]uptake.Counts, error) {
	out := make([]uptake.Counts, len(scopes))
	for i, sc := range scopes {
		c, err := s.Counts(ctx, sc)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// Daily returns the metric per Vietnam day of the period, in day order.
func (s *UptakeStore) Daily(ctx context.Context, sc uptake.Scope, m uptake.Metric) (uptake.Daily, error) {
	coll, daily, before, err := dailyPipeline(sc, m)
	if err != nil {
		return uptake.Daily{}, err
	}
	var out uptake.Daily
	if before != nil {
		var n []struct{ N int64 }
		if err := s.aggregate(ctx, coll, before, &n); err != nil {
			return out, err
		}
		if len(n) == 1 {
			out.Before = n[0].N
		}
	}
	var days []struct {
		ID string `bson:"_id"`
		V  int64
	}
	if err := s.aggregate(ctx, coll, daily, &days); err != nil {
		return out, err
	}
	for _, d := range days {
		t, err := time.ParseInLocation("2006-01-02", d.ID, market.VietnamTime)
		if err != nil {
			return out, fmt.Errorf("mongodb: uptake day %q: %w", d.ID, err)
		}
		out.Days = append(out.Days, uptake.DayValue{Start: t.UTC(), Value: d.V})
	}
	return out, nil
}

// registryDocs are the documents replacing a region's registry.
func registryDocs(regionID string, entries []uptake.RegistryEntry, by string, at time.Time) []any {
	docs := make([]any, len(entries))
	for i, e := range entries {
		key := uptake.CertificateKey(e.CertificateNo)
		docs[i] = registryDoc{ID: regionID + "|" + key, RegionID: regionID, CertificateKey: key, CertificateNo: e.CertificateNo,
			ProductName: e.ProductName, Stars: e.Stars, Holder: e.Holder, Line: e.Line, ImportedBy: by, ImportedAt: at.UTC()}
	}
	return docs
}

// ReplaceRegistry replaces a region's registry in one transaction.
func (s *UptakeStore) ReplaceRegistry(ctx context.Context, regionID string, entries []uptake.RegistryEntry, by string, at time.Time) error {
	sess, err := s.db.client.StartSession()
	if err != nil {
		return err
	}
	defer sess.EndSession(ctx)
	col := s.db.db.Collection(registryCollection)
	_, err = sess.WithTransaction(ctx, func(sc mongo.SessionContext) (any, error) {
		if _, err := col.DeleteMany(sc, bson.D{{Key: "regionId", Value: regionID}}); err != nil {
			return nil, err
		}
		if len(entries) == 0 {
			return nil, nil
		}
		_, err := col.InsertMany(sc, registryDocs(regionID, entries, by, at))
		return nil, err
	})
	if isDuplicate(err) {
		return market.Errorf(market.Conflict, "Danh sách có số giấy chứng nhận bị trùng.", "The list repeats a certificate number.")
	}
	return err
}
