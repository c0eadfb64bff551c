package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
)

// seeded is what the tool knows of a seeded marketplace, kept beside the
// data directory so that a later run over the same directory skips seeding.
type seeded struct {
	Seed       uint64        `json:"seed"`
	Sellers    int           `json:"sellers"`
	ProductIDs []string      `json:"productIds"`
	AdminAuth  string        `json:"-"`
	Took       time.Duration `json:"took"`
}

const seededFile = "ocopbench-dataset.json"

func loadSeeded(dataDir string) (*seeded, error) {
	data, err := os.ReadFile(filepath.Join(dataDir, seededFile))
	if err != nil {
		return nil, err
	}
	var s seeded
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

func (s *seeded) save(dataDir string) error {
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dataDir, seededFile), data, 0o644)
}

// admin is the account that verifies sellers and certificates while seeding.
type admin struct {
	phone, password string
}

var benchAdmin = admin{phone: "0900000001", password: "ocopbench-admin-pass"}

// jsonBody marshals v; the tool's own values always marshal.
func jsonBody(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// call sends a JSON request and decodes a JSON answer of the wanted status into out.
func (c *apiClient) call(ctx context.Context, method, path, token string, in any, want int, out any) error {
	var body []byte
	if in != nil {
		body = jsonBody(in)
	}
	var headers []string
	if token != "" {
		headers = append(headers, "Authorization", "Bearer "+token)
	}
	st, data, err := c.do(ctx, method, path, body, headers...)
	if err != nil {
		return err
	}
	if st != want {
		return &errStatus{method, path, st, string(data)}
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return nil
}

// signIn returns a session token.
func (c *apiClient) signIn(ctx context.Context, phone, password string) (string, error) {
	var s struct {
		Token string `json:"token"`
	}
	err := c.call(ctx, "POST", "/api/v1/sessions", "", map[string]string{"phone": phone, "password": password}, http.StatusCreated, &s)
	return s.Token, err
}

// parallel runs fn(i) for i in [0, n) on conns workers, stopping at the
// first error, and ticks bar once per item.
func parallel(ctx context.Context, n, conns int, bar *progressbar.ProgressBar, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(ctx, i); err != nil {
					cancel(err)
					return
				}
				if bar != nil {
					_ = bar.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// newBar is a progress bar on a terminal, nothing otherwise.
func newBar(w io.Writer, n int, what string) *progressbar.ProgressBar {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return progressbar.NewOptions(n,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(what),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

// seedMarket creates the dataset through the public API: an account, a
// session and a seller per seller (verified by the admin), then the
// products, with their OCOP certificates verified.
func seedMarket(ctx context.Context, c *apiClient, d *dataset, adm admin, conns int, progress io.Writer) (*seeded, error) {
	start := time.Now()
	adminToken, err := c.signIn(ctx, adm.phone, adm.password)
	if err != nil {
		return nil, fmt.Errorf("admin sign-in: %w", err)
	}
	sellerIDs := make([]string, len(d.sellers))
	tokens := make([]string, len(d.sellers))
	bar := newBar(progress, len(d.sellers), "sellers")
	err = parallel(ctx, len(d.sellers), conns, bar, func(ctx context.Context, i int) error {
		s := d.sellers[i]
		password := "ocopbench-" + s.phone
		if err := c.call(ctx, "POST", "/api/v1/accounts", "", map[string]string{"phone": s.phone, "password": password, "name": s.name}, http.StatusCreated, nil); err != nil {
			return err
		}
		token, err := c.signIn(ctx, s.phone, password)
		if err != nil {
			return err
		}
		var out struct {
			ID string `json:"id"`
		}
		if err := c.call(ctx, "POST", "/api/v1/sellers", token, map[string]any{
			"name": s.name, "kind": s.kind, "phone": s.phone, "regionId": s.regionID, "address": s.address,
		}, http.StatusCreated, &out); err != nil {
			return err
		}
		if err := c.call(ctx, "POST", "/api/v1/sellers/"+out.ID+"/verification", adminToken,
			map[string]string{"decision": "verify", "note": "ocopbench"}, http.StatusOK, nil); err != nil {
			return err
		}
		sellerIDs[i], tokens[i] = out.ID, token
		return nil
	})
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		return nil, fmt.Errorf("seeding sellers: %w", err)
	}

	ids := make([]string, len(d.products))
	bar = newBar(progress, len(d.products), "products")
	err = parallel(ctx, len(d.products), conns, bar, func(ctx context.Context, i int) error {
		p := d.products[i]
		body := map[string]any{
			"sellerId": sellerIDs[p.seller], "name": p.name, "description": p.name + " — đặc sản miền Tây, giao tận nơi.",
			"categoryId": p.categoryID, "unit": p.unit, "priceVnd": p.priceVND, "stock": p.stock,
			"minOrderQty": 1, "regionId": p.regionID, "status": "active",
		}
		if p.stars > 0 {
			body["ocop"] = map[string]any{"stars": p.stars, "certificateNo": p.certificate, "issuedBy": "province",
				"issuedAt": "2024-05-01", "expiresAt": "2030-05-01"}
		}
		var out struct {
			ID string `json:"id"`
		}
		if err := c.call(ctx, "POST", "/api/v1/products", tokens[p.seller], body, http.StatusCreated, &out); err != nil {
			return err
		}
		if p.stars > 0 {
			if err := c.call(ctx, "POST", "/api/v1/products/"+out.ID+"/ocop-verification", adminToken,
				map[string]string{"decision": "verify", "note": "ocopbench"}, http.StatusOK, nil); err != nil {
				return err
			}
		}
		ids[i] = out.ID
		return nil
	})
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		return nil, fmt.Errorf("seeding products: %w", err)
	}
	s := &seeded{Seed: d.seed, Sellers: len(d.sellers), ProductIDs: ids, AdminAuth: adminToken, Took: time.Since(start)}
	return s, nil
}
