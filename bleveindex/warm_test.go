package bleveindex_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ocopmarket/market/bleveindex"
	"github.com/ocopmarket/market/search"
	"github.com/ocopmarket/market/search/searchtest"
)

// A restarted index asks the searches asked most before it stopped again,
// once its rows are loaded: the buyers' first searches after a restart
// find their answers kept, and those answers are the index's own.
func TestRestartWarmsTheCache(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	idx := corpusIn(t, dir)
	popular := []search.Query{
		{Text: "khóm"},
		{Text: "mật ong", Sort: search.SortPriceAsc},
		{RegionID: "an-giang", Page: 2, PerPage: 5},
	}
	want := map[search.Query]search.Result{}
	for i, q := range popular {
		for range len(popular) - i { // the first asked most
			res, err := idx.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			res.Took = 0
			want[q] = res
		}
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}

	data, err := os.ReadFile(filepath.Join(dir, bleveindex.WarmFile))
	if err != nil {
		t.Fatalf("no list of searches after Close: %v", err)
	}
	var list struct{ Searches []search.Query }
	normalized := make([]search.Query, len(popular))
	for i, q := range popular {
		normalized[i], _ = q.Normalize()
	}
	if err := json.Unmarshal(data, &list); err != nil || !reflect.DeepEqual(list.Searches, normalized) {
		t.Errorf("warm list %s (%v), want the searches most asked first: %+v", data, err, popular)
	}

	idx, err = bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	idx.Warmed()
	if !idx.ColumnsReady() {
		t.Fatal("the rows never loaded")
	}
	answered := idx.Answered()
	for _, q := range popular {
		res, err := idx.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		res.Took = 0
		if !reflect.DeepEqual(res, want[q]) {
			t.Errorf("%+v after the restart: %+v, want %+v", q, res, want[q])
		}
	}
	if n := idx.Answered() - answered; n != 0 {
		t.Errorf("%d of the %d searches asked before the restart were computed again", n, len(popular))
	}
	// Others are computed as always.
	if _, err := idx.Search(ctx, search.Query{Text: "dừa"}); err != nil || idx.Answered() == answered {
		t.Errorf("a search never asked was not computed (%v)", err)
	}
}

// The list is a hint: a file that cannot be read warms nothing, a search
// in it that is no longer valid is skipped, and neither stops Open.
func TestWarmListIsAHint(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name, file string
		warmed     bool // "khóm" is kept after the warm-up
	}{
		{"garbage", "{not json", false},
		{"a search no longer valid", `{"searches":[{"Text":"khóm","MinStars":9},{"Text":"khóm"}]}`, true},
		{"empty", `{"searches":[]}`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			corpusIn(t, dir).Close()
			if err := os.WriteFile(filepath.Join(dir, bleveindex.WarmFile), []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			idx, err := bleveindex.Open(dir)
			if err != nil {
				t.Fatalf("Open with a warm list %q: %v", tt.file, err)
			}
			defer idx.Close()
			idx.Warmed()
			if !idx.ColumnsReady() {
				t.Fatal("the rows never loaded")
			}
			answered := idx.Answered()
			if _, err := idx.Search(ctx, search.Query{Text: "khóm"}); err != nil {
				t.Fatal(err)
			}
			if warmed := idx.Answered() == answered; warmed != tt.warmed {
				t.Errorf("khóm kept after the warm-up: %v, want %v", warmed, tt.warmed)
			}
		})
	}
}

// corpusIn opens the index in dir and puts the contract's corpus in it.
func corpusIn(t *testing.T, dir string) *bleveindex.Index {
	t.Helper()
	idx, err := bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Upsert(context.Background(), searchtest.Corpus()); err != nil {
		t.Fatal(err)
	}
	return idx
}
