package httpserver

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// TestUnknownQueryParameters: an operation refuses the parameters it does
// not have, naming each with the one meant when it is near enough, in the
// caller's language; its own parameters, and operations without a query,
// pass.
func TestUnknownQueryParameters(t *testing.T) {
	s := testServer(t)
	h := s.requestID(s.router)
	ask := func(path, lang string) (int, errorBody) {
		t.Helper()
		req := httptest.NewRequest("GET", path, nil)
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var body errorBody
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		return rec.Code, body
	}
	// The test server has no stores: of the API, only the operations of
	// accounts and the document answer.
	if code, body := ask("/api/v1/openapi.json", ""); code != http.StatusOK {
		t.Fatalf("the document: %d %+v", code, body)
	}
	code, body := ask("/api/v1/openapi.json?all=1&v=2", "")
	if code != http.StatusBadRequest || body.Error.Code != "invalid" || body.Error.Message != "Địa chỉ có tham số không dùng được." ||
		body.Error.Fields["all"] != "Địa chỉ này không nhận tham số nào." || len(body.Error.Fields) != 2 {
		t.Fatalf("parameters where there are none: %d %+v", code, body)
	}
	_, body = ask("/api/v1/me?x=1", "en")
	if body.Error.Message != "The address has a parameter that cannot be used." || body.Error.Fields["x"] != "This address takes no parameters." {
		t.Errorf("a parameter where there are none, in English: %+v", body)
	}

	// Near misses are named with the parameter meant.
	e := s.params.check("GET", "/api/v1/regions", url.Values{"parent": {"can-tho"}, "parentId": {"x"}, "Parent": {"y"}, "lang": {"en"}})
	for name, want := range map[string]string{
		"parentId": "Không có tham số này; ý bạn là parent?",
		"Parent":   "Không có tham số này; ý bạn là parent?",
		"lang":     "Không có tham số này; các tham số: parent.",
	} {
		if got := e.Fields[name].VI; got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	if len(e.Fields) != 3 {
		t.Errorf("fields %v", e.Fields)
	}
	// What shared links carry passes.
	if e := s.params.check("GET", "/api/v1/regions", url.Values{"utm_source": {"zalo"}, "utm_campaign": {"tet"}, "fbclid": {"x"}, "zarsrc": {"30"}, "_": {"1"}}); e != nil {
		t.Errorf("a shared link's parameters: %v", e.Fields)
	}
}

func TestNearestParam(t *testing.T) {
	known := []string{"categoryId", "inStock", "maxPriceVnd", "minPriceVnd", "page", "perPage", "q", "regionId", "sellerId", "sort", "stars"}
	for name, want := range map[string]string{
		"minPrice":    "minPriceVnd",
		"maxprice":    "maxPriceVnd",
		"categoryid":  "categoryId",
		"catgoryId":   "categoryId",
		"category":    "categoryId",
		"instock":     "inStock",
		"per_page":    "perPage",
		"star":        "stars",
		"query":       "",
		"utm_source":  "",
		"limit":       "",
		"minPriceVND": "minPriceVnd",
	} {
		if got := nearestParam(name, known); got != want {
			t.Errorf("nearestParam(%q) = %q, want %q", name, got, want)
		}
	}
}

// Every operation of the document is known, with its parameters.
func TestQueryParamsFromTheDocument(t *testing.T) {
	s := testServer(t)
	search := s.params["GET /api/v1/search"]
	if len(search) != 11 || search[0] != "categoryId" {
		t.Fatalf("search's parameters: %v", search)
	}
	if got, ok := s.params["GET /api/v1/products/{id}"]; !ok || len(got) != 0 {
		t.Fatalf("a product's parameters: %v %v", got, ok)
	}
	if e := s.params.check("GET", "/not/described", url.Values{"x": {"1"}}); e != nil {
		t.Fatalf("a route the document does not describe: %v", e)
	}
}
