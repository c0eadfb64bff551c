// Package sellerstest is the contract every sellers.Store must keep.
package sellerstest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/accounts"
	"github.com/ocopmarket/market/sellers"
)

// Stores are the stores a suite run needs: sellers refer to accounts.
type Stores struct {
	Accounts accounts.Store
	Sellers  sellers.Store
}

var phoneSeq atomic.Int64

// NewAccount stores an account with a fresh phone number and returns its id.
func NewAccount(t testing.TB, s accounts.Store) string {
	t.Helper()
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	a := accounts.Account{ID: market.NewID(), Phone: market.Phone(fmt.Sprintf("+8491%07d", phoneSeq.Add(1))), Name: "Trần Thị Mai",
		PasswordHash: "$argon2id$x", Roles: []market.Role{market.RoleBuyer}, CreatedAt: now, UpdatedAt: now}
	if err := s.CreateAccount(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// NewSeller returns a valid pending seller owned by ownerID, not yet stored.
func NewSeller(ownerID, regionID string) sellers.Seller {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	return sellers.Seller{
		ID: market.NewID(), OwnerID: ownerID, Kind: sellers.KindCooperative, Name: "HTX Hoa súng Lê Sánh",
		Phone: "+84912345678", Zalo: "0912345678", RegionID: regionID, Address: "Ấp Thạnh Lợi", Story: "Hoa súng ruộng.",
		Bank:        sellers.Bank{BIN: "970436", AccountNumber: "0123456789", Holder: "LE VAN SANH"},
		ShippingFee: 30000, FreeShippingOver: 500000, Status: sellers.StatusPending, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
}

// Run runs the contract against stores made by newStores, fresh and empty per call.
func Run(t *testing.T, newStores func(t *testing.T) Stores) {
	ctx := context.Background()

	t.Run("create and read back", func(t *testing.T) {
		st := newStores(t)
		s := NewSeller(NewAccount(t, st.Accounts), "can-tho.thanh-xuan")
		s.StatusNote, s.StatusBy, s.StatusAt = "ok", "acc-1", s.CreatedAt.Add(time.Hour)
		s.VerifiedBy, s.VerifiedAt, s.FirstVerifiedAt = "acc-1", s.CreatedAt.Add(time.Hour), s.CreatedAt.Add(time.Minute)
		if err := st.Sellers.CreateSeller(ctx, s); err != nil {
			t.Fatal(err)
		}
		got, err := st.Sellers.SellerByID(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !same(got, s) {
			t.Errorf("read back\n got %+v\nwant %+v", got, s)
		}
	})

	t.Run("missing seller is not_found", func(t *testing.T) {
		st := newStores(t)
		if _, err := st.Sellers.SellerByID(ctx, "nope"); !market.IsCode(err, market.NotFound) {
			t.Errorf("SellerByID: %v", err)
		}
		s := NewSeller(NewAccount(t, st.Accounts), "can-tho")
		if err := st.Sellers.UpdateSeller(ctx, s, 1); !market.IsCode(err, market.NotFound) {
			t.Errorf("UpdateSeller: %v", err)
		}
		acc := NewAccount(t, st.Accounts)
		if err := st.Sellers.AddHelper(ctx, "nope", sellers.Helper{AccountID: acc, AddedAt: time.Now()}); !market.IsCode(err, market.NotFound) {
			t.Errorf("AddHelper: %v", err)
		}
		if err := st.Sellers.RemoveHelper(ctx, "nope", acc); !market.IsCode(err, market.NotFound) {
			t.Errorf("RemoveHelper: %v", err)
		}
	})

	t.Run("same id twice is a conflict", func(t *testing.T) {
		st := newStores(t)
		s := NewSeller(NewAccount(t, st.Accounts), "can-tho")
		if err := st.Sellers.CreateSeller(ctx, s); err != nil {
			t.Fatal(err)
		}
		if err := st.Sellers.CreateSeller(ctx, s); !market.IsCode(err, market.Conflict) {
			t.Errorf("second create: %v", err)
		}
	})

	t.Run("optimistic concurrency", func(t *testing.T) {
		st := newStores(t)
		s := NewSeller(NewAccount(t, st.Accounts), "can-tho")
		if err := st.Sellers.CreateSeller(ctx, s); err != nil {
			t.Fatal(err)
		}
		s.Name = "HTX Hoa súng Thạnh Xuân"
		s.Status = sellers.StatusVerified
		if err := st.Sellers.UpdateSeller(ctx, s, 1); err != nil {
			t.Fatal(err)
		}
		got, _ := st.Sellers.SellerByID(ctx, s.ID)
		if got.Version != 2 || got.Name != s.Name || got.Status != sellers.StatusVerified {
			t.Errorf("after update: %+v", got)
		}
		if err := st.Sellers.UpdateSeller(ctx, s, 1); !market.IsCode(err, market.PreconditionFailed) {
			t.Errorf("stale update: %v", err)
		}
		var wg sync.WaitGroup
		var wins atomic.Int32
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				x := s
				x.Name = fmt.Sprintf("Tên %d", i)
				err := st.Sellers.UpdateSeller(ctx, x, 2)
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

	t.Run("helpers", func(t *testing.T) {
		st := newStores(t)
		owner, helper, other := NewAccount(t, st.Accounts), NewAccount(t, st.Accounts), NewAccount(t, st.Accounts)
		s := NewSeller(owner, "can-tho")
		if err := st.Sellers.CreateSeller(ctx, s); err != nil {
			t.Fatal(err)
		}
		h := sellers.Helper{AccountID: helper, AddedBy: owner, AddedAt: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
		if err := st.Sellers.AddHelper(ctx, s.ID, h); err != nil {
			t.Fatal(err)
		}
		if err := st.Sellers.AddHelper(ctx, s.ID, h); !market.IsCode(err, market.Conflict) {
			t.Errorf("second add: %v", err)
		}
		got, _ := st.Sellers.SellerByID(ctx, s.ID)
		if len(got.Helpers) != 1 || got.Helpers[0].AccountID != helper || got.Helpers[0].AddedBy != owner || !got.Helpers[0].AddedAt.Equal(h.AddedAt) {
			t.Errorf("helpers = %+v", got.Helpers)
		}
		for _, acc := range []string{owner, helper} {
			mine, err := st.Sellers.SellersOfAccount(ctx, acc)
			if err != nil || len(mine) != 1 || mine[0].ID != s.ID {
				t.Errorf("SellersOfAccount(%s) = %v, %v", acc, mine, err)
			}
		}
		if mine, _ := st.Sellers.SellersOfAccount(ctx, other); len(mine) != 0 {
			t.Errorf("a stranger's sellers: %v", mine)
		}
		if err := st.Sellers.RemoveHelper(ctx, s.ID, other); !market.IsCode(err, market.NotFound) {
			t.Errorf("removing a non-helper: %v", err)
		}
		if err := st.Sellers.RemoveHelper(ctx, s.ID, helper); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Sellers.SellerByID(ctx, s.ID); len(got.Helpers) != 0 {
			t.Errorf("helper still there: %+v", got.Helpers)
		}
	})

	t.Run("filters", func(t *testing.T) {
		st := newStores(t)
		owner := NewAccount(t, st.Accounts)
		mk := func(region string, kind sellers.Kind, status sellers.Status) string {
			s := NewSeller(owner, region)
			s.Kind, s.Status = kind, status
			if err := st.Sellers.CreateSeller(ctx, s); err != nil {
				t.Fatal(err)
			}
			return s.ID
		}
		a := mk("can-tho.thanh-xuan", sellers.KindHousehold, sellers.StatusVerified)
		b := mk("can-tho.phu-huu", sellers.KindCooperative, sellers.StatusVerified)
		c := mk("can-tho.thanh-xuan", sellers.KindCooperative, sellers.StatusPending)
		d := mk("an-giang.tri-ton", sellers.KindHousehold, sellers.StatusVerified)
		sorted := []string{a, b, c, d}
		slices.Sort(sorted)
		tests := []struct {
			name string
			f    sellers.Filter
			want []string
		}{
			{"all", sellers.Filter{}, []string{a, b, c, d}},
			{"verified", sellers.Filter{Status: sellers.StatusVerified}, []string{a, b, d}},
			{"households", sellers.Filter{Kind: sellers.KindHousehold}, []string{a, d}},
			{"regions", sellers.Filter{RegionIDs: []string{"can-tho", "can-tho.thanh-xuan", "can-tho.phu-huu"}}, []string{a, b, c}},
			{"region and status", sellers.Filter{RegionIDs: []string{"can-tho.thanh-xuan"}, Status: sellers.StatusVerified}, []string{a}},
			{"after", sellers.Filter{After: sorted[0]}, sorted[1:]},
			{"nothing", sellers.Filter{Status: sellers.StatusSuspended}, nil},
		}
		for _, tt := range tests {
			page, err := st.Sellers.ListSellers(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range page.Items {
				got = append(got, s.ID)
			}
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) || page.Next != "" {
				t.Errorf("%s: got %v next %q, want %v", tt.name, got, page.Next, want)
			}
		}
	})

	t.Run("pagination neither skips nor repeats under concurrent inserts", func(t *testing.T) {
		st := newStores(t)
		owner := NewAccount(t, st.Accounts)
		var before []string
		for i := 0; i < 30; i++ {
			s := NewSeller(owner, "can-tho")
			if err := st.Sellers.CreateSeller(ctx, s); err != nil {
				t.Fatal(err)
			}
			before = append(before, s.ID)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := 0; i < 30; i++ {
				if err := st.Sellers.CreateSeller(ctx, NewSeller(owner, "can-tho")); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		seen := map[string]int{}
		var order []string
		f := sellers.Filter{Limit: 7}
		for pages := 0; pages < 100; pages++ {
			page, err := st.Sellers.ListSellers(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range page.Items {
				seen[s.ID]++
				order = append(order, s.ID)
			}
			if page.Next == "" {
				break
			}
			f.After = page.Next
		}
		<-done
		for _, id := range before {
			if seen[id] != 1 {
				t.Errorf("seller %s seen %d times", id, seen[id])
			}
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("seller %s repeated %d times", id, n)
			}
		}
		if !slices.IsSorted(order) {
			t.Error("pages are not in id order")
		}
	})
}

func same(a, b sellers.Seller) bool {
	return a.ID == b.ID && a.OwnerID == b.OwnerID && a.Kind == b.Kind && a.Name == b.Name && a.Phone == b.Phone && a.Zalo == b.Zalo &&
		a.RegionID == b.RegionID && a.Address == b.Address && a.Story == b.Story && a.Bank == b.Bank &&
		a.ShippingFee == b.ShippingFee && a.FreeShippingOver == b.FreeShippingOver && a.Status == b.Status &&
		a.StatusNote == b.StatusNote && a.StatusBy == b.StatusBy && a.StatusAt.Equal(b.StatusAt) &&
		a.VerifiedBy == b.VerifiedBy && a.VerifiedAt.Equal(b.VerifiedAt) && a.FirstVerifiedAt.Equal(b.FirstVerifiedAt) && a.Version == b.Version &&
		a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt) && len(a.Helpers) == len(b.Helpers)
}
