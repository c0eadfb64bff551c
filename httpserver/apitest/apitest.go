// Package apitest is a client for tests of the HTTP API that checks every
// response it receives against the OpenAPI document, so that the document
// cannot drift from the code.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/ocopmarket/market/httpserver"
)

// Client talks to a running server at BaseURL.
type Client struct {
	t       testing.TB
	BaseURL string
	HTTP    *http.Client
	// Token, when set, is sent as a bearer token.
	Token string
	// Lang, when set, is sent as Accept-Language.
	Lang string
}

// New returns a client for the server at baseURL (e.g. "http://127.0.0.1:43210").
func New(t testing.TB, baseURL string) *Client {
	return &Client{t: t, BaseURL: strings.TrimSuffix(baseURL, "/"), HTTP: &http.Client{}}
}

// As returns a copy of the client that sends token.
func (c *Client) As(token string) *Client {
	cp := *c
	cp.Token = token
	return &cp
}

// Response is a response whose body has been read.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test if it is not JSON.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("response is not JSON (%v): %s", err, r.Body)
	}
}

// ErrorCode returns the error code of an error response, or "".
func (r *Response) ErrorCode() string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &e)
	return e.Error.Code
}

// Do sends a request. body may be nil, a []byte / string (sent as is), or
// any other value (sent as JSON). Extra headers come in name, value pairs.
func (c *Client) Do(method, path string, body any, headers ...string) *Response {
	c.t.Helper()
	var rdr io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rdr, contentType = bytes.NewReader(b), "application/json"
	case string:
		rdr, contentType = strings.NewReader(b), "application/json"
	default:
		js, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rdr, contentType = bytes.NewReader(js), "application/json"
	}
	req, err := http.NewRequest(method, c.BaseURL+path, rdr)
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if c.Lang != "" {
		req.Header.Set("Accept-Language", c.Lang)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.Send(req)
}

// Send sends a prepared request and checks the response against the document.
func (c *Client) Send(req *http.Request) *Response {
	c.t.Helper()
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading body: %v", req.Method, req.URL.Path, err)
	}
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
	if err := CheckResponse(req, out); err != nil {
		c.t.Errorf("%s %s → %d does not match the OpenAPI document: %v\nbody: %.2000s", req.Method, req.URL.Path, out.Status, err, body)
	}
	return out
}

var docOnce = sync.OnceValues(func() (routers.Router, error) {
	js, err := httpserver.OpenAPIDocument()
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(js)
	if err != nil {
		return nil, err
	}
	doc.Servers = nil // match any host
	return gorillamux.NewRouter(doc)
})

// documented reports whether the path belongs to the documented API rather
// than the web pages.
func documented(path string) bool {
	return strings.HasPrefix(path, "/api/") || path == "/healthz" || path == "/readyz" || path == "/metrics"
}

// CheckResponse validates one response against the OpenAPI document: its
// route and status must be documented and its body must match the schema.
func CheckResponse(req *http.Request, resp *Response) error {
	if !documented(req.URL.Path) {
		return nil
	}
	router, err := docOnce()
	if err != nil {
		return fmt.Errorf("loading the document: %w", err)
	}
	// Route on a copy without a host, as the document has no servers.
	r2 := req.Clone(context.Background())
	route, params, err := router.FindRoute(r2)
	if err != nil {
		if resp.Status == http.StatusNotFound || resp.Status == http.StatusMethodNotAllowed {
			return nil // an unknown path or method answered as such
		}
		return fmt.Errorf("undocumented route: %w", err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: r2, PathParams: params, Route: route,
		},
		Status:  resp.Status,
		Header:  resp.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(resp.Body)
	return openapi3filter.ValidateResponse(context.Background(), in)
}
