package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
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

// TestCommitterReusesItsStatements runs checkout-shaped transactions in
// several waves (so in several batches, most with many transactions each),
// some failing after their writes, while other writes go through the
// database/sql pool: each statement of the committer is compiled once and
// serves every transaction of every batch, failures are rolled back alone,
// and the other writer never meets a busy database.
func TestCommitterReusesItsStatements(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "ocop.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	const insert, count = `INSERT INTO t (k, n) VALUES (?, ?)`, `SELECT count(*) FROM t WHERE n = ?`
	const waves, perWave = 4, 50
	errShort := errors.New("short after writing")
	var mu sync.Mutex
	inserts, committed := 0, map[string]bool{}
	for w := range waves {
		var wg sync.WaitGroup
		for i := range perWave {
			wg.Add(1)
			go func() {
				defer wg.Done()
				k := fmt.Sprintf("w%d-%d", w, i)
				err := db.batchTx(ctx, func(ctx context.Context, tx txWriter) error {
					if _, err := tx.exec(ctx, insert, k, w); err != nil {
						return err
					}
					mu.Lock()
					inserts++
					mu.Unlock()
					var n int
					if err := queryRow(ctx, tx, count, []any{w}, &n); err != nil || n == 0 {
						return fmt.Errorf("own insert not visible: %d, %v", n, err)
					}
					if i%5 == 0 {
						return errShort
					}
					return nil
				})
				switch {
				case i%5 == 0 && !errors.Is(err, errShort):
					t.Errorf("%s: %v, want the transaction's own error", k, err)
				case i%5 != 0 && err != nil:
					t.Errorf("%s: %v", k, err)
				case err == nil:
					mu.Lock()
					committed[k] = true
					mu.Unlock()
				}
			}()
		}
		// Meanwhile another writer, through the pool.
		for i := range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				k := fmt.Sprintf("pool%d-%d", w, i)
				if _, err := db.write.ExecContext(ctx, insert, k, -1); err != nil {
					t.Errorf("a write beside the committer: %v", err)
					return
				}
				mu.Lock()
				committed[k] = true
				mu.Unlock()
			}()
		}
		wg.Wait()
	}

	rows, err := db.read.QueryContext(ctx, `SELECT k FROM t`)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		stored[k] = true
	}
	rows.Close()
	if len(stored) != len(committed) || len(committed) != waves*(perWave-perWave/5+5) {
		t.Fatalf("%d rows stored, %d acknowledged, want %d", len(stored), len(committed), waves*(perWave-perWave/5+5))
	}
	for k := range committed {
		if !stored[k] {
			t.Errorf("%s acknowledged but not stored", k)
		}
	}

	stats, err := CommitterStatements(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if got := stats[insert]; got.Runs != inserts || got.Recompiles != 0 {
		t.Errorf("insert: %+v, want %d runs on one compiled statement", got, inserts)
	}
	if got := stats[count]; got.Runs != inserts || got.Recompiles != 0 {
		t.Errorf("count: %+v, want %d runs on one compiled statement", got, inserts)
	}
	// Every wave had at least one batch of its own; a batch in which a
	// transaction failed after writing ran twice, the second time with a
	// savepoint per transaction, in which each failure rolled back once.
	if b := stats["BEGIN IMMEDIATE"].Runs; b < waves+1 || b > 2*waves*perWave+1 {
		t.Errorf("%d batches for %d transactions in %d waves", b, waves*perWave, waves)
	}
	if s := stats["SAVEPOINT checkout"].Runs; s < waves*perWave/5 || s > waves*perWave {
		t.Errorf("%d savepoints for %d transactions, %d of them failing after writing", s, waves*perWave, waves*perWave/5)
	}
	if r := stats["ROLLBACK TO checkout"].Runs; r != waves*perWave/5 {
		t.Errorf("%d rollbacks to a savepoint for %d failed transactions", r, waves*perWave/5)
	}
}

// TestBatchTxCallerGivesUpWhileQueued: a caller whose context ends while
// its transaction waits behind a running batch is answered with that error
// and its transaction never runs; the batch after it runs normally.
func TestBatchTxCallerGivesUpWhileQueued(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "ocop.db"), Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	started, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- db.batchTx(ctx, func(context.Context, txWriter) error {
			close(started)
			<-release
			return nil
		})
	}()
	<-started
	queued, cancel := context.WithCancel(ctx)
	ran := make(chan bool, 1)
	second := make(chan error, 1)
	go func() {
		second <- db.batchTx(queued, func(context.Context, txWriter) error { ran <- true; return nil })
	}()
	for len(db.batches) == 0 {
		runtime.Gosched()
	}
	cancel()
	close(release)
	if err := <-first; err != nil {
		t.Fatalf("the running batch: %v", err)
	}
	if err := <-second; !errors.Is(err, context.Canceled) {
		t.Fatalf("the caller who gave up: %v, want context.Canceled", err)
	}
	select {
	case <-ran:
		t.Fatal("the transaction of a caller who gave up ran")
	default:
	}
	if err := db.batchTx(ctx, func(ctx context.Context, tx txWriter) error {
		_, err := tx.exec(ctx, `CREATE TABLE after (x)`)
		return err
	}); err != nil {
		t.Fatalf("the next batch: %v", err)
	}
}

// TestCloseAfterBatchesReleasesTheDatabase: Close on an idle database
// whose committer holds compiled statements finalizes them, so SQLite
// really closes the file (the last connection to close a WAL database
// checkpoints it and removes the -wal file; an unfinalized statement would
// keep the connection open).
func TestCloseAfterBatchesReleasesTheDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ocop.db")
	db, err := Open(context.Background(), path, Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE t (k TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := db.batchTx(ctx, func(ctx context.Context, tx txWriter) error {
			_, err := tx.exec(ctx, `INSERT INTO t (k) VALUES (?)`, fmt.Sprint(i))
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Fatalf("no WAL file while open: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the WAL file outlived Close (a connection was left open): %v", err)
	}
	db, err = Open(ctx, path, Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("after reopening: %d rows (%v), want 3", n, err)
	}
}

// oneBatch opens a store with table t (made by create), and runs n
// transactions (fn(i) the i-th) in one batch: queued while the committer
// is busy with another. It returns their results and the committer's
// statement counts over the whole, which the store's own statements
// (the busy batch's, and CommitterStatements') add three batches to.
func oneBatch(t *testing.T, create string, n int, fn func(i int) func(ctx context.Context, tx txWriter) error) (*DB, []error, map[string]StmtStats) {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "ocop.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if _, err := db.write.ExecContext(ctx, create); err != nil {
		t.Fatal(err)
	}
	before, err := CommitterStatements(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	blocker := make(chan error, 1)
	go func() {
		blocker <- db.batchTx(ctx, func(context.Context, txWriter) error {
			close(started)
			<-release
			return nil
		})
	}()
	<-started
	results := make(chan error, n)
	for i := range n {
		go func() { results <- db.batchTx(ctx, fn(i)) }()
	}
	for len(db.batches) < n {
		runtime.Gosched()
	}
	close(release)
	if err := <-blocker; err != nil {
		t.Fatal(err)
	}
	errs := make([]error, n)
	for i := range n {
		errs[i] = <-results
	}
	after, err := CommitterStatements(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for q, st := range after {
		st.Runs -= before[q].Runs
		st.Recompiles -= before[q].Recompiles
		after[q] = st
	}
	return db, errs, after
}

// TestOneBatchOfManyOnOneStatement queues transactions while the committer
// is busy, so that they all run in the next batch: one compiled statement
// for all their inserts, and the failing ones rolled back alone.
func TestOneBatchOfManyOnOneStatement(t *testing.T) {
	const insert, n = `INSERT INTO t (k) VALUES (?)`, 40
	errFail := errors.New("fails after its insert")
	db, errs, stats := oneBatch(t, `CREATE TABLE t (k INTEGER PRIMARY KEY)`, n, func(i int) func(ctx context.Context, tx txWriter) error {
		return func(ctx context.Context, tx txWriter) error {
			if _, err := tx.exec(ctx, insert, i); err != nil {
				return err
			}
			if i%4 == 0 {
				return errFail
			}
			return nil
		}
	})
	failed := 0
	for _, err := range errs {
		switch {
		case errors.Is(err, errFail):
			failed++
		case err != nil:
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	var rows int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM t WHERE k % 4 != 0`).Scan(&rows); err != nil || rows != n-n/4 || failed != n/4 {
		t.Fatalf("%d rows stored, %d failed (%v); want %d and %d", rows, failed, err, n-n/4, n/4)
	}
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&rows); err != nil || rows != n-n/4 {
		t.Fatalf("%d rows in all (%v): a failed transaction's insert stayed", rows, err)
	}
	// The queued batch ran without savepoints until the first transaction
	// that failed after its insert, then again with them.
	if b := stats["BEGIN IMMEDIATE"].Runs; b != 3+1 {
		t.Errorf("%d batches, want 4: the queued transactions did not share one", b)
	}
	if s := stats["SAVEPOINT checkout"].Runs; s != n {
		t.Errorf("%d savepoints for the %d transactions run again", s, n)
	}
	if got := stats[insert]; got.Runs <= n || got.Runs > 2*n || got.Recompiles != 0 {
		t.Errorf("insert: %+v, want %d to %d runs of one compiled statement", got, n+1, 2*n)
	}
}

// TestFailuresBeforeWritingNeedNoSavepoint: transactions that fail before
// they write (a key reused, stock short) share a batch with the others
// without a savepoint each, and the others commit.
func TestFailuresBeforeWritingNeedNoSavepoint(t *testing.T) {
	const n = 40
	errRefused := errors.New("refused before writing")
	db, errs, stats := oneBatch(t, `CREATE TABLE t (k INTEGER PRIMARY KEY, n INTEGER NOT NULL CHECK (n >= 0))`, n, func(i int) func(ctx context.Context, tx txWriter) error {
		return func(ctx context.Context, tx txWriter) error {
			switch i % 4 {
			case 0:
				return errRefused
			case 1:
				// A statement that fails changes nothing either.
				_, err := tx.exec(ctx, `INSERT INTO t (k, n) VALUES (?, -1)`, i)
				return err
			}
			_, err := tx.exec(ctx, `INSERT INTO t (k, n) VALUES (?, 1)`, i)
			return err
		}
	})
	failed := 0
	for _, err := range errs {
		if err != nil {
			failed++
		}
	}
	var rows int
	if err := db.read.QueryRowContext(context.Background(), `SELECT count(*) FROM t`).Scan(&rows); err != nil || rows != n/2 || failed != n/2 {
		t.Fatalf("%d rows stored, %d failed (%v); want %d and %d", rows, failed, err, n/2, n/2)
	}
	if b := stats["BEGIN IMMEDIATE"].Runs; b != 3 {
		t.Errorf("%d batches, want 3: the blocker's, the queued transactions', CommitterStatements'", b)
	}
	if s := stats["SAVEPOINT checkout"].Runs; s != 0 {
		t.Errorf("%d savepoints for transactions that failed before writing", s)
	}
}
