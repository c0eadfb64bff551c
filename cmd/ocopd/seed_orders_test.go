package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/sqlite"
)

func TestSeedDemoOrders(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ocop.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	owner, seller := market.NewID(), market.NewID()
	mustExec := func(q string, args ...any) {
		t.Helper()
		if _, err := raw.Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	mustExec(`INSERT INTO accounts (id, phone, name, password_hash, roles, created_at, updated_at) VALUES (?, '+84987000001', 'Sánh', 'x', 'seller', 1, 1)`, owner)
	mustExec(`INSERT INTO sellers (id, owner_account_id, kind, name, phone, region_id, address, bank_bin, bank_account_number, bank_holder,
		shipping_fee_vnd, status, created_at, updated_at) VALUES (?, ?, 'cooperative', 'HTX', '+84987000001', 'dong-thap', 'Ấp 1',
		'970436', '0011004455667', 'HTX', 25000, 'verified', 1, 1)`, seller, owner)
	var products []demoProduct
	for i, season := range [][]time.Month{{5, 6, 7}, nil, {12, 1, 2}} {
		id := market.NewID()
		mustExec(`INSERT INTO products (id, seller_id, name, category_id, unit, price_vnd, stock, region_id, status, created_by, created_at, updated_at)
			VALUES (?, ?, ?, 'nong-san', 'kg', 40000, 100000, 'dong-thap', 'active', ?, 1, 1)`, id, seller, "Sản phẩm "+string(rune('A'+i)), owner)
		products = append(products, demoProduct{ID: id, SellerOwnerID: owner, Season: season})
	}
	end := time.Date(2026, 6, 30, 17, 0, 0, 0, time.UTC)
	stats, err := seedDemoOrders(ctx, db.Orders(), products, end, 7, 8)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Orders < 80 || len(stats.ByMonth) < 12 || stats.Cancelled == 0 || stats.Skipped != 0 {
		t.Fatalf("stats = %+v", stats)
	}
	// The same day again adds nothing; a later day adds only the days since.
	if again, err := seedDemoOrders(ctx, db.Orders(), products, end, 7, 8); err != nil || again.Orders != 0 {
		t.Errorf("re-run on the same day: %+v %v", again, err)
	}
	later, err := seedDemoOrders(ctx, db.Orders(), products, end.AddDate(0, 0, 20), 7, 8)
	if err != nil || later.Orders == 0 || later.Orders > 12 {
		t.Errorf("run 20 days later: %+v %v", later, err)
	}
	share := func(from, to string) float64 {
		var cashless, all float64
		if err := raw.QueryRow(`SELECT sum(payment_method != 'cod'), count(*) FROM orders
			WHERE strftime('%Y-%m', created_at / 1000, 'unixepoch') BETWEEN ? AND ?`, from, to).Scan(&cashless, &all); err != nil {
			t.Fatal(err)
		}
		return cashless / all
	}
	first, last := share("2025-07", "2025-09"), share("2026-04", "2026-06")
	if first >= last || last < 0.45 {
		t.Errorf("cashless share %.2f in the first quarter, %.2f in the last: it should rise", first, last)
	}
	var outside, completed, negative int
	_ = raw.QueryRow(`SELECT count(*) FROM orders WHERE shipping_region_id != 'dong-thap'`).Scan(&outside)
	_ = raw.QueryRow(`SELECT count(*) FROM orders WHERE status = 'completed' AND payment_status = 'paid'`).Scan(&completed)
	_ = raw.QueryRow(`SELECT count(*) FROM products WHERE stock < 0`).Scan(&negative)
	if outside < stats.Orders/2 || completed < stats.Orders/2 || negative != 0 {
		t.Errorf("outside %d, completed and paid %d, negative stock %d of %d orders", outside, completed, negative, stats.Orders)
	}
}

func TestSeasonMonths(t *testing.T) {
	for in, want := range map[string]string{
		"tháng 7–11 (mùa nước nổi)": "[July August September October November]",
		"quanh năm, rộ tháng 8–12":  "[August September October November December]",
		"tháng 11-2":                "[November December January February]",
		"quanh năm":                 "[]",
		"":                          "[]",
	} {
		if got := fmt.Sprint(seasonMonths(in)); got != want {
			t.Errorf("seasonMonths(%q) = %s, want %s", in, got, want)
		}
	}
}
