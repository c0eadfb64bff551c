package sqlite_test

import (
	"database/sql"
	"encoding/json"
	"runtime"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/ocopmarket/market/orders/orderstest"
	"github.com/ocopmarket/market/sqlite"
)

// catalogFixtures writes sellers and products straight into the catalog's
// tables through a second connection, as the catalog would have.
type catalogFixtures struct{ raw *sql.DB }

// testingProcs is GOMAXPROCS, for spreading benchmark goroutines.
func testingProcs() int { return runtime.GOMAXPROCS(0) }

// fixturesFor opens a second connection to the database file for fixtures.
func fixturesFor(t testing.TB, path string) catalogFixtures {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	t.Cleanup(func() { raw.Close() })
	return catalogFixtures{raw: raw}
}

func (f catalogFixtures) account(t testing.TB, id string) {
	t.Helper()
	if id == "" {
		return
	}
	if _, err := f.raw.Exec(`INSERT OR IGNORE INTO accounts (id, phone, name, password_hash, roles, region_id, created_at, updated_at)
		VALUES (?, ?, 'fixture', 'x', 'buyer', '', 1, 1)`, id, "+849"+id[len(id)-8:]); err != nil {
		t.Fatal(err)
	}
}

func (f catalogFixtures) AddSeller(t testing.TB, s orderstest.Seller) {
	t.Helper()
	if s.Status == "" {
		s.Status = "verified"
	}
	f.account(t, s.OwnerAccountID)
	if _, err := f.raw.Exec(`INSERT INTO sellers (id, owner_account_id, kind, name, phone, region_id, address, bank_bin,
		bank_account_number, bank_holder, shipping_fee_vnd, free_shipping_over_vnd, status, created_at, updated_at)
		VALUES (?, ?, 'cooperative', ?, '+84912000000', ?, 'Ấp 1', ?, ?, ?, ?, ?, ?, 1, 1)`,
		s.ID, s.OwnerAccountID, s.Name, s.RegionID, s.Bank.BIN, s.Bank.Number, s.Bank.Holder,
		int64(s.ShippingFee), int64(s.FreeShippingOver), s.Status); err != nil {
		t.Fatal(err)
	}
	if s.HelperAccountID != "" {
		f.account(t, s.HelperAccountID)
		if _, err := f.raw.Exec(`INSERT INTO seller_helpers (seller_id, account_id, added_by, added_at) VALUES (?, ?, ?, 1)`,
			s.ID, s.HelperAccountID, s.OwnerAccountID); err != nil {
			t.Fatal(err)
		}
	}
}

func (f catalogFixtures) AddProduct(t testing.TB, p orderstest.Product) {
	t.Helper()
	if p.Status == "" {
		p.Status = "active"
	}
	if p.MinOrderQty == 0 {
		p.MinOrderQty = 1
	}
	type tier struct {
		MinQty   int   `json:"minQty"`
		PriceVnd int64 `json:"priceVnd"`
	}
	tiers := []tier{}
	for _, x := range p.Tiers {
		tiers = append(tiers, tier{x.MinQty, int64(x.Price)})
	}
	js, _ := json.Marshal(tiers)
	if _, err := f.raw.Exec(`INSERT INTO products (id, seller_id, name, category_id, unit, price_vnd, price_tiers, stock,
		min_order_qty, region_id, status, created_by, search_dirty, created_at, updated_at)
		VALUES (?, ?, ?, 'nong-san', ?, ?, ?, ?, ?, 'can-tho', ?, 'fixture', 0, 1, 1)`,
		p.ID, p.SellerID, p.Name, p.Unit, int64(p.Price), string(js), p.Stock, p.MinOrderQty, p.Status); err != nil {
		t.Fatal(err)
	}
}

func (f catalogFixtures) Product(t testing.TB, id string) orderstest.ProductState {
	t.Helper()
	var s orderstest.ProductState
	if err := f.raw.QueryRow(`SELECT stock, sold, version, search_dirty FROM products WHERE id = ?`, id).
		Scan(&s.Stock, &s.Sold, &s.Version, &s.SearchDirty); err != nil {
		t.Fatal(err)
	}
	if s.Stock < 0 {
		t.Fatalf("product %s has negative stock %d", id, s.Stock)
	}
	return s
}

func TestOrderStore(t *testing.T) {
	orderstest.Run(t, func(t *testing.T) orderstest.Backend {
		db, path := openAt(t, sqlite.Options{})
		f := fixturesFor(t, path)
		return orderstest.Backend{Store: db.Orders(), AddSeller: f.AddSeller, AddProduct: f.AddProduct, Product: f.Product}
	})
}
