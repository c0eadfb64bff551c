package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/orders"
	"github.com/ocopmarket/market/orders/orderstest"
	"github.com/ocopmarket/market/sqlite"
)

// BenchmarkCheckout measures single-line COD checkouts per second with 64
// concurrent buyers over 100 products, and checks that nothing is oversold.
func BenchmarkCheckout(b *testing.B) {
	for _, sync := range []string{"NORMAL", "FULL"} {
		b.Run("synchronous="+sync, func(b *testing.B) {
			ctx := context.Background()
			path := filepath.Join(b.TempDir(), "ocop.db")
			db, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: sync})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			f := fixturesFor(b, path)
			seller := orderstest.Seller{ID: market.NewID(), OwnerAccountID: market.NewID(), Name: "HTX", RegionID: "can-tho", ShippingFee: 20000}
			f.AddSeller(b, seller)
			const products = 100
			stock := b.N/products + 2
			ids := make([]string, products)
			for i := range ids {
				ids[i] = market.NewID()
				f.AddProduct(b, orderstest.Product{ID: ids[i], SellerID: seller.ID, Name: fmt.Sprintf("Sản phẩm %d", i), Unit: "kg", Price: 50000, Stock: stock})
			}
			svc := orders.NewService(db.Orders(), orders.Options{})
			var n, placed, short atomic.Int64
			b.SetParallelism(max(1, 64/max(1, testingProcs())))
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				buyer := market.Actor{AccountID: market.NewID()}
				for pb.Next() {
					i := n.Add(1)
					_, _, err := svc.Checkout(ctx, buyer, orders.CheckoutRequest{
						IdempotencyKey: fmt.Sprintf("bench-key-%08d", i),
						Items:          []orders.Item{{ProductID: ids[int(i)%products], Qty: 1}},
						Buyer:          orders.Buyer{Name: "Người mua"}, Phone: "0912345678",
						Shipping: orders.Shipping{Address: "1 Lê Lợi", RegionID: "ho-chi-minh"}, Method: orders.COD})
					switch {
					case err == nil:
						placed.Add(1)
					case market.IsCode(err, market.InsufficientStock):
						short.Add(1)
					default:
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(placed.Load())/b.Elapsed().Seconds(), "checkouts/s")
			sold := 0
			for _, id := range ids {
				st := f.Product(b, id) // fails on negative stock
				if st.Stock+st.Sold != stock {
					b.Fatalf("product %s: stock %d + sold %d != %d", id, st.Stock, st.Sold, stock)
				}
				sold += st.Sold
			}
			if int64(sold) != placed.Load() {
				b.Fatalf("sold %d units for %d orders", sold, placed.Load())
			}
		})
	}
}
