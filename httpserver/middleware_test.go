package httpserver

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ocopmarket/market"
)

func testServer(t *testing.T) *Server {
	t.Helper()
	s, err := New(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{RateLimits: true}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPanicBecomes500WithRequestID(t *testing.T) {
	s := testServer(t)
	h := s.requestID(s.recoverPanic(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		var m map[string]int
		m["boom"]++ // a nil map write: a real bug, not a staged one
	})))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/api/v1/anything", nil)
	req.Header.Set("Accept-Language", "en")
	h.ServeHTTP(rec, req)
	var body errorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("not JSON: %s", rec.Body)
	}
	if rec.Code != 500 || body.Error.Code != "internal" || body.Error.RequestID == "" || body.Error.RequestID != rec.Header().Get("X-Request-Id") {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	if strings.Contains(rec.Body.String(), "nil map") || strings.Contains(rec.Body.String(), "goroutine") {
		t.Fatalf("the panic leaked to the client: %s", rec.Body)
	}
}

func TestLanguage(t *testing.T) {
	tests := []struct {
		header, cookie, want string
	}{
		{"", "", "vi"},
		{"en", "", "en"},
		{"en-US,en;q=0.9", "", "en"},
		{"vi-VN,vi;q=0.9,en;q=0.8", "", "vi"},
		{"fr-FR,en;q=0.5", "", "en"},
		{"fr-FR", "", "vi"},
		{"en;q=0.2,vi;q=0.8", "", "vi"},
		{"en", "vi", "vi"},
		{"", "en", "en"},
		{"", "xx", "vi"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		if tt.header != "" {
			r.Header.Set("Accept-Language", tt.header)
		}
		if tt.cookie != "" {
			r.AddCookie(&http.Cookie{Name: "lang", Value: tt.cookie})
		}
		if got := language(r); got != tt.want {
			t.Errorf("language(%q, cookie %q) = %q, want %q", tt.header, tt.cookie, got, tt.want)
		}
	}
}

func TestJSONIsGzipped(t *testing.T) {
	s := testServer(t)
	srv := httptest.NewServer(s)
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/openapi.json", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding = %q", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.NewDecoder(zr).Decode(&doc); err != nil || doc["openapi"] == nil {
		t.Fatalf("decompressed body is not the document: %v", err)
	}
}

func TestLimiterRefills(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(3, time.Minute)
	l.now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		if ok, _ := l.allow("+84912345678"); !ok {
			t.Fatalf("attempt %d refused within the burst", i+1)
		}
	}
	ok, wait := l.allow("+84912345678")
	if ok || wait <= 0 || wait > time.Minute {
		t.Fatalf("4th attempt: ok=%v wait=%v", ok, wait)
	}
	if ok, _ := l.allow("+84987654321"); !ok {
		t.Fatal("another key shares the bucket")
	}
	now = now.Add(time.Minute)
	if ok, _ := l.allow("+84912345678"); !ok {
		t.Fatal("no token after a minute")
	}
	now = now.Add(time.Hour)
	l.allow("x")
	if len(l.buckets) != 1 {
		t.Fatalf("stale buckets kept: %d", len(l.buckets))
	}
}

func TestOpenAPIFragmentsMustNotDisagree(t *testing.T) {
	dst := map[string]any{"paths": map[string]any{"/a": map[string]any{"get": "x"}}}
	if err := mergeInto(dst, map[string]any{"paths": map[string]any{"/b": map[string]any{"get": "y"}}}, "b.yaml"); err != nil {
		t.Fatal(err)
	}
	if err := mergeInto(dst, map[string]any{"paths": map[string]any{"/a": map[string]any{"get": "z"}}}, "c.yaml"); err == nil || !strings.Contains(err.Error(), "/paths/a/get") && !strings.Contains(err.Error(), "c.yaml") {
		t.Fatalf("conflicting fragments merged: %v", err)
	}
}

func TestClientGoneIsNotAnInternalError(t *testing.T) {
	var logs strings.Builder
	ctx, cancel := context.WithCancel(context.Background())
	ctx = context.WithValue(ctx, keyInfo, &reqInfo{id: "r1", base: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	cancel()
	r := httptest.NewRequest("POST", "/api/v1/checkout", nil).WithContext(ctx)
	rec := httptest.NewRecorder()
	writeError(rec, r, fmt.Errorf("sqlite: begin: %w", context.Canceled))
	if rec.Code != http.StatusServiceUnavailable || strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("got %d, logs %q", rec.Code, logs.String())
	}
}

func TestClientAddrBehindAProxy(t *testing.T) {
	s := &Server{cfg: Config{TrustProxy: true}}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.2:5000"
	r.Header.Set("X-Forwarded-For", "1.2.3.4, 203.0.113.7")
	if got := s.clientAddr(r); got != "203.0.113.7" {
		t.Errorf("clientAddr = %q: a client-written address was trusted", got)
	}
	s.cfg.TrustProxy = false
	if got := s.clientAddr(r); got != "10.0.0.2" {
		t.Errorf("without a trusted proxy clientAddr = %q", got)
	}
}

// TestLogsNameTheRequest: the access line and what a handler logs both
// carry the request's id, the one the client sent or the server made.
func TestLogsNameTheRequest(t *testing.T) {
	var logs strings.Builder
	s, err := New(slog.New(slog.NewTextHandler(&logs, nil)), Config{}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	h := s.requestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		loggerFrom(r.Context()).Warn("stock ran out")
		w.WriteHeader(http.StatusConflict)
	}))
	req := httptest.NewRequest("GET", "/api/v1/products/p1", nil)
	id := market.NewID()
	req.Header.Set("X-Request-Id", id)
	h.ServeHTTP(httptest.NewRecorder(), req)
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `msg="stock ran out" requestId=`+id) ||
		!strings.Contains(lines[1], "msg=request requestId="+id+" method=GET") || !strings.Contains(lines[1], "status=409") {
		t.Fatalf("logs:\n%s", logs.String())
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"":                        false,
		"gzip":                    true,
		"br, gzip;q=0.8, deflate": true,
		"deflate, GZIP":           true,
		"gzip;q=0":                false,
		"gzip; q = 0, br":         false,
		"identity,,gzip":          true,
		"x-gzip, br":              false,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Encoding", header)
		if got := acceptsGzip(r); got != want {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v", header, got, want)
		}
	}
}
