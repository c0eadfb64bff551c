package httpserver

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ocopmarket/market"
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

type searchHitBody struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	PriceVND   int64  `json:"priceVnd"`
	Unit       string `json:"unit"`
	ImageURL   string `json:"imageUrl"`
	SellerID   string `json:"sellerId"`
	SellerName string `json:"sellerName"`
	Stars      int    `json:"stars"`
	CategoryID string `json:"categoryId"`
	RegionID   string `json:"regionId"`
	RegionName string `json:"regionName"`
	InStock    bool   `json:"inStock"`
}

type searchBody struct {
	Hits    []searchHitBody           `json:"hits"`
	Total   int                       `json:"total"`
	Page    int                       `json:"page"`
	PerPage int                       `json:"perPage"`
	Facets  map[string]map[string]int `json:"facets"`
	TookMs  int64                     `json:"tookMs"`
}

// absoluteURL turns a site-relative address kept in the index into one
// under the site's base URL.
func absoluteURL(baseURL, u string) string {
	if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		return baseURL + u
	}
	return u
}

func searchResultBody(res search.Result, baseURL string) searchBody {
	b := searchBody{Hits: make([]searchHitBody, len(res.Hits)), Total: res.Total, Page: res.Page, PerPage: res.PerPage,
		Facets: map[string]map[string]int{}, TookMs: res.Took.Milliseconds()}
	for i, d := range res.Hits {
		b.Hits[i] = searchHitBody{ID: d.ID, Name: d.Name, PriceVND: int64(d.PriceVND), Unit: d.Unit, ImageURL: absoluteURL(baseURL, d.ImageURL),
			SellerID: d.SellerID, SellerName: d.SellerName, Stars: d.Stars, CategoryID: d.CategoryID,
			RegionID: d.RegionID, RegionName: d.RegionName, InStock: d.InStock}
	}
	for _, name := range []string{search.FacetCategory, search.FacetStars, search.FacetRegion} {
		counts := res.Facets[name]
		if counts == nil {
			counts = map[string]int{}
		}
		b.Facets[name] = counts
	}
	return b
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
		encode(w, http.StatusOK, searchResultBody(res, baseURL))
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
				writeError(w, r, market.Errorf(market.Invalid, "Dữ liệu chưa hợp lệ.", "Some fields are not valid.").
					WithField("limit", "Phải là số nguyên từ 1 đến 10.", "Must be a whole number from 1 to 10."))
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
