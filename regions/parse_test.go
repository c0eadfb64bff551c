package regions_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/regions"
)

// lineErr is a LineError cut down to what a test compares.
type lineErr struct {
	Line int
	EN   string // a fragment of the English message
}

func checkLineErrors(t *testing.T, got []regions.LineError, want []lineErr) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d line errors %v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i].Line != want[i].Line || !strings.Contains(got[i].Message.EN, want[i].EN) || got[i].Message.VI == "" {
			t.Errorf("line error %d = %d %+v, want line %d with %q and a VI text", i, got[i].Line, got[i].Message, want[i].Line, want[i].EN)
		}
	}
}

func TestParseCSV(t *testing.T) {
	csv := "\uFEFFid,name,level,parentId,population\n" + // line 1; an extra column is ignored
		"vinh-long.cai-mon,Xã Cái Mơn,commune,vinh-long,1000\n" + // 2: kind from the name
		"vinh-long.long-chau,Phường Long Châu,commune,vinh-long,\n" + // 3
		",Không mã,commune,vinh-long,\n" + // 4: no id
		"vinh-long.x,,commune,vinh-long,\n" + // 5: no name
		"vinh-long.y,Y,village,vinh-long,\n" + // 6: unknown level
		"vinh-long.cai-mon,Cái Mơn,commune,vinh-long,\n" + // 7: repeats line 2
		"\n" + // 8: blank, skipped
		"\"vinh-long.phu-tuc\",\"Phú Túc, Châu Thành\",Xã,vinh-long\n" + // 9: quoted comma, Vietnamese level word, short row
		"vinh-long.z,Z,commune,\n" + // 10: no parent
		"VINH-LONG.An-Binh , Xã An Bình ,commune, vinh-long\n" // 11: ids are folded to lower case, spaces trimmed
	records, lineErrs, err := regions.ParseCSV(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	want := []regions.Region{
		{ID: "vinh-long.cai-mon", Name: "Cái Mơn", Level: regions.LevelCommune, ParentID: "vinh-long", Kind: regions.KindCommune},
		{ID: "vinh-long.long-chau", Name: "Long Châu", Level: regions.LevelCommune, ParentID: "vinh-long", Kind: regions.KindWard},
		{ID: "vinh-long.phu-tuc", Name: "Phú Túc, Châu Thành", Level: regions.LevelCommune, ParentID: "vinh-long", Kind: regions.KindCommune},
		{ID: "vinh-long.an-binh", Name: "An Bình", Level: regions.LevelCommune, ParentID: "vinh-long", Kind: regions.KindCommune},
	}
	if diff := cmp.Diff(want, records); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	checkLineErrors(t, lineErrs, []lineErr{
		{4, "id \"\" is not valid"},
		{5, "has no name"},
		{6, "Level \"village\" is not valid"},
		{7, "already appears on line 2"},
		{10, "needs a parent"},
	})
	if got := lineErrs[0].Error(); !strings.HasPrefix(got, "line 4: ") {
		t.Errorf("LineError.Error() = %q", got)
	}

	// The imported communes fit the embedded provinces.
	tree, err := regions.Load(records)
	if err != nil {
		t.Fatal(err)
	}
	if got := tree.FullName("vinh-long.long-chau"); got != "Phường Long Châu, Tỉnh Vĩnh Long" {
		t.Errorf("FullName = %q", got)
	}
}

func TestParseCSVSemicolonsAndCodes(t *testing.T) {
	// Excel on a Vietnamese system separates with semicolons; columns may
	// come in any order and carry kind and code.
	csv := "Code;Parent_ID;Level;Name;ID;Kind\r\n" +
		"29245;an-giang;commune;Vĩnh Gia;an-giang.vinh-gia;commune\r\n" +
		"29246;an-giang;commune;Lạc Quới;an-giang.lac-quoi;ward\r\n" +
		"29247;an-giang;commune;Bad;an-giang.bad;city\r\n"
	records, lineErrs, err := regions.ParseCSV(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	want := []regions.Region{
		{ID: "an-giang.vinh-gia", Name: "Vĩnh Gia", Level: regions.LevelCommune, ParentID: "an-giang", Kind: regions.KindCommune, Code: "29245"},
		{ID: "an-giang.lac-quoi", Name: "Lạc Quới", Level: regions.LevelCommune, ParentID: "an-giang", Kind: regions.KindWard, Code: "29246"},
	}
	if diff := cmp.Diff(want, records); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	checkLineErrors(t, lineErrs, []lineErr{{4, "Kind \"city\" does not fit"}})
}

func TestParseCSVBadFiles(t *testing.T) {
	tests := []struct {
		name string
		in   string
		code market.Code
	}{
		{"empty", "", market.Invalid},
		{"only a BOM", "\uFEFF", market.Invalid},
		{"no parentId column", "id,name,level\na,A,province\n", market.Invalid},
		{"too large", "id,name,level,parentId\n" + strings.Repeat("x", 33<<20), market.PayloadTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := regions.ParseCSV(strings.NewReader(tt.in))
			if !market.IsCode(err, tt.code) {
				t.Errorf("ParseCSV = %v, want %s", err, tt.code)
			}
		})
	}
}

func TestParseCSVNotUTF8(t *testing.T) {
	// "Cái Mơn" saved as Windows-1258 by an old spreadsheet.
	csv := "id,name,level,parentId\nvinh-long.cai-mon,C\xe1i M\xf5n,commune,vinh-long\n"
	records, lineErrs, err := regions.ParseCSV(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 0 {
		t.Errorf("records = %v, want none", records)
	}
	checkLineErrors(t, lineErrs, []lineErr{{2, "save the file as UTF-8"}})
}

func TestParseJSON(t *testing.T) {
	in := `[
  {"id": "dong-thap.cai-be", "name": "Xã Cái Bè", "level": "commune", "parentId": "dong-thap"},
  {"id": "dong-thap.my-tho", "name": "Phường Mỹ Tho", "level": "commune", "parentId": "dong-thap", "code": 28249},
  "not an object",
  {"id": "dong-thap.x", "name": "X", "level": "commune"},
  {
    "id": "dong-thap.y",
    "name": "Y",
    "level": "hamlet",
    "parentId": "dong-thap"
  },
  {"id": 12345, "name": "Đặc khu Thử", "level": "commune", "parentId": "dong-thap"}
]`
	records, lineErrs, err := regions.ParseJSON(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []regions.Region{
		{ID: "dong-thap.cai-be", Name: "Cái Bè", Level: regions.LevelCommune, ParentID: "dong-thap", Kind: regions.KindCommune},
		{ID: "dong-thap.my-tho", Name: "Mỹ Tho", Level: regions.LevelCommune, ParentID: "dong-thap", Kind: regions.KindWard, Code: "28249"},
		{ID: "12345", Name: "Thử", Level: regions.LevelCommune, ParentID: "dong-thap", Kind: regions.KindSpecialZone},
	}
	if diff := cmp.Diff(want, records); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	checkLineErrors(t, lineErrs, []lineErr{
		{4, "must be an object"},
		{5, "needs a parent"},
		{6, "Level \"hamlet\" is not valid"},
	})
}

func TestParseJSONBadFiles(t *testing.T) {
	tests := []struct {
		name, in string
		wantEN   string
	}{
		{"not an array", `{"id":"a"}`, "must be an array"},
		{"empty", ``, "must be an array"},
		{"syntax error", "[\n{\"id\": \"a\"},\n{\"id\": }\n]", "syntax error on line 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := regions.ParseJSON(strings.NewReader(tt.in))
			if !market.IsCode(err, market.Invalid) || !strings.Contains(err.Error(), tt.wantEN) {
				t.Errorf("ParseJSON = %v, want invalid with %q", err, tt.wantEN)
			}
		})
	}
}

func TestParseJSONWithBOM(t *testing.T) {
	records, lineErrs, err := regions.ParseJSON(strings.NewReader("\uFEFF[{\"id\":\"ca-mau.bac-lieu\",\"name\":\"Phường Bạc Liêu\",\"level\":\"commune\",\"parentId\":\"ca-mau\"}]"))
	if err != nil || len(lineErrs) != 0 || len(records) != 1 || records[0].Kind != regions.KindWard {
		t.Errorf("ParseJSON = %v, %v, %v", records, lineErrs, err)
	}
}
