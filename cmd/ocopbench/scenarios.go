package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// productOp is the product scenario: GET a product by id, uniformly at
// random over the catalogue.
func productOp(c *apiClient, ids []string) op {
	return func(ctx context.Context, w int, rng *rand.Rand) outcome {
		o := c.discard(ctx, "/api/v1/products/"+ids[rng.IntN(len(ids))])
		o.kind = "product"
		return o
	}
}

// searchOp is the search scenario: a query drawn from the realistic mix.
func searchOp(c *apiClient, queries []string) op {
	return func(ctx context.Context, w int, rng *rand.Rand) outcome {
		o := c.discard(ctx, queries[rng.IntN(len(queries))])
		o.kind = "search"
		return o
	}
}

// ack is a checkout the server acknowledged with 201.
type ack struct {
	checkoutID string
	phone      string
	productID  string
	qty        int64
	codes      []string
}

// checkouts is the checkout scenario: single-line COD checkouts by a fixed
// set of guest buyers (one per worker) over the hot products. It remembers
// every acknowledged checkout for the verification afterwards.
type checkouts struct {
	c       *apiClient
	hot     []string
	regions []string
	// run makes the idempotency keys of this run its own: the load is
	// reproducible from --seed, and a rerun on a kept data directory
	// would otherwise replay the last run's checkouts (200, not 201).
	run   string
	mu    sync.Mutex
	acks  []ack
	short atomic.Int64 // 409 insufficient_stock answers
}

// newRun names a run for its idempotency keys.
func newRun() string { return strconv.FormatInt(time.Now().UnixNano(), 36) }

// key is the idempotency key of the next checkout.
func (ck *checkouts) key(rng *rand.Rand) string { return "bench-" + ck.run + "-" + randomID(rng) }

func buyerPhone(w int) string { return fmt.Sprintf("03%08d", 20_000_000+w) }

func (ck *checkouts) op(ctx context.Context, w int, rng *rand.Rand) outcome {
	product := ck.hot[rng.IntN(len(ck.hot))]
	qty := int64(1 + rng.IntN(3))
	phone := buyerPhone(w)
	body := jsonBody(map[string]any{
		"items":         []map[string]any{{"productId": product, "qty": qty}},
		"buyer":         map[string]string{"name": "Khách " + strconv.Itoa(w+1), "phone": phone},
		"shipping":      map[string]string{"address": strconv.Itoa(1+rng.IntN(200)) + " đường 30/4", "regionId": ck.regions[rng.IntN(len(ck.regions))]},
		"paymentMethod": "cod",
	})
	st, data, err := ck.c.do(ctx, "POST", "/api/v1/checkout", body, "Idempotency-Key", ck.key(rng))
	o := outcome{status: st, err: err, kind: "checkout"}
	switch {
	case err != nil:
	case st == http.StatusCreated:
		var out struct {
			ID     string `json:"id"`
			Orders []struct {
				Code string `json:"code"`
			} `json:"orders"`
		}
		if err := json.Unmarshal(data, &out); err != nil || out.ID == "" || len(out.Orders) == 0 {
			o.err = fmt.Errorf("checkout answered 201 without orders: %s", data)
			o.status = -1 // counted as a failure
			return o
		}
		a := ack{checkoutID: out.ID, phone: phone, productID: product, qty: qty}
		for _, ord := range out.Orders {
			a.codes = append(a.codes, ord.Code)
		}
		ck.mu.Lock()
		ck.acks = append(ck.acks, a)
		ck.mu.Unlock()
	case st == http.StatusConflict:
		ck.short.Add(1)
	default:
		o.err = &errStatus{"POST", "/api/v1/checkout", st, string(data)}
	}
	return o
}

func (ck *checkouts) acknowledged() []ack {
	ck.mu.Lock()
	defer ck.mu.Unlock()
	return append([]ack(nil), ck.acks...)
}

// productStock reads a product's stock through the API.
func productStock(ctx context.Context, c *apiClient, id string) (int64, error) {
	var p struct {
		Stock *int64 `json:"stock"`
	}
	if err := c.call(ctx, "GET", "/api/v1/products/"+id, "", nil, http.StatusOK, &p); err != nil {
		return 0, err
	}
	if p.Stock == nil {
		return 0, fmt.Errorf("product %s has no stock field", id)
	}
	return *p.Stock, nil
}

// stocks reads the stock of every product in ids.
func stocks(ctx context.Context, c *apiClient, ids []string) (map[string]int64, error) {
	out := make(map[string]int64, len(ids))
	var mu sync.Mutex
	err := parallel(ctx, len(ids), 8, nil, func(ctx context.Context, i int) error {
		s, err := productStock(ctx, c, ids[i])
		mu.Lock()
		out[ids[i]] = s
		mu.Unlock()
		return err
	})
	return out, err
}

// verification is what the checks after a checkout run found.
type verification struct {
	acked     int
	lookedUp  int
	missing   []string // acknowledged orders the store does not have
	oversold  []string // products whose stock went negative or does not add up
	unitsSold int64
}

func (v verification) ok() bool { return len(v.missing) == 0 && len(v.oversold) == 0 }

func (v verification) String() string {
	s := fmt.Sprintf("%d acknowledged checkouts, %d orders found by code and phone, %d units sold; missing %d, stock mismatches %d",
		v.acked, v.lookedUp, v.unitsSold, len(v.missing), len(v.oversold))
	for i, m := range append(append([]string(nil), v.missing...), v.oversold...) {
		if i == 5 {
			s += "\n  …"
			break
		}
		s += "\n  " + m
	}
	return s
}

// verifyCheckouts checks that no hot product was oversold (stock never
// negative, and initial − final = units acknowledged) and that every order
// of every acknowledged checkout is found by its code and the buyer's phone.
func verifyCheckouts(ctx context.Context, c *apiClient, initial map[string]int64, acks []ack) (verification, error) {
	v := verification{acked: len(acks)}
	sold := map[string]int64{}
	for _, a := range acks {
		sold[a.productID] += a.qty
		v.unitsSold += a.qty
	}
	ids := make([]string, 0, len(initial))
	for id := range initial {
		ids = append(ids, id)
	}
	final, err := stocks(ctx, c, ids)
	if err != nil {
		return v, err
	}
	for _, id := range ids {
		if final[id] < 0 || initial[id]-final[id] != sold[id] {
			v.oversold = append(v.oversold, fmt.Sprintf("product %s: stock %d → %d but %d units acknowledged", id, initial[id], final[id], sold[id]))
		}
	}
	type lookup struct{ code, phone, product string }
	var todo []lookup
	for _, a := range acks {
		for _, code := range a.codes {
			todo = append(todo, lookup{code, a.phone, a.productID})
		}
	}
	var mu sync.Mutex
	err = parallel(ctx, len(todo), 16, nil, func(ctx context.Context, i int) error {
		l := todo[i]
		st, data, err := c.do(ctx, "GET", "/api/v1/orders/lookup?code="+url.QueryEscape(l.code)+"&phone="+url.QueryEscape(l.phone), nil)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		var o struct {
			Code  string `json:"code"`
			Lines []struct {
				ProductID string `json:"productId"`
			} `json:"lines"`
		}
		if st != http.StatusOK || json.Unmarshal(data, &o) != nil || o.Code != l.code || len(o.Lines) == 0 || o.Lines[0].ProductID != l.product {
			v.missing = append(v.missing, fmt.Sprintf("order %s of %s: %d %.200s", l.code, l.phone, st, data))
			return nil
		}
		v.lookedUp++
		return nil
	})
	return v, err
}

// mixedOp is the mixed scenario: 80 % search and browsing, 15 % product
// pages, 5 % checkouts.
func mixedOp(search, product op, ck *checkouts) op {
	return func(ctx context.Context, w int, rng *rand.Rand) outcome {
		switch n := rng.IntN(100); {
		case n < 80:
			return search(ctx, w, rng)
		case n < 95:
			return product(ctx, w, rng)
		default:
			return ck.op(ctx, w, rng)
		}
	}
}
