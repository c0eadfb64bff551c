package sqlite_test

import (
	"context"
	"database/sql"
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
	w := newPageWriters(t)
	server, other, plain, owner, s := w.server, w.other, w.plain, w.owner, w.seller
	page := func() sellers.Seller { t.Helper(); _, sel := w.page(t); return sel }
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

// pageWriters is a shop with one product on the server's database, the
// writers that change it behind the server's back (another process's
// store, and plain SQL that knows nothing of this package), and the
// product page as the server reads it.
type pageWriters struct {
	server, other *sqlite.DB
	plain         *sql.DB
	owner         string
	seller        sellers.Seller
	product       catalog.Product
}

func newPageWriters(t *testing.T) pageWriters {
	t.Helper()
	server, path := openAt(t, sqlite.Options{})
	other, err := sqlite.Open(context.Background(), path, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	w := pageWriters{server: server, other: other, plain: plainSQL(t, path)}
	w.owner, w.seller, w.product = shopWithProduct(t, server)
	return w
}

// page reads the product page, and fails unless it shows the product and
// its seller.
func (w pageWriters) page(t *testing.T) (catalog.Product, sellers.Seller) {
	t.Helper()
	got, sel, err := w.server.Catalog().ProductWithSeller(context.Background(), w.product.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != w.product.ID || sel.ID != w.seller.ID {
		t.Fatalf("page of %s shows product %s of seller %s", w.product.ID, got.ID, sel.ID)
	}
	return got, sel
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
