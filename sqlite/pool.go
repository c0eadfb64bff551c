package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// pool is a database/sql pool that prepares each distinct query once and
// reuses it (database/sql keeps one prepared statement per connection).
// With modernc.org/sqlite this saves only the copy of the SQL text: its
// driver statement keeps the text and compiles it on every execution. The
// reads where compiling dominated go through hotReads instead.
type pool struct {
	*sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

// maxStmts bounds the cache; queries built with a variable number of
// placeholders beyond it simply run unprepared.
const maxStmts = 512

func newPool(db *sql.DB) *pool { return &pool{DB: db, stmts: map[string]*sql.Stmt{}} }

// stmt returns the prepared statement of query, or nil when it cannot be
// cached (the caller then runs the query directly and sees any error).
func (p *pool) stmt(ctx context.Context, query string) *sql.Stmt {
	p.mu.RLock()
	st := p.stmts[query]
	p.mu.RUnlock()
	if st != nil {
		return st
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if st := p.stmts[query]; st != nil {
		return st
	}
	if len(p.stmts) >= maxStmts {
		return nil
	}
	st, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	p.stmts[query] = st
	return st
}

// QueryRowContext runs a query expected to return at most one row.
func (p *pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// QueryContext runs a query that returns rows.
func (p *pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

// Close closes the prepared statements and the pool.
func (p *pool) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var errs []error
	for q, st := range p.stmts {
		errs = append(errs, st.Close())
		delete(p.stmts, q)
	}
	return errors.Join(append(errs, p.DB.Close())...)
}
