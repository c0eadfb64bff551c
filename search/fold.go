package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns s the way both search engines see text: Unicode NFC, lower
// case, Vietnamese tone and vowel marks removed, đ turned into d, every run
// of punctuation and spaces turned into one space, letters and digits
// apart ("ST25" is "st 25"), no leading or trailing space. "Đường thốt nốt!" and "duong  thot-not" both fold to
// "duong thot not".
//
// Folding loses information on purpose: a buyer on a phone without a
// Vietnamese keyboard types "dua" and expects to find both dừa and dứa.
func Fold(s string) string { return fold(s, false) }

// Marked returns s as Fold does but keeping the tone and vowel marks (and
// đ), each tone on the vowel placeTone chooses: "Nước ép DỨA!" is "nước ép
// dứa", and "hòa" and "hoà" are both "hoà". Engines rank with it, so that a
// buyer who typed the marks sees what they wrote before what merely folds
// alike ("dứa", pineapple, before "dừa", coconut).
func Marked(s string) string { return fold(s, true) }

func fold(s string, keepMarks bool) string {
	var b strings.Builder
	b.Grow(len(s))
	gap := false      // a separator was seen since the last written letter
	nonASCII := false // something outside ASCII survived folding
	digits := false   // the last written letter was a digit
	// NFD splits every accented letter into its base letter and the
	// combining marks (Mn) that we then drop; this works on any input
	// normalisation form, so decomposed and precomposed text fold alike.
	d := norm.NFD.String(s)
	for i := 0; i < len(d); {
		r, size := utf8.DecodeRuneInString(d[i:])
		i += size
		switch {
		case r < utf8.RuneSelf:
			switch {
			case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			case 'A' <= r && r <= 'Z':
				r += 'a' - 'A'
			default:
				gap = true
				continue
			}
		case unicode.Is(unicode.Mn, r):
			if keepMarks && !gap && b.Len() > 0 { // on the letter before it
				b.WriteRune(r)
				nonASCII = true
			}
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
			if keepMarks {
				r = 'đ'
				nonASCII = true
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			nonASCII = true
		default:
			gap = true
			continue
		}
		digit := '0' <= r && r <= '9' || r >= utf8.RuneSelf && unicode.IsDigit(r)
		if (gap || digit != digits) && b.Len() > 0 {
			// Letters and digits are words of their own: "ST25", "st 25"
			// and "ST-25" are one rice, "500ml" is "500 ml".
			b.WriteByte(' ')
		}
		gap, digits = false, digit
		b.WriteRune(r)
	}
	if nonASCII {
		out := b.String()
		if keepMarks {
			words := strings.Split(out, " ")
			for i, w := range words {
				words[i] = placeTone(w)
			}
			out = strings.Join(words, " ")
		}
		// Letters of other scripts (e.g. Korean) were decomposed too;
		// put them back together.
		return norm.NFC.String(out)
	}
	return b.String()
}

// Words returns the folded words of s.
func Words(s string) []string {
	f := Fold(s)
	if f == "" {
		return nil
	}
	return strings.Split(f, " ")
}
