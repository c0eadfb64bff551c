package sqlite

import (
	"context"
	"errors"
	"fmt"

	"modernc.org/libc"
	lib "modernc.org/sqlite/lib"

	"github.com/ocopmarket/market/uptake"
)

// Group commit. With synchronous=FULL every COMMIT waits for the disk to
// flush the WAL, so one writer committing one checkout at a time is bound by
// the disk's flush rate. batchTx lets the checkouts waiting at the same
// moment share one transaction and one flush: each runs inside its own
// SAVEPOINT, so a checkout that fails (short of stock, a replayed key) is
// rolled back alone; every caller is answered only after the COMMIT that
// makes its writes durable. A lone checkout is never delayed: a batch is
// whatever is already waiting when the writer becomes free.

// The committer runs the batch on the one write connection of db.write
// (taken from its pool for the batch, so other writes still queue behind
// it and SQLite sees one writer), but through that connection's handle
// with statements compiled once (rawConn): the driver would compile every
// statement of every checkout again, and that was a third of the
// committer's time.

// maxBatch bounds how many transactions share one commit.
const maxBatch = 64

type batchReq struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx txWriter) error
	done chan error
}

// batchTx runs fn in a write transaction that may be shared with other
// batchTx calls, committed before it returns. fn gets a context that is not
// cancelled while it runs: interrupting a statement would roll back the
// whole shared transaction. It must not call batchTx or anything that
// writes outside tx, nor keep tx after it returns.
func (db *DB) batchTx(ctx context.Context, fn func(ctx context.Context, tx txWriter) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	req := &batchReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case db.batches <- req:
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued the request is always answered, after its commit: a
	// caller that stopped waiting could otherwise miss that its checkout
	// was made.
	return <-req.done
}

// batchWriter is the committer's connection as a batched transaction sees
// it. The uptake rollup changes of a transaction are held back (held),
// added to the batch's sum once its savepoint is released, and written
// once for the whole batch before the COMMIT: the checkouts of a batch
// mostly change the same counters (the same day, region and seller), which
// one checkout at a time meant one upsert per counter per checkout.
type batchWriter struct {
	*rawConn
	held []uptake.Delta
}

// committer runs queued batchTx calls, a batch at a time, until the queue
// is closed.
func (db *DB) committer() {
	defer close(db.committerDone)
	w := &batchWriter{rawConn: &rawConn{tls: libc.NewTLS(), stmts: map[string]uintptr{}}}
	defer func() {
		// The statements belong to the write connection, which is still
		// open: Close waits for the committer before closing the pools.
		_ = db.onWriteConn(w, func() error { return nil })
		w.finalize()
		w.tls.Close()
	}()
	for req := range db.batches {
		batch := []*batchReq{req}
	drain:
		for len(batch) < maxBatch {
			select {
			case r, ok := <-db.batches:
				if !ok {
					break drain
				}
				batch = append(batch, r)
			default:
				break drain
			}
		}
		results := make([]error, len(batch))
		if err := db.onWriteConn(w, func() error { runBatch(w, batch, results); return nil }); err != nil {
			for i := range results {
				results[i] = err
			}
		}
		for i, r := range batch {
			r.done <- results[i]
		}
	}
}

// onWriteConn runs fn with w on the handle of db.write's one connection,
// taken from the pool for the time of fn.
func (db *DB) onWriteConn(w *batchWriter, fn func() error) error {
	conn, err := db.write.Conn(context.Background())
	if err != nil {
		return fmt.Errorf("sqlite: write connection: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		h, err := driverHandle(dc)
		if err != nil {
			return err
		}
		if h != w.db {
			// The pool opened a new connection: the statements of the old
			// one go (a connection closed by the driver lives on until
			// they are finalized).
			w.finalize()
			w.db = h
		}
		return fn()
	})
}

// runBatch runs a batch in one transaction and records each request's
// outcome in results. It leaves the connection outside any transaction.
//
// The requests first run one after another without savepoints. Most that
// fail (a key reused, stock short, a request the checkout refuses) fail
// before they write, and leave nothing to undo. A savepoint a request
// cost its share of the sub-journal, where SQLite copies each page a
// savepoint changes first, and the allocations it takes: a tenth of a
// checkout's CPU. A request that fails after writing cannot be undone
// alone without one, so the batch is then rolled back and run again with
// a savepoint each, in which a failure rolls back only its own writes.
func runBatch(w *batchWriter, batch []*batchReq, results []error) {
	bg := context.Background()
	defer func() {
		if lib.Xsqlite3_get_autocommit(w.tls, w.db) == 0 {
			_, _ = w.exec(bg, "ROLLBACK")
		}
	}()
	if runRequests(w, batch, results, false) {
		return
	}
	_, _ = w.exec(bg, "ROLLBACK")
	clear(results)
	runRequests(w, batch, results, true)
}

// runRequests runs the batch's requests in one transaction, with a
// savepoint each or none, and commits those that succeeded. Without
// savepoints it stops and reports false, the transaction still open, at
// the first request that failed after writing.
func runRequests(w *batchWriter, batch []*batchReq, results []error, savepoints bool) bool {
	bg := context.Background()
	fail := func(err error) {
		for i := range results {
			if results[i] == nil {
				results[i] = err
			}
		}
	}
	if _, err := w.exec(bg, "BEGIN IMMEDIATE"); err != nil {
		fail(fmt.Errorf("sqlite: begin: %w", err))
		return true
	}
	ok := 0
	counters := counterSum{}
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = err // the caller gave up before its turn: nothing was written
			continue
		}
		w.held = w.held[:0]
		if savepoints {
			if err := runSaved(w, r); err != nil {
				var gone errBatchGone
				if errors.As(err, &gone) {
					// The transaction itself is gone: nothing of this batch stands.
					_, _ = w.exec(bg, "ROLLBACK")
					results[i] = err
					fail(fmt.Errorf("sqlite: batch aborted: %w", gone.err))
					return true
				}
				results[i] = err
				continue
			}
		} else {
			before := lib.Xsqlite3_total_changes64(w.tls, w.db)
			if err := runGuarded(r, w); err != nil {
				if lib.Xsqlite3_get_autocommit(w.tls, w.db) != 0 {
					// An error that ends the transaction (a full disk):
					// nothing of this batch stands.
					results[i] = err
					fail(fmt.Errorf("sqlite: batch aborted: %w", err))
					return true
				}
				if lib.Xsqlite3_total_changes64(w.tls, w.db) != before {
					return false // written, then failed: only a savepoint undoes it alone
				}
				results[i] = err
				continue
			}
		}
		ok++
		for _, d := range w.held {
			counters.add(d)
		}
	}
	if ok == 0 {
		_, _ = w.exec(bg, "ROLLBACK")
		return true
	}
	if err := addCounters(bg, w.rawConn, counters.rows()); err != nil {
		_, _ = w.exec(bg, "ROLLBACK")
		fail(fmt.Errorf("sqlite: uptake rollups: %w", err))
		return true
	}
	if _, err := w.exec(bg, "COMMIT"); err != nil {
		fail(fmt.Errorf("sqlite: commit: %w", err))
	}
	return true
}

// errBatchGone is runSaved's error when the batch's transaction is gone.
type errBatchGone struct{ err error }

func (e errBatchGone) Error() string { return e.err.Error() }

// runSaved runs one request in a savepoint: released when it succeeds,
// rolled back to when it fails, so that only its own writes are undone.
func runSaved(w *batchWriter, r *batchReq) error {
	bg := context.Background()
	if _, err := w.exec(bg, "SAVEPOINT checkout"); err != nil {
		return err // nothing was written
	}
	failed := runGuarded(r, w)
	if failed == nil {
		if _, err := w.exec(bg, "RELEASE checkout"); err != nil {
			return errBatchGone{err}
		}
		return nil
	}
	// Rolled back to, the savepoint stays open: release it too.
	if _, err := w.exec(bg, "ROLLBACK TO checkout"); err != nil {
		return errBatchGone{err}
	}
	if _, err := w.exec(bg, "RELEASE checkout"); err != nil {
		return errBatchGone{err}
	}
	return failed
}

// runGuarded runs one request's fn, turning a panic into that request's
// error: the committer serves every checkout and must outlive a bug in one.
func runGuarded(r *batchReq, tx txWriter) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("sqlite: panic in a batched transaction: %v", v)
		}
	}()
	return r.fn(context.WithoutCancel(r.ctx), tx)
}
