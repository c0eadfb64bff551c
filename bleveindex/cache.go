package bleveindex

import (
	"context"
	"slices"
	"sync"

	"github.com/ocopmarket/market/search"
)

// resultCache keeps the answers to recent searches until the index
// changes, as search engines' query result caches do: on a marketplace
// the same few hundred searches ("mật ong", a province, a category page)
// make most of the traffic. An answer from the cache is always the answer
// the index would give now:
//   - a change to anything but sales (stamp.content) empties it;
//   - a change to sales alone (a checkout) leaves the answers that are not
//     ordered by sales, whose products, order, counts and facets it
//     cannot change; the caller reads their hits' sales again from the
//     rows (stamp.version tells when it must);
//   - an answer ordered by sales (best-selling, or browsing by relevance)
//     serves only at the version it was made at.
//
// It holds at most maxBytes of documents (estimated), oldest out first.
type resultCache struct {
	maxBytes int

	mu      sync.Mutex
	content uint64 // stamp.content of the entries
	entries map[search.Query]cachedResult
	order   []search.Query // oldest first
	bytes   int
	// flights are the searches being answered now, by query and the
	// version their first asker saw: the same search asked again before
	// the answer is ready waits for it instead of computing it once more
	// (after each write empties the cache, the popular searches all come
	// back at once).
	flights map[flightKey]*flight
}

// stamp is the state of the rows an answer was made from: their version
// (every change) and content version (every change but to sales alone).
type stamp struct{ version, content uint64 }

type flightKey struct {
	q       search.Query
	version uint64
}

// flight is one search being answered; done closes when res and err are set.
type flight struct {
	done chan struct{}
	res  search.Result
	err  error
}

type cachedResult struct {
	res     search.Result
	bytes   int
	version uint64 // stamp.version of res
}

func newResultCache(maxBytes int) *resultCache {
	return &resultCache{maxBytes: maxBytes, entries: map[search.Query]cachedResult{}, flights: map[flightKey]*flight{}}
}

// get returns the answer to q kept for the rows at now, and whether it was
// made at now.version (else its hits' sales may be older than the rows').
// bySales says whether q is ordered by sales.
func (rc *resultCache) get(q search.Query, bySales bool, now stamp) (res search.Result, ok, current bool) {
	if rc == nil || rc.maxBytes <= 0 {
		return search.Result{}, false, false
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.content != now.content {
		return search.Result{}, false, false
	}
	e, ok := rc.entries[q]
	if !ok || (bySales && e.version != now.version) {
		return search.Result{}, false, false
	}
	// The caller gets its own hits; facet maps are shared and read only.
	res = e.res
	res.Hits = slices.Clone(res.Hits)
	return res, true, e.version == now.version
}

// put keeps the answer to q made from the rows at made.
func (rc *resultCache) put(q search.Query, made stamp, res search.Result) {
	if rc == nil || rc.maxBytes <= 0 {
		return
	}
	size := resultBytes(res)
	if size > rc.maxBytes/8 {
		return // one answer never crowds out the rest
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	switch {
	case made.content > rc.content:
		clear(rc.entries)
		rc.order, rc.bytes, rc.content = rc.order[:0], 0, made.content
	case made.content < rc.content:
		return // made before a change the cache has seen
	}
	if old, ok := rc.entries[q]; ok {
		if old.version >= made.version {
			return
		}
		rc.bytes -= old.bytes // replaced in its place in order
	} else {
		rc.order = append(rc.order, q)
	}
	res.Hits = slices.Clone(res.Hits)
	rc.entries[q] = cachedResult{res: res, bytes: size, version: made.version}
	rc.bytes += size
	for rc.bytes > rc.maxBytes && len(rc.order) > 0 {
		old := rc.order[0]
		rc.order = rc.order[1:]
		rc.bytes -= rc.entries[old].bytes
		delete(rc.entries, old)
	}
}

// join returns the flight answering q seen at version, and whether the
// caller must answer it itself (it is the first to ask) and then call
// land. Without a cache every caller answers its own search.
func (rc *resultCache) join(q search.Query, version uint64) (f *flight, first bool) {
	if rc == nil || rc.maxBytes <= 0 {
		return nil, true
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	k := flightKey{q, version}
	if f := rc.flights[k]; f != nil {
		return f, false
	}
	f = &flight{done: make(chan struct{})}
	rc.flights[k] = f
	return f, true
}

// land ends the flight of q seen at version with its answer, made from
// the rows at made, and keeps the answer.
func (rc *resultCache) land(f *flight, q search.Query, version uint64, made stamp, res search.Result, err error) {
	if f == nil {
		return
	}
	if err == nil {
		rc.put(q, made, res)
		res.Hits = slices.Clone(res.Hits)
	}
	f.res, f.err = res, err
	rc.mu.Lock()
	delete(rc.flights, flightKey{q, version})
	rc.mu.Unlock()
	close(f.done)
}

// wait returns the answer of a flight someone else is answering; ok is
// false when it failed (the caller then answers the search itself).
func (f *flight) wait(ctx context.Context) (res search.Result, ok bool, err error) {
	select {
	case <-f.done:
	case <-ctx.Done():
		return search.Result{}, false, ctx.Err()
	}
	if f.err != nil {
		return search.Result{}, false, nil
	}
	res = f.res
	res.Hits = slices.Clone(res.Hits)
	return res, true, nil
}

// resultBytes estimates the memory an answer holds.
func resultBytes(res search.Result) int {
	n := 256
	for _, d := range res.Hits {
		n += 256 + len(d.ID) + len(d.Name) + len(d.Description) + len(d.SellerName) + len(d.RegionName) +
			len(d.Unit) + len(d.ImageURL) + 24*(len(d.CategoryIDs)+len(d.RegionIDs))
	}
	for _, values := range res.Facets {
		n += 64 + 48*len(values)
		for v := range values {
			n += len(v)
		}
	}
	return n
}
