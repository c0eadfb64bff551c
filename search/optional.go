package search

import (
	"slices"
	"strings"
	"unicode"
)

// Optional words. A search whose words find nothing is asked again without
// the words buyers add to what they want: classifiers ("quả bưởi", "con
// cá", "cái giỏ"), and the words of buying ("mua", "rẻ", "ngon", "tươi").
// Product names rarely carry them, so "quả bưởi" would otherwise find no
// pomelo. Only a search whose words, filters aside, find nothing drops
// them: "trái khóm" still ranks the products that say it. (Algolia's
// removeWordsIfNoResults does the like, a word at a time.)
//
// A word typed with marks is optional only with these marks: cải (greens)
// is not cái, quà (a gift) not quả, rễ (a root) not rẻ. "giá" (price) is
// left out: it is also giá, bean sprouts.
var optionalWords = markedSet("trái", "quả", "con", "cái", "chiếc", "loại", "hàng", "mua", "bán", "rẻ", "ngon", "tươi")

// markedSet holds words as Marked writes them, and folded: a word typed
// without marks is one of them if it folds like one.
func markedSet(words ...string) map[string]bool {
	m := map[string]bool{}
	for _, w := range words {
		m[Marked(w)] = true
		m[Fold(w)] = true
	}
	return m
}

// Optional reports whether a word of a query, as Marked writes it, is one
// a search that finds nothing drops (a word without marks is compared
// folded).
func Optional(marked string) bool { return optionalWords[marked] }

// WithoutOptional returns the words of text without the optional ones,
// as Marked writes them (a search drops them, then folds what is left as
// usual), and whether it dropped any and some remain. A phrase of the
// synonym table ("khổ qua", bitter melon) is one word here: its parts are
// never dropped.
func WithoutOptional(text string) (string, bool) {
	marked := strings.Fields(Marked(text))
	folded := Words(text)
	if len(marked) != len(folded) {
		return text, false
	}
	longest := LongestSynonym(phrases)
	var kept []string
	dropped := false
	for i := 0; i < len(folded); {
		n := 1
		for size := min(longest, len(folded)-i); size > 1; size-- {
			if phrases[strings.Join(folded[i:i+size], " ")] != nil {
				n = size
				break
			}
		}
		if n == 1 && Optional(marked[i]) {
			dropped = true
		} else {
			kept = append(kept, marked[i:i+n]...)
		}
		i += n
	}
	return strings.Join(kept, " "), dropped && len(kept) > 0
}

// phrases are the folded phrases of the synonym table.
var phrases = FoldedSynonyms()

// intentPhrases are what buyers say about buying rather than about what
// they buy: "mua" (buy), "giá rẻ" (cheap), "giá tốt", "giá sỉ"
// (wholesale); and what every product of the marketplace is, and few
// descriptions say (marketplacePhrases): "đặc sản" (a speciality) and
// "miền Tây" (the Mekong Delta), so that "mật ong đặc sản" is all the
// honey and "khô cá miền Tây" all the dried fish. A search leaves them
// out whatever it finds, as long as other words remain: "dừa giá rẻ" is
// coconuts, not the coconuts of Rạch Giá. Typed with other marks they
// are other words (mùa, season; rẽ, a turn).
var intentPhrases = func() [][]string {
	// Longest first: "giá rẻ nhất" before "giá rẻ".
	out := [][]string{{"giá", "rẻ", "nhất"}, {"giá", "tốt", "nhất"}, {"giá", "rẻ"}, {"giá", "tốt"}, {"giá", "sỉ"}, {"rẻ", "nhất"}, {"đặc", "sản"}, {"miền", "tây"}, {"mua"}}
	for _, p := range out {
		for j, w := range p {
			p[j] = Marked(w)
		}
	}
	return out
}()

// WithoutIntent returns text without the words of buying (intentPhrases),
// as Marked writes it, or text as it is when they are all it says; and
// whether it left out the last word, so that the last word kept was
// followed by another: whole, not the start of a word being typed ("ca
// mua" is ca, not cam or cát).
func WithoutIntent(text string) (string, bool) {
	marked := strings.Fields(Marked(text))
	kept, last, _ := withoutIntent(marked)
	if len(kept) == 0 || len(kept) == len(marked) {
		return text, false
	}
	return strings.Join(kept, " "), last
}

// Everything reports whether text asks for every product: it says what
// every product here is ("đặc sản", "miền Tây") and nothing but that and
// the words of buying ("mua đặc sản", "đặc sản miền Tây giá rẻ"). A
// search for it is a search without words, where it would otherwise find
// the few products that say so, or none.
func Everything(text string) bool {
	if !mayBeEverything(text) {
		return false
	}
	marked := strings.Fields(Marked(text))
	kept, _, marketplace := withoutIntent(marked)
	return len(marked) > 0 && len(kept) == 0 && marketplace
}

// withoutIntent returns the words of marked that are not words of buying,
// whether the last word was one, and whether one of marketplacePhrases
// was among them.
func withoutIntent(marked []string) (kept []string, last, marketplace bool) {
	for i := 0; i < len(marked); {
		n := 0
		for _, p := range intentPhrases {
			if len(p) <= len(marked)-i && saysPhrase(marked[i:i+len(p)], p) {
				n = len(p)
				marketplace = marketplace || slices.ContainsFunc(marketplacePhrases, func(m []string) bool { return slices.Equal(p, m) })
				break
			}
		}
		last = n > 0
		if n == 0 {
			kept = append(kept, marked[i])
			n = 1
		}
		i += n
	}
	return kept, last, marketplace
}

// mayBeEverything rules out, cheaply, most texts Everything would find
// other words in: every search is normalized several times on its way,
// and the whole check costs some 10 µs. The words of intentPhrases all
// begin with one of the letters below, and the text must say "đặc sản" or
// "miền tây" folded.
func mayBeEverything(text string) bool {
	start := true
	for _, r := range text {
		switch {
		case r == ' ' || r == '\t' || r == '\n':
			start = true
			continue
		case !start:
			continue
		}
		start = false
		switch unicode.ToLower(r) {
		case 'g', 'r', 'n', 't', 's', 'd', 'đ', 'm':
		default:
			return false
		}
	}
	f := Fold(text)
	return strings.Contains(f, "dac san") || strings.Contains(f, "mien tay")
}

// marketplacePhrases are the phrases of intentPhrases that say what every
// product here is, as intentPhrases holds them.
var marketplacePhrases = [][]string{{Marked("đặc"), Marked("sản")}, {Marked("miền"), Marked("tây")}}

// saysPhrase reports whether words, as Marked writes them, are the
// phrase p, as Marked writes it: with its marks, or typed without any.
func saysPhrase(words, p []string) bool {
	for j, w := range words {
		if w != p[j] && (w != Fold(w) || w != Fold(p[j])) {
			return false
		}
	}
	return true
}

// classifiers are the words Vietnamese puts before a thing to count it:
// trái xoài, quả bưởi, con cá, cái giỏ, chiếc nón, loại gạo. Product names
// rarely carry them ("Xoài cát Hòa Lộc"), so before another word a search
// takes them as wishes that rank, not as words every product must say:
// "trái xoài" finds the mangoes, those that say trái first.
var classifiers = markedSet("trái", "quả", "con", "cái", "chiếc", "loại")

// Classifier reports whether a word of a query, as Marked writes it, is a
// classifier (a word without marks is compared folded).
func Classifier(marked string) bool { return classifiers[marked] }

// WithoutLeadingClassifier returns text without its first word when that
// is a classifier and other words follow, as Marked writes it, and
// whether it left it out. (An engine that cannot rank by it leaves it
// out.)
func WithoutLeadingClassifier(text string) (string, bool) {
	marked := strings.Fields(Marked(text))
	if len(marked) < 2 || !Classifier(marked[0]) || phrases[Fold(marked[0]+" "+marked[1])] != nil {
		return text, false
	}
	return strings.Join(marked[1:], " "), true
}
