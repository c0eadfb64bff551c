package sqlite

import (
	"context"
	"hash/maphash"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/sellers"
)

// pageCache keeps what product pages show — products with their photos,
// and their sellers — in memory, and follows page_changes (migration
// 0064) so that a page never shows anything older than the snapshot it
// starts in, whichever process or code path made the change.
//
// A page read first reads the rows of page_changes from the last one the
// cache applied (one statement on an index, where reading the product was
// a walk of two b-trees and SQLite a third of a page's CPU), applies any
// newer ones (each drops the product or seller it names), then takes the
// product and its seller from memory. On a miss the page reads the
// product as before, with the newest row of page_changes in the same
// snapshot, and the cache keeps what it read unless a change applied
// since touched it.
//
// Products are kept as records in an arena outside Go's heap, bounded by
// the budget; the sellers, few, in a map.
type pageCache struct {
	seed maphash.Seed

	mu      sync.RWMutex
	closed  bool
	applied int64 // the rows of page_changes up to this one are applied
	floor   int64 // what was read in a snapshot older than this is not kept
	index   map[uint64]loc
	// changed is, for each stripe of product ids, the last change to one
	// of them that was applied: a product read before it is not kept.
	changed       [pageStripes]int64
	sellers       map[string]sellers.Seller
	sellerChanged map[string]int64
	arena         *arena
	dict          stringDict // the records' shared strings
	// shm maps the head of the WAL-index (walindex.go), nil when it cannot
	// be read; mark is its state when page_changes was last followed.
	shm    []byte
	mark   walMark
	marked bool

	// hits and misses count product pages answered from memory or not.
	hits, misses atomic.Uint64

	// prune is started, at most one at a time, when the log has grown.
	prune    func()
	pruning  atomic.Bool
	prunes   sync.WaitGroup
	prunedAt int64
}

const (
	pageStripes = 4096
	// keptChanges is how many rows of page_changes are kept: a cache that
	// falls further behind forgets everything it holds.
	keptChanges = 100000
	// pageFollowBatch is how many rows of page_changes one statement reads.
	pageFollowBatch = 256
)

func newPageCache(budget int, start int64, shm []byte, prune func()) *pageCache {
	if !walIndexUsable(shm) {
		unmapWALIndex(shm)
		shm = nil
	}
	return &pageCache{seed: maphash.MakeSeed(), applied: start, floor: start, prunedAt: start, prune: prune,
		index: map[uint64]loc{}, sellers: map[string]sellers.Seller{}, sellerChanged: map[string]int64{},
		arena: newArena(budget), shm: shm}
}

// current reports whether no commit has become visible since page_changes
// was last followed, with the WAL-index's state now (ok is false when the
// WAL-index cannot be read: every page then follows page_changes).
func (c *pageCache) current() (m walMark, ok, current bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.shm == nil || c.closed {
		return walMark{}, false, false
	}
	m = readWALMark(c.shm)
	return m, true, c.marked && m == c.mark
}

// followed records that page_changes was followed in a snapshot at least
// as new as the WAL-index state m, read before.
func (c *pageCache) followed(m walMark) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mark, c.marked = m, true
}

// pageChange is a row of page_changes.
type pageChange struct {
	seq             int64
	product, seller string
}

const pageChangesFrom = `SELECT seq, product_id, seller_id FROM page_changes WHERE seq >= CAST(? AS INTEGER) ORDER BY seq LIMIT 256` // pageFollowBatch

// follow applies the rows of page_changes the cache has not applied, as
// the snapshot of q's statement has them.
func (c *pageCache) follow(q hotQuery) error {
	for {
		c.mu.RLock()
		from := c.applied
		c.mu.RUnlock()
		// The row last applied is read again: it anchors the rest. When it
		// is gone, so may be rows never applied (pruned while this cache
		// was behind, or the table emptied by hand).
		anchored := from == 0
		var news []pageChange
		read := 0
		err := q(pageChangesFrom, []string{strconv.FormatInt(from, 10)}, func(r rawRow) error {
			var ch pageChange
			if err := r.Scan(&ch.seq, &ch.product, &ch.seller); err != nil {
				return err
			}
			read++
			if ch.seq == from {
				anchored = true
			} else {
				news = append(news, ch)
			}
			return nil
		})
		switch {
		case err != nil:
			return err
		case !anchored:
			return c.reset(q)
		}
		if len(news) > 0 {
			c.apply(news)
		}
		if read < pageFollowBatch {
			return nil
		}
	}
}

// apply drops what each change names and records when it changed.
func (c *pageCache) apply(news []pageChange) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ch := range news {
		if ch.seq <= c.applied {
			continue
		}
		if ch.product != "" {
			h := maphash.String(c.seed, ch.product)
			delete(c.index, h)
			c.changed[h%pageStripes] = ch.seq
		}
		if ch.seller != "" {
			delete(c.sellers, ch.seller)
			if len(c.sellerChanged) >= maxCachedSellers {
				// Forget when each seller changed; nothing read before now
				// is kept from here on.
				clear(c.sellerChanged)
				c.floor = ch.seq
			}
			c.sellerChanged[ch.seller] = ch.seq
		}
		c.applied = ch.seq
	}
	if c.prune != nil && !c.closed && c.applied-c.prunedAt > keptChanges/2 && c.pruning.CompareAndSwap(false, true) {
		c.prunedAt = c.applied
		c.prunes.Add(1) // under mu, as close's Wait is
		go func() {
			defer c.prunes.Done()
			defer c.pruning.Store(false)
			c.prune()
		}()
	}
}

// reset forgets everything and starts again from the newest row.
func (c *pageCache) reset(q hotQuery) error {
	var newest int64
	if err := q(`SELECT coalesce(max(seq), 0) FROM page_changes`, nil, func(r rawRow) error { return r.Scan(&newest) }); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	// Empty, the cache is current as of newest: it applies the rows after
	// it, keeps only what was read in a snapshot that has it, and forgets
	// when things changed before it (a log emptied by hand starts its
	// numbers again from 1).
	clear(c.index)
	clear(c.sellers)
	clear(c.sellerChanged)
	c.changed = [pageStripes]int64{}
	c.marked = false
	c.applied = newest
	c.floor = newest
	return nil
}

// get returns a product and its seller if the cache holds both.
func (c *pageCache) get(id string) (catalog.Product, sellers.Seller, bool) {
	h := maphash.String(c.seed, id)
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return catalog.Product{}, sellers.Seller{}, false
	}
	at, ok := c.index[h]
	if !ok {
		return catalog.Product{}, sellers.Seller{}, false
	}
	rec, ok := c.arena.get(at)
	if !ok {
		return catalog.Product{}, sellers.Seller{}, false
	}
	if rid, ok := pageRecordID(rec); !ok || string(rid) != id {
		return catalog.Product{}, sellers.Seller{}, false
	}
	p, err := decodePageRecord(rec, c.dict.strs)
	if err != nil {
		return catalog.Product{}, sellers.Seller{}, false
	}
	s, ok := c.sellers[p.SellerID]
	if !ok {
		return catalog.Product{}, sellers.Seller{}, false
	}
	s.Helpers = slices.Clone(s.Helpers)
	return p, s, true
}

// recordBuffers recycles the buffers records are written into.
var recordBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// keep remembers a product and its seller read in a snapshot whose newest
// row of page_changes was at, unless a change applied since touched them.
func (c *pageCache) keep(at int64, p *catalog.Product, s *sellers.Seller) {
	buf := recordBuffers.Get().(*[]byte)
	defer recordBuffers.Put(buf)
	h := maphash.String(c.seed, p.ID)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || at < c.floor {
		return
	}
	if c.changed[h%pageStripes] <= at {
		*buf = appendPageRecord((*buf)[:0], p, &c.dict)
		if l, ok := c.arena.add(*buf, c.evict); ok {
			c.index[h] = l
		}
	}
	if c.sellerChanged[s.ID] <= at {
		if len(c.sellers) >= maxCachedSellers {
			clear(c.sellers)
		}
		x := *s
		x.Helpers = slices.Clone(s.Helpers)
		c.sellers[s.ID] = x
	}
}

// evict drops from the index a record whose chunk is emptied.
func (c *pageCache) evict(at loc, rec []byte) {
	if id, ok := pageRecordID(rec); ok {
		h := maphash.Bytes(c.seed, id)
		if c.index[h] == at {
			delete(c.index, h)
		}
	}
}

// close gives the arena's memory back; the cache holds nothing after.
func (c *pageCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	clear(c.index)
	c.arena.free()
	unmapWALIndex(c.shm)
	c.shm = nil
	c.prunes.Wait()
}

// PageCacheStats is what the page cache holds, and how often it answered.
type PageCacheStats struct {
	Products     int    // products held
	Bytes        int    // memory of the arena their records are in
	Hits, Misses uint64 // product pages answered from memory, and read from the file
}

// PageCacheStats reports the page cache; ok is false when it is off.
func (db *DB) PageCacheStats() (stats PageCacheStats, ok bool) {
	c := db.pages
	if c == nil {
		return PageCacheStats{}, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return PageCacheStats{Products: len(c.index), Bytes: c.arena.size(), Hits: c.hits.Load(), Misses: c.misses.Load()}, true
}

// newestPageChange returns the newest row of page_changes (0 without any).
func (db *DB) newestPageChange(ctx context.Context) (int64, error) {
	var n int64
	err := db.read.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM page_changes`).Scan(&n)
	return n, err
}

// prunePageChanges deletes the rows of page_changes older than the newest
// keptChanges, a few thousand a transaction: checkouts wait for the one
// writer meanwhile.
func (db *DB) prunePageChanges() {
	ctx := context.Background()
	var oldest, newest int64
	if err := db.read.QueryRowContext(ctx, `SELECT coalesce(min(seq), 0), coalesce(max(seq), 0) FROM page_changes`).Scan(&oldest, &newest); err != nil {
		return
	}
	for upTo := newest - keptChanges; oldest <= upTo; oldest += pruneBatch {
		if _, err := db.write.ExecContext(ctx, `DELETE FROM page_changes WHERE seq <= ?`, min(oldest+pruneBatch-1, upTo)); err != nil {
			return
		}
	}
}

// pruneBatch is how many rows of page_changes one transaction deletes.
const pruneBatch = 5000

// productsAfter reads products for WarmPageCache, in the order of their ids.
const productsAfter = `SELECT ` + productPage + ` FROM products WHERE id > ? ORDER BY id LIMIT 512`

// WarmPageCache reads products into the page cache, in the order of their
// ids and 512 a snapshot, until it holds them all or is three quarters
// full: the first visitors of a product after a start are then served
// from memory, as later ones are. A snapshot reads the products with
// their sellers and the newest row of page_changes, and the cache keeps
// them by the rule of a page's miss (nothing a change applied since
// touched), so warming alongside writes shows nothing stale. It returns
// how many products it offered the cache; 0 when the cache is off.
func (db *DB) WarmPageCache(ctx context.Context) (int, error) {
	c := db.pages
	if c == nil {
		return 0, nil
	}
	read, after := 0, ""
	var rows []pageRow
	found := map[string]sellers.Seller{}
	for c.roomy() {
		rows = rows[:0]
		clear(found)
		err := db.hot.read(ctx, func(q hotQuery) error {
			if err := q(productsAfter, []string{after}, func(r rawRow) error {
				rows = append(rows, pageRow{})
				return rows[len(rows)-1].scan(r)
			}); err != nil {
				return err
			}
			for _, pr := range rows {
				if _, ok := found[pr.p.SellerID]; ok {
					continue
				}
				s, ok, err := db.readSeller(q, pr.p.SellerID)
				if err != nil {
					return err
				}
				if ok {
					found[s.ID] = s
				}
			}
			return nil
		})
		if err != nil {
			return read, err
		}
		for i := range rows {
			if !c.roomy() {
				return read, nil
			}
			if s, ok := found[rows[i].p.SellerID]; ok {
				c.keep(rows[i].at, &rows[i].p, &s)
			}
			read++
		}
		if len(rows) < 512 {
			break
		}
		after = rows[len(rows)-1].p.ID
	}
	return read, ctx.Err()
}

// roomy reports whether the cache is less than three quarters full.
func (c *pageCache) roomy() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return !c.closed && c.arena.roomy()
}
