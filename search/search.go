// Package search finds products the way Vietnamese buyers look for them:
// without tone marks, with the words of their own region, with a typo, as
// they type. It holds the Index port that the search engines implement
// (Bleve embedded, Meilisearch at scale), the documents they index, the
// query model, Vietnamese folding and the regional synonym table.
//
// The records store is the source of truth; an index only ever holds
// documents derived from it and can always be rebuilt.
package search

import (
	"context"
	"iter"
	"time"

	"github.com/ocopmarket/market"
)

// Document is what the index holds about one product. Only products that
// buyers may see (active, of a verified seller) are ever indexed; the
// caller deletes the others.
type Document struct {
	ID          string
	Name        string
	Description string
	// CategoryID is the product's own category; CategoryIDs holds it and
	// all its ancestors, so a filter on a parent category finds it.
	CategoryID  string
	CategoryIDs []string
	SellerID    string
	SellerName  string
	// RegionID is the product's region of origin (usually a commune);
	// RegionIDs holds it and all its ancestors, so a filter on a province
	// finds the products of its communes.
	RegionID  string
	RegionIDs []string
	// RegionName names the region and its ancestors for people and for
	// matching, e.g. "Tri Tôn, An Giang", so "mật ong Tri Tôn" finds it.
	RegionName string
	PriceVND   market.VND
	Unit       string
	// Stars is the OCOP rating, 0 unless the certificate is verified by an
	// official and not expired; the caller computes it.
	Stars    int
	InStock  bool
	ImageURL string
	// CreatedAt orders the newest first; Sold orders the best-selling first.
	CreatedAt time.Time
	Sold      int64
	// Version is the product's version when the document was made.
	Version int64
}

// Validate reports a document no engine could index.
func (d Document) Validate() error {
	var p market.Problems
	if !ValidID(d.ID) {
		p.Add("id", "Mã sản phẩm không hợp lệ.", "The product id is not valid.")
	}
	if !validOptionalID(d.CategoryID) || !validIDs(d.CategoryIDs) {
		p.Add("categoryId", "Mã danh mục không hợp lệ.", "The category id is not valid.")
	}
	if !validOptionalID(d.SellerID) {
		p.Add("sellerId", "Mã người bán không hợp lệ.", "The seller id is not valid.")
	}
	if !validOptionalID(d.RegionID) || !validIDs(d.RegionIDs) {
		p.Add("regionId", "Mã địa bàn không hợp lệ.", "The region id is not valid.")
	}
	if d.PriceVND < 0 || d.PriceVND > market.MaxVND {
		p.Add("priceVnd", "Giá không hợp lệ.", "The price is not valid.")
	}
	if d.Stars < 0 || d.Stars > 5 {
		p.Add("stars", "Số sao OCOP phải từ 0 đến 5.", "OCOP stars must be between 0 and 5.")
	}
	return p.Err()
}

// ValidID reports whether id can name a product, seller, category or
// region in the index: 1 to 64 ASCII letters, digits, '-', '_' or '.'
// (commune ids look like "can-tho.ninh-kieu"). Nothing else ever reaches
// an engine, so no id can carry a quote or an operator into a filter.
func ValidID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func validOptionalID(id string) bool { return id == "" || ValidID(id) }

func validIDs(ids []string) bool {
	for _, id := range ids {
		if !ValidID(id) {
			return false
		}
	}
	return true
}

// Result is one page of products found, with facet counts over all of them.
type Result struct {
	Hits []Document
	// Total counts every product that matches, exactly.
	Total   int
	Page    int
	PerPage int
	// Facets counts the matching products by FacetCategory, FacetStars and
	// FacetRegion, then by value. Categories and regions are counted with
	// their ancestors, so a province counts the products of its communes.
	// Products without stars are not counted under FacetStars.
	Facets map[string]map[string]int
	// Dropped are the last words of the query, as typed, that a search
	// left out because the words, filters aside, found nothing, and
	// fewer did ("khóm hậu giang" finds the khóm, without "hậu giang"):
	// the pages say so. Nil when every word counted; the words buyers add
	// (Optional) are left out without a word. Nil too when nothing is
	// found. At most MaxDropped, and none when Typing: the buyer is not
	// done.
	Dropped []string
	Took    time.Duration
}

// MaxDropped is the most words a search leaves out at the end to find
// anything (Result.Dropped): each costs a walk of the words left, and
// words typed past it find nothing.
const MaxDropped = 3

// The facets every search returns, named as in the HTTP API.
const (
	FacetCategory = "categoryId"
	FacetStars    = "stars"
	FacetRegion   = "regionId"
)

// MaxFacetValues bounds how many values of one facet a search returns, the
// most frequent first.
const MaxFacetValues = 500

// Typo tolerance, the same in both engines (Meilisearch's defaults): no
// typo in words shorter than MinWordSizeForOneTypo letters (after folding),
// one up to MinWordSizeForTwoTypos-1 letters, two from there on.
const (
	MinWordSizeForOneTypo  = 5
	MinWordSizeForTwoTypos = 9
)

// Typos returns how many typos a folded query word may contain.
func Typos(word string) int {
	n := len([]rune(word))
	switch {
	case n >= MinWordSizeForTwoTypos:
		return 2
	case n >= MinWordSizeForOneTypo:
		return 1
	default:
		return 0
	}
}

// Stats describes the live index.
type Stats struct {
	Documents int
	// Generation names the build of the index now live (a directory or an
	// index name), which changes with every Rebuild.
	Generation string
}

// Index is a search engine holding product documents. Implementations are
// safe for concurrent use.
//
// Matching: the query text and the documents are folded (Fold); every word
// of the query must match (in the name, description, seller name or region
// name), through its synonyms, with the typos Typos allows, and the last
// word also as the beginning of a longer word (search as you type).
type Index interface {
	// Prepare creates the index if it does not exist and applies its
	// settings; it is safe to call on every start.
	Prepare(ctx context.Context) error
	// Upsert adds the documents or replaces those with the same ID. When
	// it returns, they are searchable.
	Upsert(ctx context.Context, docs []Document) error
	// Delete removes the documents with these ids; unknown ids are ignored.
	Delete(ctx context.Context, ids []string) error
	// Search returns one page of the products matching q. An invalid q is
	// an invalid error.
	Search(ctx context.Context, q Query) (Result, error)
	// Rebuild builds a new index from docs, then swaps it in for the live
	// one in one step: searches never see a partial index, and the old
	// index keeps answering until the swap. It returns how many documents
	// the new index holds; on error the live index is left as it was.
	// Upserts and deletes made while Rebuild runs reach the old index only:
	// the caller holds back syncing until Rebuild returns (the products
	// changed meanwhile stay dirty and are synced afterwards).
	Rebuild(ctx context.Context, docs iter.Seq2[Document, error]) (int, error)
	// Stats describes the live index.
	Stats(ctx context.Context) (Stats, error)
	// Ping reports whether the engine answers: an unavailable error when
	// it does not.
	Ping(ctx context.Context) error
	// Close releases the index.
	Close() error
}
