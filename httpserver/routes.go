package httpserver

import (
	"net/http"
	"os"
	"time"

	"github.com/gorilla/mux"
)

// addRoutes is the whole surface of the server, in one place.
func addRoutes(r *mux.Router, s *Server) {
	d := s.deps

	catalogOn := d.Regions != nil && d.Sellers != nil && d.Catalog != nil
	pv := productView{baseURL: s.cfg.BaseURL, tree: d.Regions, now: time.Now}

	// The most frequent requests are served before the router
	// (hotRoutes); gorilla/mux tries routes in the order they are added, a
	// regular expression each, so they come first there too.
	api := r.PathPrefix(apiPrefix).Subrouter()
	apiMiddleware := []mux.MiddlewareFunc{s.strictQuery}
	api.Use(apiMiddleware...)
	if catalogOn {
		s.hot.add(api, "/products/{id}", handleProductGet(d.Catalog, pv), apiMiddleware...)
	}
	if d.Search != nil {
		s.hot.add(api, "/search", handleSearch(d.Search, s.cfg.BaseURL), apiMiddleware...)
		s.hot.add(api, "/search/suggest", handleSuggest(d.Search), apiMiddleware...)
	}

	// Operations.
	r.Handle("/healthz", handleHealth(s.cfg.Version)).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/readyz", handleReady(d.Ready)).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/metrics", s.metrics.handler()).Methods(http.MethodGet)
	addProfiling(r, os.Getenv("OCOP_PPROF") == "1")
	api.Handle("/openapi.json", s.handleOpenAPI()).Methods(http.MethodGet)

	// Accounts and sessions.
	api.Handle("/accounts", handleAccountCreate(d.Accounts, s.limits, s.clientAddr)).Methods(http.MethodPost)
	api.Handle("/sessions", handleSessionCreate(d.Accounts, s.limits, s.clientAddr)).Methods(http.MethodPost)
	api.Handle("/sessions/current", handleSessionDelete(d.Accounts)).Methods(http.MethodDelete)
	api.Handle("/me", handleMe(d.Accounts)).Methods(http.MethodGet)

	// Reference data, sellers and products.
	if catalogOn {
		api.Handle("/regions", handleRegions(d.Regions)).Methods(http.MethodGet)
		api.Handle("/categories", handleCategories()).Methods(http.MethodGet)
		api.Handle("/sellers", handleSellerCreate(d.Sellers, d.Regions)).Methods(http.MethodPost)
		api.Handle("/sellers", handleSellerList(d.Sellers, d.Regions)).Methods(http.MethodGet)
		api.Handle("/sellers/{id}", handleSellerGet(d.Sellers, d.Regions)).Methods(http.MethodGet)
		api.Handle("/sellers/{id}", handleSellerPatch(d.Sellers, d.Regions)).Methods(http.MethodPatch)
		api.Handle("/sellers/{id}/verification", handleSellerVerification(d.Sellers, d.Regions)).Methods(http.MethodPost)
		api.Handle("/sellers/{id}/helpers", handleSellerHelperAdd(d.Sellers, d.Regions)).Methods(http.MethodPost)
		api.Handle("/sellers/{id}/helpers/{accountId}", handleSellerHelperRemove(d.Sellers)).Methods(http.MethodDelete)
		api.Handle("/products", handleProductCreate(d.Catalog, pv)).Methods(http.MethodPost)
		api.Handle("/products", handleProductList(d.Catalog, pv)).Methods(http.MethodGet)
		api.Handle("/products/{id}", handleProductPatch(d.Catalog, pv)).Methods(http.MethodPatch)
		api.Handle("/products/{id}", handleProductDelete(d.Catalog)).Methods(http.MethodDelete)
		api.Handle("/products/{id}/images", handleProductImageAdd(d.Catalog, pv)).Methods(http.MethodPost)
		api.Handle("/products/{id}/images/order", handleProductImageOrder(d.Catalog, pv)).Methods(http.MethodPut)
		api.Handle("/products/{id}/images/{imageId}", handleProductImageDelete(d.Catalog)).Methods(http.MethodDelete)
		api.Handle("/products/{id}/ocop-verification", handleProductOCOPVerification(d.Catalog, pv)).Methods(http.MethodPost)
		r.Handle("/media/{key:.+}", handleMedia(d.Blobs)).Methods(http.MethodGet, http.MethodHead)
		r.Handle("/p/{id}/qr.png", handleQR(productQRURL(d.Catalog, s.cfg.BaseURL))).Methods(http.MethodGet)
		r.Handle("/s/{id}/qr.png", handleQR(sellerQRURL(d.Sellers, s.cfg.BaseURL))).Methods(http.MethodGet)
	}

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
	if d.Uptake != nil {
		api.Handle("/uptake/summary", handleUptakeSummary(d.Uptake)).Methods(http.MethodGet)
		api.Handle("/uptake/series", handleUptakeSeries(d.Uptake)).Methods(http.MethodGet)
		api.Handle("/uptake/regions", handleUptakeRegions(d.Uptake)).Methods(http.MethodGet)
		api.Handle("/uptake/export.csv", handleUptakeExport(d.Uptake)).Methods(http.MethodGet)
		api.Handle("/uptake/ocop-registry", handleUptakeRegistry(d.Uptake)).Methods(http.MethodPost)
	}

	// Web pages. They call the same services as the JSON API, never the
	// API over HTTP; unsafe methods pass the CSRF check of webSession.
	page, form := []string{http.MethodGet, http.MethodHead}, []string{http.MethodPost}
	r.PathPrefix("/static/").Handler(s.handleStatic()).Methods(page...)
	r.Handle("/lang/{lang}", s.handleLanguage()).Methods(page...)
	r.Handle("/", s.handleHome()).Methods(page...)
	r.Handle("/signin", s.handleSignInPage()).Methods(page...)
	r.Handle("/signin", s.handleSignIn()).Methods(form...)
	r.Handle("/signup", s.handleSignUpPage()).Methods(page...)
	r.Handle("/signup", s.handleSignUp()).Methods(form...)
	r.Handle("/signout", s.handleSignOut()).Methods(form...)
	r.Handle("/account", s.handleAccountPage()).Methods(page...)
	// Search.
	if d.Search != nil {
		r.Handle("/search", s.handleSearchPage()).Methods(page...)
	}
	if d.Regions != nil && d.Sellers != nil && d.Catalog != nil {
		r.Handle("/p/{id}", s.handleProductPage()).Methods(page...)
		r.Handle("/s/{id}", s.handleShopPage()).Methods(page...)
		r.Handle("/cart", s.handleCartPage()).Methods(page...)
		r.Handle("/cart", s.handleCartAdd()).Methods(form...)
		r.Handle("/seller", s.handleSellerHome()).Methods(page...)
		r.Handle("/seller/register", s.handleSellerRegisterPage()).Methods(page...)
		r.Handle("/seller/register", s.handleSellerRegister()).Methods(form...)
		r.Handle("/seller/products/new", s.handleProductNewPage()).Methods(page...)
		r.Handle("/seller/products", s.handleProductCreate()).Methods(form...)
		r.Handle("/seller/products/{id}", s.handleProductEditPage()).Methods(page...)
		r.Handle("/seller/products/{id}", s.handleProductEdit()).Methods(form...)
		r.Handle("/seller/products/{id}/quick", s.handleProductQuick()).Methods(form...)
		r.Handle("/seller/products/{id}/photos", s.handleProductPhotos()).Methods(form...)
		r.Handle("/seller/products/{id}/status", s.handleProductStatus()).Methods(form...)
		r.Handle("/seller/poster", s.handlePoster()).Methods(page...)
		if d.Orders != nil {
			r.Handle("/checkout", s.handleCheckoutPage()).Methods(page...)
			r.Handle("/checkout", s.handleCheckout()).Methods(form...)
			r.Handle("/checkout/{id}", s.handleConfirmation()).Methods(page...)
			r.Handle("/checkout/{id}/qr.png", s.handleCheckoutQRImage()).Methods(page...)
			r.Handle("/orders/lookup", s.handleLookup()).Methods(page...)
			r.Handle("/account/orders", s.handleMyOrders()).Methods(page...)
			r.Handle("/seller/orders", s.handleSellerOrders()).Methods(page...)
			r.Handle("/seller/orders/{id}", s.handleSellerOrderMove()).Methods(form...)
		}
		if d.Uptake != nil {
			r.Handle("/official", s.handleOfficialHome()).Methods(page...)
			r.Handle("/official/export.csv", s.handleOfficialExport()).Methods(page...)
			r.Handle("/official/registry", s.handleRegistryUpload()).Methods(form...)
		} else {
			r.Handle("/official", http.RedirectHandler("/official/queue", http.StatusSeeOther)).Methods(page...)
		}
		r.Handle("/official/queue", s.handleOfficialQueue()).Methods(page...)
		r.Handle("/official/sellers/{id}", s.handleSellerDecision()).Methods(form...)
		r.Handle("/official/products/{id}/ocop", s.handleOCOPDecision()).Methods(form...)
	}
}
