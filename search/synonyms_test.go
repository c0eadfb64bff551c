package search

import (
	"slices"
	"testing"
)

func TestSynonymTableIsLargeAndClean(t *testing.T) {
	groups := SynonymGroups()
	if len(groups) < 30 {
		t.Errorf("only %d synonym groups, want at least 30", len(groups))
	}
	seen := map[string]int{}
	for i, g := range groups {
		if len(g) < 2 {
			t.Errorf("group %d %v has fewer than two members", i, g)
		}
		for _, w := range g {
			f := Fold(w)
			if f == "" {
				t.Errorf("group %d: %q folds to nothing", i, w)
			}
			if j, ok := seen[f]; ok && j != i {
				t.Errorf("%q is in groups %d and %d; one word, one group", f, j, i)
			}
			seen[f] = i
		}
	}
}

func TestFoldedSynonyms(t *testing.T) {
	syn := FoldedSynonyms()
	tests := []struct {
		key  string
		want []string
	}{
		{"khom", []string{"dua", "thom"}},
		{"dua", []string{"khom", "thom"}},
		{"dau phong", []string{"lac"}},
		{"lac", []string{"dau phong"}},
		{"vit xiem", []string{"ngan"}},
		{"ca loc", []string{"ca chuoi", "ca qua"}},
		{"hong xiem", []string{"sa po che", "xa po che"}},
	}
	for _, tt := range tests {
		if got := syn[tt.key]; !slices.Equal(got, tt.want) {
			t.Errorf("FoldedSynonyms()[%q] = %q, want %q", tt.key, got, tt.want)
		}
	}
	if _, ok := syn["khóm"]; ok {
		t.Error("keys must be folded")
	}
	if got := LongestSynonym(syn); got != 3 {
		t.Errorf("LongestSynonym = %d, want 3", got)
	}
}
