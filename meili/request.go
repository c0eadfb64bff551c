package meili

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/search"
)

// Attributes of the documents in Meilisearch.
const (
	attrID          = "id"
	attrCategoryIDs = "categoryIds"
	attrRegionIDs   = "regionIds"
	attrSellerID    = "sellerId"
	attrStars       = "stars"
	attrPrice       = "priceVnd"
	attrInStock     = "inStock"
	attrStocked     = "stocked" // 1 in stock, 0 not: sorted on, in stock first
	attrCreated     = "createdAtMs"
	attrSold        = "sold"
)

// facetAttrs maps each facet of search.Result to the attribute counted.
func facetAttrs() []struct{ facet, attr string } {
	return []struct{ facet, attr string }{
		{search.FacetCategory, attrCategoryIDs},
		{search.FacetRegion, attrRegionIDs},
		{search.FacetStars, attrStars},
	}
}

// document is a search.Document as Meilisearch holds it: the fields shown
// to buyers as they are, and the text fields again folded by search.Fold,
// which are the ones searched, so that both engines fold alike. (The
// embedded engine also matches synonyms as written, in names; this one
// applies the folded table: see search.SynonymGroups.)
type document struct {
	ID                string   `json:"id"`
	Name              string   `json:"name"`
	Description       string   `json:"description"`
	CategoryID        string   `json:"categoryId"`
	CategoryIDs       []string `json:"categoryIds"`
	SellerID          string   `json:"sellerId"`
	SellerName        string   `json:"sellerName"`
	RegionID          string   `json:"regionId"`
	RegionIDs         []string `json:"regionIds"`
	RegionName        string   `json:"regionName"`
	PriceVND          int64    `json:"priceVnd"`
	Unit              string   `json:"unit"`
	Stars             int      `json:"stars"`
	InStock           bool     `json:"inStock"`
	ImageURL          string   `json:"imageUrl"`
	CreatedAt         string   `json:"createdAt"`
	CreatedAtMs       int64    `json:"createdAtMs"`
	Sold              int64    `json:"sold"`
	Version           int64    `json:"version"`
	Stocked           int      `json:"stocked"`
	NameFolded        string   `json:"nameFolded"`
	DescriptionFolded string   `json:"descriptionFolded"`
	SellerNameFolded  string   `json:"sellerNameFolded"`
	RegionNameFolded  string   `json:"regionNameFolded"`
	CategoryNames     string   `json:"categoryNamesFolded"`
}

func toDocument(d search.Document) document {
	return document{
		ID: d.ID, Name: d.Name, Description: d.Description,
		CategoryID: d.CategoryID, CategoryIDs: nonNil(d.CategoryIDs),
		SellerID: d.SellerID, SellerName: d.SellerName,
		RegionID: d.RegionID, RegionIDs: nonNil(d.RegionIDs), RegionName: d.RegionName,
		PriceVND: int64(d.PriceVND), Unit: d.Unit, Stars: d.Stars, InStock: d.InStock,
		ImageURL:  d.ImageURL,
		CreatedAt: d.CreatedAt.UTC().Format(time.RFC3339Nano), CreatedAtMs: d.CreatedAt.UnixMilli(),
		Sold: d.Sold, Version: d.Version, Stocked: stocked(d.InStock),
		NameFolded:        search.Fold(d.Name),
		DescriptionFolded: search.Fold(d.Description),
		SellerNameFolded:  search.Fold(d.SellerName),
		RegionNameFolded:  search.Fold(d.RegionName),
		CategoryNames:     search.Fold(search.CategoryNames(d.CategoryIDs)),
	}
}

func stocked(inStock bool) int {
	if inStock {
		return 1
	}
	return 0
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func fromDocument(m document) (search.Document, error) {
	created, err := time.Parse(time.RFC3339Nano, m.CreatedAt)
	if err != nil {
		return search.Document{}, err
	}
	return search.Document{
		ID: m.ID, Name: m.Name, Description: m.Description,
		CategoryID: m.CategoryID, CategoryIDs: m.CategoryIDs,
		SellerID: m.SellerID, SellerName: m.SellerName,
		RegionID: m.RegionID, RegionIDs: m.RegionIDs, RegionName: m.RegionName,
		PriceVND: market.VND(m.PriceVND), Unit: m.Unit, Stars: m.Stars, InStock: m.InStock,
		ImageURL: m.ImageURL, CreatedAt: created, Sold: m.Sold, Version: m.Version,
	}, nil
}

// quote writes s as a Meilisearch filter string: in double quotes, with
// backslashes and double quotes escaped, so that no value can end the
// string early. Values are validated before (see search.ValidID); this
// is the second line of defence.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		if r == '"' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// Filter returns the Meilisearch filter expression for the filters of q,
// "" when there are none. Every value is validated first (an invalid
// query is an invalid error, never a filter) and then quoted or written
// as a whole number, so user input cannot change what a filter means.
func Filter(q search.Query) (string, error) {
	q, err := q.Normalize()
	if err != nil {
		return "", err
	}
	var parts []string
	eq := func(attr, value string) {
		if value != "" {
			parts = append(parts, attr+" = "+quote(value))
		}
	}
	cmp := func(attr, op string, n int64) {
		parts = append(parts, attr+" "+op+" "+strconv.FormatInt(n, 10))
	}
	eq(attrCategoryIDs, q.CategoryID)
	eq(attrRegionIDs, q.RegionID)
	eq(attrSellerID, q.SellerID)
	if q.MinStars > 0 {
		cmp(attrStars, ">=", int64(q.MinStars))
	}
	if q.MinPrice > 0 {
		cmp(attrPrice, ">=", int64(q.MinPrice))
	}
	if q.MaxPrice > 0 {
		cmp(attrPrice, "<=", int64(q.MaxPrice))
	}
	if q.InStock {
		parts = append(parts, attrInStock+" = true")
	}
	return strings.Join(parts, " AND "), nil
}

// sortOrder returns Meilisearch's sort for a query, what is in stock
// first; ties go by id. Without a sort, relevance decides (the "sort"
// ranking rule comes first, so a sort given always wins over relevance,
// as in the Bleve engine).
func sortOrder(s search.Sort, hasText bool) []string {
	first := attrStocked + ":desc"
	switch s {
	case search.SortPriceAsc:
		return []string{first, attrPrice + ":asc", attrID + ":asc"}
	case search.SortPriceDesc:
		return []string{first, attrPrice + ":desc", attrID + ":asc"}
	case search.SortStarsDesc:
		return []string{first, attrStars + ":desc", attrID + ":asc"}
	case search.SortNewest:
		return []string{first, attrCreated + ":desc", attrID + ":asc"}
	case search.SortBestselling:
		return []string{first, attrSold + ":desc", attrID + ":asc"}
	}
	if !hasText {
		return []string{first, attrSold + ":desc", attrID + ":asc"}
	}
	// Relevance: the "sort" ranking rule comes first, the words' rules
	// order what it leaves tied.
	return []string{first}
}

// ownAttributes are the searched attributes of a product's own words and
// place; the shop's name and the categories' names are searched only for
// words that match no product there (shopAttribute, categoryAttribute, see
// Index.Search).
var ownAttributes = []string{"nameFolded", "descriptionFolded", "regionNameFolded"}

const shopAttribute = "sellerNameFolded"

// categoryAttribute holds the names of a product's categories, searched
// with the shop's name (search.CategoryNames): "rau", which no product
// says, finds the vegetables.
const categoryAttribute = "categoryNamesFolded"

// searchRequest builds the Meilisearch search for q: the text folded as
// the documents' searched fields are, searched in the products' own words
// and places (with shop, in the shops' and categories' names too), every
// word required, exact totals by page, facets.
func searchRequest(q search.Query, shop bool) (text string, req *meilisearch.SearchRequest, err error) {
	q, err = q.Normalize()
	if err != nil {
		return "", nil, err
	}
	filter, err := Filter(q)
	if err != nil {
		return "", nil, err
	}
	text = search.Fold(q.Text)
	perPage := int64(q.PerPage)
	req = &meilisearch.SearchRequest{
		Query:            text,
		Page:             int64(q.Page),
		HitsPerPage:      &perPage,
		MatchingStrategy: meilisearch.All,
		Facets:           []string{attrCategoryIDs, attrRegionIDs, attrStars},
		Sort:             sortOrder(q.Sort, text != ""),
	}
	if filter != "" {
		req.Filter = filter
	}
	if text != "" {
		req.AttributesToSearchOn = ownAttributes
		if shop {
			req.AttributesToSearchOn = append(slices.Clip(ownAttributes), shopAttribute, categoryAttribute)
		}
	}
	return text, req, nil
}

// countRequest counts the products text matches, filters aside, in their
// own words and places (with shop, in the shops' and categories' names
// too): one hit, no facets.
func countRequest(text string, shop bool) *meilisearch.SearchRequest {
	_, req, _ := searchRequest(search.Query{Text: text, PerPage: 1}, shop)
	req.Facets, req.Sort = nil, nil
	if shop {
		req.Query = shopText(text)
	}
	return req
}

// shopText is the text of a search in the shops' names: folded, with a
// space after a last word that must be whole (Meilisearch takes the last
// word as a prefix unless a space follows): a single word, or one typed
// with marks, as in the embedded engine's shopQuery.
func shopText(text string) string {
	folded := search.Fold(text)
	marked := strings.Fields(search.Marked(text))
	if words := strings.Fields(folded); len(words) == 1 || len(marked) > 0 && marked[len(marked)-1] != words[len(words)-1] {
		return folded + " "
	}
	return folded
}

// settings returns the index settings: what is searched, filtered, sorted,
// the synonyms, typo tolerance as search.Typos has it, and room for exact
// totals.
func settings() *meilisearch.Settings {
	return &meilisearch.Settings{
		// The order ranks matches in the name above the description and
		// the places.
		SearchableAttributes: []string{"nameFolded", "descriptionFolded", shopAttribute, "regionNameFolded", categoryAttribute},
		DisplayedAttributes: []string{
			"id", "name", "description", "categoryId", "categoryIds", "sellerId", "sellerName",
			"regionId", "regionIds", "regionName", "priceVnd", "unit", "stars", "inStock",
			"imageUrl", "createdAt", "sold", "version",
		},
		FilterableAttributes: []string{attrCategoryIDs, attrRegionIDs, attrSellerID, attrStars, attrPrice, attrInStock},
		SortableAttributes:   []string{attrStocked, attrPrice, attrStars, attrCreated, attrSold, attrID},
		RankingRules:         []string{"sort", "words", "typo", "proximity", "attribute", "exactness"},
		Synonyms:             search.FoldedSynonyms(),
		TypoTolerance: &meilisearch.TypoTolerance{
			Enabled: true,
			MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{
				OneTypo:  search.MinWordSizeForOneTypo,
				TwoTypos: search.MinWordSizeForTwoTypos,
			},
			DisableOnWords:      []string{},
			DisableOnAttributes: []string{},
		},
		Pagination: &meilisearch.Pagination{MaxTotalHits: MaxTotalHits},
		Faceting: &meilisearch.Faceting{
			MaxValuesPerFacet: search.MaxFacetValues,
			SortFacetValuesBy: map[string]meilisearch.SortFacetType{"*": meilisearch.SortFacetTypeCount},
		},
	}
}

// MaxTotalHits is how many matches Meilisearch counts and pages through at
// most (its default, 1 000, is far too low for exact totals).
const MaxTotalHits = 1_000_000
