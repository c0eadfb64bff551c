package httpserver

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ocopmarket/market/search"
)

// SyncStatuser reports how far the search index lags behind the records;
// *search.Syncer implements it.
type SyncStatuser interface {
	Status() search.SyncStatus
}

// registerSearchSync exposes the syncer's backlog and lag to Prometheus.
func (m *metrics) registerSearchSync(s SyncStatuser) {
	if s == nil {
		return
	}
	m.registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "ocop_search_sync_backlog",
			Help: "Products waiting for the search index at the syncer's last round (up to one batch); 0 on instances not holding the sync lease.",
		}, func() float64 { return float64(s.Status().Backlog) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "ocop_search_sync_lag_seconds",
			Help: "Age of the oldest product change not yet in the search index; 0 when the index is up to date.",
		}, func() float64 { return s.Status().Lag.Seconds() }),
	)
}

// absoluteURL turns a site-relative address kept in the index into one
// under the site's base URL.
func absoluteURL(baseURL, u string) string {
	if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		return baseURL + u
	}
	return u
}

// handleSearch finds products: GET /api/v1/search.
func handleSearch(idx search.Searcher, baseURL string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, err := search.ParseQuery(r.URL.Query())
		if err != nil {
			writeError(w, r, err)
			return
		}
		res, err := idx.Search(r.Context(), q)
		if err != nil {
			writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, appendSearchBody(make([]byte, 0, 16<<10), res, baseURL))
	})
}

// suggestMaxAge is how long a client may keep suggestions: long enough to
// spare a slow phone a request per key press, short enough for new products.
const suggestMaxAge = 60

// handleSuggest returns product names for what a buyer has typed so far:
// GET /api/v1/search/suggest?q=.
func handleSuggest(idx search.Searcher) http.Handler {
	type body struct {
		Q           string   `json:"q"`
		Suggestions []string `json:"suggestions"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		params := r.URL.Query()
		limit := 6
		if s := strings.TrimSpace(params.Get("limit")); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > search.MaxSuggestions {
				writeError(w, r, fieldError("limit", "Phải là số nguyên từ 1 đến 10.", "Must be a whole number from 1 to 10."))
				return
			}
			limit = n
		}
		q := strings.TrimSpace(params.Get("q"))
		names, err := search.Suggest(r.Context(), idx, q, limit)
		if err != nil {
			writeError(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(suggestMaxAge))
		encode(w, http.StatusOK, body{Q: q, Suggestions: names})
	})
}
