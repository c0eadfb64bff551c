package main

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"
)

// row is one scenario's figures.
type row struct {
	name   string
	res    *result
	base   *result
	verify *verification
	short  int64 // checkouts refused for insufficient stock (expected)
	after  sample
	// cpu is the server's CPU time over the row's load alone (not the
	// verification after it); 0 when unknown (a server not running here).
	cpu time.Duration
}

// load runs the row's load and records the server's CPU time over it.
func (r *row) load(pid int, run func() *result) {
	start, startErr := cpuTime(pid)
	r.res = run()
	end, endErr := cpuTime(pid)
	if pid > 0 && startErr == nil && endErr == nil {
		r.cpu = end - start
	}
}

// cpuPerRequest is the server's CPU time per request of the row: a
// figure of its efficiency that the load generator's share of the cores
// does not move. 0 when unknown.
func (r *row) cpuPerRequest() time.Duration {
	if r.cpu <= 0 || r.res.total() == 0 {
		return 0
	}
	return r.cpu / time.Duration(r.res.total())
}

func (r *row) cpuColumn() string {
	if d := r.cpuPerRequest(); d > 0 {
		return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
	}
	return "—"
}

// report is a whole run.
type report struct {
	machine   string
	command   string
	products  int
	sellers   int
	seedTook  time.Duration
	coldStart time.Duration
	indexed   time.Duration
	rows      []*row
	samples   []sample
	warmup    time.Duration
	panics    int
}

func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
}

func mb(b int64) string {
	if b <= 0 {
		return "?"
	}
	return fmt.Sprintf("%.0f MB", float64(b)/(1<<20))
}

func (r *row) print(w io.Writer) {
	res := r.res
	fmt.Fprintf(w, "  %s: %.0f/s over %d connections; p50 %s p95 %s p99 %s max %s; statuses %s\n",
		r.name, res.throughput(), res.concurrency, ms(res.hist.quantile(0.5)), ms(res.hist.quantile(0.95)),
		ms(res.hist.quantile(0.99)), ms(res.hist.max), res.statusLine())
	kinds := make([]string, 0, len(res.byKind))
	for k := range res.byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	if len(kinds) > 1 {
		for _, k := range kinds {
			h := res.byKind[k]
			fmt.Fprintf(w, "    %-9s %6d ops, p50 %s p99 %s\n", k, h.n, ms(h.quantile(0.5)), ms(h.quantile(0.99)))
		}
	}
	if r.base != nil {
		fmt.Fprintf(w, "  baseline %s: %.0f/s, p99 %s → ratio %.2f\n", r.base.name, r.base.throughput(), ms(r.base.hist.quantile(0.99)), r.ratio())
	}
	if r.verify != nil {
		fmt.Fprintf(w, "  verified: %s; %d refused as out of stock\n", r.verify, r.short)
	}
	for _, e := range res.errSamples {
		fmt.Fprintf(w, "  error: %.300s\n", e)
	}
}

func (r *row) ratio() float64 {
	if r.base == nil || r.base.throughput() == 0 {
		return 0
	}
	return r.res.throughput() / r.base.throughput()
}

// print writes the summary table and the footprint over time.
func (rep *report) print(w io.Writer) {
	fmt.Fprintf(w, "\nChợ OCOP — %d products, %d sellers; %s\n", rep.products, rep.sellers, rep.machine)
	if rep.command != "" {
		fmt.Fprintf(w, "command: %s\n", rep.command)
	}
	if rep.seedTook > 0 {
		fmt.Fprintf(w, "seeding through the API: %s (%.0f products/s)\n", rep.seedTook.Round(time.Millisecond), float64(rep.products)/rep.seedTook.Seconds())
	}
	fmt.Fprintf(w, "cold start to /readyz on the seeded data directory: %s; search held every product after %s\n\n", ms(rep.coldStart), ms(rep.indexed))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tconns\tok/s\tp50\tp95\tp99\tmax\terrors\tbaseline/s\tratio\tserver CPU/req\tRSS\tgoroutines\t")
	for _, r := range rep.rows {
		res := r.res
		base, ratio := "—", "—"
		if r.base != nil {
			base = fmt.Sprintf("%.0f (%s)", r.base.throughput(), r.base.name)
			ratio = fmt.Sprintf("%.2f", r.ratio())
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%d\t\n",
			r.name, res.concurrency, res.throughput(), ms(res.hist.quantile(0.5)), ms(res.hist.quantile(0.95)),
			ms(res.hist.quantile(0.99)), ms(res.hist.max), res.failures(409), base, ratio, r.cpuColumn(), mb(r.after.rss), r.after.goroutines)
	}
	tw.Flush()
	for _, r := range rep.rows {
		if r.verify != nil {
			verdict := "OK"
			if !r.verify.ok() {
				verdict = "FAILED"
			}
			fmt.Fprintf(w, "%s verification %s: %s\n", r.name, verdict, r.verify)
		}
	}
	fmt.Fprintf(w, "panics in the server log: %d\n", rep.panics)
	rep.printFootprint(w)
}

// printFootprint lists RSS and goroutines over time (at most ~40 lines)
// and the growth after warm-up.
func (rep *report) printFootprint(w io.Writer) {
	s := rep.samples
	if len(s) == 0 {
		return
	}
	var peak, peakAnon int64
	for _, x := range s {
		peak, peakAnon = max(peak, x.rss), max(peakAnon, x.anon)
	}
	fmt.Fprintf(w, "\nserver footprint (peak RSS %s; peak anonymous %s, the rest being index and database files mapped in):\n", mb(peak), mb(peakAnon))
	line := func(x sample) {
		fmt.Fprintf(w, "  %8s  RSS %7s  anonymous %7s  goroutines %d\n", x.at.Round(time.Second), mb(x.rss), mb(x.anon), x.goroutines)
	}
	step := max(1, (len(s)+39)/40)
	for i := 0; i < len(s); i += step {
		line(s[i])
	}
	if last := s[len(s)-1]; (len(s)-1)%step != 0 {
		line(last)
	}
	g := growth(s, rep.warmup)
	if g.n >= 2 {
		fmt.Fprintf(w, "after warm-up (samples from %s on, %d samples): RSS %s → %s (%+.1f %%), goroutines %d → %d\n",
			rep.warmup.Round(time.Second), g.n, mb(g.first.rss), mb(g.last.rss), g.rssPct, g.first.goroutines, g.last.goroutines)
	}
}

// soakGrowth compares the footprint right after warm-up with the end.
type soakGrowth struct {
	first, last sample
	n           int
	rssPct      float64
}

// growthFrom is when soak growth starts to count: warmup after the load
// began (firstLoad < 0: no load ran, count from warmup).
func growthFrom(firstLoad, warmup time.Duration) time.Duration {
	return max(firstLoad, 0) + warmup
}

func growth(s []sample, warmup time.Duration) soakGrowth {
	var g soakGrowth
	for _, x := range s {
		if x.at < warmup {
			continue
		}
		if g.n == 0 {
			g.first = x
		}
		g.last = x
		g.n++
	}
	if g.n >= 2 && g.first.rss > 0 {
		g.rssPct = 100 * float64(g.last.rss-g.first.rss) / float64(g.first.rss)
	}
	return g
}
