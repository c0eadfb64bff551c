// Package regions is the reference tree of Vietnam's administrative units:
// provinces and centrally run cities, communes and wards, and optionally the
// district level that ended on 1 July 2025. The tree is data, so a merger of
// provinces or a renamed commune is a data change, not a code change.
package regions

import (
	"strings"
	"unicode/utf8"

	"github.com/ocopmarket/market"
)

// Level is the tier of an administrative unit.
type Level string

// The levels. Since 1 July 2025 local government has two tiers, province
// and commune; District is kept only for older data an operator may import.
const (
	LevelProvince Level = "province"
	LevelDistrict Level = "district"
	LevelCommune  Level = "commune"
)

// rank orders the levels from the top; a parent always has a lower rank than
// its children, which is also why the tree can have no cycles.
func (l Level) rank() int {
	switch l {
	case LevelProvince:
		return 0
	case LevelDistrict:
		return 1
	case LevelCommune:
		return 2
	}
	return -1
}

// Valid reports whether l is a known level.
func (l Level) Valid() bool { return l.rank() >= 0 }

// Kind says what sort of unit a region is within its level; it decides the
// word shown before the name ("TP Cần Thơ", "Xã Thạnh Xuân").
type Kind string

// The kinds, by level.
const (
	// Provincial level.
	KindCity     Kind = "city"     // thành phố trực thuộc trung ương (also a provincial city at district level)
	KindProvince Kind = "province" // tỉnh
	// Commune level.
	KindWard        Kind = "ward"         // phường
	KindCommune     Kind = "commune"      // xã
	KindSpecialZone Kind = "special_zone" // đặc khu
	KindTownship    Kind = "township"     // thị trấn (before 2025)
	// District level (before 2025).
	KindUrbanDistrict Kind = "urban_district" // quận
	KindDistrict      Kind = "district"       // huyện
	KindTown          Kind = "town"           // thị xã
)

// kindWords pairs a kind with the Vietnamese words that precede the name.
// The first word is the one displayed; the others are also recognised when
// parsing imported names.
type kindWords struct {
	kind     Kind
	prefixes []string
}

// kindsOf lists the kinds allowed at a level.
func kindsOf(l Level) []kindWords {
	city := kindWords{KindCity, []string{"TP", "Thành phố", "TP."}}
	switch l {
	case LevelProvince:
		return []kindWords{city, {KindProvince, []string{"Tỉnh"}}}
	case LevelDistrict:
		return []kindWords{
			{KindUrbanDistrict, []string{"Quận"}},
			{KindDistrict, []string{"Huyện"}},
			{KindTown, []string{"Thị xã", "TX", "TX."}},
			city,
		}
	case LevelCommune:
		return []kindWords{
			{KindWard, []string{"Phường"}},
			{KindCommune, []string{"Xã"}},
			{KindSpecialZone, []string{"Đặc khu"}},
			{KindTownship, []string{"Thị trấn", "TT", "TT."}},
		}
	}
	return nil
}

// validKind reports whether k may be used at level l; the empty kind always may.
func validKind(l Level, k Kind) bool {
	if k == "" {
		return true
	}
	for _, ki := range kindsOf(l) {
		if ki.kind == k {
			return true
		}
	}
	return false
}

// Region is one administrative unit.
type Region struct {
	// ID is a short, stable, URL-safe slug: "can-tho" for a province,
	// "can-tho.thanh-xuan" for a commune (province id, dot, commune slug).
	ID string
	// Name is the proper name without the word for its kind, in NFC:
	// "Cần Thơ", "Thạnh Xuân".
	Name     string
	Level    Level
	ParentID string
	Kind     Kind
	// Code is an optional official code (e.g. the General Statistics Office number).
	Code string
}

// DisplayName is the name as people write it, with the word for its kind:
// "TP Cần Thơ", "Tỉnh An Giang", "Xã Thạnh Xuân", "Đặc khu Phú Quốc".
func (r Region) DisplayName() string {
	for _, ki := range kindsOf(r.Level) {
		if ki.kind == r.Kind {
			return ki.prefixes[0] + " " + r.Name
		}
	}
	return r.Name
}

// splitKind recognises a leading kind word in an imported name
// ("Phường Ninh Kiều") and returns the kind and the bare name.
func splitKind(l Level, name string) (Kind, string) {
	for _, ki := range kindsOf(l) {
		for _, p := range ki.prefixes {
			if len(name) > len(p)+1 && strings.EqualFold(name[:len(p)], p) && name[len(p)] == ' ' {
				return ki.kind, strings.TrimSpace(name[len(p)+1:])
			}
		}
	}
	return "", name
}

// maxIDLen bounds ids; real ones are far shorter.
const maxIDLen = 64

// validID reports whether id is a slug of lower-case ASCII letters and
// digits in runs joined by single '-' or '.': URL-safe without escaping.
func validID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	prevSep := true // no separator first
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			prevSep = false
		case c == '-' || c == '.':
			if prevSep {
				return false
			}
			prevSep = true
		default:
			return false
		}
	}
	return !prevSep
}

// maxNameLen bounds names in bytes.
const maxNameLen = 200

// check validates one record on its own (not against the others) and
// returns the problem in both languages, or the zero Text.
func check(r Region) market.Text {
	switch {
	case !validID(r.ID):
		return market.T(
			"Mã địa bàn \""+clip(r.ID)+"\" không hợp lệ: chỉ dùng chữ thường không dấu, chữ số, dấu '-' và '.' (tối đa 64 ký tự).",
			"Region id \""+clip(r.ID)+"\" is not valid: use lower-case ASCII letters, digits, '-' and '.' (at most 64 characters).")
	case strings.TrimSpace(r.Name) == "":
		return market.T("Thiếu tên địa bàn \""+r.ID+"\".", "Region \""+r.ID+"\" has no name.")
	case !utf8.ValidString(r.Name) || len(r.Name) > maxNameLen:
		return market.T("Tên địa bàn \""+r.ID+"\" không hợp lệ (phải là chữ UTF-8, tối đa 200 byte).",
			"The name of region \""+r.ID+"\" is not valid (it must be UTF-8 text of at most 200 bytes).")
	case !r.Level.Valid():
		return market.T(
			"Cấp của địa bàn \""+r.ID+"\" phải là province, commune hoặc district, không phải \""+clip(string(r.Level))+"\".",
			"The level of region \""+r.ID+"\" must be province, commune or district, not \""+clip(string(r.Level))+"\".")
	case !validKind(r.Level, r.Kind):
		return market.T(
			"Loại \""+clip(string(r.Kind))+"\" không dùng được cho địa bàn cấp "+string(r.Level)+" \""+r.ID+"\".",
			"Kind \""+clip(string(r.Kind))+"\" does not fit the "+string(r.Level)+" level of region \""+r.ID+"\".")
	case r.Level == LevelProvince && r.ParentID != "":
		return market.T("Tỉnh/thành phố \""+r.ID+"\" không được có địa bàn cấp trên.",
			"Province \""+r.ID+"\" cannot have a parent.")
	case r.Level != LevelProvince && r.ParentID == "":
		return market.T("Địa bàn \""+r.ID+"\" thiếu mã địa bàn cấp trên (parentId).",
			"Region \""+r.ID+"\" needs a parent (parentId).")
	case r.ParentID == r.ID:
		return market.T("Địa bàn \""+r.ID+"\" không thể là cấp trên của chính nó.",
			"Region \""+r.ID+"\" cannot be its own parent.")
	}
	return market.Text{}
}

// clip shortens hostile input before it is echoed in a message.
func clip(s string) string {
	if len(s) <= 80 {
		return s
	}
	for i := 80; i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i] + "…"
		}
	}
	return ""
}
