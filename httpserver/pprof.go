package httpserver

import (
	"net/http"
	"net/http/pprof"

	"github.com/gorilla/mux"
)

// addProfiling mounts Go's profiler under /debug/pprof when enabled is
// true (OCOP_PPROF=1): for load tests on a machine of one's own, never in
// production, where it would show the program's internals to anyone.
func addProfiling(r *mux.Router, enabled bool) {
	if !enabled {
		return
	}
	d := r.PathPrefix("/debug/pprof").Subrouter()
	d.HandleFunc("/cmdline", pprof.Cmdline)
	d.HandleFunc("/profile", pprof.Profile)
	d.HandleFunc("/symbol", pprof.Symbol)
	d.HandleFunc("/trace", pprof.Trace)
	d.PathPrefix("/").Handler(http.HandlerFunc(pprof.Index))
}
