package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// bodyRoute is an endpoint of the API that reads a request body.
type bodyRoute struct {
	method, path string
	header       []string // name, value pairs
}

// bodyRoutes are every endpoint of API.md that takes a body. Those not
// served yet answer 404, which the test accepts: it asserts that no input
// gets a 5xx, a panic or a malformed answer.
var bodyRoutes = []bodyRoute{
	{"POST", "/api/v1/accounts", nil},
	{"POST", "/api/v1/sessions", nil},
	{"POST", "/api/v1/sellers", nil},
	{"PATCH", "/api/v1/sellers/{seller}", nil},
	{"POST", "/api/v1/sellers/{seller}/verification", nil},
	{"POST", "/api/v1/sellers/{seller}/helpers", nil},
	{"POST", "/api/v1/products", nil},
	{"PATCH", "/api/v1/products/{product}", []string{"If-Match", `"1"`}},
	{"POST", "/api/v1/products/{product}/ocop-verification", nil},
	{"POST", "/api/v1/checkout", []string{"Idempotency-Key", "fuzz-replay-key-1"}},
	{"POST", "/api/v1/orders/{order}/transitions", nil},
	{"POST", "/api/v1/orders/{order}/payment", nil},
	{"POST", "/api/v1/uptake/ocop-registry?regionId=can-tho", []string{"Content-Type", "text/csv"}},
	{"POST", "/api/v1/webhooks/stripe", []string{"Stripe-Signature", "t=1,v1=00"}},
}

// readCorpus reads the []byte and string inputs of a go-fuzz corpus
// directory, as written by `go test -fuzz`.
func readCorpus(t testing.TB, dir string) [][]byte {
	t.Helper()
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("corpus %s: %v", dir, err)
	}
	var out [][]byte
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			q, ok := strings.CutPrefix(line, "[]byte(")
			if !ok {
				q, ok = strings.CutPrefix(line, "string(")
			}
			if ok {
				s, err := strconv.Unquote(strings.TrimSuffix(q, ")"))
				if err != nil {
					t.Fatalf("%s: %v", f.Name(), err)
				}
				out = append(out, []byte(s))
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no inputs in %s", dir)
	}
	return out
}

// FuzzAPIBodies sends hostile bodies to every body-taking endpoint of a
// real server, anonymously and as an admin. Its seeds are the committed
// corpus of httpserver's FuzzDecode, so `go test` replays that corpus
// through the real handlers. Run long with:
//
//	go test -run '^$' -fuzz '^FuzzAPIBodies$' -fuzztime 10m ./cmd/ocopd
func FuzzAPIBodies(f *testing.F) {
	for _, body := range readCorpus(f, "../../httpserver/testdata/fuzz/FuzzDecode") {
		for i := range bodyRoutes {
			f.Add(uint8(i), body)
		}
	}
	srv := startServer(f, map[string]string{"OCOP_RATE_LIMITS": "off"})
	adminToken := fuzzAdmin(f, srv)
	hc := &http.Client{}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		rt := bodyRoutes[int(route)%len(bodyRoutes)]
		path := strings.NewReplacer("{seller}", "01jz0000000000000000000000", "{product}", "01jz0000000000000000000001", "{order}", "01jz0000000000000000000002").Replace(rt.path)
		for _, token := range []string{"", adminToken} {
			req, err := http.NewRequest(rt.method, srv.URL+path, bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			for i := 0; i+1 < len(rt.header); i += 2 {
				req.Header.Set(rt.header[i], rt.header[i+1])
			}
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v", rt.method, path, err)
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 500 {
				t.Fatalf("%s %s with %q: %d %s\n%s", rt.method, path, body, resp.StatusCode, data, srv.stderr.String())
			}
			if resp.StatusCode >= 400 {
				var e struct {
					Error struct {
						Code      string `json:"code"`
						Message   string `json:"message"`
						RequestID string `json:"requestId"`
					} `json:"error"`
				}
				if err := json.Unmarshal(data, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" || e.Error.RequestID == "" {
					t.Fatalf("%s %s with %q: %d answer is not an API error: %s", rt.method, path, body, resp.StatusCode, data)
				}
			}
		}
		if strings.Contains(srv.stderr.String(), "panic") {
			t.Fatalf("the server logged a panic:\n%s", srv.stderr.String())
		}
	})
}

// fuzzAdmin creates an admin in the server's data directory and signs in.
func fuzzAdmin(f *testing.F, srv *testServer) string {
	f.Helper()
	getenv := func(k string) string { return srv.env[k] }
	if err := run(f.Context(), []string{"accounts", "create", "--role", "admin", "--phone", "0911111119", "--name", "Quản trị", "--password-stdin"},
		getenv, strings.NewReader("fuzz-admin-pass\n"), io.Discard, io.Discard); err != nil {
		f.Fatal(err)
	}
	resp, err := http.Post(srv.URL+"/api/v1/sessions", "application/json", strings.NewReader(`{"phone":"0911111119","password":"fuzz-admin-pass"}`))
	if err != nil {
		f.Fatal(err)
	}
	defer resp.Body.Close()
	var s struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil || s.Token == "" {
		f.Fatalf("admin sign-in: %d %v", resp.StatusCode, err)
	}
	return s.Token
}

// FuzzSearchQueries sends hostile query strings to the search API, its
// suggestions and the search page of a real server. Its seeds are the
// committed corpus of search's FuzzParseQuery. Run long with:
//
//	go test -run '^$' -fuzz '^FuzzSearchQueries$' -fuzztime 10m ./cmd/ocopd
func FuzzSearchQueries(f *testing.F) {
	for _, raw := range readCorpus(f, "../../search/testdata/fuzz/FuzzParseQuery") {
		f.Add(string(raw))
	}
	f.Add("q=hoa+sung&perPage=3")
	srv := startServer(f, map[string]string{"OCOP_RATE_LIMITS": "off"})
	hc := &http.Client{}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, path := range []string{"/api/v1/search?", "/api/v1/search/suggest?", "/search?"} {
			req, err := http.NewRequest("GET", srv.URL+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.URL.RawQuery = raw
			resp, err := hc.Do(req)
			if err != nil {
				continue // not a request a client can send
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 500 {
				t.Fatalf("GET %s%s: %d %s\n%s", path, raw, resp.StatusCode, data, srv.stderr.String())
			}
			// net/http itself refuses a request line it cannot read
			// (a NUL byte) before any handler: no request id then.
			handled := resp.Header.Get("X-Request-Id") != ""
			if resp.StatusCode >= 400 && handled && strings.HasPrefix(path, "/api/") {
				var e struct {
					Error struct {
						Code    string `json:"code"`
						Message string `json:"message"`
					} `json:"error"`
				}
				if err := json.Unmarshal(data, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
					t.Fatalf("GET %s%s: %d answer is not an API error: %s", path, raw, resp.StatusCode, data)
				}
			}
		}
		if strings.Contains(srv.stderr.String(), "panic") {
			t.Fatalf("the server logged a panic:\n%s", srv.stderr.String())
		}
	})
}
