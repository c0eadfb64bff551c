package search

import (
	"errors"
	"net/url"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/ocopmarket/market"
)

// Run long with, e.g.:
//
//	go test -run '^$' -fuzz '^FuzzParseQuery$' -fuzztime 10m ./search
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"q=hoa+s%C3%BAng&regionId=can-tho&stars=3&sort=price_asc&page=2&perPage=40",
		"q=d%E1%BB%A9a&minPriceVnd=10.000&maxPriceVnd=5000",
		"categoryId=trai-cay%22+OR+stars+%3E%3D+0&inStock=maybe",
		"q=%ff%fe&page=0&perPage=101&stars=-1",
		"sort=newest&sort=price_desc&q=a&q=b",
		"sellerId=" + string(make([]byte, 300)),
		"",
	} {
		f.Add(s)
	}
	params := []string{"q", "categoryId", "regionId", "sellerId", "stars", "minPriceVnd", "maxPriceVnd", "inStock", "sort", "page", "perPage"}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return // the HTTP layer refuses these before
		}
		q, err := ParseQuery(v)
		if err != nil {
			var e *market.Error
			if !errors.As(err, &e) || e.Code != market.Invalid || len(e.Fields) == 0 {
				t.Fatalf("ParseQuery(%q) = %v: want an invalid error naming parameters", raw, err)
			}
			for field, text := range e.Fields {
				if !slices.Contains(params, field) || text.VI == "" || text.EN == "" {
					t.Fatalf("ParseQuery(%q): field %q: %+v", raw, field, text)
				}
			}
			return
		}
		// Accepted: normal, within the limits, the same when normalised again.
		again, err := q.Normalize()
		if err != nil || again != q {
			t.Fatalf("ParseQuery(%q) = %+v, normalised again %+v, %v", raw, q, again, err)
		}
		if !utf8.ValidString(q.Text) || utf8.RuneCountInString(q.Text) > MaxTextLength ||
			q.Page < 1 || q.Page > MaxPage || q.PerPage < 1 || q.PerPage > MaxPerPage ||
			q.MinStars < 0 || q.MinStars > 5 || q.MinPrice < 0 || q.MaxPrice < 0 ||
			(q.MaxPrice > 0 && q.MinPrice > q.MaxPrice) || !slices.Contains(Sorts(), q.Sort) {
			t.Fatalf("ParseQuery(%q) accepted %+v", raw, q)
		}
		for _, id := range []string{q.CategoryID, q.RegionID, q.SellerID} {
			if id != "" && !ValidID(id) {
				t.Fatalf("ParseQuery(%q) accepted the id %q", raw, id)
			}
		}
		for _, w := range Words(q.Text) {
			if w == "" || Fold(w) != w {
				t.Fatalf("ParseQuery(%q): word %q is not folded", raw, w)
			}
		}
	})
}
