package mongodb

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocopmarket/market/uptake"
	"github.com/ocopmarket/market/uptake/uptaketest"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// TestUptakePipelines pins every aggregation pipeline, as MongoDB receives
// it, for a commune's scope and for the whole country.
func TestUptakePipelines(t *testing.T) {
	commune := uptake.Scope{
		Regions: []string{uptaketest.ThanhXuan},
		From:    uptaketest.At(2026, time.January, 1, 0, 0), To: uptaketest.At(2026, time.February, 1, 0, 0),
		AsOf: uptaketest.At(2026, time.February, 1, 0, 0),
	}
	country := commune
	country.Regions = nil
	var b strings.Builder
	add := func(name string, v any) {
		b.WriteString("## " + name + "\n" + extJSON(t, v) + "\n\n")
	}
	for _, sc := range []struct {
		name string
		s    uptake.Scope
	}{{"commune", commune}, {"country", country}} {
		add(sc.name+" orderFigures", orderFiguresPipeline(sc.s))
		add(sc.name+" buyers", buyersPipeline(sc.s))
		add(sc.name+" medianShip(3)", medianShipPipeline(sc.s, 3))
		add(sc.name+" activeSellers", activeSellersPipeline(sc.s))
		add(sc.name+" sellers", sellersPipeline(sc.s))
		add(sc.name+" products", productsPipeline(sc.s))
		add(sc.name+" coverage", coveragePipeline(sc.s))
		for _, m := range []uptake.Metric{uptake.MetricOrders, uptake.MetricGMV, uptake.MetricSellers, uptake.MetricProducts} {
			coll, daily, before, err := dailyPipeline(sc.s, m)
			if err != nil {
				t.Fatal(err)
			}
			add(sc.name+" daily "+string(m)+" on "+coll, daily)
			if before != nil {
				add(sc.name+" before "+string(m)+" on "+coll, before)
			}
		}
	}
	add("registryDocs", registryDocs(uptaketest.CanTho, []uptake.RegistryEntry{{Line: 2, CertificateNo: "ct-001 ", ProductName: "Hoa súng", Stars: 4, Holder: "Hộ Một"}},
		"acc-ct", uptaketest.At(2026, time.February, 1, 8, 0)))
	golden(t, "uptake_pipelines.golden", b.String())

	// The two-pipeline median reads the middle one of an odd count and the middle two of an even one.
	for n, want := range map[int64]string{1: `{"$skip":0}|{"$limit":1}`, 4: `{"$skip":1}|{"$limit":2}`} {
		p := medianShipPipeline(commune, n)
		if got := extJSON(t, p[3]) + "|" + extJSON(t, p[4]); got != want {
			t.Errorf("median of %d: %s, want %s", n, got, want)
		}
	}
	if _, _, _, err := dailyPipeline(commune, "visitors"); err == nil {
		t.Error("an unknown metric gave a pipeline")
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it after review):\n%s", name, got)
	}
}

func TestUptakeStoreContract(t *testing.T) {
	uptaketest.Run(t, func(t *testing.T) uptaketest.Fixture {
		db := openTestDB(t)
		return uptaketest.Fixture{Store: db.Uptake(), Seed: func(ctx context.Context, d uptaketest.Dataset) error { return seedUptake(ctx, db, d) }}
	})
}

// seedUptake writes the dataset as the sellers, catalog and orders stores
// would have stored it.
func seedUptake(ctx context.Context, db *DB, d uptaketest.Dataset) error {
	var sellers, products, orders []any
	regionOf := map[string]string{}
	for _, s := range d.Sellers {
		regionOf[s.ID] = s.RegionID
		sellers = append(sellers, sellerDoc{ID: s.ID, OwnerID: s.OwnerAccountID, Kind: s.Kind, Name: "Cửa hàng " + s.ID, RegionID: s.RegionID,
			Status: s.Status, VerifiedAt: s.VerifiedAt, FirstVerifiedAt: s.FirstVerified(), Version: 1, CreatedAt: s.CreatedAt, UpdatedAt: s.CreatedAt})
	}
	for _, p := range d.Products {
		products = append(products, productDoc{ID: p.ID, SellerID: p.SellerID, Name: "Sản phẩm " + p.ID, Unit: "kg", PriceVND: 10000, Stock: 5,
			RegionID: regionOf[p.SellerID], Status: p.Status, CreatedBy: p.CreatedBy, Assisted: p.Assisted, Version: 1,
			OCOP:      ocopDoc{Stars: p.OCOPStars, Number: p.OCOPNumber, Status: p.OCOPStatus, ExpiresAt: p.OCOPExpiresAt},
			CreatedAt: p.CreatedAt, UpdatedAt: p.CreatedAt})
	}
	for _, o := range d.Orders {
		orders = append(orders, orderDoc{ID: o.ID, Code: "UT-" + o.ID, CheckoutID: "c-" + o.ID, SellerID: o.SellerID, SellerRegionID: o.SellerRegionID,
			BuyerKey: o.BuyerKey, Buyer: buyerDoc{Name: o.BuyerName, Phone: o.BuyerPhone}, Shipping: shippingDoc{Address: o.Address, RegionID: o.ShippingRegionID},
			SubtotalVnd: int64(o.Total), TotalVnd: int64(o.Total), PaymentMethod: o.Method, PaymentStatus: o.PaymentStatus, Status: o.Status,
			CreatedAt: o.CreatedAt, UpdatedAt: o.CreatedAt, PlacedAt: o.PlacedAt, PaidAt: o.PaidAt, ShippedAt: o.ShippedAt, CancelledAt: o.CancelledAt})
	}
	for coll, docs := range map[string][]any{"sellers": sellers, "products": products, "orders": orders} {
		if _, err := db.db.Collection(coll).InsertMany(ctx, docs); err != nil {
			return err
		}
	}
	return nil
}

// Sellers written before firstVerifiedAt was kept get it from their last
// verification, once: the step matches only those still without it.
func TestBackfills(t *testing.T) {
	var b strings.Builder
	for _, s := range backfills() {
		b.WriteString(s.collection + " " + extJSON(t, s.filter) + " " + extJSON(t, s.update) + "\n")
	}
	want := `sellers {"firstVerifiedAt":{"$exists":false}} [{"$set":{"firstVerifiedAt":"$verifiedAt"}}]` + "\n"
	if b.String() != want {
		t.Errorf("backfills:\n%s\nwant\n%s", b.String(), want)
	}
}
