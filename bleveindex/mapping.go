package bleveindex

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/search"
)

// Field names in the Bleve index.
const (
	fieldName       = "name"       // folded name, for ranking names first
	fieldMarked     = "marked"     // the name with its tone marks (search.Marked): ranks what was typed first, matches synonyms as written
	fieldText       = "text"       // folded name, description and region name: the product's own words and place
	fieldShop       = "shop"       // folded seller name: matched only when the words match no product (shopQuery)
	fieldShopMarked = "shopMarked" // the seller name with its tone marks, for words typed with them
	fieldCategory   = "category"   // folded names of the categories (search.CategoryNames): matched as fieldShop
	fieldAbout      = "about"      // description and region name with their marks (search.Marked), for words typed with them (typedAsWritten)
	fieldPrefix     = "prefix"     // the first 1 to shortPrefix letters of every word of text
	fieldFacet      = "facet"      // facet values, as facetTerm makes them; also filtered on
	fieldSeller     = "seller"
	fieldStars      = "stars"     // number, for sorting
	fieldPrice      = "price"     // number
	fieldInStock    = "inStock"   // boolean
	fieldCreated    = "createdMs" // number: Unix milliseconds
	fieldSold       = "sold"      // number
	fieldSource     = "source"    // the document as JSON, stored only
)

// foldedAnalyzer splits text on spaces and does nothing else: text reaches
// the index already folded by search.Fold, the same function that folds
// the queries, so both sides agree by construction.
const foldedAnalyzer = "folded"

// entry is what Bleve indexes for one document.
type entry struct {
	Name       string   `json:"name"`
	Marked     string   `json:"marked"`
	Text       string   `json:"text"`
	Shop       string   `json:"shop"`
	ShopMarked string   `json:"shopMarked"`
	Category   string   `json:"category"`
	About      string   `json:"about"`
	Prefix     string   `json:"prefix"`
	Facet      []string `json:"facet"`
	Seller     string   `json:"seller"`
	Stars      float64  `json:"stars"`
	Price      float64  `json:"price"`
	InStock    bool     `json:"inStock"`
	Created    float64  `json:"createdMs"`
	Sold       float64  `json:"sold"`
	Source     string   `json:"source"`
}

// source is the stored form of a search.Document.
type source struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	CategoryID  string    `json:"categoryId"`
	CategoryIDs []string  `json:"categoryIds"`
	SellerID    string    `json:"sellerId"`
	SellerName  string    `json:"sellerName"`
	RegionID    string    `json:"regionId"`
	RegionIDs   []string  `json:"regionIds"`
	RegionName  string    `json:"regionName"`
	PriceVND    int64     `json:"priceVnd"`
	Unit        string    `json:"unit"`
	Stars       int       `json:"stars"`
	InStock     bool      `json:"inStock"`
	ImageURL    string    `json:"imageUrl"`
	CreatedAt   time.Time `json:"createdAt"`
	Sold        int64     `json:"sold"`
	Version     int64     `json:"version"`
	// Sum and Text are the document's contentSum and textSum, for the row
	// loaded from here.
	Sum  uint64 `json:"sum,omitempty"`
	Text uint64 `json:"text,omitempty"`
}

// unmarkedName is a word of fieldMarked in the names written without any
// tone marks: search.Marked never writes an underscore.
const unmarkedName = "_unmarked"

// markedName is what fieldMarked holds of a product's name: its words
// with their marks, and unmarkedName when it has none at all.
func markedName(name string) string {
	m := search.Marked(name)
	if m != "" && m == search.Fold(name) {
		return m + " " + unmarkedName
	}
	return m
}

// toEntry returns what Bleve indexes for d, and d's sums, which the stored
// source keeps for the row loaded from it.
func toEntry(d search.Document) (entry, sums, error) {
	sum := sums{content: contentSum(&d), text: textSum(&d)}
	src, err := json.Marshal(source{
		ID: d.ID, Name: d.Name, Description: d.Description,
		CategoryID: d.CategoryID, CategoryIDs: d.CategoryIDs,
		SellerID: d.SellerID, SellerName: d.SellerName,
		RegionID: d.RegionID, RegionIDs: d.RegionIDs, RegionName: d.RegionName,
		PriceVND: int64(d.PriceVND), Unit: d.Unit, Stars: d.Stars, InStock: d.InStock,
		ImageURL: d.ImageURL, CreatedAt: d.CreatedAt, Sold: d.Sold, Version: d.Version, Sum: sum.content, Text: sum.text,
	})
	if err != nil {
		return entry{}, sums{}, err
	}
	text := search.Fold(d.Name + " \n " + d.Description + " \n " + d.RegionName)
	facet := make([]string, 0, len(d.CategoryIDs)+len(d.RegionIDs)+1)
	for _, id := range d.CategoryIDs {
		facet = append(facet, facetTerm(search.FacetCategory, id))
	}
	for _, id := range d.RegionIDs {
		facet = append(facet, facetTerm(search.FacetRegion, id))
	}
	if d.Stars > 0 {
		facet = append(facet, facetTerm(search.FacetStars, strconv.Itoa(d.Stars)))
	}
	e := entry{
		Name:       search.Fold(d.Name),
		Marked:     markedName(d.Name),
		Text:       text,
		Shop:       search.Fold(d.SellerName),
		ShopMarked: search.Marked(d.SellerName),
		Category:   search.Fold(search.CategoryNames(d.CategoryIDs)),
		About:      search.Marked(d.Description + " \n " + d.RegionName),
		Prefix:     shortPrefixes(text),
		Facet:      facet,
		Seller:     d.SellerID,
		Stars:      float64(d.Stars),
		Price:      float64(d.PriceVND),
		InStock:    d.InStock,
		Created:    float64(d.CreatedAt.UnixMilli()),
		Sold:       float64(d.Sold),
		Source:     string(src),
	}
	return e, sum, nil
}

// shortPrefix is the longest prefix indexed in fieldPrefix. A short word
// typed last would otherwise expand to hundreds of words ("ca" to cam, cai,
// cau, can …); a longer one expands to few, and is looked up in fieldText.
const shortPrefix = 3

// shortPrefixes returns the distinct prefixes of 1 to shortPrefix letters
// of the words of folded text.
func shortPrefixes(text string) string {
	seen := map[string]bool{}
	var b strings.Builder
	for _, w := range strings.Fields(text) {
		r := []rune(w)
		for n := 1; n <= min(shortPrefix, len(r)); n++ {
			p := string(r[:n])
			if !seen[p] {
				seen[p] = true
				b.WriteString(p)
				b.WriteByte(' ')
			}
		}
	}
	return b.String()
}

// facetTerm is how one facet value is indexed in fieldFacet, e.g.
// "r:an-giang". One field for all facets costs one pass over the matches
// instead of three, and the one-letter keys keep its doc values, which
// facet counting decompresses for every match, small.
func facetTerm(facet, value string) string { return facetKey(facet) + ":" + value }

func facetKey(facet string) string {
	switch facet {
	case search.FacetCategory:
		return "c"
	case search.FacetRegion:
		return "r"
	case search.FacetStars:
		return "s"
	}
	return facet
}

// facetOf is the facet a key of facetTerm stands for, "" if none.
func facetOf(key string) string {
	for _, f := range []string{search.FacetCategory, search.FacetRegion, search.FacetStars} {
		if facetKey(f) == key {
			return f
		}
	}
	return ""
}

func fromSource(raw string) (search.Document, error) {
	var s source
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return search.Document{}, err
	}
	return search.Document{
		ID: s.ID, Name: s.Name, Description: s.Description,
		CategoryID: s.CategoryID, CategoryIDs: s.CategoryIDs,
		SellerID: s.SellerID, SellerName: s.SellerName,
		RegionID: s.RegionID, RegionIDs: s.RegionIDs, RegionName: s.RegionName,
		PriceVND: market.VND(s.PriceVND), Unit: s.Unit, Stars: s.Stars, InStock: s.InStock,
		ImageURL: s.ImageURL, CreatedAt: s.CreatedAt, Sold: s.Sold, Version: s.Version,
	}, nil
}

func newMapping() (mapping.IndexMapping, error) {
	im := bleve.NewIndexMapping()
	if err := im.AddCustomAnalyzer(foldedAnalyzer, map[string]any{
		"type":      custom.Name,
		"tokenizer": whitespace.Name,
	}); err != nil {
		return nil, err
	}
	text := func(vectors bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = foldedAnalyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = vectors // phrases (the synonym table's words of several words) need positions
		f.DocValues = false
		return f
	}
	keyword := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		return f
	}
	number := func() *mapping.FieldMapping {
		f := bleve.NewNumericFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		return f
	}
	stored := bleve.NewTextFieldMapping()
	stored.Index = false
	stored.Store = true
	stored.IncludeInAll = false
	stored.IncludeTermVectors = false
	stored.DocValues = false
	inStock := bleve.NewBooleanFieldMapping()
	inStock.Store = false
	inStock.IncludeInAll = false

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldName, text(false))
	doc.AddFieldMappingsAt(fieldMarked, text(false))
	doc.AddFieldMappingsAt(fieldText, text(true))
	doc.AddFieldMappingsAt(fieldShop, text(false))
	doc.AddFieldMappingsAt(fieldShopMarked, text(false))
	doc.AddFieldMappingsAt(fieldCategory, text(false))
	doc.AddFieldMappingsAt(fieldAbout, text(false))
	doc.AddFieldMappingsAt(fieldPrefix, text(false))
	doc.AddFieldMappingsAt(fieldFacet, keyword())
	seller := keyword()
	seller.DocValues = false
	doc.AddFieldMappingsAt(fieldSeller, seller)
	doc.AddFieldMappingsAt(fieldStars, number())
	doc.AddFieldMappingsAt(fieldPrice, number())
	doc.AddFieldMappingsAt(fieldCreated, number())
	doc.AddFieldMappingsAt(fieldSold, number())
	doc.AddFieldMappingsAt(fieldInStock, inStock)
	doc.AddFieldMappingsAt(fieldSource, stored)
	// Every query names its field: no composite "_all" field to build.
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	im.DefaultMapping = doc
	im.DefaultAnalyzer = foldedAnalyzer
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im, nil
}
