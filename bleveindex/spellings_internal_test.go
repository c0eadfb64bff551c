package bleveindex

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/ocopmarket/market/search"
	"github.com/ocopmarket/market/search/searchtest"
)

// corpusDir returns a directory holding an index of the test corpus,
// closed.
func corpusDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	idx, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Upsert(context.Background(), searchtest.Corpus()); err != nil {
		t.Fatal(err)
	}
	idx.Close()
	return dir
}

func foundIDs(t *testing.T, idx *Index, text string) []string {
	t.Helper()
	res, err := idx.Search(context.Background(), search.Query{Text: text, PerPage: search.MaxPerPage})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range res.Hits {
		ids = append(ids, d.ID)
	}
	slices.Sort(ids)
	return ids
}

// What a word typed with marks leaves out follows the names as they are
// now, not as they were: once the last product named mứt (jam) is gone,
// "mứt" is marks no name has, and matches folded, the mút of Kẹo mút
// (lollipop) too, before and after a restart.
func TestSpellingsFollowTheLiveNames(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	idx, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	doc := func(id, name string) search.Document {
		return search.Document{ID: id, Name: name, CategoryID: "trai-cay", SellerID: "s-x", PriceVND: 10000, Unit: "kg", InStock: true}
	}
	if err := idx.Upsert(ctx, []search.Document{doc("a", "Mứt gừng"), doc("b", "Kẹo mút")}); err != nil {
		t.Fatal(err)
	}
	if got := foundIDs(t, idx, "mứt"); !slices.Equal(got, []string{"a"}) {
		t.Fatalf(`"mứt" with the jam listed: %v, want [a]`, got)
	}
	if err := idx.Delete(ctx, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if got := foundIDs(t, idx, "mứt"); !slices.Equal(got, []string{"b"}) {
		t.Errorf(`"mứt" once the jam is gone: %v, want [b]`, got)
	}
	idx.Close()
	if idx, err = Open(dir); err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if got := foundIDs(t, idx, "mứt"); !slices.Equal(got, []string{"b"}) {
		t.Errorf(`"mứt" after a restart: %v, want [b]`, got)
	}
}

// The spellings are read before the first search: while the rows of a
// reopened index load, Bleve's own path already keeps dứa from dừa.
func TestSpellingsBeforeTheRows(t *testing.T) {
	dir := corpusDir(t)
	loading := make(chan struct{})
	loadHook = func() { <-loading }
	defer func() { loadHook = func() {} }()
	idx, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	defer close(loading)
	if got := foundIDs(t, idx, "dứa"); !slices.Equal(got, []string{"p02", "p03", "p04", "p23"}) {
		t.Errorf(`"dứa" while the rows load: %v, want the pineapples`, got)
	}
}

// An index of an older mapping wrote its names' words otherwise: until it
// is rebuilt, words typed with marks match folded rather than leave out
// names by spellings it does not share.
func TestOutdatedIndexMatchesFolded(t *testing.T) {
	dir := corpusDir(t)
	gen, err := readCurrent(dir)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := bleve.Open(filepath.Join(dir, gen))
	if err != nil {
		t.Fatal(err)
	}
	if err := raw.SetInternal(mappingKey, []byte("5")); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	idx, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if !idx.Outdated() {
		t.Fatal("the index is not outdated")
	}
	got := foundIDs(t, idx, "dứa")
	for _, id := range []string{"p02", "p20"} {
		if !slices.Contains(got, id) {
			t.Errorf(`"dứa" on an outdated index: %v, want %s among them`, got, id)
		}
	}
}
