package market

import "strings"

// Phone is a Vietnamese phone number in international form: "+84912345678".
type Phone string

// ParsePhone normalises a Vietnamese phone number to "+84…". It accepts
// "0912345678", "+84912345678", "84912345678" and "0084…", with spaces,
// dots or dashes between digits. Mobile numbers have nine digits after the
// country code and start with 3, 5, 7, 8 or 9; landlines have ten starting
// with 2. Anything else is refused.
func ParsePhone(s string) (Phone, error) {
	bad := Errorf(Invalid,
		"Số điện thoại không hợp lệ: hãy nhập số Việt Nam, ví dụ 0912 345 678.",
		"Not a valid phone number: enter a Vietnamese number, e.g. 0912 345 678.")
	t := strings.TrimSpace(s)
	if len(t) > 32 {
		return "", bad
	}
	plus := strings.HasPrefix(t, "+")
	if plus {
		t = t[1:]
	}
	var d strings.Builder
	prevSep := true // no separator first
	for _, c := range t {
		switch {
		case c >= '0' && c <= '9':
			d.WriteRune(c)
			prevSep = false
		case c == ' ' || c == '.' || c == '-':
			if prevSep {
				return "", bad
			}
			prevSep = true
		default:
			return "", bad
		}
	}
	if prevSep && d.Len() > 0 {
		return "", bad // trailing separator
	}
	digits := d.String()
	var national string // without the leading 0 or 84
	switch {
	case plus && strings.HasPrefix(digits, "84"):
		national = digits[2:]
	case plus:
		return "", bad
	case strings.HasPrefix(digits, "0084"):
		national = digits[4:]
	case strings.HasPrefix(digits, "84") && (len(digits) == 11 || len(digits) == 12):
		national = digits[2:]
	case strings.HasPrefix(digits, "0"):
		national = digits[1:]
	default:
		return "", bad
	}
	switch {
	case len(national) == 9 && strings.ContainsRune("35789", rune(national[0])):
	case len(national) == 10 && national[0] == '2':
	default:
		return "", bad
	}
	return Phone("+84" + national), nil
}

// String returns the number in international form.
func (p Phone) String() string { return string(p) }

// Local returns the number as Vietnamese people write it: "0912 345 678".
func (p Phone) Local() string {
	s := strings.TrimPrefix(string(p), "+84")
	if s == string(p) || len(s) < 9 {
		return string(p)
	}
	s = "0" + s
	if len(s) == 10 {
		return s[:4] + " " + s[4:7] + " " + s[7:]
	}
	return s[:4] + " " + s[4:8] + " " + s[8:]
}
