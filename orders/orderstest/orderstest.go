// Package orderstest is the contract every orders.Store must keep, run
// through orders.Service as buyers, sellers and payment providers use it:
// no overselling under concurrent checkouts, all-or-nothing reservations,
// idempotent retries, stock returned exactly once.
package orderstest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/orders"
)

// Seller is a seller row for fixtures; the catalog owns the real ones.
type Seller struct {
	ID               string
	OwnerAccountID   string
	HelperAccountID  string // optional
	Name             string
	RegionID         string
	Status           string // verified unless set
	Bank             orders.BankAccount
	ShippingFee      market.VND
	FreeShippingOver market.VND
}

// Product is a product row for fixtures.
type Product struct {
	ID          string
	SellerID    string
	Name        string
	Unit        string
	Price       market.VND
	Tiers       []orders.PriceTier
	Stock       int
	MinOrderQty int    // 1 unless set
	Status      string // active unless set
}

// ProductState is what checkout changes on a product.
type ProductState struct {
	Stock, Sold, Version int
	SearchDirty          bool
}

// Backend is one store with the means to lay out its fixtures.
type Backend struct {
	Store      orders.Store
	AddSeller  func(t testing.TB, s Seller)
	AddProduct func(t testing.TB, p Product)
	Product    func(t testing.TB, id string) ProductState
}

// cards is a card provider for the contract: the real one (Stripe) is
// tested against stripe-mock in package stripepay; here only the store's
// side of card payments is under test.
type cards struct {
	mu      sync.Mutex
	refunds map[string]market.VND
	// down makes CreateIntent fail as when the provider cannot be reached.
	down bool
}

func (c *cards) CreateIntent(_ context.Context, checkoutID string, _ market.VND, _ string) (orders.Intent, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down {
		return orders.Intent{}, market.Errorf(market.Unavailable, "Cổng thanh toán thẻ đang gián đoạn.", "The card payment service is unavailable.")
	}
	return orders.Intent{ID: "pi_" + checkoutID, ClientSecret: "pi_" + checkoutID + "_secret"}, nil
}

func (c *cards) Refund(_ context.Context, intentID string, amount market.VND, key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.refunds == nil {
		c.refunds = map[string]market.VND{}
	}
	c.refunds[key] += amount
	return nil
}

// world is one fresh backend with a service, a clock and two sellers.
type world struct {
	b       Backend
	svc     *orders.Service
	clock   *market.ManualClock
	cards   *cards
	lan     Seller // Cần Thơ, with a bank account, fee 30.000 free from 500.000
	minh    Seller // Đồng Tháp, no bank account, fee 20.000 never free
	buyer   market.Actor
	owner   market.Actor
	helper  market.Actor
	admin   market.Actor
	lanProd string
}

var start = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

func newWorld(t *testing.T, open func(t *testing.T) Backend) *world {
	t.Helper()
	w := &world{b: open(t), clock: market.NewManualClock(start), cards: &cards{}}
	w.svc = orders.NewService(w.b.Store, orders.Options{Clock: w.clock, Cards: w.cards,
		Platform: orders.BankAccount{BIN: "970418", Number: "1234567890", Holder: "CHO OCOP"}})
	w.owner = market.Actor{AccountID: market.NewID(), Roles: []market.Role{market.RoleBuyer, market.RoleSeller}}
	w.helper = market.Actor{AccountID: market.NewID(), Roles: []market.Role{market.RoleBuyer, market.RoleHelper}}
	w.buyer = market.Actor{AccountID: market.NewID(), Roles: []market.Role{market.RoleBuyer}}
	w.admin = market.Actor{AccountID: market.NewID(), Roles: []market.Role{market.RoleAdmin}}
	w.lan = Seller{ID: market.NewID(), OwnerAccountID: w.owner.AccountID, HelperAccountID: w.helper.AccountID,
		Name: "HTX Hoa Súng Lê Sánh", RegionID: "can-tho.thanh-xuan",
		Bank: orders.BankAccount{BIN: "970436", Number: "0011004455667", Holder: "NGUYEN THI LAN"}, ShippingFee: 30000, FreeShippingOver: 500000}
	w.minh = Seller{ID: market.NewID(), OwnerAccountID: market.NewID(), Name: "Hộ Nguyễn Văn Minh", RegionID: "dong-thap", ShippingFee: 20000}
	w.b.AddSeller(t, w.lan)
	w.b.AddSeller(t, w.minh)
	return w
}

func (w *world) product(t *testing.T, seller Seller, name string, price market.VND, stock int) string {
	t.Helper()
	id := market.NewID()
	w.b.AddProduct(t, Product{ID: id, SellerID: seller.ID, Name: name, Unit: "kg", Price: price, Stock: stock})
	return id
}

func request(key string, method orders.Method, items ...orders.Item) orders.CheckoutRequest {
	return orders.CheckoutRequest{IdempotencyKey: key, Items: items, Method: method,
		Buyer: orders.Buyer{Name: "Trần Văn An"}, Phone: "0912345678",
		Shipping: orders.Shipping{Address: "12 Lê Lợi, phường Bến Thành", RegionID: "ho-chi-minh.ben-thanh"}}
}

func item(id string, qty int) orders.Item { return orders.Item{ProductID: id, Qty: qty} }

func mustCheckout(t *testing.T, w *world, actor market.Actor, r orders.CheckoutRequest) orders.Checkout {
	t.Helper()
	c, _, err := w.svc.Checkout(context.Background(), actor, r)
	if err != nil {
		t.Fatalf("checkout: %v", err)
	}
	return c
}

func wantCode(t *testing.T, err error, code market.Code) {
	t.Helper()
	if !market.IsCode(err, code) {
		t.Fatalf("err = %v, want %s", err, code)
	}
}

func (w *world) stock(t *testing.T, id string) int { t.Helper(); return w.b.Product(t, id).Stock }

// Run runs the contract against backends made by open, a fresh empty one per call.
func Run(t *testing.T, open func(t *testing.T) Backend) {
	ctx := context.Background()

	t.Run("cash on delivery reserves stock and snapshots the lines", func(t *testing.T) {
		w := newWorld(t, open)
		p := w.product(t, w.lan, "Hoa súng", 25000, 120)
		before := w.b.Product(t, p)
		c := mustCheckout(t, w, w.buyer, request("key-cod-0001", orders.COD, item(p, 3)))
		if len(c.Orders) != 1 || c.Payment.Status != orders.OnDelivery || c.Status() != orders.Placed {
			t.Fatalf("checkout = %+v", c)
		}
		o := c.Orders[0]
		if o.Status != orders.Placed || o.PlacedAt.IsZero() || o.SellerRegionID != "can-tho.thanh-xuan" ||
			o.Shipping.RegionID != "ho-chi-minh.ben-thanh" || o.BuyerKey != "a:"+w.buyer.AccountID {
			t.Errorf("order = %+v", o)
		}
		if len(o.Code) != 9 || o.Code[:3] != "CT-" {
			t.Errorf("code = %q, want CT-XXXXXX", o.Code)
		}
		if l := o.Lines[0]; l.Name != "Hoa súng" || l.Unit != "kg" || l.Qty != 3 || l.UnitPrice != 25000 || l.LineTotal != 75000 {
			t.Errorf("line = %+v", l)
		}
		if o.Subtotal != 75000 || o.ShippingFee != 30000 || o.Total != 105000 || c.Total != 105000 {
			t.Errorf("money: subtotal %v shipping %v total %v checkout %v", o.Subtotal, o.ShippingFee, o.Total, c.Total)
		}
		after := w.b.Product(t, p)
		if after.Stock != 117 || after.Sold != before.Sold+3 || after.Version <= before.Version || !after.SearchDirty {
			t.Errorf("product before %+v after %+v", before, after)
		}
		got, err := w.b.Store.Order(ctx, o.ID)
		if err != nil || got.Code != o.Code || len(got.History) != 1 || got.History[0].To != orders.Placed {
			t.Errorf("stored order = %+v, %v", got, err)
		}
	})

	t.Run("price tiers, shipping rules and one order per seller", func(t *testing.T) {
		w := newWorld(t, open)
		sung := market.NewID()
		w.b.AddProduct(t, Product{ID: sung, SellerID: w.lan.ID, Name: "Hoa súng", Unit: "bó", Price: 25000, Stock: 500,
			Tiers: []orders.PriceTier{{MinQty: 20, Price: 20000}, {MinQty: 50, Price: 18000}}})
		xoai := w.product(t, w.minh, "Xoài cát Hòa Lộc", 60000, 100)
		for _, tc := range []struct {
			qty  int
			unit market.VND
		}{{1, 25000}, {19, 25000}, {20, 20000}, {49, 20000}, {50, 18000}, {120, 18000}} {
			c := mustCheckout(t, w, w.buyer, request(fmt.Sprintf("tier-key-%03d", tc.qty), orders.COD, item(sung, tc.qty)))
			if got := c.Orders[0].Lines[0].UnitPrice; got != tc.unit {
				t.Errorf("qty %d: unit price %v, want %v", tc.qty, got, tc.unit)
			}
		}
		c := mustCheckout(t, w, w.buyer, request("split-key-0001", orders.COD, item(xoai, 2), item(sung, 30), item(xoai, 1)))
		if len(c.Orders) != 2 {
			t.Fatalf("%d orders, want 2", len(c.Orders))
		}
		minh, lan := c.Orders[0], c.Orders[1]
		if minh.SellerID != w.minh.ID || lan.SellerID != w.lan.ID {
			t.Fatalf("sellers in order %s, %s", minh.SellerID, lan.SellerID)
		}
		// Minh: 3 × 60.000 merged into one line + 20.000 flat fee.
		if len(minh.Lines) != 1 || minh.Lines[0].Qty != 3 || minh.Subtotal != 180000 || minh.ShippingFee != 20000 || minh.Total != 200000 {
			t.Errorf("minh's order = %+v", minh)
		}
		// Lan: 30 × 20.000 = 600.000 ≥ 500.000, free shipping.
		if lan.Subtotal != 600000 || lan.ShippingFee != 0 || lan.Total != 600000 {
			t.Errorf("lan's order = %+v", lan)
		}
		if c.Total != 800000 || minh.Code[:3] != "DT-" || lan.Code[:3] != "CT-" || minh.CheckoutID != c.ID {
			t.Errorf("checkout total %v codes %s %s", c.Total, minh.Code, lan.Code)
		}
	})

	t.Run("a line that cannot be sold is refused", func(t *testing.T) {
		w := newWorld(t, open)
		min := market.NewID()
		w.b.AddProduct(t, Product{ID: min, SellerID: w.lan.ID, Name: "Gạo ST25", Unit: "kg", Price: 35000, Stock: 100, MinOrderQty: 5})
		paused := market.NewID()
		w.b.AddProduct(t, Product{ID: paused, SellerID: w.lan.ID, Name: "Mật ong", Unit: "chai", Price: 90000, Stock: 100, Status: "paused"})
		pending := Seller{ID: market.NewID(), OwnerAccountID: market.NewID(), Name: "Chưa duyệt", RegionID: "ca-mau", Status: "pending"}
		w.b.AddSeller(t, pending)
		unverified := w.product(t, pending, "Khô cá", 150000, 10)
		for name, r := range map[string]orders.CheckoutRequest{
			"below minimum":     request("refuse-key-1", orders.COD, item(min, 4)),
			"paused product":    request("refuse-key-2", orders.COD, item(paused, 1)),
			"unverified seller": request("refuse-key-3", orders.COD, item(unverified, 1)),
			"unknown product":   request("refuse-key-4", orders.COD, item(market.NewID(), 1)),
		} {
			_, _, err := w.svc.Checkout(ctx, w.buyer, r)
			wantCode(t, err, market.Invalid)
			if name == "below minimum" && err.(*market.Error).Fields["items[0].qty"].EN != "Gạo ST25: order at least 5 kg." {
				t.Errorf("%s: %v", name, err)
			}
		}
		if w.stock(t, min) != 100 || w.stock(t, paused) != 100 {
			t.Error("a refused checkout moved stock")
		}
	})

	t.Run("one short line reserves nothing and names the product", func(t *testing.T) {
		w := newWorld(t, open)
		plenty := w.product(t, w.lan, "Hoa súng", 25000, 50)
		short := w.product(t, w.minh, "Xoài cát Hòa Lộc", 60000, 2)
		_, _, err := w.svc.Checkout(ctx, w.buyer, request("short-key-01", orders.COD, item(plenty, 10), item(short, 3)))
		wantCode(t, err, market.InsufficientStock)
		e := err.(*market.Error)
		if len(e.Fields) != 1 || e.Fields[short].VI != "Xoài cát Hòa Lộc: chỉ còn 2 kg." {
			t.Errorf("fields = %+v", e.Fields)
		}
		if w.stock(t, plenty) != 50 || w.stock(t, short) != 2 {
			t.Errorf("stock moved: %d, %d", w.stock(t, plenty), w.stock(t, short))
		}
		// The same key may be used again once the buyer fixes the basket.
		if _, _, err := w.svc.Checkout(ctx, w.buyer, request("short-key-01", orders.COD, item(plenty, 10), item(short, 2))); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("40 concurrent buyers for the last 10 units", func(t *testing.T) {
		w := newWorld(t, open)
		p := w.product(t, w.lan, "Bưởi Năm Roi", 45000, 10)
		var wg sync.WaitGroup
		var mu sync.Mutex
		placed, short := 0, 0
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				buyer := market.Actor{AccountID: market.NewID()}
				_, _, err := w.svc.Checkout(ctx, buyer, request(fmt.Sprintf("race-key-%03d", i), orders.COD, item(p, 1)))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					placed++
				case market.IsCode(err, market.InsufficientStock):
					short++
				default:
					t.Errorf("buyer %d: %v", i, err)
				}
			}(i)
		}
		wg.Wait()
		if placed != 10 || short != 30 {
			t.Errorf("placed %d, short %d; want 10 and 30", placed, short)
		}
		if st := w.b.Product(t, p); st.Stock != 0 || st.Sold != 10 {
			t.Errorf("product = %+v, want stock 0 sold 10", st)
		}
		page, err := w.svc.List(ctx, w.owner, orders.ListRequest{SellerID: w.lan.ID, Limit: 100})
		if err != nil || len(page.Orders) != 10 {
			t.Errorf("seller sees %d orders (%v), want 10", len(page.Orders), err)
		}
	})

	t.Run("8 concurrent replays of one key make one checkout", func(t *testing.T) {
		w := newWorld(t, open)
		p := w.product(t, w.lan, "Hoa súng", 25000, 100)
		r := request("replay-key-0001", orders.COD, item(p, 2))
		var wg sync.WaitGroup
		ids := make([]string, 8)
		created := make([]bool, 8)
		for i := range ids {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				c, cr, err := w.svc.Checkout(ctx, w.buyer, r)
				if err != nil {
					t.Errorf("replay %d: %v", i, err)
					return
				}
				ids[i], created[i] = c.ID, cr
			}(i)
		}
		wg.Wait()
		n := 0
		for i := range ids {
			if ids[i] != ids[0] {
				t.Errorf("replay %d got checkout %s, first got %s", i, ids[i], ids[0])
			}
			if created[i] {
				n++
			}
		}
		if n != 1 || w.stock(t, p) != 98 {
			t.Errorf("created %d times, stock %d; want once, 98", n, w.stock(t, p))
		}
	})

	t.Run("same key with a different body is a conflict", func(t *testing.T) {
		w := newWorld(t, open)
		p := w.product(t, w.lan, "Hoa súng", 25000, 100)
		mustCheckout(t, w, w.buyer, request("conflict-key-01", orders.COD, item(p, 2)))
		_, _, err := w.svc.Checkout(ctx, w.buyer, request("conflict-key-01", orders.COD, item(p, 3)))
		wantCode(t, err, market.Conflict)
		if w.stock(t, p) != 98 {
			t.Errorf("stock %d, want 98", w.stock(t, p))
		}
	})

	t.Run("a card payment that cannot start gives the stock back at once and frees the key", func(t *testing.T) {
		w := newWorld(t, open)
		p := w.product(t, w.lan, "Hoa súng", 25000, 100)
		q := w.product(t, w.minh, "Xoài cát", 40000, 50)
		w.cards.mu.Lock()
		w.cards.down = true
		w.cards.mu.Unlock()
		card := request("card-down-key-01", orders.Card, item(p, 2), item(q, 1))
		_, created, err := w.svc.Checkout(ctx, w.buyer, card)
		wantCode(t, err, market.Unavailable)
		if created || w.stock(t, p) != 100 || w.stock(t, q) != 50 {
			t.Fatalf("after the failed card checkout: created %v, stock %d and %d, want 100 and 50", created, w.stock(t, p), w.stock(t, q))
		}
		page, err := w.svc.List(ctx, w.buyer, orders.ListRequest{})
		if err != nil || len(page.Orders) != 2 {
			t.Fatalf("the buyer's orders: %v %v", page.Orders, err)
		}
		for _, o := range page.Orders {
			o, err := w.svc.Order(ctx, w.buyer, o.ID, "")
			if err != nil || len(o.History) == 0 {
				t.Fatalf("order %s: %+v %v", o.ID, o.History, err)
			}
			last := o.History[len(o.History)-1]
			if o.Status != orders.Cancelled || last.Party != orders.PartySystem || last.Note == "" {
				t.Errorf("order %s: %s by %s (%q), want cancelled by the system with a reason", o.Code, o.Status, last.Party, last.Note)
			}
		}
		// The retry under the same key with another method works, and the
		// expiry job finds nothing more to give back.
		c, created, err := w.svc.Checkout(ctx, w.buyer, request("card-down-key-01", orders.COD, item(p, 2), item(q, 1)))
		if err != nil || !created || c.Status() != orders.Placed {
			t.Fatalf("retry as COD: %v %v %v", c.Status(), created, err)
		}
		w.clock.Advance(2 * time.Hour)
		if n, err := w.svc.ExpireUnpaid(ctx); err != nil || n != 0 || w.stock(t, p) != 98 || w.stock(t, q) != 49 {
			t.Errorf("expiry: %d %v, stock %d and %d, want 98 and 49", n, err, w.stock(t, p), w.stock(t, q))
		}
		// Card again, the provider back: a new checkout too.
		w.cards.mu.Lock()
		w.cards.down = false
		w.cards.mu.Unlock()
		c2, created, err := w.svc.Checkout(ctx, w.buyer, request("card-down-key-02", orders.Card, item(p, 1)))
		if err != nil || !created || c2.Payment.IntentID == "" {
			t.Errorf("card checkout after recovery: %+v %v", c2.Payment, err)
		}
	})

	t.Run("a cancel raced twice returns the stock once", func(t *testing.T) {
		w := newWorld(t, open)
		p := w.product(t, w.lan, "Hoa súng", 25000, 20)
		c := mustCheckout(t, w, w.buyer, request("cancel-key-01", orders.COD, item(p, 5)))
		var wg sync.WaitGroup
		errs := make([]error, 6)
		for i := range errs {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				actor, note := w.buyer, ""
				if i%2 == 1 {
					actor, note = w.owner, "hết hàng đợt này"
				}
				_, errs[i] = w.svc.Transition(ctx, actor, c.Orders[0].ID, "", orders.Move{To: orders.Cancelled, Note: note})
			}(i)
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if !market.IsCode(err, market.Conflict) {
				t.Errorf("cancel: %v", err)
			}
		}
		if ok != 1 || w.stock(t, p) != 20 {
			t.Errorf("%d cancels succeeded, stock %d; want 1 and 20", ok, w.stock(t, p))
		}
		if st := w.b.Product(t, p); st.Sold != 0 {
			t.Errorf("sold %d after cancel, want 0", st.Sold)
		}
	})

	t.Run("unpaid checkouts expire and give their stock back", func(t *testing.T) {
		w := newWorld(t, open)
		p := w.product(t, w.lan, "Hoa súng", 25000, 20)
		card := mustCheckout(t, w, w.buyer, request("expire-key-01", orders.Card, item(p, 4)))
		bank := mustCheckout(t, w, w.buyer, request("expire-key-02", orders.BankTransfer, item(p, 6)))
		cod := mustCheckout(t, w, w.buyer, request("expire-key-03", orders.COD, item(p, 1)))
		if card.Payment.IntentID == "" || card.Status() != orders.PendingPayment || bank.Payment.QRPayload == "" {
			t.Fatalf("card %+v bank %+v", card.Payment, bank.Payment)
		}
		w.clock.Advance(29 * time.Minute)
		if n, err := w.svc.ExpireUnpaid(ctx); err != nil || n != 0 {
			t.Fatalf("expired %d early (%v)", n, err)
		}
		if w.stock(t, p) != 9 {
			t.Fatalf("stock %d, want 9 held", w.stock(t, p))
		}
		w.clock.Advance(2 * time.Minute)
		if n, err := w.svc.ExpireUnpaid(ctx); err != nil || n != 2 {
			t.Fatalf("expired %d (%v), want 2", n, err)
		}
		if w.stock(t, p) != 19 {
			t.Errorf("stock %d, want 19", w.stock(t, p))
		}
		for _, id := range []string{card.Orders[0].ID, bank.Orders[0].ID} {
			o, _ := w.b.Store.Order(ctx, id)
			if o.Status != orders.Cancelled || o.CancelledAt.IsZero() || !o.StockReturned {
				t.Errorf("expired order = %+v", o)
			}
		}
		if o, _ := w.b.Store.Order(ctx, cod.Orders[0].ID); o.Status != orders.Placed {
			t.Errorf("COD order %s, want placed", o.Status)
		}
		if n, _ := w.svc.ExpireUnpaid(ctx); n != 0 || w.stock(t, p) != 19 {
			t.Errorf("second run expired %d, stock %d", n, w.stock(t, p))
		}
		// The transfer comes in after all: recorded, and flagged for a refund.
		desc := "chuyen tien " + bank.Payment.Reference
		out, err := w.svc.ApplyEvent(ctx, orders.PaymentEvent{Provider: "bank", ID: "late-1", Kind: orders.EventSucceeded, Description: desc, Amount: bank.Total})
		if err != nil || out != orders.OutcomeFlagged {
			t.Fatalf("late transfer: %s, %v", out, err)
		}
		if got, _ := w.b.Store.Checkout(ctx, bank.ID); got.Payment.Flag == "" || got.Orders[0].Status != orders.Cancelled {
			t.Errorf("late transfer not flagged: %+v", got.Payment)
		}
		if w.stock(t, p) != 19 {
			t.Errorf("a late transfer took stock again: %d", w.stock(t, p))
		}
	})

	t.Run("bank transfer pays the seller, or the platform for several sellers", func(t *testing.T) {
		w := newWorld(t, open)
		lanP := w.product(t, w.lan, "Hoa súng", 25000, 100)
		minhP := w.product(t, w.minh, "Xoài", 60000, 100)
		one := mustCheckout(t, w, w.buyer, request("bank-key-001", orders.BankTransfer, item(lanP, 2)))
		if one.Payment.Account != w.lan.Bank || one.Payment.Status != orders.AwaitingTransfer || len(one.Payment.Reference) != 12 {
			t.Errorf("single seller pays %+v", one.Payment)
		}
		two := mustCheckout(t, w, w.buyer, request("bank-key-002", orders.BankTransfer, item(lanP, 1), item(minhP, 1)))
		if two.Payment.Account.Number != "1234567890" {
			t.Errorf("two sellers pay %+v, want the platform", two.Payment.Account)
		}
		noBank := orders.NewService(w.b.Store, orders.Options{Clock: w.clock})
		_, _, err := noBank.Checkout(ctx, w.buyer, request("bank-key-003", orders.BankTransfer, item(minhP, 1)))
		wantCode(t, err, market.Invalid)
		if w.stock(t, minhP) != 99 {
			t.Errorf("refused transfer moved stock: %d", w.stock(t, minhP))
		}
		// The seller sees the money arrive in their own account and marks it.
		if _, err := w.svc.MarkPaid(ctx, w.helper, one.Orders[0].ID); !market.IsCode(err, market.Forbidden) {
			t.Errorf("helper marked paid: %v", err)
		}
		o, err := w.svc.MarkPaid(ctx, w.owner, one.Orders[0].ID)
		if err != nil || o.Status != orders.Placed || o.PaymentStatus != orders.Paid || o.PaidAt.IsZero() || o.PlacedAt.IsZero() {
			t.Fatalf("marked paid: %+v, %v", o, err)
		}
		// The platform's money is confirmed by the platform.
		if _, err := w.svc.MarkPaid(ctx, w.owner, two.Orders[0].ID); !market.IsCode(err, market.Forbidden) {
			t.Errorf("seller marked a platform transfer: %v", err)
		}
	})

	t.Run("bank notification matches reference and amount", func(t *testing.T) {
		w := newWorld(t, open)
		p := w.product(t, w.lan, "Hoa súng", 25000, 100)
		c := mustCheckout(t, w, w.buyer, request("banknote-key-1", orders.BankTransfer, item(p, 2)))
		desc := "MBVCB.123 " + c.Payment.Reference[:4] + " " + c.Payment.Reference[4:] + " chuyen tien"
		out, err := w.svc.ApplyEvent(ctx, orders.PaymentEvent{Provider: "bank", ID: "txn-1", Kind: orders.EventSucceeded, Description: desc, Amount: c.Total - 1000})
		if err != nil || out != orders.OutcomeFlagged {
			t.Fatalf("wrong amount: %s, %v", out, err)
		}
		got, _ := w.b.Store.Checkout(ctx, c.ID)
		if got.Payment.Flag == "" || got.Orders[0].Status != orders.PendingPayment {
			t.Errorf("after wrong amount: flag %q status %s", got.Payment.Flag, got.Orders[0].Status)
		}
		out, err = w.svc.ApplyEvent(ctx, orders.PaymentEvent{Provider: "bank", ID: "txn-2", Kind: orders.EventSucceeded, Description: desc, Amount: c.Total})
		if err != nil || out != orders.OutcomeApplied {
			t.Fatalf("right amount: %s, %v", out, err)
		}
		if got, _ := w.b.Store.Checkout(ctx, c.ID); got.Payment.Status != orders.Paid || got.Orders[0].Status != orders.Placed {
			t.Errorf("after payment: %s / %s", got.Payment.Status, got.Orders[0].Status)
		}
		out, _ = w.svc.ApplyEvent(ctx, orders.PaymentEvent{Provider: "bank", ID: "txn-3", Kind: orders.EventSucceeded, Description: "no reference", Amount: 1})
		if out != orders.OutcomeUnmatched {
			t.Errorf("unmatched transfer: %s", out)
		}
	})

	t.Run("card events: duplicate, failed then succeeded, late payment refunded", func(t *testing.T) {
		w := newWorld(t, open)
		p := w.product(t, w.lan, "Hoa súng", 25000, 100)
		c := mustCheckout(t, w, w.buyer, request("card-key-0001", orders.Card, item(p, 2)))
		failed := orders.PaymentEvent{Provider: "stripe", ID: "evt_1", Kind: orders.EventFailed, IntentID: c.Payment.IntentID, CheckoutID: c.ID, Amount: c.Total}
		if out, err := w.svc.ApplyEvent(ctx, failed); err != nil || out != orders.OutcomeApplied {
			t.Fatalf("failed: %s %v", out, err)
		}
		got, _ := w.b.Store.Checkout(ctx, c.ID)
		if got.Payment.Status != orders.Failed || got.Orders[0].Status != orders.PendingPayment {
			t.Errorf("after failure %s / %s, want failed / pending_payment", got.Payment.Status, got.Orders[0].Status)
		}
		ok := orders.PaymentEvent{Provider: "stripe", ID: "evt_2", Kind: orders.EventSucceeded, IntentID: c.Payment.IntentID, CheckoutID: c.ID, Amount: c.Total}
		for i, want := range []orders.Outcome{orders.OutcomeApplied, orders.OutcomeDuplicate, orders.OutcomeDuplicate} {
			if out, err := w.svc.ApplyEvent(ctx, ok); err != nil || out != want {
				t.Fatalf("succeeded #%d: %s %v, want %s", i+1, out, err, want)
			}
		}
		got, _ = w.b.Store.Checkout(ctx, c.ID)
		o := got.Orders[0]
		if got.Payment.Status != orders.Paid || o.Status != orders.Placed || len(o.History) != 2 {
			t.Errorf("after success %s / %s, history %+v", got.Payment.Status, o.Status, o.History)
		}
		// A failure reported late does not undo the payment.
		late := failed
		late.ID = "evt_3"
		_, _ = w.svc.ApplyEvent(ctx, late)
		if got, _ := w.b.Store.Checkout(ctx, c.ID); got.Payment.Status != orders.Paid {
			t.Errorf("late failure turned payment to %s", got.Payment.Status)
		}
		// The buyer cancels before confirmation: the card is refunded.
		o, err := w.svc.Transition(ctx, w.buyer, o.ID, "", orders.Move{To: orders.Cancelled})
		if err != nil || o.Status != orders.Refunded || o.PaymentStatus != orders.PaymentRefunded || w.cards.refunds["refund-"+o.ID] != c.Total {
			t.Errorf("cancel paid card order: %s/%s refunds %v, %v", o.Status, o.PaymentStatus, w.cards.refunds, err)
		}
		if w.stock(t, p) != 100 {
			t.Errorf("stock %d, want 100", w.stock(t, p))
		}

		// Paid after the hold ran out: the money goes back.
		c2 := mustCheckout(t, w, w.buyer, request("card-key-0002", orders.Card, item(p, 1)))
		w.clock.Advance(31 * time.Minute)
		if _, err := w.svc.ExpireUnpaid(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.ApplyEvent(ctx, orders.PaymentEvent{Provider: "stripe", ID: "evt_4", Kind: orders.EventSucceeded,
			IntentID: c2.Payment.IntentID, CheckoutID: c2.ID, Amount: c2.Total}); err != nil {
			t.Fatal(err)
		}
		o2, _ := w.b.Store.Order(ctx, c2.Orders[0].ID)
		if o2.Status != orders.Refunded || w.cards.refunds["refund-"+o2.ID] != c2.Total {
			t.Errorf("late payment: %s, refunds %v", o2.Status, w.cards.refunds)
		}
	})

	t.Run("an event found by intent before the intent was saved still applies", func(t *testing.T) {
		w := newWorld(t, open)
		p := w.product(t, w.lan, "Hoa súng", 25000, 100)
		c := mustCheckout(t, w, w.buyer, request("early-key-0001", orders.Card, item(p, 1)))
		// The webhook raced ahead: it carries the checkout id in metadata.
		if out, err := w.svc.ApplyEvent(ctx, orders.PaymentEvent{Provider: "stripe", ID: "evt_early", Kind: orders.EventSucceeded,
			IntentID: "pi_other", CheckoutID: c.ID, Amount: c.Total}); err != nil || out != orders.OutcomeApplied {
			t.Fatalf("%s %v", out, err)
		}
		// Saving the intent afterwards does not undo the payment.
		if err := w.b.Store.SetIntent(ctx, c.ID, c.Payment.IntentID, c.Payment.ClientSecret); err != nil {
			t.Fatal(err)
		}
		got, _ := w.b.Store.Checkout(ctx, c.ID)
		if got.Payment.Status != orders.Paid || got.Orders[0].Status != orders.Placed {
			t.Errorf("%s / %s", got.Payment.Status, got.Orders[0].Status)
		}
		replay, created, err := w.svc.Checkout(ctx, w.buyer, request("early-key-0001", orders.Card, item(p, 1)))
		if err != nil || created || replay.Payment.Status != orders.Paid {
			t.Errorf("replay after payment: %+v %v %v", replay.Payment, created, err)
		}
	})

	t.Run("the state machine through the service", func(t *testing.T) {
		w := newWorld(t, open)
		p := w.product(t, w.lan, "Hoa súng", 25000, 100)
		c := mustCheckout(t, w, w.buyer, request("flow-key-0001", orders.COD, item(p, 2)))
		id := c.Orders[0].ID
		stranger := market.Actor{AccountID: market.NewID()}
		steps := []struct {
			who  market.Actor
			move orders.Move
			want market.Code
		}{
			{stranger, orders.Move{To: orders.Confirmed}, market.NotFound},
			{w.buyer, orders.Move{To: orders.Confirmed}, market.Forbidden},
			{w.owner, orders.Move{To: orders.Shipped, TrackingNumber: "GHN1"}, market.Conflict},
			{w.helper, orders.Move{To: orders.Confirmed}, ""},
			{w.buyer, orders.Move{To: orders.Cancelled}, market.Forbidden},
			{w.helper, orders.Move{To: orders.Shipped}, market.Invalid},
			{w.helper, orders.Move{To: orders.Shipped, TrackingNumber: "GHN123456"}, ""},
			{w.owner, orders.Move{To: orders.Cancelled, Note: "hết hàng"}, market.Conflict},
			{w.owner, orders.Move{To: orders.Delivered}, ""},
			{w.owner, orders.Move{To: orders.Completed}, market.Forbidden},
			{w.buyer, orders.Move{To: orders.Completed}, ""},
		}
		for i, s := range steps {
			_, err := w.svc.Transition(ctx, s.who, id, "", s.move)
			if market.ErrorCode(err) != s.want {
				t.Fatalf("step %d (%s): %v, want %q", i, s.move.To, err, s.want)
			}
		}
		o, _ := w.svc.Order(ctx, w.admin, id, "")
		if o.TrackingNumber != "GHN123456" || o.ConfirmedAt.IsZero() || o.ShippedAt.IsZero() || o.DeliveredAt.IsZero() || o.CompletedAt.IsZero() {
			t.Errorf("order = %+v", o)
		}
		var path []orders.Status
		for _, h := range o.History {
			path = append(path, h.To)
		}
		if fmt.Sprint(path) != "[placed confirmed shipped delivered completed]" || o.History[1].By != w.helper.AccountID || o.History[1].Party != orders.PartyHelper {
			t.Errorf("history = %+v", o.History)
		}
		if o.PaymentStatus != orders.OnDelivery {
			t.Errorf("payment %s", o.PaymentStatus)
		}
		if o, err := w.svc.MarkPaid(ctx, w.owner, id); err != nil || o.PaymentStatus != orders.Paid {
			t.Errorf("cash collected: %v %v", o.PaymentStatus, err)
		}
		// A seller cancelling must say why.
		c2 := mustCheckout(t, w, w.buyer, request("flow-key-0002", orders.COD, item(p, 1)))
		_, err := w.svc.Transition(ctx, w.owner, c2.Orders[0].ID, "", orders.Move{To: orders.Cancelled})
		wantCode(t, err, market.Invalid)
		o, err = w.svc.Transition(ctx, w.owner, c2.Orders[0].ID, "", orders.Move{To: orders.Cancelled, Note: "Mưa lớn, chưa thu hoạch được"})
		if err != nil || o.CancelReason != "Mưa lớn, chưa thu hoạch được" {
			t.Errorf("seller cancel: %+v %v", o, err)
		}
	})

	t.Run("guests check out, look up and cancel with their phone", func(t *testing.T) {
		w := newWorld(t, open)
		p := w.product(t, w.lan, "Hoa súng", 25000, 100)
		guest := market.Actor{}
		c := mustCheckout(t, w, guest, request("guest-key-0001", orders.COD, item(p, 1)))
		o := c.Orders[0]
		if o.Buyer.AccountID != "" || o.Buyer.Phone != "+84912345678" || o.BuyerKey[:2] != "g:" || len(o.BuyerKey) != 34 {
			t.Errorf("guest order buyer %+v key %q", o.Buyer, o.BuyerKey)
		}
		lower := fmt.Sprintf(" %s ", o.Code)
		got, err := w.svc.Lookup(ctx, lower, "0912 345 678")
		if err != nil || got.ID != o.ID {
			t.Errorf("lookup: %v", err)
		}
		if _, err := w.svc.Lookup(ctx, o.Code, "0987654321"); !market.IsCode(err, market.NotFound) {
			t.Errorf("lookup with another phone: %v", err)
		}
		var e *market.Error
		if _, err := w.svc.Lookup(ctx, o.Code, " "); !errors.As(err, &e) || e.Code != market.Invalid || !strings.Contains(e.Fields["phone"].EN, "Please give the phone") {
			t.Errorf("lookup without a phone: %v", err)
		}
		if _, err := w.svc.GetCheckout(ctx, guest, c.ID, "0912345678"); err != nil {
			t.Errorf("guest checkout: %v", err)
		}
		if _, err := w.svc.GetCheckout(ctx, guest, c.ID, ""); !market.IsCode(err, market.NotFound) {
			t.Errorf("checkout without phone: %v", err)
		}
		if _, err := w.svc.Transition(ctx, guest, o.ID, "0912345678", orders.Move{To: orders.Cancelled}); err != nil {
			t.Errorf("guest cancel: %v", err)
		}
		if w.stock(t, p) != 100 {
			t.Errorf("stock %d", w.stock(t, p))
		}
	})

	t.Run("inbox and own orders page newest first with status filters", func(t *testing.T) {
		w := newWorld(t, open)
		p := w.product(t, w.lan, "Hoa súng", 25000, 1000)
		var ids []string
		for i := 0; i < 7; i++ {
			c := mustCheckout(t, w, w.buyer, request(fmt.Sprintf("page-key-%04d", i), orders.COD, item(p, 1)))
			ids = append(ids, c.Orders[0].ID)
			if i < 5 {
				w.clock.Advance(time.Minute) // two share a millisecond: the id breaks the tie
			}
		}
		if _, err := w.svc.Transition(ctx, w.owner, ids[2], "", orders.Move{To: orders.Confirmed}); err != nil {
			t.Fatal(err)
		}
		var seen []string
		cursor := ""
		for {
			page, err := w.svc.List(ctx, w.owner, orders.ListRequest{SellerID: w.lan.ID, Limit: 3, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range page.Orders {
				seen = append(seen, o.ID)
			}
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
		}
		if len(seen) != 7 || seen[len(seen)-1] != ids[0] || !contains(seen[:2], ids[6]) || !contains(seen[:2], ids[5]) {
			t.Errorf("pages = %v, ids = %v", seen, ids)
		}
		page, err := w.svc.List(ctx, w.helper, orders.ListRequest{SellerID: w.lan.ID, Statuses: []orders.Status{orders.Confirmed}})
		if err != nil || len(page.Orders) != 1 || page.Orders[0].ID != ids[2] {
			t.Errorf("confirmed filter: %v %v", page.Orders, err)
		}
		if _, err := w.svc.List(ctx, w.buyer, orders.ListRequest{SellerID: w.lan.ID}); !market.IsCode(err, market.Forbidden) {
			t.Errorf("buyer listing a seller's inbox: %v", err)
		}
		mine, err := w.svc.List(ctx, w.buyer, orders.ListRequest{Limit: 100})
		if err != nil || len(mine.Orders) != 7 {
			t.Errorf("own orders: %d %v", len(mine.Orders), err)
		}
		other, _ := w.svc.List(ctx, w.owner, orders.ListRequest{})
		if len(other.Orders) != 0 {
			t.Errorf("seller's own purchases: %d", len(other.Orders))
		}
		if _, err := w.svc.List(ctx, w.owner, orders.ListRequest{SellerID: w.lan.ID, Cursor: "%%%"}); !market.IsCode(err, market.Invalid) {
			t.Errorf("bad cursor: %v", err)
		}
	})
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
