package bleveindex_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ocopmarket/market"

	"github.com/ocopmarket/market/bleveindex"
	"github.com/ocopmarket/market/search"
	"github.com/ocopmarket/market/search/searchtest"
)

func newIndex(t *testing.T) search.Index {
	t.Helper()
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { idx.Close() })
	return idx
}

func TestContract(t *testing.T) {
	searchtest.Run(t, newIndex)
}

func TestReopenKeepsTheLiveGeneration(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	idx, err := bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	corpus := searchtest.Corpus()
	if _, err := idx.Rebuild(ctx, func(yield func(search.Document, error) bool) {
		for _, d := range corpus {
			if !yield(d, nil) {
				return
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	before, _ := idx.Stats(ctx)
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := idx.Search(ctx, search.Query{}); !market.IsCode(err, market.Unavailable) {
		t.Errorf("Search after Close = %v, want unavailable", err)
	}
	// A half-built generation left by a crash is cleared on the next Open.
	stray := filepath.Join(dir, "gen-crashed")
	if err := os.Mkdir(stray, 0o755); err != nil {
		t.Fatal(err)
	}

	idx, err = bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	after, err := idx.Stats(ctx)
	if err != nil || after != before {
		t.Errorf("after reopening: %+v, %v; want %+v", after, err, before)
	}
	if _, err := os.Stat(stray); !os.IsNotExist(err) {
		t.Errorf("stray generation still there: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 2 { // CURRENT and the live generation
		t.Errorf("directory holds %v", names)
	}
}
