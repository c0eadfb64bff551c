package catalog_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/accounts"
	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/regions"
	"github.com/ocopmarket/market/sellers"
	"github.com/ocopmarket/market/sellers/sellerstest"
	"github.com/ocopmarket/market/sqlite"
)

var now = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

type world struct {
	svc     *catalog.Service
	db      *sqlite.DB
	actors  map[sellers.Relation]market.Actor
	sellers map[sellers.Status]sellers.Seller
	opts    catalog.Options
}

func newWorld(t *testing.T) *world {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "ocop.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	tree, err := regions.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	clock := market.NewManualClock(now)
	accts := accounts.NewService(db.Accounts(), accounts.Options{})
	sel := sellers.NewService(sellers.Options{Store: db.Sellers(), Roles: accts, Tree: tree, Dirtier: db.Catalog(), Clock: clock})
	w := &world{db: db, actors: map[sellers.Relation]market.Actor{}, sellers: map[sellers.Status]sellers.Seller{}}
	w.opts = catalog.Options{Store: db.Catalog(), Sellers: sel, Regions: tree, Clock: clock}
	w.svc = catalog.NewService(w.opts)
	acc := func(roles []market.Role, region string) market.Actor {
		return market.Actor{AccountID: sellerstest.NewAccount(t, db.Accounts()), Roles: roles, RegionID: region}
	}
	w.actors[sellers.Anonymous] = market.Actor{}
	w.actors[sellers.Buyer] = acc([]market.Role{market.RoleBuyer}, "")
	w.actors[sellers.Owner] = acc([]market.Role{market.RoleBuyer, market.RoleSeller}, "")
	w.actors[sellers.HelperOf] = acc([]market.Role{market.RoleBuyer, market.RoleHelper}, "")
	w.actors[sellers.OfficialIn] = acc([]market.Role{market.RoleBuyer, market.RoleOfficial}, "can-tho.thanh-xuan")
	w.actors[sellers.OfficialOut] = acc([]market.Role{market.RoleBuyer, market.RoleOfficial}, "an-giang")
	w.actors[sellers.Admin] = acc([]market.Role{market.RoleBuyer, market.RoleAdmin}, "")
	for _, st := range []sellers.Status{sellers.StatusPending, sellers.StatusVerified, sellers.StatusRejected, sellers.StatusSuspended} {
		s := sellerstest.NewSeller(w.actors[sellers.Owner].AccountID, "can-tho.thanh-xuan")
		s.Status = st
		if err := db.Sellers().CreateSeller(context.Background(), s); err != nil {
			t.Fatal(err)
		}
		if err := db.Sellers().AddHelper(context.Background(), s.ID, sellers.Helper{AccountID: w.actors[sellers.HelperOf].AccountID, AddedAt: now}); err != nil {
			t.Fatal(err)
		}
		w.sellers[st] = s
	}
	return w
}

func draft(sellerID string) catalog.Draft {
	return catalog.Draft{SellerID: sellerID, Name: "Khóm Cầu Đúc", CategoryID: "trai-cay", Unit: "trái", Price: 15000,
		Tiers: []catalog.PriceTier{{MinQty: 10, Price: 13000}}, Stock: 200,
		OCOP: &catalog.CertificateInput{Stars: 4, Number: "HG-2024-01", IssuedBy: catalog.IssuedByProvince, IssuedAt: now.AddDate(-1, 0, 0), ExpiresAt: now.AddDate(2, 0, 0)}}
}

// product stores a fresh listing of the verified seller, in Thạnh Xuân.
func (w *world) product(t *testing.T, status catalog.Status) catalog.Product {
	t.Helper()
	d := draft(w.sellers[sellers.StatusVerified].ID)
	d.Status = status
	p, err := w.svc.Create(context.Background(), w.actors[sellers.Owner], d)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPermissionMatrix checks the product permission table through the
// service, one fresh product per cell.
func TestPermissionMatrix(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	const (
		Y = true
		N = false
	)
	stock := 5
	rows := []struct {
		action string
		// anonymous, buyer, owner, helper, official in region, official out of region, admin
		want [7]bool
		do   func(a market.Actor) error
	}{
		{"see an active product", [7]bool{Y, Y, Y, Y, Y, Y, Y}, func(a market.Actor) error {
			_, _, err := w.svc.Get(ctx, a, w.product(t, catalog.StatusActive).ID)
			return err
		}},
		{"see a draft", [7]bool{N, N, Y, Y, Y, N, Y}, func(a market.Actor) error {
			_, _, err := w.svc.Get(ctx, a, w.product(t, catalog.StatusDraft).ID)
			return err
		}},
		{"list a product", [7]bool{N, N, Y, Y, N, N, Y}, func(a market.Actor) error {
			_, err := w.svc.Create(ctx, a, draft(w.sellers[sellers.StatusVerified].ID))
			return err
		}},
		{"edit", [7]bool{N, N, Y, Y, N, N, Y}, func(a market.Actor) error {
			_, err := w.svc.Update(ctx, a, w.product(t, catalog.StatusActive).ID, catalog.Patch{Stock: &stock}, 0)
			return err
		}},
		{"archive", [7]bool{N, N, Y, Y, N, N, Y}, func(a market.Actor) error {
			return w.svc.Archive(ctx, a, w.product(t, catalog.StatusActive).ID, 0)
		}},
		{"verify the OCOP certificate", [7]bool{N, N, N, N, Y, N, Y}, func(a market.Actor) error {
			_, err := w.svc.ReviewOCOP(ctx, a, w.product(t, catalog.StatusActive).ID, catalog.Verify, "")
			return err
		}},
	}
	for _, row := range rows {
		for i, rel := range sellers.Relations {
			err := row.do(w.actors[rel])
			switch {
			case row.want[i] && err != nil:
				t.Errorf("%s as %s: refused (%v), want allowed", row.action, rel, err)
			case !row.want[i] && err == nil:
				t.Errorf("%s as %s: allowed, want refused", row.action, rel)
			case !row.want[i] && !market.IsCode(err, market.Forbidden) && !market.IsCode(err, market.NotFound) && !market.IsCode(err, market.Unauthorized):
				t.Errorf("%s as %s: refused with %v, want forbidden, not_found or unauthorized", row.action, rel, err)
			}
		}
	}
}

func TestSellerStatusGatesListing(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	owner := w.actors[sellers.Owner]
	for st, ok := range map[sellers.Status]bool{sellers.StatusPending: true, sellers.StatusVerified: true, sellers.StatusRejected: false, sellers.StatusSuspended: false} {
		_, err := w.svc.Create(ctx, owner, draft(w.sellers[st].ID))
		if ok != (err == nil) {
			t.Errorf("a %s seller lists: %v", st, err)
		}
	}
	// A pending seller's active listing is not public until it is verified.
	p, err := w.svc.Create(ctx, owner, draft(w.sellers[sellers.StatusPending].ID))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.svc.Get(ctx, market.Actor{}, p.ID); !market.IsCode(err, market.NotFound) {
		t.Errorf("a pending seller's product is public: %v", err)
	}
	page, err := w.svc.List(ctx, market.Actor{}, catalog.Query{})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range page.Items {
		if it.SellerID != w.sellers[sellers.StatusVerified].ID {
			t.Errorf("public listing shows a product of a %s seller", it.SellerID)
		}
	}
}

func TestValidation(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	owner := w.actors[sellers.Owner]
	sid := w.sellers[sellers.StatusVerified].ID
	tests := []struct {
		name   string
		change func(*catalog.Draft)
		field  string
	}{
		{"no name", func(d *catalog.Draft) { d.Name = "  " }, "name"},
		{"unknown category", func(d *catalog.Draft) { d.CategoryID = "xe-may" }, "categoryId"},
		{"unknown unit", func(d *catalog.Draft) { d.Unit = "tấn lớn" }, "unit"},
		{"zero price", func(d *catalog.Draft) { d.Price = 0 }, "priceVnd"},
		{"negative stock", func(d *catalog.Draft) { d.Stock = -1 }, "stock"},
		{"tiers not increasing", func(d *catalog.Draft) {
			d.Tiers = []catalog.PriceTier{{MinQty: 10, Price: 13000}, {MinQty: 10, Price: 12000}}
		}, "priceTiers[1].minQty"},
		{"tier price not decreasing", func(d *catalog.Draft) {
			d.Tiers = []catalog.PriceTier{{MinQty: 10, Price: 13000}, {MinQty: 20, Price: 13000}}
		}, "priceTiers[1].priceVnd"},
		{"tier above the base price", func(d *catalog.Draft) { d.Tiers = []catalog.PriceTier{{MinQty: 10, Price: 16000}} }, "priceTiers[0].priceVnd"},
		{"tier below the minimum order", func(d *catalog.Draft) { d.MinOrderQty = 12 }, "priceTiers[0].minQty"},
		{"two stars", func(d *catalog.Draft) { d.OCOP.Stars = 2 }, "ocop.stars"},
		{"six stars", func(d *catalog.Draft) { d.OCOP.Stars = 6 }, "ocop.stars"},
		{"expiry before issue", func(d *catalog.Draft) { d.OCOP.ExpiresAt = d.OCOP.IssuedAt.Add(-time.Hour) }, "ocop.expiresAt"},
		{"issued in the future", func(d *catalog.Draft) { d.OCOP.IssuedAt = now.AddDate(0, 1, 0) }, "ocop.issuedAt"},
		{"unknown region", func(d *catalog.Draft) { d.RegionID = "atlantis" }, "regionId"},
		{"unknown status", func(d *catalog.Draft) { d.Status = "sold-out" }, "status"},
	}
	for _, tt := range tests {
		d := draft(sid)
		tt.change(&d)
		_, err := w.svc.Create(ctx, owner, d)
		var e *market.Error
		if !market.IsCode(err, market.Invalid) || !asError(err, &e) || e.Fields[tt.field] == (market.Text{}) {
			t.Errorf("%s: %v, want invalid %s", tt.name, err, tt.field)
		}
	}
}

func asError(err error, e **market.Error) bool {
	x, ok := err.(*market.Error)
	*e = x
	return ok
}

func TestBadgeAndPrices(t *testing.T) {
	c := catalog.Certificate{Stars: 4, Status: catalog.OCOPVerified, ExpiresAt: now}
	for _, tt := range []struct {
		c     catalog.Certificate
		at    time.Time
		stars int
	}{
		{c, now.Add(-time.Second), 4},
		{c, now, 0},
		{catalog.Certificate{Stars: 4, Status: catalog.OCOPPending, ExpiresAt: now}, now.Add(-time.Hour), 0},
		{catalog.Certificate{Stars: 4, Status: catalog.OCOPRejected, ExpiresAt: now}, now.Add(-time.Hour), 0},
		{catalog.Certificate{}, now.Add(-time.Hour), 0},
	} {
		if got := tt.c.ValidStars(tt.at); got != tt.stars || tt.c.Badge(tt.at) != (tt.stars > 0) {
			t.Errorf("%+v at %v: %d stars, want %d", tt.c, tt.at, got, tt.stars)
		}
	}
	p := catalog.Product{Price: 25000, Tiers: []catalog.PriceTier{{MinQty: 20, Price: 20000}, {MinQty: 50, Price: 18000}}}
	for qty, want := range map[int]market.VND{1: 25000, 19: 25000, 20: 20000, 49: 20000, 50: 18000, 500: 18000} {
		if got := p.UnitPrice(qty); got != want {
			t.Errorf("UnitPrice(%d) = %d, want %d", qty, got, want)
		}
	}
}

func TestOCOPReviewAndExpiry(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p := w.product(t, catalog.StatusActive)
	got, err := w.svc.ReviewOCOP(ctx, w.actors[sellers.OfficialIn], p.ID, catalog.Verify, "đã đối chiếu")
	if err != nil || !got.Badge(now) || got.OCOP.VerifiedBy != w.actors[sellers.OfficialIn].AccountID || !got.OCOP.VerifiedAt.Equal(now) {
		t.Fatalf("verify: %+v %v", got.OCOP, err)
	}
	if got.Badge(got.OCOP.ExpiresAt) {
		t.Error("the badge outlives the certificate")
	}
	if _, err := w.svc.ReviewOCOP(ctx, w.actors[sellers.Admin], p.ID, catalog.Reject, ""); !market.IsCode(err, market.Invalid) {
		t.Errorf("reject without a reason: %v", err)
	}
	none := draft(w.sellers[sellers.StatusVerified].ID)
	none.OCOP = nil
	plain, _ := w.svc.Create(ctx, w.actors[sellers.Owner], none)
	if _, err := w.svc.ReviewOCOP(ctx, w.actors[sellers.Admin], plain.ID, catalog.Verify, ""); !market.IsCode(err, market.Conflict) {
		t.Errorf("verify a product without a certificate: %v", err)
	}
}

// TestPendingCertificates: the queue of certificates waits for the
// officials of the listings' region, and only for them.
func TestPendingCertificates(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p := w.product(t, catalog.StatusActive) // declares a certificate: pending
	verified := w.product(t, catalog.StatusActive)
	if _, err := w.svc.ReviewOCOP(ctx, w.actors[sellers.Admin], verified.ID, catalog.Verify, ""); err != nil {
		t.Fatal(err)
	}
	province := w.actors[sellers.OfficialIn]
	province.RegionID = "can-tho"
	cases := []struct {
		name   string
		actor  market.Actor
		region string
		want   int
		err    market.Code
	}{
		{"official of the commune, own region", w.actors[sellers.OfficialIn], "", 1, ""},
		{"official of the province, a commune under it", province, "can-tho.thanh-xuan", 1, ""},
		{"official of the province, another commune", province, "can-tho.ninh-kieu", 0, ""},
		{"admin, the whole country", w.actors[sellers.Admin], "", 1, ""},
		{"official of another province", w.actors[sellers.OfficialOut], "can-tho", 0, market.Forbidden},
		{"official of the commune, the province above", w.actors[sellers.OfficialIn], "can-tho", 0, market.Forbidden},
		{"official of another province, own region", w.actors[sellers.OfficialOut], "", 0, ""},
		{"the owner", w.actors[sellers.Owner], "", 0, market.Forbidden},
		{"a stranger", w.actors[sellers.Anonymous], "", 0, market.Unauthorized},
		{"no such region", w.actors[sellers.Admin], "atlantis", 0, market.Invalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			list, err := w.svc.PendingCertificates(ctx, c.actor, c.region, 0)
			if c.err != "" {
				if !market.IsCode(err, c.err) {
					t.Fatalf("err = %v, want %s", err, c.err)
				}
				return
			}
			if err != nil || len(list) != c.want || (c.want == 1 && list[0].ID != p.ID) {
				t.Fatalf("got %d listings, %v; want %d (%s)", len(list), err, c.want, p.ID)
			}
		})
	}
}
