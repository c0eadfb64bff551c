package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"modernc.org/libc"
	lib "modernc.org/sqlite/lib"
)

// hotReads runs the point lookups of a product page on read-only
// connections of its own, with every statement compiled once per
// connection (sqlite3_prepare_v3 with SQLITE_PREPARE_PERSISTENT) and
// reused. modernc.org/sqlite's database/sql driver compiles the SQL text
// on every execution, prepared statement or not: under load, parsing was
// half of the CPU of GET /api/v1/products/{id}. Only fixed queries with
// text parameters run here; everything else goes through database/sql.
type hotReads struct {
	path  string
	free  chan *hotConn
	slots chan struct{} // one token per connection that may still be opened

	mu     sync.Mutex
	all    []*hotConn
	closed atomic.Bool
}

// hotConn is one SQLite connection and its compiled statements. It is used
// by one goroutine at a time.
type hotConn struct {
	tls   *libc.TLS
	db    uintptr
	stmts map[string]uintptr
}

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
	c := &hotConn{tls: tls, stmts: map[string]uintptr{}}
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
	// Point lookups touch a few pages each; the read pool already keeps a
	// large cache per connection, and the kernel keeps the file.
	if err := c.exec("PRAGMA cache_size = -8000"); err != nil {
		c.close()
		return nil, err
	}
	return c, nil
}

func (c *hotConn) close() {
	for q, st := range c.stmts {
		lib.Xsqlite3_finalize(c.tls, st)
		delete(c.stmts, q)
	}
	if c.db != 0 {
		lib.Xsqlite3_close_v2(c.tls, c.db)
		c.db = 0
	}
	c.tls.Close()
}

func (c *hotConn) err(op string, rc int32) error {
	msg := "unknown error"
	if c.db != 0 {
		msg = libc.GoString(lib.Xsqlite3_errmsg(c.tls, c.db))
	}
	return fmt.Errorf("sqlite: %s: %s (%d)", op, msg, rc)
}

func (c *hotConn) exec(query string) error {
	q, err := libc.CString(query)
	if err != nil {
		return err
	}
	defer libc.Xfree(c.tls, q)
	if rc := lib.Xsqlite3_exec(c.tls, c.db, q, 0, 0, 0); rc != lib.SQLITE_OK {
		return c.err("exec", rc)
	}
	return nil
}

// stmt returns the compiled statement of query, compiling it the first
// time.
func (c *hotConn) stmt(query string) (uintptr, error) {
	if st, ok := c.stmts[query]; ok {
		return st, nil
	}
	q, err := libc.CString(query)
	if err != nil {
		return 0, err
	}
	defer libc.Xfree(c.tls, q)
	pst := libc.Xmalloc(c.tls, 8)
	if pst == 0 {
		return 0, errors.New("sqlite: out of memory")
	}
	defer libc.Xfree(c.tls, pst)
	if rc := lib.Xsqlite3_prepare_v3(c.tls, c.db, q, -1, lib.SQLITE_PREPARE_PERSISTENT, pst, 0); rc != lib.SQLITE_OK {
		return 0, c.err("prepare", rc)
	}
	st := libc.AtomicLoadPUintptr(pst)
	c.stmts[query] = st
	return st, nil
}

// hotQuery runs one query with text arguments and calls row for every
// result row. The row is valid only during the call.
type hotQuery func(query string, args []string, row func(hotRow) error) error

// read runs fn's queries in one read transaction: they see one snapshot of
// the database (a product and its photos of the same version), and the
// WAL read lock is taken once instead of once per statement.
func (h *hotReads) read(ctx context.Context, fn func(q hotQuery) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c, err := h.get(ctx)
	if err != nil {
		return err
	}
	if err := c.run("BEGIN", nil, nil); err != nil {
		h.discard(c)
		return err
	}
	err = fn(c.run)
	end := "COMMIT"
	if err != nil {
		end = "ROLLBACK"
	}
	if e := c.run(end, nil, nil); e != nil {
		// A connection left inside a transaction would fail every later
		// read: close it, another is opened when needed.
		h.discard(c)
		return errors.Join(err, e)
	}
	h.put(c)
	return err
}

// run runs one compiled-once statement on the connection.
func (c *hotConn) run(query string, args []string, row func(hotRow) error) error {
	st, err := c.stmt(query)
	if err != nil {
		return err
	}
	defer func() {
		lib.Xsqlite3_reset(c.tls, st)
		lib.Xsqlite3_clear_bindings(c.tls, st)
	}()
	for i, a := range args {
		p, err := libc.CString(a)
		if err != nil {
			return err
		}
		rc := lib.Xsqlite3_bind_text(c.tls, st, int32(i+1), p, int32(len(a)), lib.SQLITE_TRANSIENT)
		libc.Xfree(c.tls, p)
		if rc != lib.SQLITE_OK {
			return c.err("bind", rc)
		}
	}
	for {
		switch rc := lib.Xsqlite3_step(c.tls, st); rc {
		case lib.SQLITE_ROW:
			if row == nil {
				continue
			}
			if err := row(hotRow{c, st}); err != nil {
				return err
			}
		case lib.SQLITE_DONE:
			return nil
		default:
			return c.err("step", rc)
		}
	}
}

// hotRow reads the current row of a statement, as sql.Rows.Scan does for
// the destination types the stores use.
type hotRow struct {
	c  *hotConn
	st uintptr
}

func (r hotRow) text(i int32) string {
	p := lib.Xsqlite3_column_text(r.c.tls, r.st, i)
	n := lib.Xsqlite3_column_bytes(r.c.tls, r.st, i)
	if p == 0 || n == 0 {
		return ""
	}
	return string(libc.GoBytes(p, int(n)))
}

func (r hotRow) null(i int32) bool {
	return lib.Xsqlite3_column_type(r.c.tls, r.st, i) == lib.SQLITE_NULL
}

// Scan copies the columns into dest.
func (r hotRow) Scan(dest ...any) error {
	if n := int(lib.Xsqlite3_column_count(r.c.tls, r.st)); n != len(dest) {
		return fmt.Errorf("sqlite: %d columns scanned into %d destinations", n, len(dest))
	}
	for i, d := range dest {
		col := int32(i)
		switch d := d.(type) {
		case *string:
			*d = r.text(col)
		case *int64:
			*d = lib.Xsqlite3_column_int64(r.c.tls, r.st, col)
		case *int:
			*d = int(lib.Xsqlite3_column_int64(r.c.tls, r.st, col))
		case *sql.NullString:
			*d = sql.NullString{String: r.text(col), Valid: !r.null(col)}
		case *sql.NullInt64:
			*d = sql.NullInt64{Int64: lib.Xsqlite3_column_int64(r.c.tls, r.st, col), Valid: !r.null(col)}
		default:
			return fmt.Errorf("sqlite: cannot scan column %d into %T", i, d)
		}
	}
	return nil
}
