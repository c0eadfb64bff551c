package sqlite

import (
	"context"

	lib "modernc.org/sqlite/lib"
)

// StmtStats is how often one of the committer's compiled statements ran,
// and how often SQLite had to compile it again.
type StmtStats struct{ Runs, Recompiles int }

// CommitterStatements returns the committer's compiled statements by SQL
// text. It is read on the committer itself, as one more batched
// transaction (which runs BEGIN, SAVEPOINT and RELEASE once more).
func CommitterStatements(ctx context.Context, db *DB) (map[string]StmtStats, error) {
	out := map[string]StmtStats{}
	err := db.batchTx(ctx, func(_ context.Context, tx txWriter) error {
		c := tx.(*batchWriter).rawConn
		for q, st := range c.stmts {
			out[q] = StmtStats{
				Runs:       int(lib.Xsqlite3_stmt_status(c.tls, st, lib.SQLITE_STMTSTATUS_RUN, 0)),
				Recompiles: int(lib.Xsqlite3_stmt_status(c.tls, st, lib.SQLITE_STMTSTATUS_REPREPARE, 0)),
			}
		}
		return nil
	})
	return out, err
}

// PageKept reports whether the page cache holds the product and its seller.
func PageKept(db *DB, productID string) bool {
	_, _, ok := db.pages.get(productID)
	return ok
}
