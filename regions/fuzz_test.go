package regions

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/ocopmarket/market"
)

// Run long with, e.g.:
//
//	go test -run '^$' -fuzz '^FuzzParseCSV$' -fuzztime 10m ./regions
//
// Failing inputs land in testdata/fuzz/<target>/ and become regression cases.

func FuzzParseCSV(f *testing.F) {
	for _, s := range []string{
		"id,name,level,parentId\ncan-tho.tan-an,Phường Tân An,commune,can-tho\n",
		"\uFEFFid;name;level;parentId;kind;code\nvinh-long.cai-mon;Xã Cái Mơn;Xã;vinh-long;;29\n",
		"id\tname\tlevel\tparentId\nx\tX\tprovince\t\n",
		"name,level,parentId,id,population\n\"Phú Túc, Châu Thành\",commune,vinh-long,vinh-long.phu-tuc,1\n",
		"id,name,level,parentId\n,Không mã,commune,vinh-long\nvinh-long.x,,commune,vinh-long\n",
		"id,name,level,parentId\nvinh-long.a,A,commune,vinh-long\nvinh-long.a,A,commune,vinh-long\n",
		"id,name,level,parentId\n\"unterminated,x,commune,y\n",
		"id,name,level,parentId\na,Xã\u0301 A,commune,a\n",
		"id,name\n",
		"",
		"id,name,level,parentId\nbad\xffname,\xff,commune,x\n",
	} {
		f.Add([]byte(s))
	}
	base := mustEmbedded(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		records, lineErrs, err := ParseCSV(bytes.NewReader(data))
		checkImport(t, data, records, lineErrs, err)
		// Each CSV row starts on a line of its own.
		if lines := 1 + bytes.Count(data, []byte("\n")); len(records)+len(lineErrs) > lines {
			t.Fatalf("%d records and %d line errors from %d lines", len(records), len(lineErrs), lines)
		}
		if err == nil {
			checkAgreesWithJSON(t, records)
			checkLoads(t, base, records)
		}
	})
}

func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`[{"id":"can-tho.tan-an","name":"Phường Tân An","level":"commune","parentId":"can-tho"}]`,
		`[{"id":29,"name":"X","level":"province","code":1234}]`,
		`[{"id":"a","name":"A","level":"Xã","parent_id":"can-tho"}, 5, null, "x", []]`,
		`[{"id":"a.b","name":"  Thạnh   Xuân ","level":"commune","parentID":"a","kind":"ward"}]`,
		`[{"id":"a","name":"A","level":"commune","parentId":"a"}]`,
		`[{"id":"a"`,
		`{"id":"a"}`,
		`[]`,
		`[{"id":"` + strings.Repeat("a", 70) + `","name":"A","level":"province"}]`,
		"\uFEFF[\n{\"id\":\"x\",\"name\":\"X\",\"level\":\"province\"},\n{\"id\":\"x\",\"name\":\"X\",\"level\":\"province\"}]",
	} {
		f.Add([]byte(s))
	}
	base := mustEmbedded(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		records, lineErrs, err := ParseJSON(bytes.NewReader(data))
		checkImport(t, data, records, lineErrs, err)
		if err == nil {
			checkAgreesWithJSON(t, records)
			checkLoads(t, base, records)
		}
	})
}

func mustEmbedded(f *testing.F) []Region {
	base, err := Embedded()
	if err != nil {
		f.Fatal(err)
	}
	return base
}

// checkImport asserts what every import promises: market errors only, good
// records that pass every check with unique ids and clean names, and line
// errors that point into the file with a message in both languages.
func checkImport(t *testing.T, data []byte, records []Region, lineErrs []LineError, err error) {
	t.Helper()
	if err != nil {
		var e *market.Error
		if !errors.As(err, &e) || (e.Code != market.Invalid && e.Code != market.PayloadTooLarge) || e.Message.VI == "" || e.Message.EN == "" {
			t.Fatalf("error %#v is not an invalid market error in both languages", err)
		}
		if records != nil || lineErrs != nil {
			t.Fatalf("records %v and line errors %v returned with an error", records, lineErrs)
		}
		return
	}
	lines := 1 + bytes.Count(data, []byte("\n"))
	seen := map[string]bool{}
	for _, r := range records {
		if msg := check(r); msg.EN != "" {
			t.Fatalf("record %+v was kept but fails its check: %s", r, msg.EN)
		}
		if cleanName(r.Name) != r.Name {
			t.Fatalf("record %+v: name %q is not clean", r, r.Name)
		}
		if r.ID != strings.ToLower(r.ID) || r.ParentID != strings.ToLower(r.ParentID) {
			t.Fatalf("record %+v: ids are not folded to lower case", r)
		}
		if seen[r.ID] {
			t.Fatalf("id %q kept twice", r.ID)
		}
		seen[r.ID] = true
	}
	for _, le := range lineErrs {
		if le.Line < 1 || le.Line > lines {
			t.Fatalf("line error %+v points outside the file's %d lines", le, lines)
		}
		if le.Message.VI == "" || le.Message.EN == "" {
			t.Fatalf("line error %+v lacks a language", le)
		}
	}
}

// checkAgreesWithJSON writes the records as the JSON import format and
// reads them back: the same list must come out, whichever format it first
// came from. A name that itself starts with the word for a kind ("Xã Xã
// A") loses that word again on the second read, by design, so such records
// are left out of the comparison.
func checkAgreesWithJSON(t *testing.T, records []Region) {
	t.Helper()
	type doc struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Level    string `json:"level"`
		ParentID string `json:"parentId,omitempty"`
		Kind     string `json:"kind,omitempty"`
		Code     string `json:"code,omitempty"`
	}
	var docs []doc
	var want []Region
	for _, r := range records {
		if k, _ := splitKind(r.Level, r.Name); k != "" {
			continue
		}
		docs = append(docs, doc{r.ID, r.Name, string(r.Level), r.ParentID, string(r.Kind), r.Code})
		want = append(want, r)
	}
	data, err := json.Marshal(docs)
	if err != nil {
		t.Fatal(err)
	}
	if docs == nil {
		data = []byte("[]")
	}
	got, lineErrs, err := ParseJSON(bytes.NewReader(data))
	if err != nil || len(lineErrs) > 0 {
		t.Fatalf("records written as JSON do not read back: %v %v\n%s", err, lineErrs, data)
	}
	if len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
		t.Fatalf("round trip through JSON:\n got %+v\nwant %+v", got, want)
	}
}

// checkLoads merges the records into the embedded tree: the result is a
// tree holding every record, or an error naming the fault, never a panic.
func checkLoads(t *testing.T, base, records []Region) {
	t.Helper()
	tree, err := New(Merge(base, records))
	if err != nil {
		var e *market.Error
		if !errors.As(err, &e) || e.Code != market.Invalid || len(e.Fields) == 0 {
			t.Fatalf("New: %#v is not an invalid error naming the records", err)
		}
		return
	}
	for _, r := range records {
		if !tree.Has(r.ID) {
			t.Fatalf("region %q imported but not in the tree", r.ID)
		}
		path, err := tree.Path(r.ID)
		if err != nil || len(path) == 0 || path[0].ID != r.ID || path[len(path)-1].Level != LevelProvince {
			t.Fatalf("Path(%q) = %v, %v", r.ID, path, err)
		}
	}
}
