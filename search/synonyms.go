package search

import (
	"slices"
	"strings"
)

// SynonymGroups returns the regional synonym table as people write it: in
// each group, words or phrases that buyers from different regions use for
// the same thing (the South's khóm is the North's dứa). The Bleve engine
// applies it through MarkedSynonyms, Meilisearch through FoldedSynonyms.
//
// Folding merges some words with different meanings (dừa, coconut, and
// dứa, pineapple, both fold to "dua"). Bleve matches a synonym with its
// marks, so khóm never brings coconuts; in Meilisearch a group member can
// bring in unrelated products for a one-word query, a second word narrows
// the result ("dứa mật" or "dừa sáp"). What the buyer typed matches
// folded in both, and the exact word ranks first. Groups whose folded form
// would clash with a very common word are left out for Meilisearch's sake
// (lúa = thóc would bring paddy into searches for lụa, silk).
func SynonymGroups() [][]string {
	groups := [][]string{
		{"khóm", "thơm", "dứa", "pineapple"},    // pineapple
		{"mận", "roi"},                          // wax apple (South mận = North roi)
		{"bắp", "ngô"},                          // maize
		{"đậu phộng", "lạc", "peanut"},          // peanut
		{"heo", "lợn"},                          // pig
		{"trái", "quả"},                         // fruit
		{"vịt xiêm", "ngan"},                    // muscovy duck
		{"khoai mì", "sắn"},                     // cassava
		{"bông", "hoa"},                         // flower
		{"chén", "bát"},                         // bowl
		{"muỗng", "thìa"},                       // spoon
		{"mè", "vừng"},                          // sesame
		{"dưa leo", "dưa chuột"},                // cucumber
		{"mãng cầu ta", "na"},                   // sugar apple
		{"củ sắn", "củ đậu"},                    // jicama
		{"hột vịt", "trứng vịt"},                // duck eggs
		{"hột gà", "trứng gà"},                  // hen eggs
		{"bánh tráng", "bánh đa nem"},           // rice paper
		{"cá lóc", "cá quả", "cá chuối"},        // snakehead fish
		{"lạp xưởng", "lạp xường"},              // Chinese sausage, both spellings
		{"tắc", "quất"},                         // calamansi / kumquat
		{"ngò rí", "rau mùi"},                   // coriander
		{"ngò gai", "mùi tàu"},                  // culantro
		{"khổ qua", "mướp đắng"},                // bitter melon
		{"đậu hũ", "đậu hủ", "đậu phụ"},         // tofu, with the South's spelling
		{"nghêu", "ngao"},                       // clam
		{"chanh dây", "chanh leo"},              // passion fruit
		{"hồng xiêm", "sa pô chê", "xa pô chê"}, // sapodilla
		{"ly", "cốc"},                           // glass, cup
		{"dĩa", "đĩa"},                          // plate
		{"nón", "mũ"},                           // hat
		{"ghe", "thuyền"},                       // boat
		{"bột ngọt", "mì chính"},                // MSG
		{"xà bông", "xà phòng"},                 // soap
		{"bịch", "túi"},                         // bag
		{"hũ", "hủ", "lọ"},                      // jar, with the South's spelling
		{"trái bơ", "quả bơ"},                   // avocado
		{"cải bẹ xanh", "cải đắng"},             // mustard greens
		{"hủ tiếu", "hủ tíu", "hủ tiểu"},        // rice noodles, three spellings
		{"trái cây", "hoa quả", "fruit"},        // fruit: trái here is no classifier (search.Classifier)
		// The English of the Delta's produce, for buyers from abroad: a
		// word they type stands for the Vietnamese word in product names.
		// (Not dừa, coconut: it folds as dứa does, and would take
		// pineapple's group with it.)
		{"xoài", "mango"},
		{"bưởi", "pomelo", "grapefruit"},
		{"mật ong", "honey"},
		{"gạo", "rice"},
		{"nấm", "mushroom", "mushrooms"},
		{"trà", "tea"},
		{"nước mắm", "fish sauce"},
		{"cá", "fish"},
		{"tôm", "shrimp", "prawn"},
		{"rượu", "wine"},
		{"tinh dầu", "essential oil"},
		{"mãng cầu xiêm", "soursop"},
		{"sầu riêng", "durian"},
		{"nhãn", "longan"},
		{"chôm chôm", "rambutan"},
		{"mít", "jackfruit"},
		{"chuối", "banana"},
		{"thanh long", "dragon fruit"},
		{"khoai lang", "sweet potato"},
		{"sen", "lotus"},
		{"súng", "water lily"},
		{"kẹo", "candy"},
		{"khăn rằn", "scarf"},
	}
	// The words of a kind of product (kinds) are synonyms too.
	for _, k := range kinds {
		groups = append(groups, k.words)
	}
	return groups
}

// FoldedSynonyms returns the synonym table folded, as Meilisearch applies it:
// for every folded word or phrase of a group, the other members of every
// group it belongs to, sorted. A phrase of several words ("dau phong")
// matches those words in a row.
func FoldedSynonyms() map[string][]string {
	out := map[string][]string{}
	for _, group := range SynonymGroups() {
		folded := make([]string, 0, len(group))
		for _, w := range group {
			if f := Fold(w); f != "" && !slices.Contains(folded, f) {
				folded = append(folded, f)
			}
		}
		for _, key := range folded {
			for _, other := range folded {
				if other != key && !slices.Contains(out[key], other) {
					out[key] = append(out[key], other)
				}
			}
		}
	}
	for key := range out {
		slices.Sort(out[key])
	}
	return out
}

// MarkedSynonyms returns the synonym table as the Bleve engine applies it:
// for every folded word or phrase of a group (the keys of FoldedSynonyms),
// the members of its group that fold otherwise, written with their tone
// marks (Marked). A synonym is the word of another region for the same
// thing, exact to the mark: matched folded, khóm's dứa would meet dừa
// (coconut) and dưa (melon), bông's hoa would meet hóa (hàng hóa, goods)
// and mận's roi would meet rồi.
func MarkedSynonyms() map[string][]string {
	out := map[string][]string{}
	for _, group := range SynonymGroups() {
		for _, key := range group {
			k := Fold(key)
			for _, other := range group {
				m := Marked(other)
				if Fold(other) != k && !slices.Contains(out[k], m) {
					out[k] = append(out[k], m)
				}
			}
		}
	}
	for key := range out {
		slices.Sort(out[key])
	}
	return out
}

// OtherSenses returns, for the members of the synonym table that also
// mean something else (written with their tone marks, as Marked writes
// them), the words that show the other sense when they are in the same
// product name: thơm is the pineapple of Tiền Giang and Kiên Giang, and
// also "fragrant", as in gạo thơm (fragrant rice) or trà thơm. Such a
// member stands for its group only in names without those words.
//
// The words are single words, and few: Bleve excludes the products named
// with any of them by walking their postings, at a cost that grows with
// every word, and a phrase walks all of its words' (with "nước hoa" and
// "xà bông" among ten words, "khom" took 57 ms instead of 4 on
// ocopbench's catalogue). These are the fragrant goods of the catalogue's
// categories (rice, sticky rice, tea, incense, soap), and the names where
// bông and roi mean something else.
func OtherSenses() map[string][]string {
	senses := map[string][]string{
		"thơm": {"gạo", "nếp", "trà", "nhang", "xà"}, // fragrant rice, tea, incense, soap (xà bông)
		"bông": {"xà"},                               // xà bông, soap, is no flower
		"roi":  {"bưởi"},                             // bưởi Năm Roi is a pomelo, not a wax apple
	}
	out := make(map[string][]string, len(senses))
	for w, words := range senses {
		marked := make([]string, len(words))
		for i, x := range words {
			marked[i] = Marked(x)
		}
		out[Marked(w)] = marked
	}
	return out
}

// LongestSynonym returns the number of words in the longest folded phrase
// of the table, the most words a query matcher needs to look ahead.
func LongestSynonym(synonyms map[string][]string) int {
	longest := 0
	for key := range synonyms {
		longest = max(longest, strings.Count(key, " ")+1)
	}
	return longest
}
