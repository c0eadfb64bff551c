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

func TestWithoutIntent(t *testing.T) {
	for in, want := range map[string]string{
		"dừa giá rẻ":        "dừa",
		"dua gia re":        "dua",
		"mua khóm Cầu Đúc":  "khóm cầu đúc",
		"gạo giá sỉ":        "gạo",
		"mùa nước nổi":      "mùa nước nổi", // season, not buy
		"dừa giá rẽ":        "dừa giá rẽ",   // another rẽ
		"giá rẻ":            "giá rẻ",       // all it says
		"giá đỗ":            "giá đỗ",       // bean sprouts
		"khóm":              "khóm",
		"mua mua":           "mua mua",
		"xoài rẻ nhất":      "xoài",
		"gạo giá rẻ nhất":   "gạo",
		"gạo giá tốt nhất":  "gạo",
		"Mua Bưởi Giá Tốt ": "bưởi",
		"mật ong đặc sản":   "mật ong",
		"dac san can tho":   "can tho",
		"đặc sản":           "đặc sản", // all it says
		"đắc sắn mật ong":   "đắc sắn mật ong",
		"khô cá miền Tây":   "khô cá",
		"tour miền tây":     "tour",
		"miến tây":          "miến tây", // glass noodles
	} {
		if got, _ := WithoutIntent(in); got != want {
			t.Errorf("WithoutIntent(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEverything(t *testing.T) {
	for in, want := range map[string]bool{
		"đặc sản":          true,
		"Đặc Sản":          true,
		"dac san":          true,
		"mua đặc sản":      true,
		"đặc sản giá rẻ":   true,
		"đặc sản cần thơ":  false,
		"giá rẻ":           false, // no speciality said
		"mua":              false,
		"":                 false,
		"đắc sắn":          false,
		"đặc":              false,
		"đặc sản đặc sản":  true,
		"mật ong đặc sản":  false,
		"miền tây":         true,
		"đặc sản miền Tây": true,
		"mien tay":         true,
		"tour miền tây":    false,
	} {
		if got := Everything(in); got != want {
			t.Errorf("Everything(%q) = %v, want %v", in, got, want)
		}
	}
	q, err := Query{Text: " đặc sản "}.Normalize()
	if err != nil || q.Text != "" {
		t.Fatalf("a search for đặc sản is a search for %q (%v)", q.Text, err)
	}
}

// Left out at the end, the words of buying leave the word before them
// whole: it was followed by another.
func TestWithoutIntentSaysWhenTheLastWordWent(t *testing.T) {
	for in, want := range map[string]bool{"ca mua": true, "dua gia re": true, "mua ca": false, "ca": false, "giá rẻ": false} {
		if _, got := WithoutIntent(in); got != want {
			t.Errorf("WithoutIntent(%q) left out the last word: %v, want %v", in, got, want)
		}
	}
}

func TestWithoutLeadingClassifier(t *testing.T) {
	for in, want := range map[string]string{
		"trái xoài": "xoài",
		"quả bưởi":  "bưởi",
		"con cá":    "cá",
		"trái cây":  "trái cây", // a phrase of the table: fruit
		"quả":       "quả",      // alone, it is what was asked
		"xoài trái": "xoài trái",
		"cải xanh":  "cải xanh", // cải is no cái
	} {
		if got, _ := WithoutLeadingClassifier(in); got != want {
			t.Errorf("WithoutLeadingClassifier(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkEverything: every search is normalized several times on its
// way, so a text that asks for something in particular is ruled out
// without folding it, or with one fold.
func BenchmarkEverything(b *testing.B) {
	for _, q := range []string{"khom cau duc", "gạo thơm", "đặc sản miền tây"} {
		b.Run(q, func(b *testing.B) {
			for range b.N {
				Everything(q)
			}
		})
	}
}
