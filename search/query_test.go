package search

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ocopmarket/market"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		name   string
		params map[string][]string
		want   Query
	}{
		{"nothing browses all", nil, Query{Sort: SortRelevance, Page: 1, PerPage: DefaultPerPage}},
		{"every parameter", map[string][]string{
			"q": {"  mật ong  "}, "categoryId": {"food-honey"}, "regionId": {"an-giang"}, "sellerId": {"s1"},
			"stars": {"4"}, "minPriceVnd": {"50000"}, "maxPriceVnd": {"200.000"}, "inStock": {"true"},
			"sort": {"price_asc"}, "page": {"3"}, "perPage": {"50"}, "lang": {"en"},
		}, Query{
			Text: "mật ong", CategoryID: "food-honey", RegionID: "an-giang", SellerID: "s1",
			MinStars: 4, MinPrice: 50000, MaxPrice: 200000, InStock: true,
			Sort: SortPriceAsc, Page: 3, PerPage: 50,
		}},
		{"first value wins", map[string][]string{"sort": {"newest", "price_desc"}}, Query{Sort: SortNewest, Page: 1, PerPage: DefaultPerPage}},
		{"inStock 0 and empty sort", map[string][]string{"inStock": {"0"}, "sort": {""}}, Query{Sort: SortRelevance, Page: 1, PerPage: DefaultPerPage}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseQuery(tt.params)
			if err != nil {
				t.Fatalf("ParseQuery: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseQuery (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseQueryRejects(t *testing.T) {
	tests := []struct {
		params map[string][]string
		fields []string // every parameter named in the error
	}{
		{map[string][]string{"perPage": {"101"}}, []string{"perPage"}},
		{map[string][]string{"perPage": {"0"}}, []string{"perPage"}},
		{map[string][]string{"page": {"0"}}, []string{"page"}},
		{map[string][]string{"page": {"-1"}}, []string{"page"}},
		{map[string][]string{"page": {"abc"}, "sort": {"cheapest"}}, []string{"page", "sort"}},
		{map[string][]string{"stars": {"6"}}, []string{"stars"}},
		{map[string][]string{"stars": {"4.5"}}, []string{"stars"}},
		{map[string][]string{"minPriceVnd": {"-5"}}, []string{"minPriceVnd"}},
		{map[string][]string{"maxPriceVnd": {"1e9"}}, []string{"maxPriceVnd"}},
		{map[string][]string{"minPriceVnd": {"300000"}, "maxPriceVnd": {"100000"}}, []string{"maxPriceVnd"}},
		{map[string][]string{"inStock": {"yes"}}, []string{"inStock"}},
		{map[string][]string{"categoryId": {`x" OR stars >= 0`}}, []string{"categoryId"}},
		{map[string][]string{"regionId": {"a'b"}, "sellerId": {strings.Repeat("s", 65)}}, []string{"regionId", "sellerId"}},
		{map[string][]string{"q": {strings.Repeat("dừa ", 60)}}, []string{"q"}},
		{map[string][]string{"q": {"\xff"}}, []string{"q"}},
	}
	for _, tt := range tests {
		_, err := ParseQuery(tt.params)
		var e *market.Error
		if !asError(err, &e) || e.Code != market.Invalid {
			t.Errorf("ParseQuery(%v) = %v, want an invalid error", tt.params, err)
			continue
		}
		if len(e.Fields) != len(tt.fields) {
			t.Errorf("ParseQuery(%v) fields = %v, want %v", tt.params, e.Fields, tt.fields)
		}
		for _, f := range tt.fields {
			msg, ok := e.Fields[f]
			if !ok {
				t.Errorf("ParseQuery(%v): no problem reported for %q", tt.params, f)
			} else if msg.VI == "" || msg.EN == "" {
				t.Errorf("ParseQuery(%v): %q message not in both languages: %+v", tt.params, f, msg)
			}
		}
	}
}

func TestQueryTextLimitCountsCharacters(t *testing.T) {
	// 200 Vietnamese letters are far more than 200 bytes; the limit is on characters.
	q := Query{Text: "  " + strings.Repeat("ữ", MaxTextLength) + "  "}
	if err := q.Validate(); err != nil {
		t.Errorf("200 characters: %v", err)
	}
	if err := (Query{Text: strings.Repeat("ữ", MaxTextLength+1)}).Validate(); err == nil {
		t.Error("201 characters accepted")
	}
}

func TestQueryOffset(t *testing.T) {
	tests := []struct {
		q    Query
		want int
	}{
		{Query{}, 0},
		{Query{Page: 1, PerPage: 10}, 0},
		{Query{Page: 3, PerPage: 10}, 20},
		{Query{Page: 2}, DefaultPerPage},
	}
	for _, tt := range tests {
		if got := tt.q.Offset(); got != tt.want {
			t.Errorf("%+v.Offset() = %d, want %d", tt.q, got, tt.want)
		}
	}
}

func TestTypos(t *testing.T) {
	tests := []struct {
		word string
		want int
	}{
		{"", 0}, {"ong", 0}, {"khom", 0}, {"duong", 1}, {"nguyen", 1}, {"thuongg", 1}, {"nghieng1", 1}, {"happyfarm", 2}, {"ongkhoibac", 2},
	}
	for _, tt := range tests {
		if got := Typos(tt.word); got != tt.want {
			t.Errorf("Typos(%q) = %d, want %d", tt.word, got, tt.want)
		}
	}
}

func TestDocumentValidate(t *testing.T) {
	good := Document{ID: "p1", Name: "Khóm Cầu Đúc", CategoryID: "fruit", CategoryIDs: []string{"food", "fruit"}, RegionIDs: []string{"hau-giang"}, PriceVND: 25000, Stars: 4}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid document: %v", err)
	}
	bad := []Document{
		{ID: ""},
		{ID: `p1" OR 1`},
		{ID: "p1", CategoryIDs: []string{"food", "a b"}},
		{ID: "p1", RegionID: "x'y"},
		{ID: "p1", SellerID: "s/1"},
		{ID: "p1", PriceVND: -1},
		{ID: "p1", Stars: 6},
	}
	for _, d := range bad {
		if err := d.Validate(); !market.IsCode(err, market.Invalid) {
			t.Errorf("Validate(%+v) = %v, want invalid", d, err)
		}
	}
}

func TestValidID(t *testing.T) {
	for _, id := range []string{"p1", "01jb8z3k9qx", "can-tho.ninh-kieu", "thuc-pham", "s_1", strings.Repeat("a", 64)} {
		if !ValidID(id) {
			t.Errorf("ValidID(%q) = false", id)
		}
	}
	for _, id := range []string{"", `x"`, `a\b`, "a b", "a,b", "Cần-thơ", "a'b", "a:b", strings.Repeat("a", 65)} {
		if ValidID(id) {
			t.Errorf("ValidID(%q) = true", id)
		}
	}
}
