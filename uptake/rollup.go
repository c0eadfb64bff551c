package uptake

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/ocopmarket/market"
)

// Rollups. The order figures of a summary are kept up to date by the
// stores, in the same transaction as each order write, as counters per
// region and Vietnam day. This file decides what those counters are and
// how one order write changes them; the stores only add the deltas.
//
// Regions. An order is counted in the region of its seller and in every
// region above it: the country (""), then each dotted prefix of the
// seller's region id ("can-tho", "can-tho.ninh-kieu"), which is how region
// ids are made (a parent's id, a dot, the child's slug). A region's figures
// are then read from its own rows, never summed over its communes. An
// order is shipped outside a region when its shipping region is neither
// that region nor under it; nothing is outside the country.
//
// Buyers over any span of whole days. Take each buyer's counted orders in
// a region in time order (placed, then id). A buyer with n ≥ 1 orders in a
// period has exactly n−1 consecutive pairs of orders both in the period,
// and max(n−2, 0) pairs two apart. So
//
//	buyers        = orders − pairs inside the period
//	repeat buyers = pairs inside − pairs-two-apart inside
//
// and "inside" means: the earlier order's day ≥ the first day and the later
// order's day < the day after the last. The stores keep these pairs
// counted per (region, kind, earlier day, later day), kind 1 for
// consecutive and kind 2 for two apart. (Per day only: a month grain would
// make a year's read cheaper but every checkout dearer.)
//
// Median time to ship. Counted, shipped orders are counted per whole hour
// from placed to shipped; the histogram finds which hour holds the middle
// order(s) and its rank there, and the store reads that one order's exact
// time from an index of shipped orders by that hour. The median is exact.

// DayMillis and VietnamOffsetMillis make Vietnam days of Unix milliseconds.
const (
	DayMillis           = int64(24 * time.Hour / time.Millisecond)
	VietnamOffsetMillis = int64(7 * time.Hour / time.Millisecond)
	HourMillis          = int64(time.Hour / time.Millisecond)
)

// VietnamDay is the number of the Vietnam calendar day that t falls on,
// counted from 1 January 1970 (Vietnam time).
func VietnamDay(t time.Time) int64 {
	return floorDiv(t.UnixMilli()+VietnamOffsetMillis, DayMillis)
}

// DayStart is midnight, Vietnam time, starting day d.
func DayStart(d int64) time.Time {
	return time.UnixMilli(d*DayMillis - VietnamOffsetMillis).UTC()
}

// WholeDays reports whether the period runs from one Vietnam midnight to
// another, and the days [from, to) it covers.
func WholeDays(from, to time.Time) (int64, int64, bool) {
	f, t := VietnamDay(from), VietnamDay(to)
	return f, t, DayStart(f).Equal(from) && DayStart(t).Equal(to)
}

// VietnamMonth is the number of the Vietnam calendar month that t falls
// in, counted from January 1970 (0).
func VietnamMonth(t time.Time) int64 {
	v := t.In(market.VietnamTime)
	return int64(v.Year()-1970)*12 + int64(v.Month()-1)
}

// MonthStart is midnight, Vietnam time, starting month m.
func MonthStart(m int64) time.Time {
	y, mo := floorDiv(m, 12), m-12*floorDiv(m, 12)
	return time.Date(int(1970+y), time.Month(mo+1), 1, 0, 0, 0, 0, market.VietnamTime).UTC()
}

// WholeMonths reports whether the period runs from the start of one
// Vietnam calendar month to the start of another, and the months [from, to).
func WholeMonths(from, to time.Time) (int64, int64, bool) {
	f, t := VietnamMonth(from), VietnamMonth(to)
	return f, t, MonthStart(f).Equal(from) && MonthStart(t).Equal(to)
}

// Grains of the order and histogram rollups: rows per Vietnam day,
// and the same rows per Vietnam month so that periods of whole months (the
// usual question: a month, a quarter, a year) read one row where days
// would read thirty.
const (
	GrainDay   = "d"
	GrainMonth = "m"
)

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// RegionLevels are the regions an order of a seller in region id counts
// in: the country (""), then every dotted prefix of id, ending with id.
func RegionLevels(id string) []string {
	out := []string{""}
	if id == "" {
		return out
	}
	for i := 0; i < len(id); i++ {
		if id[i] == '.' {
			out = append(out, id[:i])
		}
	}
	return append(out, id)
}

// InRegion reports whether region id is region r or lies under it by its
// id; everything is in the country ("").
func InRegion(id, r string) bool {
	return r == "" || id == r || strings.HasPrefix(id, r+".")
}

// PathScope reports whether a scope's regions are a root and regions whose
// ids lie under it by the dotted id scheme: then the rollups of the root
// hold exactly the scope's orders. It returns the root ("" for the whole
// country).
func PathScope(regions []string) (string, bool) {
	if regions == nil {
		return "", true
	}
	if len(regions) == 0 || regions[0] == "" {
		return "", false
	}
	root := regions[0]
	for _, r := range regions[1:] {
		if !strings.HasPrefix(r, root+".") {
			return "", false
		}
	}
	return root, true
}

// OrderFacts is what the figures read of one order. The zero value is an
// order that does not exist (yet).
type OrderFacts struct {
	ID               string
	SellerID         string
	SellerRegionID   string
	ShippingRegionID string
	BuyerKey         string
	Method           string
	Status           string
	Total            market.VND
	// PlacedAt is zero until the order is placed; ShippedAt until it ships.
	PlacedAt, ShippedAt time.Time
}

// Placed reports whether the order has been placed (it then counts in the
// figures of the day it was placed, as counted or as cancelled).
func (f OrderFacts) Placed() bool { return !f.PlacedAt.IsZero() }

// Counted reports whether the order counts: placed and not cancelled or refunded.
func (f OrderFacts) Counted() bool { return f.Placed() && !f.Cancelled() }

// Cancelled reports whether the order was cancelled (or refunded since).
func (f OrderFacts) Cancelled() bool { return f.Status == "cancelled" || f.Status == "refunded" }

// ShipMillis is the time from placed to shipped of a shipped order.
func (f OrderFacts) ShipMillis() int64 { return f.ShippedAt.UnixMilli() - f.PlacedAt.UnixMilli() }

// ChainOrder is one counted order of a buyer, as the buyer pairs see it.
type ChainOrder struct {
	ID             string
	SellerRegionID string
	PlacedAt       time.Time
}

// DayRow is the change to the counters of one region, day (or month:
// Grain) and payment method.
type DayRow struct {
	Region    string
	Grain     string
	Period    int64
	Method    string
	Counted   int64
	Value     market.VND
	Cancelled int64
	Outside   int64
	Shipped   int64
}

// HourRow is the change to the number of orders of a region, placed on a
// day (or in a month: Grain), that shipped Hours whole hours after being
// placed.
type HourRow struct {
	Region string
	Grain  string
	Period int64
	Hours  int64
	N      int64
}

// SellerDayRow is the change to a seller's counted orders on one day, in a region.
type SellerDayRow struct {
	Region   string
	Day      int64
	SellerID string
	N        int64
}

// PairRow is the change to the number of pairs of a buyer's orders in a
// region: Kind 1 consecutive, 2 two apart; placed on days Start and End.
type PairRow struct {
	Region     string
	Kind       int
	Start, End int64
	N          int64
}

// Delta is what one order write changes in the rollups. Rows are sorted
// and none is zero.
type Delta struct {
	Days       []DayRow
	Hours      []HourRow
	SellerDays []SellerDayRow
	Pairs      []PairRow
}

// Empty reports whether the write changes nothing.
func (d Delta) Empty() bool {
	return len(d.Days) == 0 && len(d.Hours) == 0 && len(d.SellerDays) == 0 && len(d.Pairs) == 0
}

// ChainChanges reports whether an order's move from before to after
// changes its buyer's chains of counted orders, so that the store must
// read the buyer's other counted orders for Change.
func ChainChanges(before, after OrderFacts) bool {
	if before.Counted() != after.Counted() {
		return true
	}
	return after.Counted() && (!before.PlacedAt.Equal(after.PlacedAt) || before.SellerRegionID != after.SellerRegionID ||
		before.BuyerKey != after.BuyerKey)
}

// Change is the delta of an order's move from before to after (either may
// be the zero OrderFacts). others are the buyer's other counted orders, in
// any order: all of them, or at least, for each region the order counts in,
// the two nearest before and the two nearest after it (as it was and as it
// is); they are read only when ChainChanges says so, and may hold the order
// itself (it is left out).
func Change(before, after OrderFacts, others []ChainOrder) Delta {
	days := map[DayRow]DayRow{}
	hours := map[HourRow]int64{}
	sellers := map[SellerDayRow]int64{}
	add := func(f OrderFacts, sign int64) {
		if !f.Placed() {
			return
		}
		day, month := VietnamDay(f.PlacedAt), VietnamMonth(f.PlacedAt)
		for _, r := range RegionLevels(f.SellerRegionID) {
			for _, k := range []DayRow{{Region: r, Grain: GrainDay, Period: day, Method: f.Method}, {Region: r, Grain: GrainMonth, Period: month, Method: f.Method}} {
				row := days[k]
				if f.Cancelled() {
					row.Cancelled += sign
				} else {
					row.Counted += sign
					row.Value += market.VND(sign) * f.Total
					if !InRegion(f.ShippingRegionID, r) {
						row.Outside += sign
					}
					if !f.ShippedAt.IsZero() {
						row.Shipped += sign
						hours[HourRow{Region: r, Grain: k.Grain, Period: k.Period, Hours: f.ShipMillis() / HourMillis}] += sign
					}
				}
				days[k] = row
			}
			if f.Counted() {
				sellers[SellerDayRow{Region: r, Day: day, SellerID: f.SellerID}] += sign
			}
		}
	}
	add(before, -1)
	add(after, 1)

	var d Delta
	for k, row := range days {
		if row != (DayRow{}) {
			row.Region, row.Grain, row.Period, row.Method = k.Region, k.Grain, k.Period, k.Method
			d.Days = append(d.Days, row)
		}
	}
	for k, n := range hours {
		if n != 0 {
			k.N = n
			d.Hours = append(d.Hours, k)
		}
	}
	for k, n := range sellers {
		if n != 0 {
			k.N = n
			d.SellerDays = append(d.SellerDays, k)
		}
	}
	if ChainChanges(before, after) {
		d.Pairs = pairChange(before, after, others)
	}
	slices.SortFunc(d.Days, func(a, b DayRow) int {
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.Grain, b.Grain), cmp.Compare(a.Period, b.Period), cmp.Compare(a.Method, b.Method))
	})
	slices.SortFunc(d.Hours, func(a, b HourRow) int {
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.Grain, b.Grain), cmp.Compare(a.Period, b.Period), cmp.Compare(a.Hours, b.Hours))
	})
	slices.SortFunc(d.SellerDays, func(a, b SellerDayRow) int {
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.Day, b.Day), cmp.Compare(a.SellerID, b.SellerID))
	})
	return d
}

// pairChange is the change to the buyer's pairs in every region of the
// order before or after: the pairs of the chains with the order as it was,
// taken from those with the order as it is.
func pairChange(before, after OrderFacts, others []ChainOrder) []PairRow {
	id := after.ID
	if id == "" {
		id = before.ID
	}
	var rest []ChainOrder
	for _, o := range others {
		if o.ID != id {
			rest = append(rest, o)
		}
	}
	regions := map[string]bool{}
	for _, f := range []OrderFacts{before, after} {
		if f.Counted() {
			for _, r := range RegionLevels(f.SellerRegionID) {
				regions[r] = true
			}
		}
	}
	// Only pairs within two places of the order change, so each side
	// counts the pairs of the few orders around it (the same neighbours
	// both times; pairs that do not involve the order cancel out).
	counts := map[PairRow]int64{}
	for r := range regions {
		var chain []ChainOrder
		for _, o := range rest {
			if InRegion(o.SellerRegionID, r) {
				chain = append(chain, o)
			}
		}
		sortChain(chain)
		for _, side := range []struct {
			f    OrderFacts
			sign int64
		}{{before, -1}, {after, 1}} {
			if !side.f.Counted() || !InRegion(side.f.SellerRegionID, r) {
				continue
			}
			me := ChainOrder{ID: id, SellerRegionID: side.f.SellerRegionID, PlacedAt: side.f.PlacedAt}
			i, _ := slices.BinarySearchFunc(chain, me, compareChain)
			near := chain[max(0, i-2):min(len(chain), i+2)]
			with := slices.Insert(slices.Clone(near), min(i, 2), me)
			for k, n := range Pairs(r, with) {
				counts[k] += side.sign * n
			}
			for k, n := range Pairs(r, near) {
				counts[k] -= side.sign * n
			}
		}
	}
	var out []PairRow
	for k, n := range counts {
		if n != 0 {
			k.N = n
			out = append(out, k)
		}
	}
	slices.SortFunc(out, func(a, b PairRow) int {
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
	})
	return out
}

// Pairs counts the pairs of one buyer's counted orders in region r: the
// orders of sellers in r, in time order (placed, then id). Keys have N 0.
func Pairs(r string, orders []ChainOrder) map[PairRow]int64 {
	var chain []ChainOrder
	for _, o := range orders {
		if InRegion(o.SellerRegionID, r) {
			chain = append(chain, o)
		}
	}
	sortChain(chain)
	out := map[PairRow]int64{}
	for i := range chain {
		end := VietnamDay(chain[i].PlacedAt)
		for kind := 1; kind <= 2 && i-kind >= 0; kind++ {
			out[PairRow{Region: r, Kind: kind, Start: VietnamDay(chain[i-kind].PlacedAt), End: end}]++
		}
	}
	return out
}

// compareChain orders a buyer's orders: by time placed, then by id.
func compareChain(a, b ChainOrder) int {
	return cmp.Or(a.PlacedAt.Compare(b.PlacedAt), cmp.Compare(a.ID, b.ID))
}

// sortChain puts orders in chain order, cheaply when they already are.
func sortChain(chain []ChainOrder) {
	if !slices.IsSortedFunc(chain, compareChain) {
		slices.SortFunc(chain, compareChain)
	}
}

// Buyers turns the counted orders of a period and the pairs inside it into
// buyers and repeat buyers.
func Buyers(orders, pairs1, pairs2 int64) (buyers, repeat int64) {
	return orders - pairs1, pairs1 - pairs2
}

// MedianRanks are the 0-based ranks of the middle order(s) of n.
func MedianRanks(n int64) (int64, int64) { return (n - 1) / 2, n / 2 }

// HourCount is how many orders shipped a number of whole hours after placed.
type HourCount struct {
	Hours int64
	N     int64
}

// LocateRank finds, in a histogram sorted by hours, the hour holding the
// order of 0-based rank k and its rank among that hour's orders.
func LocateRank(hist []HourCount, k int64) (hours, rank int64, ok bool) {
	for _, h := range hist {
		if k < h.N {
			return h.Hours, k, true
		}
		k -= h.N
	}
	return 0, 0, false
}
