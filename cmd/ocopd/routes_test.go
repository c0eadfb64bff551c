package main

import (
	"testing"

	"github.com/ocopmarket/market/httpserver/apitest"
)

// A known path asked with the wrong method says which methods it serves;
// an unknown path is not found.
func TestWrongMethodAndUnknownPath(t *testing.T) {
	srv := startServer(t, nil)
	c := apitest.New(t, srv.URL)
	tests := []struct {
		method, path string
		status       int
		allow        string
	}{
		{"PUT", "/api/v1/me", 405, "GET"},
		{"GET", "/api/v1/checkout", 405, "POST"},
		{"POST", "/healthz", 405, "GET, HEAD"},
		{"DELETE", "/api/v1/sellers/01abc", 405, "GET, PATCH"},
		{"PATCH", "/api/v1/products", 405, "GET, POST"},
		{"GET", "/api/v1/no-such-thing", 404, ""},
		{"POST", "/api/v1/no/such/thing", 404, ""},
		{"GET", "/no-such-page", 404, ""},
	}
	for _, tt := range tests {
		resp := c.Do(tt.method, tt.path, nil, "Accept", "application/json")
		want := map[int]string{404: "not_found", 405: "method_not_allowed"}[tt.status]
		if resp.Status != tt.status || resp.ErrorCode() != want {
			t.Errorf("%s %s: %d %s, want %d %s", tt.method, tt.path, resp.Status, resp.Body, tt.status, want)
		}
		if got := resp.Header.Get("Allow"); got != tt.allow {
			t.Errorf("%s %s: Allow %q, want %q", tt.method, tt.path, got, tt.allow)
		}
	}
}
