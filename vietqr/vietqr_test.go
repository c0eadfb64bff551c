package vietqr

import (
	"strconv"
	"strings"
	"testing"

	"github.com/ocopmarket/market"
)

// The published NAPAS example: a static code for account 129005718 at the
// bank with BIN 970432, with the beneficiary's name and a transfer note.
const publishedWithoutCRC = "00020101021238530010A0000007270123000697043201091290057180208QRIBFTTA53037045802VN5920NGUYEN PHAM THUY LAN62390835Thanh toan don hang cho Bean Bakery6304"

func TestCRCOfPublishedVector(t *testing.T) {
	if got := CRC16([]byte(publishedWithoutCRC)); got != 0x3AA2 {
		t.Fatalf("CRC16 = %04X, want 3AA2", got)
	}
	// The standard check value of CRC-16/CCITT-FALSE.
	if got := CRC16([]byte("123456789")); got != 0x29B1 {
		t.Fatalf("CRC16(123456789) = %04X, want 29B1", got)
	}
}

func TestPayloadReproducesPublishedVector(t *testing.T) {
	got, err := Transfer{BIN: "970432", Account: "129005718", Name: "Nguyễn Phạm Thùy Lan",
		Note: "Thanh toán đơn hàng cho Bean Bakery"}.Payload()
	if err != nil {
		t.Fatal(err)
	}
	if want := publishedWithoutCRC + "3AA2"; got != want {
		t.Fatalf("payload\n%s\nwant\n%s", got, want)
	}
}

func TestFieldLayoutWithAmount(t *testing.T) {
	got, err := Transfer{BIN: "970436", Account: "0011004455667", Name: "HTX Hoa Súng Lê Sánh",
		Amount: 150000, Note: "OCOP 7K3F9QAB"}.Payload()
	if err != nil {
		t.Fatal(err)
	}
	want := "000201" + // payload format indicator
		"010212" + // dynamic: carries an amount
		"3857" + "0010A000000727" + "0127" + "0006970436" + "01130011004455667" + "0208QRIBFTTA" +
		"5303704" + // VND
		"5406150000" +
		"5802VN" +
		"5920HTX HOA SUNG LE SANH" +
		"6217" + "0813OCOP 7K3F9QAB" +
		"6304"
	want += crcHex(want)
	if got != want {
		t.Fatalf("payload\n%s\nwant\n%s", got, want)
	}
}

func crcHex(s string) string {
	const hex = "0123456789ABCDEF"
	c := CRC16([]byte(s))
	return string([]byte{hex[c>>12], hex[c>>8&15], hex[c>>4&15], hex[c&15]})
}

func TestInvalidAccounts(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Transfer
		bad  string
	}{
		{"short BIN", Transfer{BIN: "9704", Account: "123456"}, "bin"},
		{"letters in BIN", Transfer{BIN: "97043A", Account: "123456"}, "bin"},
		{"empty account", Transfer{BIN: "970436"}, "accountNumber"},
		{"account with spaces", Transfer{BIN: "970436", Account: "123 456"}, "accountNumber"},
		{"negative amount", Transfer{BIN: "970436", Account: "123456", Amount: -1}, "amountVnd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.in.Payload()
			e, ok := err.(*market.Error)
			if !ok || e.Code != market.Invalid || e.Fields[tc.bad].EN == "" {
				t.Fatalf("err = %v, want invalid naming %s", err, tc.bad)
			}
		})
	}
}

func TestASCII(t *testing.T) {
	for in, want := range map[string]string{
		"Thanh toán đơn hàng":    "Thanh toan don hang",
		"  ĐẶC SẢN   Cà Mau  ":   "DAC SAN Ca Mau",
		"Mã: HG-7K3F9Q ✓":        "Ma: HG-7K3F9Q",
		"Bưởi Năm Roi Bình Minh": "Buoi Nam Roi Binh Minh",
	} {
		if got := ASCII(in); got != want {
			t.Errorf("ASCII(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLongNoteStillFitsTemplate62(t *testing.T) {
	note := strings.Repeat("CT-7K3F9Q ", 20) // 200 characters: a checkout with many orders
	payload, err := Transfer{BIN: "970436", Account: "0011004099999", Name: "Nguyen Van A", Amount: 150000, Note: note}.Payload()
	if err != nil {
		t.Fatal(err)
	}
	// Walk the top-level TLVs: every length must be two digits that frame
	// its value exactly, up to the CRC.
	rest := payload
	for len(rest) > 0 {
		if len(rest) < 4 {
			t.Fatalf("truncated field %q in %q", rest, payload)
		}
		tag := rest[:2]
		n, err := strconv.Atoi(rest[2:4])
		if err != nil || 4+n > len(rest) {
			t.Fatalf("field %s has a bad length %q in %q", tag, rest[2:4], payload)
		}
		if tag == "62" && !strings.HasPrefix(rest[4:], "08") {
			t.Fatalf("template 62 does not start with its note: %q", rest)
		}
		if tag == "63" && 4+n != len(rest) {
			t.Fatalf("CRC is not last: %q", rest)
		}
		rest = rest[4+n:]
	}
}
