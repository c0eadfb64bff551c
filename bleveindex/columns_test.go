package bleveindex_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopmarket/market/bleveindex"
	"github.com/ocopmarket/market/search"
)

// queries is a spread of searches over the synthetic catalogue: words,
// folded, with typos, synonyms and prefixes, every filter, every sort,
// deep pages.
func queries() []search.Query {
	texts := []string{"", "mật ong", "mat ong", "khô cá", "dừa", "dua", "khom", "thơm", "bưởi năm roi", "buoi nam r",
		"gạo thơm", "thot not", "nấm", "banh pia", "tắc", "lac", "mật ong tri tôn", "xoai cat hoa loc", "zzz", "c",
		// words no product says: a shop's name, optional words
		"htx tri tôn", "quả khóm", "mua htx zzz", "trái dừa",
		// typed with marks: as written, or folded when no name has them
		"dứa", "dúa", "hòa",
		// nothing with every word: fewer
		"mat ongg", "xoai cat hoa loc vinh long", "mua mật ong zzz",
		// optional words with the words left out; more words than are left out
		"bưởi ngon bến tre", "khóm chiếc xyzzy", "khóm mật chiếc", "mật ong a b c d e",
		// a classifier left alone once the words after it are left out
		"chiếc rẻ", "cái hàng"}
	var out []search.Query
	for i, text := range texts {
		for j, sort := range search.Sorts() {
			q := search.Query{Text: text, Sort: sort, PerPage: 7, Page: 1 + (i+j)%3}
			switch (i + j) % 6 {
			case 1:
				q.RegionID = provinces[(i+j)%len(provinces)]
			case 2:
				q.CategoryID = fmt.Sprintf("cat-%d", (i+j)%8)
				q.InStock = true
			case 3:
				q.MinStars = 3 + (i+j)%3
				q.MinPrice, q.MaxPrice = 50_000, 300_000
			case 4:
				q.SellerID = fmt.Sprintf("seller%04d", (i*7+j)%300)
			case 5:
				q.RegionID = fmt.Sprintf("%s-x%02d", provinces[i%len(provinces)], j)
				q.CategoryID = "cat-root"
			}
			out = append(out, q)
		}
	}
	return out
}

// sameAnswers checks that the columns give every query the answer of
// Bleve's own path: totals, facets, and the hits in order; at least
// minFound of the queries must find something, or the comparison proves
// little.
func sameAnswers(t *testing.T, idx *bleveindex.Index, minFound int) {
	t.Helper()
	ctx := context.Background()
	found := 0
	for _, q := range queries() {
		if got := answerAsBleve(t, ctx, idx, q); len(got.Hits) > 0 {
			found++
		}
	}
	if found < minFound {
		t.Errorf("only %d of %d queries found anything: the comparison proves little", found, len(queries()))
	}
}

// answerAsBleve answers q and checks that Bleve's own path gives the same
// answer: total, facets, and the hits in order.
func answerAsBleve(t *testing.T, ctx context.Context, idx *bleveindex.Index, q search.Query) search.Result {
	t.Helper()
	got, err := idx.Search(ctx, q)
	if err != nil {
		t.Fatalf("%+v: %v", q, err)
	}
	want, err := idx.SearchBleve(ctx, q)
	if err != nil {
		t.Fatalf("%+v: %v", q, err)
	}
	if got.Total != want.Total {
		t.Errorf("%+v: total %d, Bleve's path %d", q, got.Total, want.Total)
	}
	if !slices.Equal(got.Dropped, want.Dropped) {
		t.Errorf("%+v: dropped %q, Bleve's path %q", q, got.Dropped, want.Dropped)
	}
	if diff := cmp.Diff(want.Facets, got.Facets); diff != "" {
		t.Errorf("%+v: facets (-Bleve's path +columns):\n%s", q, diff)
	}
	if diff := cmp.Diff(want.Hits, got.Hits); diff != "" {
		t.Errorf("%+v: hits (-Bleve's path +columns):\n%s", q, diff)
	}
	return got
}

func TestColumnsAnswerAsBleveDoes(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	idx, err := bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var docs []search.Document
	for d := range syntheticDocs(3000) {
		docs = append(docs, d)
	}
	// As the syncer sends them: batches, then changes and deletes.
	for batch := range slices.Chunk(docs, 500) {
		if err := idx.Upsert(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("after upserts", func(t *testing.T) { sameAnswers(t, idx, 60) })

	var changed, deleted []search.Document
	for i := 0; i < len(docs); i += 7 {
		d := docs[i]
		d.PriceVND += 1_000
		d.InStock = !d.InStock
		d.Sold += 10
		d.Stars = (d.Stars + 4) % 6
		if i%2 == 0 { // moved to another commune and category
			commune := fmt.Sprintf("%s-x%02d", provinces[i%len(provinces)], i%60)
			d.RegionID, d.RegionIDs = commune, []string{commune, provinces[i%len(provinces)]}
			d.CategoryID, d.CategoryIDs = "cat-9", []string{"cat-9", "cat-root"}
		}
		changed = append(changed, d)
	}
	for i := 3; i < len(docs); i += 11 {
		deleted = append(deleted, docs[i])
	}
	if err := idx.Upsert(ctx, changed); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(deleted))
	for i, d := range deleted {
		ids[i] = d.ID
	}
	if err := idx.Delete(ctx, ids); err != nil {
		t.Fatal(err)
	}
	t.Run("after changes and deletes", func(t *testing.T) { sameAnswers(t, idx, 60) })

	// A deleted product that comes back is found again, with its new values.
	back := deleted[0]
	back.Name = "Hoa súng Châu Thành A"
	if err := idx.Upsert(ctx, []search.Document{back}); err != nil {
		t.Fatal(err)
	}
	res, err := idx.Search(ctx, search.Query{Text: "hoa sung"})
	if err != nil || res.Total != 1 || res.Hits[0].ID != back.ID {
		t.Fatalf("search for a product upserted again = %+v, %v", res, err)
	}

	// Reopened, the index loads its columns from what it stored.
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	idx, err = bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	// While the columns load, searches are answered all the same.
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := queries()[i*7%len(queries())]
			got, err := idx.Search(ctx, q)
			want, werr := idx.SearchBleve(ctx, q)
			if err != nil || werr != nil || got.Total != want.Total || len(got.Hits) != len(want.Hits) {
				t.Errorf("%+v while loading: %d hits of %d, %v; want %d of %d, %v", q, len(got.Hits), got.Total, err, len(want.Hits), want.Total, werr)
			}
		}()
	}
	wg.Wait()
	if !idx.ColumnsReady() {
		t.Fatal("the columns of the reopened index never loaded")
	}
	t.Run("after reopening", func(t *testing.T) { sameAnswers(t, idx, 60) })

	// A rebuild makes the columns of its new generation as it fills it.
	if _, err := idx.Rebuild(ctx, syntheticDocs(2000)); err != nil {
		t.Fatal(err)
	}
	t.Run("after a rebuild", func(t *testing.T) { sameAnswers(t, idx, 60) })
}

// Upserts made while the columns of a reopened index load are not undone
// by the rows loading from what the index stored before.
func TestUpsertsWhileColumnsLoad(t *testing.T) {
	ctx := context.Background()
	var docs []search.Document
	for d := range syntheticDocs(300) {
		docs = append(docs, d)
	}
	for round := range 5 {
		dir := t.TempDir()
		idx, err := bleveindex.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		for batch := range slices.Chunk(docs, 50) {
			if err := idx.Upsert(ctx, batch); err != nil {
				t.Fatal(err)
			}
		}
		idx.Close()
		if idx, err = bleveindex.Open(dir); err != nil {
			t.Fatal(err)
		}
		for i := round; i < len(docs); i += 9 {
			d := docs[i]
			d.PriceVND, d.InStock = 1_234_000, !d.InStock
			if err := idx.Upsert(ctx, []search.Document{d}); err != nil {
				t.Fatal(err)
			}
		}
		if err := idx.Delete(ctx, []string{docs[round+1].ID}); err != nil {
			t.Fatal(err)
		}
		if !idx.ColumnsReady() {
			t.Fatal("the columns never loaded")
		}
		sameAnswers(t, idx, 25)
		res, err := idx.Search(ctx, search.Query{MinPrice: 1_234_000, MaxPrice: 1_234_000, PerPage: 1})
		if want := len(slices.Collect(func(yield func(int) bool) {
			for i := round; i < len(docs); i += 9 {
				if i != round+1 && !yield(i) {
					return
				}
			}
		})); err != nil || res.Total != want {
			t.Fatalf("round %d: %d products at the new price (%v), want %d", round, res.Total, err, want)
		}
		idx.Close()
	}
}

// A refinement of a search — a filter, another sort, the next page — takes
// the matches its words had, without walking Bleve again, and answers as
// Bleve's own path does. A change to the text of the catalogue drops them;
// a change to sales alone does not.
func TestKeptMatchesAnswerAsBleveDoes(t *testing.T) {
	ctx := context.Background()
	idx, docs := syntheticIndex(t, bleveindex.Options{})
	same := func(q search.Query) search.Result {
		t.Helper()
		return answerAsBleve(t, ctx, idx, q)
	}
	// Each text first as typed, ranked (its walk is kept), then refined.
	refined, found := 0, 0
	for _, q := range queries() {
		if q.Text == "" {
			continue
		}
		same(search.Query{Text: q.Text})
		before := idx.Walked()
		if len(same(q).Hits) > 0 {
			found++
		}
		if idx.Walked() != before {
			t.Errorf("%+v: walked Bleve again for words it had walked", q)
		}
		refined++
	}
	if found < refined/3 {
		t.Errorf("only %d of %d refinements found anything: the comparison proves little", found, refined)
	}

	// A sale changes the best-selling order, not the matches.
	hit := same(search.Query{Text: "mật ong", Sort: search.SortBestselling, PerPage: 5}).Hits
	last := hit[len(hit)-1]
	for _, d := range docs {
		if d.ID == last.ID {
			d.Sold = 1 << 40
			if err := idx.Upsert(ctx, []search.Document{d}); err != nil {
				t.Fatal(err)
			}
		}
	}
	before := idx.Walked()
	if top := same(search.Query{Text: "mật ong", Sort: search.SortBestselling, PerPage: 5}).Hits; top[0].ID != last.ID {
		t.Errorf("after its sales jumped, %s is not the best-selling mật ong: %v", last.ID, top[0].ID)
	}
	if idx.Walked() != before {
		t.Error("a change to sales alone dropped the kept matches")
	}

	// Selling out and a new price change the answers, not the matches.
	cheapest := same(search.Query{Text: "mật ong", Sort: search.SortPriceAsc, InStock: true, PerPage: 1}).Hits[0]
	for _, d := range docs {
		if d.ID == cheapest.ID {
			d.InStock = false
			if err := idx.Upsert(ctx, []search.Document{d}); err != nil {
				t.Fatal(err)
			}
		}
		if d.ID == last.ID {
			d.PriceVND = 1
			if err := idx.Upsert(ctx, []search.Document{d}); err != nil {
				t.Fatal(err)
			}
		}
	}
	before = idx.Walked()
	inStock := same(search.Query{Text: "mật ong", Sort: search.SortPriceAsc, InStock: true, PerPage: 5}).Hits
	if slices.ContainsFunc(inStock, func(h search.Document) bool { return h.ID == cheapest.ID }) {
		t.Errorf("%s sold out but is still listed in stock", cheapest.ID)
	}
	if inStock[0].ID != last.ID {
		t.Errorf("%s now costs 1 đồng but the cheapest is %s", last.ID, inStock[0].ID)
	}
	if idx.Walked() != before {
		t.Error("a product selling out, or a new price, dropped the kept matches")
	}

	// A product renamed into the words: found at once.
	d := docs[0]
	d.Name = "Mật ong hoa súng Châu Thành A"
	if err := idx.Upsert(ctx, []search.Document{d}); err != nil {
		t.Fatal(err)
	}
	before = idx.Walked()
	res := same(search.Query{Text: "mật ong", Sort: search.SortNewest, PerPage: 100, Page: 1})
	if idx.Walked() == before {
		t.Error("kept matches served after the catalogue's text changed")
	}
	if !slices.ContainsFunc(res.Hits, func(h search.Document) bool { return h.ID == d.ID }) && res.Total <= 100 {
		t.Errorf("the product renamed %q is not found", d.Name)
	}
}

// A walk that matches more than an entry of the match cache may hold still
// answers in full, and is walked again the next time.
func TestWideWalkAnswersInFull(t *testing.T) {
	ctx := context.Background()
	idx, _ := syntheticIndex(t, bleveindex.Options{CacheBytes: 4 * 8 * 1200}) // entries of ≤ 94 matches
	for page := range 2 {                                                     // another page each time: never a kept answer
		before := idx.Walked()
		res := answerAsBleve(t, ctx, idx, search.Query{Text: "mật ong", Sort: search.SortPriceAsc, Page: 2 + page})
		if res.Total <= 94 {
			t.Fatalf("mật ong matches %d products: too few to overflow", res.Total)
		}
		if idx.Walked() == before {
			t.Error("a walk too wide to keep was served from the match cache")
		}
	}
}

// Words typed with their tone marks rank names with the same marks first
// ("dứa", pineapple, before "dừa", coconut): kept matches are kept apart
// for each way of writing the words, and answer as Bleve's path does.
func TestKeptMatchesKeepTheMarks(t *testing.T) {
	ctx := context.Background()
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	var docs []search.Document
	for i, name := range []string{"Dừa sáp Cầu Kè", "Dứa Cầu Đúc", "Khóm Cầu Đúc", "Kẹo dừa Bến Tre", "Mứt dứa"} {
		docs = append(docs, search.Document{ID: fmt.Sprintf("p%d", i), Name: name, CategoryID: "trai-cay", RegionID: "can-tho",
			PriceVND: 30000, Unit: "kg", InStock: true, Version: 1})
	}
	if err := idx.Upsert(ctx, docs); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"dừa", "dua", "dứa", "dừa"} { // not ranked: the same walk's key but for synonyms
		answerAsBleve(t, ctx, idx, search.Query{Text: text, Sort: search.SortPriceAsc})
	}
	first := map[string]string{}
	for _, text := range []string{"dừa", "dứa", "dua", "dừa", "dứa"} {
		res := answerAsBleve(t, ctx, idx, search.Query{Text: text})
		if len(res.Hits) == 0 {
			t.Fatalf("%q finds nothing", text)
		}
		first[text] = res.Hits[0].Name
	}
	if !strings.Contains(first["dừa"], "ừ") || !strings.Contains(first["dứa"], "ứ") {
		t.Errorf("first hits %v: each way of writing should rank its own word first", first)
	}
}

// syntheticIndex opens an index of 3 000 synthetic products, closed when
// the test ends.
func syntheticIndex(t *testing.T, opts bleveindex.Options) (*bleveindex.Index, []search.Document) {
	t.Helper()
	idx, err := bleveindex.OpenWith(t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	var docs []search.Document
	for d := range syntheticDocs(3000) {
		docs = append(docs, d)
	}
	if err := idx.Upsert(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	return idx, docs
}

// After a restart, the rows loaded from the stored documents know their
// words' sums: a product selling out keeps the kept matches, and a
// product whose words change (even to none) drops them.
func TestKeptMatchesSurviveARestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	idx, err := bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var docs []search.Document
	for d := range syntheticDocs(2000) {
		docs = append(docs, d)
	}
	if err := idx.Upsert(ctx, docs); err != nil {
		t.Fatal(err)
	}
	idx.Close()
	idx = reopened(t, dir)
	defer idx.Close()
	q := search.Query{Text: "mật ong", Sort: search.SortPriceAsc, InStock: true, PerPage: 5}
	first := answerAsBleve(t, ctx, idx, q).Hits[0]

	upsert := func(change func(*search.Document)) {
		t.Helper()
		for _, d := range docs {
			if d.ID == first.ID {
				change(&d)
				if err := idx.Upsert(ctx, []search.Document{d}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	upsert(func(d *search.Document) { d.InStock = false })
	before := idx.Walked()
	if res := answerAsBleve(t, ctx, idx, q); res.Hits[0].ID == first.ID {
		t.Errorf("%s sold out but is listed in stock", first.ID)
	}
	if idx.Walked() != before {
		t.Error("after a restart, a product selling out dropped the kept matches")
	}

	upsert(func(d *search.Document) { d.Name, d.Description, d.SellerName, d.RegionName = "", "", "", "" })
	before = idx.Walked()
	res := answerAsBleve(t, ctx, idx, search.Query{Text: "mật ong", Sort: search.SortPriceAsc, PerPage: 100})
	if slices.ContainsFunc(res.Hits, func(h search.Document) bool { return h.ID == first.ID }) {
		t.Errorf("%s has no words left but is found", first.ID)
	}
	if idx.Walked() == before {
		t.Error("kept matches served after a product's words changed")
	}
}

// Deleting products changes how rare every word is, so the scores of the
// others: kept matches are dropped, even when none of them is deleted.
func TestDeletesDropKeptMatches(t *testing.T) {
	ctx := context.Background()
	idx, docs := syntheticIndex(t, bleveindex.Options{})
	q := search.Query{Text: "mật ong", PerPage: 10}
	answerAsBleve(t, ctx, idx, q)
	var gone []string
	for _, d := range docs {
		if strings.HasPrefix(d.Name, "Khóm") {
			gone = append(gone, d.ID)
		}
	}
	if err := idx.Delete(ctx, gone); err != nil {
		t.Fatal(err)
	}
	before := idx.Walked()
	answerAsBleve(t, ctx, idx, q)
	if idx.Walked() == before {
		t.Errorf("kept matches served after %d products were deleted", len(gone))
	}
}

// A rebuilt index is one segment: the next start reads its rows from one
// run of stored documents, not from a dozen segments the merge policy
// would have kept.
func TestRebuildLeavesOneSegment(t *testing.T) {
	ctx := context.Background()
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if _, err := idx.Rebuild(ctx, syntheticDocs(12000)); err != nil {
		t.Fatal(err)
	}
	if n := idx.Segments(); n != 1 {
		t.Errorf("%d segments after a rebuild, want 1", n)
	}
	sameAnswers(t, idx, 25)
}
