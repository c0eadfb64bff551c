package market

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestParsePhone(t *testing.T) {
	tests := []struct {
		in   string
		want Phone // "" means refused
	}{
		{"0912345678", "+84912345678"},
		{"+84912345678", "+84912345678"},
		{"84912345678", "+84912345678"},
		{"0084912345678", "+84912345678"},
		{"0912 345 678", "+84912345678"},
		{"0912.345.678", "+84912345678"},
		{"0912-345-678", "+84912345678"},
		{" +84 912 345 678 ", "+84912345678"},
		{"0388123456", "+84388123456"},
		{"0292 3831 234", "+842923831234"}, // Cần Thơ landline
		{"", ""},
		{"0", ""},
		{"091234567", ""},   // too short
		{"09123456789", ""}, // too long
		{"0112345678", ""},  // no such prefix
		{"+1 415 555 0100", ""},
		{"+0912345678", ""},
		{"0912..345678", ""},
		{"0912345678.", ""},
		{".0912345678", ""},
		{"09123456７8", ""}, // full-width digit
		{"0912345678; DROP TABLE", ""},
		{strings.Repeat("9", 5000), ""},
	}
	for _, tt := range tests {
		got, err := ParsePhone(tt.in)
		if tt.want == "" {
			if err == nil || !IsCode(err, Invalid) {
				t.Errorf("ParsePhone(%q) = %q, %v; want an invalid error", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParsePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestPhoneLocal(t *testing.T) {
	if got := Phone("+84912345678").Local(); got != "0912 345 678" {
		t.Errorf("Local() = %q", got)
	}
}

func TestVNDFormat(t *testing.T) {
	tests := []struct {
		v    VND
		want string
	}{
		{0, "0 ₫"},
		{5, "5 ₫"},
		{999, "999 ₫"},
		{1000, "1.000 ₫"},
		{25000, "25.000 ₫"},
		{150000, "150.000 ₫"},
		{1234567, "1.234.567 ₫"},
		{-25000, "-25.000 ₫"},
		{VND(-9223372036854775808), "-9.223.372.036.854.775.808 ₫"},
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("VND(%d).String() = %q, want %q", int64(tt.v), got, tt.want)
		}
	}
}

func TestParseVND(t *testing.T) {
	tests := []struct {
		in   string
		want VND
		ok   bool
	}{
		{"150000", 150000, true},
		{"150.000", 150000, true},
		{"150,000", 150000, true},
		{"150 000", 150000, true},
		{"25.000 ₫", 25000, true},
		{"25.000đ", 25000, true},
		{"25000 VND", 25000, true},
		{"1.234.567", 1234567, true},
		{"0", 0, true},
		{"", 0, false},
		{"abc", 0, false},
		{"1.5", 0, false},
		{"1.50", 0, false},
		{"1.234,567", 0, false},
		{"1234.567", 0, false},
		{"-5000", 0, false},
		{".500", 0, false},
		{"99999999999999999999", 0, false},
		{"1000000000001", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseVND(tt.in)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("ParseVND(%q) = %d, %v; want %d ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestParseVNDRoundTrip(t *testing.T) {
	for _, v := range []VND{0, 7, 1000, 25000, 999999, 1_000_000_000} {
		got, err := ParseVND(v.String())
		if err != nil || got != v {
			t.Errorf("ParseVND(%q) = %d, %v", v.String(), got, err)
		}
	}
}

func TestNewIDSortsByTime(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	prev := ""
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := newIDAt(base.Add(time.Duration(i) * time.Millisecond))
		if len(id) != 26 || !ValidID(id) {
			t.Fatalf("bad id %q", id)
		}
		if id <= prev {
			t.Fatalf("id %q does not sort after %q", id, prev)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
		prev = id
	}
}

func TestErrors(t *testing.T) {
	var p Problems
	if p.Err() != nil {
		t.Fatal("empty problems should be nil")
	}
	p.Add("priceVnd", "phải lớn hơn 0", "must be greater than 0")
	p.Add("priceVnd", "khác", "other")
	err := fmt.Errorf("wrapped: %w", p.Err())
	if ErrorCode(err) != Invalid {
		t.Fatalf("code = %q", ErrorCode(err))
	}
	var e *Error
	if !errors.As(err, &e) || e.Fields["priceVnd"].In("en") != "must be greater than 0" || e.Fields["priceVnd"].In("vi") != "phải lớn hơn 0" {
		t.Fatalf("fields = %#v", e.Fields)
	}
	if ErrorCode(errors.New("driver exploded")) != Internal {
		t.Fatal("plain errors are internal")
	}
	if ErrorCode(nil) != "" {
		t.Fatal("nil has no code")
	}
}
