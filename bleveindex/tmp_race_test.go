package bleveindex_test

import (
	"context"
	"testing"

	"github.com/ocopmarket/market/bleveindex"
	"github.com/ocopmarket/market/search"
)

func TestTmpUpsertWhileLoading(t *testing.T) {
	ctx := context.Background()
	var docs []search.Document
	for d := range syntheticDocs(60) {
		docs = append(docs, d)
	}
	for iter := 0; iter < 30; iter++ {
		dir := t.TempDir()
		idx, err := bleveindex.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(docs); i += 7 {
			if err := idx.Upsert(ctx, docs[i:min(i+7, len(docs))]); err != nil {
				t.Fatal(err)
			}
		}
		idx.Close()
		idx, err = bleveindex.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 10; i++ {
			d := docs[i*3]
			d.Sold++
			if err := idx.Upsert(ctx, []search.Document{d}); err != nil {
				t.Fatal(err)
			}
		}
		idx.ColumnsReady()
		got, _ := idx.Search(ctx, search.Query{PerPage: 1})
		want, _ := idx.SearchBleve(ctx, search.Query{PerPage: 1})
		if got.Total != want.Total || got.Total != len(docs) {
			t.Fatalf("iteration %d: columns %d, Bleve %d, want %d", iter, got.Total, want.Total, len(docs))
		}
		idx.Close()
	}
}
