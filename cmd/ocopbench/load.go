package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// outcome is what one operation of a scenario ended with: an HTTP status
// (0 when the request failed before an answer) and an optional label for
// operations of several kinds (mixed).
type outcome struct {
	status int
	kind   string
	err    error
}

// op is one operation of a scenario, run by worker w with its own random source.
type op func(ctx context.Context, w int, rng *rand.Rand) outcome

// result is what a load run measured.
type result struct {
	name        string
	concurrency int
	elapsed     time.Duration
	hist        histogram
	byStatus    map[int]uint64
	byKind      map[string]*histogram
	errSamples  []string
	// ok counts operations that succeeded (2xx, or an expected answer).
	ok uint64
}

func (r *result) total() uint64 { return r.hist.n }

// throughput is successful operations per second.
func (r *result) throughput() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.ok) / r.elapsed.Seconds()
}

// failures counts answers that are errors: transport failures and 5xx,
// plus 4xx other than those the scenario expects (passed in expected).
func (r *result) failures(expected ...int) uint64 {
	var n uint64
	for st, c := range r.byStatus {
		if st == 0 || st >= 500 || (st >= 400 && !contains(expected, st)) {
			n += c
		}
	}
	return n
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// statusLine lists the counts by status: "200×51234 409×12 0×1".
func (r *result) statusLine() string {
	keys := make([]int, 0, len(r.byStatus))
	for k := range r.byStatus {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d×%d", k, r.byStatus[k]))
	}
	return strings.Join(parts, " ")
}

// runLoad runs op from concurrency workers, each in a closed loop, for the
// given duration (or until ctx ends). A worker's latency is measured around
// each call of op. okStatus says which statuses count as success.
func runLoad(ctx context.Context, name string, duration time.Duration, concurrency int, seed uint64, okStatus func(int) bool, fn op) *result {
	// Requests in flight at the deadline are let finish: cutting them off
	// would leave writes the server made but the run never counted.
	deadline := time.Now().Add(duration)
	locals := make([]*result, concurrency) // each worker's, merged at the end
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < concurrency; w++ {
		l := &result{byStatus: map[int]uint64{}, byKind: map[string]*histogram{}}
		locals[w] = l
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(w)+1))
			for ctx.Err() == nil && time.Now().Before(deadline) {
				t0 := time.Now()
				o := fn(ctx, w, rng)
				d := time.Since(t0)
				if o.status == 0 && ctx.Err() != nil {
					return // the run was stopped (a kill in the crash test), not a failure
				}
				l.hist.record(d)
				l.byStatus[o.status]++
				if o.kind != "" {
					h := l.byKind[o.kind]
					if h == nil {
						h = &histogram{}
						l.byKind[o.kind] = h
					}
					h.record(d)
				}
				if okStatus(o.status) {
					l.ok++
				} else if o.err != nil && len(l.errSamples) < 3 {
					l.errSamples = append(l.errSamples, o.err.Error())
				}
			}
		}(w)
	}
	wg.Wait()
	r := &result{name: name, concurrency: concurrency, elapsed: time.Since(start), byStatus: map[int]uint64{}, byKind: map[string]*histogram{}}
	for _, l := range locals {
		r.add(l)
	}
	return r
}

func is2xx(st int) bool { return st >= 200 && st < 300 }

// add merges o, a run of the same load (or a worker's share of one), into r.
func (r *result) add(o *result) {
	r.elapsed += o.elapsed
	r.hist.merge(&o.hist)
	r.ok += o.ok
	for k, v := range o.byStatus {
		r.byStatus[k] += v
	}
	for k, h := range o.byKind {
		if r.byKind[k] == nil {
			r.byKind[k] = &histogram{}
		}
		r.byKind[k].merge(h)
	}
	if len(r.errSamples) < 5 {
		r.errSamples = append(r.errSamples, o.errSamples...)
	}
}

// alternate is a load and its name, for alternated.
type alternate struct {
	name string
	fn   op
}

// alternatedTurns is how many turns each load of alternated gets.
const alternatedTurns = 8

// alternated runs two loads in turns, for duration each in all: a, b, b,
// a, a, b, b, a… A change of the machine's speed during the run (a
// neighbour on shared cores) then falls on both alike, where a baseline
// measured once, before, compared a fast minute with a slow one. It
// returns each load's turns merged.
func alternated(ctx context.Context, duration time.Duration, concurrency int, seed uint64, okStatus func(int) bool, a, b alternate) (ra, rb *result) {
	turn := duration / alternatedTurns
	loads := [2]alternate{a, b}
	var res [2]*result
	for i, x := range turnOrder(alternatedTurns) {
		r := runLoad(ctx, loads[x].name, turn, concurrency, seed+uint64(i/2), okStatus, loads[x].fn)
		if res[x] == nil {
			res[x] = r
		} else {
			res[x].add(r)
		}
	}
	return res[0], res[1]
}

// turnOrder is the order of alternated's turns, n of each load: 0 1 1 0
// 0 1 1 0…
func turnOrder(n int) []int {
	order := make([]int, 0, 2*n)
	for i := range n {
		order = append(order, i%2, 1-i%2)
	}
	return order
}

// newClient is an HTTP client that keeps one connection per worker open.
// Compression is off on both sides of every comparison, so that the server
// and the bare baseline send the same bytes.
func newClient(conns int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        conns * 2,
			MaxIdleConnsPerHost: conns * 2,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
		Timeout: 30 * time.Second,
	}
}

// apiClient talks to one server's API.
type apiClient struct {
	base string
	hc   *http.Client
}

// errStatus describes an unexpected answer.
type errStatus struct {
	method, path string
	status       int
	body         string
}

func (e *errStatus) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.method, e.path, e.status, strings.TrimSpace(e.body))
}

// do sends one request and reads the whole answer. body may be nil, a
// string or []byte (sent as is); headers come in name, value pairs.
func (c *apiClient) do(ctx context.Context, method, path string, body []byte, headers ...string) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(string(body))
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, err
	}
	return resp.StatusCode, data, nil
}

// discard sends a GET and drains the answer without keeping it: the load
// generator's cheapest request.
func (c *apiClient) discard(ctx context.Context, path string) outcome {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return outcome{err: err}
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return outcome{err: err}
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return outcome{status: 0, err: err}
	}
	if resp.StatusCode >= 400 {
		return outcome{status: resp.StatusCode, err: &errStatus{"GET", path, resp.StatusCode, ""}}
	}
	return outcome{status: resp.StatusCode}
}

// waitReady polls /readyz until it answers 200 or the timeout passes.
func waitReady(ctx context.Context, base string, timeout time.Duration, exited <-chan struct{}) (time.Duration, error) {
	hc := &http.Client{Timeout: time.Second}
	start := time.Now()
	for {
		resp, err := hc.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start), nil
			}
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-exited:
			return 0, errors.New("ocopd exited before it was ready")
		case <-time.After(5 * time.Millisecond):
		}
		if time.Since(start) > timeout {
			return 0, fmt.Errorf("%s/readyz not ready after %s", base, timeout)
		}
	}
}

// metricValue reads one unlabelled value from a Prometheus text exposition.
func metricValue(text, name string) (float64, bool) {
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			return v, err == nil
		}
	}
	return 0, false
}
