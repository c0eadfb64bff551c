package httpserver

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/search"
)

// The answer to a search as encoding/json would write it: the reference
// appendSearchBody must match byte for byte.

type searchHitBody struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	PriceVND   int64  `json:"priceVnd"`
	Unit       string `json:"unit"`
	ImageURL   string `json:"imageUrl"`
	SellerID   string `json:"sellerId"`
	SellerName string `json:"sellerName"`
	Stars      int    `json:"stars"`
	CategoryID string `json:"categoryId"`
	RegionID   string `json:"regionId"`
	RegionName string `json:"regionName"`
	InStock    bool   `json:"inStock"`
}

type searchBody struct {
	Hits    []searchHitBody           `json:"hits"`
	Total   int                       `json:"total"`
	Page    int                       `json:"page"`
	PerPage int                       `json:"perPage"`
	Facets  map[string]map[string]int `json:"facets"`
	Dropped []string                  `json:"dropped,omitempty"`
	TookMs  int64                     `json:"tookMs"`
}

// searchResultBody is the answer to a search in the shape of the API.
func searchResultBody(res search.Result, baseURL string) searchBody {
	b := searchBody{Hits: make([]searchHitBody, len(res.Hits)), Total: res.Total, Page: res.Page, PerPage: res.PerPage,
		Facets: map[string]map[string]int{}, Dropped: res.Dropped, TookMs: res.Took.Milliseconds()}
	for i, d := range res.Hits {
		b.Hits[i] = searchHitBody{ID: d.ID, Name: d.Name, PriceVND: int64(d.PriceVND), Unit: d.Unit, ImageURL: absoluteURL(baseURL, d.ImageURL),
			SellerID: d.SellerID, SellerName: d.SellerName, Stars: d.Stars, CategoryID: d.CategoryID,
			RegionID: d.RegionID, RegionName: d.RegionName, InStock: d.InStock}
	}
	for _, name := range []string{search.FacetCategory, search.FacetStars, search.FacetRegion} {
		counts := res.Facets[name]
		if counts == nil {
			counts = map[string]int{}
		}
		b.Facets[name] = counts
	}
	return b
}

func referenceSearchBody(t testing.TB, res search.Result, baseURL string) []byte {
	return referenceJSON(t, searchResultBody(res, baseURL))
}

// tricky holds what a seller or an import may put in a name: quotes,
// backslashes, every control character, HTML, separators JavaScript
// mistakes for line ends, broken UTF-8 and Vietnamese.
var tricky = []string{
	"", "Khóm Cầu Đúc \"loại 1\"", `C:\kho\mật ong`, "a\x00b\x01\x08\x0c\n\r\t\x1f\x7f", "<b>Sen & súng</b>",
	"dòng\u2028mới\u2029", "\xff\xfe hỏng \xc3", "Hoa súng Châu Thành A 🌸", "\u00e0\u0300 tổ hợp",
	"Mật ong — đặc sản… “U Minh” ‘Hạ’ •", "cuối\u2029", "cắt\xe2\x80", "\xe2\x80\xa8",
}

func sampleResult(strs []string) search.Result {
	at := func(i int) string { return strs[i%len(strs)] }
	res := search.Result{Total: 1234, Page: 2, PerPage: 20, Took: 3700 * time.Microsecond, Dropped: []string{at(0), "giang"},
		Facets: map[string]map[string]int{
			search.FacetCategory: {"trai-cay": 12, "hoa": 3, at(0): 1},
			search.FacetRegion:   {"hau-giang.chau-thanh-a": 9, "can-tho": 40, "an-giang": 2, at(1): 7},
		}}
	for i := range len(strs) {
		res.Hits = append(res.Hits, search.Document{ID: market.NewID(), Name: at(i), Description: at(i + 1), SellerID: "s1",
			SellerName: at(i + 2), RegionID: at(i + 3), RegionName: at(i + 4), CategoryID: at(i + 5), Unit: at(i + 6),
			ImageURL: []string{"/media/x.jpg", "https://cdn.example/y.jpg", "//evil/z", at(i)}[i%4],
			PriceVND: market.VND(i * 15000), Stars: i % 6, InStock: i%2 == 0})
	}
	return res
}

func TestSearchBodyAsEncodingJSON(t *testing.T) {
	for _, res := range []search.Result{
		{},
		{Hits: []search.Document{}, Facets: map[string]map[string]int{}},
		sampleResult([]string{"Mật ong"}),
		sampleResult(tricky),
	} {
		want := referenceSearchBody(t, res, "https://cho-ocop.vn")
		got := appendSearchBody(nil, res, "https://cho-ocop.vn")
		if !bytes.Equal(got, want) {
			t.Errorf("appendSearchBody differs from encoding/json:\n got %s\nwant %s", got, want)
		}
	}
}

func FuzzSearchBody(f *testing.F) {
	for i := 0; i+2 < len(tricky); i++ {
		f.Add(tricky[i], tricky[i+1], tricky[i+2])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		res := sampleResult([]string{a, b, c})
		if got, want := appendSearchBody(nil, res, "https://cho-ocop.vn"), referenceSearchBody(t, res, "https://cho-ocop.vn"); !bytes.Equal(got, want) {
			t.Fatalf("appendSearchBody differs from encoding/json:\n got %s\nwant %s", got, want)
		}
	})
}

// BenchmarkSearchBody encodes an answer the size of a province's: 20
// products, 171 communes in the region facet.
func BenchmarkSearchBody(b *testing.B) {
	res := sampleResult([]string{"Mật ong hoa tràm U Minh Hạ", "HTX Hoa súng Châu Thành A", "Khóm Cầu Đúc Hậu Giang loại 1", "hau-giang.chau-thanh-a", "Xã Châu Thành A", "trai-cay", "kg"})
	for len(res.Hits) < 20 {
		res.Hits = append(res.Hits, res.Hits...)
	}
	res.Hits = res.Hits[:20]
	for i := range 171 {
		res.Facets[search.FacetRegion][fmt.Sprintf("an-giang.xa-so-%d", i)] = i
	}
	b.Run("append", func(b *testing.B) {
		buf := make([]byte, 0, 16<<10)
		for b.Loop() {
			buf = appendSearchBody(buf[:0], res, "https://cho-ocop.vn")
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			referenceSearchBody(b, res, "https://cho-ocop.vn")
		}
	})
}
