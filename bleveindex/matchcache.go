package bleveindex

import (
	"slices"
	"strings"
	"sync"
)

// matchCache keeps, for the words of recent searches, every document
// Bleve matched (its row, and its score when ranked): the part of a search
// that walks the postings, three quarters of the cost of a search never
// asked before. Buyers refine what they typed — a province, a price range,
// another sort, the next page — and each refinement is a new answer but
// the same words: with the matches kept, only the rows are read again.
// (Solr's filter cache and Elasticsearch's query cache keep such sets.)
//
// Matches depend on the documents' words alone, never on sales, stock or
// price, which the rows filter: the entries serve while the rows' text
// stamp (columns.text) is the one they were made at, and any other text
// empties the cache. A checkout, a product selling out or a new price
// keep them; a product renamed, added or removed does not.
type matchCache struct {
	maxBytes int

	mu      sync.Mutex
	text    uint64
	entries map[string]*matches
	order   []string // oldest first
	bytes   int
}

// matches are the documents one text query matched: slots[i] scored
// scores[i] (scores is nil when the walk did not score).
type matches struct {
	slots  []int32
	scores []float64
	// overflow marks a walk that matched more than an entry may hold:
	// what it recorded is not all, and is never kept.
	overflow bool
}

func (m *matches) size() int { return 64 + 4*len(m.slots) + 8*len(m.scores) }

// scratchMatches are the buffers walks record their matches in; the cache
// keeps copies of the exact size, so that a kept entry holds no spare
// capacity. Only buffers of up to pooledMatches go back to the pool, so
// that 64 walks at once leave at most a few MB behind; a wider walk's
// buffer is garbage.
var scratchMatches = sync.Pool{New: func() any { return &matches{} }}

const pooledMatches = 4096

func releaseScratch(m *matches) {
	if cap(m.slots) <= pooledMatches && cap(m.scores) <= pooledMatches {
		scratchMatches.Put(m)
	}
}

func newMatchCache(maxBytes int) *matchCache {
	return &matchCache{maxBytes: maxBytes, entries: map[string]*matches{}}
}

// matchKey names the Bleve text query of cs: every clause as read, with
// the synonyms it takes and its marks (which change what it matches: dừa
// takes none of dứa's synonyms, "ngô" typed last is not the start of
// "ngọt"), whether the shops' names count, and whether it was scored.
func matchKey(cs []clause, shop, scored bool) string {
	var b strings.Builder
	if scored {
		b.WriteString("s")
	} else {
		b.WriteString("u")
	}
	if shop {
		b.WriteString("+shop")
	}
	for _, c := range cs {
		b.WriteByte(0)
		b.WriteString(c.phrase)
		b.WriteByte(0)
		if c.prefix {
			b.WriteByte('*')
		}
		if c.sent {
			b.WriteByte('!')
		}
		if c.ranks {
			b.WriteByte('~')
		}
		for _, s := range c.synonyms {
			b.WriteByte(1)
			b.WriteString(s)
		}
		b.WriteByte(2)
		b.WriteString(c.marked)
	}
	return b.String()
}

func (mc *matchCache) enabled() bool { return mc != nil && mc.maxBytes > 0 }

// most is how many matches one entry may hold: an eighth of the cache, so
// that one walk never crowds out the rest (and a scratch buffer never
// grows past it).
func (mc *matchCache) most() int { return max(0, (mc.maxBytes/8-64)/(4+8)) }

// get returns the matches of the text query cs at text. A search that
// does not rank may use a ranked walk's matches.
func (mc *matchCache) get(cs []clause, shop, scored bool, text uint64) (*matches, bool) {
	if !mc.enabled() {
		return nil, false
	}
	mc.mu.Lock()
	defer mc.mu.Unlock()
	if mc.text != text {
		return nil, false
	}
	if m, ok := mc.entries[matchKey(cs, shop, scored)]; ok {
		return m, true
	}
	if !scored {
		m, ok := mc.entries[matchKey(cs, shop, true)]
		return m, ok
	}
	return nil, false
}

// put keeps a copy of the matches of the text query cs walked at text.
// Entries are never changed once kept: readers share them.
func (mc *matchCache) put(cs []clause, shop, scored bool, text uint64, walked *matches) {
	if !mc.enabled() {
		return
	}
	if walked.overflow || len(walked.slots) > mc.most() {
		return // one walk never crowds out the rest
	}
	size := walked.size()
	key := matchKey(cs, shop, scored)
	mc.mu.Lock()
	defer mc.mu.Unlock()
	switch {
	case text > mc.text:
		clear(mc.entries)
		mc.order, mc.bytes, mc.text = mc.order[:0], 0, text
	case text < mc.text:
		return // walked before a change the cache has seen
	}
	if _, ok := mc.entries[key]; ok {
		return
	}
	m := &matches{slots: slices.Clone(walked.slots)}
	if len(walked.scores) > 0 {
		m.scores = slices.Clone(walked.scores)
	}
	mc.entries[key] = m
	mc.order = append(mc.order, key)
	mc.bytes += size + len(key)
	for mc.bytes > mc.maxBytes && len(mc.order) > 0 {
		old := mc.order[0]
		mc.order = mc.order[1:]
		mc.bytes -= mc.entries[old].size() + len(old)
		delete(mc.entries, old)
	}
}
