package main

import (
	"math/rand/v2"
	"sort"
	"testing"
	"time"
)

func TestHistogramQuantilesWithinOnePercent(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var h histogram
	var all []time.Duration
	for i := 0; i < 200_000; i++ {
		// Log-normal-ish latencies from microseconds to seconds, like a real run.
		d := time.Duration(float64(time.Microsecond) * float64(uint64(1)<<rng.IntN(20)) * (1 + rng.Float64()))
		h.record(d)
		all = append(all, d)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	for _, q := range []float64{0.5, 0.9, 0.95, 0.99, 0.999, 1} {
		exact := all[min(len(all)-1, int(q*float64(len(all))+0.5)-1)]
		got := h.quantile(q)
		if got < exact || float64(got-exact) > 0.01*float64(exact) {
			t.Errorf("p%v = %v, exact %v: off by more than 1 %% (or below)", q*100, got, exact)
		}
	}
	if h.max != all[len(all)-1] || h.n != uint64(len(all)) {
		t.Errorf("max %v n %d, want %v %d", h.max, h.n, all[len(all)-1], len(all))
	}
}

func TestHistogramMergeAndEdges(t *testing.T) {
	var a, b histogram
	if a.quantile(0.99) != 0 || a.mean() != 0 {
		t.Fatal("an empty histogram must answer 0")
	}
	a.record(-time.Second) // a clock step back counts as 0, not a panic
	a.record(5 * time.Millisecond)
	b.record(time.Hour)
	a.merge(&b)
	if a.n != 3 || a.max != time.Hour || a.quantile(1) != time.Hour || a.quantile(0) != 0 {
		t.Fatalf("merged: n %d max %v p100 %v p0 %v", a.n, a.max, a.quantile(1), a.quantile(0))
	}
	for ns := uint64(0); ns < 1<<20; ns += 7 {
		if up := upperOf(bucketOf(ns)); up < ns || (ns >= subBuckets && float64(up-ns) > float64(ns)/subBuckets) {
			t.Fatalf("bucket of %d ends at %d", ns, up)
		}
	}
}

func TestGrowthAfterWarmup(t *testing.T) {
	s := []sample{
		{at: 0, rss: 50 << 20, goroutines: 10},
		{at: 10 * time.Second, rss: 120 << 20, goroutines: 80},
		{at: 20 * time.Second, rss: 100 << 20, goroutines: 75},
		{at: 30 * time.Second, rss: 110 << 20, goroutines: 75},
	}
	g := growth(s, 10*time.Second)
	if g.n != 3 || g.first.rss != 120<<20 || g.last.rss != 110<<20 || g.rssPct > -8 || g.rssPct < -9 {
		t.Fatalf("growth = %+v", g)
	}
}

// TestSoakGrowthCountsFromTheLoad: the idle baseline phase before the load
// is neither warm-up nor growth, so a footprint that is flat under load
// reads as flat.
func TestSoakGrowthCountsFromTheLoad(t *testing.T) {
	var s []sample
	for at := time.Duration(0); at <= 6*time.Minute; at += 10 * time.Second {
		x := sample{at: at, rss: 125 << 20, goroutines: 30}
		if at >= 3*time.Minute { // the load began at 3 min; warm-up to 3 min 40 s
			x.rss, x.goroutines = 200<<20, 150
			if at < 3*time.Minute+40*time.Second {
				x.rss = 180 << 20
			}
		}
		s = append(s, x)
	}
	g := growth(s, growthFrom(3*time.Minute, 36*time.Second))
	if g.first.at != 3*time.Minute+40*time.Second || g.rssPct != 0 || g.n != 15 {
		t.Errorf("from %s over %d samples: %+.1f %%, want from 3m40s over 15 samples: +0.0 %%", g.first.at, g.n, g.rssPct)
	}
	if g := growth(s, growthFrom(-1, 36*time.Second)); g.first.at != 40*time.Second {
		t.Errorf("without load: from %s, want 40s", g.first.at)
	}
}

// TestRerunMakesNewCheckouts: two runs with the same seed send the same
// load but never the same idempotency key, so a rerun on a kept data
// directory makes checkouts instead of replaying the last run's.
func TestRerunMakesNewCheckouts(t *testing.T) {
	a, b := &checkouts{run: newRun()}, &checkouts{run: newRun()}
	for b.run == a.run {
		b.run = newRun()
	}
	ra, rb := rand.New(rand.NewPCG(1, 2)), rand.New(rand.NewPCG(1, 2))
	for range 100 {
		if ka, kb := a.key(ra), b.key(rb); ka == kb {
			t.Fatalf("both runs sent %s", ka)
		}
	}
}
