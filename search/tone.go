package search

import "strings"

// Vietnamese is written with its tone mark on one of a syllable's vowels,
// and two conventions place it differently in some syllables: "hòa",
// "khỏe", "thủy" (the older, still the default of common keyboards) and
// "hoà", "khoẻ", "thuỷ" (the newer). A buyer and a seller rarely agree on
// which, so Marked writes every syllable with its tone in one place,
// chosen by placeTone.

// The five tone marks, as combining characters (NFD).
func isTone(r rune) bool {
	switch r {
	case '\u0300', '\u0301', '\u0303', '\u0309', '\u0323':
		return true
	}
	return false
}

// The marks that make a vowel another vowel: â ê ô, ă, ơ ư.
func isVowelMark(r rune) bool { return r == '\u0302' || r == '\u0306' || r == '\u031B' }

func isVowel(r rune) bool {
	switch r {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// letter is a base letter with the combining marks that follow it.
type letter struct {
	base  rune
	marks []rune
}

// placeTone returns word, a lower-case word in NFD as fold writes it, with
// its tone mark on the vowel that carries it in the newer convention:
//   - on a vowel with its own mark (â ê ô ă ơ ư; the ơ of ươ);
//   - on the last vowel of a group a consonant ends ("toán", "hoàng");
//   - on the second of an open oa, oe, uy ("hoà", "khoẻ", "thuỷ"), on the
//     middle of three ("ngoài"), on the first of other pairs ("mùa",
//     "bài", "mía").
//
// The u of qu and the i of gi before another vowel belong to the
// consonant ("quý", "giữ"). A word with no tone mark, with two, or with
// no vowel to carry it is returned as it is.
func placeTone(word string) string {
	var letters []letter
	tone, tones := rune(0), 0
	for _, r := range word {
		switch {
		case isTone(r):
			tone, tones = r, tones+1
		case r >= '\u0300' && r <= '\u036F':
			if len(letters) == 0 {
				return word
			}
			letters[len(letters)-1].marks = append(letters[len(letters)-1].marks, r)
		default:
			letters = append(letters, letter{base: r})
		}
	}
	if tones != 1 {
		return word
	}
	// The vowels of the syllable: the first run of vowels, without the
	// u of qu and the i of gi that another vowel follows.
	from := -1
	for i, l := range letters {
		if isVowel(l.base) {
			from = i
			break
		}
	}
	if from < 0 {
		return word
	}
	to := from
	for to < len(letters) && isVowel(letters[to].base) {
		to++
	}
	if from > 0 && to-from > 1 {
		onset := letters[from-1].base
		if onset == 'q' && letters[from].base == 'u' ||
			onset == 'g' && from == 1 && letters[from].base == 'i' && len(letters[from].marks) == 0 {
			from++
		}
	}
	at := -1
	for i := from; i < to; i++ {
		for _, m := range letters[i].marks {
			if isVowelMark(m) {
				at = i // the last: ơ of ươ
			}
		}
	}
	if at < 0 {
		n := to - from
		group := ""
		for _, l := range letters[from:to] {
			group += string(l.base)
		}
		switch {
		case to < len(letters) || n == 1:
			at = to - 1
		case group == "oa" || group == "oe" || group == "uy":
			at = from + 1
		case n == 3:
			at = from + 1
		default:
			at = from
		}
	}
	var b strings.Builder
	b.Grow(len(word))
	for i, l := range letters {
		b.WriteRune(l.base)
		for _, m := range l.marks {
			b.WriteRune(m)
		}
		if i == at {
			b.WriteRune(tone)
		}
	}
	return b.String()
}
