package uptaketest

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/orders"
	"github.com/ocopmarket/market/orders/orderstest"
	"github.com/ocopmarket/market/regions"
	"github.com/ocopmarket/market/uptake"
)

// ReplayBackend is an adapter whose orders store keeps the figures that
// its uptake store reads.
type ReplayBackend struct {
	Orders     orders.Store
	Uptake     uptake.Store
	AddSeller  func(t testing.TB, s orderstest.Seller)
	AddProduct func(t testing.TB, p orderstest.Product)
	// Check, if set, runs after the replay (e.g. rebuilding the rollups
	// from the orders gives the same rollups).
	Check func(t *testing.T)
}

// replaySellers are the sellers of the replay: three communes of Cần Thơ,
// one of An Giang, and one registered at the province level.
var replaySellers = []struct{ id, region string }{
	{"rs1", ThanhXuan}, {"rs2", ThanhXuan}, {"rs3", NinhKieu}, {"rs4", CaiKhe}, {"rs5", TriTon}, {"rs6", AnGiang},
}

// replayShipping are where the replay's orders go.
var replayShipping = []string{ThanhXuan, NinhKieu, CaiKhe, CanTho, TriTon, AnGiang, HoChiMinh}

// Replay writes random order histories through the orders store (checkouts
// by card, transfer and cash on delivery, payments, confirmations,
// shipping, delivery, cancellations, refunds, at random times in random
// order, some on the stroke of midnight Vietnam time) and compares every
// order figure of the uptake store, for random regions and periods, with
// the same figures worked out by brute force from the orders as written.
func Replay(t *testing.T, seed int64, ops int, b ReplayBackend) {
	ctx := context.Background()
	tree := Tree(t)
	rnd := rand.New(rand.NewSource(seed))
	for _, s := range replaySellers {
		b.AddSeller(t, orderstest.Seller{ID: s.id, OwnerAccountID: "account-" + s.id, Name: "Cửa hàng " + s.id, RegionID: s.region})
		b.AddProduct(t, orderstest.Product{ID: "p-" + s.id, SellerID: s.id, Name: "Sản phẩm", Unit: "kg", Price: 10_000, Stock: 1_000_000})
	}
	start := At(2026, time.January, 1, 0, 0)
	// when is a random moment of the replay's 40 days: a third of them on
	// the stroke of a Vietnam midnight, or a minute either side.
	when := func() time.Time {
		day := start.AddDate(0, 0, rnd.Intn(40))
		switch rnd.Intn(6) {
		case 0:
			return day
		case 1:
			return day.Add(-time.Minute)
		default:
			return day.Add(time.Duration(rnd.Int63n(int64(24 * time.Hour))))
		}
	}
	all := map[string]orders.Order{}
	var ids, checkouts []string
	keep := func(os ...orders.Order) {
		for _, o := range os {
			if _, seen := all[o.ID]; !seen {
				ids = append(ids, o.ID)
			}
			all[o.ID] = o
		}
	}
	methods := []orders.Method{orders.COD, orders.Card, orders.BankTransfer}
	for i := range ops {
		switch r := rnd.Intn(10); {
		case r < 4 || len(ids) == 0:
			at := when()
			method := methods[rnd.Intn(len(methods))]
			buyer := fmt.Sprintf("a:buyer-%d", rnd.Intn(8))
			n := 1 + rnd.Intn(2)
			var sellers []int
			for len(sellers) < n {
				if k := rnd.Intn(len(replaySellers)); !slices.Contains(sellers, k) {
					sellers = append(sellers, k)
				}
			}
			var productIDs []string
			for _, k := range sellers {
				productIDs = append(productIDs, "p-"+replaySellers[k].id)
			}
			shipTo := replayShipping[rnd.Intn(len(replayShipping))]
			key := fmt.Sprintf("replay-%d-%d", seed, i)
			c, _, err := b.Orders.CreateCheckout(ctx, key, "h", productIDs,
				func(snaps []orders.ProductSnapshot) (orders.Checkout, error) {
					c := replayCheckout(snaps, rnd, i, buyer, shipTo, method, at)
					c.IdempotencyKey, c.RequestHash = key, "h"
					return c, nil
				})
			if err != nil {
				t.Fatalf("checkout: %v", err)
			}
			checkouts = append(checkouts, c.ID)
			keep(c.Orders...)
		case r < 6:
			// A payment arrives (card, transfer) or cash is collected (COD).
			c := checkouts[rnd.Intn(len(checkouts))]
			os, err := b.Orders.Pay(ctx, c, nil, orders.PaymentChange{Status: orders.Paid, At: when(), Party: orders.PartySystem})
			if err != nil {
				t.Fatalf("pay: %v", err)
			}
			keep(os...)
		default:
			o := all[ids[rnd.Intn(len(ids))]]
			ch, ok := replayMove(o, rnd)
			if !ok {
				continue
			}
			ch.At, ch.Party = when(), orders.PartySystem
			if ch.To == orders.Refunded {
				os, err := b.Orders.Pay(ctx, o.CheckoutID, []string{o.ID}, orders.PaymentChange{Status: orders.PaymentRefunded, At: ch.At, Party: orders.PartySystem})
				if err != nil {
					t.Fatalf("refund: %v", err)
				}
				keep(os...)
				continue
			}
			got, err := b.Orders.Transition(ctx, o.ID, o.Status, ch)
			if err != nil {
				t.Fatalf("transition %s → %s: %v", o.Status, ch.To, err)
			}
			keep(got)
		}
	}
	var list []orders.Order
	for _, id := range ids {
		list = append(list, all[id])
	}

	// Periods: random runs of whole days (the rollups), the whole replay,
	// and a few bounded by other instants (summed from orders).
	type period struct{ from, to time.Time }
	periods := []period{{start.AddDate(0, 0, -1), start.AddDate(0, 0, 41)}, {start, start.AddDate(0, 0, 1)},
		// Whole months (the month rollups): January, December to February, January and February.
		{start, start.AddDate(0, 1, 0)}, {start.AddDate(0, -1, 0), start.AddDate(0, 1, 0)}, {start, start.AddDate(0, 2, 0)}}
	for range 25 {
		a, n := rnd.Intn(42)-1, 1+rnd.Intn(20)
		periods = append(periods, period{start.AddDate(0, 0, a), start.AddDate(0, 0, a+n)})
	}
	for range 4 {
		a := start.Add(time.Duration(rnd.Int63n(int64(20 * 24 * time.Hour))))
		periods = append(periods, period{a, a.Add(time.Duration(rnd.Int63n(int64(20 * 24 * time.Hour))))})
	}
	scopes := []string{"", CanTho, AnGiang, ThanhXuan, NinhKieu, CaiKhe, TriTon, HoChiMinh}
	for _, p := range periods {
		for _, root := range scopes {
			regs := scopeRegions(tree, root)
			// As of the end of the period, or a moment inside it (now).
			asOf := p.to
			if rnd.Intn(2) == 0 {
				asOf = p.from.Add(time.Duration(rnd.Int63n(int64(p.to.Sub(p.from)) + 1)))
			}
			sc := uptake.Scope{Regions: regs, From: p.from, To: p.to, AsOf: asOf}
			got, err := b.Uptake.Counts(ctx, sc)
			if err != nil {
				t.Fatalf("counts %q %v–%v: %v", root, p.from, p.to, err)
			}
			want, active := BruteForce(list, sc)
			if diff := cmp.Diff(want, normalize(got.Orders)); diff != "" {
				t.Errorf("region %q, %v to %v: order figures (-brute force +store):\n%s", root, p.from, p.to, diff)
			}
			if got.Sellers.Active30d != active {
				t.Errorf("region %q, as of %v: %d active sellers, brute force %d", root, asOf, got.Sellers.Active30d, active)
			}
			for _, m := range []uptake.Metric{uptake.MetricOrders, uptake.MetricGMV} {
				d, err := b.Uptake.Daily(ctx, sc, m)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(BruteForceDaily(list, sc, m), d.Days, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
					t.Errorf("region %q, %v to %v: daily %s (-brute force +store):\n%s", root, p.from, p.to, m, diff)
				}
			}
		}
	}
	if t.Failed() {
		return
	}
	if b.Check != nil {
		b.Check(t)
	}
}

// replayCheckout is a checkout of one line per seller at time at.
func replayCheckout(snaps []orders.ProductSnapshot, rnd *rand.Rand, i int, buyer, shipTo string, method orders.Method, at time.Time) orders.Checkout {
	c := orders.Checkout{ID: fmt.Sprintf("rc-%d", i), BuyerKey: buyer, CreatedAt: at,
		Buyer:   orders.Buyer{Name: "Người mua", Phone: "+84911000000"},
		Payment: orders.Payment{Method: method, Status: orders.OnDelivery}}
	status, pay, placed := orders.Placed, orders.OnDelivery, at
	if method != orders.COD {
		status, pay, placed = orders.PendingPayment, orders.RequiresPayment, time.Time{}
		c.Payment.Status = pay
	}
	for k, p := range snaps {
		qty := 1 + rnd.Intn(3)
		total := market.VND(qty)*p.Price + 15_000
		c.Orders = append(c.Orders, orders.Order{ID: fmt.Sprintf("ro-%d-%d", i, k), Code: fmt.Sprintf("RP-%d-%d", i, k),
			CheckoutID: c.ID, SellerID: p.Seller.ID, SellerName: p.Seller.Name, SellerRegionID: p.Seller.RegionID,
			Buyer: c.Buyer, BuyerKey: buyer, Shipping: orders.Shipping{Address: "1 Lê Lợi", RegionID: shipTo},
			Lines:    []orders.Line{{ProductID: p.ID, Name: p.Name, Unit: p.Unit, Qty: qty, UnitPrice: p.Price, LineTotal: market.VND(qty) * p.Price}},
			Subtotal: market.VND(qty) * p.Price, ShippingFee: 15_000, Total: total, Method: method, PaymentStatus: pay, Status: status,
			CreatedAt: at, UpdatedAt: at, PlacedAt: placed,
			History: []orders.Transition{{To: status, At: at, Party: orders.PartyBuyer}}})
		c.Total += total
	}
	return c
}

// replayMove picks a next status for the order, as the orders service
// would allow, or false when it has none.
func replayMove(o orders.Order, rnd *rand.Rand) (orders.Change, bool) {
	var next []orders.Status
	switch o.Status {
	case orders.PendingPayment:
		next = []orders.Status{orders.Cancelled} // the hold ran out
	case orders.Placed:
		next = []orders.Status{orders.Confirmed, orders.Shipped, orders.Cancelled}
	case orders.Confirmed:
		next = []orders.Status{orders.Shipped, orders.Cancelled}
	case orders.Shipped:
		next = []orders.Status{orders.Delivered, orders.Cancelled}
	case orders.Delivered:
		next = []orders.Status{orders.Completed}
	case orders.Cancelled:
		if o.PaymentStatus == orders.Paid {
			next = []orders.Status{orders.Refunded}
		}
	}
	if len(next) == 0 {
		return orders.Change{}, false
	}
	ch := orders.Change{To: next[rnd.Intn(len(next))]}
	if ch.To == orders.Delivered && o.Method == orders.COD {
		ch.PaymentStatus = orders.Paid // cash collected on delivery
	}
	return ch, true
}

// scopeRegions is the region and every region under it in the tree; nil
// for the country.
func scopeRegions(tree *regions.Tree, root string) []string {
	if root == "" {
		return nil
	}
	out := []string{root}
	for i := 0; i < len(out); i++ {
		for _, c := range tree.Children(out[i]) {
			out = append(out, c.ID)
		}
	}
	return out
}

// normalize gives every payment method an entry, as summaries do.
func normalize(o uptake.OrderCounts) uptake.OrderCounts {
	m := map[string]uptake.MethodCounts{}
	for _, k := range uptake.PaymentMethods {
		m[k] = o.ByMethod[k]
	}
	o.ByMethod = m
	return o
}

// BruteForce works out the order figures of a scope from the orders
// themselves, straight from API.md's definitions, and the active sellers.
func BruteForce(all []orders.Order, sc uptake.Scope) (uptake.OrderCounts, int64) {
	in := func(id string) bool { return sc.Regions == nil || slices.Contains(sc.Regions, id) }
	c := uptake.OrderCounts{ByMethod: map[string]uptake.MethodCounts{}}
	perBuyer := map[string]int{}
	var ship []int64
	active := map[string]bool{}
	for _, o := range all {
		if o.PlacedAt.IsZero() || !in(o.SellerRegionID) {
			continue
		}
		cancelled := o.Status == orders.Cancelled || o.Status == orders.Refunded
		if !cancelled && !o.PlacedAt.Before(sc.AsOf.Add(-30*24*time.Hour)) && o.PlacedAt.Before(sc.AsOf) {
			active[o.SellerID] = true
		}
		if o.PlacedAt.Before(sc.From) || !o.PlacedAt.Before(sc.To) {
			continue
		}
		if cancelled {
			c.Cancelled++
			continue
		}
		m := c.ByMethod[string(o.Method)]
		m.Count++
		m.Value += o.Total
		c.ByMethod[string(o.Method)] = m
		perBuyer[o.BuyerKey]++
		if sc.Regions != nil && !in(o.Shipping.RegionID) {
			c.OutsideRegion++
		}
		if !o.ShippedAt.IsZero() {
			c.Shipped++
			ship = append(ship, o.ShippedAt.UnixMilli()-o.PlacedAt.UnixMilli())
		}
	}
	for _, n := range perBuyer {
		c.Buyers++
		if n >= 2 {
			c.RepeatBuyers++
		}
	}
	if len(ship) > 0 {
		slices.Sort(ship)
		c.MedianShipMillis = float64(ship[(len(ship)-1)/2]+ship[len(ship)/2]) / 2
	}
	return normalize(c), int64(len(active))
}

// BruteForceDaily is the counted orders (or their value) per Vietnam day
// of the scope's period, days without any left out.
func BruteForceDaily(all []orders.Order, sc uptake.Scope, m uptake.Metric) []uptake.DayValue {
	in := func(id string) bool { return sc.Regions == nil || slices.Contains(sc.Regions, id) }
	byDay := map[int64]int64{}
	for _, o := range all {
		if o.PlacedAt.IsZero() || o.Status == orders.Cancelled || o.Status == orders.Refunded || !in(o.SellerRegionID) ||
			o.PlacedAt.Before(sc.From) || !o.PlacedAt.Before(sc.To) {
			continue
		}
		v := int64(1)
		if m == uptake.MetricGMV {
			v = int64(o.Total)
		}
		byDay[uptake.VietnamDay(o.PlacedAt)] += v
	}
	var out []uptake.DayValue
	for d, v := range byDay {
		out = append(out, uptake.DayValue{Start: uptake.DayStart(d), Value: v})
	}
	slices.SortFunc(out, func(a, b uptake.DayValue) int { return a.Start.Compare(b.Start) })
	return out
}
