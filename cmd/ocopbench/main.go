// Command ocopbench measures Chợ OCOP under load, crashes and time: it
// builds and starts ocopd on a temporary data directory (or targets
// --url), seeds a reproducible marketplace through the public API, runs
// scenarios for a fixed time and prints latencies, throughput, errors and
// the server's footprint, each beside a baseline that shows what the
// machine itself can do.
//
//	ocopbench [all|product|search|checkout|mixed] [flags]
//	ocopbench crash [--kills 10] [flags]
//
// See README.md in this directory.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ocopbench:", err)
		os.Exit(1)
	}
}

// options are the flags of every command.
type options struct {
	scenarios   []string
	url         string
	adminPhone  string
	dataDir     string
	ocopdBin    string
	products    int
	sellers     int
	seed        uint64
	duration    time.Duration
	concurrency int
	buyers      int
	hot         int
	seedConns   int
	sample      time.Duration
	warmup      time.Duration
	prime       time.Duration
	restart     bool
	synchronous string
	baseline    bool
	pprofDir    string
	kills       int
	keep        bool
}

const usage = `ocopbench — load, crash and soak tests of Chợ OCOP.

Usage:
  ocopbench [all|product|search|checkout|mixed] [flags]   (default: all)
  ocopbench crash [flags]                                  SIGKILL durability test

Examples:
  ocopbench all --products 100000 --sellers 2000 --duration 20s
  ocopbench mixed --duration 10m --sample 10s              (soak)
  ocopbench search --prime 20s --duration 60s              (first pass, then steady state)
  ocopbench search --prime 10s --restart                   (and the first pass after a restart)
  ocopbench crash --kills 10

Flags:
`

func parseOptions(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	o := options{scenarios: []string{"product", "search", "checkout", "mixed"}}
	cmd := "all"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("ocopbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	fs.StringVar(&o.url, "url", "", "target a running server instead of starting one (needs OCOP_BENCH_ADMIN_PASSWORD)")
	fs.StringVar(&o.adminPhone, "admin-phone", benchAdmin.phone, "with --url: the admin who verifies the seeded sellers")
	fs.StringVar(&o.dataDir, "data-dir", "", "data directory (default: a temporary one); a seeded one is reused")
	fs.StringVar(&o.ocopdBin, "ocopd", "", "a built ocopd binary (default: go build ./cmd/ocopd)")
	fs.IntVar(&o.products, "products", 10000, "products to seed")
	fs.IntVar(&o.sellers, "sellers", 200, "sellers to seed")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the generated dataset and of the load")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long each scenario runs")
	fs.IntVar(&o.concurrency, "concurrency", 64, "connections of the product, search and mixed scenarios")
	fs.IntVar(&o.buyers, "buyers", 64, "concurrent buyers of the checkout scenario")
	fs.IntVar(&o.hot, "hot", 100, "hot products the checkouts buy")
	fs.IntVar(&o.seedConns, "seed-conns", 32, "connections used for seeding")
	fs.DurationVar(&o.sample, "sample", 2*time.Second, "how often to sample the server's RSS and goroutines")
	fs.DurationVar(&o.prime, "prime", 0, "product and search: first run the load this long and report it as a row of its own (the first pass, on cold caches), then measure the scenario on caches a server in service has filled")
	fs.BoolVar(&o.restart, "restart", false, "search, with --prime: after the scenario, restart the server as a deploy does (SIGTERM, start) and run the first pass again as a row of its own; the server asks again the searches asked most before it stopped")
	fs.DurationVar(&o.warmup, "warmup", 0, "soak: growth is measured from this time on (default: a fifth of the run, at most 1m)")
	fs.StringVar(&o.synchronous, "synchronous", "", "OCOP_SQLITE_SYNCHRONOUS for the server and the raw SQLite baseline (default: the server's, FULL)")
	fs.BoolVar(&o.baseline, "baseline", true, "measure the bare net/http and raw SQLite baselines")
	fs.StringVar(&o.pprofDir, "pprof", "", "write a CPU profile of the server over each scenario, and a heap profile after it, into this directory (sets OCOP_PPROF=1)")
	fs.IntVar(&o.kills, "kills", 10, "crash: how many times to SIGKILL the server")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary data directory")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if cmd == "crash" {
		// A small market and short bursts of load between kills, unless asked otherwise.
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		for name, v := range map[string]string{"products": "200", "sellers": "4", "hot": "20", "duration": "1s"} {
			if !set[name] {
				_ = fs.Set(name, v)
			}
		}
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch cmd {
	case "all":
	case "product", "search", "checkout", "mixed", "crash":
		o.scenarios = []string{cmd}
	default:
		fs.Usage()
		return o, fmt.Errorf("unknown command %q", cmd)
	}
	if o.hot > o.products {
		o.hot = o.products
	}
	if o.products < 1 || o.sellers < 1 || o.concurrency < 1 || o.buyers < 1 || o.hot < 1 {
		return o, errors.New("--products, --sellers, --concurrency, --buyers and --hot must be at least 1")
	}
	s := strings.ToUpper(o.synchronous)
	if s != "" && s != "FULL" && s != "NORMAL" {
		return o, fmt.Errorf("--synchronous must be FULL or NORMAL, not %q", o.synchronous)
	}
	o.synchronous = s
	if o.warmup == 0 {
		o.warmup = min(o.duration/5, time.Minute)
	}
	return o, nil
}

// run is the whole program.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parseOptions(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(o.scenarios) == 1 && o.scenarios[0] == "crash" {
		rep, err := crash(ctx, o, stdout, stderr)
		if rep != nil {
			rep.print(stdout)
		}
		return err
	}
	return bench(ctx, o, getenv, stdout, stderr)
}
