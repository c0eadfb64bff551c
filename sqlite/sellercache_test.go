package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/catalog/catalogtest"
	"github.com/ocopmarket/market/sellers"
	"github.com/ocopmarket/market/sellers/sellerstest"
	"github.com/ocopmarket/market/sqlite"
)

// TestProductPageSeesEverySellerChange reads a product page (the product
// with its seller, which product pages keep in memory) after changes to
// its seller made by another process on the same file: through the store,
// and through plain SQL that knows nothing of the cache. Every page shows
// the seller as it is now, and what a caller does to the seller it got
// never reaches the next page.
func TestProductPageSeesEverySellerChange(t *testing.T) {
	ctx := context.Background()
	server, path := openAt(t, sqlite.Options{})
	other, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	plain := plainSQL(t, path)
	owner, s, p := shopWithProduct(t, server)
	page := func() sellers.Seller {
		t.Helper()
		got, sel, err := server.Catalog().ProductWithSeller(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != p.ID || sel.ID != s.ID {
			t.Fatalf("page of %s shows product %s of seller %s", p.ID, got.ID, sel.ID)
		}
		return sel
	}
	if got := page(); got.Name != s.Name || len(got.Helpers) != 0 {
		t.Fatalf("first page: seller %q with %d helpers", got.Name, len(got.Helpers))
	}

	if _, err := plain.ExecContext(ctx, `UPDATE sellers SET name = 'HTX Sen Hồng Châu Thành A', version = version + 1 WHERE id = ?`, s.ID); err != nil {
		t.Fatal(err)
	}
	if got := page(); got.Name != "HTX Sen Hồng Châu Thành A" {
		t.Fatalf("after a rename in plain SQL the page shows %q", got.Name)
	}

	helper := sellers.Helper{AccountID: sellerstest.NewAccount(t, other.Accounts()), AddedBy: owner, AddedAt: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	if err := other.Sellers().AddHelper(ctx, s.ID, helper); err != nil {
		t.Fatal(err)
	}
	got := page()
	if len(got.Helpers) != 1 || got.Helpers[0].AccountID != helper.AccountID {
		t.Fatalf("after another process added a helper the page shows %+v", got.Helpers)
	}
	got.Helpers[0].AccountID = "changed by the caller"
	if again := page(); again.Helpers[0].AccountID != helper.AccountID {
		t.Fatalf("a caller's change to its copy reached the next page: %+v", again.Helpers)
	}
	if byID, err := server.Sellers().SellerByID(ctx, s.ID); err != nil || len(byID.Helpers) != 1 || byID.Name != "HTX Sen Hồng Châu Thành A" {
		t.Fatalf("SellerByID: %+v, %v", byID, err)
	}

	if err := other.Sellers().RemoveHelper(ctx, s.ID, helper.AccountID); err != nil {
		t.Fatal(err)
	}
	if got := page(); len(got.Helpers) != 0 {
		t.Fatalf("after another process removed the helper the page shows %+v", got.Helpers)
	}
	if _, err := plain.ExecContext(ctx, `UPDATE sellers SET status = 'suspended', version = version + 1 WHERE id = ?`, s.ID); err != nil {
		t.Fatal(err)
	}
	if got := page(); got.Status != sellers.StatusSuspended {
		t.Fatalf("after a suspension the page shows status %q", got.Status)
	}
	// Without the counter's row nothing is taken from memory.
	if _, err := plain.ExecContext(ctx, `DELETE FROM seller_epoch`); err != nil {
		t.Fatal(err)
	}
	page()
	if _, err := plain.ExecContext(ctx, `UPDATE sellers SET name = 'HTX Khóm Cầu Đúc', version = version + 1 WHERE id = ?`, s.ID); err != nil {
		t.Fatal(err)
	}
	if got := page(); got.Name != "HTX Khóm Cầu Đúc" {
		t.Fatalf("without the counter's row the page shows %q", got.Name)
	}
}

// TestProductPagesFollowSellerVersions reads product pages from several
// goroutines while another process renames their seller again and again:
// each reader sees the seller's versions in order, never an older one after
// a newer, and the name always belongs to the version.
func TestProductPagesFollowSellerVersions(t *testing.T) {
	ctx := context.Background()
	server, path := openAt(t, sqlite.Options{ReadConns: 2})
	plain := plainSQL(t, path)
	_, s, p := shopWithProduct(t, server)
	name := func(v int64) string { return fmt.Sprintf("HTX phiên bản %d", v) }
	if _, err := plain.ExecContext(ctx, `UPDATE sellers SET name = ? WHERE id = ?`, name(s.Version), s.ID); err != nil {
		t.Fatal(err)
	}

	stop := make(chan struct{})
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := int64(-1)
			for {
				select {
				case <-stop:
					return
				default:
				}
				_, sel, err := server.Catalog().ProductWithSeller(ctx, p.ID)
				if err != nil {
					errs <- err
					return
				}
				if sel.Version < last || sel.Name != name(sel.Version) {
					errs <- fmt.Errorf("read version %d named %q after version %d", sel.Version, sel.Name, last)
					return
				}
				last = sel.Version
			}
		}()
	}
	for v := s.Version + 1; v <= s.Version+60; v++ {
		if _, err := plain.ExecContext(ctx, `UPDATE sellers SET name = ?, version = ? WHERE id = ?`, name(v), v, s.ID); err != nil {
			t.Fatal(err)
		}
	}
	_, sel, err := server.Catalog().ProductWithSeller(ctx, p.ID)
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err != nil || sel.Version != s.Version+60 {
		t.Fatalf("after the last rename the page shows version %d (%v), want %d", sel.Version, err, s.Version+60)
	}
}

// plainSQL opens the database file as any other program would, knowing
// nothing of this package.
func plainSQL(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// shopWithProduct creates a seller, its owner and one product.
func shopWithProduct(t *testing.T, db *sqlite.DB) (owner string, s sellers.Seller, p catalog.Product) {
	t.Helper()
	ctx := context.Background()
	owner = sellerstest.NewAccount(t, db.Accounts())
	s = sellerstest.NewSeller(owner, "can-tho.thanh-xuan")
	if err := db.Sellers().CreateSeller(ctx, s); err != nil {
		t.Fatal(err)
	}
	p = catalogtest.NewProduct(s.ID, owner)
	if err := db.Catalog().CreateProduct(ctx, p); err != nil {
		t.Fatal(err)
	}
	return owner, s, p
}
