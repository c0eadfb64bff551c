package bleveindex

import (
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/ocopmarket/market/search"
)

// clause is one thing the buyer asked for: a word, or a phrase of the
// synonym table, with the synonyms it stands for. Every clause of a query
// must match.
type clause struct {
	phrase   string   // folded, as typed
	synonyms []string // folded phrases meaning the same
	prefix   bool     // the last word typed: it may be the start of a word
}

// clauses reads folded words into clauses, taking the longest phrase of
// the synonym table at each point, so "dau phong rang" is the phrase
// "dau phong" (= "lac") and then "rang".
func clauses(words []string, synonyms map[string][]string, longest int) []clause {
	var out []clause
	for i := 0; i < len(words); {
		n := 1
		for size := min(longest, len(words)-i); size >= 1; size-- {
			if _, ok := synonyms[strings.Join(words[i:i+size], " ")]; ok {
				n = size
				break
			}
		}
		phrase := strings.Join(words[i:i+n], " ")
		i += n
		out = append(out, clause{
			phrase:   phrase,
			synonyms: synonyms[phrase],
			prefix:   i == len(words) && n == 1,
		})
	}
	return out
}

// Boosts: a match in the name counts more than elsewhere; a synonym counts
// less than the word typed.
const (
	nameBoost    = 3.0
	synonymBoost = 0.5
)

// textQuery matches every clause somewhere in the text, ranking matches in
// the name first.
func textQuery(cs []clause) query.Query {
	conj := make([]query.Query, 0, len(cs))
	for _, c := range cs {
		var alts []query.Query
		for _, field := range []string{fieldText, fieldName} {
			boost := 1.0
			if field == fieldName {
				boost = nameBoost
			}
			alts = append(alts, typed(c, field, boost))
			for _, s := range c.synonyms {
				alts = append(alts, phrase(s, field, boost*synonymBoost))
			}
		}
		conj = append(conj, bleve.NewDisjunctionQuery(alts...))
	}
	return bleve.NewConjunctionQuery(conj...)
}

// typed matches what the buyer typed, with the typos search.Typos allows,
// and as a prefix when it is the last word.
func typed(c clause, field string, boost float64) query.Query {
	if strings.Contains(c.phrase, " ") {
		return phrase(c.phrase, field, boost)
	}
	alts := []query.Query{term(c.phrase, field, boost)}
	// Meilisearch counts a typo on the first letter as two; so does this.
	switch search.Typos(c.phrase) {
	case 1:
		alts = append(alts, fuzzy(c.phrase, field, 1, 1, boost/2))
	case 2:
		alts = append(alts, fuzzy(c.phrase, field, 2, 1, boost/2), fuzzy(c.phrase, field, 1, 0, boost/2))
	}
	if c.prefix {
		p := bleve.NewPrefixQuery(c.phrase)
		p.SetField(field)
		p.SetBoost(boost / 2)
		alts = append(alts, p)
	}
	if len(alts) == 1 {
		return alts[0]
	}
	return bleve.NewDisjunctionQuery(alts...)
}

func term(word, field string, boost float64) query.Query {
	t := bleve.NewTermQuery(word)
	t.SetField(field)
	t.SetBoost(boost)
	return t
}

func fuzzy(word, field string, fuzziness, prefix int, boost float64) query.Query {
	f := bleve.NewFuzzyQuery(word)
	f.SetField(field)
	f.SetFuzziness(fuzziness)
	f.SetPrefix(prefix)
	f.SetBoost(boost)
	return f
}

func phrase(p, field string, boost float64) query.Query {
	words := strings.Split(p, " ")
	if len(words) == 1 {
		return term(p, field, boost)
	}
	q := bleve.NewPhraseQuery(words, field)
	q.SetBoost(boost)
	return q
}

// filterQuery returns the filters of q, or nil when there are none.
func filterQuery(q search.Query) query.Query {
	var fs []query.Query
	keyword := func(field, value string) {
		if value != "" {
			t := bleve.NewTermQuery(value)
			t.SetField(field)
			fs = append(fs, t)
		}
	}
	keyword(fieldCategory, q.CategoryID)
	keyword(fieldRegion, q.RegionID)
	keyword(fieldSeller, q.SellerID)
	numeric := func(field string, lo, hi *float64) {
		if lo == nil && hi == nil {
			return
		}
		inclusive := true
		r := bleve.NewNumericRangeInclusiveQuery(lo, hi, &inclusive, &inclusive)
		r.SetField(field)
		fs = append(fs, r)
	}
	if q.MinStars > 0 {
		numeric(fieldStars, ptr(float64(q.MinStars)), nil)
	}
	var lo, hi *float64
	if q.MinPrice > 0 {
		lo = ptr(float64(q.MinPrice))
	}
	if q.MaxPrice > 0 {
		hi = ptr(float64(q.MaxPrice))
	}
	numeric(fieldPrice, lo, hi)
	if q.InStock {
		b := bleve.NewBoolFieldQuery(true)
		b.SetField(fieldInStock)
		fs = append(fs, b)
	}
	if len(fs) == 0 {
		return nil
	}
	return bleve.NewConjunctionQuery(fs...)
}

func ptr(f float64) *float64 { return &f }

// sortOrder orders hits for a sort; ties always go by id.
func sortOrder(s search.Sort, hasText bool) bsearch.SortOrder {
	byNumber := func(field string, desc bool) bsearch.SearchSort {
		return &bsearch.SortField{Field: field, Desc: desc, Type: bsearch.SortFieldAsNumber, Missing: bsearch.SortFieldMissingLast}
	}
	id := &bsearch.SortDocID{}
	switch s {
	case search.SortPriceAsc:
		return bsearch.SortOrder{byNumber(fieldPrice, false), id}
	case search.SortPriceDesc:
		return bsearch.SortOrder{byNumber(fieldPrice, true), id}
	case search.SortStarsDesc:
		return bsearch.SortOrder{byNumber(fieldStars, true), id}
	case search.SortNewest:
		return bsearch.SortOrder{byNumber(fieldCreated, true), id}
	case search.SortBestselling:
		return bsearch.SortOrder{byNumber(fieldSold, true), id}
	}
	if !hasText {
		return bsearch.SortOrder{byNumber(fieldSold, true), id}
	}
	return bsearch.SortOrder{&bsearch.SortScore{Desc: true}, id}
}

// request builds the Bleve search for a normalised query.
func request(q search.Query, synonyms map[string][]string, longest int) *bleve.SearchRequest {
	cs := clauses(search.Words(q.Text), synonyms, longest)
	var match query.Query
	if len(cs) > 0 {
		match = textQuery(cs)
	} else {
		match = bleve.NewMatchAllQuery()
	}
	if f := filterQuery(q); f != nil {
		b := bleve.NewBooleanQuery()
		b.AddMust(match)
		b.AddFilter(f)
		match = b
	}
	req := bleve.NewSearchRequestOptions(match, q.PerPage, q.Offset(), false)
	req.Fields = []string{fieldSource}
	req.SortByCustom(sortOrder(q.Sort, len(cs) > 0))
	req.AddFacet(search.FacetCategory, bleve.NewFacetRequest(fieldCategory, search.MaxFacetValues))
	req.AddFacet(search.FacetRegion, bleve.NewFacetRequest(fieldRegion, search.MaxFacetValues))
	req.AddFacet(search.FacetStars, bleve.NewFacetRequest(fieldStarsKey, 5))
	return req
}
