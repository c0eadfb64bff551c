package sqlite_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/orders"
	"github.com/ocopmarket/market/orders/orderstest"
	"github.com/ocopmarket/market/sqlite"
)

// TestCheckoutStatementsCompiledOnce places checkouts from a few buyers at
// once, from sellers in several communes and provinces (so that the uptake
// rollups read each buyer's nearest orders per region), some of them short
// of stock: every checkout statement is compiled once and never again
// (a statement SQLite recompiles on every run, as a bound LIMIT made it,
// costs as much as no cache), the statement inserting orders served every
// order, the short checkouts changed nothing, and the rollups the batches
// wrote (summed over each batch) are exactly those rebuilt from the orders.
func TestCheckoutStatementsCompiledOnce(t *testing.T) {
	ctx := context.Background()
	db, path := openAt(t, sqlite.Options{})
	f := fixturesFor(t, path)
	regions := []string{"can-tho.ninh-kieu", "can-tho.cai-khe", "can-tho", "an-giang.tri-ton", "an-giang", "an-giang.chau-doc"}
	var products []string
	for i, r := range regions {
		s := orderstest.Seller{ID: market.NewID(), OwnerAccountID: market.NewID(), Name: fmt.Sprintf("HTX %d", i), RegionID: r, ShippingFee: 15000}
		f.AddSeller(t, s)
		p := orderstest.Product{ID: market.NewID(), SellerID: s.ID, Name: fmt.Sprintf("Sản phẩm %d", i), Unit: "kg", Price: 40000, Stock: 1000}
		f.AddProduct(t, p)
		products = append(products, p.ID)
	}
	scarce := orderstest.Product{ID: market.NewID(), SellerID: "", Name: "Hàng hiếm", Unit: "kg", Price: 90000, Stock: 5}
	{
		s := orderstest.Seller{ID: market.NewID(), OwnerAccountID: market.NewID(), Name: "HTX hiếm", RegionID: "can-tho.ninh-kieu"}
		f.AddSeller(t, s)
		scarce.SellerID = s.ID
		f.AddProduct(t, scarce)
	}

	svc := orders.NewService(db.Orders(), orders.Options{})
	const buyers, each = 4, 30
	var mu sync.Mutex
	placed, short := 0, 0
	var wg sync.WaitGroup
	for b := range buyers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buyer := market.Actor{AccountID: market.NewID()}
			for i := range each {
				items := []orders.Item{{ProductID: products[(b+i*(b+1))%len(products)], Qty: 1}}
				if i%3 == 0 {
					items = append(items, orders.Item{ProductID: scarce.ID, Qty: 1})
				}
				_, _, err := svc.Checkout(ctx, buyer, orders.CheckoutRequest{
					IdempotencyKey: fmt.Sprintf("checkout-key-%d-%d", b, i), Items: items,
					Buyer: orders.Buyer{Name: "Người mua"}, Phone: "0912345678",
					Shipping: orders.Shipping{Address: "1 Lê Lợi", RegionID: "ho-chi-minh"}, Method: orders.COD})
				mu.Lock()
				switch {
				case err == nil:
					placed++
				case market.IsCode(err, market.InsufficientStock):
					short++
				default:
					t.Error(err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if short == 0 || placed == 0 {
		t.Fatalf("%d placed, %d short: the test needs both", placed, short)
	}

	sold := 0
	for _, id := range append(products, scarce.ID) {
		st := f.Product(t, id)
		sold += st.Sold
		if st.Stock+st.Sold != map[bool]int{true: 5, false: 1000}[id == scarce.ID] {
			t.Errorf("product %s: stock %d + sold %d", id, st.Stock, st.Sold)
		}
	}
	var orderCount, lineCount int
	if err := f.raw.QueryRow(`SELECT (SELECT count(*) FROM orders), (SELECT coalesce(sum(qty), 0) FROM order_lines)`).Scan(&orderCount, &lineCount); err != nil {
		t.Fatal(err)
	}
	if lineCount != sold {
		t.Errorf("%d units in order lines, %d sold", lineCount, sold)
	}

	stats, err := sqlite.CommitterStatements(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var insertOrders, regionReads int
	for q, s := range stats {
		if s.Recompiles != 0 {
			t.Errorf("compiled again %d times in %d runs: %s", s.Recompiles, s.Runs, q)
		}
		if strings.HasPrefix(q, "INSERT INTO orders (") {
			insertOrders += s.Runs
		}
		if strings.Contains(q, "orders_uptake_buyer_region") {
			regionReads += s.Runs
		}
	}
	if insertOrders != orderCount {
		t.Errorf("the order insert ran %d times for %d orders", insertOrders, orderCount)
	}
	if regionReads == 0 {
		t.Error("no checkout read a buyer's nearest orders in one region: the test does not cover it")
	}
	if len(stats) > 40 {
		t.Errorf("%d compiled statements for one kind of checkout: is a query text built from values?", len(stats))
	}

	kept := rollupRows(t, f.raw)
	if err := db.RebuildUptake(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rollupRows(t, f.raw), kept); diff != "" {
		t.Errorf("rollups (-rebuilt +kept by the batches):\n%s", diff)
	}
}
