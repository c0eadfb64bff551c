package meili_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/meili"
	"github.com/ocopmarket/market/search"
	"github.com/ocopmarket/market/search/searchtest"
)

// TestContract runs the search contract suite against a real Meilisearch
// when OCOP_TEST_MEILI_URL points at one (and OCOP_TEST_MEILI_KEY holds
// its master key, if it has one). Each test uses an index of its own.
func TestContract(t *testing.T) {
	url := os.Getenv("OCOP_TEST_MEILI_URL")
	if url == "" {
		t.Skip("OCOP_TEST_MEILI_URL not set: Meilisearch contract suite skipped")
	}
	searchtest.Run(t, func(t *testing.T) search.Index {
		name := "test_" + strings.ToLower(market.NewID())
		idx, err := meili.New(meili.Config{URL: url, APIKey: os.Getenv("OCOP_TEST_MEILI_KEY"), Index: name, TaskTimeout: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := idx.Prepare(ctx); err != nil {
			t.Fatalf("Prepare: %v", err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := idx.Drop(ctx); err != nil {
				t.Logf("dropping %s: %v", name, err)
			}
			idx.Close()
		})
		return idx
	})
}
