package uptake

import (
	"strings"
	"testing"

	"github.com/ocopmarket/market"
)

func TestParseRegistry(t *testing.T) {
	in := "\uFEFFcertificateNo,productName,stars,holder\r\n" +
		"CT-2024-001,Hoa súng Lê Sánh,4,HTX Hoa súng Thạnh Xuân\r\n" +
		"\r\n" +
		"CT-2024-002,\"Bánh tráng, nem\",3,Hộ Nguyễn Văn Bảy\r\n" +
		"ct-2024-001,Trùng số,5,Ai đó\r\n" +
		"CT-2024-003,Mật ong,6,Hộ Ba\r\n" +
		"CT-2024-004,Khô cá lóc,4\r\n" +
		",Không số,4,Hộ Tư\r\n" +
		"CT-2024-005,Rượu nếp,5,\"Hộ \"\"Năm\"\"\"\r\n"
	entries, errs, err := ParseRegistry(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.CertificateNo+"|"+e.ProductName+"|"+string(rune('0'+e.Stars))+"|"+e.Holder)
	}
	want := []string{
		"CT-2024-001|Hoa súng Lê Sánh|4|HTX Hoa súng Thạnh Xuân",
		"CT-2024-002|Bánh tráng, nem|3|Hộ Nguyễn Văn Bảy",
		"CT-2024-005|Rượu nếp|5|Hộ \"Năm\"",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if entries[0].Line != 2 || entries[2].Line != 9 {
		t.Errorf("lines = %d, %d", entries[0].Line, entries[2].Line)
	}
	wantErrs := map[int]string{5: "already appears on line 2", 6: "Stars must be", 7: "exactly 4 columns", 8: "number is missing"}
	if len(errs) != len(wantErrs) {
		t.Fatalf("errors = %+v", errs)
	}
	for _, e := range errs {
		if !strings.Contains(e.Message.EN, wantErrs[e.Line]) || e.Message.VI == "" {
			t.Errorf("line %d: %+v, want %q", e.Line, e.Message, wantErrs[e.Line])
		}
	}
}

func TestParseRegistrySemicolonsWithoutBOM(t *testing.T) {
	entries, errs, err := ParseRegistry(strings.NewReader("certificateNo;productName;stars;holder\nAG-1;Đường thốt nốt;5;HTX Tri Tôn\n"))
	if err != nil || len(errs) != 0 || len(entries) != 1 || entries[0].Holder != "HTX Tri Tôn" || entries[0].Stars != 5 {
		t.Fatalf("%+v %+v %v", entries, errs, err)
	}
}

func TestParseRegistryRefusesUnreadableFiles(t *testing.T) {
	for name, in := range map[string]string{
		"empty":      "",
		"bad header": "so,ten,sao,chu\nA,B,4,C\n",
		"not UTF-8":  "certificateNo,productName,stars,holder\nA,Hoa s\xfang,4,C\n",
	} {
		if _, _, err := ParseRegistry(strings.NewReader(in)); !market.IsCode(err, market.Invalid) {
			t.Errorf("%s: err = %v, want invalid", name, err)
		}
	}
	big := "certificateNo,productName,stars,holder\n" + strings.Repeat("A,B,4,C\n", MaxRegistryBytes/8+1)
	if _, _, err := ParseRegistry(strings.NewReader(big)); !market.IsCode(err, market.PayloadTooLarge) {
		t.Errorf("big file: %v", err)
	}
}

func TestCertificateKey(t *testing.T) {
	if CertificateKey("  ct-2024/01a ") != "CT-2024/01A" || CertificateKey("Số-đ1") != "Số-đ1" {
		t.Fatal(CertificateKey("  ct-2024/01a "), CertificateKey("Số-đ1"))
	}
}
