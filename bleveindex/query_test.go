package bleveindex

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopmarket/market/search"
)

func TestClauses(t *testing.T) {
	syn := search.FoldedSynonyms()
	longest := search.LongestSynonym(syn)
	tests := []struct {
		text string
		want []clause
	}{
		{"", nil},
		{"khóm", []clause{{phrase: "khom", synonyms: []string{"dua", "thom"}, prefix: true}}},
		{"đậu phộng rang", []clause{{phrase: "dau phong", synonyms: []string{"lac"}}, {phrase: "rang", prefix: true}}},
		{"kẹo đậu phộng", []clause{{phrase: "keo"}, {phrase: "dau phong", synonyms: []string{"lac"}}}},
		{"bánh đa nem", []clause{{phrase: "banh da nem", synonyms: []string{"banh trang"}}}},
		{"bánh đa", []clause{{phrase: "banh"}, {phrase: "da", prefix: true}}},
		{"khô cá quả", []clause{{phrase: "kho"}, {phrase: "ca qua", synonyms: []string{"ca chuoi", "ca loc"}}}},
		{"củ sắn", []clause{{phrase: "cu san", synonyms: []string{"cu dau"}}}},
		{"sắn", []clause{{phrase: "san", synonyms: []string{"khoai mi"}, prefix: true}}},
	}
	for _, tt := range tests {
		got := clauses(search.Words(tt.text), syn, longest)
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(clause{})); diff != "" {
			t.Errorf("clauses(%q) (-want +got):\n%s", tt.text, diff)
		}
	}
}

func TestShortPrefixes(t *testing.T) {
	if got, want := shortPrefixes("ca kho ca loc"), "c ca k kh kho l lo loc "; got != want {
		t.Errorf("shortPrefixes = %q, want %q", got, want)
	}
}
