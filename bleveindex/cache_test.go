package bleveindex

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ocopmarket/market/search"
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

	rc.put(khom, 1, answer(3, "ngọt"))
	got, ok := rc.get(khom, 1)
	if !ok || got.Total != 3 || len(got.Hits) != 3 {
		t.Fatalf("get after put = %+v, %v", got, ok)
	}
	// A caller may change its hits without changing the cache's.
	got.Hits[0].Name = "changed"
	if again, _ := rc.get(khom, 1); again.Hits[0].Name != "Khóm Cầu Đúc" {
		t.Errorf("the cache kept a caller's change: %q", again.Hits[0].Name)
	}
	if _, ok := rc.get(dua, 1); ok {
		t.Error("a query never asked was answered")
	}
	// Once the index changed, nothing older is served or kept.
	if _, ok := rc.get(khom, 2); ok {
		t.Error("an answer made before a change was served after it")
	}
	rc.put(dua, 2, answer(1, ""))
	rc.put(khom, 1, answer(3, "")) // finished after the change: too old
	if _, ok := rc.get(khom, 2); ok {
		t.Error("an answer made before the change was kept after it")
	}
	if _, ok := rc.get(dua, 2); !ok {
		t.Error("the answer made after the change is missing")
	}

	// The bound holds: the oldest answers leave first; an answer larger
	// than an eighth of the cache is never kept.
	long := strings.Repeat("mô tả ", 100)
	for i := range 100 {
		rc.put(search.Query{Text: fmt.Sprint("q", i)}, 2, answer(2, long))
	}
	if rc.bytes > rc.maxBytes {
		t.Errorf("cache holds %d bytes, bound %d", rc.bytes, rc.maxBytes)
	}
	if _, ok := rc.get(search.Query{Text: "q0"}, 2); ok {
		t.Error("the oldest answer is still there")
	}
	if _, ok := rc.get(search.Query{Text: "q99"}, 2); !ok {
		t.Error("the newest answer is missing")
	}
	rc.put(search.Query{Text: "huge"}, 2, answer(100, long))
	if _, ok := rc.get(search.Query{Text: "huge"}, 2); ok {
		t.Error("an answer of more than an eighth of the cache was kept")
	}

	off := newResultCache(-1)
	off.put(khom, 1, answer(1, ""))
	if _, ok := off.get(khom, 1); ok {
		t.Error("a cache turned off answered")
	}
}
