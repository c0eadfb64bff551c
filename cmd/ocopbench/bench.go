package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// target is the server a run talks to, and what the tool knows of its data.
type target struct {
	srv  *ocopd
	api  *apiClient
	data *seeded
	ds   *dataset
	// coldStart is the time from exec to /readyz on the seeded data directory.
	coldStart time.Duration
	// indexed is how long the search index took to hold every seeded product.
	indexed time.Duration
	tmpDir  string
	// hasSearch is false on a server without GET /api/v1/search.
	hasSearch bool
}

// prepare builds and starts ocopd (or connects to --url) and makes sure the
// dataset is there, seeding it through the API when it is not.
func prepare(ctx context.Context, o options, getenv func(string) string, stdout, stderr io.Writer) (*target, error) {
	ds, err := newDataset(o.seed, o.sellers, o.products, o.hot)
	if err != nil {
		return nil, err
	}
	t := &target{ds: ds}
	adm := benchAdmin
	adm.phone = o.adminPhone
	if o.url != "" {
		adm.password = getenv("OCOP_BENCH_ADMIN_PASSWORD")
		if adm.password == "" {
			return nil, errors.New("--url needs the admin's password in OCOP_BENCH_ADMIN_PASSWORD")
		}
		t.srv = &ocopd{url: strings.TrimSuffix(o.url, "/"), external: true}
		t.api = &apiClient{base: t.srv.url, hc: newClient(o.seedConns)}
		if _, err := waitReady(ctx, t.srv.url, 10*time.Second, nil); err != nil {
			return nil, err
		}
		fmt.Fprintf(stdout, "Seeding %d sellers and %d products into %s (seed %d)…\n", o.sellers, o.products, t.srv.url, o.seed)
		t.data, err = seedMarket(ctx, t.api, ds, adm, o.seedConns, stderr)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(stdout, "Seeded in %s (%.0f products/s).\n", t.data.Took.Round(time.Millisecond), float64(o.products)/t.data.Took.Seconds())
		return t, t.waitIndexed(ctx, stdout)
	}

	t.tmpDir, err = os.MkdirTemp("", "ocopbench-")
	if err != nil {
		return nil, err
	}
	bin := o.ocopdBin
	if bin == "" {
		fmt.Fprintln(stdout, "Building ocopd…")
		if bin, err = buildOcopd(ctx, t.tmpDir, stderr); err != nil {
			return t, err
		}
	}
	dataDir := o.dataDir
	if dataDir == "" {
		dataDir = filepath.Join(t.tmpDir, "data")
	}
	var env []string
	if o.synchronous != "" {
		env = append(env, "OCOP_SQLITE_SYNCHRONOUS="+o.synchronous)
	}
	if o.pprofDir != "" {
		env = append(env, "OCOP_PPROF=1")
	}
	t.srv, err = newOcopd(bin, dataDir, env...)
	if err != nil {
		return t, err
	}
	t.api = &apiClient{base: t.srv.url, hc: newClient(o.seedConns)}

	if prev, err := loadSeeded(dataDir); err == nil {
		if prev.Seed != o.seed || len(prev.ProductIDs) != o.products || prev.Sellers != o.sellers {
			return t, fmt.Errorf("%s holds seed %d with %d products and %d sellers, not what the flags ask", dataDir, prev.Seed, len(prev.ProductIDs), prev.Sellers)
		}
		t.data = prev
	} else {
		out, err := t.srv.runCommand(ctx, adm.password+"\n", "accounts", "create", "--role", "admin", "--phone", adm.phone, "--name", "Quản trị ocopbench", "--password-stdin")
		if err != nil {
			return t, fmt.Errorf("ocopd accounts create: %v\n%s", err, out)
		}
		if _, err := t.srv.start(ctx); err != nil {
			return t, err
		}
		fmt.Fprintf(stdout, "Seeding %d sellers and %d products (seed %d, %d connections)…\n", o.sellers, o.products, o.seed, o.seedConns)
		t.data, err = seedMarket(ctx, t.api, ds, adm, o.seedConns, stderr)
		if err != nil {
			return t, fmt.Errorf("%w\n%s", err, t.srv.log.String())
		}
		fmt.Fprintf(stdout, "Seeded in %s (%.0f products/s).\n", t.data.Took.Round(time.Millisecond), float64(o.products)/t.data.Took.Seconds())
		if err := t.data.save(dataDir); err != nil {
			return t, err
		}
		if err := t.srv.stop(); err != nil {
			return t, err
		}
	}
	// A restart on the existing data directory: the cold start that counts.
	if t.coldStart, err = t.srv.start(ctx); err != nil {
		return t, err
	}
	return t, t.waitIndexed(ctx, stdout)
}

// searchTotal asks the search API how many products match a query string.
func searchTotal(ctx context.Context, c *apiClient, query string) (int, error) {
	var r struct {
		Total int `json:"total"`
	}
	err := c.call(ctx, "GET", "/api/v1/search?perPage=1&"+query, "", nil, http.StatusOK, &r)
	return r.Total, err
}

// waitIndexed waits until a search without text finds every seeded product.
func (t *target) waitIndexed(ctx context.Context, stdout io.Writer) error {
	has, err := hasRoute(ctx, t.api, "/api/v1/search")
	if err != nil || !has {
		return err
	}
	t.hasSearch = true
	start := time.Now()
	want := len(t.data.ProductIDs)
	last := -1
	for {
		n, err := searchTotal(ctx, t.api, "")
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		if n == want {
			t.indexed = time.Since(start)
			return nil
		}
		if n != last {
			last = n
		}
		if time.Since(start) > 10*time.Minute {
			return fmt.Errorf("search finds %d of %d products after 10 minutes", n, want)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (t *target) close(keep bool, stdout io.Writer) {
	if t.srv != nil && !t.srv.external {
		_ = t.srv.stop()
	}
	if t.tmpDir != "" {
		if keep {
			fmt.Fprintf(stdout, "Kept %s\n", t.tmpDir)
			return
		}
		_ = os.RemoveAll(t.tmpDir)
	}
}

// bench runs the load scenarios.
func bench(ctx context.Context, o options, getenv func(string) string, stdout, stderr io.Writer) error {
	t, err := prepare(ctx, o, getenv, stdout, stderr)
	if t != nil {
		defer t.close(o.keep, stdout)
	}
	if err != nil {
		return err
	}
	rep := &report{
		machine:   fmt.Sprintf("%d CPUs, %s/%s, %s", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version()),
		products:  len(t.data.ProductIDs),
		sellers:   t.data.Sellers,
		coldStart: t.coldStart,
		indexed:   t.indexed,
		seedTook:  t.data.Took,
		command:   "ocopbench " + strings.Join(os.Args[1:], " "),
	}
	pid := func() int { return t.srv.pid() }
	sm := startSampler(ctx, t.srv.url, pid, o.sample)
	load := &apiClient{base: t.srv.url, hc: newClient(max(o.concurrency, o.buyers))}
	ids := t.data.ProductIDs
	hot := ids[:min(o.hot, len(ids))]
	queries := t.ds.searchQueries(2000)
	var communes []string
	for _, c := range t.ds.communes {
		communes = append(communes, c.ID)
	}

	// The bare baseline serves a product page's bytes. Product pages are
	// measured in turns with it (alternated); search and mixed compare
	// with the turns' result, or with a run of its own when product pages
	// were not measured.
	const bareName = "bare net/http"
	var bare *result
	bareServe := func(fn func(bareOp op) *result) (*result, error) {
		st, body, err := t.api.do(ctx, "GET", "/api/v1/products/"+ids[0], nil)
		if err != nil || st != http.StatusOK {
			return nil, fmt.Errorf("product page for the baseline: %d %v", st, err)
		}
		u, stop, err := bareServer(body, "application/json; charset=utf-8", `"1"`)
		if err != nil {
			return nil, err
		}
		defer stop()
		bc := &apiClient{base: u, hc: newClient(o.concurrency)}
		return fn(func(ctx context.Context, w int, rng *rand.Rand) outcome {
			return bc.discard(ctx, "/api/v1/products/"+ids[rng.IntN(len(ids))])
		}), nil
	}
	bareBaseline := func() (*result, error) {
		if bare != nil || !o.baseline {
			return bare, nil
		}
		var err error
		bare, err = bareServe(func(bareOp op) *result {
			return runLoad(ctx, bareName, o.duration, o.concurrency, o.seed, is2xx, bareOp)
		})
		return bare, err
	}

	// The soak's warm-up counts from the first scenario's load, not from
	// the start of sampling: the baselines run before it on an idle server.
	firstLoad := time.Duration(-1)
	var failed []string
	for _, sc := range o.scenarios {
		if ctx.Err() != nil {
			break
		}
		if !t.hasSearch && (sc == "search" || sc == "mixed") {
			fmt.Fprintf(stdout, "Skipping %s: the server has no search.\n", sc)
			continue
		}
		fmt.Fprintf(stdout, "Running %s for %s…\n", sc, o.duration)
		cur := &row{name: sc}
		var profile func() error
		loadBegins := func() {
			if firstLoad < 0 {
				firstLoad = sm.elapsed()
			}
		}
		profiled := o.duration
		startProfile := func() {
			loadBegins()
			if o.pprofDir != "" {
				profile = captureProfile(ctx, t.srv.url, filepath.Join(o.pprofDir, sc+".pprof"), profiled)
			}
		}
		// measure runs the scenario's load for --duration.
		measure := func(fn op) *result { return runLoad(ctx, sc, o.duration, o.concurrency, o.seed, is2xx, fn) }
		// primed runs a read scenario's load for --prime first, as a row
		// of its own, then measures it on the caches the first pass filled.
		primed := func(fn op) *result {
			if o.prime > 0 {
				loadBegins()
				fmt.Fprintf(stdout, "First pass of %s for %s…\n", sc, o.prime)
				first := &row{name: fmt.Sprintf("%s, first %s", sc, o.prime)}
				first.load(t.srv.pid(), func() *result { return runLoad(ctx, first.name, o.prime, o.concurrency, o.seed+1, is2xx, fn) })
				first.after = footprint(ctx, t.srv.url, t.srv.pid())
				if n := first.res.failures(); n > 0 {
					failed = append(failed, fmt.Sprintf("%s: %d failed requests (%s) %v", first.name, n, first.res.statusLine(), first.res.errSamples))
				}
				rep.rows = append(rep.rows, first)
				first.print(stdout)
			}
			startProfile()
			cur.load(t.srv.pid(), func() *result { return measure(fn) })
			return cur.res
		}
		switch sc {
		case "product":
			if !o.baseline {
				cur.res = primed(productOp(load, ids))
				break
			}
			// Measured in turns with the bare baseline.
			_, err := bareServe(func(bareOp op) *result {
				profiled = 2 * o.duration
				measure = func(fn op) *result {
					var res *result
					res, bare = alternated(ctx, o.duration, o.concurrency, o.seed, is2xx, alternate{sc, fn}, alternate{bareName, bareOp})
					return res
				}
				return primed(productOp(load, ids))
			})
			if err != nil {
				return err
			}
			cur.base = bare
		case "search":
			if cur.base, err = bareBaseline(); err != nil {
				return err
			}
			cur.res = primed(searchOp(load, queries))
		case "checkout", "mixed":
			initial, err := stocks(ctx, t.api, hot)
			if err != nil {
				return err
			}
			ck := &checkouts{c: load, hot: hot, regions: communes, run: newRun()}
			okStatus := func(st int) bool { return is2xx(st) || st == http.StatusConflict }
			if sc == "checkout" {
				if o.baseline {
					rc, err := openRawCheckouts(ctx, t.tmpDirOr(o), syncOf(o), len(hot))
					if err != nil {
						return err
					}
					cur.base = runLoad(ctx, "raw SQLite", o.duration, o.buyers, o.seed, is2xx, rc.op)
					cur.base.name = "raw SQLite tx"
					rc.close()
				}
				startProfile()
				cur.load(t.srv.pid(), func() *result { return runLoad(ctx, sc, o.duration, o.buyers, o.seed, okStatus, ck.op) })
				cur.res.ok = cur.res.byStatus[http.StatusCreated] // throughput counts checkouts made
			} else {
				if cur.base, err = bareBaseline(); err != nil {
					return err
				}
				startProfile()
				cur.load(t.srv.pid(), func() *result {
					return runLoad(ctx, sc, o.duration, o.concurrency, o.seed, okStatus, mixedOp(searchOp(load, queries), productOp(load, ids), ck))
				})
			}
			v, err := verifyCheckouts(ctx, t.api, initial, ck.acknowledged())
			if err != nil {
				return fmt.Errorf("verifying %s: %w", sc, err)
			}
			cur.verify = &v
			cur.short = ck.short.Load()
			if !v.ok() {
				failed = append(failed, sc+": "+v.String())
			}
		}
		if profile != nil {
			if err := profile(); err != nil {
				fmt.Fprintf(stderr, "profile of %s: %v\n", sc, err)
			}
			if err := saveProfile(ctx, t.srv.url+"/debug/pprof/heap", filepath.Join(o.pprofDir, sc+".heap.pprof")); err != nil {
				fmt.Fprintf(stderr, "heap profile after %s: %v\n", sc, err)
			}
		}
		cur.after = footprint(ctx, t.srv.url, t.srv.pid())
		if n := cur.res.failures(http.StatusConflict); n > 0 {
			failed = append(failed, fmt.Sprintf("%s: %d failed requests (%s) %v", sc, n, cur.res.statusLine(), cur.res.errSamples))
		}
		rep.rows = append(rep.rows, cur)
		cur.print(stdout)
		if sc == "search" && o.restart && o.prime > 0 && !t.srv.external {
			// A deploy: the server stops as asked, starts on the same data
			// directory, and buyers come straight back.
			fmt.Fprintf(stdout, "Restarting the server, then search for %s…\n", o.prime)
			if err := t.srv.stop(); err != nil {
				return err
			}
			if _, err := t.srv.start(ctx); err != nil {
				return fmt.Errorf("restart: %w", err)
			}
			again := &row{name: fmt.Sprintf("search, first %s after a restart", o.prime)}
			again.load(t.srv.pid(), func() *result {
				return runLoad(ctx, again.name, o.prime, o.concurrency, o.seed+1, is2xx, searchOp(load, queries))
			})
			again.after = footprint(ctx, t.srv.url, t.srv.pid())
			if n := again.res.failures(); n > 0 {
				failed = append(failed, fmt.Sprintf("%s: %d failed requests (%s) %v", again.name, n, again.res.statusLine(), again.res.errSamples))
			}
			rep.rows = append(rep.rows, again)
			again.print(stdout)
		}
	}
	rep.samples = sm.stop()
	rep.warmup = growthFrom(firstLoad, o.warmup)
	rep.panics = t.srv.log.panics()
	rep.print(stdout)
	if rep.panics > 0 {
		failed = append(failed, fmt.Sprintf("%d panics in the server log", rep.panics))
	}
	if len(failed) > 0 {
		return errors.New(strings.Join(failed, "\n"))
	}
	return nil
}

func (t *target) tmpDirOr(o options) string {
	if t.tmpDir != "" {
		return t.tmpDir
	}
	return os.TempDir()
}

// syncOf is the synchronous level the server runs with.
func syncOf(o options) string {
	if o.synchronous != "" {
		return o.synchronous
	}
	return "FULL"
}

// captureProfile starts a CPU profile of the server over the scenario and
// returns a function that waits for it and writes it to path.
func captureProfile(ctx context.Context, base, path string, d time.Duration) func() error {
	done := make(chan error, 1)
	go func() {
		secs := max(1, int(d.Seconds()))
		done <- saveProfile(ctx, fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", base, secs), path)
	}()
	return func() error { return <-done }
}

// saveProfile writes the profile the server answers at u to path (the
// server must run with OCOP_PPROF=1).
func saveProfile(ctx context.Context, u, path string) error {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %d (is OCOP_PPROF=1 supported?)", u, resp.StatusCode)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, resp.Body)
	return errors.Join(err, f.Close())
}
