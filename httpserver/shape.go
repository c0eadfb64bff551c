package httpserver

import (
	"bytes"
	"encoding"
	"encoding/json"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/ocopmarket/market"
)

// checkShape reads the JSON in data beside t, the type decode fills, and
// reports what encoding/json would let through or name vaguely: a key that
// names a field only when case is ignored ("PASSWORD" for "password"), a
// key no field has, and a value of the wrong kind, each with its whole
// path ("items[2].qty", where encoding/json says "items.qty"). Malformed
// JSON, and the value at the top, are left to the decoder, which says
// what is wrong with them; so are values whose types read JSON themselves.
func checkShape(data []byte, t reflect.Type) error { return checkShapeAt(data, t, "") }

// checkShapeAt is checkShape for a value found at path inside a body (a
// member kept raw, read on its own): mistakes are named by their whole path.
func checkShapeAt(data []byte, t reflect.Type, path string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	err := walkShape(dec, t, path)
	if _, ok := err.(*market.Error); ok {
		return err
	}
	return nil
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	jsonNumber      = reflect.TypeFor[json.Number]()
)

// fieldError is the answer to a body with one field wrong, at path.
func fieldError(path, vi, en string) error {
	return market.Errorf(market.Invalid, "Dữ liệu chưa hợp lệ.", "Some fields are not valid.").WithField(path, vi, en)
}

// walkShape reads one value at path, which t must be able to hold.
func walkShape(dec *json.Decoder, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	custom := t.Kind() == reflect.Interface || t == jsonNumber ||
		reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler)
	if custom {
		return skipRest(dec, tok)
	}
	wrong := func() error {
		if path == "" {
			return skipRest(dec, tok) // the decoder words it
		}
		want := jsonKind(t.Kind().String())
		return fieldError(path, "phải là "+want.VI, "must be "+want.EN)
	}
	switch tok := tok.(type) {
	case nil:
		return nil
	case bool:
		if t.Kind() != reflect.Bool {
			return wrong()
		}
	case string:
		if t.Kind() != reflect.String && !(t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8) {
			return wrong()
		}
	case json.Number:
		var err error
		switch t.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			_, err = strconv.ParseInt(string(tok), 10, t.Bits())
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			_, err = strconv.ParseUint(string(tok), 10, t.Bits())
		case reflect.Float32, reflect.Float64:
			_, err = strconv.ParseFloat(string(tok), t.Bits())
		default:
			return wrong()
		}
		if err != nil {
			if path != "" && t.Kind() != reflect.Float32 && t.Kind() != reflect.Float64 {
				if vi, en, ok := wholeNumberTrouble(string(tok), t); ok {
					return fieldError(path, vi, en)
				}
			}
			return wrong()
		}
	case json.Delim:
		switch {
		case tok == '[' && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
			for i := 0; dec.More(); i++ {
				if err := walkShape(dec, t.Elem(), path+"["+strconv.Itoa(i)+"]"); err != nil {
					return err
				}
			}
			_, err := dec.Token()
			return err
		case tok == '{' && (t.Kind() == reflect.Struct || t.Kind() == reflect.Map):
			return walkObject(dec, t, path)
		default:
			return wrong()
		}
	}
	return nil
}

// walkObject reads the members of an object after its '{'.
func walkObject(dec *json.Decoder, t reflect.Type, path string) error {
	var fields map[string]fieldShape
	if t.Kind() == reflect.Struct {
		fields = jsonFields(t)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		at := key
		if path != "" {
			at = path + "." + key
		}
		elem := t
		if t.Kind() == reflect.Map {
			elem = t.Elem()
		} else if f, ok := fields[key]; !ok {
			return fieldError(at, "trường không được hỗ trợ", "unknown field")
		} else if f.quoted {
			// `json:",string"`: a number or boolean inside a string,
			// which the decoder reads and words itself.
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			if err := skipRest(dec, tok); err != nil {
				return err
			}
			continue
		} else {
			elem = f.t
		}
		if err := walkShape(dec, elem, at); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

// skipRest reads the rest of a value whose first token was tok.
func skipRest(dec *json.Decoder, tok json.Token) error {
	if d, ok := tok.(json.Delim); !ok || d == ']' || d == '}' {
		return nil
	}
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('['), json.Delim('{'):
			depth++
		case json.Delim(']'), json.Delim('}'):
			depth--
		}
	}
	return nil
}

var fieldCache sync.Map // reflect.Type → map[string]fieldShape

// fieldShape is what a JSON member of a struct must hold: a value of type
// t, or, quoted (`json:",string"`), t's value written inside a string.
type fieldShape struct {
	t      reflect.Type
	quoted bool
}

// jsonFields maps the exact JSON names of a struct's fields, those of
// embedded structs included, to their shapes, as encoding/json names them.
func jsonFields(t reflect.Type) map[string]fieldShape {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]fieldShape)
	}
	m := map[string]fieldShape{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && !strings.HasPrefix(f.Tag.Get("json"), "-,") {
			continue
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			for k, v := range jsonFields(ft) {
				if _, shadowed := m[k]; !shadowed {
					m[k] = v
				}
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		quoted := false
		for _, o := range strings.Split(opts, ",") {
			quoted = quoted || o == "string"
		}
		m[name] = fieldShape{t: f.Type, quoted: quoted}
	}
	fieldCache.Store(t, m)
	return m
}

// wholeNumberTrouble words what is wrong with a number that is whole but
// does not fit t, a whole-number field: written with an exponent or a
// point (1e6, 2.0) though its value fits, or beyond what t holds. ok is
// false for a number with a fraction.
func wholeNumberTrouble(n string, t reflect.Type) (vi, en string, ok bool) {
	const outVI, outEN = "vượt quá giới hạn cho phép", "is out of range"
	f, _, err := big.ParseFloat(n, 10, 0, big.ToNearestEven)
	switch {
	case f != nil && f.IsInf():
		return outVI, outEN, true
	case err != nil || !f.IsInt():
		return "", "", false
	}
	v, _ := f.Int(nil)
	lo, hi := new(big.Int), new(big.Int).Lsh(big.NewInt(1), uint(t.Bits()))
	if t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64 {
		hi.Rsh(hi, 1)
		lo.Neg(hi)
	}
	if v.Cmp(lo) >= 0 && v.Cmp(hi) < 0 {
		return "phải viết số nguyên thường, không dùng số mũ hay dấu chấm (1000000, không phải 1e6)",
			"must be a plain whole number, without an exponent or a point (1000000, not 1e6)", true
	}
	return outVI, outEN, true
}
