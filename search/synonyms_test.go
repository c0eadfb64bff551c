package search

import (
	"slices"
	"strings"
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
		{"khom", []string{"dua", "pineapple", "thom"}},
		{"dua", []string{"khom", "pineapple", "thom"}},
		{"dau phong", []string{"lac", "peanut"}},
		{"lac", []string{"dau phong", "peanut"}},
		{"fish", []string{"ca"}},
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

func TestMarkedSynonyms(t *testing.T) {
	syn := MarkedSynonyms()
	marked := func(ws ...string) []string {
		for i, w := range ws {
			ws[i] = Marked(w)
		}
		return ws
	}
	tests := []struct {
		key  string
		want []string
	}{
		// Keys folded, synonyms as written: khóm takes dứa, never dừa.
		{"khom", marked("dứa", "pineapple", "thơm")},
		{"dua", marked("khóm", "pineapple", "thơm")},
		{"dau phong", marked("lạc", "peanut")},
		{"lac", marked("đậu phộng", "peanut")},
		{"fish", marked("cá")},
		{"bong", marked("hoa")},
		{"ca loc", marked("cá chuối", "cá quả")},
	}
	for _, tt := range tests {
		got := syn[tt.key]
		slices.Sort(tt.want)
		if !slices.Equal(got, tt.want) {
			t.Errorf("MarkedSynonyms()[%q] = %q, want %q", tt.key, got, tt.want)
		}
	}
	// The same keys as the folded table: a group whose members all fold
	// alike (lạp xưởng, lạp xường) needs no synonyms, folding matches them.
	folded := FoldedSynonyms()
	if len(syn) != len(folded) {
		t.Errorf("%d keys, the folded table has %d", len(syn), len(folded))
	}
	for key := range folded {
		if len(syn[key]) == 0 {
			t.Errorf("no marked synonyms for %q", key)
		}
	}
	if _, ok := syn["lap xuong"]; ok {
		t.Error("lạp xưởng and lạp xường fold alike; they need no synonyms")
	}
}

func TestOtherSensesAreTableMembers(t *testing.T) {
	members := map[string]bool{}
	for _, g := range SynonymGroups() {
		for _, w := range g {
			members[Marked(w)] = true
		}
	}
	senses := OtherSenses()
	if !slices.Contains(senses[Marked("thơm")], Marked("gạo")) {
		t.Errorf("gạo thơm is fragrant rice; the other senses of thơm are %q", senses[Marked("thơm")])
	}
	for w, words := range senses {
		if !members[w] {
			t.Errorf("%q has other senses but is not in the synonym table", w)
		}
		for _, x := range words {
			if strings.Contains(x, " ") {
				t.Errorf("%q: %q is a phrase; its exclusion would cost ten times a word", w, x)
			}
		}
	}
}
