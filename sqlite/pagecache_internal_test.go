package sqlite

import (
	"context"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/sellers"
)

// fullProduct has every field a product page shows filled, at the
// millisecond precision the products table keeps times in.
func fullProduct(id string) catalog.Product {
	at := func(d int) time.Time { return time.Date(2026, 3, d, 8, 30, 15, 123e6, time.UTC) }
	return catalog.Product{
		ID: id, SellerID: "s-" + id, Name: "Hoa súng Lê Sánh", Description: "Hoa súng ruộng, hái sáng sớm.\nGiao trong ngày.",
		CategoryID: "rau-cu", Unit: "bó", Price: 25000,
		Tiers: []catalog.PriceTier{{MinQty: 20, Price: 20000}, {MinQty: 50, Price: 18000}},
		Stock: 120, MinOrderQty: 2, Sold: 3456789, RegionID: "can-tho.thanh-xuan", Season: "tháng 7–11",
		Preorder: true, Status: catalog.StatusActive,
		OCOP: catalog.Certificate{Stars: 4, Number: "OCOP-CT-2025-017", IssuedBy: "province", IssuedAt: at(1), ExpiresAt: at(28),
			Status: catalog.OCOPVerified, VerifiedBy: "acc-official", VerifiedAt: at(3), Note: "đã đối chiếu"},
		Images: []catalog.Image{
			{ID: "im1", DisplayKey: "d/1.jpg", ThumbKey: "t/1.jpg", Width: 1600, Height: 1200, CreatedAt: at(2)},
			{ID: "im2", DisplayKey: "d/2.jpg", ThumbKey: "t/2.jpg", Width: 900, Height: 1600, CreatedAt: at(4)},
		},
		CreatedBy: "acc-helper", Assisted: true, Version: 1 << 40, SearchDirty: true, CreatedAt: at(1), UpdatedAt: at(5),
	}
}

func TestPageRecordRoundTrip(t *testing.T) {
	full := fullProduct(market.NewID())
	// A full dictionary writes shared strings out.
	var fullDict stringDict
	for i := range maxDictStrings {
		fullDict.code("filler " + strconv.Itoa(i))
	}
	for _, dict := range []*stringDict{nil, {}, &fullDict} {
		for _, p := range []catalog.Product{full, full, {ID: "p", SellerID: "s", Price: -1, Stock: -7}} {
			rec := appendPageRecord(nil, &p, dict)
			var strs []string
			if dict != nil {
				strs = dict.strs
			}
			got, err := decodePageRecord(rec, strs)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(p, got); d != "" {
				t.Errorf("record of %s read back differently (-kept +read):\n%s", p.ID, d)
			}
			if id, ok := pageRecordID(rec); !ok || string(id) != p.ID {
				t.Errorf("record id %q, want %q", id, p.ID)
			}
			// Every cut of a record is refused, never read as a product.
			for n := range len(rec) {
				if _, err := decodePageRecord(rec[:n], strs); err == nil {
					t.Fatalf("a record cut at %d of %d bytes was read", n, len(rec))
				}
			}
		}
	}
	// Shared strings are written once.
	var dict stringDict
	first := len(appendPageRecord(nil, &full, &dict))
	if again := len(appendPageRecord(nil, &full, &dict)); again != first || len(dict.strs) != 10 {
		t.Errorf("records of %d and %d bytes, %d strings shared; want equal records and 10 strings", first, again, len(dict.strs))
	}
	if plain := len(appendPageRecord(nil, &full, nil)); plain-first < 60 {
		t.Errorf("a record of %d bytes with shared strings, %d without: sharing saves too little", first, plain)
	}
}

// FuzzPageRecord: no bytes make decodePageRecord panic, and what it reads
// it writes back to a record that reads the same.
//
//	go test -run '^$' -fuzz '^FuzzPageRecord$' -fuzztime 5m ./sqlite
func FuzzPageRecord(f *testing.F) {
	p := fullProduct("p1")
	var dict stringDict
	f.Add(appendPageRecord(nil, &p, &dict))
	f.Add(appendPageRecord(nil, &p, nil))
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, rec []byte) {
		p, err := decodePageRecord(rec, dict.strs)
		if err != nil {
			return
		}
		again, err := decodePageRecord(appendPageRecord(nil, &p, nil), nil)
		if err != nil {
			t.Fatalf("a product read from %x does not read back: %v", rec, err)
		}
		if d := cmp.Diff(p, again); d != "" {
			t.Fatalf("read back differently:\n%s", d)
		}
	})
}

// TestPageCacheEvictsTheOldestChunk: a cache of two chunks, fed more than
// they hold, drops the products of the oldest chunk and never answers
// with another product than the one asked.
func TestPageCacheEvictsTheOldestChunk(t *testing.T) {
	c := newPageCache(2*chunkSize, 1, nil, nil)
	defer c.close()
	s := sellers.Seller{ID: "s", Name: "HTX Sen Hồng"}
	var ids []string
	for i := range 40 {
		p := fullProduct("p" + strings.Repeat("x", i))
		p.SellerID = s.ID
		p.Description = strings.Repeat("hoa súng ", 10000) // ~100 KB: ten a chunk
		c.keep(1, &p, &s)
		ids = append(ids, p.ID)
	}
	if c.arena.size() != 2*chunkSize {
		t.Fatalf("the arena holds %d bytes, want its budget %d", c.arena.size(), 2*chunkSize)
	}
	kept := 0
	for i, id := range ids {
		p, _, ok := c.get(id)
		switch {
		case ok && p.ID != id:
			t.Fatalf("asked %s, got %s", id, p.ID)
		case ok:
			kept++
		case i >= len(ids)-10:
			t.Errorf("product %d of %d, among the last kept, is gone", i, len(ids))
		}
	}
	if kept < 10 || kept > 20 {
		t.Errorf("%d products kept; two chunks hold 10 to 20", kept)
	}
	// A record larger than a quarter of a chunk is not kept.
	big := fullProduct("big")
	big.SellerID, big.Description = s.ID, strings.Repeat("x", chunkSize/3)
	c.keep(1, &big, &s)
	if _, _, ok := c.get("big"); ok {
		t.Error("a record of a third of a chunk was kept")
	}
}

// TestPageCacheKeepsNothingOlderThanAChange: what was read in a snapshot
// older than a change already applied to it is not kept; what was read
// after it is.
func TestPageCacheKeepsNothingOlderThanAChange(t *testing.T) {
	c := newPageCache(chunkSize, 10, nil, nil)
	defer c.close()
	s := sellers.Seller{ID: "s"}
	p := fullProduct("p")
	p.SellerID = s.ID
	c.apply([]pageChange{{seq: 11, product: "p"}})
	c.keep(10, &p, &s)
	if _, _, ok := c.get("p"); ok {
		t.Fatal("a product read before its change was kept")
	}
	c.apply([]pageChange{{seq: 12, seller: "s"}})
	c.keep(11, &p, &s)
	if _, _, ok := c.get("p"); ok {
		t.Fatal("a seller read before its change was kept")
	}
	c.keep(12, &p, &s)
	if got, _, ok := c.get("p"); !ok || got.ID != "p" {
		t.Fatal("a product and seller read after their changes were not kept")
	}
	c.apply([]pageChange{{seq: 13, product: "p"}})
	if _, _, ok := c.get("p"); ok {
		t.Fatal("a change to the product left it in the cache")
	}
}

// TestWALIndexShowsCommits: the WAL-index header the page cache watches
// is readable, and moves with a commit of any connection.
func TestWALIndexShowsCommits(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("the WAL-index is mapped on linux and darwin")
	}
	ctx := context.Background()
	db := openTestDB(t)
	before, ok, _ := db.pages.current()
	if !ok {
		t.Fatal("the WAL-index header cannot be read: every product page would read page_changes")
	}
	db.pages.followed(before)
	if _, ok, current := db.pages.current(); !ok || !current {
		t.Fatal("no commit since, yet the cache is not current")
	}
	if _, err := db.write.ExecContext(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES ('x', 'y', 0)`); err != nil {
		t.Fatal(err)
	}
	if after, _, current := db.pages.current(); current || after == before {
		t.Fatal("a commit left the WAL-index header as it was")
	}
}

// TestPageChangesArePruned keeps the newest keptChanges rows.
func TestPageChangesArePruned(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	if _, err := db.write.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO page_changes (product_id) SELECT 'p' || i FROM n`, keptChanges+500); err != nil {
		t.Fatal(err)
	}
	db.prunePageChanges()
	var rows, newest int64
	if err := db.read.QueryRowContext(ctx, `SELECT count(*), max(seq) FROM page_changes`).Scan(&rows, &newest); err != nil {
		t.Fatal(err)
	}
	if rows != keptChanges || newest != keptChanges+501 {
		t.Fatalf("%d rows up to %d left, want the newest %d up to %d", rows, newest, keptChanges, keptChanges+501)
	}
}

// TestEveryColumnAPageShowsIsLogged: a column added to the products a page
// reads must be added to the trigger that logs their changes, or pages
// would go on showing its old value.
func TestEveryColumnAPageShowsIsLogged(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	var trigger string
	if err := db.read.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'products_page_update'`).Scan(&trigger); err != nil {
		t.Fatal(err)
	}
	of, _, _ := strings.Cut(strings.SplitN(trigger, " OF ", 2)[1], " ON products")
	logged := map[string]bool{}
	for _, c := range strings.Split(of, ",") {
		logged[strings.TrimSpace(c)] = true
	}
	for _, c := range strings.Split(productColumns, ",") {
		if c = strings.TrimSpace(c); c != "search_dirty" && !logged[c] {
			t.Errorf("column %s is on product pages, but its changes are not logged in page_changes", c)
		}
	}
}

// openTestDB opens a database of its own for the test.
func openTestDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "ocop.db"), Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
