package httpserver

import (
	"context"
	"net/http"
	"sync"
	"time"
)

func handleHealth(version string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		encode(w, http.StatusOK, map[string]string{"status": "ok", "version": version})
	})
}

type readyCheckResult struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

// handleReady runs every readiness check in parallel with a short deadline.
// A failing required check makes the answer 503; a failing optional one
// (the search index) only marks the service degraded.
func handleReady(checks []ReadyCheck) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		results := make([]readyCheckResult, len(checks))
		var wg sync.WaitGroup
		for i, c := range checks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = readyCheckResult{Name: c.Name, Status: "ok"}
				if err := c.Check(ctx); err != nil {
					results[i].Status, results[i].Error = "down", err.Error()
					if c.Optional {
						results[i].Status = "degraded"
					}
				}
			}()
		}
		wg.Wait()
		status, code := "ok", http.StatusOK
		for _, res := range results {
			switch {
			case res.Status == "down":
				status, code = "unavailable", http.StatusServiceUnavailable
			case res.Status == "degraded" && status == "ok":
				status = "degraded"
			}
		}
		encode(w, code, map[string]any{"status": status, "checks": results})
	})
}
