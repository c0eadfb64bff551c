package search

// kinds are words buyers use for a kind of product that the products
// themselves rarely say, with the categories of that kind: fish, shrimp
// and snails are named for what they are, not "hải sản" (seafood); a
// woven basket is not named "thủ công" (handicraft), while jam and rice
// wine often say "làm thủ công" (made by hand). A search counts the
// products of those categories as saying the words, ranked after the
// products that do say them. Each group is also a group of the synonym
// table (SynonymGroups), so that a search reads a phrase as one.
var kinds = []struct {
	words      []string
	categories []string
}{
	{[]string{"hải sản", "thủy sản", "seafood"}, []string{"thuy-san"}},
	{[]string{"thủ công", "handicraft", "handicrafts"}, []string{"thu-cong", "dan-lat", "tho-cam"}},
	{[]string{"mỹ phẩm", "cosmetics"}, []string{"my-pham-thao-duoc"}},
	{[]string{"đồ uống", "thức uống", "drinks", "beverages"}, []string{"do-uong"}},
	{[]string{"nông sản", "farm produce"}, []string{"thuc-pham"}},
}

// KindCategories returns, for each folded word or phrase of the kinds
// table, the ids of the categories of that kind.
func KindCategories() map[string][]string {
	out := map[string][]string{}
	for _, k := range kinds {
		for _, w := range k.words {
			out[Fold(w)] = k.categories
		}
	}
	return out
}
