package bleveindex

import (
	"encoding/json"
	"strconv"
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
	fieldName     = "name"     // folded name, for ranking names first
	fieldText     = "text"     // folded name, description, seller and region names
	fieldCategory = "category" // category ids with ancestors
	fieldRegion   = "region"   // region ids with ancestors
	fieldSeller   = "seller"
	fieldStars    = "stars"     // number, for filters and sorting
	fieldStarsKey = "starsKey"  // "3".."5", absent without stars, for the facet
	fieldPrice    = "price"     // number
	fieldInStock  = "inStock"   // boolean
	fieldCreated  = "createdMs" // number: Unix milliseconds
	fieldSold     = "sold"      // number
	fieldSource   = "source"    // the document as JSON, stored only
)

// foldedAnalyzer splits text on spaces and does nothing else: text reaches
// the index already folded by search.Fold, the same function that folds
// the queries, so both sides agree by construction.
const foldedAnalyzer = "folded"

// entry is what Bleve indexes for one document.
type entry struct {
	Name     string   `json:"name"`
	Text     string   `json:"text"`
	Category []string `json:"category"`
	Region   []string `json:"region"`
	Seller   string   `json:"seller"`
	Stars    float64  `json:"stars"`
	StarsKey []string `json:"starsKey"`
	Price    float64  `json:"price"`
	InStock  bool     `json:"inStock"`
	Created  float64  `json:"createdMs"`
	Sold     float64  `json:"sold"`
	Source   string   `json:"source"`
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
}

func toEntry(d search.Document) (entry, error) {
	src, err := json.Marshal(source{
		ID: d.ID, Name: d.Name, Description: d.Description,
		CategoryID: d.CategoryID, CategoryIDs: d.CategoryIDs,
		SellerID: d.SellerID, SellerName: d.SellerName,
		RegionID: d.RegionID, RegionIDs: d.RegionIDs, RegionName: d.RegionName,
		PriceVND: int64(d.PriceVND), Unit: d.Unit, Stars: d.Stars, InStock: d.InStock,
		ImageURL: d.ImageURL, CreatedAt: d.CreatedAt, Sold: d.Sold, Version: d.Version,
	})
	if err != nil {
		return entry{}, err
	}
	e := entry{
		Name:     search.Fold(d.Name),
		Text:     search.Fold(d.Name + " \n " + d.Description + " \n " + d.SellerName + " \n " + d.RegionName),
		Category: d.CategoryIDs,
		Region:   d.RegionIDs,
		Seller:   d.SellerID,
		Stars:    float64(d.Stars),
		Price:    float64(d.PriceVND),
		InStock:  d.InStock,
		Created:  float64(d.CreatedAt.UnixMilli()),
		Sold:     float64(d.Sold),
		Source:   string(src),
	}
	if d.Stars > 0 {
		e.StarsKey = []string{strconv.Itoa(d.Stars)}
	}
	return e, nil
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
		f.IncludeTermVectors = vectors // phrases (multi-word synonyms) need positions
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
	doc.AddFieldMappingsAt(fieldName, text(true))
	doc.AddFieldMappingsAt(fieldText, text(true))
	doc.AddFieldMappingsAt(fieldCategory, keyword())
	doc.AddFieldMappingsAt(fieldRegion, keyword())
	doc.AddFieldMappingsAt(fieldSeller, keyword())
	doc.AddFieldMappingsAt(fieldStarsKey, keyword())
	doc.AddFieldMappingsAt(fieldStars, number())
	doc.AddFieldMappingsAt(fieldPrice, number())
	doc.AddFieldMappingsAt(fieldCreated, number())
	doc.AddFieldMappingsAt(fieldSold, number())
	doc.AddFieldMappingsAt(fieldInStock, inStock)
	doc.AddFieldMappingsAt(fieldSource, stored)
	im.DefaultMapping = doc
	im.DefaultAnalyzer = foldedAnalyzer
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im, nil
}
