package market

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestCleanText(t *testing.T) {
	nfd := norm.NFD.String("Hoa súng hũ Đồng Tháp")
	if nfd == "Hoa súng hũ Đồng Tháp" {
		t.Fatal("the test needs a decomposed input")
	}
	tests := []struct{ name, in, want string }{
		{"NFD becomes NFC", nfd, "Hoa súng hũ Đồng Tháp"},
		{"NFC stays", "Bưởi Năm Roi", "Bưởi Năm Roi"},
		{"trim and collapse", "  Hoa \t súng\u00a0 Lê   Sánh ", "Hoa súng Lê Sánh"},
		{"line breaks become spaces", "Ấp Thạnh Lợi\r\nxã Thạnh Xuân\n", "Ấp Thạnh Lợi xã Thạnh Xuân"},
		{"NUL and other C0", "Hoa\x00 súng\x07\x1b", "Hoa súng"},
		{"C1 and DEL", "Mắm\u0085cá\u009b\x7f", "Mắm cá"},
		{"right-to-left override", "Khô cá \u202eetals\u202c", "Khô cá etals"},
		{"bidi isolates and marks", "\u2066Kẹo\u2069 dừa\u200f\u200e", "Kẹo dừa"},
		{"zero-width characters", "Trà\u200b\u200c\u200d atisô\ufeff\u2060", "Trà atisô"},
		{"a zero-width space alone is empty", "\u200b \u200b", ""},
		{"combining mark after a dropped control composes", "u\u200b\u0301", "ú"},
		{"invalid UTF-8 dropped", "Nem\xff chua", "Nem chua"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CleanText(tt.in); got != tt.want {
				t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanMultiline(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"single line", "  Ba đời   trồng bưởi ", "Ba đời trồng bưởi"},
		{"keeps line breaks", "Dòng một\nDòng hai", "Dòng một\nDòng hai"},
		{"CRLF and CR", "Một\r\nHai\rBa", "Một\nHai\nBa"},
		{"lines trimmed", "  Một  \n\t Hai  ", "Một\nHai"},
		{"one empty line between paragraphs", "Đoạn một\n\n\n\n  \nĐoạn hai", "Đoạn một\n\nĐoạn hai"},
		{"leading and trailing empty lines", "\n\n Chào \n\n", "Chào"},
		{"controls dropped", "Ngó\x00 súng\u202e\nhoa\u200b trắng", "Ngó súng\nhoa trắng"},
		{"NFD becomes NFC", norm.NFD.String("Hũ mắm\nĐồng Tháp"), "Hũ mắm\nĐồng Tháp"},
		{"paragraph separator", "Một\u2029Hai", "Một\nHai"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CleanMultiline(tt.in); got != tt.want {
				t.Errorf("CleanMultiline(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
