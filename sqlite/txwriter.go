package sqlite

import (
	"context"
	"database/sql"
)

// txWriter is an open write transaction as the order writes see it: a
// database/sql transaction (sqlTx) or the committer's compiled statements
// (*rawConn, batch.go). The code of a checkout and of the uptake rollups is
// written once against it and runs in both.
type txWriter interface {
	// exec runs a statement and returns the number of rows it changed.
	exec(ctx context.Context, query string, args ...any) (int64, error)
	// query runs a query and calls row for every result row; row may
	// return errStop to end the query early.
	query(ctx context.Context, query string, args []any, row func(scanner) error) error
}

// scanner is one result row.
type scanner interface{ Scan(dest ...any) error }

// queryRow scans the first row of a query into dest, or returns
// sql.ErrNoRows.
func queryRow(ctx context.Context, w txWriter, query string, args []any, dest ...any) error {
	found := false
	err := w.query(ctx, query, args, func(r scanner) error {
		found = true
		if err := r.Scan(dest...); err != nil {
			return err
		}
		return errStop
	})
	if err == nil && !found {
		return sql.ErrNoRows
	}
	return err
}

// sqlTx is a database/sql transaction as a txWriter.
type sqlTx struct{ tx *sql.Tx }

func (t sqlTx) exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := t.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (t sqlTx) query(ctx context.Context, query string, args []any, row func(scanner) error) error {
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			if err == errStop {
				return nil
			}
			return err
		}
	}
	return rows.Err()
}

// The committer's connection runs the same statements compiled once. The
// context is not consulted: the committer's statements are never
// interrupted (batch.go).

func (c *rawConn) exec(_ context.Context, query string, args ...any) (int64, error) {
	return c.run(query, args, nil)
}

func (c *rawConn) query(_ context.Context, query string, args []any, row func(scanner) error) error {
	_, err := c.run(query, args, func(r rawRow) error { return row(r) })
	return err
}
