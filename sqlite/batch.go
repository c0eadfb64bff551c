package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// Group commit. With synchronous=FULL every COMMIT waits for the disk to
// flush the WAL, so one writer committing one checkout at a time is bound by
// the disk's flush rate. batchTx lets the checkouts waiting at the same
// moment share one transaction and one flush: each runs inside its own
// SAVEPOINT, so a checkout that fails (short of stock, a replayed key) is
// rolled back alone; every caller is answered only after the COMMIT that
// makes its writes durable. A lone checkout is never delayed: a batch is
// whatever is already waiting when the writer becomes free.

// maxBatch bounds how many transactions share one commit.
const maxBatch = 64

type batchReq struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *sql.Tx) error
	done chan error
}

// batchTx runs fn in a write transaction that may be shared with other
// batchTx calls, committed before it returns. fn gets a context that is not
// cancelled while it runs: interrupting a statement would roll back the
// whole shared transaction. It must not call tx, batchTx or anything that
// writes outside tx.
func (db *DB) batchTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
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

// committer runs queued batchTx calls, a batch at a time, until the queue is closed.
func (db *DB) committer() {
	defer close(db.committerDone)
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
		db.runBatch(batch)
	}
}

func (db *DB) runBatch(batch []*batchReq) {
	results := make([]error, len(batch))
	answer := func() {
		for i, r := range batch {
			r.done <- results[i]
		}
	}
	bg := context.Background()
	tx, err := db.write.BeginTx(bg, nil)
	if err != nil {
		for i := range results {
			results[i] = fmt.Errorf("sqlite: begin: %w", err)
		}
		answer()
		return
	}
	ok := 0
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = err // the caller gave up before its turn: nothing was written
			continue
		}
		if _, err := tx.ExecContext(bg, "SAVEPOINT checkout"); err != nil {
			results[i] = err
			continue
		}
		if err := runGuarded(r, tx); err != nil {
			results[i] = err
			if _, rerr := tx.ExecContext(bg, "ROLLBACK TO checkout"); rerr != nil {
				// The transaction itself is gone: nothing of this batch stands.
				_ = tx.Rollback()
				for j := range results {
					if results[j] == nil {
						results[j] = fmt.Errorf("sqlite: batch aborted: %w", rerr)
					}
				}
				answer()
				return
			}
		} else {
			ok++
		}
		if _, err := tx.ExecContext(bg, "RELEASE checkout"); err != nil && results[i] == nil {
			results[i] = err
		}
	}
	if ok == 0 {
		_ = tx.Rollback()
		answer()
		return
	}
	if err := tx.Commit(); err != nil {
		for i := range results {
			if results[i] == nil {
				results[i] = fmt.Errorf("sqlite: commit: %w", err)
			}
		}
	}
	answer()
}

// runGuarded runs one request's fn, turning a panic into that request's
// error: the committer serves every checkout and must outlive a bug in one.
func runGuarded(r *batchReq, tx *sql.Tx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("sqlite: panic in a batched transaction: %v", v)
		}
	}()
	return r.fn(context.WithoutCancel(r.ctx), tx)
}
