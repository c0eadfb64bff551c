package uptake

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"
)

// The CSV leaves a share empty where the page shows "—": no registry, no
// order, no listing is not a share of 0.
func TestWriteCSVLeavesEmptySharesEmpty(t *testing.T) {
	p := Period{From: time.Date(2025, 12, 31, 17, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 31, 17, 0, 0, 0, time.UTC)}
	quiet := Row{RegionID: "can-tho.thanh-xuan", RegionName: "Xã Thạnh Xuân", Period: p}
	busy := Row{RegionID: "can-tho", RegionName: "TP Cần Thơ", Period: p,
		Products:         ProductFigures{Listed: 5, Registry: 6, OCOPCoverage: 0.3333},
		Orders:           OrderFigures{Count: 4, Shipped: 3},
		Payments:         PaymentFigures{CashlessShareByCount: 0.5, CashlessShareByValue: 0.7857},
		SelfServiceShare: 0.6, MedianHoursToShip: 12,
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, []Row{busy, quiet}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	shares := []string{"Tỷ lệ OCOP lên sàn", "Tỷ lệ không tiền mặt (số đơn)", "Tỷ lệ không tiền mặt (giá trị)", "Tỷ lệ tự đăng sản phẩm", "Số giờ trung vị đến khi giao"}
	want := [][]string{{"0.3333", "0.5", "0.7857", "0.6", "12"}, {"", "", "", "", ""}}
	for r, row := range recs[1:] {
		for i, h := range shares {
			if got := row[col[h]]; got != want[r][i] {
				t.Errorf("%s, %s: %q, want %q", row[0], h, got, want[r][i])
			}
		}
	}
	if got := recs[2][col["Số đơn"]]; got != "0" {
		t.Errorf("a count of none is 0, got %q", got)
	}
}
