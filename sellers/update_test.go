package sellers_test

import (
	"context"
	"testing"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/sellers"
)

func ptr[T any](v T) *T { return &v }

// A verification vouches for a kind of business in a region: moving or
// changing kind sends the seller back to the officials.
func TestUpdateRegionOrKindNeedsVerificationAgain(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	owner, admin := w.actors[sellers.Owner], w.actors[sellers.Admin]
	tests := []struct {
		name  string
		from  sellers.Status
		actor market.Actor
		patch sellers.Patch
		want  sellers.Status
	}{
		{"verified moves region", sellers.StatusVerified, owner, sellers.Patch{RegionID: ptr("an-giang")}, sellers.StatusPending},
		{"verified changes kind", sellers.StatusVerified, owner, sellers.Patch{Kind: ptr(sellers.Kind("enterprise"))}, sellers.StatusPending},
		{"suspended moves region: still suspended", sellers.StatusSuspended, owner, sellers.Patch{RegionID: ptr("an-giang")}, sellers.StatusSuspended},
		{"admin moves a verified seller", sellers.StatusVerified, admin, sellers.Patch{RegionID: ptr("can-tho.phu-huu")}, sellers.StatusPending},
		{"verified changes its story", sellers.StatusVerified, owner, sellers.Patch{Story: ptr("Ba đời trồng súng")}, sellers.StatusVerified},
		{"verified keeps its region", sellers.StatusVerified, owner, sellers.Patch{RegionID: ptr("can-tho.thanh-xuan"), Address: ptr("Ấp Thạnh Hòa")}, sellers.StatusVerified},
		{"pending moves region", sellers.StatusPending, owner, sellers.Patch{RegionID: ptr("an-giang")}, sellers.StatusPending},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := w.seller(t, tt.from)
			if tt.from == sellers.StatusVerified {
				s, _ = w.store.SellerByID(ctx, s.ID)
			}
			got, err := w.svc.Update(ctx, tt.actor, s.ID, tt.patch, 0)
			if err != nil {
				t.Fatal(err)
			}
			stored, err := w.store.SellerByID(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tt.want || stored.Status != tt.want {
				t.Fatalf("status %s (stored %s), want %s", got.Status, stored.Status, tt.want)
			}
			if tt.want == sellers.StatusPending && tt.from != sellers.StatusPending &&
				(stored.VerifiedBy != "" || !stored.VerifiedAt.IsZero() || stored.StatusBy != tt.actor.AccountID || stored.StatusNote == "") {
				t.Errorf("the old verification stays on record: %+v", stored)
			}
		})
	}
	// The officials of the new region can now verify it.
	s := w.seller(t, sellers.StatusVerified)
	if _, err := w.svc.Update(ctx, owner, s.ID, sellers.Patch{RegionID: ptr("an-giang")}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Review(ctx, w.actors[sellers.OfficialIn], s.ID, sellers.Verify, ""); err == nil {
		t.Error("the official of the old region verified the moved seller")
	}
	if got, err := w.svc.Review(ctx, w.actors[sellers.OfficialOut], s.ID, sellers.Verify, ""); err != nil || got.Status != sellers.StatusVerified {
		t.Errorf("the official of the new region: %v %v", got.Status, err)
	}
}

func TestUpdateNothingKeepsTheVersion(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	s := w.seller(t, sellers.StatusVerified)
	s, err := w.svc.Update(ctx, w.actors[sellers.Owner], s.ID, sellers.Patch{Zalo: ptr("")}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []sellers.Patch{{}, {Name: ptr(s.Name)}, {Name: ptr("  " + s.Name + " ")}, {RegionID: ptr(s.RegionID), Kind: ptr(s.Kind)}} {
		got, err := w.svc.Update(ctx, w.actors[sellers.Owner], s.ID, p, s.Version)
		if err != nil || got.Version != s.Version {
			t.Errorf("%+v: version %d → %d (%v)", p, s.Version, got.Version, err)
		}
	}
	got, err := w.svc.Update(ctx, w.actors[sellers.Owner], s.ID, sellers.Patch{Story: ptr("Mới")}, s.Version)
	if err != nil || got.Version != s.Version+1 {
		t.Errorf("a real change: version %d → %d (%v)", s.Version, got.Version, err)
	}
}

func TestZalo(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	tests := []struct {
		in, want string // want "" with bad: refused
		bad      bool
	}{
		{"0912345678", "+84912345678", false},
		{"0912 345 678", "+84912345678", false},
		{"+84912345678", "+84912345678", false},
		{"zalo.me/0912345678", "+84912345678", false},
		{"https://zalo.me/g/abcxyz123", "https://zalo.me/g/abcxyz123", false},
		{"http://zalo.me/2345678901234567890/", "https://zalo.me/2345678901234567890", false},
		{"", "", false},
		{"hoasung", "", true},
		{"https://evil.example/zalo.me/x", "", true},
		{"zalo.me/", "", true},
		{"zalo.me/a b", "", true},
		{"0123", "", true},
	}
	s := w.seller(t, sellers.StatusVerified)
	for _, tt := range tests {
		got, err := w.svc.Update(ctx, w.actors[sellers.Owner], s.ID, sellers.Patch{Zalo: ptr(tt.in)}, 0)
		switch {
		case tt.bad && !market.IsCode(err, market.Invalid):
			t.Errorf("zalo %q: %v (%q), want invalid", tt.in, err, got.Zalo)
		case !tt.bad && (err != nil || got.Zalo != tt.want):
			t.Errorf("zalo %q: %q %v, want %q", tt.in, got.Zalo, err, tt.want)
		}
	}
}

// A seller verified again, after a suspension or a change of kind, keeps
// when it was first verified: officials' past months count its listings
// from then. The last verification moves.
func TestFirstVerificationIsKept(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	official := w.actors[sellers.OfficialIn]
	s := w.seller(t, sellers.StatusPending)
	first, err := w.svc.Review(ctx, official, s.ID, sellers.Verify, "")
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := w.store.SellerByID(ctx, s.ID)
	if stored.FirstVerifiedAt.IsZero() || !stored.FirstVerifiedAt.Equal(first.VerifiedAt) {
		t.Fatalf("first verification: first %v, last %v", stored.FirstVerifiedAt, stored.VerifiedAt)
	}
	w.clock.Advance(24 * time.Hour)
	if _, err := w.svc.Review(ctx, official, s.ID, sellers.Suspend, "Giấy phép hết hạn"); err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(24 * time.Hour)
	if _, err := w.svc.Update(ctx, w.actors[sellers.Owner], s.ID, sellers.Patch{Kind: ptr(sellers.KindCooperative)}, 0); err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(24 * time.Hour)
	if _, err := w.svc.Review(ctx, official, s.ID, sellers.Verify, ""); err != nil {
		t.Fatal(err)
	}
	again, _ := w.store.SellerByID(ctx, s.ID)
	if !again.FirstVerifiedAt.Equal(stored.FirstVerifiedAt) || !again.VerifiedAt.After(stored.VerifiedAt) {
		t.Errorf("verified again: first %v (was %v), last %v (was %v)", again.FirstVerifiedAt, stored.FirstVerifiedAt, again.VerifiedAt, stored.VerifiedAt)
	}
}
