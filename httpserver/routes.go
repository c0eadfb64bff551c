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
	if d.Orders != nil {
		api.Handle("/checkout", handleCheckout(s)).Methods(http.MethodPost)
		api.Handle("/checkouts/{id}", handleCheckoutGet(s)).Methods(http.MethodGet)
		if d.QRImage != nil {
			api.Handle("/checkouts/{id}/qr.png", handleCheckoutQR(s)).Methods(http.MethodGet)
		}
		api.Handle("/orders", handleOrderList(s)).Methods(http.MethodGet)
		api.Handle("/orders/lookup", handleOrderLookup(s)).Methods(http.MethodGet)
		api.Handle("/orders/{id}", handleOrderGet(s)).Methods(http.MethodGet)
		api.Handle("/orders/{id}/transitions", handleOrderTransition(s)).Methods(http.MethodPost)
		api.Handle("/orders/{id}/payment", handleOrderPayment(s)).Methods(http.MethodPost)
		api.Handle("/webhooks/stripe", handleStripeWebhook(s)).Methods(http.MethodPost)
		api.Handle("/webhooks/bank", handleBankWebhook(s)).Methods(http.MethodPost)
	}

	// Uptake.

	// Web pages.
}
