// Package searchtest is the contract every search.Index must honour, run
// on a fixed corpus of Mekong Delta products: Vietnamese folding, regional
// synonyms, typos, search as you type, filters, facets, sorts, pagination
// and the life of documents (upsert, delete, rebuild).
package searchtest

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/search"
)

// Run runs the contract suite. newIndex returns an empty, prepared index
// that the test owns; it is called several times.
func Run(t *testing.T, newIndex func(t *testing.T) search.Index) {
	t.Run("Reading", func(t *testing.T) {
		idx := newIndex(t)
		load(t, idx, Corpus())
		t.Run("Folding", func(t *testing.T) { testFolding(t, idx) })
		t.Run("Synonyms", func(t *testing.T) { testSynonyms(t, idx) })
		t.Run("Typos", func(t *testing.T) { testTypos(t, idx) })
		t.Run("Prefix", func(t *testing.T) { testPrefix(t, idx) })
		t.Run("Places", func(t *testing.T) { testPlaces(t, idx) })
		t.Run("Filters", func(t *testing.T) { testFilters(t, idx) })
		t.Run("Facets", func(t *testing.T) { testFacets(t, idx) })
		t.Run("Sorts", func(t *testing.T) { testSorts(t, idx) })
		t.Run("Pagination", func(t *testing.T) { testPagination(t, idx) })
		t.Run("Hits", func(t *testing.T) { testHits(t, idx) })
		t.Run("Suggest", func(t *testing.T) { testSuggest(t, idx) })
		t.Run("InvalidQuery", func(t *testing.T) { testInvalidQuery(t, idx) })
		t.Run("Stats", func(t *testing.T) { testStats(t, idx, len(Corpus())) })
	})
	t.Run("Upsert", func(t *testing.T) { testUpsert(t, newIndex(t)) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, newIndex(t)) })
	t.Run("Rebuild", func(t *testing.T) { testRebuild(t, newIndex(t)) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, newIndex(t)) })
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

func load(t *testing.T, idx search.Index, docs []search.Document) {
	t.Helper()
	// Two batches, as the syncer sends them.
	half := len(docs) / 2
	for _, batch := range [][]search.Document{docs[:half], docs[half:]} {
		if err := idx.Upsert(ctx(t), batch); err != nil {
			t.Fatalf("Upsert: %v", err)
		}
	}
}

func mustSearch(t *testing.T, idx search.Index, q search.Query) search.Result {
	t.Helper()
	if q.PerPage == 0 {
		q.PerPage = search.MaxPerPage
	}
	res, err := idx.Search(ctx(t), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

func ids(res search.Result) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// expectExactly asserts that text finds exactly these products, in any order.
func expectExactly(t *testing.T, idx search.Index, text string, want ...string) {
	t.Helper()
	res := mustSearch(t, idx, search.Query{Text: text})
	if got := sorted(ids(res)); !slices.Equal(got, sorted(want)) {
		t.Errorf("%q found %v, want exactly %v", text, got, sorted(want))
	}
	if res.Total != len(want) {
		t.Errorf("%q: Total = %d, want %d", text, res.Total, len(want))
	}
}

// expectDropped asserts that text finds nothing with all its words, and
// finds the products of among without the last words dropped, which the
// result names.
func expectDropped(t *testing.T, idx search.Index, text string, dropped []string, among ...string) {
	t.Helper()
	res := mustSearch(t, idx, search.Query{Text: text})
	if !slices.Equal(res.Dropped, dropped) {
		t.Errorf("%q dropped %q, want %q", text, res.Dropped, dropped)
	}
	lacking(t, text, ids(res), among)
}

// expectNone asserts that text finds none of these products.
func expectNone(t *testing.T, idx search.Index, text string, not ...string) {
	t.Helper()
	got := ids(mustSearch(t, idx, search.Query{Text: text}))
	for _, id := range not {
		if slices.Contains(got, id) {
			t.Errorf("%q found %s: %v", text, id, sorted(got))
		}
	}
}

// expectAmong asserts that text finds at least these products.
func expectAmong(t *testing.T, idx search.Index, text string, want ...string) {
	t.Helper()
	lacking(t, text, ids(mustSearch(t, idx, search.Query{Text: text})), want)
}

// lacking fails for each product of want that the answer to text, got, lacks.
func lacking(t *testing.T, text string, got, want []string) {
	t.Helper()
	for _, id := range want {
		if !slices.Contains(got, id) {
			t.Errorf("%q found %v, missing %s", text, sorted(got), id)
		}
	}
}

// expectFirst asserts that the best matches for text are these products,
// in any order among themselves.
func expectFirst(t *testing.T, idx search.Index, text string, want ...string) {
	t.Helper()
	got := ids(mustSearch(t, idx, search.Query{Text: text}))
	if len(got) < len(want) || !slices.Equal(sorted(got[:len(want)]), sorted(want)) {
		t.Errorf("%q ranked %v first, want %v first", text, got, want)
	}
}

func testFolding(t *testing.T, idx search.Index) {
	expectExactly(t, idx, "hoa sung", "p01")
	expectExactly(t, idx, "HOA SÚNG", "p01")
	expectExactly(t, idx, "hoa súng lê sánh", "p01")
	expectExactly(t, idx, "duong thot not", "p09")
	expectExactly(t, idx, "Đường Thốt Nốt", "p09")
	expectExactly(t, idx, "đường   thốt-nốt!", "p09")
	expectExactly(t, idx, "ca that lat", "p11", "p12")
	expectExactly(t, idx, "nam bao ngu", "p13")
	// Without tone marks "dua" is both dừa (coconut) and dứa (pineapple,
	// the khóm of the South): a buyer gets both.
	expectAmong(t, idx, "dua", "p20", "p21", "p22", "p02", "p03", "p23")
	// A second word settles it.
	expectExactly(t, idx, "dừa sáp", "p20")
	expectExactly(t, idx, "dua xiem", "p21")
}

func testSynonyms(t *testing.T, idx search.Index) {
	// khóm = thơm = dứa
	expectAmong(t, idx, "dứa", "p02", "p03", "p04", "p23")
	expectAmong(t, idx, "thơm", "p02", "p03", "p04", "p23")
	expectAmong(t, idx, "khóm", "p02", "p03", "p04", "p23")
	expectExactly(t, idx, "dứa cầu đúc", "p02", "p03", "p04")
	expectExactly(t, idx, "nước ép dứa", "p04")
	// đậu phộng = lạc, a phrase against a word, both ways.
	expectExactly(t, idx, "đậu phộng", "p24", "p25")
	expectExactly(t, idx, "lạc rang", "p24")
	expectExactly(t, idx, "kẹo đậu phộng", "p25")
	// and the rest of the table
	expectExactly(t, idx, "ngô nếp", "p40")
	expectExactly(t, idx, "lợn quay", "p41")
	expectExactly(t, idx, "quất", "p16", "p17")
	expectExactly(t, idx, "bánh đa nem", "p39")
	expectExactly(t, idx, "lạp xường", "p29")
	expectExactly(t, idx, "trứng vịt muối", "p42")
	expectExactly(t, idx, "kẹo vừng", "p25")
	expectExactly(t, idx, "bông súng", "p01")
	expectExactly(t, idx, "khô cá quả", "p18", "p19")
	// English, for buyers from abroad: the Vietnamese word in names.
	expectAmong(t, idx, "pineapple", "p02", "p03", "p04", "p23")
	expectExactly(t, idx, "honey", "p07", "p08")
	expectExactly(t, idx, "water lily", "p01")
	expectExactly(t, idx, "peanut candy", "p25")
}

func testTypos(t *testing.T, idx search.Index) {
	// One typo in a word of 5 to 8 letters.
	expectExactly(t, idx, "duonh thot not", "p09")
	expectExactly(t, idx, "mat ong rung tramm", "p07", "p08")
	expectExactly(t, idx, "buoi nam roi binh minnh", "p05")
	// No typo in words under 5 letters: "ongg" is not "ong", "buoj" is
	// not "buoi". (Without "ongg", "mat" finds mật, and says so.)
	expectDropped(t, idx, "mat ongg", []string{"ongg"}, "p07", "p08")
	expectExactly(t, idx, "buoj nam roi")
	// Two typos are too many for a word of 5 to 8 letters.
	expectExactly(t, idx, "dwonh thot not")
}

func testPrefix(t *testing.T, idx search.Index) {
	// Search as you type: the last word is a prefix.
	expectAmong(t, idx, "khó", "p02", "p03", "p04", "p18", "p19")
	expectExactly(t, idx, "mật o", "p07", "p08")
	expectExactly(t, idx, "cầu đúc kh", "p02", "p03", "p04")
	expectExactly(t, idx, "bưởi năm r", "p05")
	// Only the last word: "kho" is not "khóm" when another word follows.
	expectNone(t, idx, "kho cau duc", "p02", "p03", "p04")
}

func testPlaces(t *testing.T, idx search.Index) {
	// Region names and seller names are searchable.
	expectExactly(t, idx, "mật ong Tri Tôn", "p07")
	expectExactly(t, idx, "mật ong Cà Mau", "p08")
	expectExactly(t, idx, "cầu kè", "p20")
	expectExactly(t, idx, "hỏa tiến", "p02", "p03", "p04", "p12")
	expectExactly(t, idx, "bảy tưng", "p09", "p10")
	expectExactly(t, idx, "an giang khăn", "p27")
	// A shop's name counts only for words that no product says itself:
	// "dừa xanh" finds the green coconut, not the pomelo sold by "Cơ sở
	// Dừa Xanh Mỏ Cày"; the shop's name typed finds what it sells.
	expectExactly(t, idx, "dừa xanh", "p21")
	expectExactly(t, idx, "cơ sở dừa xanh", "p06", "p21", "p22", "p39")
	expectExactly(t, idx, "vườn bưởi út h", "p05") // the last word as a prefix
	// Words that find nothing are asked again without the words buyers
	// add: no pomelo is named "quả bưởi".
	expectExactly(t, idx, "quả bưởi", "p05", "p06")
	expectExactly(t, idx, "mua bưởi rẻ", "p05", "p06")
	expectExactly(t, idx, "quả", "p26") // alone, it is what was asked (trái, in a name)
	// A single word no product says is a whole word in the shops' names,
	// not the start of "Thuận" (DNTN Thuận Phát Mỹ Xuyên).
	expectExactly(t, idx, "thua")
	expectExactly(t, idx, "thuậ")
	// So do the names of the categories, in Vietnamese and English:
	// no product says "fruit", "đồ uống" or "trái cây" (the words of a
	// pineapple's description, "chín cây … trái to", are not the phrase).
	inCategory := func(id string) func(search.Document) bool {
		return func(d search.Document) bool { return slices.Contains(d.CategoryIDs, id) }
	}
	expectExactly(t, idx, "fruit", expected(inCategory("trai-cay"))...)
	expectExactly(t, idx, "đồ uống", expected(inCategory("do-uong"))...)
	expectExactly(t, idx, "trái cây", expected(inCategory("trai-cay"))...)
	// A classifier before a word ranks, it does not filter: no pomelo
	// is named "quả", yet "quả bưởi" finds them.
	expectExactly(t, idx, "trái bưởi", "p05", "p06")
	// Words that still find nothing, even without the words buyers add,
	// are asked again without the last word, then the one before, and
	// the answer says which it left out: no khóm comes from Vĩnh Long.
	expectDropped(t, idx, "khóm vĩnh long", []string{"vĩnh", "long"}, "p02", "p03", "p04")
	expectDropped(t, idx, "mua khóm vĩnh long", []string{"vĩnh", "long"}, "p02", "p03", "p04")
	expectDropped(t, idx, "khóm", nil, "p02")
	// At most search.MaxDropped words are left out.
	expectExactly(t, idx, "khóm zz yy xx ww")
	expectDropped(t, idx, "khóm zz yy xx", []string{"zz", "yy", "xx"}, "p02")
	// The words of buying count for nothing: "giá rẻ" is no place.
	expectExactly(t, idx, "mua dừa giá rẻ", "p20", "p21", "p22")
	// Every product here is a speciality, and few say so.
	expectExactly(t, idx, "mật ong đặc sản", "p07", "p08")
	expectDropped(t, idx, "mật ong đặc sản", nil, "p07", "p08")
	// Alone, it asks for every product.
	if all, spec := mustSearch(t, idx, search.Query{}), mustSearch(t, idx, search.Query{Text: "đặc sản"}); spec.Total != all.Total || spec.Total < 10 {
		t.Errorf("\"đặc sản\" finds %d products, a search without words %d", spec.Total, all.Total)
	}
	expectExactly(t, idx, "gạo st 25", "p14")
	expectExactly(t, idx, "ST-25", "p14")
	// The name ranks before the description and the place.
	expectFirst(t, idx, "tắc", "p16", "p17")
	expectFirst(t, idx, "mật ong", "p07", "p08")
}

// filterCase is a query with its expected result computed from the corpus.
type filterCase struct {
	name  string
	q     search.Query
	match func(search.Document) bool
}

func filterCases() []filterCase {
	has := func(list []string, id string) bool { return slices.Contains(list, id) }
	return []filterCase{
		{"category with sub-categories", search.Query{CategoryID: "thuc-pham"}, func(d search.Document) bool { return has(d.CategoryIDs, "thuc-pham") }},
		{"sub-category", search.Query{CategoryID: "trai-cay"}, func(d search.Document) bool { return d.CategoryID == "trai-cay" }},
		{"province finds its communes", search.Query{RegionID: "an-giang"}, func(d search.Document) bool { return has(d.RegionIDs, "an-giang") }},
		{"commune", search.Query{RegionID: "dong-thap.lai-vung"}, func(d search.Document) bool { return d.RegionID == "dong-thap.lai-vung" }},
		{"seller", search.Query{SellerID: "s-cau-duc"}, func(d search.Document) bool { return d.SellerID == "s-cau-duc" }},
		{"stars minimum", search.Query{MinStars: 4}, func(d search.Document) bool { return d.Stars >= 4 }},
		{"five stars", search.Query{MinStars: 5}, func(d search.Document) bool { return d.Stars == 5 }},
		{"any certified", search.Query{MinStars: 1}, func(d search.Document) bool { return d.Stars > 0 }},
		{"price range, bounds included", search.Query{MinPrice: 45000, MaxPrice: 70000}, func(d search.Document) bool { return d.PriceVND >= 45000 && d.PriceVND <= 70000 }},
		{"minimum price only", search.Query{MinPrice: 250000}, func(d search.Document) bool { return d.PriceVND >= 250000 }},
		{"maximum price only", search.Query{MaxPrice: 20000}, func(d search.Document) bool { return d.PriceVND <= 20000 }},
		{"in stock", search.Query{InStock: true}, func(d search.Document) bool { return d.InStock }},
		{"all at once", search.Query{CategoryID: "thuc-pham", RegionID: "ca-mau", MinStars: 3, MaxPrice: 400000, InStock: true},
			func(d search.Document) bool {
				return has(d.CategoryIDs, "thuc-pham") && has(d.RegionIDs, "ca-mau") && d.Stars >= 3 && d.PriceVND <= 400000 && d.InStock
			}},
		{"text and filters", search.Query{Text: "khô cá", RegionID: "dong-thap", InStock: true},
			func(d search.Document) bool { return d.ID == "p18" }},
		{"unknown region", search.Query{RegionID: "ha-noi"}, func(search.Document) bool { return false }},
	}
}

func expected(match func(search.Document) bool) []string {
	var want []string
	for _, d := range Corpus() {
		if match(d) {
			want = append(want, d.ID)
		}
	}
	return want
}

func testFilters(t *testing.T, idx search.Index) {
	for _, fc := range filterCases() {
		t.Run(fc.name, func(t *testing.T) {
			res := mustSearch(t, idx, fc.q)
			want := expected(fc.match)
			if got := sorted(ids(res)); !slices.Equal(got, sorted(want)) {
				t.Errorf("found %v, want %v", got, sorted(want))
			}
			if res.Total != len(want) {
				t.Errorf("Total = %d, want %d", res.Total, len(want))
			}
		})
	}
}

func facetsOf(docs []search.Document, match func(search.Document) bool) map[string]map[string]int {
	f := map[string]map[string]int{search.FacetCategory: {}, search.FacetStars: {}, search.FacetRegion: {}}
	for _, d := range docs {
		if !match(d) {
			continue
		}
		for _, id := range d.CategoryIDs {
			f[search.FacetCategory][id]++
		}
		for _, id := range d.RegionIDs {
			f[search.FacetRegion][id]++
		}
		if d.Stars > 0 {
			f[search.FacetStars][strconv.Itoa(d.Stars)]++
		}
	}
	return f
}

func testFacets(t *testing.T, idx search.Index) {
	cases := append(filterCases(), filterCase{"everything", search.Query{}, func(search.Document) bool { return true }})
	for _, fc := range cases {
		t.Run(fc.name, func(t *testing.T) {
			res := mustSearch(t, idx, fc.q)
			want := facetsOf(Corpus(), fc.match)
			if diff := cmp.Diff(want, res.Facets); diff != "" {
				t.Errorf("facets (-want +got):\n%s", diff)
			}
		})
	}
	// Facets count every match, not just the page.
	res := mustSearch(t, idx, search.Query{PerPage: 2})
	if got := res.Facets[search.FacetRegion]["an-giang"]; got != len(expected(func(d search.Document) bool { return slices.Contains(d.RegionIDs, "an-giang") })) {
		t.Errorf("facet an-giang on a page of 2 = %d, want the count over all matches", got)
	}
}

// order returns the ids of the matching corpus documents in the order a
// sort defines; ties are broken by id.
func order(match func(search.Document) bool, less func(a, b search.Document) int) []string {
	var docs []search.Document
	for _, d := range Corpus() {
		if match(d) {
			docs = append(docs, d)
		}
	}
	sort.SliceStable(docs, func(i, j int) bool {
		// What is in stock comes first, in every order.
		if docs[i].InStock != docs[j].InStock {
			return docs[i].InStock
		}
		if c := less(docs[i], docs[j]); c != 0 {
			return c < 0
		}
		return docs[i].ID < docs[j].ID
	})
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out
}

func cmpDesc[T int | int64 | market.VND](a, b T) int { return -cmpAsc(a, b) }
func cmpAsc[T int | int64 | market.VND](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func testSorts(t *testing.T, idx search.Index) {
	all := func(search.Document) bool { return true }
	inAnGiang := func(d search.Document) bool { return slices.Contains(d.RegionIDs, "an-giang") }
	tests := []struct {
		sort  search.Sort
		q     search.Query
		match func(search.Document) bool
		less  func(a, b search.Document) int
	}{
		{search.SortRelevance, search.Query{}, all, func(a, b search.Document) int { return cmpDesc(a.Sold, b.Sold) }},
		{search.SortPriceAsc, search.Query{}, all, func(a, b search.Document) int { return cmpAsc(a.PriceVND, b.PriceVND) }},
		{search.SortPriceDesc, search.Query{}, all, func(a, b search.Document) int { return cmpDesc(a.PriceVND, b.PriceVND) }},
		{search.SortStarsDesc, search.Query{}, all, func(a, b search.Document) int { return cmpDesc(a.Stars, b.Stars) }},
		{search.SortNewest, search.Query{}, all, func(a, b search.Document) int { return b.CreatedAt.Compare(a.CreatedAt) }},
		{search.SortBestselling, search.Query{}, all, func(a, b search.Document) int { return cmpDesc(a.Sold, b.Sold) }},
		{search.SortPriceAsc, search.Query{RegionID: "an-giang"}, inAnGiang, func(a, b search.Document) int { return cmpAsc(a.PriceVND, b.PriceVND) }},
		{search.SortPriceAsc, search.Query{Text: "khóm"}, func(d search.Document) bool { return slices.Contains([]string{"p02", "p03", "p04"}, d.ID) },
			func(a, b search.Document) int { return cmpAsc(a.PriceVND, b.PriceVND) }},
		{search.SortNewest, search.Query{Text: "lai vung"}, func(d search.Document) bool { return d.RegionID == "dong-thap.lai-vung" },
			func(a, b search.Document) int { return b.CreatedAt.Compare(a.CreatedAt) }},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %q %s", tt.sort, tt.q.Text, tt.q.RegionID), func(t *testing.T) {
			tt.q.Sort = tt.sort
			got := ids(mustSearch(t, idx, tt.q))
			if tt.q.Text == "khóm" {
				// "khóm" also finds thơm (its synonym) elsewhere; compare
				// the order of the Cầu Đúc products among the hits.
				got = slices.DeleteFunc(got, func(id string) bool { return !slices.Contains([]string{"p02", "p03", "p04"}, id) })
			}
			if want := order(tt.match, tt.less); !slices.Equal(got, want) {
				t.Errorf("order %v, want %v", got, want)
			}
		})
	}
}

func testPagination(t *testing.T, idx search.Index) {
	n := len(Corpus())
	for _, sort := range search.Sorts() {
		var pages []string
		for page := 1; ; page++ {
			res := mustSearch(t, idx, search.Query{Sort: sort, Page: page, PerPage: 5})
			if res.Total != n || res.Page != page || res.PerPage != 5 {
				t.Fatalf("%s page %d: total %d page %d perPage %d, want %d %d 5", sort, page, res.Total, res.Page, res.PerPage, n, page)
			}
			if len(res.Hits) == 0 {
				break
			}
			if page <= n/5 && len(res.Hits) != 5 {
				t.Errorf("%s page %d has %d hits, want 5", sort, page, len(res.Hits))
			}
			pages = append(pages, ids(res)...)
		}
		whole := ids(mustSearch(t, idx, search.Query{Sort: sort}))
		if !slices.Equal(pages, whole) {
			t.Errorf("%s: pages of 5 = %v, one page = %v", sort, pages, whole)
		}
	}
	// A page past the end is empty but still counts the matches.
	res := mustSearch(t, idx, search.Query{Text: "mật ong", Page: 3, PerPage: 10})
	if len(res.Hits) != 0 || res.Total != 2 {
		t.Errorf("page past the end: %d hits, total %d; want 0 hits, total 2", len(res.Hits), res.Total)
	}
	// Nothing typed browses everything; default page size.
	res = mustSearch(t, idx, search.Query{PerPage: 0})
	if res.Total != n {
		t.Errorf("browse all: total %d, want %d", res.Total, n)
	}
	res, err := idx.Search(ctx(t), search.Query{Text: "?!"})
	if err != nil || res.Total != n || len(res.Hits) != search.DefaultPerPage || res.Page != 1 || res.PerPage != search.DefaultPerPage {
		t.Errorf("punctuation only: total %d, %d hits, page %d/%d, err %v; want every product, default page", res.Total, len(res.Hits), res.Page, res.PerPage, err)
	}
}

func testHits(t *testing.T, idx search.Index) {
	res := mustSearch(t, idx, search.Query{Text: "mật ong tri tôn"})
	if len(res.Hits) != 1 {
		t.Fatalf("want one hit, got %v", ids(res))
	}
	want := Corpus()[6]
	if diff := cmp.Diff(want, res.Hits[0]); diff != "" {
		t.Errorf("hit differs from the indexed document (-want +got):\n%s", diff)
	}
	if res.Took < 0 {
		t.Errorf("Took = %v", res.Took)
	}
}

func testSuggest(t *testing.T, idx search.Index) {
	// What the buyer typed finds nothing: no suggestion, and no words
	// left out to find some.
	if got, err := search.Suggest(ctx(t), idx, "mật ong zz", 5); err != nil || len(got) != 0 {
		t.Errorf("Suggest(mật ong zz) = %q, %v; want none", got, err)
	}
	got, err := search.Suggest(ctx(t), idx, "khóm cầu", 5)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(got, "Khóm Cầu Đúc") || len(got) > 5 {
		t.Errorf("Suggest(khóm cầu) = %q", got)
	}
	got, err = search.Suggest(ctx(t), idx, "mật o", 1)
	if err != nil || len(got) != 1 || !slices.Contains([]string{"Mật ong rừng tràm Tri Tôn", "Mật ong hoa tràm U Minh"}, got[0]) {
		t.Errorf("Suggest(mật o, 1) = %q, %v", got, err)
	}
	got, err = search.Suggest(ctx(t), idx, "  ", 5)
	if err != nil || len(got) != 0 {
		t.Errorf("Suggest(blank) = %q, %v; want nothing", got, err)
	}
}

func testInvalidQuery(t *testing.T, idx search.Index) {
	for _, q := range []search.Query{{PerPage: 500}, {Page: -1}, {Sort: "cheapest"}, {RegionID: `x" OR stars >= 0`}} {
		if _, err := idx.Search(ctx(t), q); !market.IsCode(err, market.Invalid) {
			t.Errorf("Search(%+v) = %v, want invalid", q, err)
		}
	}
	if err := idx.Upsert(ctx(t), []search.Document{{ID: `bad id"`}}); !market.IsCode(err, market.Invalid) {
		t.Errorf("Upsert of a bad id = %v, want invalid", err)
	}
}

func testStats(t *testing.T, idx search.Index, want int) {
	t.Helper()
	st, err := idx.Stats(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents != want {
		t.Errorf("Stats.Documents = %d, want %d", st.Documents, want)
	}
	if err := idx.Ping(ctx(t)); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

func testUpsert(t *testing.T, idx search.Index) {
	load(t, idx, Corpus())
	d := Corpus()[0]
	d.Name = "Bông súng Tháp Mười"
	d.Description = "Bông súng đồng, hái sáng."
	d.PriceVND = 18000
	d.Stars = 3
	d.Version = 2
	if err := idx.Upsert(ctx(t), []search.Document{d}); err != nil {
		t.Fatal(err)
	}
	expectExactly(t, idx, "lẩu mắm canh chua") // the old description
	expectExactly(t, idx, "bông súng tháp mười", "p01")
	res := mustSearch(t, idx, search.Query{MaxPrice: 18000, MinStars: 3})
	if !slices.Contains(ids(res), "p01") {
		t.Errorf("new price and stars not searchable: %v", ids(res))
	}
	if got := mustSearch(t, idx, search.Query{Text: "bông súng"}).Hits; len(got) != 1 || got[0].Version != 2 {
		t.Errorf("hit after upsert: %+v", got)
	}
	testStats(t, idx, len(Corpus()))
	// Upserting nothing is fine.
	if err := idx.Upsert(ctx(t), nil); err != nil {
		t.Errorf("Upsert(nil) = %v", err)
	}
}

func testDelete(t *testing.T, idx search.Index) {
	load(t, idx, Corpus())
	if err := idx.Delete(ctx(t), []string{"p02", "p03", "no-such-product"}); err != nil {
		t.Fatal(err)
	}
	expectExactly(t, idx, "khóm cầu đúc", "p04")
	res := mustSearch(t, idx, search.Query{SellerID: "s-cau-duc"})
	if got := sorted(ids(res)); !slices.Equal(got, []string{"p04", "p12"}) {
		t.Errorf("seller's products after delete: %v", got)
	}
	if res.Facets[search.FacetRegion]["can-tho.hoa-tien"] != 2 {
		t.Errorf("facets still count deleted products: %v", res.Facets[search.FacetRegion])
	}
	testStats(t, idx, len(Corpus())-2)
	if err := idx.Delete(ctx(t), nil); err != nil {
		t.Errorf("Delete(nil) = %v", err)
	}
}

func seq(docs []search.Document, failAfter int) iter.Seq2[search.Document, error] {
	return func(yield func(search.Document, error) bool) {
		for i, d := range docs {
			if i == failAfter {
				yield(search.Document{}, errors.New("records store went away"))
				return
			}
			if !yield(d, nil) {
				return
			}
		}
	}
}

func testRebuild(t *testing.T, idx search.Index) {
	corpus := Corpus()
	load(t, idx, corpus[:10])
	before, err := idx.Stats(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	n, err := idx.Rebuild(ctx(t), seq(corpus[5:], -1))
	if err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	if n != len(corpus)-5 {
		t.Errorf("Rebuild indexed %d, want %d", n, len(corpus)-5)
	}
	after, err := idx.Stats(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if after.Documents != len(corpus)-5 || after.Generation == before.Generation {
		t.Errorf("after Rebuild: %+v (before %+v)", after, before)
	}
	expectNone(t, idx, "hoa súng", "p01") // p01 was not in the stream: gone
	expectExactly(t, idx, "mật ong", "p07", "p08")
	// The rebuilt index takes writes.
	if err := idx.Upsert(ctx(t), corpus[:1]); err != nil {
		t.Fatal(err)
	}
	expectExactly(t, idx, "hoa súng", "p01")

	// A failing stream leaves the live index as it was.
	if _, err := idx.Rebuild(ctx(t), seq(corpus, 3)); err == nil {
		t.Error("Rebuild with a failing stream returned no error")
	}
	testStats(t, idx, len(corpus)-4)
	expectExactly(t, idx, "hoa súng", "p01")

	// A cancelled rebuild too.
	c, cancel := context.WithCancel(ctx(t))
	cancel()
	if _, err := idx.Rebuild(c, seq(corpus, -1)); err == nil {
		t.Error("cancelled Rebuild returned no error")
	}
	testStats(t, idx, len(corpus)-4)

	// An empty stream empties the index.
	if n, err := idx.Rebuild(ctx(t), seq(nil, -1)); err != nil || n != 0 {
		t.Errorf("empty Rebuild = %d, %v", n, err)
	}
	testStats(t, idx, 0)
}

func testConcurrent(t *testing.T, idx search.Index) {
	corpus := Corpus()
	load(t, idx, corpus)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				res, err := idx.Search(context.Background(), search.Query{Text: "mật ong"})
				if err != nil {
					errs <- err
					return
				}
				if res.Total != 2 {
					errs <- fmt.Errorf("mật ong: total %d during writes", res.Total)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 10; i++ {
			d := corpus[20+i]
			d.Version++
			if err := idx.Upsert(context.Background(), []search.Document{d}); err != nil {
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
