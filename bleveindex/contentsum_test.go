package bleveindex

import (
	"reflect"
	"testing"
	"time"

	"github.com/ocopmarket/market/search"
	"github.com/ocopmarket/market/search/searchtest"
)

// TestContentSumCoversTheDocument changes each field of a document in turn:
// every field but the sales and the version changes the sum, so a new
// field added to search.Document without being hashed fails here (the
// cache would keep answers a change to it should have emptied).
func TestContentSumCoversTheDocument(t *testing.T) {
	base := searchtest.Corpus()[1]
	want := contentSum(&base)
	eachFieldChanged(t, base, func(name string, d search.Document) {
		changed := contentSum(&d) != want
		if salesOnly := name == "Sold" || name == "Version"; changed == salesOnly {
			t.Errorf("changing %s: sum changed %v, want %v", name, changed, !salesOnly)
		}
	})

	// A row loaded from the stored document gets the sums an upsert gives.
	wantSums := sums{content: want, text: textSum(&base)}
	e, sum, err := toEntry(base)
	if err != nil || sum != wantSums {
		t.Fatalf("toEntry: sums %+v (%v), want %+v", sum, err, wantSums)
	}
	if _, sum, err := rowSource(e.Source); err != nil || sum != wantSums {
		t.Errorf("stored sums %+v (%v), want %+v", sum, err, wantSums)
	}
}

// The sums are stored in indexes and compared with those of later
// upserts: the same document must hash to the same values in every
// version of this code with the same mappingVersion. (Version 5 made the
// categories' names words of a document; indexes of older versions are
// rebuilt.)
func TestSumsAreStable(t *testing.T) {
	d := searchtest.Corpus()[1]
	if got, want := contentSum(&d), uint64(0x32fc25c2aef52f0b); got != want {
		t.Errorf("contentSum = %#x, was %#x", got, want)
	}
	if got, want := textSum(&d), uint64(0x6e5d9347160162b5); got != want {
		t.Errorf("textSum = %#x, was %#x", got, want)
	}
}

// TestTextSumCoversTheWords changes each field of a document in turn: the
// textSum changes exactly when what a text query reads does (the name,
// marked, text, prefix, shop and category fields Bleve indexes), so kept matches never
// outlive a change to the words, and survive every other change.
func TestTextSumCoversTheWords(t *testing.T) {
	words := func(d search.Document) [8]string {
		e, _, err := toEntry(d)
		if err != nil {
			t.Fatal(err)
		}
		return [...]string{e.Name, e.Marked, e.Text, e.Prefix, e.Shop, e.ShopMarked, e.Category, e.About}
	}
	base := searchtest.Corpus()[1]
	want, wantWords := textSum(&base), words(base)
	eachFieldChanged(t, base, func(name string, d search.Document) {
		if changed, read := textSum(&d) != want, words(d) != wantWords; changed != read {
			t.Errorf("changing %s: textSum changed %v, the indexed words %v", name, changed, read)
		}
	})
}

// eachFieldChanged calls f with base changed in each of its fields in
// turn, and fails on a field it cannot change.
func eachFieldChanged(t *testing.T, base search.Document, f func(name string, d search.Document)) {
	t.Helper()
	v := reflect.ValueOf(&base).Elem()
	for i := range v.NumField() {
		d := base
		field := reflect.ValueOf(&d).Elem().Field(i)
		name := v.Type().Field(i).Name
		switch field.Kind() {
		case reflect.String:
			field.SetString(field.String() + "x")
		case reflect.Int, reflect.Int64:
			field.SetInt(field.Int() + 1)
		case reflect.Bool:
			field.SetBool(!field.Bool())
		case reflect.Slice:
			field.Set(reflect.Append(field, reflect.ValueOf("x")))
		case reflect.Struct:
			if tm, ok := field.Interface().(time.Time); ok {
				field.Set(reflect.ValueOf(tm.Add(time.Millisecond)))
				break
			}
			t.Fatalf("field %s: no way to change a %s", name, field.Type())
		default:
			t.Fatalf("field %s: no way to change a %s", name, field.Type())
		}
		f(name, d)
	}
}
