package regions

import (
	"strings"
	"unicode"
)

// The standard library has neither Unicode normalisation nor collation, and
// domain packages take no other dependency, so the small part of both that
// Vietnamese names need lives here.

// vowels holds each Vietnamese vowel with its five tone marks, in the order
// ngang, huyền, hỏi, ngã, sắc, nặng (the dictionary order of tones).
const vowels = "aàảãáạ" + "ăằẳẵắặ" + "âầẩẫấậ" + "eèẻẽéẹ" + "êềểễếệ" +
	"iìỉĩíị" + "oòỏõóọ" + "ôồổỗốộ" + "ơờởỡớợ" + "uùủũúụ" + "ưừửữứự" + "yỳỷỹýỵ"

// alphabet is the Vietnamese alphabet in dictionary order, with the Latin
// letters Vietnamese does not use (f, j, w, z) placed where English has them.
const alphabet = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"

// letter is one lower-case letter split into its base (with vowel
// modifiers, e.g. 'ư') and its tone (0 = none … 5 = nặng).
type letter struct {
	base rune
	tone int
}

// splitTone returns the base letter and the tone of a lower-case rune.
func splitTone(r rune) letter {
	if i := strings.IndexRune(vowels, r); i >= 0 {
		n := runeIndex(vowels, i)
		return letter{base: []rune(vowels)[n-n%6], tone: n % 6}
	}
	return letter{base: r}
}

// runeIndex converts a byte offset in s to a rune offset.
func runeIndex(s string, byteOff int) int {
	n := 0
	for i := range s {
		if i >= byteOff {
			return n
		}
		n++
	}
	return n
}

// primary ranks a base letter: space and punctuation first, then digits,
// then letters in Vietnamese order, then anything else by code point.
func primary(r rune) int {
	switch {
	case r == ' ' || r == '-' || r == ',' || r == '.':
		return 0
	case r >= '0' && r <= '9':
		return 1 + int(r-'0')
	}
	if i := strings.IndexRune(alphabet, r); i >= 0 {
		return 20 + runeIndex(alphabet, i)
	}
	return 100 + int(r)
}

// compareVietnamese orders two names as a Vietnamese dictionary does, word
// (syllable) by word: letters first, so that "Đ" follows all of "D" and "Ư"
// follows "U", then tone marks in the order ngang, huyền, hỏi, ngã, sắc,
// nặng ("Hòa Tú" before "Hỏa Lựu"); then case, and finally bytes, so that
// the order is total.
func compareVietnamese(a, b string) int {
	wa, wb := strings.Fields(a), strings.Fields(b)
	for i := 0; i < len(wa) && i < len(wb); i++ {
		if c := compareWord(splitAll(wa[i]), splitAll(wb[i])); c != 0 {
			return c
		}
	}
	if len(wa) != len(wb) {
		return sign(len(wa) - len(wb))
	}
	// Lower case before upper case, then bytes.
	if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
		return c
	}
	return -strings.Compare(a, b)
}

func compareWord(la, lb []letter) int {
	for i := 0; i < len(la) && i < len(lb); i++ {
		if pa, pb := primary(la[i].base), primary(lb[i].base); pa != pb {
			return sign(pa - pb)
		}
	}
	if len(la) != len(lb) {
		return sign(len(la) - len(lb))
	}
	for i := range la {
		if la[i].tone != lb[i].tone {
			return sign(la[i].tone - lb[i].tone)
		}
	}
	return 0
}

func splitAll(s string) []letter {
	s = composeVietnamese(s)
	out := make([]letter, 0, len(s))
	for _, r := range s {
		out = append(out, splitTone(unicode.ToLower(r)))
	}
	return out
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// Combining marks that decomposed ("tổ hợp") Vietnamese text uses.
const (
	combGrave      = '\u0300' // huyền
	combAcute      = '\u0301' // sắc
	combCircumflex = '\u0302' // â ê ô
	combTilde      = '\u0303' // ngã
	combBreve      = '\u0306' // ă
	combHook       = '\u0309' // hỏi
	combHorn       = '\u031B' // ơ ư
	combDotBelow   = '\u0323' // nặng
)

// composeVietnamese turns decomposed Vietnamese letters (a base letter
// followed by combining tone and vowel marks, as some keyboards and older
// files produce) into the precomposed NFC letters. Text that is already
// NFC comes back unchanged; marks it cannot place are kept as they are.
func composeVietnamese(s string) string {
	if !hasCombining(s) {
		return s
	}
	rs := []rune(s)
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		upper := unicode.IsUpper(r)
		l := splitTone(unicode.ToLower(r))
		// Collect the marks that follow.
		j := i + 1
		for j < len(rs) && isCombining(rs[j]) {
			j++
		}
		if j == i+1 || strings.IndexRune(vowels, l.base) < 0 {
			out = append(out, r)
			continue
		}
		base, tone, ok := l.base, l.tone, true
		for _, m := range rs[i+1 : j] {
			switch m {
			case combGrave, combHook, combTilde, combAcute, combDotBelow:
				if tone != 0 {
					ok = false
				}
				tone = toneOf(m)
			case combCircumflex, combBreve, combHorn:
				nb, found := modified(base, m)
				if !found {
					ok = false
				}
				base = nb
			default:
				ok = false
			}
		}
		if !ok {
			out = append(out, rs[i:j]...)
			i = j - 1
			continue
		}
		vs := []rune(vowels)
		n := runeIndex(vowels, strings.IndexRune(vowels, base))
		c := vs[n+tone]
		if upper {
			c = unicode.ToUpper(c)
		}
		out = append(out, c)
		i = j - 1
	}
	return string(out)
}

// toneOf maps a combining tone mark to its place in vowels.
func toneOf(mark rune) int {
	switch mark {
	case combGrave:
		return 1
	case combHook:
		return 2
	case combTilde:
		return 3
	case combAcute:
		return 4
	case combDotBelow:
		return 5
	}
	return 0
}

// modified applies a vowel modifier to a toneless base vowel.
func modified(base, mark rune) (rune, bool) {
	switch {
	case base == 'a' && mark == combBreve:
		return 'ă', true
	case base == 'a' && mark == combCircumflex:
		return 'â', true
	case base == 'e' && mark == combCircumflex:
		return 'ê', true
	case base == 'o' && mark == combCircumflex:
		return 'ô', true
	case base == 'o' && mark == combHorn:
		return 'ơ', true
	case base == 'u' && mark == combHorn:
		return 'ư', true
	}
	return base, false
}

func isCombining(r rune) bool { return r >= '\u0300' && r <= '\u036F' }

func hasCombining(s string) bool {
	for _, r := range s {
		if isCombining(r) {
			return true
		}
	}
	return false
}
