package meili

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/search"
)

// filterTerm is one "attribute op value" of a filter expression.
type filterTerm struct{ attr, op, value string }

// readFilter parses a filter as Filter writes them: terms joined by AND,
// values quoted (with \" and \\ escapes), whole numbers or true. ok is
// false for anything else, such as an OR or a quote that ends early.
func readFilter(s string) (terms []filterTerm, ok bool) {
	if s == "" {
		return nil, true
	}
	for {
		attr, rest, found := strings.Cut(s, " ")
		if !found {
			return nil, false
		}
		op, rest, found := strings.Cut(rest, " ")
		if !found || !slices.Contains([]string{"=", ">=", "<="}, op) {
			return nil, false
		}
		var value string
		if strings.HasPrefix(rest, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(rest) && rest[i] != '"'; i++ {
				if rest[i] == '\\' {
					i++
					if i == len(rest) {
						return nil, false
					}
				}
				b.WriteByte(rest[i])
			}
			if i == len(rest) {
				return nil, false
			}
			value, rest = b.String(), rest[i+1:]
		} else {
			value, rest, _ = strings.Cut(rest, " ")
			if rest != "" {
				rest = " " + rest
			}
			if _, err := strconv.ParseInt(value, 10, 64); err != nil && value != "true" {
				return nil, false
			}
		}
		terms = append(terms, filterTerm{attr, op, value})
		if rest == "" {
			return terms, true
		}
		if !strings.HasPrefix(rest, " AND ") {
			return nil, false
		}
		s = rest[len(" AND "):]
	}
}

// Run long with, e.g.:
//
//	go test -run '^$' -fuzz '^FuzzFilter$' -fuzztime 10m ./meili
func FuzzFilter(f *testing.F) {
	f.Add("trai-cay", "can-tho.thanh-xuan", "s1", 3, int64(10000), int64(50000), true)
	f.Add(`x" OR stars >= 0`, `\"`, "a\\", 0, int64(0), int64(0), false)
	f.Add(strings.Repeat("a", 5000), "", "", 6, int64(-1), int64(1), false)
	f.Add("", "", "", 0, int64(1e15), int64(1e16), true)
	f.Fuzz(func(t *testing.T, category, region, seller string, stars int, lo, hi int64, inStock bool) {
		q := search.Query{CategoryID: category, RegionID: region, SellerID: seller, MinStars: stars,
			MinPrice: market.VND(lo), MaxPrice: market.VND(hi), InStock: inStock}
		filter, err := Filter(q)
		if err != nil {
			var e *market.Error
			if !errors.As(err, &e) || e.Code != market.Invalid {
				t.Fatalf("Filter(%+v) = %v: want an invalid error", q, err)
			}
			return
		}
		terms, ok := readFilter(filter)
		if !ok {
			t.Fatalf("Filter(%+v) = %q: not a plain AND of terms", q, filter)
		}
		// Each term is one filter asked for, with the value given: input
		// never adds a term nor changes one.
		want := map[string]string{}
		if category != "" {
			want[attrCategoryIDs+" ="] = category
		}
		if region != "" {
			want[attrRegionIDs+" ="] = region
		}
		if seller != "" {
			want[attrSellerID+" ="] = seller
		}
		if stars > 0 {
			want[attrStars+" >="] = strconv.Itoa(stars)
		}
		if lo > 0 {
			want[attrPrice+" >="] = strconv.FormatInt(lo, 10)
		}
		if hi > 0 {
			want[attrPrice+" <="] = strconv.FormatInt(hi, 10)
		}
		if inStock {
			want[attrInStock+" ="] = "true"
		}
		if len(terms) != len(want) {
			t.Fatalf("Filter(%+v) = %q: %d terms, want %d", q, filter, len(terms), len(want))
		}
		for _, term := range terms {
			if v, ok := want[term.attr+" "+term.op]; !ok || v != term.value {
				t.Fatalf("Filter(%+v) = %q: term %+v not asked for", q, filter, term)
			}
		}
	})
}
