package httpserver

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ocopmarket/market"
)

// queryParams holds the query parameters of each operation the OpenAPI
// document describes, by method and route template ("GET
// /api/v1/search"): a parameter the operation does not have is refused,
// as a body's unknown field is, rather than quietly ignored (a client
// sending minPrice for minPriceVnd would otherwise get every price, and
// believe its filter held). What shared links carry is let through
// (linkDecoration).
type queryParams map[string][]string

// newQueryParams reads the operations' query parameters from the
// document.
func newQueryParams(d *openapi3.T) queryParams {
	out := queryParams{}
	for path, item := range d.Paths.Map() {
		for method, op := range item.Operations() {
			names := []string{}
			for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
				if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
					names = append(names, p.Value.Name)
				}
			}
			slices.Sort(names)
			out[method+" "+path] = names
		}
	}
	return out
}

// linkDecoration reports whether a parameter is one that sites and apps
// add to the links people share (utm_source, Facebook's fbclid, Zalo's
// zarsrc), or a client adds to defeat a cache ("_"): it is no mistake of
// the caller's, and is ignored.
func linkDecoration(name string) bool {
	switch name {
	case "fbclid", "gclid", "zarsrc", "_":
		return true
	}
	return strings.HasPrefix(name, "utm_")
}

// maxUnknownParams is how many unknown parameters an answer names.
const maxUnknownParams = 5

// check returns an invalid error naming the parameters of values that
// the operation of method and route does not have, each with the one
// meant when it is near enough; nil when all are known, or the route is
// not described.
func (qp queryParams) check(method, route string, values url.Values) *market.Error {
	known, ok := qp[method+" "+route]
	if !ok {
		return nil
	}
	var e *market.Error
	n := 0
	for name := range values {
		if slices.Contains(known, name) || linkDecoration(name) {
			continue
		}
		if e == nil {
			e = market.Errorf(market.Invalid, "Địa chỉ có tham số không dùng được.", "The address has a parameter that cannot be used.")
		}
		if n++; n > maxUnknownParams {
			break
		}
		key := clipParam(name)
		switch meant := nearestParam(name, known); {
		case meant != "":
			e.WithField(key, "Không có tham số này; ý bạn là "+meant+"?", "No such parameter; did you mean "+meant+"?")
		case len(known) == 0:
			e.WithField(key, "Địa chỉ này không nhận tham số nào.", "This address takes no parameters.")
		default:
			list := strings.Join(known, ", ")
			e.WithField(key, "Không có tham số này; các tham số: "+list+".", "No such parameter; the parameters are: "+list+".")
		}
	}
	return e
}

// nearestParam returns the known parameter name meant, if one is near
// enough: the same but for case, one the start of the other (minPrice,
// minPriceVnd), or at most two edits away (categoryid, catgoryId).
func nearestParam(name string, known []string) string {
	lower := strings.ToLower(name)
	best, bestDist := "", 3
	for _, k := range known {
		kl := strings.ToLower(k)
		if kl == lower || min(len(kl), len(lower)) >= 3 && (strings.HasPrefix(kl, lower) || strings.HasPrefix(lower, kl)) {
			return k
		}
		if d := editDistance(lower, kl, bestDist); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, or limit when it
// is limit or more.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return min(prev[len(rb)], limit)
}

// clipParam shortens a parameter name a client sent before an answer
// names it.
func clipParam(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// strictQuery refuses a query string that does not parse (a stray "%"),
// rather than letting the parameters it holds be quietly dropped, and the
// parameters the operation does not have.
func (s *Server) strictQuery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery == "" {
			next.ServeHTTP(w, r)
			return
		}
		values, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			writeError(w, r, unreadableQuery(r.URL.RawQuery))
			return
		}
		if info := infoFrom(r.Context()); info != nil {
			if e := s.params.check(r.Method, info.route, values); e != nil {
				writeError(w, r, e)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// unreadableQuery is the error of a query string that does not parse,
// naming the parameters whose values cannot be read.
func unreadableQuery(raw string) *market.Error {
	e := market.Errorf(market.Invalid, "Tham số trên địa chỉ không hợp lệ.", "A query parameter is not valid.")
	for _, pair := range strings.Split(raw, "&") {
		key, value, _ := strings.Cut(pair, "=")
		_, kerr := url.QueryUnescape(key)
		_, verr := url.QueryUnescape(value)
		if kerr != nil || verr != nil {
			if k, err := url.QueryUnescape(key); err == nil && k != "" {
				e.WithField(clipParam(k), "không đọc được giá trị (ký tự % lạc?)", "the value cannot be read (a stray %?)")
			}
		}
	}
	return e
}
