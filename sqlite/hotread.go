package sqlite

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"

	"modernc.org/libc"
	lib "modernc.org/sqlite/lib"
)

// hotReads runs the point lookups of a product page on read-only
// connections of its own (rawConn: every statement compiled once per
// connection and reused; under load, compiling was half of the CPU of
// GET /api/v1/products/{id}). Only fixed queries with text parameters run
// here; everything else goes through database/sql.
type hotReads struct {
	path  string
	free  chan *hotConn
	slots chan struct{} // one token per connection that may still be opened

	mu     sync.Mutex
	all    []*hotConn
	closed atomic.Bool
}

// hotConn is one read-only connection of hotReads.
type hotConn struct{ rawConn }

func newHotReads(path string, conns int) *hotReads {
	h := &hotReads{path: path, free: make(chan *hotConn, conns), slots: make(chan struct{}, conns)}
	for range conns {
		h.slots <- struct{}{}
	}
	return h
}

// get returns an idle connection, opens one while fewer than the maximum
// exist, or waits for one.
func (h *hotReads) get(ctx context.Context) (*hotConn, error) {
	if h.closed.Load() {
		return nil, errClosed
	}
	select {
	case c := <-h.free:
		return c, nil
	default:
	}
	select {
	case c := <-h.free:
		return c, nil
	case <-h.slots:
		c, err := openHot(h.path)
		if err != nil {
			h.slots <- struct{}{}
			return nil, err
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.closed.Load() {
			c.close()
			return nil, errClosed
		}
		h.all = append(h.all, c)
		return c, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (h *hotReads) put(c *hotConn) { h.free <- c }

// discard closes a connection that cannot be reused and frees its slot.
func (h *hotReads) discard(c *hotConn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, x := range h.all {
		if x == c {
			h.all = append(h.all[:i], h.all[i+1:]...)
			break
		}
	}
	if !h.closed.Load() {
		c.close()
	}
	h.slots <- struct{}{}
}

var errClosed = errors.New("sqlite: database is closed")

// Close closes every connection. Lookups must have finished.
func (h *hotReads) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed.Store(true)
	for len(h.free) > 0 {
		<-h.free
	}
	for _, c := range h.all {
		c.close()
	}
	h.all = nil
}

func openHot(path string) (*hotConn, error) {
	tls := libc.NewTLS()
	c := &hotConn{rawConn{tls: tls, stmts: map[string]uintptr{}}}
	name, err := libc.CString(path)
	if err != nil {
		tls.Close()
		return nil, err
	}
	defer libc.Xfree(tls, name)
	pdb := libc.Xmalloc(tls, 8)
	if pdb == 0 {
		tls.Close()
		return nil, errors.New("sqlite: out of memory")
	}
	defer libc.Xfree(tls, pdb)
	rc := lib.Xsqlite3_open_v2(tls, name, pdb, lib.SQLITE_OPEN_READONLY|lib.SQLITE_OPEN_NOMUTEX, 0)
	c.db = libc.AtomicLoadPUintptr(pdb)
	if rc != lib.SQLITE_OK {
		err := c.err("open", rc)
		c.close()
		return nil, err
	}
	lib.Xsqlite3_busy_timeout(tls, c.db, 10000)
	if err := c.execScript("PRAGMA cache_size = -" + strconv.Itoa(hotCacheKiB)); err != nil {
		c.close()
		return nil, err
	}
	return c, nil
}

func (c *hotConn) close() {
	c.finalize()
	if c.db != 0 {
		lib.Xsqlite3_close_v2(c.tls, c.db)
		c.db = 0
	}
	c.tls.Close()
}

// hotQuery runs one query with text arguments and calls row for every
// result row. The row is valid only during the call.
type hotQuery func(query string, args []string, row func(rawRow) error) error

// read runs fn's queries in one read transaction: they see one snapshot of
// the database (a seller and its helpers of the same version), and the WAL
// read lock is taken once instead of once per statement.
func (h *hotReads) read(ctx context.Context, fn func(q hotQuery) error) error {
	return h.with(ctx, func(c *hotConn) (bool, error) {
		if err := c.run("BEGIN", nil, nil); err != nil {
			return false, err
		}
		err := fn(c.run)
		end := "COMMIT"
		if err != nil {
			end = "ROLLBACK"
		}
		if e := c.run(end, nil, nil); e != nil {
			// A connection left inside a transaction would fail every
			// later read: close it, another is opened when needed.
			return false, errors.Join(err, e)
		}
		return true, err
	})
}

// each runs fn's queries each in a snapshot of its own: for reads of one
// statement, which need no transaction around them.
func (h *hotReads) each(ctx context.Context, fn func(q hotQuery) error) error {
	return h.with(ctx, func(c *hotConn) (bool, error) { return true, fn(c.run) })
}

// with lends fn a connection, and takes it back if fn says it can be
// reused, or closes it.
func (h *hotReads) with(ctx context.Context, fn func(c *hotConn) (reusable bool, err error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c, err := h.get(ctx)
	if err != nil {
		return err
	}
	reusable, err := fn(c)
	if reusable {
		h.put(c)
	} else {
		h.discard(c)
	}
	return err
}

// run runs one compiled-once statement on the connection.
func (c *hotConn) run(query string, args []string, row func(rawRow) error) error {
	as := make([]any, len(args))
	for i, a := range args {
		as[i] = a
	}
	_, err := c.rawConn.run(query, as, row)
	return err
}
