package sqlite_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ocopmarket/market/accounts"
	"github.com/ocopmarket/market/accounts/accountstest"
	"github.com/ocopmarket/market/catalog/catalogtest"
	"github.com/ocopmarket/market/sellers/sellerstest"
	"github.com/ocopmarket/market/sqlite"
)

// MustOpen opens a fresh database in a temporary directory, closed when the test ends.
func MustOpen(t testing.TB) *sqlite.DB {
	t.Helper()
	db, _ := openAt(t, sqlite.Options{})
	return db
}

// openAt opens a fresh database with opts (synchronous NORMAL unless they
// say otherwise) in a temporary directory, closed when the test ends, and
// returns its path, for fixtures and other connections to the same file.
func openAt(t testing.TB, opts sqlite.Options) (*sqlite.DB, string) {
	t.Helper()
	if opts.Synchronous == "" {
		opts.Synchronous = "NORMAL"
	}
	path := filepath.Join(t.TempDir(), "ocop.db")
	db, err := sqlite.Open(context.Background(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func TestAccountStore(t *testing.T) {
	accountstest.Run(t, func(t *testing.T) accounts.Store { return MustOpen(t).Accounts() })
}

func TestMigrationsRerun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ocop.db")
	for i := 0; i < 2; i++ {
		db, err := sqlite.Open(context.Background(), path, sqlite.Options{})
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		db.Close()
	}
}

func TestLease(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	ok, err := db.AcquireLease(ctx, "sync", "a", time.Minute)
	if err != nil || !ok {
		t.Fatalf("a first: %v %v", ok, err)
	}
	if ok, _ := db.AcquireLease(ctx, "sync", "b", time.Minute); ok {
		t.Fatal("b took a live lease")
	}
	if ok, _ := db.AcquireLease(ctx, "sync", "a", time.Minute); !ok {
		t.Fatal("a could not renew")
	}
	now = now.Add(2 * time.Minute)
	if ok, _ := db.AcquireLease(ctx, "sync", "b", time.Minute); !ok {
		t.Fatal("b could not take an expired lease")
	}
	if err := db.ReleaseLease(ctx, "sync", "b"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := db.AcquireLease(ctx, "sync", "a", time.Minute); !ok {
		t.Fatal("a could not take a released lease")
	}
}

func TestSellerStore(t *testing.T) {
	sellerstest.Run(t, func(t *testing.T) sellerstest.Stores {
		db := MustOpen(t)
		return sellerstest.Stores{Accounts: db.Accounts(), Sellers: db.Sellers()}
	})
}

func TestCatalogStore(t *testing.T) {
	catalogtest.Run(t, func(t *testing.T) catalogtest.Stores {
		db := MustOpen(t)
		return catalogtest.Stores{Accounts: db.Accounts(), Sellers: db.Sellers(), Catalog: db.Catalog()}
	})
}

// whileReading runs read from four goroutines, each until it fails or
// write returns, and reports each reader's failure.
func whileReading(t *testing.T, read func(last *int64) error, write func()) {
	t.Helper()
	stop := make(chan struct{})
	errs := make(chan error, 4)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := int64(-1)
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := read(&last); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	write()
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
