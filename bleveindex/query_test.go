package bleveindex

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopmarket/market/search"
)

func TestClauses(t *testing.T) {
	syn := search.MarkedSynonyms()
	longest := search.LongestSynonym(syn)
	tests := []struct {
		text string
		want []clause
	}{
		{"", nil},
		{"khóm", []clause{{phrase: "khom", marked: "khóm", synonyms: []string{"dứa", "pineapple", "thơm"}, prefix: true}}},
		{"DỨA", []clause{{phrase: "dua", marked: "dứa", synonyms: []string{"khóm", "pineapple", "thơm"}, prefix: true}}},
		{"dua", []clause{{phrase: "dua", synonyms: []string{"khóm", "pineapple", "thơm"}, prefix: true}}},
		// dừa (coconut) is in no group: it only folds like dứa.
		{"dừa", []clause{{phrase: "dua", marked: "dừa", prefix: true}}},
		{"đậu phộng rang", []clause{{phrase: "dau phong", marked: "đậu phộng", synonyms: []string{"lạc", "peanut"}}, {phrase: "rang", prefix: true}}},
		{"kẹo đậu phộng", []clause{{phrase: "keo", marked: "kẹo", synonyms: []string{"candy"}}, {phrase: "dau phong", marked: "đậu phộng", synonyms: []string{"lạc", "peanut"}}}},
		// Folded, a phrase of the table; with other marks, other words.
		{"dau phong", []clause{{phrase: "dau phong", synonyms: []string{"lạc", "peanut"}}}},
		{"dâu phong", []clause{{phrase: "dau", marked: "dâu"}, {phrase: "phong", prefix: true}}},
		{"bánh đa nem", []clause{{phrase: "banh da nem", marked: "bánh đa nem", synonyms: []string{"bánh tráng"}}}},
		{"bánh đa", []clause{{phrase: "banh", marked: "bánh"}, {phrase: "da", marked: "đa", prefix: true}}},
		{"khô cá quả", []clause{{phrase: "kho", marked: "khô"}, {phrase: "ca qua", marked: "cá quả", synonyms: []string{"cá chuối", "cá lóc"}}}},
		{"củ sắn", []clause{{phrase: "cu san", marked: "củ sắn", synonyms: []string{"củ đậu"}}}},
		{"sắn", []clause{{phrase: "san", marked: "sắn", synonyms: []string{"khoai mì"}, prefix: true}}},
		{"hoa sung", []clause{{phrase: "hoa", synonyms: []string{"bông"}}, {phrase: "sung", synonyms: []string{"water lily"}, prefix: true}}},
		{"Mật ong", []clause{{phrase: "mat ong", marked: "mật ong", synonyms: []string{"honey"}}}},
		{"Mật", []clause{{phrase: "mat", marked: "mật", prefix: true}}},
	}
	for _, tt := range tests {
		got := clauses(tt.text, syn, longest)
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
