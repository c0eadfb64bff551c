package sqlite_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/orders"
	"github.com/ocopmarket/market/sqlite"
)

// TestProductPageSeesEveryProductChange reads a product page (served from
// memory once read) after each change to the product made in every way
// one can be made: a checkout in this process, the store of another
// process, and plain SQL that knows nothing of the cache. Each page shows
// the product as it is now.
func TestProductPageSeesEveryProductChange(t *testing.T) {
	ctx := context.Background()
	w := newPageWriters(t)
	server, other, plain, s, p := w.server, w.other, w.plain, w.seller, w.product
	page := func() catalog.Product { t.Helper(); got, _ := w.page(t); return got }
	first := page()
	if first.Price != p.Price || first.Stock != p.Stock {
		t.Fatalf("first page: %d₫, stock %d", first.Price, first.Stock)
	}
	// A caller's changes to what it got never reach the next page.
	first.Tiers[0].Price, first.Name = 1, "changed by the caller"
	if again := page(); again.Tiers[0].Price != p.Tiers[0].Price || again.Name != p.Name {
		t.Fatalf("a caller's change reached the next page: %q, tiers %+v", again.Name, again.Tiers)
	}

	// A checkout in this process, once the seller may sell.
	if _, err := plain.ExecContext(ctx, `UPDATE sellers SET status = 'verified' WHERE id = ?`, s.ID); err != nil {
		t.Fatal(err)
	}
	svc := orders.NewService(server.Orders(), orders.Options{Regions: shipsTo{"ha-noi.x": true}})
	_, created, err := svc.Checkout(ctx, market.Actor{}, orders.CheckoutRequest{IdempotencyKey: "page-cache-1",
		Items: []orders.Item{{ProductID: p.ID, Qty: 3}}, Buyer: orders.Buyer{Name: "Trần Văn An"}, Phone: "0912345678",
		Shipping: orders.Shipping{Address: "1 Hàng Bạc", RegionID: "ha-noi.x"}, Method: orders.COD})
	if err != nil || !created {
		t.Fatalf("checkout: %v (created %v)", err, created)
	}
	if got := page(); got.Stock != p.Stock-3 || got.Sold != 3 {
		t.Fatalf("after a checkout of 3 the page shows stock %d, sold %d", got.Stock, got.Sold)
	}

	// Another process, through the store.
	cur := page()
	cur.Price, cur.Description = 27000, "Hoa súng ruộng, giá mùa nước nổi."
	if err := other.Catalog().UpdateProduct(ctx, cur, cur.Version); err != nil {
		t.Fatal(err)
	}
	if got := page(); got.Price != 27000 || got.Description != cur.Description {
		t.Fatalf("after another process's update the page shows %d₫, %q", got.Price, got.Description)
	}
	img := catalog.Image{ID: market.NewID(), DisplayKey: "d/1.jpg", ThumbKey: "t/1.jpg", Width: 1600, Height: 1200,
		CreatedAt: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	cur = page()
	if err := other.Catalog().SetImages(ctx, p.ID, []catalog.Image{img}, cur.Version); err != nil {
		t.Fatal(err)
	}
	if got := page(); len(got.Images) != 1 || got.Images[0].ID != img.ID {
		t.Fatalf("after another process added a photo the page shows %+v", got.Images)
	}

	// Plain SQL.
	if _, err := plain.ExecContext(ctx, `UPDATE products SET stock = 5 WHERE id = ?`, p.ID); err != nil {
		t.Fatal(err)
	}
	if got := page(); got.Stock != 5 {
		t.Fatalf("after a stock change in plain SQL the page shows %d", got.Stock)
	}
	if _, err := plain.ExecContext(ctx, `UPDATE product_images SET width = 800 WHERE product_id = ?`, p.ID); err != nil {
		t.Fatal(err)
	}
	if got := page(); got.Images[0].Width != 800 {
		t.Fatalf("after a photo change in plain SQL the page shows width %d", got.Images[0].Width)
	}
	// The search syncer's mark alone changes nothing a page shows, and is
	// not logged; a later change still is.
	if _, err := plain.ExecContext(ctx, `UPDATE products SET search_dirty = 0 WHERE id = ?`, p.ID); err != nil {
		t.Fatal(err)
	}
	page()
	if _, err := plain.ExecContext(ctx, `UPDATE products SET status = 'paused' WHERE id = ?`, p.ID); err != nil {
		t.Fatal(err)
	}
	if got := page(); got.Status != catalog.StatusPaused {
		t.Fatalf("after a pause in plain SQL the page shows %q", got.Status)
	}

	// The log emptied by hand: the cache starts again.
	if _, err := plain.ExecContext(ctx, `DELETE FROM page_changes`); err != nil {
		t.Fatal(err)
	}
	if got := page(); got.Status != catalog.StatusPaused {
		t.Fatalf("after the log was emptied the page shows %q", got.Status)
	}
	if _, err := plain.ExecContext(ctx, `UPDATE products SET name = 'Hoa súng trắng' WHERE id = ?`, p.ID); err != nil {
		t.Fatal(err)
	}
	if got, _, err := server.Catalog().ProductWithSeller(ctx, p.ID); err != nil || got.Name != "Hoa súng trắng" {
		t.Fatalf("after the log was emptied and the product renamed the page shows %q (%v)", got.Name, err)
	}

	if _, err := plain.ExecContext(ctx, `DELETE FROM product_images WHERE product_id = ?; DELETE FROM order_lines WHERE product_id = ?; DELETE FROM products WHERE id = ?`, p.ID, p.ID, p.ID); err != nil {
		t.Skipf("deleting the product in plain SQL: %v", err)
	}
	if _, _, err := server.Catalog().ProductWithSeller(ctx, p.ID); !market.IsCode(err, market.NotFound) {
		t.Fatalf("after the product was deleted the page answers %v", err)
	}
}

// TestProductPagesFollowVersions reads a product page from several
// goroutines while another process changes the product, or its seller,
// again and again: each reader sees the versions in order, never an older
// one after a newer, and the name always belongs to the version.
func TestProductPagesFollowVersions(t *testing.T) {
	for _, table := range []string{"products", "sellers"} {
		t.Run(table, func(t *testing.T) {
			ctx := context.Background()
			server, path := openAt(t, sqlite.Options{ReadConns: 2})
			plain := plainSQL(t, path)
			_, s, p := shopWithProduct(t, server)
			id, start := p.ID, p.Version
			if table == "sellers" {
				id, start = s.ID, s.Version
			}
			page := func() (version int64, name string, err error) {
				got, sel, err := server.Catalog().ProductWithSeller(ctx, p.ID)
				if table == "sellers" {
					return sel.Version, sel.Name, err
				}
				return got.Version, got.Name, err
			}
			name := func(v int64) string { return fmt.Sprintf("phiên bản %d", v) }
			if _, err := plain.ExecContext(ctx, `UPDATE `+table+` SET name = ? WHERE id = ?`, name(start), id); err != nil {
				t.Fatal(err)
			}
			whileReading(t, func(last *int64) error {
				v, n, err := page()
				if err != nil {
					return err
				}
				if v < *last || n != name(v) {
					return fmt.Errorf("read version %d named %q after version %d", v, n, *last)
				}
				*last = v
				return nil
			}, func() {
				for v := start + 1; v <= start+60; v++ {
					if _, err := plain.ExecContext(ctx, `UPDATE `+table+` SET name = ?, version = ? WHERE id = ?`, name(v), v, id); err != nil {
						t.Error(err)
						return
					}
				}
			})
			if v, _, err := page(); err != nil || v != start+60 {
				t.Fatalf("after the last change the page shows version %d (%v), want %d", v, err, start+60)
			}
		})
	}
}

// TestProductPagesWithoutTheCache: PageCacheMB < 0 turns the cache off;
// pages are read from the file, as fresh.
func TestProductPagesWithoutTheCache(t *testing.T) {
	ctx := context.Background()
	server, path := openAt(t, sqlite.Options{PageCacheMB: -1})
	plain := plainSQL(t, path)
	_, _, p := shopWithProduct(t, server)
	for _, price := range []int{26000, 27000} {
		if _, err := plain.ExecContext(ctx, `UPDATE products SET price_vnd = ? WHERE id = ?`, price, p.ID); err != nil {
			t.Fatal(err)
		}
		if got, _, err := server.Catalog().ProductWithSeller(ctx, p.ID); err != nil || int(got.Price) != price {
			t.Fatalf("page shows %d₫ (%v), want %d", got.Price, err, price)
		}
	}
}

// TestPageCacheAfterTheLogStartsAgain: a log emptied by hand numbers its
// rows from 1 again; the cache starts again with it and keeps pages again.
func TestPageCacheAfterTheLogStartsAgain(t *testing.T) {
	ctx := context.Background()
	w := newPageWriters(t)
	p := w.product
	// Many changes first, so that the log's numbers are well past 1.
	for i := range 20 {
		if _, err := w.plain.ExecContext(ctx, `UPDATE products SET stock = ? WHERE id = ?`, i, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	w.page(t)
	if !sqlite.PageKept(w.server, p.ID) {
		t.Fatal("a page read was not kept")
	}
	if _, err := w.plain.ExecContext(ctx, `DELETE FROM page_changes`); err != nil {
		t.Fatal(err)
	}
	if _, err := w.plain.ExecContext(ctx, `UPDATE products SET stock = 77 WHERE id = ?`, p.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.page(t); got.Stock != 77 {
		t.Fatalf("after the log started again the page shows stock %d", got.Stock)
	}
	w.page(t)
	if !sqlite.PageKept(w.server, p.ID) {
		t.Fatal("after the log started again, pages are no longer kept")
	}
}

// TestWarmPageCache: a store opened on a catalogue fills its page cache
// before any page is read, so that every product's first visitor is
// served from memory; a cache too small for the catalogue stops at three
// quarters of its budget, leaving room for what visitors read; and a
// change after the fill shows on the next page.
func TestWarmPageCache(t *testing.T) {
	ctx := context.Background()
	first, path := openAt(t, sqlite.Options{})
	_, _, p := shopWithProduct(t, first)
	plain := plainSQL(t, path)
	// 1 199 more products, each with a description of some 3 KB: 3.6 MB
	// of records in all.
	cols := []string{}
	rows, err := plain.QueryContext(ctx, `SELECT name FROM pragma_table_info('products')`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	rows.Close()
	sel := make([]string, len(cols))
	for i, c := range cols {
		switch c {
		case "id":
			sel[i] = "id || '-' || n.i"
		case "name":
			sel[i] = "name || ' ' || n.i"
		case "ocop_number":
			sel[i] = "CASE WHEN ocop_number = '' THEN '' ELSE ocop_number || '-' || n.i END"
		case "description":
			sel[i] = "description || ' ' || printf('%.3000c', 'x')"
		default:
			sel[i] = c
		}
	}
	if _, err := plain.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1199)
		INSERT INTO products (`+strings.Join(cols, ", ")+`) SELECT `+strings.Join(sel, ", ")+` FROM products, n WHERE products.id = ?`, p.ID); err != nil {
		t.Fatal(err)
	}
	const products = 1200

	// A server starting with the default budget holds them all.
	server, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	n, err := server.WarmPageCache(ctx)
	if err != nil || n != products {
		t.Fatalf("filling the cache read %d products (%v), want %d", n, err, products)
	}
	if st, _ := server.PageCacheStats(); st.Products != products {
		t.Fatalf("after filling, the cache holds %d products, want %d", st.Products, products)
	}
	for _, id := range []string{p.ID, p.ID + "-1", p.ID + "-1199"} {
		if got, s, err := server.Catalog().ProductWithSeller(ctx, id); err != nil || got.ID != id || s.ID != p.SellerID {
			t.Fatalf("page of %s: %s of seller %s (%v)", id, got.ID, s.ID, err)
		}
	}
	if st, _ := server.PageCacheStats(); st.Hits != 3 || st.Misses != 0 {
		t.Fatalf("three first visits after filling: %d from memory, %d from the file", st.Hits, st.Misses)
	}
	if _, err := plain.ExecContext(ctx, `UPDATE products SET stock = 3 WHERE id = ?`, p.ID+"-1"); err != nil {
		t.Fatal(err)
	}
	if got, _, err := server.Catalog().ProductWithSeller(ctx, p.ID+"-1"); err != nil || got.Stock != 3 {
		t.Fatalf("after a change the filled page shows stock %d (%v)", got.Stock, err)
	}

	// A server with 4 MB fills 3 and stops.
	small, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: "NORMAL", PageCacheMB: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	if _, err := small.WarmPageCache(ctx); err != nil {
		t.Fatal(err)
	}
	st, _ := small.PageCacheStats()
	if st.Bytes != 3<<20 || st.Products < 600 || st.Products >= products {
		t.Fatalf("a 4 MB cache filled %d bytes with %d products of %d", st.Bytes, st.Products, products)
	}

	// With the cache off there is nothing to fill.
	off, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: "NORMAL", PageCacheMB: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer off.Close()
	if n, err := off.WarmPageCache(ctx); n != 0 || err != nil {
		t.Fatalf("with the cache off, filling read %d products (%v)", n, err)
	}
}
