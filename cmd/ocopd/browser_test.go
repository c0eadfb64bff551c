package main

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ocopmarket/market/httpserver/apitest"
)

// The browser tests drive headless Chromium at 360×740, the screen of a
// cheap Android phone, against ocopd started through run(). One browser
// serves the whole test binary; each test gets its own browser context
// (its own cookies) and tab.

// browserShared is the one Chromium of this test binary.
type browserShared struct {
	once   sync.Once
	ctx    context.Context
	cancel func()
	err    error
}

// theBrowser is started by the first browser test and stopped by TestMain.
var theBrowser browserShared

func TestMain(m *testing.M) {
	code := m.Run()
	if theBrowser.cancel != nil {
		theBrowser.cancel()
	}
	os.Exit(code)
}

// startBrowser launches Chromium once, with a fresh profile.
func startBrowser(path string) (context.Context, func(), error) {
	dir, err := os.MkdirTemp("", "ocop-chromium-")
	if err != nil {
		return nil, nil, err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(dir),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("lang", "vi-VN"),
		chromedp.Flag("accept-lang", "vi-VN,vi"),
		chromedp.WindowSize(360, 740),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	cancel := func() {
		cancelBrowser()
		cancelAlloc()
		os.RemoveAll(dir)
	}
	// The first Run starts the browser, which lives as long as the context
	// given to it: ctx, not a shorter one.
	if err := chromedp.Run(ctx); err != nil {
		cancel()
		return nil, nil, fmt.Errorf("starting Chromium at %s: %w", path, err)
	}
	return ctx, cancel, nil
}

// tab is one browser test's view of the site.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
	shot int
}

// newTab opens an isolated tab on the shared browser, or skips the test
// when no Chromium is configured (and fails when CI=true, where one must be).
func newTab(t *testing.T, base string) *tab {
	t.Helper()
	path := os.Getenv("OCOP_TEST_CHROMIUM")
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("OCOP_TEST_CHROMIUM is not set: CI must run the browser tests (scripts/test installs Chromium)")
		}
		t.Skip("browser test skipped: set OCOP_TEST_CHROMIUM to a Chromium binary (scripts/test does) to run it")
	}
	theBrowser.once.Do(func() {
		theBrowser.ctx, theBrowser.cancel, theBrowser.err = startBrowser(path)
	})
	if theBrowser.err != nil {
		t.Fatal(theBrowser.err)
	}
	ctx, cancel := chromedp.NewContext(theBrowser.ctx, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	tb := &tab{t: t, ctx: ctx, base: base}
	tb.run(chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulateTouch))
	return tb
}

func (b *tab) run(actions ...chromedp.Action) {
	b.t.Helper()
	if err := chromedp.Run(b.ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// open goes to a path of the site and waits for its content.
func (b *tab) open(path string) {
	b.t.Helper()
	b.run(chromedp.Navigate(b.base+path), chromedp.WaitReady("main", chromedp.ByQuery))
}

// fill types values into the fields named by CSS selectors.
func (b *tab) fill(pairs ...string) {
	b.t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		b.run(chromedp.SetValue(pairs[i], pairs[i+1], chromedp.ByQuery))
	}
}

// submit clicks a button and waits until the next page has loaded: the
// old document is gone and the new one is complete.
func (b *tab) submit(sel string) {
	b.t.Helper()
	b.run(chromedp.Evaluate(`window.__old = true`, nil))
	b.run(chromedp.Click(sel, chromedp.ByQuery, chromedp.NodeVisible))
	b.waitFor(`!window.__old && document.readyState === "complete"`)
}

// waitFor polls a JavaScript condition until it holds. While a page is
// being replaced the evaluation may fail; that only means "not yet".
func (b *tab) waitFor(cond string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var lastErr error
	for time.Now().Before(deadline) {
		var ok bool
		lastErr = chromedp.Run(b.ctx, chromedp.Evaluate(cond, &ok))
		if lastErr == nil && ok {
			return
		}
		if b.ctx.Err() != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("browser: waiting for %s: %v", cond, lastErr)
}

// text is what a person reads on the page (main content and notices).
func (b *tab) text() string {
	b.t.Helper()
	var s string
	b.run(chromedp.Evaluate(`document.body.innerText`, &s))
	return s
}

// sees asserts that the page shows every phrase.
func (b *tab) sees(phrases ...string) {
	b.t.Helper()
	txt := b.text()
	for _, p := range phrases {
		if !strings.Contains(txt, p) {
			b.t.Errorf("the page does not show %q; it shows:\n%s", p, txt)
		}
	}
}

// location is the path and query of the page shown.
func (b *tab) location() string {
	b.t.Helper()
	var s string
	b.run(chromedp.Location(&s))
	return strings.TrimPrefix(s, b.base)
}

// pageCheck is what a person on a slow phone notices about a page.
type pageCheck struct {
	ScrollWidth int      `json:"scrollWidth"`
	Width       int      `json:"width"`
	Bytes       int      `json:"bytes"`
	Small       []string `json:"small"`
	Unlabelled  []string `json:"unlabelled"`
	Lang        string   `json:"lang"`
}

// checkPage asserts that the page fits the 360-px screen, weighs at most
// 100 KB of HTML, CSS and JS (uncompressed, before photos), has touch
// targets of at least 44 px and labels on every field, then saves a
// screenshot under test-artifacts/.
func (b *tab) checkPage(name string) {
	b.t.Helper()
	var c pageCheck
	b.run(chromedp.Evaluate(`(() => {
	  const nav = performance.getEntriesByType("navigation")[0];
	  let bytes = nav ? nav.decodedBodySize : 0;
	  for (const r of performance.getEntriesByType("resource")) {
	    if (r.initiatorType === "img" || /\.(jpe?g|png|webp)(\?|$)/.test(r.name)) continue;
	    bytes += r.decodedBodySize;
	  }
	  const small = [], unlabelled = [];
	  const targets = document.querySelectorAll('button, select, textarea, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), a.btn, a.qbtn, .facet a, nav a, .choice');
	  for (const el of targets) {
	    const r = el.getBoundingClientRect();
	    if (r.width === 0 && r.height === 0) continue;
	    if (el.closest("[hidden]")) continue;
	    if (r.height < 44 || r.width < 44) small.push((el.outerHTML || "").slice(0, 100) + " " + Math.round(r.width) + "x" + Math.round(r.height));
	  }
	  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
	    const ok = (el.labels && el.labels.length) || el.getAttribute("aria-label") || el.closest("label");
	    if (!ok) unlabelled.push((el.outerHTML || "").slice(0, 100));
	  }
	  return {scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth, bytes, small, unlabelled, lang: document.documentElement.lang};
	})()`, &c))
	if c.ScrollWidth > c.Width {
		b.t.Errorf("%s: the page is %d px wide on a %d px screen", name, c.ScrollWidth, c.Width)
	}
	if c.Bytes > 100<<10 {
		b.t.Errorf("%s: HTML, CSS and JS weigh %d bytes, more than 100 KB", name, c.Bytes)
	}
	if c.Bytes == 0 {
		b.t.Errorf("%s: could not measure the page weight", name)
	}
	for _, s := range c.Small {
		b.t.Errorf("%s: touch target smaller than 44 px: %s", name, s)
	}
	for _, s := range c.Unlabelled {
		b.t.Errorf("%s: field without a label: %s", name, s)
	}
	b.screenshot(name)
}

// screenshot saves the whole page as test-artifacts/browser/TEST-NN-name.png.
func (b *tab) screenshot(name string) {
	b.t.Helper()
	var png []byte
	b.run(chromedp.FullScreenshot(&png, 100))
	dir := filepath.Join(moduleRoot(b.t), "test-artifacts", "browser")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	b.shot++
	file := fmt.Sprintf("%s-%02d-%s.png", safeName(b.t.Name()), b.shot, safeName(name))
	if err := os.WriteFile(filepath.Join(dir, file), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

var unsafeChars = regexp.MustCompile(`[^a-zA-Z0-9._-]+`)

func safeName(s string) string { return unsafeChars.ReplaceAllString(s, "_") }

func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

// TestBrowserSignUp: a grower opens the site on a phone, signs up with a
// phone number, lands on their account page, and switches to English.
func TestBrowserSignUp(t *testing.T) {
	srv := startServer(t, nil)
	b := newTab(t, srv.URL)

	b.open("/")
	b.sees("Đặc sản miền Tây", "Danh mục", "Thực phẩm", "Mở gian hàng")
	b.checkPage("home")

	b.open("/signup")
	b.sees("Đăng ký tài khoản", "Số điện thoại", "Mật khẩu")
	b.fill("#f-name", "Nguyễn Thị Út Hoa", "#f-phone", "0912 345 678", "#f-password", "short")
	b.submit("form.form button[type=submit]")
	b.sees("Dữ liệu chưa hợp lệ", "Mật khẩu cần ít nhất 8 ký tự.")
	b.checkPage("signup-error")

	b.fill("#f-password", "hoa-sung-2025")
	b.submit("form.form button[type=submit]")
	if loc := b.location(); loc != "/account" {
		t.Fatalf("after sign-up the browser is at %q, want /account", loc)
	}
	b.sees("Xin chào, Nguyễn Thị Út Hoa", "0912 345 678", "Chào mừng bạn đến Chợ OCOP", "Mở gian hàng")
	b.checkPage("account")

	b.submit("a.lang")
	b.sees("Hello, Nguyễn Thị Út Hoa", "Open a shop")
	var lang string
	b.run(chromedp.Evaluate(`document.documentElement.lang`, &lang))
	if lang != "en" {
		t.Errorf("html lang = %q after switching to English", lang)
	}
	b.open("/")
	b.sees("Categories", "Tiếng Việt")
}

// createAccount makes an account with `ocopd accounts create` before the
// server starts, as an operator would.
func createAccount(t *testing.T, env map[string]string, role, phone, name, region string) {
	t.Helper()
	args := []string{"accounts", "create", "--role", role, "--phone", phone, "--name", name, "--password-stdin"}
	if region != "" {
		args = append(args, "--region", region)
	}
	getenv := func(k string) string { return env[k] }
	if err := run(context.Background(), args, getenv, strings.NewReader("officials-pass\n"), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
}

// phonePhoto writes a 1600×1200 JPEG like one from a phone camera.
func phonePhoto(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
	for y := 0; y < 1200; y++ {
		for x := 0; x < 1600; x++ {
			img.Set(x, y, color.RGBA{R: uint8(200 + x%56), G: uint8(80 + y%120), B: uint8(120 + (x+y)%100), A: 255})
		}
	}
	path := filepath.Join(t.TempDir(), "hoa-sung.jpg")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBrowserSellerAndOfficial: a grower signs up, opens a shop, lists a
// product with a photo from the phone and corrects its stock; the commune
// official verifies the shop; then any buyer sees the product for sale.
func TestBrowserSellerAndOfficial(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"OCOP_DATA_DIR": dir, "OCOP_SQLITE_SYNCHRONOUS": "NORMAL", "OCOP_RATE_LIMITS": "off"}
	createAccount(t, env, "official", "0900000002", "Cán bộ Lan", "can-tho")
	srv := startServer(t, env)
	b := newTab(t, srv.URL)

	// The grower signs up from "Bán hàng cùng Chợ OCOP" and opens a shop.
	b.open("/seller")
	if loc := b.location(); !strings.HasPrefix(loc, "/signin") {
		t.Fatalf("/seller without an account went to %q, want the sign-in page", loc)
	}
	b.open("/signup?next=/seller/register")
	b.fill("#f-name", "Nguyễn Thị Út Hoa", "#f-phone", "0912345678", "#f-password", "hoa-sung-2025")
	b.submit("form.form button[type=submit]")
	if loc := b.location(); loc != "/seller/register" {
		t.Fatalf("after sign-up the browser is at %q, want /seller/register", loc)
	}
	b.sees("Mở gian hàng", "Tên gian hàng", "Hộ gia đình", "Xã, phường")
	b.fill("#f-name", "Hoa súng Út Hoa", "#f-regionId", "can-tho.thanh-xuan", "#f-address", "Ấp Thạnh Hòa")
	b.run(chromedp.Click(`input[name=kind][value=cooperative]`, chromedp.ByQuery))
	b.checkPage("register")
	b.submit("form.form button[type=submit]")
	if loc := b.location(); loc != "/seller" {
		t.Fatalf("after opening the shop the browser is at %q, want /seller\n%s", loc, b.text())
	}
	b.sees("Hoa súng Út Hoa", "Chờ xác minh", "Đăng sản phẩm", "Gian hàng đã được tạo")

	// "Đăng sản phẩm": photo, name, price, stock.
	b.submit(`a[href="/seller/products/new"]`)
	b.sees("Chụp ảnh, đặt tên, ghi giá")
	var accept string
	b.run(chromedp.AttributeValue("#f-image", "accept", &accept, nil, chromedp.ByQuery))
	if accept != "image/*" {
		t.Errorf("photo field accepts %q, want image/* so that phones offer the camera", accept)
	}
	b.run(chromedp.SetUploadFiles("#f-image", []string{phonePhoto(t)}, chromedp.ByQuery))
	b.fill("#f-name", "Hoa súng Lê Sánh", "#f-price", "25.000", "#f-unit", "bó", "#f-stock", "120", "#f-categoryId", "rau-cu")
	b.checkPage("new-product")
	b.submit("form[data-photos] button[type=submit]")
	if loc := b.location(); loc != "/seller" {
		t.Fatalf("after listing the browser is at %q, want /seller\n%s", loc, b.text())
	}
	// The shop awaits verification: its products are not yet on sale.
	b.sees("Đã đăng sản phẩm.", "Hoa súng Lê Sánh", "Bán khi gian hàng được xác minh")
	var thumbOK bool
	b.waitFor(`(() => { const i = document.querySelector(".plist img"); return !!i && i.complete && i.naturalWidth > 0; })()`)
	b.run(chromedp.Evaluate(`document.querySelector(".plist img").naturalWidth <= 400`, &thumbOK))
	if !thumbOK {
		t.Error("the product list does not show the photo as a thumbnail")
	}

	// Quick edit of the stock from the list.
	b.fill(".quick-edit input[name=stock]", "80")
	b.submit(".quick-edit button[type=submit]")
	b.sees("Đã lưu.")
	var stock string
	b.run(chromedp.Value(".quick-edit input[name=stock]", &stock, chromedp.ByQuery))
	if stock != "80" {
		t.Errorf("stock after the quick edit = %q, want 80", stock)
	}
	b.checkPage("seller-home")

	// The same page in English, for a helper who reads English better.
	b.submit("a.lang")
	b.sees("List a product", "See the shop as buyers do", "Awaiting verification", "Hoa súng Lê Sánh", "Save", "Tiếng Việt")
	b.checkPage("seller-home-en")
	b.submit("a.lang")
	b.sees("Đăng sản phẩm")
	var productPath string
	b.run(chromedp.AttributeValue(".plist a", "href", &productPath, nil, chromedp.ByQuery))
	productID := strings.TrimPrefix(productPath, "/seller/products/")

	// The shop is not public until an official verifies it.
	b.open("/p/" + productID)
	b.sees("Hoa súng Lê Sánh", "25.000 ₫", "chưa hiển thị với người mua")
	b.submit(`footer form button[type=submit]`) // sign out

	// The commune official verifies the shop from the queue.
	b.open("/signin")
	b.fill("#f-phone", "0900000002", "#f-password", "officials-pass")
	b.submit("form.form button[type=submit]")
	if loc := b.location(); loc != "/official" {
		t.Fatalf("after signing in the official is at %q, want the dashboard", loc)
	}
	b.sees("Thương mại điện tử: TP Cần Thơ", "Hồ sơ chờ xác minh", "1 gian hàng và 0 giấy chứng nhận OCOP đang chờ bạn xác minh.")
	b.submit(`a[href="/official/queue"]`)
	b.sees("Hồ sơ chờ xác minh", "Hoa súng Út Hoa", "Ấp Thạnh Hòa")
	b.checkPage("official-queue")
	b.submit(`.queue button[name=decision][value=verify]`)
	b.sees("Đã xác minh.", "Không có gian hàng nào chờ xác minh.")
	b.submit(`footer form button[type=submit]`)

	// Any buyer now finds the product for sale.
	b.open("/p/" + productID)
	b.sees("Hoa súng Lê Sánh", "25.000 ₫", "Còn 80 bó", "Thêm vào giỏ", "Hoa súng Út Hoa", "Xã Thạnh Xuân, TP Cần Thơ")
	b.checkPage("product")
	var og string
	b.run(chromedp.AttributeValue(`meta[property="og:image"]`, "content", &og, nil, chromedp.ByQuery))
	if !strings.Contains(og, "/media/products/"+productID+"/") {
		t.Errorf("og:image = %q, want the product's first photo", og)
	}
}

// TestBrowserBuyerCOD: a buyer on a phone finds a product, puts 20 bunches
// in the cart (the bulk price applies), orders as a guest paying cash on
// delivery, and then tracks the order by its code and phone; the seller
// sees it in the inbox and confirms it with one big button.
func TestBrowserBuyerCOD(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"OCOP_DATA_DIR": dir, "OCOP_SQLITE_SYNCHRONOUS": "NORMAL", "OCOP_RATE_LIMITS": "off"}
	createAccount(t, env, "official", "0900000002", "Cán bộ Lan", "can-tho")
	srv := startServer(t, env)

	// A verified cooperative with one product, set up through the API.
	c := apitest.New(t, srv.URL)
	expect(t, "seller signs up", c.Do("POST", "/api/v1/accounts", map[string]string{"phone": "0987111222", "password": "hoa-sung-2025", "name": "Lê Văn Sánh"}), 201)
	owner, _ := signIn(t, c, "0987111222", "hoa-sung-2025")
	official, _ := signIn(t, c, "0900000002", "officials-pass")
	var shop struct{ ID string }
	resp := c.As(owner).Do("POST", "/api/v1/sellers", map[string]any{"name": "HTX Hoa Súng Lê Sánh", "kind": "cooperative", "phone": "0987111222",
		"regionId": "can-tho.thanh-xuan", "address": "Ấp Thạnh Hòa", "shippingFeeVnd": 30000, "freeShippingOverVnd": 1000000})
	expect(t, "open shop", resp, 201)
	resp.JSON(t, &shop)
	expect(t, "verify shop", c.As(official).Do("POST", "/api/v1/sellers/"+shop.ID+"/verification", map[string]string{"decision": "verify", "note": "Đã kiểm tra"}), 200)
	var prod struct{ ID string }
	resp = c.As(owner).Do("POST", "/api/v1/products", map[string]any{"sellerId": shop.ID, "name": "Hoa súng Lê Sánh", "categoryId": "rau-cu", "unit": "bó",
		"priceVnd": 25000, "priceTiers": []map[string]int{{"minQty": 20, "priceVnd": 20000}}, "stock": 120, "regionId": "can-tho.thanh-xuan", "status": "active",
		"description": "Hoa súng hái sáng sớm, giòn ngọt."})
	expect(t, "list product", resp, 201)
	resp.JSON(t, &prod)

	// The syncer puts the product in the search index within a second or so.
	waitFound(t, c, "q=hoa+sung", "the product is searchable", func(r searchJSON) bool { return r.Total == 1 })

	b := newTab(t, srv.URL)
	b.open("/")
	b.sees("Mới lên chợ", "Hoa súng Lê Sánh", "25.000 ₫")
	// The buyer searches from the home page, typing without tone marks.
	b.fill("#q", "hoa sung")
	b.submit(`form.search button[type=submit]`)
	if loc := b.location(); loc != "/search?q=hoa+sung" {
		t.Fatalf("the search box led to %q", loc)
	}
	b.sees("Kết quả cho “hoa sung”", "1 sản phẩm", "Hoa súng Lê Sánh", "25.000 ₫", "HTX Hoa Súng Lê Sánh", "Thạnh Xuân, Cần Thơ")
	b.checkPage("search")
	b.submit(`.pcard a[href="/p/` + prod.ID + `"]`)
	b.sees("Hoa súng Lê Sánh", "25.000 ₫", "Từ 20 bó", "20.000 ₫", "HTX Hoa Súng Lê Sánh")
	b.fill("#f-qty", "20")
	b.submit(`form.qty button[type=submit]`)
	if loc := b.location(); loc != "/cart" {
		t.Fatalf("after adding to the cart the browser is at %q", loc)
	}
	// 20 × 20.000 = 400.000, plus 30.000 shipping.
	b.sees("Đã thêm vào giỏ hàng.", "400.000 ₫", "30.000 ₫", "430.000 ₫")
	b.checkPage("cart")
	b.submit(`a[href="/checkout"]`)
	b.sees("Người nhận", "Trả tiền mặt khi nhận hàng (COD)", "Đặt hàng · 430.000 ₫")
	b.fill("#f-name", "Trần Văn An", "#f-phone", "0912 345 678", "#f-regionId", "can-tho", "#f-address", "12 Trần Hưng Đạo, phường Ninh Kiều")
	b.checkPage("checkout")
	b.submit(`#checkout-form button[type=submit]`)
	b.sees("Đặt hàng thành công!", "CT-", "430.000 ₫", "Chuẩn bị 430.000 ₫ tiền mặt khi nhận hàng.", "Mới đặt")
	b.checkPage("confirmation")
	var code string
	b.run(chromedp.Text(".order .code", &code, chromedp.ByQuery))
	if code == "" {
		t.Fatal("no order code on the confirmation page")
	}

	// Going back and sending the form again makes no second order: the cart is empty.
	b.open("/cart")
	b.sees("Giỏ hàng đang trống.")

	// Tracking by code and phone, as a guest would from another phone.
	b.open("/orders/lookup")
	b.fill("#f-code", strings.ToLower(code), "#f-phone", "0912345678")
	b.submit(`main form button[type=submit]`)
	b.sees(code, "Mới đặt", "Hoa súng Lê Sánh", "430.000 ₫", "Tiền mặt khi nhận hàng")
	b.checkPage("lookup")
	b.fill("#f-phone", "0999999999")
	b.submit(`main form button[type=submit]`)
	if strings.Contains(b.text(), "430.000 ₫") {
		t.Error("an order shows for the wrong phone number")
	}

	// The seller confirms it from the inbox.
	b.open("/signin")
	b.fill("#f-phone", "0987111222", "#f-password", "hoa-sung-2025")
	b.submit("form.form button[type=submit]")
	b.open("/seller/orders")
	b.sees(code, "Trần Văn An", "Xác nhận đơn", "Hủy đơn")
	b.checkPage("inbox")
	b.submit(`button[name=to][value=confirmed]`)
	b.sees("Đã cập nhật đơn hàng.", "Đã gửi hàng")

	// Shipped without a tracking number: the order's form says what it
	// needs, by its field, and keeps what was typed.
	b.submit(`button[name=to][value=shipped]`)
	b.sees("Vui lòng nhập mã vận đơn.")
	b.fill(`input[name=trackingNumber]`, "GHN123456")
	b.submit(`button[name=to][value=shipped]`)
	b.sees("Đã cập nhật đơn hàng.")
}
