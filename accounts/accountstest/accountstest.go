// Package accountstest is the contract every accounts.Store must keep.
package accountstest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/accounts"
)

// Run runs the contract against stores made by newStore, a fresh empty one per call.
func Run(t *testing.T, newStore func(t *testing.T) accounts.Store) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	account := func(phone string) accounts.Account {
		return accounts.Account{ID: market.NewID(), Phone: market.Phone(phone), Name: "Nguyễn Thị Hoa",
			PasswordHash: "$argon2id$x", Roles: []market.Role{market.RoleBuyer}, CreatedAt: now, UpdatedAt: now}
	}

	t.Run("create and read back", func(t *testing.T) {
		s := newStore(t)
		a := account("+84912345678")
		a.Roles = []market.Role{market.RoleBuyer, market.RoleOfficial}
		a.RegionID = "can-tho"
		if err := s.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		for name, get := range map[string]func() (accounts.Account, error){
			"by id":    func() (accounts.Account, error) { return s.AccountByID(ctx, a.ID) },
			"by phone": func() (accounts.Account, error) { return s.AccountByPhone(ctx, a.Phone) },
		} {
			got, err := get()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got.ID != a.ID || got.Phone != a.Phone || got.Name != a.Name || got.PasswordHash != a.PasswordHash ||
				got.RegionID != "can-tho" || len(got.Roles) != 2 || got.Roles[1] != market.RoleOfficial || !got.CreatedAt.Equal(now) {
				t.Errorf("%s: got %+v, want %+v", name, got, a)
			}
		}
	})

	t.Run("missing account is not_found", func(t *testing.T) {
		s := newStore(t)
		if _, err := s.AccountByID(ctx, "nope"); !market.IsCode(err, market.NotFound) {
			t.Errorf("AccountByID: %v", err)
		}
		if _, err := s.AccountByPhone(ctx, "+84900000000"); !market.IsCode(err, market.NotFound) {
			t.Errorf("AccountByPhone: %v", err)
		}
		if err := s.UpdateAccount(ctx, account("+84900000001")); !market.IsCode(err, market.NotFound) {
			t.Errorf("UpdateAccount: %v", err)
		}
	})

	t.Run("same phone twice is a conflict", func(t *testing.T) {
		s := newStore(t)
		if err := s.CreateAccount(ctx, account("+84912345678")); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateAccount(ctx, account("+84912345678")); !market.IsCode(err, market.Conflict) {
			t.Errorf("second create: %v, want conflict", err)
		}
	})

	t.Run("concurrent sign-ups with one phone make one account", func(t *testing.T) {
		s := newStore(t)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.CreateAccount(ctx, account("+84987654321"))
			}()
		}
		wg.Wait()
		close(errs)
		ok := 0
		for err := range errs {
			switch {
			case err == nil:
				ok++
			case !market.IsCode(err, market.Conflict):
				t.Errorf("unexpected error %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d creates succeeded, want 1", ok)
		}
	})

	t.Run("update roles", func(t *testing.T) {
		s := newStore(t)
		a := account("+84912345678")
		if err := s.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		a.Roles = append(a.Roles, market.RoleSeller)
		a.Name = "Hợp tác xã Hoa súng"
		a.UpdatedAt = now.Add(time.Hour)
		if err := s.UpdateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		got, err := s.AccountByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Roles) != 2 || got.Roles[1] != market.RoleSeller || got.Name != a.Name || !got.UpdatedAt.Equal(a.UpdatedAt) {
			t.Errorf("after update: %+v", got)
		}
	})

	t.Run("sessions", func(t *testing.T) {
		s := newStore(t)
		a := account("+84912345678")
		if err := s.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		live := accounts.Session{TokenHash: "aa", AccountID: a.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		old := accounts.Session{TokenHash: "bb", AccountID: a.ID, CreatedAt: now, ExpiresAt: now.Add(-time.Minute)}
		for _, sess := range []accounts.Session{live, old} {
			if err := s.CreateSession(ctx, sess); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.SessionByTokenHash(ctx, "aa")
		if err != nil || got.AccountID != a.ID || !got.ExpiresAt.Equal(live.ExpiresAt) {
			t.Fatalf("SessionByTokenHash = %+v, %v", got, err)
		}
		n, err := s.DeleteExpiredSessions(ctx, now)
		if err != nil || n != 1 {
			t.Errorf("DeleteExpiredSessions = %d, %v; want 1", n, err)
		}
		if _, err := s.SessionByTokenHash(ctx, "bb"); !market.IsCode(err, market.NotFound) {
			t.Errorf("expired session still there: %v", err)
		}
		if err := s.DeleteSession(ctx, "aa"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteSession(ctx, "aa"); err != nil {
			t.Errorf("second delete: %v", err)
		}
		if _, err := s.SessionByTokenHash(ctx, "aa"); !market.IsCode(err, market.NotFound) {
			t.Errorf("deleted session still there: %v", err)
		}
	})
}
