package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// crashWriter is the write load of the crash test and what it checks
// after every restart.
type crashWriter interface {
	name() string
	op(ctx context.Context, w int, rng *rand.Rand) outcome
	// settle retries the writes that got no answer because the server died,
	// with the same idempotency key, as a phone would.
	settle(ctx context.Context) error
	// verify returns the acknowledged writes the server no longer has.
	verify(ctx context.Context) (checked int, lost []string, err error)
}

// crashReport is what a crash run found.
type crashReport struct {
	writer       string
	synchronous  string
	kills        int
	acked        int
	lost         []string
	coldStarts   []time.Duration
	stockProblem []string
	searchOK     bool
	searchNote   string
	converged    time.Duration
}

func (r *crashReport) ok() bool {
	return len(r.lost) == 0 && len(r.stockProblem) == 0 && (r.searchOK || r.searchNote != "")
}

func (r *crashReport) print(w io.Writer) {
	var worst time.Duration
	for _, d := range r.coldStarts {
		worst = max(worst, d)
	}
	fmt.Fprintf(w, "\ncrash test: %d SIGKILLs under %s load (SQLite synchronous=%s)\n", r.kills, r.writer, r.synchronous)
	fmt.Fprintf(w, "  acknowledged writes: %d, lost: %d\n", r.acked, len(r.lost))
	for i, l := range r.lost {
		if i == 5 {
			fmt.Fprintln(w, "    …")
			break
		}
		fmt.Fprintf(w, "    %s\n", l)
	}
	fmt.Fprintf(w, "  restart to /readyz: worst %s over %d restarts\n", ms(worst), len(r.coldStarts))
	if r.writer == "checkout" {
		fmt.Fprintf(w, "  stock = initial − sold on every hot product: %v\n", len(r.stockProblem) == 0)
		for _, p := range r.stockProblem {
			fmt.Fprintf(w, "    %s\n", p)
		}
	}
	switch {
	case r.searchOK:
		fmt.Fprintf(w, "  search index converged %s after the last restart\n", ms(r.converged))
	case r.searchNote != "":
		fmt.Fprintf(w, "  search index: %s\n", r.searchNote)
	default:
		fmt.Fprintln(w, "  search index did NOT converge")
	}
	verdict := "PASS"
	if !r.ok() {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "  %s\n", verdict)
}

// accountWrites signs up new accounts: the write every server has, used
// when the server has no checkout.
type accountWrites struct {
	c     *apiClient
	next  atomic.Int64
	mu    sync.Mutex
	acked []string // phones
	seen  int      // acked[:seen] were verified already
}

func (a *accountWrites) name() string { return "sign-up" }

func (a *accountWrites) op(ctx context.Context, w int, rng *rand.Rand) outcome {
	phone := fmt.Sprintf("07%08d", a.next.Add(1))
	st, data, err := a.c.do(ctx, "POST", "/api/v1/accounts", jsonBody(map[string]string{"phone": phone, "password": "crash-" + phone, "name": "Khách " + phone}))
	if st == http.StatusCreated {
		a.mu.Lock()
		a.acked = append(a.acked, phone)
		a.mu.Unlock()
	} else if err == nil {
		err = &errStatus{"POST", "/api/v1/accounts", st, string(data)}
	}
	return outcome{status: st, err: err}
}

func (a *accountWrites) settle(ctx context.Context) error { return nil }

// verify signs in as each account acknowledged since the last check (the
// older ones were checked after an earlier restart and are checked again
// at the end by verifyAll).
func (a *accountWrites) verify(ctx context.Context) (int, []string, error) {
	a.mu.Lock()
	todo := append([]string(nil), a.acked[a.seen:]...)
	a.seen = len(a.acked)
	a.mu.Unlock()
	return a.check(ctx, todo)
}

func (a *accountWrites) verifyAll(ctx context.Context) (int, []string, error) {
	a.mu.Lock()
	todo := append([]string(nil), a.acked...)
	a.mu.Unlock()
	return a.check(ctx, todo)
}

func (a *accountWrites) check(ctx context.Context, phones []string) (int, []string, error) {
	var mu sync.Mutex
	var lost []string
	err := parallel(ctx, len(phones), 4, nil, func(ctx context.Context, i int) error {
		if _, err := a.c.signIn(ctx, phones[i], "crash-"+phones[i]); err != nil {
			mu.Lock()
			lost = append(lost, fmt.Sprintf("account %s: %v", phones[i], err))
			mu.Unlock()
		}
		return nil
	})
	return len(phones), lost, err
}

// checkoutWrites are COD checkouts over the hot products; a checkout whose
// answer was lost to the kill is retried after the restart with the same
// idempotency key, so that in the end every unit sold is accounted for.
type checkoutWrites struct {
	ck      *checkouts
	mu      sync.Mutex
	pending []pendingCheckout
	seen    int
}

type pendingCheckout struct {
	key, phone, product string
	qty                 int64
	body                []byte
}

func (cw *checkoutWrites) name() string { return "checkout" }

func (cw *checkoutWrites) op(ctx context.Context, w int, rng *rand.Rand) outcome {
	product := cw.ck.hot[rng.IntN(len(cw.ck.hot))]
	qty := int64(1 + rng.IntN(3))
	phone := buyerPhone(w)
	key := "crash-" + randomID(rng)
	body := jsonBody(map[string]any{
		"items":         []map[string]any{{"productId": product, "qty": qty}},
		"buyer":         map[string]string{"name": "Khách " + phone, "phone": phone},
		"shipping":      map[string]string{"address": "12 đường 30/4", "regionId": cw.ck.regions[rng.IntN(len(cw.ck.regions))]},
		"paymentMethod": "cod",
	})
	st, data, err := cw.ck.c.do(ctx, "POST", "/api/v1/checkout", body, "Idempotency-Key", key)
	switch {
	case err != nil || st >= 500:
		// No answer (the server died mid-request): the outcome is unknown.
		cw.mu.Lock()
		cw.pending = append(cw.pending, pendingCheckout{key, phone, product, qty, body})
		cw.mu.Unlock()
	case st == http.StatusCreated:
		if a, ok := parseAck(data, phone, product, qty); ok {
			cw.ck.mu.Lock()
			cw.ck.acks = append(cw.ck.acks, a)
			cw.ck.mu.Unlock()
		} else {
			err = fmt.Errorf("checkout answered 201 without orders: %.200s", data)
		}
	case st == http.StatusConflict:
	default:
		err = &errStatus{"POST", "/api/v1/checkout", st, string(data)}
	}
	return outcome{status: st, err: err}
}

func parseAck(data []byte, phone, product string, qty int64) (ack, bool) {
	var out struct {
		ID     string `json:"id"`
		Orders []struct {
			Code string `json:"code"`
		} `json:"orders"`
	}
	if err := json.Unmarshal(data, &out); err != nil || out.ID == "" || len(out.Orders) == 0 {
		return ack{}, false
	}
	a := ack{checkoutID: out.ID, phone: phone, productID: product, qty: qty}
	for _, o := range out.Orders {
		a.codes = append(a.codes, o.Code)
	}
	return a, true
}

func (cw *checkoutWrites) settle(ctx context.Context) error {
	cw.mu.Lock()
	todo := cw.pending
	cw.pending = nil
	cw.mu.Unlock()
	for _, p := range todo {
		st, data, err := cw.ck.c.do(ctx, "POST", "/api/v1/checkout", p.body, "Idempotency-Key", p.key)
		if err != nil {
			return err
		}
		switch st {
		case http.StatusOK, http.StatusCreated:
			a, ok := parseAck(data, p.phone, p.product, p.qty)
			if !ok {
				return fmt.Errorf("retried checkout answered %d without orders: %.200s", st, data)
			}
			cw.ck.mu.Lock()
			cw.ck.acks = append(cw.ck.acks, a)
			cw.ck.mu.Unlock()
		case http.StatusConflict:
			// Out of stock now, so it did not commit before the kill either
			// (a committed one would be replayed): nothing was sold.
		default:
			return &errStatus{"POST", "/api/v1/checkout (retry)", st, string(data)}
		}
	}
	return nil
}

func (cw *checkoutWrites) verify(ctx context.Context) (int, []string, error) {
	acks := cw.ck.acknowledged()
	todo := acks[cw.seen:]
	cw.seen = len(acks)
	v, err := verifyCheckouts(ctx, cw.ck.c, nil, todo)
	return len(todo), v.missing, err
}

// crash runs write load, SIGKILLs the server at random moments, restarts
// it on the same data directory and checks that nothing acknowledged was
// lost, that stock adds up and that search converges.
func crash(ctx context.Context, o options, stdout, stderr io.Writer) (*crashReport, error) {
	tmp, err := os.MkdirTemp("", "ocopbench-crash-")
	if err != nil {
		return nil, err
	}
	defer func() {
		if o.keep {
			fmt.Fprintf(stdout, "Kept %s\n", tmp)
			return
		}
		os.RemoveAll(tmp)
	}()
	bin := o.ocopdBin
	if bin == "" {
		if bin, err = buildOcopd(ctx, tmp, stderr); err != nil {
			return nil, err
		}
	}
	dataDir := o.dataDir
	if dataDir == "" {
		dataDir = filepath.Join(tmp, "data")
	}
	var env []string
	if o.synchronous != "" {
		env = append(env, "OCOP_SQLITE_SYNCHRONOUS="+o.synchronous)
	}
	srv, err := newOcopd(bin, dataDir, env...)
	if err != nil {
		return nil, err
	}
	defer srv.kill()
	rep := &crashReport{synchronous: syncOf(o), kills: o.kills}
	if out, err := srv.runCommand(ctx, benchAdmin.password+"\n", "accounts", "create", "--role", "admin", "--phone", benchAdmin.phone, "--name", "Quản trị", "--password-stdin"); err != nil {
		return nil, fmt.Errorf("ocopd accounts create: %v\n%s", err, out)
	}
	if _, err := srv.start(ctx); err != nil {
		return nil, err
	}
	api := &apiClient{base: srv.url, hc: newClient(o.seedConns)}
	load := &apiClient{base: srv.url, hc: newClient(o.buyers)}

	var w crashWriter
	var ck *checkouts
	var initial map[string]int64
	var seededData *seeded
	if has, err := hasRoute(ctx, api, "/api/v1/checkout"); err != nil {
		return nil, err
	} else if has {
		ds, err := newDataset(o.seed, o.sellers, o.products, o.hot)
		if err != nil {
			return nil, err
		}
		seededData, err = seedMarket(ctx, api, ds, benchAdmin, o.seedConns, io.Discard)
		if err != nil {
			return nil, fmt.Errorf("%w\n%s", err, srv.log.String())
		}
		hot := seededData.ProductIDs[:o.hot]
		if initial, err = stocks(ctx, api, hot); err != nil {
			return nil, err
		}
		var communes []string
		for _, c := range ds.communes {
			communes = append(communes, c.ID)
		}
		ck = &checkouts{c: load, hot: hot, regions: communes, run: newRun()}
		w = &checkoutWrites{ck: ck}
	} else {
		w = &accountWrites{c: load}
	}
	rep.writer = w.name()

	rng := rand.New(rand.NewPCG(o.seed, 0xc4a54))
	for k := 0; k < o.kills; k++ {
		loadCtx, stopLoad := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			runLoad(loadCtx, "crash", time.Hour, o.buyers, o.seed+uint64(k), is2xx, w.op)
		}()
		// Kill at a random moment, somewhere in the busy part of the run.
		wait := o.duration/4 + time.Duration(rng.Int64N(int64(o.duration)))
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		srv.kill()
		stopLoad()
		<-done
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		d, err := srv.start(ctx)
		if err != nil {
			return rep, fmt.Errorf("restart %d: %w", k+1, err)
		}
		rep.coldStarts = append(rep.coldStarts, d)
		if err := w.settle(ctx); err != nil {
			return rep, fmt.Errorf("after restart %d: %w", k+1, err)
		}
		_, lost, err := w.verify(ctx)
		if err != nil {
			return rep, fmt.Errorf("after restart %d: %w", k+1, err)
		}
		rep.lost = append(rep.lost, lost...)
		fmt.Fprintf(stdout, "kill %d after %s: restarted in %s, %d lost so far\n", k+1, wait.Round(time.Millisecond), ms(d), len(rep.lost))
	}

	// At the end, everything once more, and the stock.
	switch w := w.(type) {
	case *accountWrites:
		n, lost, err := w.verifyAll(ctx)
		if err != nil {
			return rep, err
		}
		rep.acked, rep.lost = n, lost
		rep.searchNote = "not checked: this server has no checkout or search yet"
	case *checkoutWrites:
		acks := ck.acknowledged()
		v, err := verifyCheckouts(ctx, api, initial, acks)
		if err != nil {
			return rep, err
		}
		rep.acked, rep.lost, rep.stockProblem = v.acked, v.missing, v.oversold
		hasSearch, err := hasRoute(ctx, api, "/api/v1/search")
		if err != nil {
			return rep, err
		}
		if !hasSearch {
			rep.searchNote = "not checked: this server has no search yet"
			break
		}
		rep.converged, rep.searchOK, err = converge(ctx, api, seededData, 15*time.Second)
		if err != nil {
			rep.lost = append(rep.lost, "search: "+err.Error())
		}
	}
	if p := srv.log.panics(); p > 0 {
		rep.lost = append(rep.lost, fmt.Sprintf("%d panics in the server log", p))
	}
	if !rep.ok() {
		return rep, fmt.Errorf("crash test failed")
	}
	return rep, nil
}

// converge waits until search agrees with the store: every seeded product
// is found, and exactly those with stock are found with inStock=true.
func converge(ctx context.Context, api *apiClient, s *seeded, timeout time.Duration) (time.Duration, bool, error) {
	all, err := stocks(ctx, api, s.ProductIDs)
	if err != nil {
		return 0, false, err
	}
	inStock := 0
	for _, st := range all {
		if st > 0 {
			inStock++
		}
	}
	start := time.Now()
	var total, stocked int
	for time.Since(start) < timeout {
		total, err = searchTotal(ctx, api, "")
		if err == nil {
			stocked, err = searchTotal(ctx, api, "inStock=true")
		}
		if err == nil && total == len(s.ProductIDs) && stocked == inStock {
			return time.Since(start), true, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return 0, false, fmt.Errorf("after %s search finds %d products (%d in stock); the store has %d (%d in stock); last error %v",
		timeout, total, stocked, len(s.ProductIDs), inStock, err)
}

// hasRoute reports whether the server's OpenAPI document has a path.
func hasRoute(ctx context.Context, c *apiClient, path string) (bool, error) {
	st, data, err := c.do(ctx, "GET", "/api/v1/openapi.json", nil)
	if err != nil || st != http.StatusOK {
		return false, fmt.Errorf("openapi.json: %d %v", st, err)
	}
	return strings.Contains(string(data), `"`+path+`"`), nil
}
