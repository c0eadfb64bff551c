// Package catalogtest is the contract every catalog.Store must keep.
package catalogtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/accounts"
	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/sellers"
	"github.com/ocopmarket/market/sellers/sellerstest"
)

// Stores are the stores a suite run needs: products refer to sellers,
// sellers to accounts.
type Stores struct {
	Accounts accounts.Store
	Sellers  sellers.Store
	Catalog  catalog.Store
}

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// NewProduct returns a valid active product of the seller, not yet stored.
func NewProduct(sellerID, createdBy string) catalog.Product {
	return catalog.Product{
		ID: market.NewID(), SellerID: sellerID, Name: "Hoa súng Lê Sánh", Description: "Hoa súng ruộng, hái sáng sớm.",
		CategoryID: "rau-cu", Unit: "bó", Price: 25000,
		Tiers: []catalog.PriceTier{{MinQty: 20, Price: 20000}, {MinQty: 50, Price: 18000}},
		Stock: 120, MinOrderQty: 1, RegionID: "can-tho.thanh-xuan", Season: "tháng 7–11", Status: catalog.StatusActive,
		CreatedBy: createdBy, Version: 1, SearchDirty: true, CreatedAt: t0, UpdatedAt: t0,
	}
}

type fixture struct {
	Stores
	owner  string
	seller sellers.Seller
}

func setup(t *testing.T, newStores func(t *testing.T) Stores, status sellers.Status) fixture {
	t.Helper()
	st := newStores(t)
	owner := sellerstest.NewAccount(t, st.Accounts)
	s := sellerstest.NewSeller(owner, "can-tho.thanh-xuan")
	s.Status = status
	if err := st.Sellers.CreateSeller(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return fixture{Stores: st, owner: owner, seller: s}
}

func (f fixture) create(t *testing.T, mutate func(*catalog.Product)) catalog.Product {
	t.Helper()
	p := NewProduct(f.seller.ID, f.owner)
	if mutate != nil {
		mutate(&p)
	}
	if err := f.Catalog.CreateProduct(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

func ids(list []catalog.Product) []string {
	out := make([]string, 0, len(list))
	for _, p := range list {
		out = append(out, p.ID)
	}
	return out
}

// Run runs the contract against stores made by newStores, fresh and empty per call.
func Run(t *testing.T, newStores func(t *testing.T) Stores) {
	ctx := context.Background()

	t.Run("create and read back", func(t *testing.T) {
		f := setup(t, newStores, sellers.StatusVerified)
		p := f.create(t, func(p *catalog.Product) {
			p.Preorder, p.Assisted, p.Sold = true, true, 7
			p.OCOP = catalog.Certificate{Stars: 4, Number: "OCOP-CT-2024-018", IssuedBy: catalog.IssuedByProvince,
				IssuedAt: t0.AddDate(-1, 0, 0), ExpiresAt: t0.AddDate(2, 0, 0), Status: catalog.OCOPVerified,
				VerifiedBy: "official-1", VerifiedAt: t0, Note: "đã đối chiếu"}
			p.Images = []catalog.Image{
				{ID: market.NewID(), DisplayKey: "products/x/a.jpg", ThumbKey: "products/x/a-thumb.jpg", Width: 1600, Height: 1200, CreatedAt: t0},
				{ID: market.NewID(), DisplayKey: "products/x/b.jpg", ThumbKey: "products/x/b-thumb.jpg", Width: 900, Height: 1600, CreatedAt: t0},
			}
		})
		got, err := f.Catalog.ProductByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(got, p); d != "" {
			t.Errorf("read back: %s", d)
		}
	})

	t.Run("missing product is not_found", func(t *testing.T) {
		f := setup(t, newStores, sellers.StatusVerified)
		if _, err := f.Catalog.ProductByID(ctx, "nope"); !market.IsCode(err, market.NotFound) {
			t.Errorf("ProductByID: %v", err)
		}
		p := NewProduct(f.seller.ID, f.owner)
		if err := f.Catalog.UpdateProduct(ctx, p, 1); !market.IsCode(err, market.NotFound) {
			t.Errorf("UpdateProduct: %v", err)
		}
		if err := f.Catalog.SetImages(ctx, p.ID, nil, 1); !market.IsCode(err, market.NotFound) {
			t.Errorf("SetImages: %v", err)
		}
	})

	t.Run("same id twice is a conflict", func(t *testing.T) {
		f := setup(t, newStores, sellers.StatusVerified)
		p := f.create(t, nil)
		if err := f.Catalog.CreateProduct(ctx, p); !market.IsCode(err, market.Conflict) {
			t.Errorf("second create: %v", err)
		}
	})

	t.Run("optimistic concurrency", func(t *testing.T) {
		f := setup(t, newStores, sellers.StatusVerified)
		p := f.create(t, nil)
		p.Name, p.Stock, p.Tiers, p.UpdatedAt = "Hoa súng trắng", 80, nil, t0.Add(time.Hour)
		if err := f.Catalog.UpdateProduct(ctx, p, 1); err != nil {
			t.Fatal(err)
		}
		got, _ := f.Catalog.ProductByID(ctx, p.ID)
		if got.Version != 2 || got.Name != "Hoa súng trắng" || got.Stock != 80 || len(got.Tiers) != 0 || !got.UpdatedAt.Equal(p.UpdatedAt) {
			t.Errorf("after update: %+v", got)
		}
		if err := f.Catalog.UpdateProduct(ctx, p, 1); !market.IsCode(err, market.PreconditionFailed) {
			t.Errorf("stale update: %v", err)
		}
		if err := f.Catalog.SetImages(ctx, p.ID, nil, 1); !market.IsCode(err, market.PreconditionFailed) {
			t.Errorf("stale SetImages: %v", err)
		}
		var wg sync.WaitGroup
		var wins atomic.Int32
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				x := p
				x.Stock = i
				err := f.Catalog.UpdateProduct(ctx, x, 2)
				switch {
				case err == nil:
					wins.Add(1)
				case !market.IsCode(err, market.PreconditionFailed):
					t.Errorf("concurrent update: %v", err)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Errorf("%d concurrent updates at one version succeeded, want 1", wins.Load())
		}
	})

	t.Run("images keep their order", func(t *testing.T) {
		f := setup(t, newStores, sellers.StatusVerified)
		p := f.create(t, nil)
		var imgs []catalog.Image
		for i := 0; i < 3; i++ {
			id := market.NewID()
			imgs = append(imgs, catalog.Image{ID: id, DisplayKey: "products/" + id + ".jpg", ThumbKey: "products/" + id + "-thumb.jpg", Width: 10 + i, Height: 20, CreatedAt: t0})
		}
		if err := f.Catalog.SetImages(ctx, p.ID, imgs, 1); err != nil {
			t.Fatal(err)
		}
		reordered := []catalog.Image{imgs[2], imgs[0], imgs[1]}
		if err := f.Catalog.SetImages(ctx, p.ID, reordered, 2); err != nil {
			t.Fatal(err)
		}
		got, _ := f.Catalog.ProductByID(ctx, p.ID)
		if got.Version != 3 || !got.SearchDirty {
			t.Errorf("version %d dirty %v after two photo changes", got.Version, got.SearchDirty)
		}
		var gotIDs []string
		for _, im := range got.Images {
			gotIDs = append(gotIDs, im.ID)
		}
		if !slices.Equal(gotIDs, []string{imgs[2].ID, imgs[0].ID, imgs[1].ID}) || got.Images[0].Width != 12 {
			t.Errorf("images = %+v", got.Images)
		}
	})

	t.Run("filters", func(t *testing.T) {
		f := setup(t, newStores, sellers.StatusVerified)
		a := f.create(t, nil)
		b := f.create(t, func(p *catalog.Product) { p.Status = catalog.StatusDraft })
		c := f.create(t, func(p *catalog.Product) { p.Status = catalog.StatusArchived })
		pending := sellerstest.NewSeller(f.owner, "can-tho")
		if err := f.Sellers.CreateSeller(ctx, pending); err != nil {
			t.Fatal(err)
		}
		d := f.create(t, func(p *catalog.Product) { p.SellerID = pending.ID })
		sorted := []string{a.ID, b.ID, c.ID, d.ID}
		slices.Sort(sorted)
		tests := []struct {
			name   string
			filter catalog.Filter
			want   []string
		}{
			{"all", catalog.Filter{}, sorted},
			{"seller", catalog.Filter{SellerID: f.seller.ID}, []string{a.ID, b.ID, c.ID}},
			{"statuses", catalog.Filter{Statuses: []catalog.Status{catalog.StatusDraft, catalog.StatusArchived}}, []string{b.ID, c.ID}},
			{"public only: active and seller verified", catalog.Filter{PublicOnly: true}, []string{a.ID}},
			{"seller and status", catalog.Filter{SellerID: pending.ID, Statuses: []catalog.Status{catalog.StatusActive}}, []string{d.ID}},
			{"after", catalog.Filter{After: sorted[1]}, sorted[2:]},
		}
		for _, tt := range tests {
			page, err := f.Catalog.ListProducts(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if got := ids(page.Items); !slices.Equal(got, want) || page.Next != "" {
				t.Errorf("%s: got %v next %q, want %v", tt.name, got, page.Next, want)
			}
		}
		// A seller suspended later takes its listings out of public view.
		susp := f.seller
		susp.Status, susp.Version = sellers.StatusSuspended, 2
		if err := f.Sellers.UpdateSeller(ctx, susp, 1); err != nil {
			t.Fatal(err)
		}
		if page, _ := f.Catalog.ListProducts(ctx, catalog.Filter{PublicOnly: true}); len(page.Items) != 0 {
			t.Errorf("listings of a suspended seller are public: %v", ids(page.Items))
		}
	})

	t.Run("pagination neither skips nor repeats under concurrent inserts", func(t *testing.T) {
		f := setup(t, newStores, sellers.StatusVerified)
		var before []string
		for i := 0; i < 40; i++ {
			before = append(before, f.create(t, nil).ID)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := 0; i < 40; i++ {
				if err := f.Catalog.CreateProduct(ctx, NewProduct(f.seller.ID, f.owner)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		seen := map[string]int{}
		var order []string
		filter := catalog.Filter{Limit: 6, PublicOnly: true}
		for pages := 0; pages < 100; pages++ {
			page, err := f.Catalog.ListProducts(ctx, filter)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Items) > 6 {
				t.Fatalf("page of %d items, limit 6", len(page.Items))
			}
			for _, p := range page.Items {
				seen[p.ID]++
				order = append(order, p.ID)
			}
			if page.Next == "" {
				break
			}
			filter.After = page.Next
		}
		<-done
		for _, id := range before {
			if seen[id] != 1 {
				t.Errorf("product %s seen %d times", id, seen[id])
			}
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("product %s repeated %d times", id, n)
			}
		}
		if !slices.IsSorted(order) {
			t.Error("pages are not in id order")
		}
	})

	t.Run("search dirty flags", func(t *testing.T) {
		f := setup(t, newStores, sellers.StatusVerified)
		p := f.create(t, nil)
		q := f.create(t, nil)
		dirty, err := f.Catalog.DirtyProducts(ctx, 10)
		if err != nil || len(dirty) != 2 {
			t.Fatalf("new products dirty: %v %v", ids(dirty), err)
		}
		if ok, err := f.Catalog.MarkClean(ctx, p.ID, 0); ok || err != nil {
			t.Errorf("MarkClean at a wrong version = %v, %v", ok, err)
		}
		if ok, err := f.Catalog.MarkClean(ctx, p.ID, 1); !ok || err != nil {
			t.Fatalf("MarkClean = %v, %v", ok, err)
		}
		if dirty, _ := f.Catalog.DirtyProducts(ctx, 10); !slices.Equal(ids(dirty), []string{q.ID}) {
			t.Errorf("dirty after cleaning p: %v", ids(dirty))
		}
		// A write between the sync's read and its MarkClean keeps the product dirty.
		p.Stock = 3
		if err := f.Catalog.UpdateProduct(ctx, p, 1); err != nil {
			t.Fatal(err)
		}
		if ok, _ := f.Catalog.MarkClean(ctx, p.ID, 1); ok {
			t.Error("MarkClean with the version before the write cleared the flag")
		}
		got, _ := f.Catalog.ProductByID(ctx, p.ID)
		if !got.SearchDirty || got.Version != 2 {
			t.Errorf("after write: dirty %v version %d", got.SearchDirty, got.Version)
		}
		f.Catalog.MarkClean(ctx, p.ID, 2)
		f.Catalog.MarkClean(ctx, q.ID, 1)

		// A seller change flags every one of its products and moves their versions.
		n, err := f.Catalog.MarkSellerProductsDirty(ctx, f.seller.ID)
		if err != nil || n != 2 {
			t.Fatalf("MarkSellerProductsDirty = %d, %v", n, err)
		}
		if ok, _ := f.Catalog.MarkClean(ctx, p.ID, 2); ok {
			t.Error("MarkClean with the version read before the seller changed cleared the flag")
		}
		dirty, _ = f.Catalog.DirtyProducts(ctx, 10)
		if len(dirty) != 2 {
			t.Fatalf("dirty after seller change: %v", ids(dirty))
		}
		for _, d := range dirty {
			if ok, _ := f.Catalog.MarkClean(ctx, d.ID, d.Version); !ok {
				t.Errorf("MarkClean(%s, %d) with the version DirtyProducts gave failed", d.ID, d.Version)
			}
		}
		if n, _ := f.Catalog.MarkSellerProductsDirty(ctx, "no-such-seller"); n != 0 {
			t.Errorf("another seller's products flagged: %d", n)
		}
		if dirty, _ := f.Catalog.DirtyProducts(ctx, 1); len(dirty) != 0 {
			t.Errorf("still dirty: %v", ids(dirty))
		}
	})

	t.Run("expired certificates are flagged once", func(t *testing.T) {
		f := setup(t, newStores, sellers.StatusVerified)
		cert := func(expires time.Time, status catalog.OCOPStatus) func(*catalog.Product) {
			return func(p *catalog.Product) {
				p.OCOP = catalog.Certificate{Stars: 3, Number: "OCOP-1", IssuedBy: catalog.IssuedByProvince, IssuedAt: t0.AddDate(-3, 0, 0),
					ExpiresAt: expires, Status: status}
			}
		}
		soon := f.create(t, cert(t0.AddDate(0, 1, 0), catalog.OCOPVerified))
		later := f.create(t, cert(t0.AddDate(1, 0, 0), catalog.OCOPVerified))
		unverified := f.create(t, cert(t0.AddDate(0, 1, 0), catalog.OCOPPending))
		for _, p := range []catalog.Product{soon, later, unverified} {
			f.Catalog.MarkClean(ctx, p.ID, 1)
		}
		now := t0.AddDate(0, 2, 0)
		n, err := f.Catalog.MarkExpiredCertificatesDirty(ctx, now)
		if err != nil || n != 1 {
			t.Fatalf("first sweep = %d, %v; want 1", n, err)
		}
		dirty, _ := f.Catalog.DirtyProducts(ctx, 10)
		if !slices.Equal(ids(dirty), []string{soon.ID}) || dirty[0].Version != 2 {
			t.Fatalf("dirty after sweep: %+v", dirty)
		}
		f.Catalog.MarkClean(ctx, soon.ID, 2)
		if n, _ := f.Catalog.MarkExpiredCertificatesDirty(ctx, now.Add(time.Hour)); n != 0 {
			t.Errorf("second sweep flagged %d again", n)
		}
		if n, _ := f.Catalog.MarkExpiredCertificatesDirty(ctx, t0.AddDate(1, 0, 1)); n != 1 {
			t.Errorf("sweep after the second expiry flagged %d, want 1", n)
		}
	})

	t.Run("pending certificates of a region, longest waiting first", func(t *testing.T) {
		f := setup(t, newStores, sellers.StatusVerified)
		cert := func(region string, status catalog.OCOPStatus, updated time.Time, listing catalog.Status) func(*catalog.Product) {
			return func(p *catalog.Product) {
				p.RegionID, p.Status, p.UpdatedAt = region, listing, updated
				p.OCOP = catalog.Certificate{Stars: 4, Number: "OCOP-" + p.ID, IssuedBy: catalog.IssuedByProvince, IssuedAt: t0.AddDate(-1, 0, 0),
					ExpiresAt: t0.AddDate(2, 0, 0), Status: status}
			}
		}
		late := f.create(t, cert("can-tho.thanh-xuan", catalog.OCOPPending, t0.Add(3*time.Hour), catalog.StatusActive))
		early := f.create(t, cert("can-tho.ninh-kieu", catalog.OCOPPending, t0.Add(time.Hour), catalog.StatusDraft))
		elsewhere := f.create(t, cert("an-giang.tri-ton", catalog.OCOPPending, t0.Add(2*time.Hour), catalog.StatusPaused))
		f.create(t, cert("can-tho.thanh-xuan", catalog.OCOPVerified, t0, catalog.StatusActive))
		f.create(t, cert("can-tho.thanh-xuan", catalog.OCOPRejected, t0, catalog.StatusActive))
		f.create(t, cert("can-tho.thanh-xuan", catalog.OCOPPending, t0, catalog.StatusArchived))
		f.create(t, nil) // no certificate

		all, err := f.Catalog.PendingCertificates(ctx, catalog.CertificateFilter{Limit: 10})
		if err != nil || !slices.Equal(ids(all), []string{early.ID, elsewhere.ID, late.ID}) {
			t.Fatalf("everywhere: %v, %v; want %v", ids(all), err, []string{early.ID, elsewhere.ID, late.ID})
		}
		if d := diff(all[2], late); d != "" {
			t.Errorf("a pending listing reads back differently: %s", d)
		}
		region, err := f.Catalog.PendingCertificates(ctx, catalog.CertificateFilter{RegionIDs: []string{"can-tho", "can-tho.thanh-xuan", "can-tho.ninh-kieu"}, Limit: 10})
		if err != nil || !slices.Equal(ids(region), []string{early.ID, late.ID}) {
			t.Errorf("Cần Thơ: %v, %v", ids(region), err)
		}
		first, err := f.Catalog.PendingCertificates(ctx, catalog.CertificateFilter{Limit: 1})
		if err != nil || !slices.Equal(ids(first), []string{early.ID}) {
			t.Errorf("limit 1: %v, %v", ids(first), err)
		}
		none, err := f.Catalog.PendingCertificates(ctx, catalog.CertificateFilter{RegionIDs: []string{"ha-noi"}, Limit: 10})
		if err != nil || len(none) != 0 {
			t.Errorf("Hà Nội: %v, %v", ids(none), err)
		}
	})

	t.Run("each product", func(t *testing.T) {
		f := setup(t, newStores, sellers.StatusVerified)
		var want []string
		for i := 0; i < 7; i++ {
			want = append(want, f.create(t, nil).ID)
		}
		slices.Sort(want)
		var got []string
		if err := f.Catalog.EachProduct(ctx, func(p catalog.Product) error { got = append(got, p.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("EachProduct visited %v, want %v", got, want)
		}
		stop := errors.New("stop")
		calls := 0
		err := f.Catalog.EachProduct(ctx, func(catalog.Product) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("EachProduct after an error: %v, %d calls", err, calls)
		}
	})
}

// diff describes how got differs from want, or returns "".
func diff(got, want catalog.Product) string {
	switch {
	case got.ID != want.ID || got.SellerID != want.SellerID || got.Name != want.Name || got.Description != want.Description:
		return "identity or text"
	case got.CategoryID != want.CategoryID || got.Unit != want.Unit || got.Price != want.Price || !slices.Equal(got.Tiers, want.Tiers):
		return fmt.Sprintf("category, unit or prices: %v %v", got.Tiers, want.Tiers)
	case got.Stock != want.Stock || got.MinOrderQty != want.MinOrderQty || got.Sold != want.Sold:
		return "quantities"
	case got.RegionID != want.RegionID || got.Season != want.Season || got.Preorder != want.Preorder || got.Status != want.Status:
		return "region, season or status"
	case got.CreatedBy != want.CreatedBy || got.Assisted != want.Assisted || got.Version != want.Version || got.SearchDirty != want.SearchDirty:
		return "authorship or version"
	case !got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt):
		return "times"
	}
	g, w := got.OCOP, want.OCOP
	if g.Stars != w.Stars || g.Number != w.Number || g.IssuedBy != w.IssuedBy || !g.IssuedAt.Equal(w.IssuedAt) || !g.ExpiresAt.Equal(w.ExpiresAt) ||
		g.Status != w.Status || g.VerifiedBy != w.VerifiedBy || !g.VerifiedAt.Equal(w.VerifiedAt) || g.Note != w.Note {
		return fmt.Sprintf("certificate %+v, want %+v", g, w)
	}
	if len(got.Images) != len(want.Images) {
		return fmt.Sprintf("%d images, want %d", len(got.Images), len(want.Images))
	}
	for i := range got.Images {
		a, b := got.Images[i], want.Images[i]
		if a.ID != b.ID || a.DisplayKey != b.DisplayKey || a.ThumbKey != b.ThumbKey || a.Width != b.Width || a.Height != b.Height || !a.CreatedAt.Equal(b.CreatedAt) {
			return fmt.Sprintf("image %d: %+v, want %+v", i, a, b)
		}
	}
	return ""
}
