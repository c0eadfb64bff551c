package main

import (
	"context"
	"fmt"
	"math/rand"
	"regexp"
	"strconv"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/orders"
)

// demoProduct is what the demo order generator needs of a seeded product.
type demoProduct struct {
	ID            string
	SellerOwnerID string
	// Season lists the harvest months, when the product sells three times
	// as much; empty means all year.
	Season []time.Month
	// Listed is when the product was listed: nobody buys it before.
	Listed time.Time
}

// demoOrderStats sums up what seedDemoOrders made.
type demoOrderStats struct {
	Orders, Cancelled, Cashless, Skipped int
	ByMonth                              map[string]int
}

// demoCards stands in for the card provider while seeding: demo card
// payments are confirmed by a "demo" payment event, never by Stripe.
type demoCards struct{}

func (demoCards) CreateIntent(_ context.Context, checkoutID string, _ market.VND, _ string) (orders.Intent, error) {
	return orders.Intent{ID: "pi_demo_" + checkoutID, ClientSecret: "demo"}, nil
}

func (demoCards) Refund(context.Context, string, market.VND, string) error { return nil }

// Where demo buyers live: mostly outside the Mekong Delta.
var demoBuyerProvinces = []string{"ho-chi-minh", "ho-chi-minh", "ha-noi", "ha-noi", "da-nang", "hai-phong", "hue",
	"can-tho", "dong-thap", "an-giang", "vinh-long", "ca-mau"}

var demoBuyerNames = []string{"Trần Văn An", "Nguyễn Thị Bích", "Lê Minh Châu", "Phạm Quốc Dũng", "Hoàng Thu Hà",
	"Võ Thanh Hải", "Đặng Ngọc Lan", "Bùi Đức Long", "Đỗ Mai Phương", "Huỳnh Tấn Phát", "Ngô Thị Quyên", "Dương Văn Sơn"}

// seedDemoOrders places about perMonth orders a month over the twelve
// months before end (calendar months, the first and the last in part),
// through the orders service under a moving clock, so
// that the officials' figures have a year to show: harvest seasons, a
// cashless share rising from about a quarter to about two thirds, some
// cancellations, buyers from other provinces (some coming back). Each
// order moves through the state machine as far as its age allows. A
// product out of stock is skipped, never oversold. The orders of a
// calendar month depend only on the seed and the month, so a later run
// (another day's end) finds those it made and adds only the newer ones.
func seedDemoOrders(ctx context.Context, store orders.Store, products []demoProduct, end time.Time, seed int64, perMonth int) (demoOrderStats, error) {
	stats := demoOrderStats{ByMonth: map[string]int{}}
	if len(products) == 0 {
		return stats, nil
	}
	clock := market.NewManualClock(end.AddDate(-1, 0, 0))
	svc := orders.NewService(store, orders.Options{Clock: clock, Cards: demoCards{},
		Platform: orders.BankAccount{BIN: "970436", Number: "0000000000", Holder: "CHO OCOP DEMO"}})
	start := end.AddDate(-1, 0, 0)
	first := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC)
	for m := 0; m <= 12; m++ {
		monthStart := first.AddDate(0, m, 0)
		month := int64(monthStart.Year())*12 + int64(monthStart.Month())
		cashless := 0.25 + 0.40*float64(m)/12
		for i := 0; i < perMonth; i++ {
			// Each order draws from its own source, so that a re-run asks
			// exactly the same and finds what the first run made.
			rng := rand.New(rand.NewSource(seed<<32 + month<<16 + int64(i)))
			at := monthStart.Add(time.Duration(rng.Int63n(int64(monthStart.AddDate(0, 1, 0).Sub(monthStart)))))
			if at.Before(start) || !at.Before(end) {
				continue
			}
			p, ok := pickDemoProduct(rng, products, at)
			if !ok {
				stats.Skipped++ // nothing was listed yet
				continue
			}
			qty := 1 + rng.Intn(4)
			if rng.Intn(10) == 0 {
				qty = 20 + rng.Intn(30) // a shop or a restaurant buying wholesale
			}
			method := orders.COD
			if rng.Float64() < cashless {
				method = orders.BankTransfer
				if rng.Intn(5) < 2 {
					method = orders.Card
				}
			}
			buyer := rng.Intn(40) // forty buyers, so some come back
			clock.Set(at)
			c, created, err := svc.Checkout(ctx, market.Actor{}, orders.CheckoutRequest{
				IdempotencyKey: fmt.Sprintf("demo-%d-%s-%04d", seed, monthStart.Format("2006-01"), i),
				Items:          []orders.Item{{ProductID: p.ID, Qty: qty}},
				Buyer:          orders.Buyer{Name: demoBuyerNames[buyer%len(demoBuyerNames)]},
				Phone:          fmt.Sprintf("09%08d", 10000000+buyer*7919),
				Shipping:       orders.Shipping{Address: fmt.Sprintf("%d đường số %d", 1+rng.Intn(200), 1+rng.Intn(30)), RegionID: demoBuyerProvinces[buyer%len(demoBuyerProvinces)]},
				Method:         method,
			})
			if market.IsCode(err, market.InsufficientStock) || market.IsCode(err, market.Invalid) {
				stats.Skipped++
				continue
			}
			if market.IsCode(err, market.Conflict) {
				continue // made by a run on another day, which asked a little differently
			}
			if err != nil {
				return stats, err
			}
			if !created {
				continue // made by an earlier run of the same seed
			}
			stats.Orders += len(c.Orders)
			stats.ByMonth[at.Format("2006-01")] += len(c.Orders)
			if method.Cashless() {
				stats.Cashless += len(c.Orders)
			}
			cancelled, err := advanceDemoCheckout(ctx, svc, clock, rng, c, p, end)
			if err != nil {
				return stats, err
			}
			stats.Cancelled += cancelled
		}
		if next := monthStart.AddDate(0, 1, 0); next.Before(end) {
			clock.Set(next)
		} else {
			clock.Set(end)
		}
		if _, err := svc.ExpireUnpaid(ctx); err != nil {
			return stats, err
		}
	}
	clock.Set(end)
	_, err := svc.ExpireUnpaid(ctx)
	return stats, err
}

// pickDemoProduct draws a product listed before at, in-season ones three
// times as often; ok is false when none was listed yet.
func pickDemoProduct(rng *rand.Rand, products []demoProduct, at time.Time) (p demoProduct, ok bool) {
	month := at.In(market.VietnamTime).Month()
	weights := make([]int, len(products))
	total := 0
	for i, p := range products {
		if p.Listed.After(at) {
			continue
		}
		weights[i] = 1
		for _, s := range p.Season {
			if s == month {
				weights[i] = 3
			}
		}
		total += weights[i]
	}
	if total == 0 {
		return demoProduct{}, false
	}
	n := rng.Intn(total)
	for i, w := range weights {
		if n < w {
			return products[i], true
		}
		n -= w
	}
	return demoProduct{}, false
}

// advanceDemoCheckout pays a checkout and moves its orders along as far as
// end allows; it returns how many it cancelled.
func advanceDemoCheckout(ctx context.Context, svc *orders.Service, clock *market.ManualClock, rng *rand.Rand, c orders.Checkout, p demoProduct, end time.Time) (int, error) {
	at := clock.Now()
	step := func(d time.Duration) bool {
		at = at.Add(d)
		if at.After(end) {
			return false
		}
		clock.Set(at)
		return true
	}
	phone := string(c.Buyer.Phone)
	if c.Payment.Method != orders.COD {
		if rng.Intn(20) == 0 {
			return 0, nil // never paid: the expiry job cancels it
		}
		if !step(time.Duration(2+rng.Intn(20)) * time.Minute) {
			return 0, nil
		}
		ev := orders.PaymentEvent{Provider: "demo", ID: "demo-" + c.ID, Kind: orders.EventSucceeded, CheckoutID: c.ID, Amount: c.Total}
		if c.Payment.Method == orders.BankTransfer {
			ev.Description = "CK " + c.Payment.Reference
		} else {
			ev.IntentID = c.Payment.IntentID
		}
		if _, err := svc.ApplyEvent(ctx, ev); err != nil {
			return 0, err
		}
	}
	seller := market.Actor{AccountID: p.SellerOwnerID, Roles: []market.Role{market.RoleSeller}}
	cancelled := 0
	for _, o := range c.Orders {
		move := func(who market.Actor, phone string, m orders.Move, after time.Duration) (bool, error) {
			if !step(after) {
				return false, nil
			}
			_, err := svc.Transition(ctx, who, o.ID, phone, m)
			return err == nil, err
		}
		switch r := rng.Intn(100); {
		case r < 4:
			_, err := move(market.Actor{}, phone, orders.Move{To: orders.Cancelled, Note: "Đổi ý"}, time.Duration(1+rng.Intn(5))*time.Hour)
			cancelled++
			if err != nil {
				return cancelled, err
			}
			continue
		case r < 8:
			_, err := move(seller, "", orders.Move{To: orders.Cancelled, Note: "Hết hàng đợt này"}, time.Duration(2+rng.Intn(20))*time.Hour)
			cancelled++
			if err != nil {
				return cancelled, err
			}
			continue
		}
		ok, err := move(seller, "", orders.Move{To: orders.Confirmed}, time.Duration(1+rng.Intn(12))*time.Hour)
		if !ok || err != nil {
			return cancelled, err
		}
		if ok, err = move(seller, "", orders.Move{To: orders.Shipped, TrackingNumber: fmt.Sprintf("GHN%09d", rng.Intn(1e9))}, time.Duration(6+rng.Intn(48))*time.Hour); !ok || err != nil {
			return cancelled, err
		}
		if ok, err = move(seller, "", orders.Move{To: orders.Delivered}, time.Duration(24+rng.Intn(72))*time.Hour); !ok || err != nil {
			return cancelled, err
		}
		if c.Payment.Method == orders.COD {
			if _, err := svc.MarkPaid(ctx, seller, o.ID); err != nil {
				return cancelled, err
			}
		}
		if _, err = move(market.Actor{}, phone, orders.Move{To: orders.Completed}, time.Duration(12+rng.Intn(72))*time.Hour); err != nil {
			return cancelled, err
		}
	}
	return cancelled, nil
}

// seedOrders is the seed's last step: a year of orders for the demo
// products, ending at the demo's "now".
func (s *seeder) seedOrders() error {
	owner := map[string]string{}
	for _, x := range s.sellers {
		owner[x.ID] = x.OwnerID
	}
	products := make([]demoProduct, 0, len(s.products))
	for _, p := range s.products {
		products = append(products, demoProduct{ID: p.ID, SellerOwnerID: owner[p.SellerID], Season: seasonMonths(p.Season), Listed: p.CreatedAt})
	}
	stats, err := seedDemoOrders(s.ctx, s.st.orders, products, s.base, int64(s.seed), 60)
	s.created.orders = stats.Orders
	return err
}

var monthRange = regexp.MustCompile(`tháng (\d{1,2})\s*[–-]\s*(\d{1,2})`)

// seasonMonths reads the harvest months of a season as sellers write it
// ("tháng 7–11 (mùa nước nổi)", "quanh năm, rộ tháng 8–12"); nil when it
// names no months.
func seasonMonths(season string) []time.Month {
	m := monthRange.FindStringSubmatch(season)
	if m == nil {
		return nil
	}
	from, _ := strconv.Atoi(m[1])
	to, _ := strconv.Atoi(m[2])
	if from < 1 || from > 12 || to < 1 || to > 12 {
		return nil
	}
	var out []time.Month
	for x := from; ; x = x%12 + 1 {
		out = append(out, time.Month(x))
		if x == to {
			return out
		}
	}
}
