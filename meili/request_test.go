package meili

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/meilisearch/meilisearch-go"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/search"
	"github.com/ocopmarket/market/search/searchtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestFilter(t *testing.T) {
	tests := []struct {
		name string
		q    search.Query
		want string
	}{
		{"no filter", search.Query{Text: "mật ong"}, ""},
		{"category", search.Query{CategoryID: "thuc-pham"}, `categoryIds = "thuc-pham"`},
		{"province", search.Query{RegionID: "an-giang"}, `regionIds = "an-giang"`},
		{"commune", search.Query{RegionID: "can-tho.ninh-kieu"}, `regionIds = "can-tho.ninh-kieu"`},
		{"seller", search.Query{SellerID: "01JB8Z3K9Q"}, `sellerId = "01JB8Z3K9Q"`},
		{"stars", search.Query{MinStars: 4}, `stars >= 4`},
		{"price range", search.Query{MinPrice: 45000, MaxPrice: 70000}, `priceVnd >= 45000 AND priceVnd <= 70000`},
		{"max price", search.Query{MaxPrice: market.MaxVND}, `priceVnd <= 1000000000000`},
		{"in stock", search.Query{InStock: true}, `inStock = true`},
		{"all", search.Query{CategoryID: "trai-cay", RegionID: "vinh-long", SellerID: "s_1", MinStars: 3, MinPrice: 1, MaxPrice: 2, InStock: true},
			`categoryIds = "trai-cay" AND regionIds = "vinh-long" AND sellerId = "s_1" AND stars >= 3 AND priceVnd >= 1 AND priceVnd <= 2 AND inStock = true`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Filter(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Filter = %s\nwant     %s", got, tt.want)
			}
		})
	}
}

func TestFilterRejectsHostileInput(t *testing.T) {
	hostile := []string{
		`x" OR stars >= 0`,
		`x" OR "1" = "1`,
		`an-giang") OR (stars >= 0`,
		`x\" OR stars >= 0`,
		`x\`,
		`"`,
		`an giang`,
		"an-giang\nOR stars >= 0",
		strings.Repeat("a", 5*1024),
		strings.Repeat(`\"`, 2500),
		"an-giang' OR 1=1 --",
		"x IN [a, b]",
	}
	for _, v := range hostile {
		for _, q := range []search.Query{{CategoryID: v}, {RegionID: v}, {SellerID: v}} {
			got, err := Filter(q)
			if !market.IsCode(err, market.Invalid) || got != "" {
				t.Errorf("Filter(%+q) = %q, %v; want an invalid error and no filter", v, got, err)
			}
		}
	}
	for _, q := range []search.Query{{MinStars: -1}, {MinStars: 6}, {MinPrice: -1}, {MaxPrice: market.MaxVND + 1}, {MinPrice: 10, MaxPrice: 5}} {
		if got, err := Filter(q); !market.IsCode(err, market.Invalid) || got != "" {
			t.Errorf("Filter(%+v) = %q, %v; want an invalid error", q, got, err)
		}
	}
}

func TestQuote(t *testing.T) {
	// Ids never reach quote with a quote or a backslash in them; if one
	// did, it would stay inside the string.
	tests := []struct{ in, want string }{
		{"an-giang", `"an-giang"`},
		{`x" OR stars >= 0`, `"x\" OR stars >= 0"`},
		{`x\" OR stars >= 0`, `"x\\\" OR stars >= 0"`},
		{`\`, `"\\"`},
		{`""`, `"\"\""`},
		{"Cần Thơ", `"Cần Thơ"`},
		{"", `""`},
	}
	for _, tt := range tests {
		if got := quote(tt.in); got != tt.want {
			t.Errorf("quote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestSearchRequest(t *testing.T) {
	tests := []struct {
		name string
		q    search.Query
		want string
	}{
		{"browse", search.Query{},
			`{"matchingStrategy":"all","facets":["categoryIds","regionIds","stars"],"sort":["stocked:desc","sold:desc","id:asc"],"hitsPerPage":20,"page":1,"q":"","hybrid":null}`},
		{"text by relevance", search.Query{Text: "  Mật ong Tri Tôn! ", PerPage: 10, Page: 2},
			`{"attributesToSearchOn":["nameFolded","descriptionFolded","regionNameFolded"],"matchingStrategy":"all","facets":["categoryIds","regionIds","stars"],"sort":["stocked:desc"],"hitsPerPage":10,"page":2,"q":"mat ong tri ton","hybrid":null}`},
		{"filters and sort", search.Query{Text: "Khóm", RegionID: "can-tho", MinStars: 4, InStock: true, Sort: search.SortPriceAsc},
			`{"attributesToSearchOn":["nameFolded","descriptionFolded","regionNameFolded"],"matchingStrategy":"all","filter":"regionIds = \"can-tho\" AND stars >= 4 AND inStock = true","facets":["categoryIds","regionIds","stars"],"sort":["stocked:desc","priceVnd:asc","id:asc"],"hitsPerPage":20,"page":1,"q":"khom","hybrid":null}`},
		{"newest", search.Query{Sort: search.SortNewest},
			`{"matchingStrategy":"all","facets":["categoryIds","regionIds","stars"],"sort":["stocked:desc","createdAtMs:desc","id:asc"],"hitsPerPage":20,"page":1,"q":"","hybrid":null}`},
		{"stars", search.Query{Text: "x", Sort: search.SortStarsDesc},
			`{"attributesToSearchOn":["nameFolded","descriptionFolded","regionNameFolded"],"matchingStrategy":"all","facets":["categoryIds","regionIds","stars"],"sort":["stocked:desc","stars:desc","id:asc"],"hitsPerPage":20,"page":1,"q":"x","hybrid":null}`},
		{"bestselling", search.Query{Text: "x", Sort: search.SortBestselling},
			`{"attributesToSearchOn":["nameFolded","descriptionFolded","regionNameFolded"],"matchingStrategy":"all","facets":["categoryIds","regionIds","stars"],"sort":["stocked:desc","sold:desc","id:asc"],"hitsPerPage":20,"page":1,"q":"x","hybrid":null}`},
		{"price desc", search.Query{Sort: search.SortPriceDesc, MaxPrice: 50000},
			`{"matchingStrategy":"all","filter":"priceVnd <= 50000","facets":["categoryIds","regionIds","stars"],"sort":["stocked:desc","priceVnd:desc","id:asc"],"hitsPerPage":20,"page":1,"q":"","hybrid":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, req, err := searchRequest(tt.q, false)
			if err != nil {
				t.Fatal(err)
			}
			if text != req.Query {
				t.Errorf("text %q, request q %q", text, req.Query)
			}
			var buf strings.Builder
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(req); err != nil {
				t.Fatal(err)
			}
			if b := strings.TrimSpace(buf.String()); b != tt.want {
				t.Errorf("request\n got %s\nwant %s", b, tt.want)
			}
		})
	}
	if _, _, err := searchRequest(search.Query{PerPage: 101}, false); !market.IsCode(err, market.Invalid) {
		t.Errorf("perPage 101: %v, want invalid", err)
	}
}

// Words that match no product in its own words and place are searched in
// the shops' names too, with the same filters.
func TestSearchRequestWithShops(t *testing.T) {
	_, req, err := searchRequest(search.Query{Text: "Cơ sở Bảy Tưng", InStock: true}, true)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"attributesToSearchOn":["nameFolded","descriptionFolded","regionNameFolded","sellerNameFolded","categoryNamesFolded"],"matchingStrategy":"all","filter":"inStock = true","facets":["categoryIds","regionIds","stars"],"sort":["stocked:desc"],"hitsPerPage":20,"page":1,"q":"co so bay tung","hybrid":null}`
	if string(b) != want {
		t.Errorf("request\n got %s\nwant %s", b, want)
	}
	// The list of the products' own attributes is not changed by it.
	if _, req, _ := searchRequest(search.Query{Text: "x"}, false); len(req.AttributesToSearchOn) != 3 {
		t.Errorf("own attributes %q", req.AttributesToSearchOn)
	}
}

// A count, filters aside, in the products' own words, then with the
// shops' names; no facets.
func TestCountRequest(t *testing.T) {
	for _, tt := range []struct {
		shop bool
		want string
	}{
		{false, `{"attributesToSearchOn":["nameFolded","descriptionFolded","regionNameFolded"],"matchingStrategy":"all","hitsPerPage":1,"page":1,"q":"qua buoi","hybrid":null}`},
		{true, `{"attributesToSearchOn":["nameFolded","descriptionFolded","regionNameFolded","sellerNameFolded","categoryNamesFolded"],"matchingStrategy":"all","hitsPerPage":1,"page":1,"q":"qua buoi ","hybrid":null}`},
	} {
		b, err := json.Marshal(countRequest("quả bưởi", tt.shop))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.want {
			t.Errorf("shop %v:\n got %s\nwant %s", tt.shop, b, tt.want)
		}
	}
}

func TestShopText(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{"thua", "thua "}, // one word: whole
		{"vườn bưởi út h", "vuon buoi ut h"}, // the last of several, typed without marks: a prefix
		{"vườn bưởi Út", "vuon buoi ut "},    // typed with marks: whole
		{"", ""},
	} {
		if got := shopText(tt.text); got != tt.want {
			t.Errorf("shopText(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestSettings(t *testing.T) {
	got, err := json.MarshalIndent(settings(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "settings.json", got)
	s := settings()
	if s.TypoTolerance.MinWordSizeForTypos.OneTypo != 5 || s.TypoTolerance.MinWordSizeForTypos.TwoTypos != 9 {
		t.Errorf("typo tolerance %+v", s.TypoTolerance)
	}
	if syn := s.Synonyms["dau phong"]; len(syn) != 2 || syn[0] != "lac" || syn[1] != "peanut" {
		t.Errorf("synonyms of dau phong: %q", syn)
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", name, diff)
	}
}

func TestDocumentRoundTrip(t *testing.T) {
	for _, d := range searchtest.Corpus() {
		b, err := json.Marshal(toDocument(d))
		if err != nil {
			t.Fatal(err)
		}
		var hit meilisearch.Hit
		if err := json.Unmarshal(b, &hit); err != nil {
			t.Fatal(err)
		}
		var m document
		if err := hit.DecodeInto(&m); err != nil {
			t.Fatal(err)
		}
		got, err := fromDocument(m)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(d, got); diff != "" {
			t.Errorf("%s (-sent +back):\n%s", d.ID, diff)
		}
	}
	m := toDocument(searchtest.Corpus()[8])
	if m.NameFolded != "duong thot not tinh bien" || m.RegionNameFolded != "tinh bien an giang" || m.CreatedAtMs != m.CreatedAtMs/1000*1000 {
		t.Errorf("folded fields: %+v", m)
	}
	// Sorted on, in stock first.
	for d, want := range map[bool]int{true: 1, false: 0} {
		doc := searchtest.Corpus()[8]
		doc.InStock = d
		if got := toDocument(doc).Stocked; got != want {
			t.Errorf("in stock %v: stocked %d, want %d", d, got, want)
		}
	}
}

func TestResult(t *testing.T) {
	raw := `{"hits":[{"id":"p07","name":"Mật ong rừng tràm Tri Tôn","description":"d","categoryId":"che-bien","categoryIds":["che-bien","thuc-pham"],
	  "sellerId":"s-tri-ton","sellerName":"HTX","regionId":"an-giang-tri-ton","regionIds":["an-giang-tri-ton","an-giang"],"regionName":"Tri Tôn, An Giang",
	  "priceVnd":250000,"unit":"chai","stars":4,"inStock":true,"imageUrl":"/i.webp","createdAt":"2025-01-16T08:00:00Z","sold":430,"version":3}],
	  "totalHits":41,"hitsPerPage":1,"page":2,"totalPages":41,"processingTimeMs":1,"query":"mat ong",
	  "facetDistribution":{"categoryIds":{"che-bien":30,"thuc-pham":41},"regionIds":{"an-giang":41},"stars":{"0":10,"4":31}}}`
	var resp meilisearch.SearchResponse
	if err := json.Unmarshal([]byte(raw), &resp); err != nil {
		t.Fatal(err)
	}
	got, err := result(search.Query{Page: 2, PerPage: 1}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	want := search.Result{
		Hits: []search.Document{{
			ID: "p07", Name: "Mật ong rừng tràm Tri Tôn", Description: "d", CategoryID: "che-bien", CategoryIDs: []string{"che-bien", "thuc-pham"},
			SellerID: "s-tri-ton", SellerName: "HTX", RegionID: "an-giang-tri-ton", RegionIDs: []string{"an-giang-tri-ton", "an-giang"}, RegionName: "Tri Tôn, An Giang",
			PriceVND: 250000, Unit: "chai", Stars: 4, InStock: true, ImageURL: "/i.webp", CreatedAt: time.Date(2025, 1, 16, 8, 0, 0, 0, time.UTC), Sold: 430, Version: 3,
		}},
		Total: 41, Page: 2, PerPage: 1,
		Facets: map[string]map[string]int{
			search.FacetCategory: {"che-bien": 30, "thuc-pham": 41},
			search.FacetRegion:   {"an-giang": 41},
			search.FacetStars:    {"4": 31},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestBuildUID(t *testing.T) {
	at := time.Date(2025, 6, 1, 17, 15, 0, 123456789, time.FixedZone("ICT", 7*3600))
	if got, want := buildUID("products", at), "products_v1_20250601t101500123"; got != want {
		t.Errorf("buildUID = %q, want %q", got, want)
	}
	if !validUID(buildUID("products", at)) {
		t.Error("buildUID makes an invalid name")
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Error("New without URL succeeded")
	}
	if _, err := New(Config{URL: "http://127.0.0.1:7700", Index: "products; drop"}); err == nil {
		t.Error("New with a bad index name succeeded")
	}
}
