package search

import "testing"

func TestWithoutOptional(t *testing.T) {
	for _, tt := range []struct {
		text, want string
		dropped    bool
	}{
		{"quả bưởi", "buoi", true},
		{"Mua bưởi giá rẻ", "buoi", true},
		{"con cá lóc tươi ngon", "ca loc", true},
		{"bưởi", "buoi", false},
		{"quả", "", false}, // nothing would remain: nothing to ask again
		{"", "", false},
	} {
		got, dropped := WithoutOptional(tt.text)
		if got != tt.want || dropped != tt.dropped {
			t.Errorf("WithoutOptional(%q) = %q, %v; want %q, %v", tt.text, got, dropped, tt.want, tt.dropped)
		}
	}
	for w := range optionalWords {
		if Fold(w) != w {
			t.Errorf("optional word %q is not folded", w)
		}
	}
}
