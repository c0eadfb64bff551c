package httpserver

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopmarket/market"
)

// Decoding names the exact place of a mistake in a body, in both
// languages, and takes keys as written.
func TestDecodeNamesThePlace(t *testing.T) {
	type inner struct {
		Qty int `json:"qty"`
	}
	type Embedded struct {
		Note string `json:"note"`
	}
	type body struct {
		Embedded
		Name   string            `json:"name"`
		Items  []inner           `json:"items"`
		Matrix [][]int           `json:"matrix"`
		Tags   map[string]inner  `json:"tags"`
		Price  *market.VND       `json:"priceVnd"`
		Any    any               `json:"any"`
		Raw    map[string]string `json:"raw"`
		Skip   string            `json:"-"`
		Count  int64             `json:"count"`
		Small  int8              `json:"small"`
		Quoted int               `json:"quoted,string"`
		Num    json.Number       `json:"num"`
	}
	tests := []struct {
		body  string
		field string // "" when the body is accepted
		en    string
	}{
		{`{"name":"Khóm","items":[{"qty":1},{"qty":2}],"note":"giao sáng","priceVnd":25000,"any":[1,"a",{}],"tags":{"x":{"qty":3}}}`, "", ""},
		{`{"items":[{"qty":1},{"qty":"2"}]}`, "items[1].qty", "must be a whole number"},
		{`{"items":[{"qty":1},{"qty":1.5}]}`, "items[1].qty", "must be a whole number"},
		{`{"items":[{"qty":1},{"qty":99999999999999999999}]}`, "items[1].qty", "is out of range"},
		{`{"items":[{"qty":1e12}]}`, "items[0].qty", "must be a plain whole number, without an exponent or a point (1000000, not 1e6)"},
		{`{"items":[{"qty":2.0}]}`, "items[0].qty", "must be a plain whole number, without an exponent or a point (1000000, not 1e6)"},
		{`{"items":[{"qty":-1e300}]}`, "items[0].qty", "is out of range"},
		{`{"count":1e17}`, "count", "must be a plain whole number, without an exponent or a point (1000000, not 1e6)"},
		{`{"count":1e400}`, "count", "is out of range"},
		{`{"count":1e-400}`, "count", "must be a whole number"},
		{`{"count":1e999999999}`, "count", "is out of range"},
		{`{"count":1e99999999999999999999}`, "count", "must be a whole number"},
		{`{"small":127.0}`, "small", "must be a plain whole number, without an exponent or a point (1000000, not 1e6)"},
		{`{"small":128}`, "small", "is out of range"},
		{`{"small":-128}`, "", ""},
		{`{"quoted":"5","num":5}`, "", ""},
		{`{"num":"5"}`, "", ""},
		{`{"items":[{"qty":1},{"qtty":2}]}`, "items[1].qtty", "unknown field"},
		{`{"items":{"qty":1}}`, "items", "must be a list"},
		{`{"matrix":[[1,2],[3,"x"]]}`, "matrix[1][1]", "must be a whole number"},
		{`{"tags":{"red":{"qty":true}}}`, "tags.red.qty", "must be a whole number"},
		{`{"NAME":"Khóm"}`, "NAME", "unknown field"},
		{`{"Note":"x"}`, "Note", "unknown field"},
		{`{"Skip":"x"}`, "Skip", "unknown field"},
		{`{"-":"x"}`, "-", "unknown field"},
		{`{"name":["Khóm"]}`, "name", "must be a string"},
		{`{"raw":{"a":1}}`, "raw.a", "must be a string"},
		{`{"name":null,"items":null,"priceVnd":null}`, "", ""},
	}
	for _, tt := range tests {
		var v body
		err := decodeBytes([]byte(tt.body), 1<<20, &v)
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.body, err)
			}
			continue
		}
		var e *market.Error
		if !errors.As(err, &e) || e.Code != market.Invalid {
			t.Errorf("%s: %v, want invalid", tt.body, err)
			continue
		}
		want := map[string]string{tt.field: tt.en}
		got := map[string]string{}
		for f, text := range e.Fields {
			got[f] = text.EN
			if text.VI == "" {
				t.Errorf("%s: no Vietnamese for %s", tt.body, f)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: fields (-want +got):\n%s", tt.body, diff)
		}
	}
}
