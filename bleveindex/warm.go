package bleveindex

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/ocopmarket/market/search"
)

// Warming. A restarted server starts with empty caches, and the first
// seconds of traffic then compute every popular search at once: each
// search computed for the first time costs some 4 ms of CPU, and 64 of
// them in flight on two cores make every answer wait. So the index counts
// the searches it is asked (asked), writes the most asked to warm.json in
// its directory when it closes, and on the next Open asks them again
// itself, one at a time, once the rows are loaded: the caches are full
// before most buyers come back. (Solr's warming queries and
// Elasticsearch's old index warmers do the same for a new searcher.)
//
// The list is a hint, never a record: a missing, unreadable or outdated
// file warms nothing, and a search in it that is no longer valid is
// skipped. A server killed without closing keeps the list of its last
// clean stop.

const (
	warmFile = "warm.json"
	// warmMost is how many searches warm.json keeps: at some 4 ms each
	// computed for the first time, about a second of one core.
	warmMost = 300
	// askedMost bounds the searches counted; past it the quarter asked
	// least are forgotten.
	askedMost = 4096
)

// asked counts the searches asked of the index, as they were asked.
type asked struct {
	mu     sync.Mutex
	counts map[search.Query]uint32
}

func (a *asked) add(q search.Query) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.counts == nil {
		a.counts = map[search.Query]uint32{}
	}
	a.counts[q]++
	if len(a.counts) > askedMost {
		a.forget()
	}
}

// forget drops the quarter of the searches asked least, and halves the
// counts of the others, so that what was asked long ago fades. Callers
// hold mu.
func (a *asked) forget() {
	all := a.list()
	slices.SortFunc(all, func(x, y count) int { return cmp.Compare(x.n, y.n) })
	for _, c := range all[:len(all)/4] {
		delete(a.counts, c.q)
	}
	for q, n := range a.counts {
		a.counts[q] = max(1, n/2)
	}
}

type count struct {
	q   search.Query
	n   uint32
	key string // for most's order of ties
}

// list returns the counts. Callers hold mu.
func (a *asked) list() []count {
	all := make([]count, 0, len(a.counts))
	for q, n := range a.counts {
		all = append(all, count{q: q, n: n})
	}
	return all
}

// most returns the n searches asked most, most asked first (ties in a
// fixed order, so that the same counts write the same file).
func (a *asked) most(n int) []search.Query {
	a.mu.Lock()
	all := a.list()
	a.mu.Unlock()
	for i := range all {
		b, _ := json.Marshal(all[i].q) // a struct of strings and numbers always marshals
		all[i].key = string(b)
	}
	slices.SortFunc(all, func(x, y count) int {
		if c := cmp.Compare(y.n, x.n); c != 0 {
			return c
		}
		return cmp.Compare(x.key, y.key)
	})
	out := make([]search.Query, 0, min(n, len(all)))
	for _, c := range all[:min(n, len(all))] {
		out = append(out, c.q)
	}
	return out
}

// liveReady reports whether the live generation's rows are loaded (false
// once the index is closed).
func (x *Index) liveReady() bool {
	g, release, err := x.index()
	if err != nil {
		return false
	}
	defer release()
	return g.cols.ready.Load()
}

// warmList is warm.json.
type warmList struct {
	Searches []search.Query `json:"searches"`
}

// saveWarm writes the most asked searches to warm.json, through a rename
// so that a crash never leaves half a file.
func (x *Index) saveWarm() error {
	most := x.asked.most(warmMost)
	if len(most) == 0 {
		return nil
	}
	data, err := json.Marshal(warmList{Searches: most})
	if err != nil {
		return err
	}
	tmp := filepath.Join(x.dir, warmFile+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(x.dir, warmFile))
}

// readWarm reads warm.json; no file is no list.
func readWarm(dir string) []search.Query {
	data, err := os.ReadFile(filepath.Join(dir, warmFile))
	if err != nil {
		return nil
	}
	var l warmList
	if json.Unmarshal(data, &l) != nil {
		return nil
	}
	return l.Searches[:min(len(l.Searches), warmMost)]
}

// startWarming asks the searches of warm.json again in the background,
// once the live generation's rows are loaded. Each counts as asked once,
// so that a list outlives a restart with little traffic, and what buyers
// ask more comes first in the next one.
func (x *Index) startWarming() {
	var list []search.Query
	for _, q := range readWarm(x.dir) {
		if q, err := q.Normalize(); err == nil { // a search no longer valid is forgotten
			list = append(list, q)
			x.asked.add(q)
		}
	}
	if len(list) == 0 {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	x.stopWarming = cancel
	x.warming.Add(1)
	go func() {
		defer x.warming.Done()
		// The live generation's rows, or those of the one a rebuild
		// (of an outdated index, say) swapped in meanwhile.
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for !x.liveReady() {
			select {
			case <-tick.C:
			case <-ctx.Done():
				return
			}
		}
		for _, q := range list {
			if _, err := x.search(ctx, q, true); errors.Is(err, context.Canceled) {
				return
			}
		}
	}()
}
