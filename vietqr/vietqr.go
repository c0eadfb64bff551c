// Package vietqr encodes VietQR payment payloads: the NAPAS 247 profile of
// the EMVCo merchant-presented QR code that every Vietnamese banking app
// scans to prefill a bank transfer (bank, account, amount and note).
package vietqr

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ocopmarket/market"
)

// NAPAS identifiers of the payload (EMVCo tag 38).
const (
	// GUID is NAPAS's application identifier, tag 38/00.
	GUID = "A000000727"
	// ServiceToAccount is "fast transfer to an account", tag 38/02.
	ServiceToAccount = "QRIBFTTA"
)

// Transfer is what the payer's banking app is asked to send.
type Transfer struct {
	// BIN is the NAPAS bank identification number, six digits (970436 Vietcombank…).
	BIN string
	// Account is the beneficiary's account number.
	Account string
	// Name is the beneficiary's name, shown by some apps; optional.
	Name string
	// Amount in đồng; 0 leaves it to the payer (a static code).
	Amount market.VND
	// Note is the transfer note (tag 62/08), which carries the order reference.
	Note string
	// Static marks a code meant to be printed and reused (initiation method
	// 11); by default a code is for one payment (12), as an order's is.
	Static bool
}

// Field is one tag-length-value element of a payload; Sub holds the
// elements of a template (tags 38 and 62).
type Field struct {
	Tag   string
	Value string
	Sub   []Field
}

// Fields returns the elements of the payload in order, without the CRC.
func (t Transfer) Fields() ([]Field, error) {
	if err := t.validate(); err != nil {
		return nil, err
	}
	initiation := "12"
	if t.Static {
		initiation = "11"
	}
	fs := []Field{
		{Tag: "00", Value: "01"},
		{Tag: "01", Value: initiation},
		{Tag: "38", Sub: []Field{
			{Tag: "00", Value: GUID},
			{Tag: "01", Sub: []Field{{Tag: "00", Value: t.BIN}, {Tag: "01", Value: t.Account}}},
			{Tag: "02", Value: ServiceToAccount},
		}},
		{Tag: "53", Value: "704"},
	}
	if t.Amount > 0 {
		fs = append(fs, Field{Tag: "54", Value: strconv.FormatInt(int64(t.Amount), 10)})
	}
	fs = append(fs, Field{Tag: "58", Value: "VN"})
	if name := ASCII(t.Name); name != "" {
		fs = append(fs, Field{Tag: "59", Value: clip(strings.ToUpper(name), 25)})
	}
	if note := ASCII(t.Note); note != "" {
		// Template 62 holds at most 99 characters, of which 08 and its
		// length take four.
		fs = append(fs, Field{Tag: "62", Sub: []Field{{Tag: "08", Value: clip(note, maxNote)}}})
	}
	return fs, nil
}

// Payload returns the full payload, ending with tag 63 and its CRC.
func (t Transfer) Payload() (string, error) {
	fs, err := t.Fields()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, f := range fs {
		writeField(&b, f)
	}
	return WithCRC(b.String()), nil
}

// WithCRC appends tag 63 (length 04) and the CRC of everything before it,
// including "6304", as EMVCo requires.
func WithCRC(payload string) string {
	payload += "6304"
	return payload + fmt.Sprintf("%04X", CRC16([]byte(payload)))
}

// CRC16 is CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF,
// no reflection, no final XOR.
func CRC16(data []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, c := range data {
		crc ^= uint16(c) << 8
		for i := 0; i < 8; i++ {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}

func writeField(b *strings.Builder, f Field) {
	v := f.Value
	if f.Sub != nil {
		var sb strings.Builder
		for _, s := range f.Sub {
			writeField(&sb, s)
		}
		v = sb.String()
	}
	fmt.Fprintf(b, "%s%02d%s", f.Tag, len(v), v)
}

func (t Transfer) validate() error {
	var p market.Problems
	if !ValidBIN(t.BIN) {
		p.Add("bin", "Mã ngân hàng (BIN) phải gồm 6 chữ số.", "The bank BIN must be six digits.")
	}
	if !ValidAccount(t.Account) {
		p.Add("accountNumber", "Số tài khoản phải gồm 4–19 chữ số hoặc chữ cái.", "The account number must be 4–19 digits or letters.")
	}
	if t.Amount < 0 || t.Amount > market.MaxVND {
		p.Add("amountVnd", "Số tiền không hợp lệ.", "The amount is not valid.")
	}
	return p.Err()
}

// ValidBIN reports whether s is a bank identification number of NAPAS:
// six digits, e.g. 970436.
func ValidBIN(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidAccount reports whether s can be a bank account number in a VietQR
// payload: 4 to 19 ASCII digits or letters.
func ValidAccount(s string) bool {
	if len(s) < 4 || len(s) > 19 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

// maxNote is the longest transfer note that fits in template 62.
const maxNote = 95

func clip(s string, n int) string {
	if len(s) > n {
		return strings.TrimSpace(s[:n])
	}
	return s
}

// vietnamese maps each Vietnamese letter with a tone or vowel mark to its
// base letter: banks carry transfer notes in plain ASCII.
var vietnamese = func() map[rune]rune {
	groups := map[rune]string{
		'a': "àáảãạăằắẳẵặâầấẩẫậ", 'A': "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ",
		'e': "èéẻẽẹêềếểễệ", 'E': "ÈÉẺẼẸÊỀẾỂỄỆ",
		'i': "ìíỉĩị", 'I': "ÌÍỈĨỊ",
		'o': "òóỏõọôồốổỗộơờớởỡợ", 'O': "ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ",
		'u': "ùúủũụưừứửữự", 'U': "ÙÚỦŨỤƯỪỨỬỮỰ",
		'y': "ỳýỷỹỵ", 'Y': "ỲÝỶỸỴ",
		'd': "đ", 'D': "Đ",
	}
	m := map[rune]rune{}
	for base, marked := range groups {
		for _, r := range marked {
			m[r] = base
		}
	}
	return m
}()

// ASCII folds Vietnamese text to printable ASCII ("Đơn hàng" → "Don hang"),
// dropping anything else that is not printable ASCII, and collapses spaces.
func ASCII(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if base, ok := vietnamese[r]; ok {
			r = base
		}
		if r == utf8.RuneError || r < 0x20 || r > 0x7e {
			continue
		}
		if r == ' ' {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
