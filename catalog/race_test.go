package catalog_test

import (
	"context"
	"testing"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/sellers"
)

// saleBetween is a store where a sale (any write that bumps the version)
// lands between the service's read and its write, once.
type saleBetween struct {
	catalog.Store
	sold bool
}

func (s *saleBetween) UpdateProduct(ctx context.Context, p catalog.Product, expected int64) error {
	if !s.sold {
		s.sold = true
		if _, err := s.Store.MarkSellerProductsDirty(ctx, p.SellerID); err != nil { // bumps the version
			return err
		}
	}
	return s.Store.UpdateProduct(ctx, p, expected)
}

// A seller who sends no If-Match asked for no precondition: a sale racing
// the edit must not turn it into 412. One who sent If-Match is told.
func TestEditWithoutIfMatchSurvivesASale(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p := w.product(t, catalog.StatusActive)
	racy := func() *catalog.Service {
		o := w.opts
		o.Store = &saleBetween{Store: w.db.Catalog()}
		return catalog.NewService(o)
	}
	svc := racy()
	price := market.VND(17000)
	got, err := svc.Update(ctx, w.actors[sellers.Owner], p.ID, catalog.Patch{Price: &price}, 0)
	if err != nil || got.Price != price {
		t.Fatalf("edit without If-Match: %v (price %d)", err, got.Price)
	}
	svc = racy()
	price = 18000
	if _, err := svc.Update(ctx, w.actors[sellers.Owner], p.ID, catalog.Patch{Price: &price}, got.Version); !market.IsCode(err, market.PreconditionFailed) {
		t.Fatalf("edit with a stale If-Match: %v, want precondition_failed", err)
	}
}

// A seller of Cần Thơ who says a listing comes from An Giang does not make
// An Giang's officials its reviewers.
func TestOfficialsReviewOnlyShopsOfTheirRegion(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	d := draft(w.sellers[sellers.StatusVerified].ID) // the shop is in Thạnh Xuân, Cần Thơ
	d.RegionID = "an-giang.tri-ton"
	p, err := w.svc.Create(ctx, w.actors[sellers.Owner], d)
	if err != nil {
		t.Fatal(err)
	}
	angiang := w.actors[sellers.OfficialOut] // an official of An Giang
	if _, err := w.svc.ReviewOCOP(ctx, angiang, p.ID, catalog.Decision("verify"), ""); err == nil {
		t.Fatal("an official of the claimed origin verified the certificate of another province's shop")
	}
	if _, err := w.svc.ReviewOCOP(ctx, w.actors[sellers.Admin], p.ID, catalog.Decision("verify"), ""); err != nil {
		t.Fatalf("admin: %v", err)
	}
}
