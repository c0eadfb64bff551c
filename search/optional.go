package search

import "strings"

// Optional words. A search whose words find nothing is asked again without
// the words buyers add to what they want: classifiers ("quả bưởi", "con
// cá", "cái giỏ"), and the words of buying ("mua", "giá rẻ", "ngon",
// "tươi"). Product names rarely carry them, so "quả bưởi" would otherwise
// find no pomelo. Only a search that finds nothing drops them: "trái
// khóm" still ranks the products that say it. (Algolia's
// removeWordsIfNoResults does the like, a word at a time.)
var optionalWords = map[string]bool{
	"trai": true, "qua": true, "con": true, "cai": true, "chiec": true, "loai": true, "hang": true,
	"mua": true, "ban": true, "gia": true, "re": true, "ngon": true, "tuoi": true,
}

// Optional reports whether a folded word is one a search that finds
// nothing drops.
func Optional(folded string) bool { return optionalWords[folded] }

// WithoutOptional returns text's folded words without the optional ones,
// and whether it dropped any and some remain.
func WithoutOptional(text string) (string, bool) {
	words := Words(text)
	kept := words[:0:0]
	for _, w := range words {
		if !optionalWords[w] {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " "), len(kept) > 0 && len(kept) < len(words)
}
