package bleveindex

import (
	"context"
	"encoding/json"
	"errors"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/search"
)

// generation is one Bleve index and its columns, with the goroutine that
// loads the rows of an existing index and keeps segment maps ready.
type generation struct {
	idx   bleve.Index
	cols  *columns
	cache *resultCache
	// matches keeps the documents the words of recent searches matched.
	matches *matchCache
	// answered counts the searches answered from Bleve and the rows, not
	// from the cache; walked those of them that walked Bleve's postings
	// for their words.
	answered, walked atomic.Uint64
	stop             chan struct{}
	done             sync.WaitGroup
}

// refreshEvery is how often a generation maps the segments Bleve's merges
// made, so that searches rarely have to.
const refreshEvery = time.Second

// startGeneration serves idx. With load, the rows of the documents idx
// already holds are read in the background; without, cols already has them.
func startGeneration(idx bleve.Index, cols *columns, load bool, cacheBytes int) *generation {
	// A quarter of the memory for kept matches: the answers to repeated
	// searches come first.
	g := &generation{idx: idx, cols: cols, cache: newResultCache(cacheBytes - cacheBytes/4), matches: newMatchCache(cacheBytes / 4),
		stop: make(chan struct{})}
	if !load {
		cols.markReady()
	} else if cols.spellings != nil {
		// Before the first search, so that both paths answer alike.
		g.loadSpellings()
	}
	g.done.Add(1)
	go g.run(load)
	return g
}

func (g *generation) run(load bool) {
	defer g.done.Done()
	if load {
		if err := g.load(); err != nil {
			// Searches keep Bleve's own path: slower, as correct.
			if !errors.Is(err, errStopped) {
				g.cols.failed.Store(true)
			}
			return
		}
		g.cols.markReady()
	}
	tick := time.NewTicker(refreshEvery)
	defer tick.Stop()
	for {
		select {
		case <-g.stop:
			return
		case <-tick.C:
			g.refresh()
		}
	}
}

// close stops the goroutine, then closes the index.
func (g *generation) close() error {
	close(g.stop)
	g.done.Wait()
	return g.idx.Close()
}

var (
	errNotScorch = errors.New("bleveindex: the index is not a scorch index")
	errStopped   = errors.New("bleveindex: generation closed")
)

// snapshot opens a reader of the index as it is now.
func (g *generation) snapshot() (*scorch.IndexSnapshot, func(), error) {
	adv, err := g.idx.Advanced()
	if err != nil {
		return nil, nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, nil, err
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		r.Close()
		return nil, nil, errNotScorch
	}
	return snap, func() { r.Close() }, nil
}

// load reads the row of every document of the index from its stored
// source, in chunks of loadChunkDocs documents decoded on every core;
// searches take Bleve's own path until it ends.
func (g *generation) load() error {
	loadHook()
	snap, release, err := g.snapshot()
	if err != nil {
		return err
	}
	defer release()
	type chunk struct {
		ss       *scorch.SegmentSnapshot
		from, to uint64
	}
	next := make(chan chunk)
	workers := runtime.GOMAXPROCS(0)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range next {
				if err := g.loadChunk(c.ss, c.from, c.to); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
feed:
	for _, ss := range snap.Segments() {
		for from := uint64(0); from < uint64(ss.FullSize()); from += loadChunkDocs {
			select {
			case next <- chunk{ss, from, min(from+loadChunkDocs, uint64(ss.FullSize()))}:
			case err = <-errs:
				break feed
			case <-g.stop:
				err = errStopped
				break feed
			}
		}
	}
	close(next)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	if err != nil {
		return err
	}
	g.cols.mu.RLock()
	defer g.cols.mu.RUnlock()
	g.cols.resolver(snap)
	return nil
}

// loadSpellings reads the forms of the names' words from the dictionary
// of fieldMarked: some thousands of words, read in milliseconds. Without
// them, a word typed with marks matches folded.
func (g *generation) loadSpellings() {
	snap, release, err := g.snapshot()
	if err != nil {
		g.cols.spellings = nil
		return
	}
	defer release()
	dict, err := snap.FieldDict(fieldMarked)
	if err != nil {
		g.cols.spellings = nil
		return
	}
	defer dict.Close()
	for {
		e, err := dict.Next()
		if err != nil {
			g.cols.spellings = nil
			return
		}
		if e == nil {
			return
		}
		g.cols.spellings.add(e.Term)
	}
}

// asTyped sets the forms of the words typed with marks that names write
// otherwise (asTyped), as the index is now.
func (g *generation) asTyped(ctx context.Context, cs []clause) []clause {
	if g.cols.spellings == nil || len(cs) == 0 {
		return cs
	}
	snap, release, err := g.snapshot()
	if err != nil {
		return cs
	}
	defer release()
	return asTyped(ctx, cs, g.cols.spellings, snap)
}

// loadChunkDocs is how many documents a worker of load decodes at once.
const loadChunkDocs = 1000

// loadChunk puts the rows of the live documents from..to-1 of a segment.
func (g *generation) loadChunk(ss *scorch.SegmentSnapshot, from, to uint64) error {
	deleted := ss.Deleted()
	batch := make([]search.Document, 0, to-from)
	all := make([]sums, 0, to-from)
	for n := from; n < to; n++ {
		if deleted != nil && deleted.Contains(uint32(n)) {
			continue
		}
		raw, err := storedSource(ss, n)
		if err != nil {
			return err
		}
		d, sum, err := rowSource(raw)
		if err != nil {
			return err
		}
		batch, all = append(batch, d), append(all, sum)
	}
	g.cols.putIfAbsent(batch, all)
	return nil
}

// refresh maps the segments of the index as it is now and forgets those
// merged away.
func (g *generation) refresh() {
	snap, release, err := g.snapshot()
	if err != nil {
		return
	}
	defer release()
	g.cols.mu.RLock()
	g.cols.resolver(snap)
	g.cols.mu.RUnlock()
	live := map[uint64]bool{}
	for _, ss := range snap.Segments() {
		live[ss.Id()] = true
	}
	g.cols.segMu.Lock()
	for id := range g.cols.segs {
		if !live[id] {
			delete(g.cols.segs, id)
		}
	}
	g.cols.segMu.Unlock()
}

// rowSource reads from a stored source only what a row holds (with the
// sales and version a cached hit is given again), and the document's sums
// as the upsert that stored it made them (0 in sources stored before
// they were).
func rowSource(raw string) (search.Document, sums, error) {
	var s struct {
		Sum         uint64    `json:"sum"`
		Text        uint64    `json:"text"`
		ID          string    `json:"id"`
		CategoryIDs []string  `json:"categoryIds"`
		SellerID    string    `json:"sellerId"`
		RegionIDs   []string  `json:"regionIds"`
		PriceVND    int64     `json:"priceVnd"`
		Stars       int       `json:"stars"`
		InStock     bool      `json:"inStock"`
		CreatedAt   time.Time `json:"createdAt"`
		Sold        int64     `json:"sold"`
		Version     int64     `json:"version"`
	}
	err := json.Unmarshal([]byte(raw), &s)
	return search.Document{
		ID: s.ID, CategoryIDs: s.CategoryIDs, SellerID: s.SellerID, RegionIDs: s.RegionIDs,
		PriceVND: market.VND(s.PriceVND), Stars: s.Stars, InStock: s.InStock, CreatedAt: s.CreatedAt, Sold: s.Sold,
		Version: s.Version,
	}, sums{content: s.Sum, text: s.Text}, err
}

func storedSource(ss *scorch.SegmentSnapshot, n uint64) (string, error) {
	var raw string
	err := ss.VisitDocument(n, func(field string, _ byte, value []byte, _ []uint64) bool {
		if field == fieldSource {
			raw = string(value)
			return false
		}
		return true
	})
	return raw, err
}

// resolver turns the document numbers of one snapshot into slots and
// stored sources.
type resolver struct {
	offsets []uint64 // first document number of each segment
	segs    []*scorch.SegmentSnapshot
	slots   [][]int32
}

// resolver maps every segment of snap, those not seen before first.
// Callers hold mu for reading: the slots of a segment's documents were all
// reserved before Bleve made the segment.
func (c *columns) resolver(snap *scorch.IndexSnapshot) *resolver {
	segs := snap.Segments()
	r := &resolver{offsets: make([]uint64, len(segs)), segs: segs, slots: make([][]int32, len(segs))}
	var next uint64
	for i, ss := range segs {
		r.offsets[i] = next
		next += uint64(ss.FullSize())
		r.slots[i] = c.segmentSlots(ss)
	}
	return r
}

func (c *columns) segmentSlots(ss *scorch.SegmentSnapshot) []int32 {
	size := uint64(ss.FullSize())
	c.segMu.Lock()
	m := c.segs[ss.Id()]
	if m == nil || m.size != size {
		m = &segmentSlots{size: size}
		c.segs[ss.Id()] = m
	}
	c.segMu.Unlock()
	m.once.Do(func() {
		m.slots = make([]int32, size)
		for n := range size {
			m.slots[n] = -1
			if id, err := ss.DocID(n); err == nil {
				if s, ok := c.slots[string(id)]; ok {
					m.slots[n] = s
				}
			}
		}
	})
	return m.slots
}

func (r *resolver) locate(doc uint64) (int, uint64) {
	i := sort.Search(len(r.offsets), func(x int) bool { return r.offsets[x] > doc }) - 1
	if i < 0 {
		return -1, 0
	}
	return i, doc - r.offsets[i]
}

func (r *resolver) slot(doc uint64) int32 {
	i, n := r.locate(doc)
	if i < 0 || n >= uint64(len(r.slots[i])) {
		return -1
	}
	return r.slots[i][n]
}

func (r *resolver) source(doc uint64) (string, error) {
	i, n := r.locate(doc)
	if i < 0 {
		return "", nil
	}
	return storedSource(r.segs[i], n)
}

// visit runs q on the index and hands every match to hit; then, with the
// snapshot still open, done gets a function reading a matched document's
// stored source. Callers hold cols.mu for reading.
func (g *generation) visit(ctx context.Context, q query.Query, scored bool,
	hit func(match), done func(source func(doc uint64) (string, error)) error) error {
	req := bleve.NewSearchRequestOptions(q, 1, 0, false)
	if !scored {
		req.Score = "none"
	}
	handler := bsearch.MakeDocumentMatchHandler(func(sc *bsearch.SearchContext) (bsearch.DocumentMatchHandler, bool, error) {
		snap, ok := sc.IndexReader.(*scorch.IndexSnapshot)
		if !ok {
			return nil, false, errNotScorch
		}
		r := g.cols.resolver(snap)
		return func(d *bsearch.DocumentMatch) error {
			if d == nil {
				return done(r.source)
			}
			doc, err := docNumber(d.IndexInternalID)
			if err != nil {
				return err
			}
			hit(match{slot: r.slot(doc), score: d.Score, doc: doc})
			sc.DocumentMatchPool.Put(d)
			return nil
		}, false, nil
	})
	_, err := g.idx.SearchInContext(context.WithValue(ctx, bsearch.MakeDocumentMatchHandlerKey, handler), req)
	return err
}

func docNumber(id index.IndexInternalID) (uint64, error) {
	if len(id) != 8 {
		return 0, errors.New("bleveindex: unexpected internal document id")
	}
	return uint64(id[0])<<56 | uint64(id[1])<<48 | uint64(id[2])<<40 | uint64(id[3])<<32 |
		uint64(id[4])<<24 | uint64(id[5])<<16 | uint64(id[6])<<8 | uint64(id[7]), nil
}

// search answers q from the cache, or from Bleve and the columns.
// A search asked while the same one is being answered waits for that
// answer.
// The words are read (read) only when no kept answer serves.
func (g *generation) search(ctx context.Context, q search.Query, read func(search.Query) []clause) (search.Result, error) {
	if res, ok := g.cached(q); ok {
		return res, nil
	}
	seen := g.cols.version.Load()
	for {
		f, first := g.cache.join(q, seen)
		if first {
			return g.answer(ctx, f, q, read(q), seen)
		}
		// The answer is made at seen or later: as fresh as this caller's own.
		res, ok, err := f.wait(ctx)
		if ok || err != nil {
			return res, err
		}
		// The first asker got no answer (its request ended): one of those
		// who waited asks again, the others wait for it.
	}
}

// answer answers q as the first asker of flight f, and lands it: those
// waiting are let go even if this search panics.
func (g *generation) answer(ctx context.Context, f *flight, q search.Query, cs []clause, seen uint64) (search.Result, error) {
	landed := false
	defer func() {
		if !landed {
			g.cache.land(f, q, seen, stamp{}, search.Result{}, errNoAnswer)
		}
	}()
	res, made, err := g.searchColumns(ctx, q, cs)
	g.cache.land(f, q, seen, made, res, err)
	landed = true
	return res, err
}

// cached returns the kept answer to q, if any, with its hits' sales read
// again from the rows when only sales changed since it was made.
func (g *generation) cached(q search.Query) (search.Result, bool) {
	c := g.cols
	c.mu.RLock()
	defer c.mu.RUnlock()
	res, ok, current := g.cache.get(q, bySales(q), stamp{c.version.Load(), c.content.Load()})
	if ok && !current {
		for i := range res.Hits {
			if sold, version, live := c.salesOf(res.Hits[i].ID); live {
				res.Hits[i].Sold, res.Hits[i].Version = sold, version
			}
		}
	}
	return res, ok
}

var errNoAnswer = errors.New("bleveindex: the search gave no answer")

// searchColumns answers q with Bleve for the words and the columns for
// everything else, from the rows at made.
func (g *generation) searchColumns(ctx context.Context, q search.Query, cs []clause) (_ search.Result, made stamp, _ error) {
	g.answered.Add(1)
	c := g.cols
	c.mu.RLock()
	defer c.mu.RUnlock()
	made = stamp{c.version.Load(), c.content.Load()}
	text := c.text.Load()
	out := search.Result{Hits: []search.Document{}, Page: q.Page, PerPage: q.PerPage, Facets: facets(nil)}
	p, possible := c.planFor(q)
	if !possible {
		return out, made, nil
	}
	t := c.newTally(p, q)
	var page []match
	var sources []string
	read := func(source func(uint64) (string, error)) error {
		sources = make([]string, len(page))
		for i, m := range page {
			if !m.found() {
				continue
			}
			raw, err := source(m.doc)
			if err != nil {
				return err
			}
			sources[i] = raw
		}
		return nil
	}
	if len(cs) == 0 {
		// Browsing: no words, so no Bleve postings; the rows of the
		// narrowest filter, or every row.
		if list, narrowed := c.candidates(p); narrowed {
			for _, s := range list {
				t.add(match{slot: s, doc: noDoc})
			}
		} else {
			for s := range c.rows {
				t.add(match{slot: int32(s), doc: noDoc})
			}
		}
		page = t.page(q)
		if err := g.fetch(ctx, page, read); err != nil {
			return search.Result{}, stamp{}, err
		}
	} else {
		byScore := q.Sort == search.SortRelevance
		last := func(source func(uint64) (string, error)) error {
			page = t.page(q)
			return read(source)
		}
		// words tallies the products the words match, with shop in the
		// shops' names too, and reports how many, filters aside.
		words := func(shop bool) (int, error) {
			if kept, ok := g.matches.get(cs, shop, byScore, text); ok {
				// The words were walked at this text: only the rows are read.
				for i, s := range kept.slots {
					m := match{slot: s, doc: noDoc}
					if byScore {
						m.score = kept.scores[i]
					}
					t.add(m)
				}
				page = t.page(q)
				return len(kept.slots), g.fetch(ctx, page, read)
			}
			// The words alone: the rows filter. (Filters in the walk let
			// Bleve leap over what they rule out, but ranges and
			// disjunctions of stars cost more than they save, and such a
			// walk could not serve the next refinement.)
			g.walked.Add(1)
			matched := 0
			hit := func(m match) {
				matched++
				t.add(m)
			}
			var walked *matches
			if g.matches.enabled() {
				walked = scratchMatches.Get().(*matches)
				defer releaseScratch(walked)
				walked.slots, walked.scores, walked.overflow = walked.slots[:0], walked.scores[:0], false
				most := g.matches.most()
				hit = func(m match) {
					switch {
					case walked.overflow:
					case len(walked.slots) >= most:
						walked.overflow = true // too many to keep: stop recording
					default:
						walked.slots = append(walked.slots, m.slot)
						if byScore {
							walked.scores = append(walked.scores, m.score)
						}
					}
					matched++
					t.add(m)
				}
			}
			if err := g.visit(ctx, textQuery(g.asTyped(ctx, cs), shop, byScore), byScore, hit, last); err != nil {
				return 0, err
			}
			if walked != nil {
				g.matches.put(cs, shop, byScore, text, walked)
			}
			return matched, nil
		}
		// ask tallies the products the words match; when none says them,
		// perhaps they name a shop.
		ask := func(words2 []clause) (int, error) {
			cs = words2
			matched, err := words(false)
			if err == nil && matched == 0 {
				t = c.newTally(p, q)
				matched, err = words(true)
			}
			return matched, err
		}
		matched, err := ask(cs)
		if rest, fewer := withoutOptional(cs); err == nil && matched == 0 && fewer {
			// Still nothing: without the words buyers add ("quả bưởi").
			t = c.newTally(p, q)
			matched, err = ask(rest)
		}
		for err == nil && matched == 0 && len(cs) > 1 && !q.Typing && len(out.Dropped) < search.MaxDropped {
			// Still nothing: without the last word, then the one before
			// ("khóm hậu giang" finds the khóm).
			out.Dropped = append([]string{cs[len(cs)-1].typed()}, out.Dropped...)
			t = c.newTally(p, q)
			matched, err = ask(cs[:len(cs)-1])
		}
		if err != nil {
			return search.Result{}, stamp{}, err
		}
	}
	out.Total = t.total
	if out.Total == 0 {
		out.Dropped = nil // said only of what is shown
	}
	out.Facets = t.facets()
	for i, raw := range sources {
		if raw == "" {
			continue // deleted since it was counted
		}
		d, err := fromSource(raw)
		if err != nil {
			return search.Result{}, stamp{}, internal("decode "+c.ids[page[i].slot], err)
		}
		out.Hits = append(out.Hits, d)
	}
	return out, made, nil
}

// fetch finds the document numbers of a page's matches, which were not
// walked in the current snapshot, and reads their stored documents.
// Callers hold cols.mu for reading.
func (g *generation) fetch(ctx context.Context, page []match, read func(source func(uint64) (string, error)) error) error {
	if len(page) == 0 {
		return nil
	}
	c := g.cols
	ids := make([]string, len(page))
	at := make(map[int32]int, len(page))
	for i, m := range page {
		ids[i] = c.ids[m.slot]
		at[m.slot] = i
	}
	found := func(m match) {
		if i, ok := at[m.slot]; ok {
			page[i].doc = m.doc
		}
	}
	return g.visit(ctx, bleve.NewDocIDQuery(ids), false, found, read)
}

// noDoc marks a match whose document number is not known yet: browsed,
// or from kept matches.
const noDoc = ^uint64(0)

func (m match) found() bool { return m.doc != noDoc }
