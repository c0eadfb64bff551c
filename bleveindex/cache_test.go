package bleveindex

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ocopmarket/market/search"
	"github.com/ocopmarket/market/search/searchtest"
)

func answer(n int, desc string) search.Result {
	res := search.Result{Total: n, Facets: map[string]map[string]int{search.FacetStars: {"4": n}}}
	for i := range n {
		res.Hits = append(res.Hits, search.Document{ID: fmt.Sprint("p", i), Name: "Khóm Cầu Đúc", Description: desc})
	}
	return res
}

func TestResultCache(t *testing.T) {
	rc := newResultCache(64 << 10)
	khom, dua := search.Query{Text: "khóm"}, search.Query{Text: "dứa"}
	at := func(version, content uint64) stamp { return stamp{version, content} }

	rc.put(khom, at(1, 1), answer(3, "ngọt"))
	got, ok, current := rc.get(khom, false, at(1, 1))
	if !ok || !current || got.Total != 3 || len(got.Hits) != 3 {
		t.Fatalf("get after put = %+v, %v, %v", got, ok, current)
	}
	// A caller may change its hits without changing the cache's.
	got.Hits[0].Name = "changed"
	if again, _, _ := rc.get(khom, false, at(1, 1)); again.Hits[0].Name != "Khóm Cầu Đúc" {
		t.Errorf("the cache kept a caller's change: %q", again.Hits[0].Name)
	}
	if _, ok, _ := rc.get(dua, false, at(1, 1)); ok {
		t.Error("a query never asked was answered")
	}
	// Sales changed (a checkout): the answer still serves, not current,
	// unless it is ordered by sales.
	if _, ok, current := rc.get(khom, false, at(2, 1)); !ok || current {
		t.Errorf("after a change of sales alone: ok %v current %v, want true false", ok, current)
	}
	if _, ok, _ := rc.get(khom, true, at(2, 1)); ok {
		t.Error("an answer ordered by sales served after sales changed")
	}
	rc.put(khom, at(2, 1), answer(3, "mới"))
	if got, ok, current := rc.get(khom, true, at(2, 1)); !ok || !current || got.Hits[0].Description != "mới" {
		t.Errorf("a newer answer of the same content did not replace the older: %v %v %+v", ok, current, got.Hits)
	}
	rc.put(khom, at(1, 1), answer(3, "cũ")) // finished late: older than the one kept
	if got, _, _ := rc.get(khom, false, at(2, 1)); got.Hits[0].Description != "mới" {
		t.Error("an older answer replaced a newer one")
	}
	// Anything else changed: nothing older is served or kept.
	if _, ok, _ := rc.get(khom, false, at(3, 2)); ok {
		t.Error("an answer made before a change was served after it")
	}
	rc.put(dua, at(3, 2), answer(1, ""))
	rc.put(khom, at(2, 1), answer(3, "")) // finished after the change: too old
	if _, ok, _ := rc.get(khom, false, at(3, 2)); ok {
		t.Error("an answer made before the change was kept after it")
	}
	if _, ok, _ := rc.get(dua, false, at(3, 2)); !ok {
		t.Error("the answer made after the change is missing")
	}

	// The bound holds: the oldest answers leave first; an answer larger
	// than an eighth of the cache is never kept.
	long := strings.Repeat("mô tả ", 100)
	for i := range 100 {
		rc.put(search.Query{Text: fmt.Sprint("q", i)}, at(3, 2), answer(2, long))
	}
	if rc.bytes > rc.maxBytes {
		t.Errorf("cache holds %d bytes, bound %d", rc.bytes, rc.maxBytes)
	}
	if _, ok, _ := rc.get(search.Query{Text: "q0"}, false, at(3, 2)); ok {
		t.Error("the oldest answer is still there")
	}
	if _, ok, _ := rc.get(search.Query{Text: "q99"}, false, at(3, 2)); !ok {
		t.Error("the newest answer is missing")
	}
	rc.put(search.Query{Text: "huge"}, at(3, 2), answer(100, long))
	if _, ok, _ := rc.get(search.Query{Text: "huge"}, false, at(3, 2)); ok {
		t.Error("an answer of more than an eighth of the cache was kept")
	}

	off := newResultCache(-1)
	off.put(khom, at(1, 1), answer(1, ""))
	if _, ok, _ := off.get(khom, false, at(1, 1)); ok {
		t.Error("a cache turned off answered")
	}
}

// TestSearchesAskedTogether: a search asked while the same one is being
// answered waits for that answer (each caller with hits of its own)
// instead of computing it again; a failed answer lets each waiter answer
// for itself; without a cache, nobody waits.
func TestSearchesAskedTogether(t *testing.T) {
	rc := newResultCache(64 << 10)
	q := search.Query{Text: "hoa sung"}
	f, first := rc.join(q, 5)
	if !first {
		t.Fatal("the first asker was told to wait")
	}
	f2, first2 := rc.join(q, 5)
	if first2 || f2 != f {
		t.Fatal("the second asker of the same search at the same version does not wait for the first")
	}
	if _, first := rc.join(q, 6); !first {
		t.Error("an asker who saw a newer version waits for an answer made on an older one")
	}
	if _, first := rc.join(search.Query{Text: "khóm"}, 5); !first {
		t.Error("an asker of another search waits")
	}

	answers := make(chan search.Result, 3)
	for range 3 {
		go func() {
			res, ok, err := f2.wait(context.Background())
			if !ok || err != nil {
				t.Errorf("wait = %v, %v", ok, err)
			}
			answers <- res
		}()
	}
	made := answer(2, "trắng")
	rc.land(f, q, 5, stamp{7, 7}, made, nil)
	made.Hits[0].Name = "changed by the first asker"
	for range 3 {
		res := <-answers
		if res.Total != 2 || res.Hits[0].Name != "Khóm Cầu Đúc" {
			t.Errorf("a waiter got %+v", res.Hits)
		}
		res.Hits[1].Name = "changed by a waiter"
	}
	if got, ok, _ := rc.get(q, false, stamp{7, 7}); !ok || got.Hits[1].Name != "Khóm Cầu Đúc" {
		t.Errorf("the answer was not kept, or a waiter's change reached it: %+v, %v", got.Hits, ok)
	}
	if _, first := rc.join(q, 5); !first {
		t.Error("a landed flight still takes askers")
	}

	failed, _ := rc.join(search.Query{Text: "dứa"}, 7)
	rc.land(failed, search.Query{Text: "dứa"}, 7, stamp{7, 7}, search.Result{}, errNoAnswer)
	if _, ok, err := failed.wait(context.Background()); ok || err != nil {
		t.Errorf("a failed flight: wait = %v, %v; want the waiter to answer for itself", ok, err)
	}
	if _, ok, _ := rc.get(search.Query{Text: "dứa"}, false, stamp{7, 7}); ok {
		t.Error("a failed answer was kept")
	}

	stuck, _ := rc.join(search.Query{Text: "mắm"}, 7)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, ok, err := stuck.wait(ctx); ok || err == nil {
		t.Errorf("a waiter whose request ended: wait = %v, %v", ok, err)
	}

	off := newResultCache(-1)
	if f, first := off.join(q, 1); f != nil || !first {
		t.Error("without a cache an asker waits")
	}
}

// TestWaiterAsksAgain: when the first asker of a search gets no answer
// (its request ended), one who waited for it answers instead, correctly.
func TestWaiterAsksAgain(t *testing.T) {
	x, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	ctx := context.Background()
	if err := x.Upsert(ctx, searchtest.Corpus()); err != nil {
		t.Fatal(err)
	}
	g, release, err := x.index()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	q, err := search.Query{Text: "hoa sung"}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	seen := g.cols.version.Load()
	f, first := g.cache.join(q, seen) // a first asker, still answering
	if !first {
		t.Fatal("a flight was already there")
	}
	type answer struct {
		res search.Result
		err error
	}
	done := make(chan answer, 1)
	go func() {
		res, err := g.search(ctx, q, x.clauses)
		done <- answer{res, err}
	}()
	time.Sleep(50 * time.Millisecond) // let it wait (if it does not yet, it answers alone: same result)
	g.cache.land(f, q, seen, stamp{}, search.Result{}, errNoAnswer)
	got := <-done
	want, err := x.SearchBleve(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if got.err != nil || got.res.Total != want.Total || len(got.res.Hits) == 0 || got.res.Hits[0].ID != want.Hits[0].ID {
		t.Fatalf("the waiter got %d hits (%v), want %d", got.res.Total, got.err, want.Total)
	}
}

// The match cache keeps the walks of the current content, as many as its
// bytes allow, oldest out first; a walk larger than an eighth of it, or one
// that stopped recording, is never kept; a ranked walk serves a search that
// does not rank, not the other way round.
func TestMatchCache(t *testing.T) {
	mc := newMatchCache(8 * 1200) // an entry holds at most (1200-64)/12 = 94 matches
	khom := []clause{{phrase: "khom", prefix: true}}
	mat := []clause{{phrase: "mat"}, {phrase: "ong", prefix: true}}
	walk := func(n int, scored bool) *matches {
		m := &matches{}
		for i := range n {
			m.slots = append(m.slots, int32(i))
			if scored {
				m.scores = append(m.scores, float64(n-i))
			}
		}
		return m
	}
	if n := mc.most(); n != 94 {
		t.Fatalf("most = %d, want 94", n)
	}

	mc.put(khom, false, false, 1, walk(10, false))
	if m, ok := mc.get(khom, false, false, 1); !ok || len(m.slots) != 10 {
		t.Fatalf("get after put = %v, %v", m, ok)
	}
	if _, ok := mc.get(khom, false, true, 1); ok {
		t.Error("an unranked walk served a ranked search")
	}
	if _, ok := mc.get(khom, false, false, 2); ok {
		t.Error("a walk served after the content changed")
	}
	mc.put(mat, false, true, 1, walk(20, true))
	if m, ok := mc.get(mat, false, false, 1); !ok || len(m.scores) != 20 {
		t.Errorf("a ranked walk did not serve an unranked search: %v, %v", m, ok)
	}

	big := walk(95, true)
	mc.put([]clause{{phrase: "ca"}}, false, true, 1, big)
	if _, ok := mc.get([]clause{{phrase: "ca"}}, false, true, 1); ok {
		t.Error("a walk over an eighth of the cache was kept")
	}
	cut := walk(5, false)
	cut.overflow = true
	mc.put([]clause{{phrase: "dua"}}, false, false, 1, cut)
	if _, ok := mc.get([]clause{{phrase: "dua"}}, false, false, 1); ok {
		t.Error("a walk that stopped recording was kept")
	}

	// A newer content empties it; an older walk arriving late is dropped.
	mc.put([]clause{{phrase: "buoi"}}, false, false, 2, walk(3, false))
	if _, ok := mc.get(khom, false, false, 2); ok {
		t.Error("a walk of the old content survived a newer one")
	}
	mc.put(khom, false, false, 1, walk(3, false))
	if _, ok := mc.get(khom, false, false, 1); ok {
		t.Error("a walk of an older content was kept")
	}

	// Oldest out first when the bytes run out.
	for i := range 20 {
		mc.put([]clause{{phrase: fmt.Sprint("w", i)}}, false, true, 2, walk(90, true))
	}
	if _, ok := mc.get([]clause{{phrase: "w0"}}, false, true, 2); ok {
		t.Error("the oldest walk was not let go")
	}
	if _, ok := mc.get([]clause{{phrase: "w19"}}, false, true, 2); !ok {
		t.Error("the newest walk was not kept")
	}
	if mc.bytes > mc.maxBytes {
		t.Errorf("the cache holds %d bytes, more than its %d", mc.bytes, mc.maxBytes)
	}
	// Kept entries are copies: the walker's buffer may be reused.
	buf := walk(4, false)
	mc.put([]clause{{phrase: "sen"}}, false, false, 2, buf)
	buf.slots[0] = 99
	if m, _ := mc.get([]clause{{phrase: "sen"}}, false, false, 2); m.slots[0] != 0 {
		t.Error("the cache kept the walker's buffer, not a copy")
	}
}
