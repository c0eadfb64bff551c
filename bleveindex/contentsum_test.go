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

	// A row loaded from the stored document gets the sum an upsert gives.
	e, sum, err := toEntry(base)
	if err != nil || sum != want {
		t.Fatalf("toEntry: sum %d (%v), want %d", sum, err, want)
	}
	if _, sum, err := rowSource(e.Source); err != nil || sum != want {
		t.Errorf("stored sum %d (%v), want %d", sum, err, want)
	}
}

// TestTextSumCoversTheWords changes each field of a document in turn: the
// textSum changes exactly when what a text query reads does (the name,
// marked, text and prefix fields Bleve indexes), so kept matches never
// outlive a change to the words, and survive every other change.
func TestTextSumCoversTheWords(t *testing.T) {
	words := func(d search.Document) [4]string {
		e, _, err := toEntry(d)
		if err != nil {
			t.Fatal(err)
		}
		return [...]string{e.Name, e.Marked, e.Text, e.Prefix}
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
