package catalog

import "github.com/ocopmarket/market"

// Category is a product category: one of the six OCOP product groups (no
// parent) or a sub-category of one.
type Category struct {
	// ID is a short ASCII slug, stable across releases: "thuc-pham", "trai-cay".
	ID     string
	Name   string // Vietnamese
	NameEN string // English
	// ParentID is "" for the six OCOP groups.
	ParentID string
	// OCOPGroup is the OCOP product group (1–6) the category belongs to.
	OCOPGroup int
}

// Categories returns every category in a stable order: each OCOP group
// followed by its sub-categories, groups in OCOP order. The slice is the
// caller's to keep.
func Categories() []Category { return categoryData() }

// CategoryByID returns the category with the id, or a not_found error.
func CategoryByID(id string) (Category, error) {
	for _, c := range categoryData() {
		if c.ID == id {
			return c, nil
		}
	}
	return Category{}, market.Errorf(market.NotFound,
		"Không tìm thấy danh mục \""+categoryClip(id)+"\".",
		"The category \""+categoryClip(id)+"\" was not found.")
}

// CategoryAncestors returns the id of the category and of those above it,
// nearest first ("trai-cay", "thuc-pham"): what a search document stores
// so that a filter on a group also finds its sub-categories. Nil for an
// unknown id.
func CategoryAncestors(id string) []string {
	all := categoryData()
	var out []string
	// The data is two levels deep; the bound only guards against a cycle.
	for step := 0; id != "" && step <= len(all); step++ {
		c, ok := categoryFind(all, id)
		if !ok {
			break
		}
		out = append(out, c.ID)
		id = c.ParentID
	}
	return out
}

// CategoryChildren returns the categories directly under parentID in
// stable order: the six OCOP groups for "", nothing for an unknown id.
func CategoryChildren(parentID string) []Category {
	var out []Category
	for _, c := range categoryData() {
		if c.ParentID == parentID {
			out = append(out, c)
		}
	}
	return out
}

func categoryFind(all []Category, id string) (Category, bool) {
	for _, c := range all {
		if c.ID == id {
			return c, true
		}
	}
	return Category{}, false
}

// categoryClip shortens hostile input before it is echoed in a message.
func categoryClip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}
