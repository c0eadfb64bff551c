package search

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"Hoa súng Lê Sánh", "hoa sung le sanh"},
		{"Đường thốt nốt", "duong thot not"},
		{"DỪA", "dua"},
		{"dứa", "dua"},
		{"Khóm Cầu Đúc – Hậu Giang", "khom cau duc hau giang"},
		{"Mật ong rừng tràm Tri Tôn", "mat ong rung tram tri ton"},
		{"Bưởi Năm Roi (loại 1)", "buoi nam roi loai 1"},
		{"  Gạo   ST25,\tthơm\n", "gao st 25 thom"},
		{"ĐẶC SẢN ĐỒNG THÁP", "dac san dong thap"},
		{"Nước mắm 40°N", "nuoc mam 40 n"},
		{"25.000 ₫/kg", "25 000 kg"},
		{"x\" OR stars >= 0", "x or stars 0"},
		{"...!!!", ""},
		{"", ""},
		{"Kim chi 김치", "kim chi 김치"},
		{"Ngọc Trinh Ýến Ỷ Ừ", "ngoc trinh yen y u"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldIgnoresNormalisationForm(t *testing.T) {
	for _, s := range []string{"Hoa súng Lê Sánh", "Đường thốt nốt", "Khô cá lóc Đồng Tháp", "Bánh pía Sóc Trăng", "Nấm bào ngư"} {
		nfd, nfc := norm.NFD.String(s), norm.NFC.String(s)
		if nfd == nfc {
			t.Fatalf("test input %q has no decomposable letters", s)
		}
		if Fold(nfd) != Fold(nfc) {
			t.Errorf("Fold(NFD %q) = %q, Fold(NFC) = %q", s, Fold(nfd), Fold(nfc))
		}
	}
}

func TestFoldIsIdempotent(t *testing.T) {
	for _, s := range []string{"Hoa súng Lê Sánh", "  Đậu phộng -- rang muối ", "Kim chi 김치"} {
		once := Fold(s)
		if twice := Fold(once); twice != once {
			t.Errorf("Fold(Fold(%q)) = %q, want %q", s, twice, once)
		}
	}
}

func TestFoldNeverPanics(t *testing.T) {
	inputs := []string{"\xff\xfe", strings.Repeat("ạ", 5000), "\u0301\u0301", "a\u0000b"}
	for _, s := range inputs {
		_ = Fold(s)
	}
	if got := Fold("a\u0000b"); got != "a b" {
		t.Errorf("Fold with NUL = %q, want %q", got, "a b")
	}
}

func TestWords(t *testing.T) {
	got := strings.Join(Words(" Đậu phộng, rang muối "), "|")
	if got != "dau|phong|rang|muoi" {
		t.Errorf("Words = %q", got)
	}
	if Words("?!") != nil {
		t.Errorf("Words of punctuation should be nil")
	}
}

func TestMarked(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Nước ép DỨA!", "nước ép dứa"},
		{"Đường thốt-nốt", "đường thốt nốt"},
		{norm.NFD.String("Dừa sáp Cầu Kè"), "dừa sáp cầu kè"},
		{"hoa sung", "hoa sung"},
		{"  \u0301dứa", "dứa"}, // a stray mark with no letter before it
		{"", ""},
	}
	for _, tt := range tests {
		if got := Marked(tt.in); got != tt.want {
			t.Errorf("Marked(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if Fold(Marked(tt.in)) != Fold(tt.in) {
			t.Errorf("Fold(Marked(%q)) = %q, want Fold = %q", tt.in, Fold(Marked(tt.in)), Fold(tt.in))
		}
	}
}

// A buyer and a seller who place a tone mark by different conventions
// write the same word: Marked makes it one.
func TestMarkedPlacesTonesOneWay(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hòa Bình", "hoà bình"},
		{"hoà bình", "hoà bình"},
		{"khỏe", "khoẻ"},
		{"Thủy sản", "thuỷ sản"},
		{"quý", "quý"},
		{"quà", "quà"},
		{"giữ", "giữ"},
		{"gìn", "gìn"},
		{"mùa", "mùa"},
		{"của", "của"},
		{"mía", "mía"},
		{"bài", "bài"},
		{"ngoài", "ngoài"},
		{"toán", "toán"},
		{"tóan", "toán"},
		{"hoàng", "hoàng"},
		{"người", "người"},
		{"ngừơi", "người"},
		{"hươu", "hươu"},
		{"muốn", "muốn"},
		{"thuyền", "thuyền"},
		{"huỳnh", "huỳnh"},
		{"hụynh", "huỵnh"},
		{"dứa", "dứa"},
		{"dừa", "dừa"},
		{"xoài", "xoài"},
		{"thốt nốt", "thốt nốt"},
		{"ộ", "ộ"},
		{"đẹp", "đẹp"},
		{"nhậu", "nhậu"},
		{"KHOẺ", "khoẻ"},
		{norm.NFD.String("Hòa"), "hoà"},
		{"bbb", "bbb"},
		{"cà phê", "cà phê"},
	}
	for _, tt := range tests {
		if got := Marked(tt.in); got != tt.want {
			t.Errorf("Marked(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Letters and digits are words apart, however the buyer writes them.
func TestFoldSplitsLettersFromDigits(t *testing.T) {
	for _, in := range []string{"ST25", "st 25", "ST-25", "st.25"} {
		if got := Fold(in); got != "st 25" {
			t.Errorf("Fold(%q) = %q, want \"st 25\"", in, got)
		}
	}
	for in, want := range map[string]string{"500ml": "500 ml", "Chai 330ml": "chai 330 ml", "2kg": "2 kg", "4 sao": "4 sao", "OCOP5": "ocop 5"} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Marked("Gạo ST25 Mỹ Xuyên"); got != "gạo st 25 mỹ xuyên" {
		t.Errorf("Marked = %q", got)
	}
}
