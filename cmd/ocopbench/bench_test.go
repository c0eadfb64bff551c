package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPrimedRunReportsBothPasses runs every scenario of a tiny market with
// --prime and --pprof: the read scenarios report their first pass as a row
// of its own beside the measured one, checkouts are verified, and each
// scenario leaves a CPU and a heap profile of the server.
func TestPrimedRunReportsBothPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs ocopd; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	profiles := t.TempDir()
	o, err := parseOptions([]string{"all", "--prime", "300ms", "--duration", "300ms", "--concurrency", "4", "--buyers", "4",
		"--products", "40", "--sellers", "2", "--hot", "10", "--seed-conns", "4", "--pprof", profiles}, func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = bench(ctx, o, func(string) string { return "" }, &out, &out)
	t.Log(out.String())
	if err != nil {
		t.Fatal(err)
	}
	report := out.String()
	for _, row := range []string{"  product, first 300ms: ", "  search, first 300ms: ", "  product: ", "  search: ", "  baseline bare net/http: ", "checkout verification OK", "mixed verification OK"} {
		if !strings.Contains(report, row) {
			t.Errorf("the report has no %q", row)
		}
	}
	for _, sc := range []string{"product", "search", "checkout", "mixed"} {
		for _, name := range []string{sc + ".pprof", sc + ".heap.pprof"} {
			if st, err := os.Stat(filepath.Join(profiles, name)); err != nil || st.Size() == 0 {
				t.Errorf("profile %s: %v", name, err)
			}
		}
	}
}

// cpuTime reads a process's CPU time from /proc: it grows while the
// process works, which is what the report's "server CPU/req" divides.
func TestCPUTimeGrowsWithWork(t *testing.T) {
	before, err := cpuTime(os.Getpid())
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	x := uint64(1)
	for start := time.Now(); time.Since(start) < 200*time.Millisecond; {
		for range 1000 {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	after, err := cpuTime(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if after-before < 50*time.Millisecond {
		t.Errorf("200 ms of work moved the CPU time from %s to %s (%d)", before, after, x%2)
	}
	var r row
	r.load(os.Getpid(), func() *result {
		res := &result{}
		res.hist.n = 1000
		for start := time.Now(); time.Since(start) < 100*time.Millisecond; {
			x = x*6364136223846793005 + 1442695040888963407
		}
		return res
	})
	if got := r.cpuPerRequest(); got < 20*time.Microsecond || got > time.Millisecond {
		t.Errorf("100 ms of work over 1000 requests: %s a request (%d)", got, x%2)
	}
	var remote row
	remote.load(0, func() *result { return &result{} })
	if remote.cpuPerRequest() != 0 {
		t.Error("a server not running here has a CPU time")
	}
}
