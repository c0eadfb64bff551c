package vietqr

import (
	"errors"
	"fmt"
	"strconv"
	"testing"

	"github.com/ocopmarket/market"
)

// tlv parses one level of EMVCo tag-length-value elements: two-digit tag,
// two-digit length, value. It fails on anything a banking app would refuse.
func tlv(s string) ([]Field, error) {
	var out []Field
	for len(s) > 0 {
		if len(s) < 4 {
			return nil, fmt.Errorf("truncated element %q", s)
		}
		n, err := strconv.Atoi(s[2:4])
		if err != nil || n < 0 || 4+n > len(s) {
			return nil, fmt.Errorf("bad length in %q", s)
		}
		out = append(out, Field{Tag: s[:2], Value: s[4 : 4+n]})
		s = s[4+n:]
	}
	return out, nil
}

func find(fs []Field, tag string) (string, bool) {
	for _, f := range fs {
		if f.Tag == tag {
			return f.Value, true
		}
	}
	return "", false
}

// Run long with:
//
//	go test -run '^$' -fuzz '^FuzzPayload$' -fuzztime 10m ./vietqr
func FuzzPayload(f *testing.F) {
	f.Add("970436", "0123456789", "Lê Thị Sánh", "OCOPAB12CD34 CT-7K3F9Q", int64(150000), false)
	f.Add("970415", "113366668888", "", "", int64(0), true)
	f.Add("97043", "0123", "A", "x", int64(1), false)
	f.Add("970436", "01234567890123456789", "N", "n", int64(-1), false)
	f.Add("970436", "0123", "Hợp tác xã Hoa súng Lê Sánh Thạnh Xuân", "Đơn hàng   HG-7K3F9Q\tgiao nhanh", int64(market.MaxVND), false)
	f.Fuzz(func(t *testing.T, bin, account, name, note string, amount int64, static bool) {
		tr := Transfer{BIN: bin, Account: account, Name: name, Note: note, Amount: market.VND(amount), Static: static}
		payload, err := tr.Payload()
		if err != nil {
			var e *market.Error
			if !errors.As(err, &e) || e.Code != market.Invalid || len(e.Fields) == 0 {
				t.Fatalf("Payload() error %#v is not an invalid market error naming the field", err)
			}
			return
		}
		// Printable ASCII only: banking apps and QR readers expect it.
		for i := 0; i < len(payload); i++ {
			if payload[i] < 0x20 || payload[i] > 0x7e {
				t.Fatalf("payload has byte %#x at %d: %q", payload[i], i, payload)
			}
		}
		// The CRC covers everything before it, "6304" included.
		if len(payload) < 8 || payload[len(payload)-8:len(payload)-4] != "6304" {
			t.Fatalf("payload does not end with tag 63: %q", payload)
		}
		if want := fmt.Sprintf("%04X", CRC16([]byte(payload[:len(payload)-4]))); payload[len(payload)-4:] != want {
			t.Fatalf("CRC %s, want %s", payload[len(payload)-4:], want)
		}
		// Every element, nested ones too, parses back with a valid length.
		top, err := tlv(payload)
		if err != nil {
			t.Fatalf("payload %q does not parse: %v", payload, err)
		}
		merchant, _ := find(top, "38")
		m, err := tlv(merchant)
		if err != nil {
			t.Fatalf("tag 38 %q does not parse: %v", merchant, err)
		}
		beneficiary, _ := find(m, "01")
		b, err := tlv(beneficiary)
		if err != nil {
			t.Fatalf("tag 38/01 %q does not parse: %v", beneficiary, err)
		}
		if got, _ := find(b, "00"); got != bin {
			t.Fatalf("BIN %q, want %q", got, bin)
		}
		if got, _ := find(b, "01"); got != account {
			t.Fatalf("account %q, want %q", got, account)
		}
		got, ok := find(top, "54")
		if amount > 0 && got != strconv.FormatInt(amount, 10) || amount == 0 && ok {
			t.Fatalf("amount tag %q (present %v), want %d", got, ok, amount)
		}
		if n, _ := find(top, "59"); len(n) > 25 {
			t.Fatalf("name %q longer than 25", n)
		}
		if tmpl, ok := find(top, "62"); ok {
			add, err := tlv(tmpl)
			if err != nil {
				t.Fatalf("tag 62 %q does not parse: %v", tmpl, err)
			}
			if n, _ := find(add, "08"); n == "" || n != ASCII(n) {
				t.Fatalf("note %q is empty or not folded", n)
			}
		}
		if init, _ := find(top, "01"); static && init != "11" || !static && init != "12" {
			t.Fatalf("initiation %q for static=%v", init, static)
		}
	})
}
