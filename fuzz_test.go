package market

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Run long with, e.g.:
//
//	go test -run '^$' -fuzz '^FuzzParsePhone$' -fuzztime 10m .
//
// Failing inputs land in testdata/fuzz/<target>/ and become regression cases.

var phoneShape = regexp.MustCompile(`^\+84([35789][0-9]{8}|2[0-9]{9})$`)

// checkMarketInvalid fails unless err is an invalid *Error with both texts.
func checkMarketInvalid(t *testing.T, what string, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Code != Invalid || e.Message.VI == "" || e.Message.EN == "" {
		t.Fatalf("%s: error %#v is not an invalid market error in both languages", what, err)
	}
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{
		"0912345678", "+84912345678", "84912345678", "0084912345678", "0912 345 678",
		"0912.345.678", "0912-345-678", " +84 912 345 678 ", "0292 3831 234", "0388123456",
		"", "0", "+", "+84", "0084", "091234567", "09123456789", "0112345678", "+1 415 555 0100",
		"0912..345678", "0912345678.", ".0912345678", "09123456７8", "0912345678; DROP TABLE",
		"８４９１２３４５６７８", "+84 0912345678", "840912345678", "\u00a00912345678",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		p, err := ParsePhone(in)
		if err != nil {
			checkMarketInvalid(t, "ParsePhone("+strconv.Quote(in)+")", err)
			if p != "" {
				t.Fatalf("ParsePhone(%q) returned %q with an error", in, p)
			}
			return
		}
		if !phoneShape.MatchString(string(p)) {
			t.Fatalf("ParsePhone(%q) = %q: not a Vietnamese number in +84 form", in, p)
		}
		// Normal form is a fixed point, and the local form reads back the same.
		if again, err := ParsePhone(string(p)); err != nil || again != p {
			t.Fatalf("ParsePhone(%q) = %q, %v; want it unchanged", p, again, err)
		}
		local := p.Local()
		if !strings.HasPrefix(local, "0") {
			t.Fatalf("%q.Local() = %q, want a leading 0", p, local)
		}
		if back, err := ParsePhone(local); err != nil || back != p {
			t.Fatalf("ParsePhone(%q.Local() = %q) = %q, %v", p, local, back, err)
		}
		// The digits of the input, without its prefix, are the digits of the result.
		digitsIn := onlyDigits(in)
		national := strings.TrimPrefix(string(p), "+84")
		if !strings.HasSuffix(digitsIn, national) {
			t.Fatalf("ParsePhone(%q) = %q: digits %q do not end with %q", in, p, digitsIn, national)
		}
	})
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func FuzzParseVND(f *testing.F) {
	for _, s := range []string{
		"150000", "150.000", "150,000", "150 000", "150.000 ₫", "25.000đ", "25000 VND", "25000vnđ",
		"1.000.000.000.000", "1.000.000.000.001", "0", "-5", "1,5", "1.50", "1.000,000", ".100",
		"100.", "1 000\u00a0000", "9223372036854775807", "99999999999999999999", "₫", "", " d ",
		"١٢٣", "1..000", "0.000", "000.000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		v, err := ParseVND(in)
		if err != nil {
			checkMarketInvalid(t, "ParseVND("+strconv.Quote(in)+")", err)
			return
		}
		if v < 0 || v > MaxVND {
			t.Fatalf("ParseVND(%q) = %d: outside 0…MaxVND", in, v)
		}
		// Every way the marketplace writes an amount reads back to it.
		for _, s := range []string{v.Format(), v.String(), strconv.FormatInt(int64(v), 10)} {
			if back, err := ParseVND(s); err != nil || back != v {
				t.Fatalf("ParseVND(%q) = %d; ParseVND(%q) = %d, %v", in, v, s, back, err)
			}
		}
		// The value is the digits of the input, whatever separators it had.
		if n, err := strconv.ParseInt(onlyDigits(in), 10, 64); err != nil || VND(n) != v {
			t.Fatalf("ParseVND(%q) = %d, but its digits say %d (%v)", in, v, n, err)
		}
	})
}

var formatShape = regexp.MustCompile(`^-?[0-9]{1,3}(\.[0-9]{3})*$`)

func FuzzVNDFormat(f *testing.F) {
	for _, n := range []int64{0, 5, 999, 1000, 25000, 150000, 1234567, -25000, -1, 1 << 62, -1 << 63, 1<<63 - 1, int64(MaxVND), int64(MaxVND) + 1} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int64) {
		v := VND(n)
		s := v.Format()
		if !formatShape.MatchString(s) {
			t.Fatalf("VND(%d).Format() = %q: not grouped by threes with dots", n, s)
		}
		if got := strings.ReplaceAll(s, ".", ""); got != strconv.FormatInt(n, 10) {
			t.Fatalf("VND(%d).Format() = %q: digits differ", n, s)
		}
		if v.String() != s+" ₫" {
			t.Fatalf("VND(%d).String() = %q", n, v.String())
		}
		back, err := ParseVND(v.String())
		switch {
		case n >= 0 && v <= MaxVND:
			if err != nil || back != v {
				t.Fatalf("ParseVND(%q) = %d, %v; want %d", v.String(), back, err, n)
			}
		default:
			if err == nil {
				t.Fatalf("ParseVND(%q) = %d; an amount outside 0…MaxVND must be refused", v.String(), back)
			}
			checkMarketInvalid(t, "ParseVND("+strconv.Quote(v.String())+")", err)
		}
	})
}
