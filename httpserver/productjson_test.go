package httpserver

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strconv"
	"testing"
	"time"
)

func referenceJSON(t testing.TB, v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fullProduct fills every field of a product answer from strs, so that a
// field the appender forgets shows as a difference.
func fullProduct(strs []string) productBody {
	at := func(i int) string { return strs[i%len(strs)] }
	verified := time.Date(2026, 3, 4, 5, 6, 7, 890000000, time.UTC)
	return productBody{ID: at(0), SellerID: at(1), Seller: &sellerRefBody{ID: at(1), Name: at(2), RegionID: at(3), Status: at(4)},
		Name: at(5), Description: at(6), CategoryID: at(7), Unit: at(8), PriceVND: 45000,
		PriceTiers: []tierBody{{MinQty: 10, PriceVND: 42000}, {MinQty: 50, PriceVND: 39000}}, Stock: 120, MinOrderQty: 2, Sold: 7,
		RegionID: at(9), RegionName: at(10), Season: at(11), Preorder: true, Status: at(12),
		OCOP: &ocopOutBody{Stars: 4, CertificateNo: at(13), IssuedBy: at(14), IssuedAt: "2025-01-02", ExpiresAt: "2028-01-01",
			Status: at(15), Verified: true, Badge: true, VerifiedBy: at(16), VerifiedAt: &verified, Note: at(17)},
		Images:    []imageBody{{ID: at(18), URL: at(19), ThumbURL: at(20), Width: 1200, Height: 900}, {ID: "b", URL: "u", ThumbURL: "t", Width: 1, Height: 2}},
		CreatedBy: at(21), Assisted: true, Version: 1 << 40,
		CreatedAt: time.Date(2024, 12, 31, 23, 59, 59, 0, time.UTC), UpdatedAt: time.UnixMilli(1763600000123).UTC()}
}

// noZeroField fails if v (a struct, or a pointer to one) or a struct it
// holds has a field left at its zero value.
func noZeroField(t *testing.T, path string, v reflect.Value) {
	t.Helper()
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() == reflect.Slice && v.Len() > 0 {
		v = v.Index(0)
	}
	if v.Kind() != reflect.Struct || v.Type() == reflect.TypeOf(time.Time{}) {
		return
	}
	for i := range v.NumField() {
		f := v.Field(i)
		name := path + "." + v.Type().Field(i).Name
		if f.IsZero() {
			t.Errorf("the sample leaves %s empty: fill it, so that the test checks it is written", name)
			continue
		}
		noZeroField(t, name, f)
	}
}

func TestProductBodyAsEncodingJSON(t *testing.T) {
	full := fullProduct([]string{"Khóm Cầu Đúc", "HTX Hoa súng", "Hậu Giang"})
	noZeroField(t, "productBody", reflect.ValueOf(full))

	bare := productBody{ID: "p1", Name: "Mật ong", PriceTiers: []tierBody{}, Images: []imageBody{}}
	nils := full
	nils.Seller, nils.OCOP, nils.PriceTiers, nils.Images, nils.Season = nil, nil, nil, nil, ""
	partial := fullProduct(tricky)
	partial.OCOP.VerifiedBy, partial.OCOP.VerifiedAt, partial.OCOP.Note = "", nil, ""
	zoned := full
	zoned.CreatedAt = time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("ICT", 7*3600))

	for name, b := range map[string]productBody{"full": full, "empty": {}, "bare": bare, "nils": nils,
		"tricky": fullProduct(tricky), "partial ocop": partial, "zoned": zoned} {
		if got, want := b.appendJSON(nil), referenceJSON(t, b); !bytes.Equal(got, want) {
			t.Errorf("%s: appendJSON differs from encoding/json:\n got %s\nwant %s", name, got, want)
		}
	}
}

// The answer a handler writes is the appended one, with its length.
func TestWriteProduct(t *testing.T) {
	b := fullProduct(tricky)
	for range 3 { // the buffers are recycled: a second answer must not carry the first
		rec := httptest.NewRecorder()
		writeProduct(rec, 201, b)
		if rec.Code != 201 || !bytes.Equal(rec.Body.Bytes(), referenceJSON(t, b)) {
			t.Fatalf("writeProduct wrote %d %s", rec.Code, rec.Body.Bytes())
		}
		if got := rec.Header().Get("Content-Length"); got != "" && got != strconv.Itoa(rec.Body.Len()) {
			t.Fatalf("Content-Length %s for %d bytes", got, rec.Body.Len())
		}
		b = productBody{ID: "short"}
	}
}

func FuzzProductBody(f *testing.F) {
	for i := 0; i+2 < len(tricky); i++ {
		f.Add(tricky[i], tricky[i+1], tricky[i+2])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		p := fullProduct([]string{a, b, c})
		if got, want := p.appendJSON(nil), referenceJSON(t, p); !bytes.Equal(got, want) {
			t.Fatalf("appendJSON differs from encoding/json:\n got %s\nwant %s", got, want)
		}
	})
}

// BenchmarkProductBody writes a product answer with a certificate and two
// photos.
func BenchmarkProductBody(b *testing.B) {
	p := fullProduct([]string{"Khóm Cầu Đúc Hậu Giang loại 1", "HTX Khóm Cầu Đúc", "hau-giang.vi-thanh"})
	b.Run("append", func(b *testing.B) {
		buf := make([]byte, 0, 2<<10)
		for b.Loop() {
			buf = p.appendJSON(buf[:0])
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			referenceJSON(b, p)
		}
	})
}
