package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestAlternatedTakesTurns: the scenario and its baseline run in turns,
// a b b a a b b a, so that a slow stretch of the machine falls on both;
// each result holds all of its own turns and nothing of the other's.
func TestAlternatedTakesTurns(t *testing.T) {
	var mu sync.Mutex
	var order []string
	counts := map[string]int{}
	load := func(name string, status int) alternate {
		return alternate{name, func(ctx context.Context, w int, rng *rand.Rand) outcome {
			mu.Lock()
			if len(order) == 0 || order[len(order)-1] != name {
				order = append(order, name)
			}
			counts[name]++
			mu.Unlock()
			time.Sleep(time.Millisecond)
			return outcome{status: status}
		}}
	}
	a, b := alternated(context.Background(), 160*time.Millisecond, 2, 1, is2xx, load("a", 200), load("b", 204))
	if got := fmt.Sprint(turnOrder(4)); got != "[0 1 1 0 0 1 1 0]" {
		t.Fatalf("turns: %s", got)
	}
	// Eight turns each: a, then b and a by twos (one group each as seen
	// from inside), then a last a.
	if got := strings.Join(order, " "); got != "a b a b a b a b a" {
		t.Fatalf("turns: %s", got)
	}
	if a.name != "a" || b.name != "b" || a.ok != uint64(counts["a"]) || b.ok != uint64(counts["b"]) ||
		a.byStatus[200] != a.ok || b.byStatus[204] != b.ok || a.byStatus[204] != 0 || a.total() != a.ok {
		t.Fatalf("a: %d ok of %d calls %v; b: %d ok of %d calls %v", a.ok, counts["a"], a.byStatus, b.ok, counts["b"], b.byStatus)
	}
	if a.elapsed < 80*time.Millisecond || a.elapsed > time.Second || a.throughput() <= 0 {
		t.Fatalf("a ran %v in all (%.0f/s), for 160ms in eight turns", a.elapsed, a.throughput())
	}
}
