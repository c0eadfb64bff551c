package market

import (
	"strconv"
	"strings"
)

// VND is an amount of Vietnamese đồng. The đồng has no minor unit, so the
// amount is a whole number; money is never a float.
type VND int64

// MaxVND bounds any single amount the marketplace accepts (one trillion
// đồng), far above any order and far below overflow when summed.
const MaxVND VND = 1_000_000_000_000

// String formats the amount the Vietnamese way: "150.000 ₫".
func (v VND) String() string { return v.Format() + " ₫" }

// Format returns the amount with dots between thousands and no symbol: "150.000".
func (v VND) Format() string {
	n := int64(v)
	neg := n < 0
	var u uint64
	if neg {
		u = uint64(-(n + 1)) + 1 // safe for math.MinInt64
	} else {
		u = uint64(n)
	}
	digits := strconv.FormatUint(u, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// ParseVND reads an amount as people write it: "150000", "150.000",
// "150,000", "150 000", with or without "₫", "đ", "d" or "VND". Thousands
// separators must group by three; decimals and negative amounts are refused.
func ParseVND(s string) (VND, error) {
	bad := Errorf(Invalid, "Số tiền không hợp lệ: hãy nhập số đồng, ví dụ 25.000.", "Not a valid amount: write whole đồng, e.g. 25,000.")
	t := strings.TrimSpace(s)
	lower := strings.ToLower(t)
	for _, suffix := range []string{"vnd", "vnđ", "₫", "đ", "d"} {
		if strings.HasSuffix(lower, suffix) {
			t = strings.TrimSpace(t[:len(t)-len(suffix)])
			break
		}
	}
	if t == "" || len(t) > 32 {
		return 0, bad
	}
	var digits strings.Builder
	group := -1 // digits since the last separator; -1 before any separator
	var sep rune
	first := 0
	for i, c := range t {
		switch {
		case c >= '0' && c <= '9':
			digits.WriteRune(c)
			if group >= 0 {
				group++
			} else {
				first++
			}
		case c == '.' || c == ',' || c == ' ' || c == '\u00a0':
			if i == 0 || (sep != 0 && c != sep) || (group >= 0 && group != 3) || (group < 0 && (first == 0 || first > 3)) {
				return 0, bad
			}
			sep = c
			group = 0
		default:
			return 0, bad
		}
	}
	if group >= 0 && group != 3 {
		return 0, bad
	}
	n, err := strconv.ParseInt(digits.String(), 10, 64)
	if err != nil || VND(n) > MaxVND {
		return 0, bad
	}
	return VND(n), nil
}
