package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// The search syncer reads its pages of dirty products from an index in
// their order: no temporary b-tree (a sort in memory of every dirty row,
// each page, while checkouts keep marking products dirty).
func TestDirtyProductsNeedNoSort(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "ocop.db"), Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.read.Query("EXPLAIN QUERY PLAN "+dirtyProducts, 500)
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
	got := strings.Join(plan, "; ")
	if strings.Contains(got, "TEMP B-TREE") || !strings.Contains(got, "products_search_dirty") {
		t.Errorf("the dirty products' plan is %q; want the partial index products_search_dirty, in order", got)
	}
}
