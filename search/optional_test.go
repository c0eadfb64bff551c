package search

import "testing"

func TestWithoutOptional(t *testing.T) {
	for _, tt := range []struct {
		text, want string
		dropped    bool
	}{
		{"quả bưởi", "bưởi", true},
		{"Mua bưởi rẻ", "bưởi", true},
		{"con cá lóc tươi ngon", "cá lóc", true},
		{"qua buoi", "buoi", true}, // without marks, compared folded
		// With marks, only these marks: quà (a gift), cải (greens), rễ
		// (a root) stay.
		{"quà tết", "quà tết", false},
		{"cải ngọt", "cải ngọt", false},
		{"rễ cây", "rễ cây", false},
		// A phrase of the synonym table keeps its parts.
		{"khổ qua tươi", "khổ qua", true},
		{"bưởi", "bưởi", false},
		{"quả", "", false}, // nothing would remain: nothing to ask again
		{"", "", false},
	} {
		got, dropped := WithoutOptional(tt.text)
		if dropped != tt.dropped || dropped && got != Marked(tt.want) {
			t.Errorf("WithoutOptional(%q) = %q, %v; want %q, %v", tt.text, got, dropped, tt.want, tt.dropped)
		}
	}
}
