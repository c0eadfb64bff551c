package bleveindex

import (
	"reflect"
	"testing"
	"time"

	"github.com/ocopmarket/market/search/searchtest"
)

// TestContentSumCoversTheDocument changes each field of a document in turn:
// every field but the sales and the version changes the sum, so a new
// field added to search.Document without being hashed fails here (the
// cache would keep answers a change to it should have emptied).
func TestContentSumCoversTheDocument(t *testing.T) {
	base := searchtest.Corpus()[1]
	want := contentSum(&base)
	v := reflect.ValueOf(&base).Elem()
	for i := range v.NumField() {
		d := base
		f := reflect.ValueOf(&d).Elem().Field(i)
		name := v.Type().Field(i).Name
		switch f.Kind() {
		case reflect.String:
			f.SetString(f.String() + "x")
		case reflect.Int, reflect.Int64:
			f.SetInt(f.Int() + 1)
		case reflect.Bool:
			f.SetBool(!f.Bool())
		case reflect.Slice:
			f.Set(reflect.Append(f, reflect.ValueOf("x")))
		case reflect.Struct:
			if tm, ok := f.Interface().(time.Time); ok {
				f.Set(reflect.ValueOf(tm.Add(time.Millisecond)))
				break
			}
			t.Fatalf("field %s: no way to change a %s", name, f.Type())
		default:
			t.Fatalf("field %s: no way to change a %s", name, f.Type())
		}
		changed := contentSum(&d) != want
		if salesOnly := name == "Sold" || name == "Version"; changed == salesOnly {
			t.Errorf("changing %s: sum changed %v, want %v", name, changed, !salesOnly)
		}
	}

	// A row loaded from the stored document gets the sum an upsert gives.
	e, sum, err := toEntry(base)
	if err != nil || sum != want {
		t.Fatalf("toEntry: sum %d (%v), want %d", sum, err, want)
	}
	if _, sum, err := rowSource(e.Source); err != nil || sum != want {
		t.Errorf("stored sum %d (%v), want %d", sum, err, want)
	}
}
