package bleveindex_test

import (
	"context"
	"iter"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/ocopmarket/market"

	"github.com/ocopmarket/market/bleveindex"
	"github.com/ocopmarket/market/catalog"
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

// seqOf yields docs as a rebuild reads them.
func seqOf(docs []search.Document) iter.Seq2[search.Document, error] {
	return func(yield func(search.Document, error) bool) {
		for _, d := range docs {
			if !yield(d, nil) {
				return
			}
		}
	}
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
	if _, err := idx.Rebuild(ctx, seqOf(corpus)); err != nil {
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

// Typed with its tone marks, a word is that word: "dứa" (pineapple:
// khóm, thơm) does not bring "dừa" (coconut), which folds alike, and
// "nấm" (mushroom) is not the Năm of bưởi Năm Roi; without marks both
// count. A word with marks that no name has and the table does not know,
// most often marks typed wrong, still matches folded; so does a word the
// name lacks, in the description or the place; and a tone placed by the
// other convention ("hòa", "hoà") is the same word.
//
// The index knows how names write their words, also after a restart, and
// Bleve's own path answers alike.
func TestToneMarksKeepTheirWord(t *testing.T) {
	dir := t.TempDir()
	idx, err := bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	docs := append(searchtest.Corpus(),
		doc("x1", "Dua sap Tra Vinh", "Trai to."),       // no marks: either
		doc("x2", "Bánh tét Hoà Bình", "Gói lá chuối."), // the newer tone convention
		doc("x3", "Kẹo dừa vị dứa", "Hai vị."),
		doc("x4", "Gạo Hòa An", "Gạo mới."), // the older
		doc("x5", "Hoa súng hồng", "Cọng dài."),
		doc("x6", "Banh hoa hong", "Khong dau."), // no marks: hoà, or hoa
		doc("x7", "Bánh pía Bà Năm", "Nhân đậu xanh."),
		doc("x8", "Chè lam Bá Thước", "Nếp dẻo."),
		doc("x9", "Trà hòa hợp", "Nhiều vị."),
		doc("x10", "Nước sâm khỏe", "Mát."),
		doc("x12", "Cà tím", "Trái dài."),
		doc("x13", "Giỏ cái lục bình", "Đan tay."),
	)
	fish := doc("x11", "Khô cá lóc", "Phơi một nắng.")
	fish.RegionName = "U Minh, Cà Mau"
	docs = append(docs, fish)
	if err := idx.Upsert(ctx, docs); err != nil {
		t.Fatal(err)
	}
	pineapples, coconuts := []string{"p02", "p03", "p04", "p23"}, []string{"p20", "p21", "p22"}
	tests := []struct {
		text      string
		want, not []string
	}{
		{"dứa", append(pineapples, "x1", "x3"), coconuts},
		{"Dứa", append(pineapples, "x1", "x3"), coconuts},
		{"dừa", append(coconuts, "x1", "x3"), pineapples},
		{"dua", append(append(coconuts, pineapples...), "x1", "x3"), nil},
		// Marks no name has match folded (but take no synonyms: "quà",
		// a gift, is no quả, fruit, nor its synonym trái).
		{"dúa", append(coconuts, "x1", "x3"), nil},
		{"nấm", []string{"p13"}, []string{"p05"}},
		{"năm roi", []string{"p05"}, []string{"p13"}},
		{"hòa bình", []string{"x2"}, nil},
		{"hoà bình", []string{"x2"}, nil},
		{"bánh hòa", []string{"x2"}, nil},
		{"hòa", []string{"x2", "x4", "x6"}, []string{"x5"}},
		{"hoà", []string{"x2", "x4", "x6"}, []string{"x5"}},
		{"hoa", []string{"x2", "x4", "x5", "x6"}, nil},
		// Cần is in no name here: the place still matches.
		{"cần thơ", []string{"p02", "x2"}, nil},
		// So does a word a name writes otherwise: cà of Cà Mau is not cá.
		{"cà mau", []string{"x11"}, nil},
		{"cà", []string{"x11", "x12"}, nil},
		{"khô cà mau", []string{"x11"}, nil},
		// Sent whole, a word names write is that word: cá is not cái,
		// bá not the start of bánh (typing, it is: below).
		{"cá", []string{"x11"}, []string{"x12", "x13"}},
		{"bá", []string{"x8"}, []string{"x7"}},
		// Typed with the tone where the older convention puts it, on
		// the way to a word the index writes the newer way.
		{"hò", []string{"x2", "x4", "x9"}, nil},
		{"trà hò", []string{"x9"}, nil},
		{"khỏ", []string{"x10"}, nil},
	}
	check := func() {
		t.Helper()
		for _, sort := range []search.Sort{search.SortRelevance, search.SortPriceAsc} {
			for _, tt := range tests {
				q := search.Query{Text: tt.text, Sort: sort, PerPage: search.MaxPerPage}
				expectFinds(t, idx, q, tt.want, tt.not)
				answerAsBleve(t, ctx, idx, q)
			}
		}
		// As the buyer types, the last word is also the start of others.
		for _, tt := range []struct {
			text string
			want []string
		}{{"bá", []string{"x7", "x8"}}, {"cá", []string{"x11", "x13"}}} {
			q := search.Query{Text: tt.text, Typing: true, PerPage: search.MaxPerPage}
			expectFinds(t, idx, q, tt.want, nil)
			answerAsBleve(t, ctx, idx, q)
		}
	}
	check()
	idx.Close()
	idx = reopened(t, dir)
	defer idx.Close()
	check()
}

// doc is a product of a test seller of Phong Điền, Cần Thơ.
func doc(id, name, description string) search.Document {
	return search.Document{ID: id, Name: name, Description: description, CategoryID: "che-bien", SellerID: "s-x",
		RegionID: "can-tho.phong-dien", RegionName: "Phong Điền, Cần Thơ", PriceVND: 12000, Unit: "kg", InStock: true}
}

// A kind of product that the products themselves rarely say finds its
// categories' products, after those that say it: "hải sản" is the fish
// and shrimp, not an oyster mushroom "hái mỗi sáng" (picked each morning);
// "thủ công" is the baskets, jewellery and brocade, after the jam made by
// hand.
func TestKindsOfProduct(t *testing.T) {
	idx := newIndex(t)
	ctx := context.Background()
	in := func(d search.Document, category string) search.Document {
		d.CategoryID, d.CategoryIDs = category, catalog.CategoryAncestors(category)
		return d
	}
	if err := idx.Upsert(ctx, []search.Document{
		in(doc("fish", "Cá lóc đồng", "Bắt ruộng, làm sạch."), "thuy-san"),
		in(doc("shrimp", "Tôm càng xanh", "Nuôi ruộng lúa."), "thuy-san"),
		in(doc("mushroom", "Nấm bào ngư", "Trồng trên rơm, hái mỗi sáng."), "rau-cu"),
		in(doc("jam", "Mứt khóm dẻo", "Ít ngọt, làm thủ công."), "duong-banh-keo"),
		in(doc("basket", "Giỏ lục bình", "Đan tay."), "dan-lat"),
		in(doc("bracelet", "Vòng tay ngọc trai", "Ngọc trai nuôi."), "thu-cong"),
		in(doc("scarf", "Khăn thổ cẩm", "Dệt khung cửi."), "tho-cam"),
		in(doc("dried", "Khô cá tra phồng", "Một nắng."), "kho-mam"),
		in(doc("soap", "Xà bông sả chanh", "Nấu từ tinh dầu sả."), "my-pham-thao-duoc"),
		func() search.Document {
			d := in(doc("longmy", "Khóm Long Mỹ", "Thực phẩm sạch."), "trai-cay")
			d.RegionName = "Long Mỹ, Cần Thơ"
			return d
		}(),
		in(doc("juice", "Nước cốt khóm", "Chai 500 ml."), "nuoc-ep"),
		in(doc("wine", "Rượu đế nếp", "Nấu thủ công."), "ruou"),
	}); err != nil {
		t.Fatal(err)
	}
	for _, sort := range []search.Sort{search.SortRelevance, search.SortPriceAsc} {
		for _, tt := range []struct {
			text      string
			want, not []string
		}{
			{"hải sản", []string{"fish", "shrimp"}, []string{"mushroom", "jam", "dried"}},
			{"hai san", []string{"fish", "shrimp"}, []string{"mushroom"}},
			{"seafood", []string{"fish", "shrimp"}, []string{"mushroom"}},
			{"thủy sản", []string{"fish", "shrimp"}, []string{"mushroom"}},
			{"thủ công", []string{"jam", "basket", "bracelet", "scarf"}, []string{"fish", "mushroom"}},
			{"handicrafts", []string{"basket", "bracelet", "scarf"}, []string{"jam", "fish"}},
			// The kind narrows with another word, as any word does.
			{"hải sản tôm", []string{"shrimp"}, []string{"fish"}},
			// One kind, not two words found apart: mỹ of Long Mỹ and phẩm
			// of thực phẩm make no cosmetics.
			{"mỹ phẩm", []string{"soap"}, []string{"longmy"}},
			{"đồ uống", []string{"juice", "wine"}, []string{"jam", "soap"}},
			{"drinks", []string{"juice", "wine"}, []string{"jam"}},
		} {
			expectFinds(t, idx, search.Query{Text: tt.text, Sort: sort, PerPage: search.MaxPerPage}, tt.want, tt.not)
		}
	}
	// The products that say the words come first, the kind's after them.
	res, err := idx.Search(ctx, search.Query{Text: "thủ công"})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, h := range res.Hits {
		order = append(order, h.ID)
	}
	if len(order) != 5 || !slices.Contains(order[:2], "jam") || !slices.Contains(order[:2], "wine") || len(res.Dropped) != 0 {
		t.Fatalf("thủ công: %v (dropped %v), want the jam and the rice wine first", order, res.Dropped)
	}
}

// A classifier before a word ranks, it does not filter: "trái xoài"
// finds the mangoes, which no name calls trái, before a dried mix named
// trái cây that has mango in it.
func TestClassifiersRank(t *testing.T) {
	idx := newIndex(t)
	ctx := context.Background()
	if err := idx.Upsert(ctx, []search.Document{
		doc("mango", "Xoài cát Hòa Lộc", "Chín cây."),
		doc("mix", "Trái cây sấy dẻo", "Xoài, mít, khóm."),
		doc("fish", "Cá lóc đồng", "Làm sạch."),
	}); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"trái xoài", "quả xoài", "trai xoai"} {
		res, err := idx.Search(ctx, search.Query{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range res.Hits {
			got = append(got, d.ID)
		}
		if !slices.Equal(got, []string{"mango", "mix"}) {
			t.Errorf("%q found %v, want [mango mix]", text, got)
		}
	}
	expectFinds(t, idx, search.Query{Text: "con cá", Sort: search.SortPriceAsc}, []string{"fish"}, []string{"mango"})
	// Alone, or before a word it is a phrase with, it is what was asked.
	expectFinds(t, idx, search.Query{Text: "trái cây"}, []string{"mix"}, []string{"mango"})
}

// reopened opens the index in dir and waits for its rows to load.
func reopened(t *testing.T, dir string) *bleveindex.Index {
	t.Helper()
	idx, err := bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !idx.ColumnsReady() {
		idx.Close()
		t.Fatal("the rows never loaded")
	}
	return idx
}

// A synonym stands for its group as written, in names: khóm (pineapple)
// brings dứa and thơm, never dừa (coconut), dưa (melon) or gạo thơm
// (fragrant rice), and a description that says "thơm nhẹ" does not make a
// pomelo a pineapple.
func TestSynonymsMatchAsWritten(t *testing.T) {
	idx := newIndex(t)
	ctx := context.Background()
	docs := append(searchtest.Corpus(),
		doc("x1", "Dưa hấu Long An", "Ruột đỏ, ngọt mát."),
		doc("x2", "Mứt dứa Tân Lập", "Sên tay, ít đường."),
		doc("x3", "Giỏ tre đan tay", "Hàng hóa xuất khẩu."),
		doc("x4", "Bông điên điển", "Hái sáng sớm."),
		doc("x5", "Thom Cau Duc", "Trai to."),
		doc("x6", "Chuối sấy quả to vị cá", "Giòn, ít ngọt."),
		doc("x7", "Xà bông thơm sả chanh", "Nấu thủ công."),
		doc("x8", "Đậu hủ non", "Làm trong ngày."),
		doc("x9", "Dâu Hạ Châu Phong Điền", "Chua ngọt."),
		doc("x10", "Khô cá tra phồng", "Một nắng."),
		doc("x11", "Cam sành", "Vỏ xanh."),
	)
	if err := idx.Upsert(ctx, docs); err != nil {
		t.Fatal(err)
	}
	for _, sort := range []search.Sort{search.SortRelevance, search.SortPriceAsc} {
		for _, tt := range []struct {
			text      string
			want, not []string
		}{
			// khóm's dứa and thơm, as written: no coconut, melon,
			// fragrant rice or soap, nor a pomelo described "thơm nhẹ";
			// a name written without marks is found.
			{"khóm", []string{"p02", "p03", "p04", "p23", "x2", "x5"}, []string{"p06", "p14", "p15", "p20", "p21", "p22", "x1", "x7"}},
			{"khom", []string{"p02", "p03", "p04", "p23", "x2", "x5"}, []string{"p06", "p14", "p15", "p20", "p21", "p22", "x1", "x7"}},
			{"mứt khóm", []string{"x2"}, []string{"p17"}},
			// hoa's bông is a word of a name; hàng hóa in a description
			// is no flower, nor is xà bông.
			{"hoa", []string{"x4"}, []string{"x7"}},
			{"bông", nil, []string{"x3"}},
			// A synonym of two words stands in a row: "cá quả" is not a
			// banana chip named with cá and quả.
			{"cá lóc", []string{"p18", "p19"}, []string{"x6"}},
			// The South's spelling of the North's đậu phụ.
			{"đậu phụ", []string{"x8"}, nil},
			// bưởi Năm Roi is no wax apple.
			{"mận", nil, []string{"p05"}},
			// In a name with marks, a word without them is a word of its
			// own: tea's trà is not the tra of cá tra (catfish).
			{"tea", nil, []string{"x10"}},
			// The word before the words of buying is whole: ca, not cam.
			{"ca mua", []string{"p11"}, []string{"x11"}},
			{"ca", []string{"x11"}, nil},
			// Strawberries of Phong Điền are no peanuts (đậu phộng).
			{"dâu phong điền", []string{"x9"}, nil},
			{"đậu phộng", nil, []string{"x9"}},
		} {
			expectFinds(t, idx, search.Query{Text: tt.text, Sort: sort, PerPage: search.MaxPerPage}, tt.want, tt.not)
		}
	}
}

// The last word typed with marks is the start of a word written with the
// same marks: "ngô" is not becoming "ngọt"; without marks, "ngo" may
// still be either. (Each search is asked once with marks and once
// without: the kept matches must keep them apart.)
func TestMarkedPrefix(t *testing.T) {
	idx := newIndex(t)
	ctx := context.Background()
	docs := append(searchtest.Corpus(),
		search.Document{ID: "x1", Name: "Kẹo ngọt Cái Bè", Description: "Kẹo mềm.", CategoryID: "che-bien", SellerID: "s-x",
			RegionID: "dong-thap.cai-be", PriceVND: 20000, Unit: "hộp", InStock: true},
		search.Document{ID: "x2", Name: "Ngô nếp luộc", Description: "Trái non.", CategoryID: "che-bien", SellerID: "s-x",
			RegionID: "dong-thap.cai-be", PriceVND: 15000, Unit: "trái", InStock: true},
		search.Document{ID: "x3", Name: "Gạo Long An", Description: "Hạt dài.", CategoryID: "gao", SellerID: "s-x",
			RegionID: "dong-thap.cai-be", PriceVND: 18000, Unit: "kg", InStock: true},
		search.Document{ID: "x4", Name: "Buoi da xanh", Description: "Vo mong.", CategoryID: "trai-cay", SellerID: "s-x",
			RegionID: "dong-thap.cai-be", PriceVND: 30000, Unit: "kg", InStock: true},
	)
	if err := idx.Upsert(ctx, docs); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		text      string
		want, not []string
	}{
		{"ngô", []string{"x2"}, []string{"x1"}}, // not ngọt
		{"ngo", []string{"x1", "x2"}, nil},
		{"lợn", []string{"p41"}, []string{"x3"}}, // heo quay, not Long An
		{"lon", []string{"p41", "x3"}, nil},
		{"khó", []string{"p02", "p03", "p04"}, nil}, // on its way to khóm
		{"bưở", []string{"p05", "p06", "x4"}, nil},  // and to a name written without marks
		{"quả", nil, []string{"p41"}},               // not to the unmarked word of "Heo quay"
		// A word typed with marks is whole, and marked, in shops' names:
		// cải is not the Cái of "HTX Nông sản Cái Bè", which sells p23; and cải
		// is no optional cái.
		{"cải mắt", nil, []string{"p23"}},
	} {
		expectFinds(t, idx, search.Query{Text: tt.text, Sort: search.SortPriceAsc, PerPage: search.MaxPerPage}, tt.want, tt.not)
	}
}

// expectFinds fails unless q finds every product of want and none of not.
func expectFinds(t *testing.T, idx search.Index, q search.Query, want, not []string) {
	t.Helper()
	res, err := idx.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, d := range res.Hits {
		got[d.ID] = true
	}
	for _, id := range want {
		if !got[id] {
			t.Errorf("%q (%s) does not find %s: %v", q.Text, q.Sort, id, got)
		}
	}
	for _, id := range not {
		if got[id] {
			t.Errorf("%q (%s) finds %s: %v", q.Text, q.Sort, id, got)
		}
	}
}

// A generation made by an older mapping says so until a rebuild replaces it.
func TestOutdatedUntilRebuilt(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	idx, err := bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if idx.Outdated() {
		t.Error("a new index is outdated")
	}
	if err := idx.Upsert(ctx, searchtest.Corpus()); err != nil {
		t.Fatal(err)
	}
	idx.MarkMapping("1")
	idx.Close()

	idx, err = bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if !idx.Outdated() {
		t.Fatal("an index of mapping 1 is not outdated")
	}
	if res, err := idx.Search(ctx, search.Query{Text: "khóm"}); err != nil || res.Total == 0 {
		t.Errorf("an outdated index does not answer: %+v, %v", res, err)
	}
	if _, err := idx.Rebuild(ctx, seqOf(searchtest.Corpus())); err != nil {
		t.Fatal(err)
	}
	if idx.Outdated() {
		t.Error("still outdated after a rebuild")
	}
}

// An index whose stored documents cannot be read into rows still answers,
// every search on Bleve's own path.
func TestUnreadableRowsLeaveBlevesPath(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	idx, err := bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Upsert(ctx, searchtest.Corpus()); err != nil {
		t.Fatal(err)
	}
	idx.Close()
	// A document whose stored source is not JSON, as a damaged or foreign
	// index might hold.
	gen, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := bleve.Open(filepath.Join(dir, strings.TrimSpace(string(gen))))
	if err != nil {
		t.Fatal(err)
	}
	if err := raw.Index("broken", map[string]any{"text": "khom", "source": "{not json"}); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	idx, err = bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if idx.ColumnsReady() || !idx.ColumnsFailed() {
		t.Fatal("columns loaded from an unreadable document, or never gave up")
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := idx.Search(ctx, search.Query{Text: "bưởi"})
			if err != nil || res.Total != 2 {
				t.Errorf("search on Bleve's path: %d, %v; want 2", res.Total, err)
			}
		}()
	}
	wg.Wait()
}

// TestSameSearchAskedAtOnce: many buyers asking the same searches at the
// same moment, while products change, each get a whole answer of their
// own: the same as a search asked alone once the changes stop.
func TestSameSearchAskedAtOnce(t *testing.T) {
	idx := newIndex(t)
	ctx := context.Background()
	corpus := searchtest.Corpus()
	if err := idx.Upsert(ctx, corpus); err != nil {
		t.Fatal(err)
	}
	asks := []search.Query{{Text: "hoa sung"}, {Text: "dứa", Sort: search.SortPriceAsc}, {RegionID: "can-tho"}}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				res, err := idx.Search(ctx, asks[i%len(asks)])
				if err != nil {
					errs <- err
					return
				}
				if len(res.Hits) > 0 {
					res.Hits[0].Name = "changed by a caller" // its own copy
				}
			}
		}()
	}
	for i := range 10 {
		d := corpus[i%len(corpus)]
		d.Sold += int64(i + 1)
		if err := idx.Upsert(ctx, []search.Document{d}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, q := range asks {
		got, err := idx.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		want, err := idx.(*bleveindex.Index).SearchBleve(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Hits) == 0 || got.Total != want.Total || !reflect.DeepEqual(ids(got.Hits), ids(want.Hits)) {
			t.Errorf("%+v: %d hits %v, alone on Bleve's path %d %v", q, got.Total, ids(got.Hits), want.Total, ids(want.Hits))
		}
		for _, d := range got.Hits {
			if d.Name == "changed by a caller" {
				t.Errorf("%+v: a caller's change reached another answer", q)
			}
		}
	}
}

func ids(docs []search.Document) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out
}

// TestSalesAloneKeepAnswers: a checkout changes a product's sales (and
// version) alone. Answers not ordered by sales still come from the cache,
// with the product's new sales; answers ordered by sales (best-selling,
// browsing) are made again; any other change makes every answer again.
// Every answer is the one Bleve's own path gives at that moment.
func TestSalesAloneKeepAnswers(t *testing.T) {
	dir := t.TempDir()
	x, err := bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { x.Close() }()
	ctx := context.Background()
	corpus := searchtest.Corpus()
	if err := x.Upsert(ctx, corpus); err != nil {
		t.Fatal(err)
	}
	keep := []search.Query{{Text: "khom"}, {Text: "khom", Sort: search.SortPriceDesc}}
	remake := []search.Query{{Text: "khom", Sort: search.SortBestselling}, {RegionID: "can-tho"}}
	ask := func() {
		t.Helper()
		for _, q := range append(append([]search.Query{}, keep...), remake...) {
			got, err := x.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			want, err := x.SearchBleve(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != want.Total || !reflect.DeepEqual(got.Hits, want.Hits) || !reflect.DeepEqual(got.Facets, want.Facets) {
				t.Errorf("%+v: %d %v, Bleve's own path %d %v", q, got.Total, ids(got.Hits), want.Total, ids(want.Hits))
			}
		}
	}
	ask()
	first, err := x.Search(ctx, keep[0])
	if err != nil || len(first.Hits) < 2 {
		t.Fatalf("%q finds %d products (%v)", keep[0].Text, len(first.Hits), err)
	}
	var d search.Document
	for _, c := range corpus {
		if c.ID == first.Hits[len(first.Hits)-1].ID {
			d = c
		}
	}

	before := x.Answered()
	d.Sold += 100000
	d.Version++
	if err := x.Upsert(ctx, []search.Document{d}); err != nil {
		t.Fatal(err)
	}
	ask()
	if n := x.Answered() - before; n != uint64(len(remake)) {
		t.Errorf("after a change of sales alone %d searches were made again, want the %d ordered by sales", n, len(remake))
	}
	if got, _ := x.Search(ctx, remake[0]); len(got.Hits) == 0 || got.Hits[0].ID != d.ID {
		t.Errorf("best-selling %q does not list the product that just sold 100 000 first: %v", remake[0].Text, ids(got.Hits))
	}

	before = x.Answered()
	d.PriceVND += 1000
	if err := x.Upsert(ctx, []search.Document{d}); err != nil {
		t.Fatal(err)
	}
	ask()
	if n := x.Answered() - before; n != uint64(len(keep)+len(remake)) {
		t.Errorf("after a change of price %d searches were made again, want all %d", n, len(keep)+len(remake))
	}

	// The same after a restart, on rows loaded from the stored documents.
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if x, err = bleveindex.Open(dir); err != nil {
		t.Fatal(err)
	}
	if !x.ColumnsReady() {
		t.Fatal("the rows did not load")
	}
	ask()
	before = x.Answered()
	d.Sold++
	d.Version++
	if err := x.Upsert(ctx, []search.Document{d}); err != nil {
		t.Fatal(err)
	}
	ask()
	if n := x.Answered() - before; n != uint64(len(remake)) {
		t.Errorf("after a restart and a change of sales alone %d searches were made again, want the %d ordered by sales", n, len(remake))
	}
}
