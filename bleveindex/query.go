package bleveindex

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/ocopmarket/market/search"
)

// clause is one thing the buyer asked for: a word, or a phrase of the
// synonym table, with the synonyms it stands for. Every clause of a query
// must match.
type clause struct {
	phrase   string   // folded, as typed
	marked   string   // as typed with its tone marks (search.Marked), "" if it has none
	synonyms []string // phrases meaning the same, with their marks (search.MarkedSynonyms)
	prefix   bool     // the last word typed: it may be the start of a word
	// otherForms are the forms with other marks that names write the
	// word typed with (asTyped): a name that has it only so does not match.
	otherForms []string
	// sent: the last word, typed with marks, of a search sent whole
	// (search.Query.Typing): asTyped makes it whole if names write it so.
	sent bool
	// ranks: a classifier before the word it counts ("trái xoài",
	// search.Classifier): it ranks what says it first, it filters nothing.
	ranks bool
}

// clauses reads the words of text into clauses, taking the longest
// phrase of the synonym table at each point, so "dau phong rang" is the
// phrase "dau phong" (= "lac") and then "rang".
func clauses(text string, synonyms map[string][]string, longest int) []clause {
	words := search.Words(text)
	// Marked and Fold split text alike, so the words pair up.
	marked := strings.Fields(search.Marked(text))
	if len(marked) != len(words) {
		marked = nil
	}
	var out []clause
	for i := 0; i < len(words); {
		n := 1
		for size := min(longest, len(words)-i); size >= 2; size-- {
			folded := strings.Join(words[i:i+size], " ")
			if _, ok := synonyms[folded]; !ok {
				continue
			}
			// Typed with marks no member of the table has, the words are
			// others that fold alike: "dâu phong" (strawberries of Phong
			// Điền) is not đậu phộng (peanuts).
			if marked != nil {
				if m := strings.Join(marked[i:i+size], " "); m != folded && !synonymMembers[m] {
					continue
				}
			}
			n = size
			break
		}
		phrase := strings.Join(words[i:i+n], " ")
		var m string
		if marked != nil {
			if m = strings.Join(marked[i:i+n], " "); m == phrase {
				m = ""
			}
		}
		i += n
		syn := synonyms[phrase]
		if m != "" && !synonymMembers[m] {
			// Typed with marks that no member of the table has: another
			// word that merely folds alike (dừa, coconut, is not dứa,
			// pineapple), so not its synonyms.
			syn = nil
		}
		out = append(out, clause{
			phrase:   phrase,
			marked:   m,
			synonyms: syn,
			prefix:   i == len(words) && n == 1,
		})
	}
	return out
}

// typed is the clause as the buyer typed it, lower case.
func (c clause) typed() string {
	if c.marked != "" {
		return c.marked
	}
	return c.phrase
}

// withoutOptional returns cs without the clauses of words a search that
// finds nothing drops (search.Optional), and whether that left fewer
// clauses, but some.
func withoutOptional(cs []clause) ([]clause, bool) {
	var rest []clause
	for _, c := range cs {
		if strings.Contains(c.phrase, " ") || !search.Optional(c.typed()) {
			rest = append(rest, c)
		}
	}
	return rest, len(rest) > 0 && len(rest) < len(cs)
}

// kindCategories are the categories of the kinds of product buyers name
// (search.KindCategories), by folded phrase.
var kindCategories = search.KindCategories()

// kindBoost weighs a product's category for a kind of product so little
// that every product saying the words ranks first: a category term is
// rare in the index, and at 0.2 (a category's name) its rarity outscored
// a description that says "làm thủ công".
const kindBoost = 0.01

// synonymMembers holds every member of the synonym table as search.Marked
// writes it: the words whose synonyms apply when typed with marks.
var synonymMembers = func() map[string]bool {
	m := map[string]bool{}
	for _, group := range search.SynonymGroups() {
		for _, w := range group {
			m[search.Marked(w)] = true
		}
	}
	return m
}()

// Boosts: a match in the name counts more than elsewhere; a synonym counts
// less than the word typed.
const (
	nameBoost    = 3.0
	synonymBoost = 0.5
)

// textQueries returns, for each clause, a query matching it anywhere in
// the product's own words and place, or, for the words of a kind of
// product, in the categories of that kind; and with shop in its shop's
// name and its categories' names too. All of them must match.
//
// The names of the shop and the categories count only when the words
// match no product without them (the caller's second walk): a shop's name
// often says what it sells best ("… – Mật ong rừng tràm"), and a buyer
// who types "mật ong" wants honey, not the same shop's coconuts; one who
// types a shop's name, which no product says, gets that shop's products,
// and one who types "rau", which no product's name says, the vegetables.
func textQueries(cs []clause, shop bool) []query.Query {
	out := make([]query.Query, 0, len(cs))
	for _, c := range cs {
		q := clauseQuery(c, fieldText, 1)
		if len(c.otherForms) > 0 {
			q = typedAsWritten(c)
		}
		if shop {
			// A category's name weighs little: a product named so, or
			// sold by a shop named so, comes first.
			q = bleve.NewDisjunctionQuery(q, shopQuery(c, len(cs) > 1), typed(c, fieldCategory, 0.2))
		}
		if ids := kindCategories[c.phrase]; len(ids) > 0 {
			// A kind of product (search.KindCategories): its categories'
			// products match as a category's name does, after those that
			// say the words.
			kind := make([]query.Query, len(ids))
			for i, id := range ids {
				kind[i] = term(facetTerm(search.FacetCategory, id), fieldFacet, kindBoost)
			}
			q = bleve.NewDisjunctionQuery(append(kind, q)...)
		}
		out = append(out, q)
	}
	return out
}

// shopQuery matches c in the shop's name as typed, with its marks when it
// has them ("cải", greens, is not the Cái of "HTX Nông sản Cái Bè"); the
// last of several words typed without marks, also as the start of a word
// ("vườn bưởi út h"). A single word is a whole word: "mận", which no
// product says, is not the start of every shop named "Mãng cầu …".
func shopQuery(c clause, several bool) query.Query {
	if c.marked != "" {
		return asWritten(c.marked, fieldShopMarked, 1)
	}
	q := typed(c, fieldShop, 1)
	if !c.prefix || !several {
		return q
	}
	p := bleve.NewPrefixQuery(c.phrase)
	p.SetField(fieldShop)
	p.SetBoost(0.5)
	return bleve.NewDisjunctionQuery(q, p)
}

// nameQuery matches any clause in the name; it only adds to the score, so
// that products named after what the buyer typed come first. A clause
// typed with tone marks counts only with the same marks: "dứa" (pineapple)
// ranks products named dứa, or khóm and thơm (its synonyms), before those
// named dừa (coconut), which merely fold alike.
func nameQuery(cs []clause) query.Query {
	alts := make([]query.Query, 0, len(cs))
	for _, c := range cs {
		if c.marked == "" {
			alts = append(alts, clauseQuery(c, fieldName, nameBoost))
			continue
		}
		alts = append(alts, phrase(c.marked, fieldMarked, nameBoost))
		for _, s := range c.synonyms {
			alts = append(alts, synonym(s, nameBoost*synonymBoost))
		}
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// clauseQuery matches c in field as typed, or any of its synonyms in the
// name.
func clauseQuery(c clause, field string, boost float64) query.Query {
	q := typed(c, field, boost)
	if len(c.synonyms) == 0 {
		return q
	}
	alts := []query.Query{q}
	for _, s := range c.synonyms {
		alts = append(alts, synonym(s, boost*synonymBoost))
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// typedAsWritten is clauseQuery in fieldText for a clause typed with marks
// that names also write otherwise (asTyped): it leaves out the products
// whose name has the word only in those other forms, and whose
// description and place do not have it as typed either. "dứa"
// (pineapple) is not Dừa sáp (coconut), "nấm" (mushroom) not Bưởi Năm
// Roi, "hòa" not Hoa súng (flower); "cà mau" still finds the Khô cá lóc of
// Cà Mau, a name written without any marks still matches, and so does the
// last word as the start of another ("bá" on its way to Bánh pía Bà Năm).
func typedAsWritten(c clause) query.Query {
	forms := make([]query.Query, len(c.otherForms))
	for i, w := range c.otherForms {
		forms[i] = term(w, fieldMarked, 0)
	}
	otherForm := bleve.NewBooleanQuery()
	otherForm.AddMust(bleve.NewDisjunctionQuery(forms...))
	otherForm.AddMustNot(term(c.marked, fieldMarked, 0), term(unmarkedName, fieldMarked, 0), term(c.marked, fieldAbout, 0))
	word := bleve.NewBooleanQuery()
	word.AddMust(bleve.NewDisjunctionQuery(typedWord(c, fieldText, 1)...))
	word.AddMustNot(otherForm)
	alts := []query.Query{word}
	if p := typedPrefix(c, fieldText, 1); p != nil {
		alts = append(alts, p)
	}
	for _, s := range c.synonyms {
		alts = append(alts, synonym(s, synonymBoost))
	}
	if len(alts) == 1 {
		return word
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// asTyped returns cs with otherForms set on the clauses of one word typed
// with marks, a member of the synonym table or a word some product's name
// writes so, that names also write in other forms. r says which forms the
// names write now (names records every form names ever wrote). A word
// typed with marks no name has, most often marks typed wrong ("dúa"),
// still matches folded. names is nil for an index of an older mapping,
// whose names were written otherwise: every word matches folded.
func asTyped(ctx context.Context, cs []clause, names *spellings, r index.IndexReader) []clause {
	var out []clause
	for i, c := range cs {
		if names == nil || c.marked == "" || strings.Contains(c.phrase, " ") {
			continue
		}
		if c.sent && inNames(ctx, r, c.marked) {
			// A word of names, sent whole: "cá" is not the start of cái
			// or cát, which a search sorted by price would list first.
			if out == nil {
				out = append([]clause(nil), cs...)
			}
			out[i].prefix = false
			c = out[i]
		}
		var others []string
		written := false
		for _, w := range names.forms(c.phrase) {
			if !inNames(ctx, r, w) {
				continue
			}
			if w == c.marked {
				written = true
			} else {
				others = append(others, w)
			}
		}
		if len(others) == 0 || !written && !synonymMembers[c.marked] {
			continue
		}
		if out == nil {
			out = append([]clause(nil), cs...)
		}
		out[i].otherForms = others
	}
	if out == nil {
		return cs
	}
	return out
}

// inNames reports whether some live product's name has the word w as
// search.Marked writes it.
func inNames(ctx context.Context, r index.IndexReader, w string) bool {
	tfr, err := r.TermFieldReader(ctx, []byte(w), fieldMarked, false, false, false)
	if err != nil {
		return false
	}
	defer tfr.Close()
	return tfr.Count() > 0
}

// synonym matches s, a member of the synonym table as search.Marked writes
// it, in product names that have it with the same marks and show none of
// its other senses (search.OtherSenses: "thơm" stands for pineapple, but
// not in gạo thơm). Only names: a word of another region for what the
// product is, it says what the product is there; in a description, it
// is as often an ingredient or a comparison.
//
// A name written without marks has the synonym folded, and matches so
// (what its seller meant cannot be known: "Dua" may be either). The name
// fields keep no positions, so a synonym of several words must also stand
// in a row in the text: "cá quả" is not "Chuối sấy vị cá" with "quả" in
// its name.
func synonym(s string, boost float64) query.Query {
	folded := search.Fold(s)
	q := query.Query(phrase(s, fieldMarked, boost))
	if folded != s {
		// Folded only in names written without any marks: in a name with
		// marks, a word without them is a word of its own (tea's trà is
		// not the tra of cá tra, catfish). The double boost undoes the
		// disjunction's scaling, as in asWritten.
		q = bleve.NewDisjunctionQuery(phrase(s, fieldMarked, 2*boost),
			bleve.NewConjunctionQuery(phrase(folded, fieldMarked, 2*boost), term(unmarkedName, fieldMarked, 0)))
	}
	if strings.Contains(folded, " ") {
		q = bleve.NewConjunctionQuery(q, phrase(folded, fieldText, 0))
	}
	senses := otherSenses[s]
	if len(senses) == 0 {
		return q
	}
	not := make([]query.Query, 0, 2*len(senses))
	for _, w := range senses {
		not = append(not, term(w, fieldMarked, 1))
		if f := search.Fold(w); f != w {
			not = append(not, term(f, fieldMarked, 1))
		}
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(q)
	b.AddMustNot(not...)
	return b
}

var otherSenses = search.OtherSenses()

// asWritten matches s, as search.Marked writes it, in a field of marked
// words: with its marks, or folded in words written without marks (a name
// keeps those as they are). A name has one form or the other; Bleve
// scales a disjunction's score by the share of its parts that match,
// which the double boost undoes.
func asWritten(s, field string, boost float64) query.Query {
	folded := search.Fold(s)
	if folded == s {
		return phrase(s, field, boost)
	}
	return bleve.NewDisjunctionQuery(phrase(s, field, 2*boost), phrase(folded, field, 2*boost))
}

// typed matches what the buyer typed, with the typos search.Typos allows,
// and as a prefix when it is the last word.
func typed(c clause, field string, boost float64) query.Query {
	alts := typedWord(c, field, boost)
	if p := typedPrefix(c, field, boost); p != nil {
		alts = append(alts, p)
	}
	if len(alts) == 1 {
		return alts[0]
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// typedWord matches what the buyer typed as a whole word, with the typos
// search.Typos allows.
func typedWord(c clause, field string, boost float64) []query.Query {
	if strings.Contains(c.phrase, " ") {
		return []query.Query{phrase(c.phrase, field, boost)}
	}
	alts := []query.Query{term(c.phrase, field, boost)}
	// Meilisearch counts a typo on the first letter as two; so does this.
	switch search.Typos(c.phrase) {
	case 1:
		alts = append(alts, fuzzy(c.phrase, field, 1, 1, boost/2))
	case 2:
		alts = append(alts, fuzzy(c.phrase, field, 2, 1, boost/2), fuzzy(c.phrase, field, 1, 0, boost/2))
	}
	return alts
}

// typedPrefix matches the last word typed as the start of a word of
// fieldText; nil for other words and fields.
func typedPrefix(c clause, field string, boost float64) query.Query {
	if !c.prefix || field != fieldText || strings.Contains(c.phrase, " ") {
		return nil
	}
	if c.marked != "" {
		// Typed with marks: the start of a word written with the same
		// marks, in names, or, in a name written without any marks
		// ("Buoi da xanh"), of a word folded alike. "ngô" is not "ngọt"
		// nor "ngọc", "quả" not "quay"; "khó" may be "khóm", not "khô".
		// (Descriptions keep no marked words; names say what a product
		// is.) A name has one form or the other, and Bleve scales a
		// disjunction's score by the share of its parts that match: each
		// takes the whole boost.
		var alts []query.Query
		for _, start := range markedStarts(c.marked) {
			m := bleve.NewPrefixQuery(start)
			m.SetField(fieldMarked)
			m.SetBoost(boost)
			alts = append(alts, m)
		}
		plain := bleve.NewPrefixQuery(c.phrase)
		plain.SetField(fieldMarked)
		plain.SetBoost(boost)
		return bleve.NewDisjunctionQuery(append(alts, bleve.NewConjunctionQuery(plain, term(unmarkedName, fieldMarked, 0)))...)
	}
	if len([]rune(c.phrase)) <= shortPrefix {
		return term(c.phrase, fieldPrefix, boost/2)
	}
	p := bleve.NewPrefixQuery(c.phrase)
	p.SetField(field)
	p.SetBoost(boost / 2)
	return p
}

// markedStarts returns the starts of the names' words (search.Marked)
// that a word typed with marks, on its way, may be: itself, and, typed
// with its tone where the older convention puts it, the words it is on
// its way to written the newer way. "hò" may be the start of "hoà" (hòa)
// or "hoè" (hòe), "thủ" of "thuỷ" (thủy).
func markedStarts(typed string) []string {
	starts := []string{typed}
	for _, v := range []string{"a", "e", "y"} {
		w := search.Marked(typed + v)
		if !strings.HasPrefix(w, typed) && !slices.Contains(starts, w) {
			starts = append(starts, w)
		}
	}
	return starts
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

// phrase matches words in a row in fieldText; the name fields, which keep
// no positions to stay small, take them in any order.
func phrase(p, field string, boost float64) query.Query {
	words := strings.Split(p, " ")
	if len(words) == 1 {
		return term(p, field, boost)
	}
	if field != fieldText {
		ts := make([]query.Query, len(words))
		for i, w := range words {
			ts[i] = term(w, field, boost)
		}
		return bleve.NewConjunctionQuery(ts...)
	}
	q := bleve.NewPhraseQuery(words, field)
	q.SetBoost(boost)
	return q
}

// filterQueries returns the filters of q. They weigh nothing in the
// score, so that they never change the ranking.
func filterQueries(q search.Query) []query.Query {
	var fs []query.Query
	keyword := func(field, value string) {
		if value != "" {
			t := bleve.NewTermQuery(value)
			t.SetField(field)
			t.SetBoost(0)
			fs = append(fs, t)
		}
	}
	if q.CategoryID != "" {
		keyword(fieldFacet, facetTerm(search.FacetCategory, q.CategoryID))
	}
	if q.RegionID != "" {
		keyword(fieldFacet, facetTerm(search.FacetRegion, q.RegionID))
	}
	keyword(fieldSeller, q.SellerID)
	numeric := func(field string, lo, hi *float64) {
		if lo == nil && hi == nil {
			return
		}
		inclusive := true
		r := bleve.NewNumericRangeInclusiveQuery(lo, hi, &inclusive, &inclusive)
		r.SetField(field)
		r.SetBoost(0)
		fs = append(fs, r)
	}
	if q.MinStars > 0 {
		// Stars are few: a disjunction of terms is cheaper than a range.
		var ts []query.Query
		for stars := q.MinStars; stars <= 5; stars++ {
			t := bleve.NewTermQuery(facetTerm(search.FacetStars, strconv.Itoa(stars)))
			t.SetField(fieldFacet)
			t.SetBoost(0)
			ts = append(ts, t)
		}
		fs = append(fs, bleve.NewDisjunctionQuery(ts...))
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
		b.SetBoost(0)
		fs = append(fs, b)
	}
	return fs
}

func ptr(f float64) *float64 { return &f }

// sortOrder orders hits for a sort, those in stock first; ties always go
// by id.
func sortOrder(s search.Sort, hasText bool) bsearch.SortOrder {
	byNumber := func(field string, desc bool) bsearch.SearchSort {
		return &bsearch.SortField{Field: field, Desc: desc, Type: bsearch.SortFieldAsNumber, Missing: bsearch.SortFieldMissingLast}
	}
	stocked := &bsearch.SortField{Field: fieldInStock, Desc: true, Type: bsearch.SortFieldAsString, Missing: bsearch.SortFieldMissingLast}
	id := &bsearch.SortDocID{}
	switch s {
	case search.SortPriceAsc:
		return bsearch.SortOrder{stocked, byNumber(fieldPrice, false), id}
	case search.SortPriceDesc:
		return bsearch.SortOrder{stocked, byNumber(fieldPrice, true), id}
	case search.SortStarsDesc:
		return bsearch.SortOrder{stocked, byNumber(fieldStars, true), id}
	case search.SortNewest:
		return bsearch.SortOrder{stocked, byNumber(fieldCreated, true), id}
	case search.SortBestselling:
		return bsearch.SortOrder{stocked, byNumber(fieldSold, true), id}
	}
	if !hasText {
		return bsearch.SortOrder{stocked, byNumber(fieldSold, true), id}
	}
	return bsearch.SortOrder{stocked, &bsearch.SortScore{Desc: true}, id}
}

// textQuery matches the words of a search, with shop in the shops' names
// too (textQueries); with byScore, names that match rank first. The rows
// apply the filters.
func textQuery(cs []clause, shop, byScore bool) query.Query {
	required, ranking := split(cs)
	must := textQueries(required, shop)
	if !byScore {
		return bleve.NewConjunctionQuery(must...)
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(must...)
	b.AddShould(shouldQueries(required, ranking)...)
	return b
}

// split returns the clauses every match must say, and those that only
// rank (clause.ranks). A classifier left alone (the words after it left
// out) is what was asked.
func split(cs []clause) (required, ranking []clause) {
	for _, c := range cs {
		if c.ranks {
			ranking = append(ranking, c)
		} else {
			required = append(required, c)
		}
	}
	if len(required) == 0 {
		return ranking, nil
	}
	return required, ranking
}

// shouldQueries rank the matches: names that say the required words
// first, then what says the ranking words anywhere.
func shouldQueries(required, ranking []clause) []query.Query {
	return append([]query.Query{nameQuery(required)}, textQueries(ranking, false)...)
}

// request builds the Bleve search for a normalised query, with shop for
// words that match no product without the shops' names. Filters and words
// go into one conjunction, which leaps over the documents that the
// sparsest of them rules out.
func request(q search.Query, cs []clause, shop bool) *bleve.SearchRequest {
	required, ranking := split(cs)
	must := append(filterQueries(q), textQueries(required, shop)...)
	byScore := len(cs) > 0 && q.Sort == search.SortRelevance
	var match query.Query
	switch {
	case len(must) == 0:
		match = bleve.NewMatchAllQuery()
	case byScore:
		b := bleve.NewBooleanQuery()
		b.AddMust(must...)
		b.AddShould(shouldQueries(required, ranking)...)
		match = b
	default:
		match = bleve.NewConjunctionQuery(must...)
	}
	req := bleve.NewSearchRequestOptions(match, q.PerPage, q.Offset(), false)
	req.Fields = []string{fieldSource}
	req.SortByCustom(sortOrder(q.Sort, len(cs) > 0))
	if !byScore {
		req.Score = "none"
	}
	// Every value, so that each facet can be cut to its own top values.
	req.AddFacet(fieldFacet, bleve.NewFacetRequest(fieldFacet, math.MaxInt32))
	return req
}
