package regions

import "testing"

func TestComposeVietnamese(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Cần Thơ", "Cần Thơ"}, // already NFC
		{"C\u0061\u0302\u0300n Tho\u031B", "Cần Thơ"},
		{"\u0110A\u0306\u0301K L\u0041\u0306\u0301K", "ĐẮK LẮK"},
		{"Tha\u0323nh Xua\u0302n", "Thạnh Xuân"},
		{"U\u031B\u0300", "Ừ"},
		{"x\u0301", "x\u0301"},             // no such letter: kept
		{"a\u0301\u0300", "a\u0301\u0300"}, // two tones: kept
		{"\u0301", "\u0301"},               // a lone mark: kept
	}
	for _, tt := range tests {
		if got := composeVietnamese(tt.in); got != tt.want {
			t.Errorf("composeVietnamese(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCompareVietnamese(t *testing.T) {
	// Each name sorts strictly before the next.
	ordered := []string{"An Giang", "Ăn", "Âu", "Bạc Liêu", "Cà Mau", "Cao Bằng", "Cần Thơ", "Dinh", "Đà Nẵng",
		"Hòa", "Hỏa", "Hỏa Lựu", "Hồ Chí Minh", "Long Phú", "Long Phú 1", "Long Phú 2", "Ô Môn", "Tuyên Quang", "Ưng"}
	for i := 0; i+1 < len(ordered); i++ {
		a, b := ordered[i], ordered[i+1]
		if compareVietnamese(a, b) >= 0 || compareVietnamese(b, a) <= 0 {
			t.Errorf("%q should sort before %q", a, b)
		}
	}
	if compareVietnamese("Cần Thơ", "C\u0061\u0302\u0300n Tho\u031B") == 0 {
		t.Error("different bytes must not compare equal (the order is total)")
	}
}
