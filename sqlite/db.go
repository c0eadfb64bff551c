// Package sqlite implements every store of the domain packages on one
// SQLite file: the embedded default, for a marketplace on one machine.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ocopmarket/market"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"
)

// DB is an open SQLite database. Writes go through one connection, so
// transactions never wait on each other's locks inside SQLite; reads use a
// pool of their own and, thanks to WAL, never block writes.
type DB struct {
	write *sql.DB
	read  *sql.DB
	// hot serves the point lookups of product pages; see hotReads.
	hot *hotReads
	// sellers remembers the sellers product pages show; see sellerCache.
	sellers sellerCache
	// pages keeps what product pages show; see pageCache. Nil when off.
	pages *pageCache
	// batches feeds the committer of batchTx.
	batches       chan *batchReq
	committerDone chan struct{}
	closeOnce     sync.Once
	path          string
	// Now is the clock used for times the database assigns.
	Now func() time.Time
}

// Page cache sizes in KiB, per connection: the writer's, and each reader's
// (the read pool's and the product pages' hotReads). Pages missing there
// come from the kernel's cache of the file, shared by every connection;
// at 32 MB a reader, the caches made a third of the server's resident
// memory at 100 000 products for little speed. Readers hold 2 MB: a
// uniform read over 100 000 products misses a 4 MB cache as often, and
// the 2 × ReadConns readers (eight on two cores) holding 16 MB less kept
// ocopbench's peak under 300 MB. The writer holds 8 MB: at 16 MB, three
// runs of ocopbench all peaked at 298–301 MB, at 8 MB three peaked at
// 261–274 MB, with checkouts as fast (1 007–1 049/s against 964/s and a
// run with a disk stall, on a slow hour of a shared machine).
//
// The connections of product pages (hotReads) hold 512 KB: pages come
// from the page cache, and what reaches SQLite is a miss, uniform over the
// catalog, or the few newest rows of page_changes; the b-trees' inner
// pages fit.
const (
	writeCacheKiB = 8000
	readCacheKiB  = 2000
	hotCacheKiB   = 512
)

// Options tune Open.
type Options struct {
	// Synchronous is SQLite's synchronous pragma: "FULL" (default, an
	// acknowledged write survives power loss) or "NORMAL" (survives a crash
	// of the process, may lose the last commits on power loss).
	Synchronous string
	// ReadConns is the size of the read pool (default: 2 × CPUs, at least 4).
	ReadConns int
	// PageCacheMB bounds the memory of the products product pages are
	// served from (pageCache): 0 means DefaultPageCacheMB, a negative
	// number none.
	PageCacheMB int
}

// DefaultPageCacheMB holds the 100 000 products of ocopbench's catalog
// (some 190 bytes each) with room to spare.
const DefaultPageCacheMB = 32

// Open opens or creates the database file and applies pending migrations.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if opts.Synchronous == "" {
		opts.Synchronous = "FULL"
	}
	if opts.Synchronous != "FULL" && opts.Synchronous != "NORMAL" {
		return nil, fmt.Errorf("sqlite: synchronous must be FULL or NORMAL, not %q", opts.Synchronous)
	}
	if opts.ReadConns <= 0 {
		opts.ReadConns = max(4, 2*runtime.NumCPU())
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("sqlite: create data directory: %w", err)
		}
	}
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous("+opts.Synchronous+")")
	q.Add("_pragma", "temp_store(MEMORY)")
	dsn := "file:" + path + "?" + q.Encode()

	// Page caches are memory of this process, one per connection; the
	// kernel keeps the file's pages once for all of them. The writer's is
	// the largest: a checkout walks the same indexes again and again.
	write, err := sql.Open("sqlite", dsn+"&_txlock=immediate&_pragma=cache_size(-"+strconv.Itoa(writeCacheKiB)+")")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)

	read, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)&_pragma=cache_size(-"+strconv.Itoa(readCacheKiB)+")")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	read.SetMaxOpenConns(opts.ReadConns)
	read.SetMaxIdleConns(opts.ReadConns)

	db := &DB{write: write, read: read, hot: newHotReads(path, opts.ReadConns), path: path, Now: func() time.Time { return time.Now().UTC() },
		batches: make(chan *batchReq, maxBatch), committerDone: make(chan struct{})}
	go db.committer()
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if opts.PageCacheMB == 0 {
		opts.PageCacheMB = DefaultPageCacheMB
	}
	if opts.PageCacheMB > 0 {
		start, err := db.newestPageChange(ctx)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("sqlite: page changes: %w", err)
		}
		db.pages = newPageCache(opts.PageCacheMB<<20, start, mapWALIndex(path), db.prunePageChanges)
	}
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		close(db.batches)
		<-db.committerDone
		if db.pages != nil {
			db.pages.close()
		}
	})
	db.hot.Close()
	return errors.Join(db.read.Close(), db.write.Close())
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// tx runs fn in one write transaction (BEGIN IMMEDIATE) and commits it, or
// rolls it back when fn returns an error.
func (db *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// querier is what both *sql.DB and *sql.Tx offer, for helpers used in and
// out of transactions.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// placeholders returns n comma-separated "?" for an IN (…) list.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// isUnique reports whether err is a violation of a UNIQUE or PRIMARY KEY constraint.
func isUnique(err error) bool {
	if isRawUnique(err) {
		return true
	}
	var e *sqlite3.Error
	if errors.As(err, &e) {
		c := e.Code()
		return c == sqlite3lib.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// notFound turns sql.ErrNoRows into the given not_found error.
func notFound(err error, nf *market.Error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return nf
	}
	return err
}

// millis stores times as Unix milliseconds in UTC; zero time is NULL-free 0.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMillis is the inverse of millis.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
