package search

import (
	"context"
	"strings"
)

// Searcher is the part of an Index that answers queries.
type Searcher interface {
	Search(ctx context.Context, q Query) (Result, error)
}

// MaxSuggestions bounds what Suggest returns.
const MaxSuggestions = 10

// Suggest returns up to limit distinct product names for what a buyer has
// typed so far, best match first: the same matching as a search, so the
// last word counts as a prefix. Names that fold alike count once.
func Suggest(ctx context.Context, s Searcher, typed string, limit int) ([]string, error) {
	limit = min(max(limit, 1), MaxSuggestions)
	q, err := Query{Text: typed, PerPage: 3 * limit, Typing: true}.Normalize()
	if err != nil {
		return nil, err
	}
	if Fold(q.Text) == "" {
		return []string{}, nil
	}
	res, err := s.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(res.Dropped) > 0 {
		return []string{}, nil // what was typed finds nothing
	}
	names := []string{}
	seen := map[string]bool{}
	for _, h := range res.Hits {
		key := Fold(h.Name)
		if seen[key] || strings.TrimSpace(h.Name) == "" {
			continue
		}
		seen[key] = true
		names = append(names, strings.TrimSpace(h.Name))
		if len(names) == limit {
			break
		}
	}
	return names, nil
}
