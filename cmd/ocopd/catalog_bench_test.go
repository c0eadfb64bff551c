package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ocopmarket/market/accounts"
	"github.com/ocopmarket/market/sellers"
)

// benchApp is the whole application over a fresh SQLite file, driven
// through its HTTP handler without a network.
func benchApp(b *testing.B) (http.Handler, string, string) {
	b.Helper()
	cfg, err := loadConfig(func(k string) string {
		return map[string]string{"OCOP_DATA_DIR": b.TempDir(), "OCOP_SQLITE_SYNCHRONOUS": "NORMAL", "OCOP_RATE_LIMITS": "off"}[k]
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	st, err := openStores(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.close() })
	a, err := newApp(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := a.accounts.Register(ctx, accountsSignUp("0912000111")); err != nil {
		b.Fatal(err)
	}
	token, _, acc, err := a.accounts.SignIn(ctx, "0912000111", "bench-pass-1")
	if err != nil {
		b.Fatal(err)
	}
	s, err := a.market.sellers.Create(ctx, acc.Actor(), sellers.Profile{Name: "HTX Khóm Cầu Đúc", Kind: sellers.KindCooperative,
		Phone: "0912000111", RegionID: "can-tho.vi-thanh", Address: "Ấp 1"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := a.market.sellers.SetStatus(ctx, s.ID, sellers.StatusVerified, "bench", ""); err != nil {
		b.Fatal(err)
	}
	return a.handler, token, s.ID
}

func serveJSON(b *testing.B, h http.Handler, method, path, token string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// BenchmarkProductCreate lists products through the HTTP handler: JSON
// decoding, authentication, validation, the SQLite write and the answer.
func BenchmarkProductCreate(b *testing.B) {
	h, token, sellerID := benchApp(b)
	body, _ := json.Marshal(map[string]any{"sellerId": sellerID, "name": "Khóm Cầu Đúc", "categoryId": "trai-cay", "unit": "trái",
		"priceVnd": 15000, "priceTiers": []map[string]int{{"minQty": 10, "priceVnd": 13000}}, "stock": 300})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if rec := serveJSON(b, h, "POST", "/api/v1/products", token, body); rec.Code != http.StatusCreated {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkProductGet reads one public product, with its seller, through
// the HTTP handler, anonymously and in parallel.
func BenchmarkProductGet(b *testing.B) {
	h, token, sellerID := benchApp(b)
	body, _ := json.Marshal(map[string]any{"sellerId": sellerID, "name": "Khóm Cầu Đúc", "categoryId": "trai-cay", "unit": "trái", "priceVnd": 15000, "stock": 300})
	rec := serveJSON(b, h, "POST", "/api/v1/products", token, body)
	var p struct{ ID string }
	json.Unmarshal(rec.Body.Bytes(), &p)
	path := fmt.Sprintf("/api/v1/products/%s", p.ID)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if rec := serveJSON(b, h, "GET", path, "", nil); rec.Code != http.StatusOK {
				b.Errorf("%d %s", rec.Code, rec.Body)
				return
			}
		}
	})
}

func accountsSignUp(phone string) accounts.SignUp {
	return accounts.SignUp{Phone: phone, Password: "bench-pass-1", Name: "Người bán"}
}
