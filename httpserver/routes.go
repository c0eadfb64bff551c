package httpserver

import (
	"net/http"

	"github.com/gorilla/mux"
)

// addRoutes is the whole surface of the server, in one place.
func addRoutes(r *mux.Router, s *Server) {
	d := s.deps

	// Operations.
	r.Handle("/healthz", handleHealth(s.cfg.Version)).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/readyz", handleReady(d.Ready)).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/metrics", s.metrics.handler()).Methods(http.MethodGet)

	api := r.PathPrefix("/api/v1").Subrouter()
	api.Handle("/openapi.json", s.handleOpenAPI()).Methods(http.MethodGet)

	// Accounts and sessions.
	api.Handle("/accounts", handleAccountCreate(d.Accounts, s.limits, s.clientAddr)).Methods(http.MethodPost)
	api.Handle("/sessions", handleSessionCreate(d.Accounts, s.limits, s.clientAddr)).Methods(http.MethodPost)
	api.Handle("/sessions/current", handleSessionDelete(d.Accounts)).Methods(http.MethodDelete)
	api.Handle("/me", handleMe(d.Accounts)).Methods(http.MethodGet)

	// Reference data, sellers and products.

	// Search.

	// Checkout, orders and payments.

	// Uptake.

	// Web pages.
}
