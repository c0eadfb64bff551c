package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/httpserver/apitest"
	"github.com/ocopmarket/market/sqlite/sqlitetest"
	"github.com/ocopmarket/market/uptake/uptaketest"
)

// TestBrowserBuyerVietQR: a buyer on a phone orders two bunches paying by
// bank transfer, and sees the VietQR code, the amount and the transfer
// note, each with a copy button that puts it on the clipboard.
func TestBrowserBuyerVietQR(t *testing.T) {
	sh := openShop(t, map[string]string{"OCOP_RATE_LIMITS": "off"}, 30)
	b := newTab(t, sh.srv.URL)
	b.run(browser.GrantPermissions([]browser.PermissionType{browser.PermissionTypeClipboardReadWrite, browser.PermissionTypeClipboardSanitizedWrite}).
		WithOrigin(sh.srv.URL).WithBrowserContextID(chromedp.FromContext(b.ctx).BrowserContextID))

	b.open("/p/" + sh.product)
	b.fill("#f-qty", "2")
	b.submit(`form.qty button[type=submit]`)
	b.submit(`a[href="/checkout"]`)
	b.fill("#f-name", "Trần Văn An", "#f-phone", "0912 345 678", "#f-regionId", "ho-chi-minh", "#f-address", "12 Lê Lợi, phường Bến Thành")
	b.run(chromedp.Click(`input[name=method][value=bank_transfer]`, chromedp.ByQuery))
	b.submit(`#checkout-form button[type=submit]`)

	// 2 × 25.000 + 30.000 shipping.
	b.sees("Đặt hàng thành công!", "Chuyển khoản bằng VietQR", "80.000 ₫", "Nội dung chuyển khoản", "Vietcombank", "0011004455667", "LE THI SANH",
		"Thanh toán:", "Chờ chuyển khoản", "Chờ thanh toán")
	b.waitFor(`(() => { const i = document.querySelector("img.vietqr"); return !!i && i.complete && i.naturalWidth >= 200; })()`)
	var qrVisible bool
	b.run(chromedp.Evaluate(`(() => { const r = document.querySelector("img.vietqr").getBoundingClientRect(); return r.width >= 200 && r.height >= 200 && r.right <= window.innerWidth; })()`, &qrVisible))
	if !qrVisible {
		t.Error("the VietQR code is not shown whole on the screen")
	}
	var ref string
	b.run(chromedp.Text(".vietqr ~ .copy b.code", &ref, chromedp.ByQuery))
	if ref == "" {
		t.Fatal("no transfer note on the page")
	}
	b.checkPage("vietqr")

	// The copy buttons show (the page is a secure context) and copy.
	for _, c := range []struct{ value, what string }{{"80000", "amount"}, {ref, "transfer note"}} {
		sel := fmt.Sprintf(`button[data-copy=%q]`, c.value)
		var hidden bool
		b.run(chromedp.Evaluate(fmt.Sprintf(`document.querySelector(%q).hidden`, sel), &hidden))
		if hidden {
			t.Fatalf("the copy button of the %s is hidden", c.what)
		}
		b.run(chromedp.Click(sel, chromedp.ByQuery))
		b.waitFor(fmt.Sprintf(`document.querySelector(%q).textContent.includes("Đã sao chép")`, sel))
		var got string
		b.run(chromedp.Evaluate(`navigator.clipboard.readText()`, &got, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
		if got != c.value {
			t.Errorf("copying the %s put %q on the clipboard, want %q", c.what, got, c.value)
		}
	}

	// The refresh link shows the same page with the current status.
	b.submit(`a.btn[href^="/checkout/"]`)
	b.sees("Chờ chuyển khoản", ref)
}

// TestBrowserOfficialDashboard: a Cần Thơ official signs in on a phone,
// picks January 2026 without script, and sees the figures the JSON API
// gives for that month, the monthly charts and the table by commune; then
// opens a commune and reads the page in English.
func TestBrowserOfficialDashboard(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"OCOP_DATA_DIR": dir, "OCOP_SQLITE_SYNCHRONOUS": "NORMAL", "OCOP_RATE_LIMITS": "off"}
	createAccount(t, env, "official", "0920000002", "Cán bộ Lan", "can-tho")
	srv := startServer(t, env)
	if err := sqlitetest.SeedUptake(context.Background(), filepath.Join(dir, "ocop.db"), uptaketest.Fixed()); err != nil {
		t.Fatal(err)
	}
	c := apitest.New(t, srv.URL)
	token, _ := signIn(t, c, "0920000002", "officials-pass")
	var sum struct {
		Sellers struct{ Total, Verified int64 }
		Orders  struct {
			Count     int64
			GMV       market.VND `json:"gmvVnd"`
			Cancelled int64
		}
		Payments struct{ CashlessShareByValue float64 }
	}
	c.As(token).Do("GET", "/api/v1/uptake/summary?regionId=can-tho&from=2026-01-01&to=2026-01-31", nil).JSON(t, &sum)

	b := newTab(t, srv.URL)
	b.open("/official")
	if loc := b.location(); !strings.HasPrefix(loc, "/signin") {
		t.Fatalf("/official signed out went to %q", loc)
	}
	b.fill("#f-phone", "0920000002", "#f-password", "officials-pass")
	b.submit("form.form button[type=submit]")
	if loc := b.location(); loc != "/official" {
		t.Fatalf("after sign-in the official is at %q, want the dashboard", loc)
	}
	b.sees("Thương mại điện tử: TP Cần Thơ", "Người bán", "Diễn biến 12 tháng", "Theo xã, phường")

	b.fill("#f-month", "2026-01")
	b.submit(`form[action="/official"] button[type=submit]`)
	if loc := b.location(); !strings.Contains(loc, "month=2026-01") {
		t.Fatalf("the month picker went to %q", loc)
	}
	txt := b.text()
	for _, want := range []string{
		fmt.Sprintf("%d\nngười bán đã đăng ký", sum.Sellers.Total),
		fmt.Sprintf("%d\nngười bán đã xác minh", sum.Sellers.Verified),
		fmt.Sprintf("%d\nđơn hàng", sum.Orders.Count),
		sum.Orders.GMV.String() + "\ndoanh số",
		fmt.Sprintf("%d\nđơn bị hủy", sum.Orders.Cancelled),
		pctText(sum.Payments.CashlessShareByValue) + "\ngiá trị thanh toán không tiền mặt",
		"Xã Thạnh Xuân", "Phường Ninh Kiều", "Toàn địa bàn",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("the January dashboard does not show %q; it shows:\n%s", want, txt)
		}
	}
	var charts []string
	b.run(chromedp.Evaluate(`Array.from(document.querySelectorAll("svg.chart[role=img]")).filter(s => s.getBoundingClientRect().width > 300).map(s => s.getAttribute("aria-label"))`, &charts))
	if len(charts) != 4 || !strings.Contains(charts[0], fmt.Sprintf("01/2026: %d", sum.Orders.Count)) || !strings.Contains(charts[1], "01/2026: "+sum.Orders.GMV.String()) {
		t.Errorf("charts: %q", charts)
	}
	b.checkPage("dashboard")

	b.submit(`table.regions a[href*="can-tho.thanh-xuan"]`)
	b.sees("Thương mại điện tử: Xã Thạnh Xuân, TP Cần Thơ", "TP Cần Thơ")
	b.submit("a.lang")
	b.sees("E-commerce uptake: Xã Thạnh Xuân, TP Cần Thơ", "Sellers", "Orders in the month", "The last 12 months", "Download the figures (CSV)", "Upload the list")
	var lang string
	b.run(chromedp.Evaluate(`document.documentElement.lang`, &lang))
	if lang != "en" {
		t.Errorf("html lang = %q after switching to English", lang)
	}
	b.checkPage("dashboard-en")
}
