package httpserver

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"
)

// hotRoutes serves the most frequent requests — a product page, a search,
// a suggestion — without the router. gorilla/mux matches a regular
// expression per route and copies the request twice (for its variables and
// its route) before a handler runs: a tenth of a product page's CPU once
// the page itself came from memory. The routes stay registered on the
// router too, which serves every request the table does not: other
// methods (405 with Allow), and paths the router would first clean.
type hotRoutes []hotRoute

// hotRoute is a GET route whose template is a fixed path, or a fixed path
// and one {id} segment.
type hotRoute struct {
	tpl    string // the template, as metrics and logs name the route
	prefix string // the path, or the part before {id}
	param  bool   // the template ends in {id}
	h      http.Handler
}

// add registers h on the API's router at path (relative to /api/v1) and
// in the table. mw is the API router's middleware, which the table's
// requests pass through as the router's do.
func (t *hotRoutes) add(api *mux.Router, path string, h http.Handler, mw ...mux.MiddlewareFunc) {
	api.Handle(path, h).Methods(http.MethodGet)
	tpl := apiPrefix + path
	r := hotRoute{tpl: tpl, prefix: tpl}
	if p, ok := strings.CutSuffix(tpl, "{id}"); ok {
		r.prefix, r.param = p, true
	}
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	r.h = h
	*t = append(*t, r)
}

// apiPrefix is the path the API's routes are under.
const apiPrefix = "/api/v1"

// match returns the route that serves path, and its {id}. A segment the
// router would clean away ("." or "..") or that holds a "/" is not an id:
// such paths are left to the router, which redirects or answers 404.
func (t hotRoutes) match(path string) (*hotRoute, string) {
	for i := range t {
		r := &t[i]
		if !r.param {
			if path == r.prefix {
				return r, ""
			}
			continue
		}
		id, ok := strings.CutPrefix(path, r.prefix)
		if ok && id != "" && id != "." && id != ".." && !strings.Contains(id, "/") {
			return r, id
		}
	}
	return nil, ""
}

// dispatch serves a request of the table, or hands it to the router.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		if route, id := s.hot.match(r.URL.Path); route != nil {
			if info := infoFrom(r.Context()); info != nil {
				info.route, info.pathID = route.tpl, id
				route.h.ServeHTTP(w, r)
				return
			}
		}
	}
	s.router.ServeHTTP(w, r)
}

// pathID is the {id} of the request's route, whichever served it.
func pathID(r *http.Request) string {
	if info := infoFrom(r.Context()); info != nil && info.pathID != "" {
		return info.pathID
	}
	return mux.Vars(r)["id"]
}
