package sqlite

import (
	"strings"
	"testing"
	"time"

	"github.com/ocopmarket/market/orders"
)

// The search syncer reads its pages of dirty products from an index in
// their order: no temporary b-tree (a sort in memory of every dirty row,
// each page, while checkouts keep marking products dirty).
func TestDirtyProductsNeedNoSort(t *testing.T) {
	db := openTestDB(t)
	if got := queryPlan(t, db, dirtyProducts, 500); strings.Contains(got, "TEMP B-TREE") || !strings.Contains(got, "products_search_dirty") {
		t.Errorf("the dirty products' plan is %q; want the partial index products_search_dirty, in order", got)
	}
}

// A buyer's or a seller's orders are a walk of an index in their order,
// whatever the filter: never a scan of every order.
func TestOrderListsUseTheirIndex(t *testing.T) {
	db := openTestDB(t)
	cursor := encodeCursor(orders.Order{ID: "01m809w00tcyzcy2jencdtc5yx", CreatedAt: time.UnixMilli(1763600000000)})
	for _, c := range []struct {
		f     orders.Filter
		index string
	}{
		{orders.Filter{BuyerAccountID: "a1"}, "orders_buyer_account"},
		{orders.Filter{BuyerAccountID: "a1", Cursor: cursor, Statuses: []orders.Status{orders.Placed, orders.Shipped}}, "orders_buyer_account"},
		{orders.Filter{SellerID: "s1"}, "orders_seller"},
		{orders.Filter{SellerID: "s1", Cursor: cursor}, "orders_seller"},
		{orders.Filter{SellerID: "s1", Statuses: []orders.Status{orders.Placed}}, "orders_seller_status"},
	} {
		where, args, _, err := orderList(c.f)
		if err != nil {
			t.Fatal(err)
		}
		got := queryPlan(t, db, `SELECT `+orderColumns+` FROM orders WHERE `+where, args...)
		if !strings.Contains(got, "USING INDEX "+c.index+" ") || strings.Contains(got, "TEMP B-TREE") {
			t.Errorf("%+v: plan %q; want index %s, in order", c.f, got, c.index)
		}
	}
}

// A checkout is found by its id, its Stripe intent (each webhook) or its
// transfer reference (each bank transfer matched) through an index.
func TestCheckoutLookupsUseTheirIndex(t *testing.T) {
	db := openTestDB(t)
	for key, index := range map[checkoutKey]string{byCheckoutID: "sqlite_autoindex_checkouts_1", byIntent: "checkouts_intent", byReference: "checkouts_reference"} {
		got := queryPlan(t, db, `SELECT `+checkoutColumns+` FROM checkouts WHERE `+key.where(), "x")
		if !strings.Contains(got, "USING INDEX "+index+" ") {
			t.Errorf("checkout by %s: plan %q; want index %s", key, got, index)
		}
	}
}

// queryPlan returns SQLite's plan for query, its steps joined by "; ".
func queryPlan(t *testing.T, db *DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.read.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; ")
}
