package httpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/ocopmarket/market"
)

// The request bodies of the API (API.md), as clients send them. Handlers
// keep their own request types; these mirror their shapes so that decode is
// fuzzed against every kind of body: flat, nested, optional (pointers),
// lists of objects, numbers of every width. No omitempty, so that a value
// survives a round trip exactly. cmd/ocopd replays the corpus through the
// real handlers.
type (
	fzSignUp struct {
		Phone    string `json:"phone"`
		Password string `json:"password"`
		Name     string `json:"name"`
	}
	fzSignIn struct {
		Phone    string `json:"phone"`
		Password string `json:"password"`
	}
	fzBank struct {
		BIN           string `json:"bin"`
		AccountNumber string `json:"accountNumber"`
		Holder        string `json:"holder"`
	}
	fzSeller struct {
		Name     string  `json:"name"`
		Kind     string  `json:"kind"`
		Phone    string  `json:"phone"`
		Zalo     *string `json:"zalo"`
		RegionID string  `json:"regionId"`
		Address  string  `json:"address"`
		Story    *string `json:"story"`
		Bank     *fzBank `json:"bank"`
	}
	fzSellerPatch struct {
		Name     *string `json:"name"`
		Phone    *string `json:"phone"`
		Zalo     *string `json:"zalo"`
		RegionID *string `json:"regionId"`
		Address  *string `json:"address"`
		Story    *string `json:"story"`
		Bank     *fzBank `json:"bank"`
	}
	fzDecision struct {
		Decision string `json:"decision"`
		Note     string `json:"note"`
	}
	fzHelper struct {
		AccountID string `json:"accountId"`
	}
	fzTier struct {
		MinQty   int        `json:"minQty"`
		PriceVND market.VND `json:"priceVnd"`
	}
	fzOCOP struct {
		Stars         int    `json:"stars"`
		CertificateNo string `json:"certificateNo"`
		IssuedBy      string `json:"issuedBy"`
		IssuedAt      string `json:"issuedAt"`
		ExpiresAt     string `json:"expiresAt"`
	}
	fzProduct struct {
		SellerID    string     `json:"sellerId"`
		Name        string     `json:"name"`
		Description string     `json:"description"`
		CategoryID  string     `json:"categoryId"`
		Unit        string     `json:"unit"`
		PriceVND    market.VND `json:"priceVnd"`
		PriceTiers  []fzTier   `json:"priceTiers"`
		Stock       int64      `json:"stock"`
		MinOrderQty int        `json:"minOrderQty"`
		RegionID    string     `json:"regionId"`
		Status      string     `json:"status"`
		OCOP        *fzOCOP    `json:"ocop"`
	}
	fzProductPatch struct {
		Name        *string     `json:"name"`
		Description *string     `json:"description"`
		PriceVND    *market.VND `json:"priceVnd"`
		PriceTiers  *[]fzTier   `json:"priceTiers"`
		Stock       *int64      `json:"stock"`
		MinOrderQty *int        `json:"minOrderQty"`
		Status      *string     `json:"status"`
		OCOP        *fzOCOP     `json:"ocop"`
	}
	fzCheckout struct {
		Items []struct {
			ProductID string `json:"productId"`
			Qty       int    `json:"qty"`
		} `json:"items"`
		Buyer struct {
			Name  string `json:"name"`
			Phone string `json:"phone"`
			Email string `json:"email"`
		} `json:"buyer"`
		Shipping struct {
			Address  string `json:"address"`
			RegionID string `json:"regionId"`
		} `json:"shipping"`
		PaymentMethod string `json:"paymentMethod"`
		Note          string `json:"note"`
	}
	fzTransition struct {
		To             string `json:"to"`
		TrackingNumber string `json:"trackingNumber"`
		Note           string `json:"note"`
	}
	fzPayment struct {
		Status string `json:"status"`
	}
)

// fzBodies makes a fresh value of each body type; the fuzzer's first byte
// picks one.
var fzBodies = []func() any{
	func() any { return new(fzSignUp) },
	func() any { return new(fzSignIn) },
	func() any { return new(fzSeller) },
	func() any { return new(fzSellerPatch) },
	func() any { return new(fzDecision) },
	func() any { return new(fzHelper) },
	func() any { return new(fzProduct) },
	func() any { return new(fzProductPatch) },
	func() any { return new(fzCheckout) },
	func() any { return new(fzTransition) },
	func() any { return new(fzPayment) },
}

// decodeBytes runs decode on data as the body of a request whose JSON limit is limit.
func decodeBytes(data []byte, limit int64, v any) error {
	r := httptest.NewRequest("POST", "/api/v1/anything", bytes.NewReader(data))
	r = r.WithContext(context.WithValue(r.Context(), keyInfo, &reqInfo{jsonLimit: limit}))
	return decode(r, v)
}

// Run long with, e.g.:
//
//	go test -run '^$' -fuzz '^FuzzDecode$' -fuzztime 10m ./httpserver
//
// The committed corpus is testdata/fuzz/FuzzDecode; cmd/ocopd replays it
// through the real server.
func FuzzDecode(f *testing.F) {
	seeds := []struct {
		kind byte
		body string
	}{
		{0, `{"phone":"0912345678","password":"hoasung-2026","name":"Nguyễn Thị Lan"}`},
		{0, `{"phone":912345678,"password":"12345678","name":"A"}`},
		{0, `{"phone":"0912345678","pass`},
		{1, `{"phone":"0912345678","password":"x","admin":true}`},
		{1, `[1,2]`},
		{1, ``},
		{1, `null`},
		{2, `{"name":"HTX Hoa súng Lê Sánh","kind":"cooperative","phone":"0292 3831 234","regionId":"can-tho.thanh-xuan","address":"ấp 1","bank":{"bin":"970436","accountNumber":"0123456789","holder":"LE SANH"}}`},
		{2, `{"name":"A","bank":{"bin":970436}}`},
		{3, `{"story":null,"zalo":"0912345678"}`},
		{4, `{"decision":"verify","note":"Đã kiểm tra giấy phép"}`},
		{5, `{"accountId":"01jabcdefghjkmnpqrstvwxyz0"}`},
		{6, `{"sellerId":"s1","name":"Hoa súng","categoryId":"hoa-cay-canh","unit":"bó","priceVnd":25000,"priceTiers":[{"minQty":20,"priceVnd":20000}],"stock":120,"minOrderQty":1,"regionId":"can-tho","status":"active","ocop":{"stars":4,"certificateNo":"123/QĐ-UBND","issuedBy":"province","issuedAt":"2024-05-01","expiresAt":"2027-05-01"}}`},
		{6, `{"priceVnd":1.5}`},
		{6, `{"priceVnd":-1e400}`},
		{6, `{"stock":9223372036854775808}`},
		{6, `{"priceTiers":[{"minQty":"20"}]}`},
		{7, `{"priceTiers":[],"stock":0,"ocop":null}`},
		{8, `{"items":[{"productId":"p1","qty":3}],"buyer":{"name":"Trần Văn A","phone":"0912345678","email":""},"shipping":{"address":"12 Đường 30/4","regionId":"can-tho.tan-an"},"paymentMethod":"cod","note":""}`},
		{8, `{"items":[{"productId":"p1","qty":3,"price":1}]}`},
		{8, `{"items":{"productId":"p1"}}`},
		{9, `{"to":"shipped","trackingNumber":"GHN123"}`},
		{10, `{"status":"paid"} {}`},
		{10, "{\"status\":\"\xff\xfe\"}"},
		{0x80 | 6, `{"description":"` + string(bytes.Repeat([]byte("dài "), 200)) + `"}`},
	}
	for _, s := range seeds {
		f.Add(s.kind, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, kind byte, data []byte) {
		limit := int64(1 << 20)
		if kind&0x80 != 0 {
			limit = 256 // small, so that the fuzzer reaches the limit
		}
		mk := fzBodies[int(kind&0x7f)%len(fzBodies)]
		v := mk()
		err := decodeBytes(data, limit, v)

		// Only market errors, in both languages, naming the input at fault.
		if err != nil {
			var e *market.Error
			if !errors.As(err, &e) {
				t.Fatalf("decode(%q) = %v: not a market error", data, err)
			}
			if e.Message.VI == "" || e.Message.EN == "" {
				t.Fatalf("decode(%q): message lacks a language: %+v", data, e.Message)
			}
			switch e.Code {
			case market.Invalid:
				if len(e.Fields) == 0 {
					t.Fatalf("decode(%q) = %v: an invalid body must name a field (or \"body\")", data, err)
				}
			case market.PayloadTooLarge:
				if int64(len(data)) <= limit {
					t.Fatalf("decode of %d bytes said too large with a limit of %d", len(data), limit)
				}
			default:
				t.Fatalf("decode(%q) = %v: code %s; want invalid or payload_too_large", data, err, e.Code)
			}
			return
		}

		// Accepted: within the limit, valid JSON, and what encoding/json reads too.
		if int64(len(data)) > limit {
			t.Fatalf("decode accepted %d bytes with a limit of %d", len(data), limit)
		}
		if !json.Valid(data) {
			t.Fatalf("decode accepted invalid JSON %q", data)
		}
		lenient := mk()
		if err := json.Unmarshal(data, lenient); err != nil || !reflect.DeepEqual(v, lenient) {
			t.Fatalf("decode(%q) = %+v, encoding/json says %+v, %v", data, v, lenient, err)
		}
		// Round trip: what was accepted encodes and decodes to the same value.
		again, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		w := mk()
		if err := decodeBytes(again, int64(len(again))+1, w); err != nil || !reflect.DeepEqual(v, w) {
			t.Fatalf("round trip of %q: %q decodes to %+v, %v; want %+v", data, again, w, err, v)
		}
	})
}
