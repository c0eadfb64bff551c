package market

import (
	"strings"
	"unicode"

	// The one import of market outside the standard library: every domain
	// package must store people's text in the same Unicode form, so that
	// "Hoa súng" typed on one phone equals "Hoa súng" typed on another.
	"golang.org/x/text/unicode/norm"
)

// CleanText is how every one-line text a person types (a name, an address,
// a unit) is stored: NFC-normalised, without control characters, bidi
// overrides or zero-width characters, with each run of white space (tabs
// and line breaks included) made one space, and trimmed.
func CleanText(s string) string {
	return strings.Join(strings.Fields(strip(s, false)), " ")
}

// CleanMultiline is CleanText for texts of several lines (a description, a
// story): line breaks survive, each line is cleaned like CleanText, and runs
// of empty lines shrink to one, so paragraphs stay apart; leading and
// trailing empty lines go.
func CleanMultiline(s string) string {
	lines := strings.Split(strip(s, true), "\n")
	out := make([]string, 0, len(lines))
	blank := true // no empty line at the start
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		out = append(out, l)
		blank = false
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}

// strip normalises s to NFC, turns white space into spaces (or line breaks
// into "\n" when keepLines) and drops invisible characters.
func strip(s string, keepLines bool) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case isLineBreak(r):
			if keepLines {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case invisible(r):
		default:
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

func isLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// invisible reports the characters no name or address needs and that can
// hide or disguise text: C0 and C1 controls, bidi marks, embeddings,
// overrides and isolates, and zero-width characters.
func invisible(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f: // C0, DEL, C1
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f: // bidi marks
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi embeddings, overrides, isolates
		return true
	case r >= 0x200b && r <= 0x200d, r == 0x2060, r == 0xfeff, r == 0x180e: // zero-width
		return true
	}
	return false
}
