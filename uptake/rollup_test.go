package uptake_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/uptake"
)

func vn(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, market.VietnamTime).UTC()
}

func TestVietnamDaysAndMonths(t *testing.T) {
	// 00:00 on 1 February 2026 in Vietnam is 17:00 UTC on 31 January.
	feb := vn(2026, time.February, 1, 0, 0)
	if d := uptake.VietnamDay(feb); d != uptake.VietnamDay(feb.Add(-time.Minute))+1 || !uptake.DayStart(d).Equal(feb) {
		t.Fatalf("day %d starts %v", d, uptake.DayStart(d))
	}
	if m := uptake.VietnamMonth(feb); m != (2026-1970)*12+1 || !uptake.MonthStart(m).Equal(feb) ||
		uptake.VietnamMonth(feb.Add(-time.Minute)) != m-1 {
		t.Fatalf("month %d starts %v", m, uptake.MonthStart(m))
	}
	if _, _, ok := uptake.WholeDays(feb, feb.AddDate(0, 0, 3)); !ok {
		t.Fatal("three days from midnight are whole days")
	}
	if _, _, ok := uptake.WholeDays(feb.Add(time.Hour), feb.AddDate(0, 0, 3)); ok {
		t.Fatal("a period from 01:00 is not whole days")
	}
	if f, to, ok := uptake.WholeMonths(vn(2025, time.January, 1, 0, 0), vn(2026, time.January, 1, 0, 0)); !ok || to-f != 12 {
		t.Fatalf("2025 is twelve whole months: %d %d %v", f, to, ok)
	}
	if _, _, ok := uptake.WholeMonths(feb, feb.AddDate(0, 0, 14)); ok {
		t.Fatal("half a month is not whole months")
	}
}

func TestRegionLevelsAndScopes(t *testing.T) {
	if got := uptake.RegionLevels("can-tho.ninh-kieu"); !cmp.Equal(got, []string{"", "can-tho", "can-tho.ninh-kieu"}) {
		t.Fatalf("levels %q", got)
	}
	for _, tt := range []struct {
		id, r string
		in    bool
	}{
		{"can-tho.ninh-kieu", "", true}, {"can-tho.ninh-kieu", "can-tho", true}, {"can-tho", "can-tho", true},
		{"can-tho-moi.x", "can-tho", false}, {"ho-chi-minh", "can-tho", false}, {"can-tho", "can-tho.ninh-kieu", false},
	} {
		if got := uptake.InRegion(tt.id, tt.r); got != tt.in {
			t.Errorf("InRegion(%q, %q) = %v", tt.id, tt.r, got)
		}
	}
	if root, ok := uptake.PathScope([]string{"can-tho", "can-tho.a", "can-tho.b"}); !ok || root != "can-tho" {
		t.Fatalf("dotted scope: %q %v", root, ok)
	}
	if _, ok := uptake.PathScope([]string{"p1", "x", "y"}); ok {
		t.Fatal("ids that do not extend the root's are not a dotted scope")
	}
	if root, ok := uptake.PathScope(nil); !ok || root != "" {
		t.Fatal("the whole country is the root ''")
	}
}

func TestChange(t *testing.T) {
	placed := vn(2026, time.January, 31, 23, 59)
	day, month := uptake.VietnamDay(placed), uptake.VietnamMonth(placed)
	earlier := vn(2026, time.January, 5, 9, 0)
	eday := uptake.VietnamDay(earlier)
	o := uptake.OrderFacts{ID: "o2", SellerID: "s1", SellerRegionID: "can-tho.thanh-xuan", ShippingRegionID: "can-tho.ninh-kieu",
		BuyerKey: "a:b1", Method: "cod", Status: "placed", Total: 50_000, PlacedAt: placed}
	// The buyer's first order, from the same commune.
	others := []uptake.ChainOrder{{ID: "o1", SellerRegionID: "can-tho.thanh-xuan", PlacedAt: earlier}}

	t.Run("placed at checkout", func(t *testing.T) {
		got := uptake.Change(uptake.OrderFacts{}, o, others)
		var pairs []uptake.PairRow
		for _, r := range []string{"", "can-tho", "can-tho.thanh-xuan"} {
			pairs = append(pairs, uptake.PairRow{Region: r, Kind: 1, Start: eday, End: day, N: 1})
		}
		want := uptake.Delta{
			// Shipped to Ninh Kiều: outside the commune, inside the province.
			Days: []uptake.DayRow{
				{Region: "", Grain: "d", Period: day, Method: "cod", Counted: 1, Value: 50_000},
				{Region: "", Grain: "m", Period: month, Method: "cod", Counted: 1, Value: 50_000},
				{Region: "can-tho", Grain: "d", Period: day, Method: "cod", Counted: 1, Value: 50_000},
				{Region: "can-tho", Grain: "m", Period: month, Method: "cod", Counted: 1, Value: 50_000},
				{Region: "can-tho.thanh-xuan", Grain: "d", Period: day, Method: "cod", Counted: 1, Value: 50_000, Outside: 1},
				{Region: "can-tho.thanh-xuan", Grain: "m", Period: month, Method: "cod", Counted: 1, Value: 50_000, Outside: 1},
			},
			SellerDays: []uptake.SellerDayRow{
				{Region: "", Day: day, SellerID: "s1", N: 1},
				{Region: "can-tho", Day: day, SellerID: "s1", N: 1},
				{Region: "can-tho.thanh-xuan", Day: day, SellerID: "s1", N: 1},
			},
			Pairs: pairs,
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("delta (-want +got):\n%s", diff)
		}
	})

	t.Run("shipped 30 hours later", func(t *testing.T) {
		shipped := o
		shipped.Status, shipped.ShippedAt = "shipped", placed.Add(30*time.Hour+time.Minute)
		got := uptake.Change(o, shipped, nil)
		var hours []uptake.HourRow
		var days []uptake.DayRow
		for _, r := range []string{"", "can-tho", "can-tho.thanh-xuan"} {
			days = append(days, uptake.DayRow{Region: r, Grain: "d", Period: day, Method: "cod", Shipped: 1},
				uptake.DayRow{Region: r, Grain: "m", Period: month, Method: "cod", Shipped: 1})
			hours = append(hours,
				uptake.HourRow{Region: r, Grain: "d", Period: day, Hours: 30, N: 1},
				uptake.HourRow{Region: r, Grain: "m", Period: month, Hours: 30, N: 1})
		}
		if diff := cmp.Diff(uptake.Delta{Days: days, Hours: hours}, got); diff != "" {
			t.Fatalf("delta (-want +got):\n%s", diff)
		}
	})

	t.Run("cancelled", func(t *testing.T) {
		cancelled := o
		cancelled.Status = "cancelled"
		got := uptake.Change(o, cancelled, append(others, uptake.ChainOrder{ID: "o2"}))
		if len(got.Days) != 6 || got.Days[4] != (uptake.DayRow{Region: "can-tho.thanh-xuan", Grain: "d", Period: day, Method: "cod",
			Counted: -1, Value: -50_000, Cancelled: 1, Outside: -1}) {
			t.Fatalf("days %+v", got.Days)
		}
		if len(got.Pairs) != 3 || got.Pairs[0].N != -1 || len(got.SellerDays) != 3 || got.SellerDays[0].N != -1 {
			t.Fatalf("pairs %+v, sellers %+v", got.Pairs, got.SellerDays)
		}
		if !uptake.Change(cancelled, func() uptake.OrderFacts { r := cancelled; r.Status = "refunded"; return r }(), nil).Empty() {
			t.Fatal("a refund after a cancellation changes no figure")
		}
	})
}

func TestBuyersFromPairs(t *testing.T) {
	// One buyer with orders on days 1, 2, 2 and 5 (chain order): in the
	// period of days 2–4 they have two orders, so one buyer and a repeat.
	at := func(d int) time.Time { return uptake.DayStart(int64(20000 + d)).Add(time.Hour) }
	chain := []uptake.ChainOrder{{ID: "a", PlacedAt: at(1)}, {ID: "b", PlacedAt: at(2)}, {ID: "c", PlacedAt: at(2)}, {ID: "d", PlacedAt: at(5)}}
	var p1, p2 int64
	for k, n := range uptake.Pairs("", chain) {
		if k.Start >= 20002 && k.End < 20005 {
			if k.Kind == 1 {
				p1 += n
			} else {
				p2 += n
			}
		}
	}
	if b, r := uptake.Buyers(2, p1, p2); b != 1 || r != 1 {
		t.Fatalf("buyers %d, repeat %d (pairs %d, %d)", b, r, p1, p2)
	}
	if h, r, ok := uptake.LocateRank([]uptake.HourCount{{Hours: 3, N: 2}, {Hours: 7, N: 1}}, 2); !ok || h != 7 || r != 0 {
		t.Fatalf("rank 2 is the first of hour 7: %d %d %v", h, r, ok)
	}
}
