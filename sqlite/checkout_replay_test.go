package sqlite_test

import (
	"context"
	"testing"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/orders"
	"github.com/ocopmarket/market/orders/orderstest"
	"github.com/ocopmarket/market/sqlite"
)

// shipsTo is a region tree whose deliverable regions a test changes.
type shipsTo map[string]bool

func (s shipsTo) Deliverable(id string) bool { return s[id] }

// TestReplayOutlivesItsRegion: a checkout retried under its key answers
// with the checkout placed (the API's promise for retries), even when its
// region is no longer one goods ship to; a new checkout there is refused
// and changes nothing.
func TestReplayOutlivesItsRegion(t *testing.T) {
	ctx := context.Background()
	db, path := openAt(t, sqlite.Options{})
	f := fixturesFor(t, path)
	s := orderstest.Seller{ID: market.NewID(), OwnerAccountID: market.NewID(), Name: "HTX Sen", RegionID: "can-tho.ninh-kieu"}
	f.AddSeller(t, s)
	p := orderstest.Product{ID: market.NewID(), SellerID: s.ID, Name: "Hoa súng", Unit: "bó", Price: 25000, Stock: 10}
	f.AddProduct(t, p)

	tree := shipsTo{"ha-noi.x": true}
	svc := orders.NewService(db.Orders(), orders.Options{Regions: tree})
	req := func(key string) orders.CheckoutRequest {
		return orders.CheckoutRequest{IdempotencyKey: key, Items: []orders.Item{{ProductID: p.ID, Qty: 2}},
			Buyer: orders.Buyer{Name: "Trần Văn An"}, Phone: "0912345678",
			Shipping: orders.Shipping{Address: "1 Hàng Bạc", RegionID: "ha-noi.x"}, Method: orders.COD}
	}
	first, created, err := svc.Checkout(ctx, market.Actor{}, req("replay-region-1"))
	if err != nil || !created {
		t.Fatalf("checkout: %v (created %v)", err, created)
	}
	delete(tree, "ha-noi.x") // the province's communes were loaded, without x
	again, created, err := svc.Checkout(ctx, market.Actor{}, req("replay-region-1"))
	if err != nil || created || again.ID != first.ID {
		t.Fatalf("replay: %v (created %v, id %s, want %s)", err, created, again.ID, first.ID)
	}
	if _, _, err := svc.Checkout(ctx, market.Actor{}, req("replay-region-2")); !market.IsCode(err, market.Invalid) {
		t.Fatalf("a new checkout to the region: %v, want invalid", err)
	}
	if st := f.Product(t, p.ID); st.Stock != 8 {
		t.Errorf("stock %d, want 8: the refused checkout took some", st.Stock)
	}
}
