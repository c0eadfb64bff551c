package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/catalog/catalogtest"
	"github.com/ocopmarket/market/sellers"
	"github.com/ocopmarket/market/sellers/sellerstest"
	"github.com/ocopmarket/market/sqlite"
)

// TestProductPageReadsUnderConcurrentWrites reads a product and its seller
// from more goroutines than there are read connections while the product
// is edited: every read is a whole, stored version of the product (never a
// mix, never an error), a read after a write sees it, and a closed
// database answers with an error instead of crashing.
func TestProductPageReadsUnderConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "ocop.db"), sqlite.Options{Synchronous: "NORMAL", ReadConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	owner := sellerstest.NewAccount(t, db.Accounts())
	s := sellerstest.NewSeller(owner, "can-tho.thanh-xuan")
	if err := db.Sellers().CreateSeller(ctx, s); err != nil {
		t.Fatal(err)
	}
	helper := sellers.Helper{AccountID: sellerstest.NewAccount(t, db.Accounts()), AddedBy: owner, AddedAt: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	if err := db.Sellers().AddHelper(ctx, s.ID, helper); err != nil {
		t.Fatal(err)
	}
	p := catalogtest.NewProduct(s.ID, owner)
	if err := db.Catalog().CreateProduct(ctx, p); err != nil {
		t.Fatal(err)
	}
	images := []catalog.Image{
		{ID: market.NewID(), DisplayKey: "d1", ThumbKey: "t1", Width: 1200, Height: 900, CreatedAt: p.CreatedAt},
		{ID: market.NewID(), DisplayKey: "d2", ThumbKey: "t2", Width: 800, Height: 800, CreatedAt: p.CreatedAt},
	}
	if err := db.Catalog().SetImages(ctx, p.ID, images, 1); err != nil {
		t.Fatal(err)
	}

	const edits = 30
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 16)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				got, err := db.Catalog().ProductByID(ctx, p.ID)
				if err != nil {
					errs <- err
					return
				}
				// Version v carries the name and stock written with it.
				if want := fmt.Sprintf("Hoa súng %d", got.Version); got.Version > 2 && got.Name != want {
					errs <- fmt.Errorf("version %d has name %q", got.Version, got.Name)
					return
				}
				if len(got.Images) != 2 || got.Images[0].DisplayKey != "d1" || got.Images[1].Width != 800 {
					errs <- fmt.Errorf("images %+v", got.Images)
					return
				}
				sel, err := db.Sellers().SellerByID(ctx, s.ID)
				if err != nil || len(sel.Helpers) != 1 || sel.Helpers[0].AccountID != helper.AccountID {
					errs <- fmt.Errorf("seller %+v: %v", sel.Helpers, err)
					return
				}
			}
		}()
	}
	cur, err := db.Catalog().ProductByID(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for range edits {
		next := cur
		next.Version++
		next.Name = fmt.Sprintf("Hoa súng %d", next.Version)
		next.Stock--
		if err := db.Catalog().UpdateProduct(ctx, next, cur.Version); err != nil {
			t.Fatal(err)
		}
		got, err := db.Catalog().ProductByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != next.Version || got.Name != next.Name || got.Stock != next.Stock {
			t.Fatalf("after the write: version %d %q stock %d, want %d %q %d", got.Version, got.Name, got.Stock, next.Version, next.Name, next.Stock)
		}
		cur = got
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	got, err := db.Catalog().ProductByID(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(images, got.Images); diff != "" {
		t.Errorf("images (-want +got):\n%s", diff)
	}
	if _, err := db.Catalog().ProductByID(ctx, "no-such-id"); !market.IsCode(err, market.NotFound) {
		t.Errorf("missing product: %v", err)
	}
	if _, err := db.Sellers().SellerByID(ctx, "no-such-id"); !market.IsCode(err, market.NotFound) {
		t.Errorf("missing seller: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := db.Catalog().ProductByID(cancelled, p.ID); err == nil {
		t.Error("a cancelled request read the product")
	}
	db.Close()
	if _, err := db.Catalog().ProductByID(ctx, p.ID); err == nil {
		t.Error("a closed database read the product")
	}
}

// TestProductAndPhotosFromOneSnapshot replaces a product's photos while
// it is read: every read returns the photos of the version it returns,
// never the photos of the next edit with the row of the last.
func TestProductAndPhotosFromOneSnapshot(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	_, _, p := shopWithProduct(t, db)
	// Version v holds v%3+1 photos.
	photos := func(version int64) []catalog.Image {
		var list []catalog.Image
		for i := range version%3 + 1 {
			list = append(list, catalog.Image{ID: market.NewID(), DisplayKey: fmt.Sprintf("d%d-%d", version, i), ThumbKey: "t", Width: 10, Height: 10, CreatedAt: p.CreatedAt})
		}
		return list
	}
	if err := db.Catalog().SetImages(ctx, p.ID, photos(2), 1); err != nil {
		t.Fatal(err)
	}
	whileReading(t, func(*int64) error {
		got, err := db.Catalog().ProductByID(ctx, p.ID)
		if err != nil {
			return err
		}
		if want := int(got.Version%3) + 1; len(got.Images) != want || got.Images[0].DisplayKey != fmt.Sprintf("d%d-0", got.Version) {
			return fmt.Errorf("version %d read with %d photos (%s), want %d of that version", got.Version, len(got.Images), got.Images[0].DisplayKey, want)
		}
		return nil
	}, func() {
		for v := int64(2); v < 40; v++ {
			if err := db.Catalog().SetImages(ctx, p.ID, photos(v+1), v); err != nil {
				t.Error(err)
				return
			}
		}
	})
}
