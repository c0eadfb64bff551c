package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"time"

	_ "modernc.org/sqlite" // the driver the embedded store uses
)

// bareServer serves body with the given headers on every path, from a
// plain net/http server on a free loopback port: what the product endpoint
// would cost if the marketplace did nothing at all.
func bareServer(body []byte, contentType, etag string) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	length := strconv.Itoa(len(body))
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Type", contentType)
			h.Set("Content-Length", length)
			if etag != "" {
				h.Set("ETag", etag)
			}
			_, _ = w.Write(body)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// rawCheckouts is the floor under the checkout scenario: SQLite
// transactions of the same shape as a checkout (a conditional stock
// decrement and two inserts, BEGIN IMMEDIATE, one writer connection) with
// the pragmas of the embedded store, driven by the same load generator.
type rawCheckouts struct {
	db       *sql.DB
	products int
}

// openRawCheckouts creates the database in dir with hot products of a stock
// that does not run out during the run.
func openRawCheckouts(ctx context.Context, dir, synchronous string, products int) (*rawCheckouts, error) {
	// The same pragmas as sqlite.Open: WAL, a busy timeout, foreign keys,
	// the chosen synchronous level, temp tables in memory, a 32 MB cache.
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous("+synchronous+")")
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Add("_pragma", "cache_size(-32000)")
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "raw.db")+"?"+q.Encode()+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	for _, stmt := range []string{
		`CREATE TABLE products (id TEXT PRIMARY KEY, stock INTEGER NOT NULL CHECK (stock >= 0), sold INTEGER NOT NULL DEFAULT 0, version INTEGER NOT NULL DEFAULT 1)`,
		`CREATE TABLE checkouts (id TEXT PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, buyer_phone TEXT NOT NULL, total_vnd INTEGER NOT NULL, created_at INTEGER NOT NULL)`,
		`CREATE TABLE orders (id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE, checkout_id TEXT NOT NULL REFERENCES checkouts(id), buyer_phone TEXT NOT NULL, lines TEXT NOT NULL, total_vnd INTEGER NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL)`,
		`CREATE INDEX orders_buyer ON orders (buyer_phone)`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			db.Close()
			return nil, fmt.Errorf("raw sqlite: %w", err)
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		db.Close()
		return nil, err
	}
	for i := 0; i < products; i++ {
		if _, err := tx.ExecContext(ctx, `INSERT INTO products (id, stock) VALUES (?, ?)`, "p"+strconv.Itoa(i), 1<<40); err != nil {
			tx.Rollback()
			db.Close()
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		db.Close()
		return nil, err
	}
	return &rawCheckouts{db: db, products: products}, nil
}

func (rc *rawCheckouts) close() error { return rc.db.Close() }

// op is one checkout-shaped transaction: 201 when it committed, 409 when
// the stock was short.
func (rc *rawCheckouts) op(ctx context.Context, w int, rng *rand.Rand) outcome {
	product := "p" + strconv.Itoa(rng.IntN(rc.products))
	qty := 1 + rng.IntN(3)
	now := time.Now().UnixMilli()
	checkoutID := randomID(rng)
	tx, err := rc.db.BeginTx(ctx, nil)
	if err != nil {
		return outcome{err: err}
	}
	res, err := tx.ExecContext(ctx, `UPDATE products SET stock = stock - ?, sold = sold + ?, version = version + 1 WHERE id = ? AND stock >= ?`, qty, qty, product, qty)
	if err != nil {
		tx.Rollback()
		return outcome{err: err}
	}
	if n, _ := res.RowsAffected(); n != 1 {
		tx.Rollback()
		return outcome{status: http.StatusConflict}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO checkouts (id, idempotency_key, buyer_phone, total_vnd, created_at) VALUES (?, ?, ?, ?, ?)`,
		checkoutID, randomID(rng), "+8490"+strconv.Itoa(1000000+w), 25000*qty, now); err != nil {
		tx.Rollback()
		return outcome{err: err}
	}
	lines := `[{"productId":"` + product + `","name":"Hoa súng Lê Sánh","unit":"bó","qty":` + strconv.Itoa(qty) + `,"unitPriceVnd":25000}]`
	if _, err := tx.ExecContext(ctx, `INSERT INTO orders (id, code, checkout_id, buyer_phone, lines, total_vnd, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'placed', ?)`,
		randomID(rng), "HG-"+randomID(rng)[:8], checkoutID, "+8490"+strconv.Itoa(1000000+w), lines, 25000*qty, now); err != nil {
		tx.Rollback()
		return outcome{err: err}
	}
	if err := tx.Commit(); err != nil {
		return outcome{err: err}
	}
	return outcome{status: http.StatusCreated}
}

const idAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// randomID is a 20-character id from the worker's random source.
func randomID(rng *rand.Rand) string {
	var b [20]byte
	for i := range b {
		b[i] = idAlphabet[rng.IntN(len(idAlphabet))]
	}
	return string(b[:])
}
