package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/uptake/uptaketest"
)

// webUser is a browser without a browser: cookies, CSRF tokens, forms.
type webUser struct {
	t    *testing.T
	base string
	http *http.Client
}

func newWebUser(t *testing.T, base string) *webUser {
	jar, _ := cookiejar.New(nil)
	return &webUser{t: t, base: base, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type webPage struct {
	status int
	header http.Header
	body   string
}

func (u *webUser) send(req *http.Request) webPage {
	u.t.Helper()
	req.Header.Set("Accept", "text/html")
	resp, err := u.http.Do(req)
	if err != nil {
		u.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return webPage{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func (u *webUser) get(path string) webPage {
	u.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u.base+path, nil)
	return u.send(req)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the token of the form on the page at path.
func (u *webUser) csrf(path string) string {
	u.t.Helper()
	m := csrfRE.FindStringSubmatch(u.get(path).body)
	if m == nil {
		u.t.Fatalf("no CSRF token on %s", path)
	}
	return m[1]
}

func (u *webUser) signIn(phone, password string) {
	u.t.Helper()
	form := url.Values{"phone": {phone}, "password": {password}, "csrf": {u.csrf("/signin")}}
	req, _ := http.NewRequest(http.MethodPost, u.base+"/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if p := u.send(req); p.status != http.StatusSeeOther {
		u.t.Fatalf("sign in %s: %d", phone, p.status)
	}
}

// upload posts a file in a multipart form, as the registry form does.
func (u *webUser) upload(formPage, path string, fields map[string]string, fileField, fileName, content string) webPage {
	u.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf", u.csrf(formPage))
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile(fileField, fileName)
	_, _ = io.WriteString(fw, content)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, u.base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return u.send(req)
}

// kpiHTML is how a figure card shows a value and its label.
func kpiHTML(value, label string) string {
	return "<b>" + value + "</b><span>" + label + "</span>"
}

func pctText(f float64) string { return fmt.Sprintf("%d%%", int(math.Round(f*100))) }

// TestWebOfficialDashboard: a Cần Thơ official signs in on the web and
// sees the same January figures as the JSON API gives, the charts, the
// table by commune; downloads the CSV; uploads the OCOP registry and sees
// the refused line; cannot look at another province.
func TestWebOfficialDashboard(t *testing.T) {
	c, _, province, _, _ := uptakeServer(t)
	u := newWebUser(t, c.BaseURL)

	if p := u.get("/official"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/signin") {
		t.Fatalf("/official signed out: %d to %q", p.status, p.header.Get("Location"))
	}
	u.signIn("0920000002", "officials-pass")
	if p := u.get("/official"); p.status != 200 || !strings.Contains(p.body, "Thương mại điện tử: TP Cần Thơ") {
		t.Fatalf("default dashboard: %d %.300s", p.status, p.body)
	}

	// The registry, uploaded from the page: six good lines of seven.
	p := u.upload("/official?month=2026-01", "/official/registry", map[string]string{"regionId": "can-tho", "month": "2026-01"},
		"registry", "ocop-can-tho.csv", uptaketest.RegistryCSV)
	if p.status != 200 {
		t.Fatalf("registry upload: %d %.300s", p.status, p.body)
	}
	for _, want := range []string{"Đã nhập 6 giấy chứng nhận.", "1 dòng không nhập được", "Dòng 8:", "Danh sách hiện có 6 giấy chứng nhận."} {
		if !strings.Contains(p.body, want) {
			t.Errorf("after the upload the page does not show %q", want)
		}
	}
	if p := u.upload("/official", "/official/registry", map[string]string{"regionId": "can-tho"}, "registry", "empty.csv", ""); p.status != 400 || !strings.Contains(p.body, `role="alert"`) {
		t.Errorf("empty registry file: %d", p.status)
	}

	// The page's figures are the API's.
	resp := c.As(province).Do("GET", "/api/v1/uptake/summary?regionId=can-tho&from=2026-01-01&to=2026-01-31", nil)
	var sum struct {
		Sellers  struct{ Total, Verified, Active30d int64 }
		Products struct {
			Listed, OCOPVerified int64
			OCOPCoverage         float64
		}
		Orders struct {
			Count, Buyers, RepeatBuyers, OutsideRegion, Cancelled int64
			GMV                                                   market.VND `json:"gmvVnd"`
			Average                                               market.VND `json:"averageVnd"`
		}
		Payments          struct{ CashlessShareByCount, CashlessShareByValue float64 }
		SelfServiceShare  float64
		MedianHoursToShip float64
	}
	resp.JSON(t, &sum)
	if sum.Orders.Count == 0 || sum.Products.OCOPCoverage == 0 {
		t.Fatalf("the API has no January figures to compare: %s", resp.Body)
	}
	dash := u.get("/official?month=2026-01")
	if dash.status != 200 {
		t.Fatalf("January dashboard: %d", dash.status)
	}
	n := func(v int64) string { return fmt.Sprint(v) }
	for _, want := range []string{
		kpiHTML(n(sum.Sellers.Total), "người bán đã đăng ký"),
		kpiHTML(n(sum.Sellers.Verified), "người bán đã xác minh"),
		kpiHTML(n(sum.Products.Listed), "sản phẩm đang bán"),
		kpiHTML(n(sum.Products.OCOPVerified), "sản phẩm OCOP online"),
		kpiHTML(pctText(sum.Products.OCOPCoverage), "sản phẩm OCOP của địa bàn đã lên sàn"),
		kpiHTML(n(sum.Orders.Count), "đơn hàng"),
		`<b title="` + sum.Orders.GMV.String() + `">` + sum.Orders.GMV.String() + `</b><span>doanh số</span>`,
		`<b title="` + sum.Orders.Average.String() + `">` + sum.Orders.Average.String() + `</b><span>giá trị trung bình mỗi đơn</span>`,
		kpiHTML(n(sum.Orders.Buyers), "người mua"),
		kpiHTML(n(sum.Orders.OutsideRegion), "đơn giao ra ngoài địa bàn"),
		kpiHTML(n(sum.Orders.Cancelled), "đơn bị hủy"),
		kpiHTML(pctText(sum.Payments.CashlessShareByCount), "đơn thanh toán không tiền mặt"),
		kpiHTML(pctText(sum.Payments.CashlessShareByValue), "giá trị thanh toán không tiền mặt"),
		kpiHTML(pctText(sum.SelfServiceShare), "sản phẩm do người bán tự đăng"),
		kpiHTML(strings.Replace(fmt.Sprint(sum.MedianHoursToShip), ".", ",", 1)+" giờ", "trung vị thời gian đến khi gửi hàng"),
		`<option value="2026-01" selected>01/2026</option>`,
		`aria-label="Đơn hàng theo tháng.`, "01/2026: " + n(sum.Orders.Count),
		`aria-label="Doanh số theo tháng.`, "01/2026: " + sum.Orders.GMV.String(),
		`<a href="/official?month=2026-01&amp;regionId=can-tho.thanh-xuan">Xã Thạnh Xuân</a>`,
		`/official/export.csv?month=2026-01&amp;regionId=can-tho`,
	} {
		if !strings.Contains(dash.body, want) {
			t.Errorf("the January dashboard does not show %q", want)
		}
	}

	// The CSV: the region's row first, then one per commune, as the API's.
	csvPage := u.get("/official/export.csv?month=2026-01&regionId=can-tho")
	if csvPage.status != 200 || csvPage.header.Get("Content-Disposition") != `attachment; filename="so-lieu-can-tho-2026-01.csv"` {
		t.Fatalf("export: %d %v", csvPage.status, csvPage.header)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvPage.body, "\uFEFF"))).ReadAll()
	if err != nil || len(recs) != 1+1+103 || recs[1][0] != "can-tho" || recs[1][18] != n(sum.Orders.Count) {
		t.Fatalf("export CSV: %v, %d records, first row %v", err, len(recs), recs[1])
	}
	api := c.As(province).Do("GET", "/api/v1/uptake/export.csv?parentId=can-tho&from=2026-01-01&to=2026-01-31", nil)
	apiRecs, _ := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(api.Body, []byte("\uFEFF")))).ReadAll()
	if fmt.Sprint(apiRecs[1:]) != fmt.Sprint(recs[2:]) {
		t.Error("the page's CSV rows of the communes differ from the API's")
	}

	// A commune's own dashboard, reached from the table, links back up.
	tx := u.get("/official?month=2026-01&regionId=can-tho.thanh-xuan")
	if tx.status != 200 || !strings.Contains(tx.body, "Xã Thạnh Xuân, TP Cần Thơ") || !strings.Contains(tx.body, `href="/official?month=2026-01&amp;regionId=can-tho"`) {
		t.Errorf("Thạnh Xuân dashboard: %d", tx.status)
	}

	// The queue, reached from the dashboard: the shop and the certificate
	// waiting in Cần Thơ; verifying the certificate empties that list.
	if !strings.Contains(dash.body, "1 gian hàng và 1 giấy chứng nhận OCOP đang chờ bạn xác minh.") {
		t.Error("the dashboard does not count what waits in the queue")
	}
	queue := u.get("/official/queue")
	for _, want := range []string{"Giấy chứng nhận OCOP (1)", "Sản phẩm p4", "Số CT-003", `action="/official/products/p4/ocop"`} {
		if !strings.Contains(queue.body, want) {
			t.Errorf("the queue does not show %q", want)
		}
	}
	if p := u.postForm("/official/queue", "/official/products/p4/ocop", url.Values{"decision": {"verify"}}); p.status != http.StatusSeeOther {
		t.Fatalf("verify the certificate: %d %.300s", p.status, p.body)
	}
	if q := u.get("/official/queue"); !strings.Contains(q.body, "Giấy chứng nhận OCOP (0)") {
		t.Error("the verified certificate is still in the queue")
	}

	// Scope: another province, a bad month, a buyer.
	if p := u.get("/official?regionId=an-giang"); p.status != 403 {
		t.Errorf("Cần Thơ official on An Giang: %d", p.status)
	}
	if p := u.get("/official/export.csv?regionId=an-giang"); p.status != 403 {
		t.Errorf("Cần Thơ official exporting An Giang: %d", p.status)
	}
	if p := u.get("/official?month=2026-13"); p.status != 400 || !strings.Contains(p.body, "Tháng không hợp lệ.") {
		t.Errorf("bad month: %d", p.status)
	}
	buyer := newWebUser(t, c.BaseURL)
	buyer.signIn("0920000009", "buyer-pass-1")
	if p := buyer.get("/official"); p.status != 403 {
		t.Errorf("a buyer on the dashboard: %d", p.status)
	}
	if p := buyer.get("/official/export.csv"); p.status != 403 {
		t.Errorf("a buyer exporting: %d", p.status)
	}
}
