package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

func TestBatchTxIsolatesFailuresAndCommitsTheRest(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "ocop.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE t (k TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	errOdd := errors.New("odd keys fail after writing")
	const n = 200
	var wg sync.WaitGroup
	results := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = db.batchTx(ctx, func(ctx context.Context, tx txWriter) error {
				if _, err := tx.exec(ctx, `INSERT INTO t (k) VALUES (?)`, fmt.Sprint(i)); err != nil {
					return err
				}
				if i%2 == 1 {
					return errOdd // its insert must be undone, and only its own
				}
				return nil
			})
			// Answered only after the commit: the write is visible to any reader now.
			if results[i] == nil {
				var k string
				if err := db.read.QueryRowContext(ctx, `SELECT k FROM t WHERE k = ?`, fmt.Sprint(i)).Scan(&k); err != nil {
					t.Errorf("key %d answered before it was committed: %v", i, err)
				}
			}
		}()
	}
	wg.Wait()
	for i, err := range results {
		if (i%2 == 1) != errors.Is(err, errOdd) || (i%2 == 0 && err != nil) {
			t.Errorf("key %d: %v", i, err)
		}
	}
	var count int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&count); err != nil || count != n/2 {
		t.Fatalf("%d rows, want %d (%v)", count, n/2, err)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	ran := false
	if err := db.batchTx(cancelled, func(context.Context, txWriter) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("a cancelled caller: err %v, ran %v", err, ran)
	}
}

func TestBatchTxSurvivesAPanic(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "ocop.db"), Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	err = db.batchTx(ctx, func(context.Context, txWriter) error {
		var m map[string]int
		m["x"]++
		return nil
	})
	if err == nil {
		t.Fatal("a panicking transaction reported success")
	}
	if err := db.batchTx(ctx, func(context.Context, txWriter) error { return nil }); err != nil {
		t.Fatalf("the committer died with the panic: %v", err)
	}
}
