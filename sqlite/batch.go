package sqlite

import (
	"context"
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

// runBatch runs a batch in one transaction, each request in its own
// savepoint, and records each request's outcome in results. It leaves the
// connection outside any transaction.
func runBatch(w *batchWriter, batch []*batchReq, results []error) {
	bg := context.Background()
	defer func() {
		if lib.Xsqlite3_get_autocommit(w.tls, w.db) == 0 {
			_, _ = w.exec(bg, "ROLLBACK")
		}
	}()
	fail := func(err error) {
		for i := range results {
			if results[i] == nil {
				results[i] = err
			}
		}
	}
	if _, err := w.exec(bg, "BEGIN IMMEDIATE"); err != nil {
		fail(fmt.Errorf("sqlite: begin: %w", err))
		return
	}
	ok := 0
	counters := counterSum{}
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = err // the caller gave up before its turn: nothing was written
			continue
		}
		if _, err := w.exec(bg, "SAVEPOINT checkout"); err != nil {
			results[i] = err
			continue
		}
		w.held = w.held[:0]
		end := "RELEASE checkout"
		if err := runGuarded(r, w); err != nil {
			results[i] = err
			end = "ROLLBACK TO checkout"
		}
		if _, err := w.exec(bg, end); err != nil {
			// The transaction itself is gone: nothing of this batch stands.
			_, _ = w.exec(bg, "ROLLBACK")
			for j := range results {
				if results[j] == nil {
					results[j] = fmt.Errorf("sqlite: batch aborted: %w", err)
				}
			}
			return
		}
		if results[i] == nil {
			ok++
			for _, d := range w.held {
				counters.add(d)
			}
		} else if end == "ROLLBACK TO checkout" {
			// Rolled back to the savepoint, which stays open: release it.
			if _, err := w.exec(bg, "RELEASE checkout"); err != nil {
				_, _ = w.exec(bg, "ROLLBACK")
				fail(fmt.Errorf("sqlite: batch aborted: %w", err))
				return
			}
		}
	}
	if ok == 0 {
		_, _ = w.exec(bg, "ROLLBACK")
		return
	}
	if err := addCounters(bg, w.rawConn, counters.rows()); err != nil {
		_, _ = w.exec(bg, "ROLLBACK")
		fail(fmt.Errorf("sqlite: uptake rollups: %w", err))
		return
	}
	if _, err := w.exec(bg, "COMMIT"); err != nil {
		fail(fmt.Errorf("sqlite: commit: %w", err))
	}
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
