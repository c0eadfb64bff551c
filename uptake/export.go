package uptake

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/ocopmarket/market"
)

// exportColumns are the CSV header, in Vietnamese as officials' reports are.
var exportColumns = []string{
	"Mã địa bàn", "Địa bàn", "Từ ngày", "Đến ngày",
	"Người bán", "Người bán đã xác minh", "Người bán có sản phẩm", "Người bán có đơn 30 ngày",
	"Hộ kinh doanh", "Hợp tác xã", "Doanh nghiệp",
	"Sản phẩm đang bán", "Sản phẩm OCOP đã xác minh", "OCOP 3 sao", "OCOP 4 sao", "OCOP 5 sao",
	"Giấy chứng nhận OCOP trong danh sách", "Tỷ lệ OCOP lên sàn",
	"Số đơn", "Giá trị đơn (đồng)", "Giá trị trung bình (đồng)", "Người mua", "Người mua lặp lại",
	"Đơn giao ngoài địa bàn", "Đơn bị hủy",
	"Đơn COD", "Đơn thẻ", "Đơn chuyển khoản",
	"Tỷ lệ không tiền mặt (số đơn)", "Tỷ lệ không tiền mặt (giá trị)",
	"Tỷ lệ tự đăng sản phẩm", "Số giờ trung vị đến khi giao",
}

// WriteCSV writes rows as a spreadsheet-friendly CSV: UTF-8 with a
// byte-order mark (so Excel shows Vietnamese), Vietnamese headers, dates
// in Vietnam time, shares as decimals with a dot, left empty where there
// is nothing to take a share of.
func WriteCSV(w io.Writer, rows []Row) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	if err := cw.Write(exportColumns); err != nil {
		return err
	}
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	// share is empty, as the officials' page shows "—", where there is
	// nothing to take a share of: no registry, no order, no listing.
	share := func(x float64, of int64) string {
		if of == 0 {
			return ""
		}
		return f(x)
	}
	for _, r := range rows {
		median := ""
		if r.Orders.Shipped > 0 {
			median = f(r.MedianHoursToShip)
		}
		rec := []string{
			r.RegionID, r.RegionName, vnDate(r.Period.From), vnDate(r.Period.To.Add(-time.Millisecond)),
			i(r.Sellers.Total), i(r.Sellers.Verified), i(r.Sellers.WithListing), i(r.Sellers.Active30d),
			i(r.Sellers.ByKind["household"]), i(r.Sellers.ByKind["cooperative"]), i(r.Sellers.ByKind["enterprise"]),
			i(r.Products.Listed), i(r.Products.OCOPVerified), i(r.Products.ByStars[3]), i(r.Products.ByStars[4]), i(r.Products.ByStars[5]),
			i(r.Products.Registry), share(r.Products.OCOPCoverage, r.Products.Registry),
			i(r.Orders.Count), i(int64(r.Orders.GMV)), i(int64(r.Orders.Average)), i(r.Orders.Buyers), i(r.Orders.RepeatBuyers),
			i(r.Orders.OutsideRegion), i(r.Orders.Cancelled),
			i(r.Payments.ByMethod["cod"]), i(r.Payments.ByMethod["card"]), i(r.Payments.ByMethod["bank_transfer"]),
			share(r.Payments.CashlessShareByCount, r.Orders.Count), share(r.Payments.CashlessShareByValue, r.Orders.Count),
			share(r.SelfServiceShare, r.Products.Listed), median,
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// vnDate is the calendar date of t in Vietnam time, as 2026-01-31.
func vnDate(t time.Time) string { return t.In(market.VietnamTime).Format("2006-01-02") }
