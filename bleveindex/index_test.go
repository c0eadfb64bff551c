package bleveindex_test

import (
	"testing"

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
