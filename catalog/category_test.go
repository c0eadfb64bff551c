package catalog_test

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/catalog"
)

func TestCategoryGroups(t *testing.T) {
	want := []catalog.Category{
		{ID: "thuc-pham", Name: "Thực phẩm", NameEN: "Food", OCOPGroup: 1},
		{ID: "do-uong", Name: "Đồ uống", NameEN: "Beverages", OCOPGroup: 2},
		{ID: "thao-duoc", Name: "Thảo dược", NameEN: "Herbal products", OCOPGroup: 3},
		{ID: "vai-may-mac", Name: "Vải và may mặc", NameEN: "Textiles and garments", OCOPGroup: 4},
		{ID: "luu-niem", Name: "Lưu niệm – nội thất – trang trí", NameEN: "Souvenirs, furniture and decoration", OCOPGroup: 5},
		{ID: "du-lich", Name: "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch", NameEN: "Community and eco-tourism services", OCOPGroup: 6},
	}
	if diff := cmp.Diff(want, catalog.CategoryChildren("")); diff != "" {
		t.Errorf("the six OCOP groups (-want +got):\n%s", diff)
	}
}

func TestCategoryData(t *testing.T) {
	all := catalog.Categories()
	seen := map[string]bool{}
	for _, c := range all {
		if !categorySlug(c.ID) {
			t.Errorf("id %q is not a short ASCII slug", c.ID)
		}
		if seen[c.ID] {
			t.Errorf("id %q repeats", c.ID)
		}
		seen[c.ID] = true
		if c.Name == "" || c.NameEN == "" || !utf8.ValidString(c.Name) {
			t.Errorf("%s lacks a Vietnamese or English name", c.ID)
		}
		if c.OCOPGroup < 1 || c.OCOPGroup > 6 {
			t.Errorf("%s has OCOP group %d", c.ID, c.OCOPGroup)
		}
		if c.ParentID == "" {
			continue
		}
		parent, err := catalog.CategoryByID(c.ParentID)
		if err != nil {
			t.Errorf("%s: parent %s: %v", c.ID, c.ParentID, err)
			continue
		}
		if parent.ParentID != "" || parent.OCOPGroup != c.OCOPGroup {
			t.Errorf("%s sits under %s, which is not its OCOP group %d", c.ID, parent.ID, c.OCOPGroup)
		}
	}
	for group := 1; group <= 6; group++ {
		n := 0
		for _, c := range all {
			if c.OCOPGroup == group && c.ParentID != "" {
				n++
			}
		}
		if n == 0 {
			t.Errorf("OCOP group %d has no sub-categories", group)
		}
	}
	// What sellers of the demo data list first must have a home.
	for _, id := range []string{"trai-cay", "rau-cu", "gao-ngu-coc", "thuy-san", "kho-mam", "mat-ong", "duong-banh-keo",
		"gia-vi", "ca-phe-tra", "ruou", "nuoc-ep", "tra-thao-moc", "duoc-lieu", "tinh-dau", "dan-lat", "thu-cong",
		"hoa-cay-canh", "vai-khan", "tho-cam", "homestay", "tour-trai-nghiem"} {
		if !seen[id] {
			t.Errorf("missing category %s", id)
		}
	}
}

func categorySlug(s string) bool {
	if s == "" || len(s) > 32 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func TestCategoryByID(t *testing.T) {
	c, err := catalog.CategoryByID("hoa-cay-canh")
	if err != nil || c.Name != "Hoa, cây cảnh" || c.ParentID != "luu-niem" || c.OCOPGroup != 5 {
		t.Errorf("CategoryByID(hoa-cay-canh) = %+v, %v", c, err)
	}
	for _, id := range []string{"", "fruit", "TRAI-CAY"} {
		_, err := catalog.CategoryByID(id)
		var e *market.Error
		if !errors.As(err, &e) || e.Code != market.NotFound || e.Message.VI == "" || e.Message.EN == "" {
			t.Errorf("CategoryByID(%q) = %v, want not_found in both languages", id, err)
		}
	}
}

func TestCategoryAncestors(t *testing.T) {
	tests := []struct {
		id   string
		want []string
	}{
		{"mat-ong", []string{"mat-ong", "thuc-pham"}},
		{"thuc-pham", []string{"thuc-pham"}},
		{"homestay", []string{"homestay", "du-lich"}},
		{"nowhere", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, catalog.CategoryAncestors(tt.id)); diff != "" {
			t.Errorf("CategoryAncestors(%q) (-want +got):\n%s", tt.id, diff)
		}
	}
}

func TestCategoryChildren(t *testing.T) {
	var ids []string
	for _, c := range catalog.CategoryChildren("do-uong") {
		ids = append(ids, c.ID)
	}
	if diff := cmp.Diff([]string{"ca-phe-tra", "ruou", "nuoc-ep"}, ids); diff != "" {
		t.Errorf("CategoryChildren(do-uong) (-want +got):\n%s", diff)
	}
	if got := catalog.CategoryChildren("mat-ong"); len(got) != 0 {
		t.Errorf("CategoryChildren(leaf) = %v", got)
	}
	if got := catalog.CategoryChildren("nowhere"); len(got) != 0 {
		t.Errorf("CategoryChildren(unknown) = %v", got)
	}
}

func TestCategoriesAreCopies(t *testing.T) {
	all := catalog.Categories()
	all[0].Name = "changed"
	if catalog.Categories()[0].Name == "changed" {
		t.Fatal("a caller changed the categories through Categories")
	}
	if diff := cmp.Diff(catalog.Categories(), catalog.Categories()); diff != "" {
		t.Errorf("the order is not stable:\n%s", diff)
	}
}
