package bleveindex

import (
	"cmp"
	"encoding/binary"
	"hash"
	"hash/fnv"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ocopmarket/market/search"
)

// columns holds, in memory, what filters, facets and sorts read of every
// document of one generation: Bleve finds the documents whose words match,
// and this table does the rest. Bleve would read each match's values from
// its doc values, decompressing them match by match (3–5 µs each, so
// 150–500 ms to browse a province of 100 000 products); a row here is a few
// dozen bytes read in nanoseconds. Browsing without text never touches
// Bleve's postings at all.
//
// Every document the index holds has a slot, which it keeps for the life
// of the generation (a deleted document leaves a dead row; the same id
// coming back takes its old slot), so a slot found for a match always
// names the right product.
type columns struct {
	// ready is set once every document of the index has its row: until
	// then (while the rows of an existing index load after Open) searches
	// take Bleve's own path.
	ready   atomic.Bool
	readied chan struct{} // closed when ready is set
	// failed is set when the rows of an existing index could not load:
	// every search then takes Bleve's own path.
	failed atomic.Bool
	// version counts the changes to the rows; it changes under mu.
	version atomic.Uint64
	// content counts the changes that can alter an answer in any way
	// other than its products' sales: every change but a document's sales
	// (and version) alone, which is what a checkout makes. It changes
	// under mu, after version.
	content atomic.Uint64
	// text counts the changes that can alter which documents a text query
	// matches, or their scores: a document's words (textSum), or a
	// document coming or going. A product going out of stock, or changing
	// its price, changes content but not text. It changes under mu, after
	// content. (Like the rows, it takes the upserts of one product to come
	// one after another, as the syncer, alone with its lease, makes them.)
	text atomic.Uint64

	mu   sync.RWMutex // guards the fields below; a search holds it for reading throughout
	rows []row        // by slot
	ids  []string     // by slot
	// sums and versions are, by slot, the contentSum and the Version of
	// the document of a live row.
	sums     []uint64
	versions []int64
	// texts are, by slot, the textSum of the document of a live row.
	texts []uint64
	// more holds the terms of rows with more than inlineTerms of them.
	more  map[int32][]int32
	slots map[string]int32
	// Facet values and sellers are interned as terms: a row holds small
	// numbers. Sellers are terms of no facet.
	terms     map[string]int32 // facetTerm → term number
	termFacet []string         // term number → search.Facet*, or sellerFacet
	termValue []string         // term number → value
	// postings lists the live slots of each term, in order, so that
	// browsing a category, a region or a shop reads only its rows.
	postings [][]int32

	segMu sync.Mutex
	segs  map[uint64]*segmentSlots // by Bleve segment id

	// spellings are the marked forms of the names' words.
	spellings *spellings
}

// sellerFacet is the facet of seller terms, which no search counts.
const sellerFacet = "seller"

// inlineTerms is how many facet terms a row holds itself: a category and
// its parents, a commune and its province, the stars. With them inline a
// row is one 64-byte cache line without pointers, which the garbage
// collector skips and a scan reads in order.
const inlineTerms = 7

// row is one document's values. A dead row is a document deleted from the
// index, or one whose first upsert has not yet reached Bleve.
type row struct {
	price   int64
	sold    int64
	created int64 // Unix milliseconds, as the fallback path sorts
	seller  int32 // term number; -1: none
	flags   uint8
	stars   int8
	nterms  uint8
	_       uint8
	terms   [inlineTerms]int32 // facet terms: categories, regions, stars
}

const (
	live uint8 = 1 << iota
	inStock
)

var deadRow = row{seller: -1}

func newColumns() *columns {
	return &columns{
		slots: map[string]int32{},
		terms: map[string]int32{},
		more:  map[int32][]int32{},
		segs:  map[uint64]*segmentSlots{},

		spellings: newSpellings(),

		readied: make(chan struct{}),
	}
}

// markReady says that every document has its row.
func (c *columns) markReady() {
	if !c.ready.Swap(true) {
		close(c.readied)
	}
}

// termsOf returns the facet terms of the row in slot. Callers hold mu.
func (c *columns) termsOf(slot int32) []int32 {
	r := &c.rows[slot]
	if int(r.nterms) > inlineTerms {
		return c.more[slot]
	}
	return r.terms[:r.nterms]
}

// term returns the number of a facet value, interning it. Callers hold mu.
func (c *columns) term(facet, value string) int32 {
	key := facetTerm(facet, value)
	if n, ok := c.terms[key]; ok {
		return n
	}
	n := int32(len(c.termFacet))
	c.terms[key] = n
	c.termFacet = append(c.termFacet, facet)
	c.termValue = append(c.termValue, value)
	c.postings = append(c.postings, nil)
	return n
}

// slot returns id's slot, giving it a dead row if it has none. Callers hold mu.
func (c *columns) slot(id string) int32 {
	if s, ok := c.slots[id]; ok {
		return s
	}
	s := int32(len(c.rows))
	c.rows = append(c.rows, deadRow)
	c.ids = append(c.ids, id)
	c.sums = append(c.sums, 0)
	c.versions = append(c.versions, 0)
	c.texts = append(c.texts, 0)
	c.slots[id] = s
	return s
}

// sums are a document's contentSum and textSum; 0 is unknown (a row
// loaded from a source stored before they were).
type sums struct{ content, text uint64 }

// set makes the row of slot d's, alive, or dead when d is nil, keeping
// the postings in step; sum are d's sums. It reports what the change was:
// to the document's sales alone (or nothing), and whether the document's
// words are those its live row had. Callers hold mu.
func (c *columns) set(slot int32, d *search.Document, sum sums) (salesOnly, sameText bool) {
	wasLive, prev := c.rows[slot].flags&live != 0, sums{c.sums[slot], c.texts[slot]}
	c.sums[slot], c.texts[slot] = sum.content, sum.text
	c.unpost(slot)
	delete(c.more, slot)
	if d == nil {
		c.rows[slot] = deadRow
		c.versions[slot] = 0
		return false, !wasLive
	}
	salesOnly = wasLive && sum.content != 0 && prev.content == sum.content
	sameText = wasLive && sum.text != 0 && prev.text == sum.text
	c.versions[slot] = d.Version
	r := row{price: int64(d.PriceVND), sold: d.Sold, created: d.CreatedAt.UnixMilli(), seller: -1, flags: live, stars: int8(d.Stars)}
	if d.InStock {
		r.flags |= inStock
	}
	if d.SellerID != "" {
		r.seller = c.term(sellerFacet, d.SellerID)
	}
	terms := make([]int32, 0, len(d.CategoryIDs)+len(d.RegionIDs)+1)
	for _, id := range d.CategoryIDs {
		terms = append(terms, c.term(search.FacetCategory, id))
	}
	for _, id := range d.RegionIDs {
		terms = append(terms, c.term(search.FacetRegion, id))
	}
	if d.Stars > 0 {
		terms = append(terms, c.term(search.FacetStars, strconv.Itoa(d.Stars)))
	}
	terms = slices.Compact(terms) // a repeated id counts once
	r.nterms = uint8(min(len(terms), 255))
	if len(terms) > inlineTerms {
		c.more[slot] = terms[:r.nterms]
	} else {
		copy(r.terms[:], terms)
	}
	c.rows[slot] = r
	c.post(slot)
	return salesOnly, sameText
}

// contentSum is a 64-bit FNV-1a hash of everything in a document but its
// sales and version: two versions of a product with the same sum differ
// at most in those.
func contentSum(d *search.Document) uint64 {
	h := newHasher()
	h.str(d.ID)
	h.str(d.Name)
	h.str(d.Description)
	h.str(d.CategoryID)
	h.list(d.CategoryIDs)
	h.str(d.SellerID)
	h.str(d.SellerName)
	h.str(d.RegionID)
	h.list(d.RegionIDs)
	h.str(d.RegionName)
	h.n(int64(d.PriceVND))
	h.str(d.Unit)
	h.n(int64(d.Stars))
	if d.InStock {
		h.n(1)
	} else {
		h.n(0)
	}
	h.str(d.ImageURL)
	h.n(d.CreatedAt.UnixNano())
	return h.Sum64()
}

// textSum is a 64-bit FNV-1a hash of the words of a document, all that a
// text query reads (mapping.go's name, marked, text, prefix, shop and
// category fields are made of them): two versions of a product with the
// same textSum match the same searches, with the same scores.
func textSum(d *search.Document) uint64 {
	h := newHasher()
	h.str(d.Name)
	h.str(d.Description)
	h.str(d.SellerName)
	h.str(d.RegionName)
	h.str(search.CategoryNames(d.CategoryIDs))
	return h.Sum64()
}

// hasher hashes values in order, each string after its length, so that
// no two different sequences of values write the same bytes.
type hasher struct {
	hash.Hash64
	num [8]byte
}

func newHasher() *hasher { return &hasher{Hash64: fnv.New64a()} }

func (h *hasher) n(v int64) {
	binary.LittleEndian.PutUint64(h.num[:], uint64(v))
	h.Write(h.num[:])
}

func (h *hasher) str(s string) {
	h.n(int64(len(s)))
	io.WriteString(h, s)
}

func (h *hasher) list(values []string) {
	h.n(int64(len(values)))
	for _, v := range values {
		h.str(v)
	}
}

// salesOf returns the current sales and version of a document's row, and
// whether it is live. Callers hold mu.
func (c *columns) salesOf(id string) (sold, version int64, ok bool) {
	s, found := c.slots[id]
	if !found || c.rows[s].flags&live == 0 {
		return 0, 0, false
	}
	return c.rows[s].sold, c.versions[s], true
}

// post adds a live slot to the postings of its terms and seller; unpost
// takes it out.
func (c *columns) post(slot int32) {
	c.eachPosting(slot, func(list []int32, at int, found bool) []int32 {
		if found {
			return list
		}
		return slices.Insert(list, at, slot)
	})
}

func (c *columns) unpost(slot int32) {
	c.eachPosting(slot, func(list []int32, at int, found bool) []int32 {
		if !found {
			return list
		}
		return slices.Delete(list, at, at+1)
	})
}

func (c *columns) eachPosting(slot int32, edit func(list []int32, at int, found bool) []int32) {
	if c.rows[slot].flags&live == 0 {
		return
	}
	terms := c.termsOf(slot)
	if s := c.rows[slot].seller; s >= 0 {
		terms = append(terms[:len(terms):len(terms)], s)
	}
	for _, t := range terms {
		at, found := slices.BinarySearch(c.postings[t], slot)
		c.postings[t] = edit(c.postings[t], at, found)
	}
}

// reserve gives every document a slot before Bleve holds it, so that a
// search that meets the document in a segment always finds its slot. New
// documents stay dead until put.
func (c *columns) reserve(docs []search.Document) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, d := range docs {
		c.slot(d.ID)
	}
}

// put sets the rows of documents Bleve now holds, with their contentSums.
func (c *columns) put(docs []search.Document, all []sums) {
	c.mu.Lock()
	defer c.mu.Unlock()
	salesOnly, sameText := true, true
	for i := range docs {
		sales, text := c.set(c.slot(docs[i].ID), &docs[i], all[i])
		if !text {
			c.spellings.add(markedName(docs[i].Name))
		}
		salesOnly, sameText = salesOnly && sales, sameText && text
	}
	c.changed(salesOnly, sameText)
}

// changed counts a change to the rows. Callers hold mu for writing.
func (c *columns) changed(salesOnly, sameText bool) {
	c.version.Add(1)
	if !salesOnly {
		c.content.Add(1)
	}
	if !sameText {
		c.text.Add(1)
	}
}

// putIfAbsent sets the rows of documents that have no slot yet: rows
// loaded from an existing index never overwrite what an upsert or a delete
// made meanwhile.
func (c *columns) putIfAbsent(docs []search.Document, all []sums) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range docs {
		if _, ok := c.slots[docs[i].ID]; !ok {
			c.set(c.slot(docs[i].ID), &docs[i], all[i])
		}
	}
	c.changed(false, false)
}

// remove kills the rows of deleted documents; ids without a row get a dead
// one, so that rows still loading cannot bring them back.
func (c *columns) remove(ids []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		c.set(c.slot(id), nil, sums{})
	}
	c.changed(false, false)
}

// plan is a query's filters resolved against the table.
type plan struct {
	category, region, seller int32 // -1: no filter
	minStars                 int8
	minPrice, maxPrice       int64 // 0: none
	inStock                  bool
}

// planFor resolves q's filters; ok is false when a filter names a value no
// document has, so nothing can match. Callers hold mu.
func (c *columns) planFor(q search.Query) (p plan, ok bool) {
	p = plan{category: -1, region: -1, seller: -1, minStars: int8(q.MinStars),
		minPrice: int64(q.MinPrice), maxPrice: int64(q.MaxPrice), inStock: q.InStock}
	lookup := func(dst *int32, m map[string]int32, key string) bool {
		n, found := m[key]
		*dst = n
		return found
	}
	if q.CategoryID != "" && !lookup(&p.category, c.terms, facetTerm(search.FacetCategory, q.CategoryID)) {
		return p, false
	}
	if q.RegionID != "" && !lookup(&p.region, c.terms, facetTerm(search.FacetRegion, q.RegionID)) {
		return p, false
	}
	if q.SellerID != "" && !lookup(&p.seller, c.terms, facetTerm(sellerFacet, q.SellerID)) {
		return p, false
	}
	return p, true
}

// candidates returns the slots a browse must read: the postings of the
// narrowest of p's category, region and seller, or nil to read every row.
// Callers hold mu.
func (c *columns) candidates(p plan) (list []int32, narrowed bool) {
	for _, t := range []int32{p.category, p.region, p.seller} {
		if t >= 0 && (!narrowed || len(c.postings[t]) < len(list)) {
			list, narrowed = c.postings[t], true
		}
	}
	return list, narrowed
}

func (p *plan) keep(c *columns, slot int32) bool {
	r := &c.rows[slot]
	if r.flags&live == 0 ||
		p.inStock && r.flags&inStock == 0 ||
		r.stars < p.minStars ||
		p.minPrice != 0 && r.price < p.minPrice ||
		p.maxPrice != 0 && r.price > p.maxPrice ||
		p.seller >= 0 && r.seller != p.seller {
		return false
	}
	if p.category < 0 && p.region < 0 {
		return true
	}
	terms := r.terms[:min(int(r.nterms), inlineTerms)]
	if int(r.nterms) > inlineTerms {
		terms = c.more[slot]
	}
	return (p.category < 0 || slices.Contains(terms, p.category)) &&
		(p.region < 0 || slices.Contains(terms, p.region))
}

// match is a document found: its slot, its score when ranked by relevance,
// and its number in the Bleve snapshot that found it (0 when browsing).
type match struct {
	slot  int32
	score float64
	doc   uint64
}

// tally gathers the matches of one search that pass its filters: the
// total, the facet counts, and the best of them in order.
type tally struct {
	c      *columns
	plan   plan
	total  int
	counts []int32 // by term number
	top    topK
}

func (c *columns) newTally(p plan, q search.Query) *tally {
	t := &tally{c: c, plan: p, counts: make([]int32, len(c.termFacet))}
	t.top = topK{k: q.Offset() + q.PerPage, before: c.order(q)}
	return t
}

func (t *tally) add(m match) {
	if m.slot < 0 || int(m.slot) >= len(t.c.rows) {
		return
	}
	if !t.plan.keep(t.c, m.slot) {
		return
	}
	t.total++
	for _, n := range t.c.termsOf(m.slot) {
		t.counts[n]++
	}
	t.top.push(m)
}

// page returns the matches of q's page, in order.
func (t *tally) page(q search.Query) []match {
	all := t.top.sorted()
	if off := q.Offset(); off < len(all) {
		return all[off:]
	}
	return nil
}

// facets returns the counts by facet, each cut to its
// search.MaxFacetValues most frequent values (ties by value).
func (t *tally) facets() map[string]map[string]int {
	type count struct {
		value string
		n     int32
	}
	per := map[string][]count{}
	for term, n := range t.counts {
		if f := t.c.termFacet[term]; n > 0 && f != sellerFacet {
			per[f] = append(per[f], count{t.c.termValue[term], n})
		}
	}
	out := map[string]map[string]int{search.FacetCategory: {}, search.FacetRegion: {}, search.FacetStars: {}}
	for f, counts := range per {
		if len(counts) > search.MaxFacetValues {
			slices.SortFunc(counts, func(a, b count) int {
				return cmp.Or(cmp.Compare(b.n, a.n), strings.Compare(a.value, b.value))
			})
			counts = counts[:search.MaxFacetValues]
		}
		for _, v := range counts {
			out[f][v.value] = int(v.n)
		}
	}
	return out
}

// bySales reports whether the answers to q are ordered by sales: sorted
// best-selling, or browsed (no words) by relevance.
func bySales(q search.Query) bool {
	switch q.Sort {
	case search.SortPriceAsc, search.SortPriceDesc, search.SortStarsDesc, search.SortNewest:
		return false
	}
	return q.Sort == search.SortBestselling || len(search.Words(q.Text)) == 0
}

// order returns how q ranks matches: negative when a comes before b. Ties
// go by product id, as in the fallback path, so pages never overlap.
func (c *columns) order(q search.Query) func(a, b match) int {
	// What is in stock comes first, in every order: a buyer cannot
	// order the rest.
	stocked := func(a, b match) int {
		return cmp.Compare(c.rows[b.slot].flags&inStock, c.rows[a.slot].flags&inStock)
	}
	var key func(a, b *row) int
	switch {
	case q.Sort == search.SortPriceAsc:
		key = func(a, b *row) int { return cmp.Compare(a.price, b.price) }
	case q.Sort == search.SortPriceDesc:
		key = func(a, b *row) int { return cmp.Compare(b.price, a.price) }
	case q.Sort == search.SortStarsDesc:
		key = func(a, b *row) int { return cmp.Compare(b.stars, a.stars) }
	case q.Sort == search.SortNewest:
		key = func(a, b *row) int { return cmp.Compare(b.created, a.created) }
	case bySales(q):
		key = func(a, b *row) int { return cmp.Compare(b.sold, a.sold) }
	default: // relevance
		return func(a, b match) int {
			if s := stocked(a, b); s != 0 {
				return s
			}
			if a.score != b.score {
				return cmp.Compare(b.score, a.score)
			}
			return strings.Compare(c.ids[a.slot], c.ids[b.slot])
		}
	}
	return func(a, b match) int {
		if s := stocked(a, b); s != 0 {
			return s
		}
		if k := key(&c.rows[a.slot], &c.rows[b.slot]); k != 0 {
			return k
		}
		return strings.Compare(c.ids[a.slot], c.ids[b.slot])
	}
}

// topK keeps the k first matches of an order, in a heap whose root is the
// last of them, so that most matches cost one comparison.
type topK struct {
	k      int
	before func(a, b match) int
	heap   []match
}

func (h *topK) push(m match) {
	if h.k <= 0 {
		return
	}
	if len(h.heap) < h.k {
		h.heap = append(h.heap, m)
		for i := len(h.heap) - 1; i > 0; {
			parent := (i - 1) / 2
			if h.before(h.heap[parent], h.heap[i]) >= 0 {
				break
			}
			h.heap[parent], h.heap[i] = h.heap[i], h.heap[parent]
			i = parent
		}
		return
	}
	if h.before(m, h.heap[0]) >= 0 {
		return
	}
	h.heap[0] = m
	for i := 0; ; {
		last, l, r := i, 2*i+1, 2*i+2
		if l < len(h.heap) && h.before(h.heap[l], h.heap[last]) > 0 {
			last = l
		}
		if r < len(h.heap) && h.before(h.heap[r], h.heap[last]) > 0 {
			last = r
		}
		if last == i {
			break
		}
		h.heap[i], h.heap[last] = h.heap[last], h.heap[i]
		i = last
	}
}

// sorted returns the matches kept, first first.
func (h *topK) sorted() []match {
	slices.SortFunc(h.heap, h.before)
	return h.heap
}

// segmentSlots maps the document numbers of one Bleve segment (segments
// never change once written) to slots.
type segmentSlots struct {
	once  sync.Once
	size  uint64
	slots []int32
}
