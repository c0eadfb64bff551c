// Package bleveindex implements search.Index on Bleve, in a directory on
// the local disk: the embedded default, with nothing to install or run.
//
// The directory holds one Bleve index per generation and a file, CURRENT,
// naming the live one. Rebuild fills a new generation beside the live one,
// then renames a new CURRENT into place (atomic on POSIX file systems) and
// switches to it, so a crash at any point leaves a whole index live.
package bleveindex

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	bsearch "github.com/blevesearch/bleve/v2/search"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/search"
)

var _ search.Index = (*Index)(nil)

const (
	currentFile = "CURRENT"
	genPrefix   = "gen-"
	// batchSize is how many documents Rebuild writes at once: their
	// analysed form is held in memory until Bleve has made a segment of it.
	batchSize = 1500
)

// Options tune an Index.
type Options struct {
	// CacheBytes bounds the answers kept for searches asked again before
	// the index changes: 0 is DefaultCacheBytes, negative turns it off.
	CacheBytes int
}

// DefaultCacheBytes is the default bound of the result cache.
const DefaultCacheBytes = 32 << 20

// Index is a search.Index in a directory. It is safe for concurrent use.
type Index struct {
	dir      string
	cache    int // Options.CacheBytes, resolved
	synonyms map[string][]string
	longest  int
	// slow lets one search at a time take Bleve's own path, which reads
	// doc values match by match: while the columns of an existing index
	// load, the loader then keeps a core instead of sharing the CPU with
	// every search in flight, and is done in a second or two.
	slow chan struct{}

	rebuild sync.Mutex // one Rebuild at a time

	// asked counts the searches asked, for warm.json (warm.go); warming
	// is the goroutine asking the list of the last run again.
	asked       asked
	warming     sync.WaitGroup
	stopWarming context.CancelFunc

	mu   sync.RWMutex // guards the fields below; searches share it, a swap takes it
	live *generation
	gen  string
	// outdated: the live generation was made by an older mapping.
	outdated bool
	closed   bool
}

// Open opens the index in dir with the default options; see OpenWith.
func Open(dir string) (*Index, error) { return OpenWith(dir, Options{}) }

// OpenWith opens the index in dir, creating dir and an empty index if
// needed. Leftovers of an interrupted Rebuild are removed.
func OpenWith(dir string, opts Options) (*Index, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("bleveindex: %w", err)
	}
	if opts.CacheBytes == 0 {
		opts.CacheBytes = DefaultCacheBytes
	}
	x := &Index{dir: dir, cache: opts.CacheBytes, synonyms: search.MarkedSynonyms(), slow: make(chan struct{}, 1)}
	x.longest = search.LongestSynonym(x.synonyms)

	gen, err := readCurrent(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		gen = newGeneration()
		idx, err := create(filepath.Join(dir, gen))
		if err != nil {
			return nil, err
		}
		if err := writeCurrent(dir, gen); err != nil {
			idx.Close()
			return nil, err
		}
		x.live, x.gen = startGeneration(idx, newColumns(), false, x.cache), gen
	case err != nil:
		return nil, err
	default:
		idx, err := bleve.Open(filepath.Join(dir, gen))
		if err != nil {
			return nil, fmt.Errorf("bleveindex: open %s: %w", gen, err)
		}
		v, err := idx.GetInternal(mappingKey)
		if err != nil {
			idx.Close()
			return nil, fmt.Errorf("bleveindex: open %s: %w", gen, err)
		}
		x.outdated = string(v) != mappingVersion
		cols := newColumns()
		if x.outdated {
			// Its names' words were written otherwise: words typed with
			// marks match folded until it is rebuilt.
			cols.spellings = nil
		}
		x.live, x.gen = startGeneration(idx, cols, true, x.cache), gen
	}
	x.removeOtherGenerations()
	x.startWarming()
	return x, nil
}

func newGeneration() string { return genPrefix + market.NewID() }

func create(path string) (bleve.Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("bleveindex: mapping: %w", err)
	}
	idx, err := bleve.New(path, m)
	if err != nil {
		return nil, fmt.Errorf("bleveindex: create: %w", err)
	}
	if err := idx.SetInternal(mappingKey, []byte(mappingVersion)); err != nil {
		idx.Close()
		return nil, fmt.Errorf("bleveindex: create: %w", err)
	}
	return idx, nil
}

// mappingVersion names the mapping newMapping makes; a generation records
// the version it was made with under mappingKey. Version 2 added
// fieldMarked, version 3 moved the shop's name out of fieldText into
// fieldShop, version 4 places every tone of fieldMarked and
// fieldShopMarked one way (search.Marked: "hòa" is "hoà"), version 5 added
// fieldCategory and fieldAbout, version 6 writes letters and digits as
// words apart (search.Fold: "ST25" is "st 25"); generations without a
// version are older.
const mappingVersion = "6"

var mappingKey = []byte("ocop.mapping")

// Outdated reports whether the live generation was made by an older
// version of this package: it answers, but ranks less well than a fresh
// one until Rebuild.
func (x *Index) Outdated() bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.outdated
}

func readCurrent(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, currentFile))
	if err != nil {
		return "", err
	}
	gen := strings.TrimSpace(string(b))
	if !strings.HasPrefix(gen, genPrefix) || strings.ContainsAny(gen, `/\`) {
		return "", fmt.Errorf("bleveindex: %s names no index: %q", currentFile, gen)
	}
	return gen, nil
}

// writeCurrent points CURRENT at gen in one rename, after the new content
// has reached the disk.
func writeCurrent(dir, gen string) error {
	tmp := filepath.Join(dir, currentFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("bleveindex: %w", err)
	}
	_, err = f.WriteString(gen + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, currentFile))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("bleveindex: switch to %s: %w", gen, err)
	}
	return nil
}

// removeOtherGenerations deletes every generation but the live one: old
// ones after a swap, half-built ones after a crash.
func (x *Index) removeOtherGenerations() {
	entries, err := os.ReadDir(x.dir)
	if err != nil {
		return
	}
	x.mu.RLock()
	live := x.gen
	x.mu.RUnlock()
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), genPrefix) && e.Name() != live {
			os.RemoveAll(filepath.Join(x.dir, e.Name()))
		}
	}
}

// index returns the live generation for a read or a write; release must
// be called when done.
func (x *Index) index() (g *generation, release func(), err error) {
	x.mu.RLock()
	if x.closed {
		x.mu.RUnlock()
		return nil, nil, market.Errorf(market.Unavailable, "Chỉ mục tìm kiếm đã đóng.", "The search index is closed.")
	}
	return x.live, x.mu.RUnlock, nil
}

// Prepare checks that the index is open; Open created it.
func (x *Index) Prepare(ctx context.Context) error { return x.Ping(ctx) }

// Ping reports whether the index is open.
func (x *Index) Ping(ctx context.Context) error {
	_, release, err := x.index()
	if err != nil {
		return err
	}
	release()
	return ctx.Err()
}

// Upsert adds or replaces documents; they are searchable when it returns.
func (x *Index) Upsert(ctx context.Context, docs []search.Document) error {
	if len(docs) == 0 {
		return nil
	}
	g, release, err := x.index()
	if err != nil {
		return err
	}
	defer release()
	b := g.idx.NewBatch()
	all, err := addAll(b, docs, nil)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	g.cols.reserve(docs)
	if err := g.idx.Batch(b); err != nil {
		return internal("upsert", err)
	}
	g.cols.put(docs, all)
	return nil
}

// addAll adds docs to b and appends their sums to all.
func addAll(b *bleve.Batch, docs []search.Document, all []sums) ([]sums, error) {
	for _, d := range docs {
		if err := d.Validate(); err != nil {
			return nil, err
		}
		e, sum, err := toEntry(d)
		if err != nil {
			return nil, internal("encode", err)
		}
		if err := b.Index(d.ID, e); err != nil {
			return nil, internal("upsert", err)
		}
		all = append(all, sum)
	}
	return all, nil
}

// Delete removes documents; unknown ids are ignored.
func (x *Index) Delete(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	g, release, err := x.index()
	if err != nil {
		return err
	}
	defer release()
	b := g.idx.NewBatch()
	for _, id := range ids {
		b.Delete(id)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := g.idx.Batch(b); err != nil {
		return internal("delete", err)
	}
	g.cols.remove(ids)
	return nil
}

// Search returns one page of matching products with facet counts.
func (x *Index) Search(ctx context.Context, q search.Query) (search.Result, error) {
	res, err := x.search(ctx, q, true)
	if err == nil {
		q, _ = q.Normalize() // valid: answered
		x.asked.add(q)
	}
	return res, err
}

// search answers q on the columns when they are ready and allowed, on
// Bleve's own path otherwise.
func (x *Index) search(ctx context.Context, q search.Query, columns bool) (search.Result, error) {
	start := time.Now()
	q, err := q.Normalize()
	if err != nil {
		return search.Result{}, err
	}
	g, release, err := x.index()
	if err != nil {
		return search.Result{}, err
	}
	defer release()
	var out search.Result
	switch {
	case !columns:
		out, err = x.searchBleve(ctx, g, q)
	case g.cols.ready.Load():
		out, err = g.search(ctx, q, x.clauses)
	case g.cols.failed.Load():
		out, err = x.searchBleve(ctx, g, q) // as before the columns, for every search
	default:
		select {
		case <-g.cols.readied:
			out, err = g.search(ctx, q, x.clauses)
		case x.slow <- struct{}{}:
			out, err = x.whileLoading(ctx, g, q)
			<-x.slow
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return search.Result{}, ctx.Err()
		}
		if e := (*market.Error)(nil); !errors.As(err, &e) {
			err = internal("search", err)
		}
		return search.Result{}, err
	}
	out.Took = time.Since(start)
	return out, nil
}

// whileLoading answers q on Bleve's own path while g's rows load, and
// gives way as soon as they are loaded, answering on them: a wide search
// on Bleve's path takes a second under load, and the first buyers after a
// start should not wait for it once the rows can answer in milliseconds.
func (x *Index) whileLoading(ctx context.Context, g *generation, q search.Query) (search.Result, error) {
	bctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-g.cols.readied:
			cancel()
		case <-bctx.Done():
		}
	}()
	slowHook(bctx)
	out, err := x.searchBleve(bctx, g, q)
	if err != nil && ctx.Err() == nil && g.cols.ready.Load() {
		return g.search(ctx, q, x.clauses)
	}
	return out, err
}

// clauses reads the words of q (clauses), but the words of buying
// (search.WithoutIntent); in a search sent whole, the last word typed with
// marks is whole if names write it so (asTyped).
func (x *Index) clauses(q search.Query) []clause {
	text, lastWent := search.WithoutIntent(q.Text)
	cs := clauses(text, x.synonyms, x.longest)
	if n := len(cs); n > 0 && lastWent {
		cs[n-1].prefix = false
	}
	if len(cs) > 1 && !strings.Contains(cs[0].phrase, " ") && search.Classifier(cs[0].typed()) {
		cs[0].ranks = true
	}
	if n := len(cs); n > 0 && !q.Typing && cs[n-1].prefix && cs[n-1].marked != "" {
		cs[n-1].sent = true
	}
	return cs
}

// Test hooks: loadHook runs before a generation's rows load, slowHook
// before a search on Bleve's own path while they load.
var (
	loadHook = func() {}
	slowHook = func(context.Context) {}
)

// searchBleve answers q with Bleve alone: filters, facets and sorts read
// doc values match by match. It serves while the columns of an existing
// index load after Open.
func (x *Index) searchBleve(ctx context.Context, g *generation, q search.Query) (search.Result, error) {
	idx := g.idx
	cs := g.asTyped(ctx, x.clauses(q))
	res, err := idx.SearchInContext(ctx, request(q, cs, false))
	var dropped []string
	if err == nil && res.Total == 0 && len(cs) > 0 {
		// Nothing: were the filters, or the words, the cause?
		words, shop, left, werr := x.wordsAsked(ctx, idx, cs, !q.Typing)
		if werr != nil {
			return search.Result{}, werr
		}
		if shop || len(words) != len(cs) {
			res, err = idx.SearchInContext(ctx, request(q, words, shop))
			for _, c := range left {
				dropped = append(dropped, c.typed())
			}
		}
	}
	if err != nil {
		return search.Result{}, err
	}
	out := search.Result{
		Hits:    make([]search.Document, 0, len(res.Hits)),
		Total:   int(res.Total),
		Page:    q.Page,
		PerPage: q.PerPage,
		Facets:  map[string]map[string]int{},
	}
	for _, h := range res.Hits {
		raw, _ := h.Fields[fieldSource].(string)
		d, err := fromSource(raw)
		if err != nil {
			return search.Result{}, internal("decode "+h.ID, err)
		}
		out.Hits = append(out.Hits, d)
	}
	out.Facets = facets(res.Facets[fieldFacet])
	if out.Total > 0 {
		out.Dropped = dropped // said only of what is shown
	}
	return out, nil
}

// wordsAsked chooses, as the columns' path does, the words a search on
// Bleve's own path asks, counting their matches without the filters: the
// words as typed; the shops' names too when no product says them
// (textQueries); then the same without the words buyers add
// (search.Optional); then, with relax, without the last word, and the one
// before (search.MaxDropped at most), which it returns as left.
func (x *Index) wordsAsked(ctx context.Context, idx bleve.Index, cs []clause, relax bool) (words []clause, shop bool, left []clause, err error) {
	if len(cs) == 0 {
		return cs, false, nil, nil
	}
	tries := [][]clause{cs}
	last := cs
	if rest, fewer := withoutOptional(cs); fewer {
		tries, last = append(tries, rest), rest
	}
	relaxFrom := len(tries)
	for n := len(last) - 1; relax && n >= max(1, len(last)-search.MaxDropped); n-- {
		tries = append(tries, last[:n])
	}
	for i, words := range tries {
		for _, shop := range []bool{false, true} {
			count := bleve.NewSearchRequestOptions(textQuery(words, shop, false), 0, 0, false)
			count.Score = "none"
			res, err := idx.SearchInContext(ctx, count)
			if err != nil {
				return nil, false, nil, err
			}
			if res.Total > 0 {
				if i >= relaxFrom {
					left = last[len(words):]
				}
				return words, shop, left, nil
			}
		}
	}
	return cs, false, nil, nil
}

// facets splits the counts of fieldFacet by facet, keeping the
// search.MaxFacetValues most frequent values of each.
func facets(f *bsearch.FacetResult) map[string]map[string]int {
	out := map[string]map[string]int{search.FacetCategory: {}, search.FacetRegion: {}, search.FacetStars: {}}
	if f == nil || f.Terms == nil {
		return out
	}
	// Terms come most frequent first.
	for _, t := range f.Terms.Terms() {
		key, value, ok := strings.Cut(t.Term, ":")
		if counts, known := out[facetOf(key)]; ok && known && len(counts) < search.MaxFacetValues {
			counts[value] = t.Count
		}
	}
	return out
}

// Rebuild fills a new generation from docs and switches to it.
func (x *Index) Rebuild(ctx context.Context, docs iter.Seq2[search.Document, error]) (int, error) {
	if !x.rebuild.TryLock() {
		return 0, market.Errorf(market.Conflict, "Chỉ mục đang được xây dựng lại.", "The search index is already being rebuilt.")
	}
	defer x.rebuild.Unlock()
	if _, release, err := x.index(); err != nil {
		return 0, err
	} else {
		release()
	}

	gen := newGeneration()
	path := filepath.Join(x.dir, gen)
	fresh, err := create(path)
	if err != nil {
		return 0, err
	}
	cols := newColumns()
	n, err := fill(ctx, fresh, cols, docs)
	if err == nil {
		err = compact(ctx, fresh)
	}
	if err != nil {
		fresh.Close()
		os.RemoveAll(path)
		return 0, err
	}

	x.mu.Lock()
	if x.closed {
		x.mu.Unlock()
		fresh.Close()
		os.RemoveAll(path)
		return 0, market.Errorf(market.Unavailable, "Chỉ mục tìm kiếm đã đóng.", "The search index is closed.")
	}
	if err := writeCurrent(x.dir, gen); err != nil {
		x.mu.Unlock()
		fresh.Close()
		os.RemoveAll(path)
		return 0, err
	}
	old := x.live
	x.live, x.gen = startGeneration(fresh, cols, false, x.cache), gen
	x.outdated = false
	x.mu.Unlock()

	old.close()
	x.removeOtherGenerations()
	return n, nil
}

// fill indexes docs in idx, which no search sees yet, and their rows in cols.
func fill(ctx context.Context, idx bleve.Index, cols *columns, docs iter.Seq2[search.Document, error]) (int, error) {
	n := 0
	b := idx.NewBatch()
	pending := make([]search.Document, 0, batchSize)
	all := make([]sums, 0, batchSize)
	flush := func() error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := idx.Batch(b); err != nil {
			return internal("rebuild", err)
		}
		if err := persisting(ctx, idx); err != nil {
			return err
		}
		cols.put(pending, all)
		pending, all = pending[:0], all[:0]
		b.Reset()
		return nil
	}
	for d, err := range docs {
		if err != nil {
			return 0, err
		}
		var err error
		if all, err = addAll(b, []search.Document{d}, all); err != nil {
			return 0, err
		}
		pending = append(pending, d)
		n++
		if b.Size() >= batchSize {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := flush(); err != nil {
		return 0, err
	}
	return n, nil
}

// maxMemorySegments bounds the segments Bleve holds in memory, not yet
// written to disk, when a rebuild sends its next batch (the count Bleve
// keeps leaves out the batch it has just taken, so two or three batches
// are in memory at most). Without a bound, analysis outruns the writer,
// and rebuilding 100 000 products peaked near 650 MB resident.
const maxMemorySegments = 1

// persistWait is the longest a rebuild waits for Bleve's writer after a
// batch. The bound only spares memory: a writer that stalls (a full disk,
// which Bleve retries forever) must not stall the rebuild for good.
const persistWait = 10 * time.Second

// persisting waits, up to persistWait, until Bleve holds at most
// maxMemorySegments segments in memory.
func persisting(ctx context.Context, idx bleve.Index) error {
	return persisted(ctx, idx, maxMemorySegments)
}

// compact merges a rebuilt index into one segment once Bleve has written
// every segment to disk. A rebuild leaves a dozen segments of some 20 MB
// that the merge policy keeps as they are; the rows of the next start,
// read from every stored document, then touch 59 MB of them instead of
// the 50 MB of the same documents in two large segments (100 000
// products), and the rest of a search's postings are spread as much.
func compact(ctx context.Context, idx bleve.Index) error {
	if err := persisted(ctx, idx, 0); err != nil {
		return err
	}
	sc, st, err := scorchOf(idx)
	if err != nil || sc == nil {
		return err
	}
	// A merge takes ten segments at most: a few rounds make one.
	for range 4 {
		if err := sc.ForceMerge(ctx, &mergeplan.SingleSegmentMergePlanOptions); err != nil {
			return internal("rebuild", err)
		}
		if atomic.LoadUint64(&st.TotFileSegmentsAtRoot) <= 1 || ctx.Err() != nil {
			break
		}
	}
	return ctx.Err()
}

// scorchOf returns idx's scorch index and its statistics, or nils for
// another kind of index.
func scorchOf(idx bleve.Index) (*scorch.Scorch, *scorch.Stats, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, nil, internal("rebuild", err)
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil, nil, nil
	}
	st, ok := sc.Stats().(*scorch.Stats)
	if !ok {
		return nil, nil, nil
	}
	return sc, st, nil
}

// persisted waits, up to persistWait, until Bleve holds at most most
// segments in memory.
func persisted(ctx context.Context, idx bleve.Index, most uint64) error {
	_, st, err := scorchOf(idx)
	if err != nil || st == nil {
		return err
	}
	deadline := time.Now().Add(persistWait)
	for atomic.LoadUint64(&st.TotMemorySegmentsAtRoot) > most && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return nil
}

// Stats counts the documents of the live generation.
func (x *Index) Stats(ctx context.Context) (search.Stats, error) {
	g, release, err := x.index()
	if err != nil {
		return search.Stats{}, err
	}
	defer release()
	n, err := g.idx.DocCount()
	if err != nil {
		return search.Stats{}, internal("stats", err)
	}
	x.mu.RLock()
	gen := x.gen
	x.mu.RUnlock()
	return search.Stats{Documents: int(n), Generation: gen}, ctx.Err()
}

// Close closes the index; it waits for searches and writes in flight,
// and writes the searches asked most to warm.json for the next Open.
func (x *Index) Close() error {
	if x.stopWarming != nil {
		x.stopWarming()
	}
	x.warming.Wait()
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return nil
	}
	x.closed = true
	var warm error
	if err := x.saveWarm(); err != nil {
		warm = fmt.Errorf("bleveindex: %s: %w", warmFile, err)
	}
	return errors.Join(x.live.close(), warm)
}

func internal(op string, err error) error {
	return market.Wrap(fmt.Errorf("bleveindex: %s: %w", op, err), market.Internal,
		"Tìm kiếm đang gặp sự cố, vui lòng thử lại.", "Search ran into a problem; please try again.")
}
