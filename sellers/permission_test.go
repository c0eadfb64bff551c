package sellers_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/accounts"
	"github.com/ocopmarket/market/regions"
	"github.com/ocopmarket/market/sellers"
	"github.com/ocopmarket/market/sellers/sellerstest"
	"github.com/ocopmarket/market/sqlite"
)

// world is a seller service over a real SQLite store with one account per
// relation to the sellers it makes.
type world struct {
	svc    *sellers.Service
	store  sellers.Store
	actors map[sellers.Relation]market.Actor
	helper string
	clock  *market.ManualClock
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
	accts := accounts.NewService(db.Accounts(), accounts.Options{Hash: accounts.HashParams{MemoryKiB: 64, Time: 1, Threads: 1}})
	w := &world{store: db.Sellers(), actors: map[sellers.Relation]market.Actor{},
		clock: market.NewManualClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))}
	w.svc = sellers.NewService(sellers.Options{Store: db.Sellers(), Roles: accts, Tree: tree, Dirtier: db.Catalog(), Clock: w.clock})
	acc := func(roles []market.Role, region string) market.Actor {
		id := sellerstest.NewAccount(t, db.Accounts())
		return market.Actor{AccountID: id, Roles: roles, RegionID: region}
	}
	buyer := []market.Role{market.RoleBuyer}
	w.actors[sellers.Anonymous] = market.Actor{}
	w.actors[sellers.Buyer] = acc(buyer, "")
	w.actors[sellers.Owner] = acc([]market.Role{market.RoleBuyer, market.RoleSeller}, "")
	w.actors[sellers.HelperOf] = acc([]market.Role{market.RoleBuyer, market.RoleHelper}, "")
	w.actors[sellers.OfficialIn] = acc([]market.Role{market.RoleBuyer, market.RoleOfficial}, "can-tho")
	w.actors[sellers.OfficialOut] = acc([]market.Role{market.RoleBuyer, market.RoleOfficial}, "an-giang")
	w.actors[sellers.Admin] = acc([]market.Role{market.RoleBuyer, market.RoleAdmin}, "")
	return w
}

// seller stores a fresh seller in Thạnh Xuân (Cần Thơ) with the helper.
func (w *world) seller(t *testing.T, status sellers.Status) sellers.Seller {
	t.Helper()
	s := sellerstest.NewSeller(w.actors[sellers.Owner].AccountID, "can-tho.thanh-xuan")
	s.Status = status
	ctx := context.Background()
	if err := w.store.CreateSeller(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := w.store.AddHelper(ctx, s.ID, sellers.Helper{AccountID: w.actors[sellers.HelperOf].AccountID, AddedBy: s.OwnerID, AddedAt: s.CreatedAt}); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPermissionMatrix checks the seller permission table through the
// service, one fresh seller per cell.
func TestPermissionMatrix(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	const (
		Y = true
		N = false
	)
	name := "Tên mới"
	bank := sellers.Bank{BIN: "970405", AccountNumber: "111122223333", Holder: "TRAN THI B"}
	rows := []struct {
		action string
		// anonymous, buyer, owner, helper, official in region, official out of region, admin
		want [7]bool
		do   func(a market.Actor) error
	}{
		{"see a pending seller", [7]bool{N, N, Y, Y, Y, N, Y}, func(a market.Actor) error {
			_, err := w.svc.Get(ctx, a, w.seller(t, sellers.StatusPending).ID)
			return err
		}},
		{"see the bank account", [7]bool{N, N, Y, N, N, N, Y}, func(a market.Actor) error {
			s, err := w.svc.Get(ctx, a, w.seller(t, sellers.StatusVerified).ID)
			if err == nil && s.Bank.IsZero() {
				return market.ErrForbidden
			}
			return err
		}},
		{"update the profile", [7]bool{N, N, Y, Y, N, N, Y}, func(a market.Actor) error {
			_, err := w.svc.Update(ctx, a, w.seller(t, sellers.StatusVerified).ID, sellers.Patch{Name: &name}, 0)
			return err
		}},
		{"change the bank account", [7]bool{N, N, Y, N, N, N, Y}, func(a market.Actor) error {
			_, err := w.svc.Update(ctx, a, w.seller(t, sellers.StatusVerified).ID, sellers.Patch{Bank: &bank}, 0)
			return err
		}},
		{"verify", [7]bool{N, N, N, N, Y, N, Y}, func(a market.Actor) error {
			_, err := w.svc.Review(ctx, a, w.seller(t, sellers.StatusPending).ID, sellers.Verify, "")
			return err
		}},
		{"suspend", [7]bool{N, N, N, N, Y, N, Y}, func(a market.Actor) error {
			_, err := w.svc.Review(ctx, a, w.seller(t, sellers.StatusVerified).ID, sellers.Suspend, "Phản ánh của người mua")
			return err
		}},
		{"add a helper", [7]bool{N, N, Y, N, N, N, N}, func(a market.Actor) error {
			_, err := w.svc.AddHelper(ctx, a, w.seller(t, sellers.StatusVerified).ID, w.actors[sellers.Buyer].AccountID)
			return err
		}},
		{"remove a helper", [7]bool{N, N, Y, N, N, N, N}, func(a market.Actor) error {
			return w.svc.RemoveHelper(ctx, a, w.seller(t, sellers.StatusVerified).ID, w.actors[sellers.HelperOf].AccountID)
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

func TestWorkflow(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	official, owner := w.actors[sellers.OfficialIn], w.actors[sellers.Owner]
	tests := []struct {
		from sellers.Status
		d    sellers.Decision
		to   sellers.Status // "" means refused as a conflict
	}{
		{sellers.StatusPending, sellers.Verify, sellers.StatusVerified},
		{sellers.StatusPending, sellers.Reject, sellers.StatusRejected},
		{sellers.StatusPending, sellers.Suspend, ""},
		{sellers.StatusVerified, sellers.Suspend, sellers.StatusSuspended},
		{sellers.StatusVerified, sellers.Reject, ""},
		{sellers.StatusVerified, sellers.Verify, ""},
		{sellers.StatusSuspended, sellers.Verify, sellers.StatusVerified},
		{sellers.StatusRejected, sellers.Verify, ""},
	}
	for _, tt := range tests {
		s := w.seller(t, tt.from)
		got, err := w.svc.Review(ctx, official, s.ID, tt.d, "ghi chú")
		if tt.to == "" {
			if !market.IsCode(err, market.Conflict) {
				t.Errorf("%s → %s: %v, want conflict", tt.from, tt.d, err)
			}
			continue
		}
		if err != nil || got.Status != tt.to || got.StatusBy != official.AccountID || got.StatusNote != "ghi chú" || got.StatusAt.IsZero() {
			t.Errorf("%s → %s: %+v %v", tt.from, tt.d, got, err)
		}
		if tt.to == sellers.StatusVerified && (got.VerifiedBy != official.AccountID || got.VerifiedAt.IsZero()) {
			t.Errorf("verification not recorded: %+v", got)
		}
	}
	// A rejected seller that corrects its profile is reviewed again.
	s := w.seller(t, sellers.StatusRejected)
	addr := "Ấp Thạnh Lợi, số 12"
	got, err := w.svc.Update(ctx, owner, s.ID, sellers.Patch{Address: &addr}, 0)
	if err != nil || got.Status != sellers.StatusPending {
		t.Errorf("re-submission: %+v %v", got.Status, err)
	}
}

func TestShippingFor(t *testing.T) {
	s := sellers.Seller{ShippingFee: 30000, FreeShippingOver: 500000}
	for _, tt := range []struct{ subtotal, want market.VND }{{100000, 30000}, {499999, 30000}, {500000, 0}, {900000, 0}} {
		if got := s.ShippingFor(tt.subtotal); got != tt.want {
			t.Errorf("ShippingFor(%d) = %d, want %d", tt.subtotal, got, tt.want)
		}
	}
	if got := (sellers.Seller{ShippingFee: 20000}).ShippingFor(10_000_000); got != 20000 {
		t.Errorf("no free shipping threshold: %d", got)
	}
}
