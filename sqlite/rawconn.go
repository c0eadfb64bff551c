package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"reflect"

	"modernc.org/libc"
	lib "modernc.org/sqlite/lib"
)

// rawConn is one SQLite connection driven through the C API of
// modernc.org/sqlite/lib, with every statement compiled once
// (sqlite3_prepare_v3 with SQLITE_PREPARE_PERSISTENT) and reused.
// modernc.org/sqlite's database/sql driver compiles the SQL text on every
// execution, prepared statement or not: under load, compiling was half of
// the CPU of a product page and a third of a checkout's. The product
// pages' read connections (hotReads) and the committer of checkouts
// (batch.go) run their statements here. A rawConn is used by one goroutine
// at a time.
type rawConn struct {
	tls   *libc.TLS
	db    uintptr
	stmts map[string]uintptr
}

// maxStmts bounds a connection's compiled statements; a query beyond them
// (texts built for a varying number of values) is compiled for one use.
const maxStmts = 256

// rawError is an error of the C API, with SQLite's extended result code.
type rawError struct {
	op   string
	code int
	msg  string
}

func (e *rawError) Error() string { return fmt.Sprintf("sqlite: %s: %s (%d)", e.op, e.msg, e.code) }

func (c *rawConn) err(op string, rc int32) error {
	e := &rawError{op: op, code: int(rc), msg: "unknown error"}
	if c.db != 0 {
		e.code = int(lib.Xsqlite3_extended_errcode(c.tls, c.db))
		e.msg = libc.GoString(lib.Xsqlite3_errmsg(c.tls, c.db))
	}
	return e
}

// finalize frees the compiled statements.
func (c *rawConn) finalize() {
	for q, st := range c.stmts {
		lib.Xsqlite3_finalize(c.tls, st)
		delete(c.stmts, q)
	}
}

// execScript runs statements that return no rows, without compiling them for
// reuse.
func (c *rawConn) execScript(query string) error {
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
// time. A statement that is not kept (cached false) must be finalized
// after its use.
func (c *rawConn) stmt(query string) (st uintptr, cached bool, err error) {
	if st, ok := c.stmts[query]; ok {
		return st, true, nil
	}
	q, err := libc.CString(query)
	if err != nil {
		return 0, false, err
	}
	defer libc.Xfree(c.tls, q)
	pst := libc.Xmalloc(c.tls, 8)
	if pst == 0 {
		return 0, false, errors.New("sqlite: out of memory")
	}
	defer libc.Xfree(c.tls, pst)
	keep := len(c.stmts) < maxStmts
	var flags uint32
	if keep {
		flags = lib.SQLITE_PREPARE_PERSISTENT
	}
	if rc := lib.Xsqlite3_prepare_v3(c.tls, c.db, q, -1, flags, pst, 0); rc != lib.SQLITE_OK {
		return 0, false, c.err("prepare", rc)
	}
	st = libc.AtomicLoadPUintptr(pst)
	if st == 0 {
		// Only white space or a comment: nothing to run.
		return 0, false, fmt.Errorf("sqlite: prepare: no statement in %q", query)
	}
	if keep {
		c.stmts[query] = st
	}
	return st, keep, nil
}

// run runs one statement with args, calls row (if not nil) for every
// result row, and returns the number of rows the statement changed. The
// row is valid only during the call; row may return errStop to end the
// query early, which run then reports as success.
func (c *rawConn) run(query string, args []any, row func(rawRow) error) (int64, error) {
	st, cached, err := c.stmt(query)
	if err != nil {
		return 0, err
	}
	defer func() {
		if cached {
			lib.Xsqlite3_reset(c.tls, st)
			lib.Xsqlite3_clear_bindings(c.tls, st)
		} else {
			lib.Xsqlite3_finalize(c.tls, st)
		}
	}()
	for i, a := range args {
		if err := c.bind(st, int32(i+1), a); err != nil {
			return 0, err
		}
	}
	for {
		switch rc := lib.Xsqlite3_step(c.tls, st); rc {
		case lib.SQLITE_ROW:
			if row == nil {
				continue
			}
			if err := row(rawRow{c, st}); err != nil {
				if errors.Is(err, errStop) {
					return 0, nil
				}
				return 0, err
			}
		case lib.SQLITE_DONE:
			return lib.Xsqlite3_changes64(c.tls, c.db), nil
		default:
			return 0, c.err("step", rc)
		}
	}
}

// errStop, returned by a row function, ends a query without an error.
var errStop = errors.New("stop")

// bind sets parameter i of st to v: text, an integer (of any integer or
// string kind, as database/sql converts them), a bool or NULL.
func (c *rawConn) bind(st uintptr, i int32, v any) error {
	var rc int32
	switch v := v.(type) {
	case nil:
		rc = lib.Xsqlite3_bind_null(c.tls, st, i)
	case string:
		rc = c.bindText(st, i, v)
	case int64:
		rc = lib.Xsqlite3_bind_int64(c.tls, st, i, v)
	case int:
		rc = lib.Xsqlite3_bind_int64(c.tls, st, i, int64(v))
	case bool:
		rc = lib.Xsqlite3_bind_int64(c.tls, st, i, int64(libc.Bool32(v)))
	default:
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			rc = lib.Xsqlite3_bind_int64(c.tls, st, i, rv.Int())
		case reflect.Uint8, reflect.Uint16, reflect.Uint32:
			rc = lib.Xsqlite3_bind_int64(c.tls, st, i, int64(rv.Uint()))
		case reflect.String:
			rc = c.bindText(st, i, rv.String())
		case reflect.Bool:
			rc = lib.Xsqlite3_bind_int64(c.tls, st, i, int64(libc.Bool32(rv.Bool())))
		default:
			return fmt.Errorf("sqlite: cannot bind parameter %d of type %T", i, v)
		}
	}
	if rc != lib.SQLITE_OK {
		return c.err("bind", rc)
	}
	return nil
}

func (c *rawConn) bindText(st uintptr, i int32, s string) int32 {
	p, err := libc.CString(s)
	if err != nil {
		return lib.SQLITE_NOMEM
	}
	rc := lib.Xsqlite3_bind_text(c.tls, st, i, p, int32(len(s)), lib.SQLITE_TRANSIENT)
	libc.Xfree(c.tls, p)
	return rc
}

// rawRow reads the current row of a statement, as sql.Rows.Scan does for
// the destination types the stores use.
type rawRow struct {
	c  *rawConn
	st uintptr
}

func (r rawRow) text(i int32) string {
	p := lib.Xsqlite3_column_text(r.c.tls, r.st, i)
	n := lib.Xsqlite3_column_bytes(r.c.tls, r.st, i)
	if p == 0 || n == 0 {
		return ""
	}
	return string(libc.GoBytes(p, int(n)))
}

func (r rawRow) null(i int32) bool {
	return lib.Xsqlite3_column_type(r.c.tls, r.st, i) == lib.SQLITE_NULL
}

// Scan copies the columns into dest: strings, integers and bools, of any
// named type of those kinds, and sql.Null* of strings and integers.
func (r rawRow) Scan(dest ...any) error {
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
		case *bool:
			*d = lib.Xsqlite3_column_int64(r.c.tls, r.st, col) != 0
		case *sql.NullString:
			*d = sql.NullString{String: r.text(col), Valid: !r.null(col)}
		case *sql.NullInt64:
			*d = sql.NullInt64{Int64: lib.Xsqlite3_column_int64(r.c.tls, r.st, col), Valid: !r.null(col)}
		default:
			rv := reflect.ValueOf(d)
			if rv.Kind() != reflect.Pointer || rv.IsNil() {
				return fmt.Errorf("sqlite: cannot scan column %d into %T", i, d)
			}
			switch e := rv.Elem(); e.Kind() {
			case reflect.String:
				e.SetString(r.text(col))
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				e.SetInt(lib.Xsqlite3_column_int64(r.c.tls, r.st, col))
			case reflect.Bool:
				e.SetBool(lib.Xsqlite3_column_int64(r.c.tls, r.st, col) != 0)
			default:
				return fmt.Errorf("sqlite: cannot scan column %d into %T", i, d)
			}
		}
	}
	return nil
}

// driverHandle returns the sqlite3* of a modernc.org/sqlite driver
// connection, as (*sql.Conn).Raw hands it out. The driver keeps it in an
// unexported field and offers no accessor; go.mod pins the driver's
// version, and TestCommitterStatementsCompiledOnce fails if the field ever
// moves.
func driverHandle(dc any) (uintptr, error) {
	v := reflect.ValueOf(dc)
	if v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
		if f := v.Elem().FieldByName("db"); f.IsValid() && f.Kind() == reflect.Uintptr && f.Uint() != 0 {
			return uintptr(f.Uint()), nil
		}
	}
	return 0, fmt.Errorf("sqlite: no SQLite handle in the driver connection %T", dc)
}

// isRawUnique reports whether err is a UNIQUE or PRIMARY KEY violation
// reported by a rawConn.
func isRawUnique(err error) bool {
	var e *rawError
	return errors.As(err, &e) && (e.code == lib.SQLITE_CONSTRAINT_UNIQUE || e.code == lib.SQLITE_CONSTRAINT_PRIMARYKEY)
}
