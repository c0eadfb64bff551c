package regions_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/regions"
)

func mustLoad(t testing.TB) *regions.Tree {
	t.Helper()
	tree, err := regions.Load(nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return tree
}

// small is a hand-made tree with a legacy district level, so that
// grandchildren exist.
func small(t testing.TB) *regions.Tree {
	t.Helper()
	tree, err := regions.New([]regions.Region{
		{ID: "can-tho", Name: "Cần Thơ", Level: regions.LevelProvince, Kind: regions.KindCity},
		{ID: "an-giang", Name: "An Giang", Level: regions.LevelProvince, Kind: regions.KindProvince},
		{ID: "can-tho.chau-thanh-a", Name: "Châu Thành A", Level: regions.LevelDistrict, ParentID: "can-tho", Kind: regions.KindDistrict},
		{ID: "can-tho.thanh-xuan", Name: "Thạnh Xuân", Level: regions.LevelCommune, ParentID: "can-tho.chau-thanh-a", Kind: regions.KindCommune},
		{ID: "can-tho.ninh-kieu", Name: "Ninh Kiều", Level: regions.LevelCommune, ParentID: "can-tho", Kind: regions.KindWard},
		{ID: "an-giang.tri-ton", Name: "Tri Tôn", Level: regions.LevelCommune, ParentID: "an-giang", Kind: regions.KindCommune},
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return tree
}

func TestContains(t *testing.T) {
	tree := small(t)
	tests := []struct {
		name         string
		ancestor, id string
		want         bool
	}{
		{"self province", "can-tho", "can-tho", true},
		{"self commune", "can-tho.thanh-xuan", "can-tho.thanh-xuan", true},
		{"child", "can-tho", "can-tho.ninh-kieu", true},
		{"child of district", "can-tho.chau-thanh-a", "can-tho.thanh-xuan", true},
		{"grandchild", "can-tho", "can-tho.thanh-xuan", true},
		{"parent is not inside child", "can-tho.thanh-xuan", "can-tho", false},
		{"sibling", "can-tho.ninh-kieu", "can-tho.thanh-xuan", false},
		{"other province", "an-giang", "can-tho.thanh-xuan", false},
		{"commune of other province", "can-tho", "an-giang.tri-ton", false},
		{"unknown region", "can-tho", "can-tho.khong-co", false},
		{"unknown ancestor", "hau-giang", "can-tho.thanh-xuan", false},
		{"empty ancestor", "", "can-tho", false},
		{"both empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tree.Contains(tt.ancestor, tt.id); got != tt.want {
				t.Errorf("Contains(%q, %q) = %v, want %v", tt.ancestor, tt.id, got, tt.want)
			}
		})
	}
}

func TestAncestorsPathAndFullName(t *testing.T) {
	tree := small(t)
	tests := []struct {
		id        string
		ancestors []string
		fullName  string
		province  string
	}{
		{"can-tho.thanh-xuan", []string{"can-tho.thanh-xuan", "can-tho.chau-thanh-a", "can-tho"}, "Xã Thạnh Xuân, Huyện Châu Thành A, TP Cần Thơ", "can-tho"},
		{"can-tho.ninh-kieu", []string{"can-tho.ninh-kieu", "can-tho"}, "Phường Ninh Kiều, TP Cần Thơ", "can-tho"},
		{"an-giang", []string{"an-giang"}, "Tỉnh An Giang", "an-giang"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			if diff := cmp.Diff(tt.ancestors, tree.Ancestors(tt.id)); diff != "" {
				t.Errorf("Ancestors (-want +got):\n%s", diff)
			}
			if got := tree.FullName(tt.id); got != tt.fullName {
				t.Errorf("FullName = %q, want %q", got, tt.fullName)
			}
			p, err := tree.ProvinceOf(tt.id)
			if err != nil || p.ID != tt.province {
				t.Errorf("ProvinceOf = %v, %v; want %s", p.ID, err, tt.province)
			}
			path, err := tree.Path(tt.id)
			if err != nil || len(path) != len(tt.ancestors) || path[0].ID != tt.id {
				t.Errorf("Path = %v, %v", path, err)
			}
		})
	}
	if got := tree.Ancestors("nowhere"); got != nil {
		t.Errorf("Ancestors(unknown) = %v, want nil", got)
	}
	if got := tree.FullName("nowhere"); got != "nowhere" {
		t.Errorf("FullName(unknown) = %q, want the id back", got)
	}
}

func TestLookupNotFound(t *testing.T) {
	tree := small(t)
	for _, id := range []string{"", "hau-giang", "can-tho.", "CAN-THO"} {
		r, err := tree.Lookup(id)
		if !market.IsCode(err, market.NotFound) {
			t.Errorf("Lookup(%q) = %v, %v; want not_found", id, r, err)
			continue
		}
		var e *market.Error
		if !asError(err, &e) || e.Message.VI == "" || e.Message.EN == "" {
			t.Errorf("Lookup(%q) error %v lacks a message in both languages", id, err)
		}
	}
	if _, err := tree.ProvinceOf("hau-giang"); !market.IsCode(err, market.NotFound) {
		t.Errorf("ProvinceOf(unknown) = %v, want not_found", err)
	}
	if _, err := tree.Path("hau-giang"); !market.IsCode(err, market.NotFound) {
		t.Errorf("Path(unknown) = %v, want not_found", err)
	}
	r, err := tree.Lookup("can-tho.ninh-kieu")
	if err != nil || r.Name != "Ninh Kiều" || r.Kind != regions.KindWard {
		t.Errorf("Lookup(known) = %+v, %v", r, err)
	}
}

func asError(err error, target **market.Error) bool { return errors.As(err, target) }

func TestChildrenInVietnameseOrder(t *testing.T) {
	tree, err := regions.New([]regions.Region{
		{ID: "p", Name: "Tỉnh thử", Level: regions.LevelProvince},
		{ID: "p.o-mon", Name: "Ô Môn", Level: regions.LevelCommune, ParentID: "p"},
		{ID: "p.dai-thanh", Name: "Đại Thành", Level: regions.LevelCommune, ParentID: "p"},
		{ID: "p.hoa-luu", Name: "Hỏa Lựu", Level: regions.LevelCommune, ParentID: "p"},
		{ID: "p.dong-hiep", Name: "Đông Hiệp", Level: regions.LevelCommune, ParentID: "p"},
		{ID: "p.hoa-tu", Name: "Hòa Tú", Level: regions.LevelCommune, ParentID: "p"},
		{ID: "p.vi-thanh-1", Name: "Vị Thanh 1", Level: regions.LevelCommune, ParentID: "p"},
		{ID: "p.vi-thanh", Name: "Vị Thanh", Level: regions.LevelCommune, ParentID: "p"},
		{ID: "p.vi-thuy", Name: "Vị Thủy", Level: regions.LevelCommune, ParentID: "p"},
		{ID: "p.vinh-thanh", Name: "Vĩnh Thạnh", Level: regions.LevelCommune, ParentID: "p"},
		{ID: "p.dinh", Name: "Dinh", Level: regions.LevelCommune, ParentID: "p"},
		{ID: "p.oc-eo", Name: "Óc Eo", Level: regions.LevelCommune, ParentID: "p"},
		{ID: "p.ong", Name: "Ông", Level: regions.LevelCommune, ParentID: "p"},
		{ID: "p.u-minh", Name: "U Minh", Level: regions.LevelCommune, ParentID: "p"},
		{ID: "p.ung", Name: "Ưng", Level: regions.LevelCommune, ParentID: "p"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range tree.Children("p") {
		got = append(got, r.Name)
	}
	want := []string{"Dinh", "Đại Thành", "Đông Hiệp", "Hòa Tú", "Hỏa Lựu", "Óc Eo", "Ô Môn", "Ông", "U Minh", "Ưng",
		"Vị Thanh", "Vị Thanh 1", "Vị Thủy", "Vĩnh Thạnh"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Children order (-want +got):\n%s", diff)
	}
	if got := tree.Children("p.o-mon"); len(got) != 0 {
		t.Errorf("Children(leaf) = %v, want none", got)
	}
	if got := tree.Children("nowhere"); got != nil {
		t.Errorf("Children(unknown) = %v, want nil", got)
	}
	if diff := cmp.Diff(tree.Provinces(), tree.Children("")); diff != "" {
		t.Errorf("Children(\"\") differs from Provinces:\n%s", diff)
	}
}

func TestChildrenAreCopies(t *testing.T) {
	tree := small(t)
	kids := tree.Children("can-tho")
	kids[0].Name = "changed"
	if tree.Children("can-tho")[0].Name == "changed" {
		t.Fatal("a caller changed the tree through Children")
	}
}

func TestNewRejectsBadRecords(t *testing.T) {
	prov := regions.Region{ID: "can-tho", Name: "Cần Thơ", Level: regions.LevelProvince, Kind: regions.KindCity}
	commune := func(id, parent string) regions.Region {
		return regions.Region{ID: id, Name: "X", Level: regions.LevelCommune, ParentID: parent}
	}
	tests := []struct {
		name    string
		records []regions.Region
		field   string // the record the error must name
		wantEN  string // a fragment of the English message
	}{
		{"duplicate id", []regions.Region{prov, prov}, "records[1] can-tho", "repeats record 1"},
		{"missing parent", []regions.Region{prov, commune("can-tho.a", "hau-giang")}, "records[1] can-tho.a", "does not exist"},
		{"unknown level", []regions.Region{prov, {ID: "x", Name: "X", Level: "village", ParentID: "can-tho"}}, "records[1] x", "must be province, commune or district"},
		{"province with parent", []regions.Region{prov, {ID: "x", Name: "X", Level: regions.LevelProvince, ParentID: "can-tho"}}, "records[1] x", "cannot have a parent"},
		{"commune without parent", []regions.Region{commune("x", "")}, "records[0] x", "needs a parent"},
		{"own parent", []regions.Region{commune("x", "x")}, "records[0] x", "its own parent"},
		{"cycle of communes", []regions.Region{prov, commune("a", "b"), commune("b", "a")}, "records[1] a", "higher level"},
		{"commune above district", []regions.Region{prov, commune("a", "can-tho"),
			{ID: "d", Name: "D", Level: regions.LevelDistrict, ParentID: "a"}}, "records[2] d", "higher level"},
		{"bad id", []regions.Region{{ID: "Cần Thơ", Name: "Cần Thơ", Level: regions.LevelProvince}}, "records[0] Cần Thơ", "not valid"},
		{"id with slash", []regions.Region{{ID: "can-tho/x", Name: "X", Level: regions.LevelProvince}}, "records[0] can-tho/x", "not valid"},
		{"empty name", []regions.Region{{ID: "x", Name: "  ", Level: regions.LevelProvince}}, "records[0] x", "no name"},
		{"kind of another level", []regions.Region{{ID: "x", Name: "X", Level: regions.LevelProvince, Kind: regions.KindWard}}, "records[0] x", "does not fit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree, err := regions.New(tt.records)
			if err == nil {
				t.Fatalf("New = %v, want an error", tree)
			}
			var e *market.Error
			if !asError(err, &e) || e.Code != market.Invalid {
				t.Fatalf("New error = %v, want invalid", err)
			}
			msg, ok := e.Fields[tt.field]
			if !ok {
				t.Fatalf("error does not name %q: %v", tt.field, err)
			}
			if !strings.Contains(msg.EN, tt.wantEN) || msg.VI == "" {
				t.Errorf("message = %+v, want EN containing %q and a VI text", msg, tt.wantEN)
			}
		})
	}
}

func TestNewNormalisesNames(t *testing.T) {
	decomposed := "Tha\u0323nh Xua\u0302n" // "Thạnh Xuân" typed with combining marks
	tree, err := regions.New([]regions.Region{
		{ID: "p", Name: "  Cần   Thơ ", Level: regions.LevelProvince},
		{ID: "p.x", Name: decomposed, Level: regions.LevelCommune, ParentID: "p"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"p": "Cần Thơ", "p.x": "Thạnh Xuân"} {
		if r, _ := tree.Lookup(id); r.Name != want {
			t.Errorf("Name of %s = %q, want %q", id, r.Name, want)
		}
	}
}

func TestEmbeddedProvinces(t *testing.T) {
	tree := mustLoad(t)
	provinces := tree.Provinces()
	if len(provinces) != 34 {
		t.Fatalf("%d provinces, want 34", len(provinces))
	}
	var cities []string
	for _, p := range provinces {
		switch p.Kind {
		case regions.KindCity:
			cities = append(cities, p.ID)
		case regions.KindProvince:
		default:
			t.Errorf("province %s has kind %q", p.ID, p.Kind)
		}
	}
	wantCities := []string{"can-tho", "da-nang", "ha-noi", "hai-phong", "ho-chi-minh", "hue"}
	if diff := cmp.Diff(wantCities, cities); diff != "" {
		t.Errorf("centrally run cities (-want +got):\n%s", diff)
	}
	// Merged away on 1 July 2025.
	for _, gone := range []string{"hau-giang", "soc-trang", "kien-giang", "ben-tre", "tra-vinh", "tien-giang", "bac-lieu", "long-an", "binh-duong", "quang-nam"} {
		if tree.Has(gone) {
			t.Errorf("%s should no longer be a province", gone)
		}
	}
	for _, id := range []string{"an-giang", "vinh-long", "dong-thap", "ca-mau", "tay-ninh", "dong-nai", "dak-lak", "lam-dong"} {
		if r, err := tree.Lookup(id); err != nil || r.Level != regions.LevelProvince {
			t.Errorf("Lookup(%s) = %+v, %v; want a province", id, r, err)
		}
	}
}

func TestEmbeddedCommunes(t *testing.T) {
	tree := mustLoad(t)
	for _, r := range tree.All() {
		if r.Level == regions.LevelProvince {
			continue
		}
		parent, err := tree.Lookup(r.ParentID)
		if err != nil {
			t.Errorf("%s: parent %s: %v", r.ID, r.ParentID, err)
			continue
		}
		if !strings.HasPrefix(r.ID, parent.ID+".") {
			t.Errorf("%s does not follow the id scheme <province>.<commune>", r.ID)
		}
		if r.Kind == "" {
			t.Errorf("%s has no kind", r.ID)
		}
	}
	count := func(province string) int { return len(tree.Children(province)) }
	if n := count("can-tho"); n < 20 {
		t.Errorf("Cần Thơ has %d communes, want at least 20", n)
	}
	if n := count("an-giang"); n < 15 {
		t.Errorf("An Giang has %d communes, want at least 15", n)
	}
	// The demo seed places sellers here, across the former provinces.
	for _, id := range []string{
		"can-tho.ninh-kieu", "can-tho.cai-rang", "can-tho.phong-dien", // the historic city
		"can-tho.vi-thanh", "can-tho.nga-bay", "can-tho.long-my", "can-tho.thanh-xuan", "can-tho.tan-hoa",
		"can-tho.phung-hiep", "can-tho.vi-thuy", "can-tho.phu-huu", // former Hậu Giang
		"can-tho.ke-sach", "can-tho.my-xuyen", "can-tho.soc-trang", // former Sóc Trăng
		"an-giang.long-xuyen", "an-giang.chau-doc", "an-giang.tri-ton", "an-giang.tinh-bien", "an-giang.cho-moi",
		"an-giang.rach-gia", "an-giang.phu-quoc", "an-giang.ha-tien", "an-giang.u-minh-thuong", // former Kiên Giang
	} {
		if !tree.Has(id) {
			t.Errorf("missing %s", id)
		}
	}
	if got := tree.FullName("an-giang.phu-quoc"); got != "Đặc khu Phú Quốc, Tỉnh An Giang" {
		t.Errorf("FullName(Phú Quốc) = %q", got)
	}
	// Same name, different provinces: the province prefix keeps ids apart.
	if !tree.Contains("can-tho", "can-tho.phu-huu") || tree.Contains("can-tho", "an-giang.phu-huu") {
		t.Error("Phú Hữu of Cần Thơ and of An Giang are mixed up")
	}
}

func TestTreeConcurrentReads(t *testing.T) {
	tree := mustLoad(t)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if !tree.Contains("can-tho", "can-tho.thanh-xuan") {
					t.Error("Contains lost its answer")
					return
				}
				_ = tree.Children("an-giang")
				_ = tree.FullName("an-giang.tri-ton")
			}
		}()
	}
	wg.Wait()
}

func TestMerge(t *testing.T) {
	base := []regions.Region{
		{ID: "can-tho", Name: "Cần Thơ", Level: regions.LevelProvince, Kind: regions.KindCity},
		{ID: "can-tho.ninh-kieu", Name: "Ninh Kiều", Level: regions.LevelCommune, ParentID: "can-tho", Kind: regions.KindWard},
		{ID: "can-tho.tan-an", Name: "Tân An", Level: regions.LevelCommune, ParentID: "can-tho", Kind: regions.KindWard},
	}
	extra := []regions.Region{
		// A rename with an official code; kind and parent left blank keep the base's.
		{ID: "can-tho.ninh-kieu", Name: "Ninh Kiều Mới", Level: regions.LevelCommune, Code: "31117"},
		{ID: "can-tho.cai-khe", Name: "Cái Khế", Level: regions.LevelCommune, ParentID: "can-tho", Kind: regions.KindWard},
		{ID: "can-tho.cai-khe", Name: "Cái Khế 2", Level: regions.LevelCommune, ParentID: "can-tho", Kind: regions.KindWard},
	}
	got := regions.Merge(base, extra)
	want := []regions.Region{
		base[0],
		{ID: "can-tho.ninh-kieu", Name: "Ninh Kiều Mới", Level: regions.LevelCommune, ParentID: "can-tho", Kind: regions.KindWard, Code: "31117"},
		base[2],
		{ID: "can-tho.cai-khe", Name: "Cái Khế 2", Level: regions.LevelCommune, ParentID: "can-tho", Kind: regions.KindWard},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Merge (-want +got):\n%s", diff)
	}
	if base[1].Name != "Ninh Kiều" {
		t.Error("Merge changed its input")
	}
	if got := regions.Merge(base, nil); len(got) != len(base) {
		t.Errorf("Merge with nothing lost records: %v", got)
	}
}

func TestLoadWithExtra(t *testing.T) {
	tree, err := regions.Load([]regions.Region{
		{ID: "vinh-long.cai-mon", Name: "Cái Mơn", Level: regions.LevelCommune, ParentID: "vinh-long", Kind: regions.KindCommune},
		{ID: "can-tho.ninh-kieu", Name: "Ninh Kiều", Code: "31117"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !tree.Contains("vinh-long", "vinh-long.cai-mon") {
		t.Error("imported commune is not inside its province")
	}
	if r, _ := tree.Lookup("can-tho.ninh-kieu"); r.Code != "31117" || r.Kind != regions.KindWard {
		t.Errorf("update of an embedded ward = %+v", r)
	}
	if len(tree.Provinces()) != 34 {
		t.Errorf("%d provinces after import", len(tree.Provinces()))
	}
	if _, err := regions.Load([]regions.Region{{ID: "x.y", Name: "Y", Level: regions.LevelCommune, ParentID: "x"}}); !market.IsCode(err, market.Invalid) {
		t.Errorf("Load with an orphan = %v, want invalid", err)
	}
}

func BenchmarkContains(b *testing.B) {
	tree := mustLoad(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if !tree.Contains("can-tho", "can-tho.thanh-xuan") || tree.Contains("an-giang", "can-tho.thanh-xuan") {
			b.Fatal("wrong answer")
		}
	}
}

func TestDeliverable(t *testing.T) {
	tree, err := regions.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{
		"can-tho":            true,
		"can-tho.thanh-xuan": true,
		"can-tho.khong-co":   false, // Cần Thơ's communes are all known
		"ha-noi":             true,
		"ha-noi.hoan-kiem":   true, // Hà Nội's communes are not loaded yet
		"zzz":                false,
		"zzz.abc":            false,
		"ha-noi.":            false,
		"ha-noi.Hoan-Kiem":   false,
		`ha-noi.x" OR 1=1`:   false,
		"ha-noi.a.b":         false, // a commune has no communes
		"":                   false,
	} {
		if got := tree.Deliverable(id); got != want {
			t.Errorf("Deliverable(%q) = %v, want %v", id, got, want)
		}
	}
}
