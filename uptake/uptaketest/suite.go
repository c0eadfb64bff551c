package uptaketest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/regions"
	"github.com/ocopmarket/market/uptake"
)

// Fixture is one adapter under test: its store and a way to put the
// dataset's records where the store reads them.
type Fixture struct {
	Store uptake.Store
	Seed  func(ctx context.Context, d Dataset) error
}

// Tree is the embedded region tree.
func Tree(t testing.TB) *regions.Tree {
	t.Helper()
	tree, err := regions.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// The people of the suite.
var (
	admin            = market.Actor{AccountID: "acc-admin", Roles: []market.Role{market.RoleBuyer, market.RoleAdmin}}
	provinceOfficial = market.Actor{AccountID: "acc-ct", Roles: []market.Role{market.RoleBuyer, market.RoleOfficial}, RegionID: CanTho}
	communeOfficial  = market.Actor{AccountID: "acc-tx", Roles: []market.Role{market.RoleBuyer, market.RoleOfficial}, RegionID: ThanhXuan}
	angiangOfficial  = market.Actor{AccountID: "acc-ag", Roles: []market.Role{market.RoleBuyer, market.RoleOfficial}, RegionID: AnGiang}
	buyer            = market.Actor{AccountID: "acc-b1", Roles: []market.Role{market.RoleBuyer}}
	sellerOwner      = market.Actor{AccountID: "acc-s1", Roles: []market.Role{market.RoleBuyer, market.RoleSeller}}
	noRegionOfficial = market.Actor{AccountID: "acc-x", Roles: []market.Role{market.RoleOfficial}}
)

var (
	jan2026 = uptake.Period{From: At(2026, january, 1, 0, 0), To: At(2026, february, 1, 0, 0)}
	feb2026 = uptake.Period{From: At(2026, february, 1, 0, 0), To: At(2026, 3, 1, 0, 0)}
)

// Run runs the suite; open returns a fresh, empty adapter for each test.
func Run(t *testing.T, open func(t *testing.T) Fixture) {
	ctx := context.Background()
	tree := Tree(t)
	setup := func(t *testing.T) *uptake.Service {
		t.Helper()
		f := open(t)
		if err := f.Seed(ctx, Fixed()); err != nil {
			t.Fatalf("seed: %v", err)
		}
		svc := uptake.NewService(f.Store, tree, market.NewManualClock(Now))
		res, err := svc.ImportRegistry(ctx, provinceOfficial, CanTho, strings.NewReader(RegistryCSV))
		if err != nil || res.Imported != 6 || len(res.Errors) != 1 || res.Errors[0].Line != 8 {
			t.Fatalf("registry import: %+v %v", res, err)
		}
		return svc
	}

	t.Run("ProvinceJanuary", func(t *testing.T) {
		svc := setup(t)
		got, err := svc.Summary(ctx, provinceOfficial, CanTho, jan2026)
		if err != nil {
			t.Fatal(err)
		}
		want := uptake.Summary{
			RegionID: CanTho, RegionName: "TP Cần Thơ", Period: jan2026,
			// s1, s2, s3 (s4 is in An Giang, s5 registered in February);
			// s3 is pending: its listing p9 is not on sale; s1 and s2 had
			// orders in the 30 days before 1 February.
			Sellers: uptake.SellerFigures{Total: 3, Verified: 2, WithListing: 2, Active30d: 2,
				ByKind: map[string]int64{"household": 1, "cooperative": 1, "enterprise": 1}},
			// Listed: p1, p2, p3, p4, p7 (p5 paused, p6 in An Giang, p8 from
			// February, p9 of a seller not verified). Verified and unexpired: p1 (4★), p7 (5★); p3 expired,
			// p4 not verified. Registry: CT-001 (p1) and CT-005 (p7, typed
			// " ct-005 ") of six.
			Products: uptake.ProductFigures{Listed: 5, OCOPVerified: 2, ByStars: map[int]int64{3: 0, 4: 1, 5: 1},
				Registry: 6, OCOPCoverage: 0.3333},
			// Counted: o1 100 000 cod, o2 250 000 card, o3 300 000 transfer,
			// o6 50 000 cod at 23:59 on the 31st. Not o4 (refunded), o5
			// (unpaid), o7 (00:00 on 1 February), o8 (An Giang), o9
			// (cancelled), o10 (never paid), o11 (December).
			// Buyers b1 (o1, o2), h1 (o3), b2 (o6); b1 twice. Outside Cần
			// Thơ: o2 to Hồ Chí Minh City. Cancelled: o4 after payment, o9.
			// Shipped after 12 h (o1), 24 h (o2), 6 h (o6): median 12.
			Orders: uptake.OrderFigures{Count: 4, GMV: 700_000, Average: 175_000, Buyers: 3, RepeatBuyers: 1,
				OutsideRegion: 1, Cancelled: 2, Shipped: 3},
			// Cashless: o2 and o3, 2 of 4 orders, 550 000 of 700 000 đồng.
			Payments: uptake.PaymentFigures{CashlessShareByCount: 0.5, CashlessShareByValue: 0.7857,
				ByMethod: map[string]int64{"cod": 2, "card": 1, "bank_transfer": 1}},
			// p1, p4, p7 of five listed were made by the seller.
			SelfServiceShare:  0.6,
			MedianHoursToShip: 12,
		}
		check(t, got, want)
	})

	t.Run("CommuneJanuary", func(t *testing.T) {
		svc := setup(t)
		got, err := svc.Summary(ctx, communeOfficial, "", jan2026)
		if err != nil {
			t.Fatal(err)
		}
		want := uptake.Summary{
			RegionID: ThanhXuan, RegionName: "Xã Thạnh Xuân, TP Cần Thơ", Period: jan2026,
			Sellers: uptake.SellerFigures{Total: 1, Verified: 1, WithListing: 1, Active30d: 1,
				ByKind: map[string]int64{"household": 1, "cooperative": 0, "enterprise": 0}},
			// p1 by the seller, p2 by a helper. The registry was imported
			// for the province, so the commune has none of its own.
			Products: uptake.ProductFigures{Listed: 2, OCOPVerified: 1, ByStars: map[int]int64{3: 0, 4: 1, 5: 0}},
			// o1, o2, o6: 400 000 đồng, 133 333 on average. o1 went to Ninh
			// Kiều and o2 to Hồ Chí Minh City: both outside Thạnh Xuân.
			Orders: uptake.OrderFigures{Count: 3, GMV: 400_000, Average: 133_333, Buyers: 2, RepeatBuyers: 1,
				OutsideRegion: 2, Cancelled: 0, Shipped: 3},
			Payments: uptake.PaymentFigures{CashlessShareByCount: 0.3333, CashlessShareByValue: 0.625,
				ByMethod: map[string]int64{"cod": 2, "card": 1, "bank_transfer": 0}},
			SelfServiceShare:  0.5,
			MedianHoursToShip: 12,
		}
		check(t, got, want)
	})

	t.Run("FebruaryStartsAtMidnightVietnamTime", func(t *testing.T) {
		svc := setup(t)
		got, err := svc.Summary(ctx, provinceOfficial, CanTho, feb2026)
		if err != nil {
			t.Fatal(err)
		}
		// Only o7, placed at 00:00 on 1 February, not shipped yet. Figures
		// are taken now (15 February): s5, p8 and p10 count; s1 (o6, o7) and s2
		// (o3 on 20 January) had orders in the last 30 days.
		o := got.Orders
		if o.Count != 1 || o.GMV != 70_000 || o.Buyers != 1 || o.RepeatBuyers != 0 || o.Shipped != 0 || got.MedianHoursToShip != 0 ||
			got.Sellers.Total != 4 || got.Sellers.Active30d != 2 || got.Products.Listed != 7 || got.Payments.ByMethod["cod"] != 1 {
			t.Fatalf("February: %+v", got)
		}
	})

	t.Run("WholeCountryForAdmin", func(t *testing.T) {
		svc := setup(t)
		got, err := svc.Summary(ctx, admin, "", jan2026)
		if err != nil {
			t.Fatal(err)
		}
		// o8 in An Giang joins: 5 orders, 780 000 đồng, b1 now three times;
		// nothing ships outside the country. Registry: Cần Thơ's six.
		o := got.Orders
		if got.RegionID != "" || got.RegionName != "Cả nước" || o.Count != 5 || o.GMV != 780_000 || o.Average != 156_000 ||
			o.Buyers != 3 || o.RepeatBuyers != 1 || o.OutsideRegion != 0 || o.Cancelled != 2 ||
			got.Sellers.Total != 4 || got.Products.Listed != 6 || got.Products.OCOPVerified != 3 || got.Products.ByStars[3] != 1 ||
			got.Products.Registry != 6 || got.Products.OCOPCoverage != 0.3333 {
			t.Fatalf("country: %+v", got)
		}
	})

	t.Run("Series", func(t *testing.T) {
		svc := setup(t)
		dec := uptake.Period{From: At(2025, december, 1, 0, 0), To: At(2026, 3, 1, 0, 0)}
		months := []time.Time{At(2025, december, 1, 0, 0), At(2026, january, 1, 0, 0), At(2026, february, 1, 0, 0)}
		tests := []struct {
			name     string
			metric   uptake.Metric
			interval uptake.Interval
			period   uptake.Period
			starts   []time.Time
			values   []int64
		}{
			// o11 at 23:59 on 31 December; the four of January; o7.
			{"orders by month", uptake.MetricOrders, uptake.Month, dec, months, []int64{1, 4, 1}},
			{"gmv by month", uptake.MetricGMV, uptake.Month, dec, months, []int64{90_000, 700_000, 70_000}},
			// Running totals: s1, s2 before December; s3 in January; s5 in February.
			{"sellers by month", uptake.MetricSellers, uptake.Month, dec, months, []int64{2, 3, 4}},
			// p1–p4 before December (p5 is paused); p7 in January; p8 and
			// p10 in February. Never p9, whose seller is not verified.
			{"products by month", uptake.MetricProducts, uptake.Month, dec, months, []int64{4, 5, 7}},
			// p8 on the 3rd; p10, listed on the 5th, on sale on the 6th,
			// when its seller was verified.
			{"products by day from the seller's verification", uptake.MetricProducts, uptake.Day,
				uptake.Period{From: At(2026, february, 4, 0, 0), To: At(2026, february, 8, 0, 0)},
				[]time.Time{At(2026, february, 4, 0, 0), At(2026, february, 5, 0, 0), At(2026, february, 6, 0, 0), At(2026, february, 7, 0, 0)},
				[]int64{6, 6, 7, 7}},
			// o6 at 23:59 on the 31st and o7 at 00:00 on the 1st fall on their own days…
			{"orders by day across the month's end", uptake.MetricOrders, uptake.Day,
				uptake.Period{From: At(2026, january, 30, 0, 0), To: At(2026, february, 3, 0, 0)},
				[]time.Time{At(2026, january, 30, 0, 0), At(2026, january, 31, 0, 0), At(2026, february, 1, 0, 0), At(2026, february, 2, 0, 0)},
				[]int64{0, 1, 1, 0}},
			// …and in the same week, Monday 26 January to Sunday 1 February. o3 is on Tuesday the 20th.
			{"orders by week from Monday", uptake.MetricOrders, uptake.Week,
				uptake.Period{From: At(2026, january, 21, 0, 0), To: At(2026, february, 9, 0, 0)},
				[]time.Time{At(2026, january, 19, 0, 0), At(2026, january, 26, 0, 0), At(2026, february, 2, 0, 0)},
				[]int64{0, 2, 0}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := svc.Series(ctx, provinceOfficial, uptake.SeriesQuery{RegionID: CanTho, Metric: tt.metric, Interval: tt.interval, Period: tt.period})
				if err != nil {
					t.Fatal(err)
				}
				var want []uptake.Point
				for i := range tt.starts {
					want = append(want, uptake.Point{T: tt.starts[i], Value: tt.values[i]})
				}
				if diff := cmp.Diff(want, got.Points); diff != "" {
					t.Fatalf("points (-want +got):\n%s", diff)
				}
			})
		}
	})

	t.Run("RegionRows", func(t *testing.T) {
		svc := setup(t)
		rows, err := svc.Regions(ctx, provinceOfficial, CanTho, jan2026)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(tree.Children(CanTho)) {
			t.Fatalf("%d rows for %d communes", len(rows), len(tree.Children(CanTho)))
		}
		byID := map[string]uptake.Row{}
		for _, r := range rows {
			byID[r.RegionID] = r
		}
		tx, nk, ck := byID[ThanhXuan], byID[NinhKieu], byID[CaiKhe]
		// Thạnh Xuân: o1, o2, o6. Ninh Kiều: o3 counted, o4 and o9 cancelled.
		// Cái Khế: s3 alone, pending, without order; its listing p9 is not on sale.
		if tx.Orders.Count != 3 || tx.Orders.GMV != 400_000 || tx.Orders.OutsideRegion != 2 ||
			nk.Orders.Count != 1 || nk.Orders.GMV != 300_000 || nk.Orders.Cancelled != 2 || nk.Sellers.Total != 1 || nk.Products.Listed != 3 ||
			nk.Payments.CashlessShareByCount != 1 || nk.Orders.Shipped != 0 ||
			ck.Sellers.Total != 1 || ck.Sellers.Verified != 0 || ck.Sellers.WithListing != 0 || ck.Products.Listed != 0 ||
			ck.Sellers.ByKind["enterprise"] != 1 || ck.Orders.Count != 0 {
			t.Fatalf("rows:\nThạnh Xuân %+v\nNinh Kiều %+v\nCái Khế %+v", tx, nk, ck)
		}
		var total int64
		for _, r := range rows {
			total += r.Orders.Count
		}
		if total != 4 {
			t.Fatalf("commune rows add up to %d orders, want the province's 4", total)
		}
	})

	t.Run("Scope", func(t *testing.T) {
		svc := setup(t)
		tests := []struct {
			name   string
			actor  market.Actor
			region string
			want   market.Code
		}{
			{"anonymous", market.Actor{}, CanTho, market.Unauthorized},
			{"buyer", buyer, CanTho, market.Forbidden},
			{"seller", sellerOwner, ThanhXuan, market.Forbidden},
			{"official without a region", noRegionOfficial, CanTho, market.Forbidden},
			{"commune official asks for the province", communeOfficial, CanTho, market.Forbidden},
			{"commune official asks for a neighbour", communeOfficial, NinhKieu, market.Forbidden},
			{"province official asks for another province", provinceOfficial, AnGiang, market.Forbidden},
			{"An Giang official asks for a Cần Thơ commune", angiangOfficial, ThanhXuan, market.Forbidden},
			{"unknown region", admin, "atlantis", market.Invalid},
			{"province official, own commune", provinceOfficial, ThanhXuan, ""},
			{"commune official, own commune", communeOfficial, ThanhXuan, ""},
			{"admin, any region", admin, TriTon, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := svc.Summary(ctx, tt.actor, tt.region, jan2026)
				_, serr := svc.Series(ctx, tt.actor, uptake.SeriesQuery{RegionID: tt.region, Metric: uptake.MetricGMV, Interval: uptake.Day, Period: jan2026})
				_, rerr := svc.Regions(ctx, tt.actor, tt.region, jan2026)
				for _, e := range []error{err, serr, rerr} {
					if market.ErrorCode(e) != tt.want {
						t.Fatalf("got %v, want %q", e, tt.want)
					}
				}
			})
		}
		_, err := svc.ImportRegistry(ctx, communeOfficial, CanTho, strings.NewReader(RegistryCSV))
		if !market.IsCode(err, market.Forbidden) {
			t.Fatalf("commune official importing the province's registry: %v", err)
		}
	})

	t.Run("RegistryReplacesTheRegionsList", func(t *testing.T) {
		svc := setup(t)
		coverage := func() (int64, float64) {
			t.Helper()
			s, err := svc.Summary(ctx, provinceOfficial, CanTho, jan2026)
			if err != nil {
				t.Fatal(err)
			}
			return s.Products.Registry, s.Products.OCOPCoverage
		}
		// A file with only bad lines changes nothing.
		res, err := svc.ImportRegistry(ctx, provinceOfficial, CanTho, strings.NewReader("certificateNo,productName,stars,holder\nX,,4,Y\n"))
		if err != nil || res.Imported != 0 || len(res.Errors) != 1 || res.Errors[0].Line != 2 {
			t.Fatalf("bad file: %+v %v", res, err)
		}
		if n, c := coverage(); n != 6 || c != 0.3333 {
			t.Fatalf("after a bad file: %d %v", n, c)
		}
		// A new list replaces the old one: two certificates, both online.
		res, err = svc.ImportRegistry(ctx, provinceOfficial, CanTho, strings.NewReader("certificateNo,productName,stars,holder\nct-005,Gạo thơm,5,HTX\nCT-001,Hoa súng,4,Hộ Một\n"))
		if err != nil || res.Imported != 2 || len(res.Errors) != 0 {
			t.Fatalf("new list: %+v %v", res, err)
		}
		if n, c := coverage(); n != 2 || c != 1 {
			t.Fatalf("after replacing: %d %v", n, c)
		}
		// A commune's own list adds to the province's figures, and An
		// Giang's certificate is matched only by An Giang's listing p6.
		if _, err := svc.ImportRegistry(ctx, communeOfficial, ThanhXuan, strings.NewReader("certificateNo,productName,stars,holder\nTX-9,Khô,3,Hộ\n")); err != nil {
			t.Fatal(err)
		}
		if n, c := coverage(); n != 3 || c != 0.6667 {
			t.Fatalf("with the commune's list: %d %v", n, c)
		}
		if _, err := svc.ImportRegistry(ctx, angiangOfficial, AnGiang, strings.NewReader("certificateNo,productName,stars,holder\nAG-001,Đường thốt nốt,3,HTX\nCT-001,Hoa súng,4,Hộ Một\n")); err != nil {
			t.Fatal(err)
		}
		ag, err := svc.Summary(ctx, angiangOfficial, AnGiang, jan2026)
		if err != nil || ag.Products.Registry != 2 || ag.Products.OCOPCoverage != 0.5 {
			t.Fatalf("An Giang: %+v %v", ag.Products, err)
		}
	})

	t.Run("EmptyRegion", func(t *testing.T) {
		svc := setup(t)
		got, err := svc.Summary(ctx, admin, "hue", jan2026)
		if err != nil {
			t.Fatal(err)
		}
		want := uptake.Summary{RegionID: "hue", RegionName: "TP Huế", Period: jan2026,
			Sellers:  uptake.SellerFigures{ByKind: map[string]int64{"household": 0, "cooperative": 0, "enterprise": 0}},
			Products: uptake.ProductFigures{ByStars: map[int]int64{3: 0, 4: 0, 5: 0}},
			Payments: uptake.PaymentFigures{ByMethod: map[string]int64{"cod": 0, "card": 0, "bank_transfer": 0}},
		}
		check(t, got, want)
	})
}

func check(t *testing.T, got, want uptake.Summary) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("summary (-want +got):\n%s", diff)
	}
}
