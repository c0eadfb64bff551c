package httpserver

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ocop_http_requests_total", Help: "HTTP requests by method, route template and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ocop_http_request_duration_seconds", Help: "HTTP request latency by method and route template.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
	default:
		method = "other" // bounded label values, whatever clients send
	}
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(method, route).Observe(d.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// PageCacheStats is what a store's cache of product pages holds, and how
// often it answered.
type PageCacheStats struct {
	Products, Bytes int
	Hits, Misses    uint64
}

// registerPageCache exports the page cache: what OCOP_PAGE_CACHE_MB
// should be is the memory it holds when it holds the catalogue, or its
// hit rate when it cannot.
func (m *metrics) registerPageCache(stats func() PageCacheStats) {
	if stats == nil {
		return
	}
	m.registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "ocop_page_cache_products",
			Help: "Products whose pages are held in memory.",
		}, func() float64 { return float64(stats().Products) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "ocop_page_cache_bytes",
			Help: "Memory the page cache holds (bounded by OCOP_PAGE_CACHE_MB).",
		}, func() float64 { return float64(stats().Bytes) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "ocop_page_cache_hits_total",
			Help: "Product pages answered from memory.",
		}, func() float64 { return float64(stats().Hits) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "ocop_page_cache_misses_total",
			Help: "Product pages read from the database file.",
		}, func() float64 { return float64(stats().Misses) }),
	)
}
