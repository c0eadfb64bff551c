package httpserver

import (
	"bytes"
	"context"
	"flag"
	"html/template"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/accounts"
	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/sellers"
	"github.com/ocopmarket/market/sqlite"
)

func init() {
	// Other tests of the package may define -update too; one flag serves all.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata/")
	}
}

func updateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// webEnv is a server over a real SQLite store, with a browser-like client
// that keeps cookies and does not follow redirects.
type webEnv struct {
	t        *testing.T
	srv      *Server
	ts       *httptest.Server
	accounts *accounts.Service
	client   *http.Client
}

func newWebEnv(t *testing.T) *webEnv {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "ocop.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	acc := accounts.NewService(db.Accounts(), accounts.Options{Hash: accounts.HashParams{Time: 1, MemoryKiB: 8 * 1024, Threads: 1}})
	srv, err := New(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{BaseURL: "http://example.test", RateLimits: true}, Deps{Accounts: acc})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &webEnv{t: t, srv: srv, ts: ts, accounts: acc, client: newBrowserClient()}
}

func newBrowserClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type webResp struct {
	status int
	header http.Header
	body   string
}

func (e *webEnv) do(method, path string, form url.Values, headers ...string) webResp {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, e.ts.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return webResp{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func (e *webEnv) get(path string) webResp { return e.do(http.MethodGet, path, nil) }

var csrfInputRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// post sends a form from the page at formPage, with that page's CSRF token.
func (e *webEnv) post(formPage, path string, form url.Values) webResp {
	e.t.Helper()
	page := e.get(formPage)
	m := csrfInputRE.FindStringSubmatch(page.body)
	if m == nil {
		e.t.Fatalf("GET %s: no CSRF field in the page", formPage)
	}
	form.Set("csrf", m[1])
	return e.do(http.MethodPost, path, form)
}

func (e *webEnv) cookie(name string) *http.Cookie {
	u, _ := url.Parse(e.ts.URL)
	for _, c := range e.client.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s does not contain %q", what, w)
		}
	}
}

func TestWebSignUpSignInSignOut(t *testing.T) {
	e := newWebEnv(t)

	page := e.get("/signup")
	if page.status != http.StatusOK {
		t.Fatalf("GET /signup: %d", page.status)
	}
	mustContain(t, "sign-up page", page.body, `<html lang="vi">`, "Đăng ký tài khoản", `<label for="f-phone">Số điện thoại`)
	csp := page.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q: want own scripts only", csp)
	}

	// Field errors come back in the form, with what was typed.
	bad := e.post("/signup", "/signup", url.Values{"name": {"Út Hoa"}, "phone": {"12"}, "password": {"short"}})
	if bad.status != http.StatusBadRequest {
		t.Fatalf("bad sign-up: status %d", bad.status)
	}
	mustContain(t, "failed sign-up", bad.body, `role="alert"`, `value="Út Hoa"`, `aria-invalid="true"`, `id="e-password"`)

	ok := e.post("/signup", "/signup", url.Values{"name": {"Nguyễn Thị Út Hoa"}, "phone": {"0912345678"}, "password": {"hoa-sung-2025"}})
	if ok.status != http.StatusSeeOther || ok.header.Get("Location") != "/account" {
		t.Fatalf("sign-up: %d to %q\n%s", ok.status, ok.header.Get("Location"), ok.body)
	}
	var sess *http.Cookie
	for _, c := range (&http.Response{Header: ok.header}).Cookies() {
		if c.Name == sessionCookie {
			sess = c
		}
	}
	if sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.MaxAge < 24*3600 {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, lasting the session", sess)
	}
	acct := e.get("/account")
	mustContain(t, "account page", acct.body, "Xin chào, Nguyễn Thị Út Hoa", "0912 345 678", "Chào mừng bạn đến Chợ OCOP")
	if again := e.get("/account"); strings.Contains(again.body, "Chào mừng bạn") {
		t.Error("the welcome notice shows twice")
	}

	// The cookie is for the pages only: the JSON API wants a bearer token,
	// so that no other site can make a browser call it.
	api := e.do(http.MethodGet, "/api/v1/me", nil, "Accept", "application/json")
	if api.status != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/me with only the cookie: %d, want 401", api.status)
	}
	if _, err := e.accounts.Authenticate(context.Background(), e.cookie(sessionCookie).Value); err != nil {
		t.Errorf("the cookie does not carry an API session token: %v", err)
	}

	// Sign out ends the session on the server too.
	token := e.cookie(sessionCookie).Value
	out := e.post("/account", "/signout", url.Values{})
	if out.status != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", out.status)
	}
	if _, err := e.accounts.Authenticate(context.Background(), token); !market.IsCode(err, market.Unauthorized) {
		t.Errorf("token after sign-out: %v, want unauthorized", err)
	}
	if r := e.get("/account"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/signin?next=%2Faccount") {
		t.Errorf("account after sign-out: %d to %q, want the sign-in page", r.status, r.header.Get("Location"))
	}

	// Sign in again, with a wrong password first; then back to where we were.
	wrong := e.post("/signin", "/signin", url.Values{"phone": {"0912 345 678"}, "password": {"wrong-password"}})
	if wrong.status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", wrong.status)
	}
	mustContain(t, "failed sign-in", wrong.body, "Số điện thoại hoặc mật khẩu không đúng.", `value="0912 345 678"`)
	in := e.post("/signin?next=/account", "/signin", url.Values{"phone": {"+84912345678"}, "password": {"hoa-sung-2025"}, "next": {"/account"}})
	if in.status != http.StatusSeeOther || in.header.Get("Location") != "/account" {
		t.Fatalf("sign-in: %d to %q", in.status, in.header.Get("Location"))
	}
	if r := e.get("/account"); !strings.Contains(r.body, "Đăng nhập thành công.") {
		t.Error("no signed-in notice")
	}
}

func TestWebCSRF(t *testing.T) {
	e := newWebEnv(t)
	e.get("/signup") // gets the CSRF cookie
	form := url.Values{"name": {"Trần Văn Ba"}, "phone": {"0987654321"}, "password": {"ba-khia-ca-mau"}}

	cases := []struct {
		name    string
		token   string
		headers []string
	}{
		{"no token", "", nil},
		{"wrong token", strings.Repeat("x", 32), nil},
		{"another site", "", []string{"Origin", "https://evil.example"}},
		{"cross-site fetch", "", []string{"Sec-Fetch-Site", "cross-site"}},
	}
	good := csrfInputRE.FindStringSubmatch(e.get("/signup").body)[1]
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			tok := c.token
			if tok == "" && c.headers != nil {
				tok = good // the right token does not help from another site
			}
			if tok != "" {
				f.Set("csrf", tok)
			}
			r := e.do(http.MethodPost, "/signup", f, c.headers...)
			if r.status != http.StatusForbidden {
				t.Fatalf("status %d, want 403", r.status)
			}
			mustContain(t, "refusal", r.body, "Biểu mẫu đã hết hạn")
		})
	}
	if _, _, _, err := e.accounts.SignIn(context.Background(), "0987654321", "ba-khia-ca-mau"); err == nil {
		t.Error("a refused form still created the account")
	}

	// The JSON API keeps working with bearer tokens and no CSRF token.
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/api/v1/accounts", strings.NewReader(`{"phone":"0987654321","password":"ba-khia-ca-mau","name":"Trần Văn Ba"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("API sign-up: %d, want 201", resp.StatusCode)
	}
}

func TestWebLanguageSwitch(t *testing.T) {
	e := newWebEnv(t)
	cases := []struct{ next, want string }{
		{"/signin", "/signin"},
		{"/search?q=xo%C3%A0i", "/search?q=xo%C3%A0i"},
		{"//evil.example/x", "/"},
		{"https://evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"", "/"},
	}
	for _, c := range cases {
		r := e.get("/lang/en" + webQuery("next", c.next))
		if r.status != http.StatusSeeOther || r.header.Get("Location") != c.want {
			t.Errorf("next=%q: %d to %q, want %q", c.next, r.status, r.header.Get("Location"), c.want)
		}
	}
	// A refused form's page switches to the page the form was on, never
	// to the address it was posted to (which may take no GET).
	e.get("/signup")
	tok := csrfInputRE.FindStringSubmatch(e.get("/signup").body)[1]
	bad := url.Values{"csrf": {tok}, "name": {""}, "phone": {"12"}, "password": {"x"}}
	for _, c := range []struct {
		referer, next string
	}{
		{e.ts.URL + "/signup?from=shop", "/signup?from=shop"},
		{"https://evil.example/x", "/"},
		{"", "/"},
	} {
		var headers []string
		if c.referer != "" {
			headers = []string{"Referer", c.referer}
		}
		r := e.do(http.MethodPost, "/signup", bad, headers...)
		if want := `href="/lang/vi` + template.HTMLEscapeString(webQuery("next", c.next)) + `"`; !strings.Contains(r.body, want) {
			t.Errorf("refused form from %q: no %s in the page (%d)", c.referer, want, r.status)
		}
	}
	home := e.get("/")
	mustContain(t, "English home page", home.body, `<html lang="en">`, "Categories", "Tiếng Việt")
	e.get("/lang/vi")
	mustContain(t, "Vietnamese home page", e.get("/").body, `<html lang="vi">`, "Danh mục", "English")
}

func TestWebNotFoundAndStatic(t *testing.T) {
	e := newWebEnv(t)
	r := e.get("/no/such/page")
	if r.status != http.StatusNotFound || !strings.Contains(r.body, "Không tìm thấy trang") {
		t.Errorf("unknown page: %d %.200s", r.status, r.body)
	}
	api := e.do(http.MethodGet, "/api/v1/nothing", nil, "Accept", "application/json")
	if api.status != http.StatusNotFound || !strings.HasPrefix(api.header.Get("Content-Type"), "application/json") {
		t.Errorf("unknown API path: %d %s", api.status, api.header.Get("Content-Type"))
	}
	css := e.get(e.srv.web.assets["app.css"])
	if css.status != http.StatusOK || !strings.HasPrefix(css.header.Get("Content-Type"), "text/css") || !strings.Contains(css.header.Get("Cache-Control"), "immutable") {
		t.Errorf("versioned CSS: %d %s %s", css.status, css.header.Get("Content-Type"), css.header.Get("Cache-Control"))
	}
}

// TestWebPageWeight keeps every page light for a slow 3G phone: HTML, CSS
// and JS together under 100 KB before photos.
func TestWebPageWeight(t *testing.T) {
	e := newWebEnv(t)
	assets := 0
	for _, name := range []string{"app.css", "app.js", "icon.svg"} {
		assets += len(e.srv.web.static[name].body)
	}
	for _, path := range []string{"/", "/signin", "/signup"} {
		r := e.get(path)
		if total := len(r.body) + assets; total > 100<<10 {
			t.Errorf("%s weighs %d bytes with its CSS and JS, more than 100 KB", path, total)
		}
	}
}

func TestParseWebFailsFast(t *testing.T) {
	good := fstest.MapFS{}
	for _, name := range append(append([]string{}, sharedTemplates...), pageFiles()...) {
		b, err := templateFiles.ReadFile("templates/" + name)
		if err != nil {
			t.Fatal(err)
		}
		good[name] = &fstest.MapFile{Data: b}
	}
	static := fstest.MapFS{"app.css": {Data: []byte("body{}")}}
	if _, err := parseWeb(Config{}, good, static); err != nil {
		t.Fatalf("the real templates: %v", err)
	}
	cases := []struct {
		name   string
		change func(fstest.MapFS)
		want   string
	}{
		{"missing page", func(m fstest.MapFS) { delete(m, "signin.html") }, "signin.html is missing"},
		{"missing layout", func(m fstest.MapFS) { delete(m, "layout.html") }, "layout.html is missing"},
		{"broken syntax", func(m fstest.MapFS) {
			m["home.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}{{if}}{{end}}`)}
		}, "home.html"},
		{"unknown message", func(m fstest.MapFS) {
			m["error.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}{{t "no.such.key"}}{{end}}`)}
		}, `no message "no.such.key"`},
		{"no content", func(m fstest.MapFS) { m["account.html"] = &fstest.MapFile{Data: []byte(`hello`)} }, `defines no "content"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := fstest.MapFS{}
			for k, v := range good {
				m[k] = v
			}
			c.change(m)
			_, err := parseWeb(Config{}, m, static)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, c.want)
			}
		})
	}
}

func pageFiles() []string {
	var out []string
	for _, n := range webPageNames {
		out = append(out, n+".html")
	}
	return out
}

// TestWebMessagesUsedFromGo checks the keys Go code passes to tr and as
// notices, which the template scan does not see.
func TestWebMessagesUsedFromGo(t *testing.T) {
	msgs := webMessages()
	files, _ := filepath.Glob("web*.go")
	re := regexp.MustCompile(`(?:tr\([a-zA-Z.]+, |newPage\(r, |redirectWithFlash\(w, r, [^,]+, )"([a-z0-9_.]+)"`)
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if strings.HasSuffix(m[1], ".") {
				continue // a family of keys, checked below
			}
			n++
			if _, ok := msgs[m[1]]; !ok {
				t.Errorf("%s uses message %q, which the table lacks", f, m[1])
			}
		}
	}
	if n < 8 {
		t.Errorf("found only %d message uses in Go code: the pattern is stale", n)
	}
	families := map[string][]string{
		"kind.":          {string(sellers.KindHousehold), string(sellers.KindCooperative), string(sellers.KindEnterprise)},
		"seller.status.": {string(sellers.StatusPending), string(sellers.StatusVerified), string(sellers.StatusRejected), string(sellers.StatusSuspended)},
		"listing.":       {string(catalog.StatusDraft), string(catalog.StatusActive), string(catalog.StatusPaused), string(catalog.StatusArchived)},
	}
	for prefix, values := range families {
		for _, v := range values {
			if _, ok := msgs[prefix+v]; !ok {
				t.Errorf("no message %q", prefix+v)
			}
		}
	}
}

// goldenPage renders one page with fixed data and compares it with
// testdata/web/NAME.html.
type goldenPage struct {
	file string
	page string
	lang string
	data any
	edit func(p *page)
}

func TestWebPagesGolden(t *testing.T) {
	srv, err := New(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{BaseURL: "https://choocop.vn"}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	since := time.Date(2025, 9, 5, 20, 30, 0, 0, time.UTC) // 6 Sept in Vietnam
	seller := market.Actor{AccountID: "acc1", Name: "Út Hoa", Roles: []market.Role{market.RoleBuyer, market.RoleSeller}}
	cases := []goldenPage{
		{file: "home.vi", page: "home", lang: "vi", data: srv.homeData("vi", samplePicks())},
		{file: "home.en", page: "home", lang: "en", data: srv.homeData("en", samplePicks())},
		{file: "signin", page: "signin", lang: "vi", edit: func(p *page) { p.Title = "Đăng nhập"; p.Form.Set("next", "/seller") }},
		{file: "signin.error", page: "signin", lang: "vi", edit: func(p *page) {
			p.Form.Set("phone", "0912345678")
			p.formError(accounts.ErrBadCredentials)
		}},
		{file: "signup.error", page: "signup", lang: "en", edit: func(p *page) {
			p.Form.Set("name", "<b>Hoa</b>")
			p.formError(market.Errorf(market.Invalid, "Dữ liệu chưa hợp lệ.", "Some fields are not valid.").WithField("password", "quá ngắn", "too short"))
		}},
		{file: "account", page: "account", lang: "vi", data: accountPage{Name: "Út Hoa", Phone: "0912 345 678", Since: since}, edit: func(p *page) {
			p.Actor = market.Actor{AccountID: "acc1", Name: "Út Hoa", Roles: []market.Role{market.RoleBuyer}}
			p.Flash = "Đăng nhập thành công."
		}},
		{file: "account.seller", page: "account", lang: "vi", data: accountPage{Name: "Út Hoa", Phone: "0912 345 678", Since: since}, edit: func(p *page) { p.Actor = seller; p.CartCount = 2 }},
		{file: "error.notfound", page: "error", lang: "en", data: errorPage{Code: market.NotFound, Message: "The product was not found.", RequestID: "req-123"}},
	}
	cases = append(cases, pageFixtures(srv)...)

	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.page] = true
		t.Run(c.file, func(t *testing.T) {
			p := &page{Lang: c.lang, CSRF: "csrf-token-for-tests", Path: "/" + c.page, Form: url.Values{}, BaseURL: srv.web.baseURL, Data: c.data}
			if c.edit != nil {
				c.edit(p)
			}
			req := httptest.NewRequest(http.MethodGet, "/"+c.page, nil)
			rec := httptest.NewRecorder()
			srv.render(rec, req, http.StatusOK, c.page, p)
			if rec.Code != http.StatusOK {
				t.Fatalf("render: %d %s", rec.Code, rec.Body)
			}
			// Asset versions change with every edit of the CSS or JS.
			got := assetVersionRE.ReplaceAll(rec.Body.Bytes(), []byte("?v=VERSION"))
			path := filepath.Join("testdata", "web", c.file+".html")
			if updateGolden() {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestWebPagesGolden -update)", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s differs from the golden file (run with -update and review the diff):\n%s", c.file, firstDiff(string(want), string(got)))
			}
		})
	}
	for _, name := range webPageNames {
		if !covered[name] {
			t.Errorf("page %q has no golden rendering test", name)
		}
	}
}

var assetVersionRE = regexp.MustCompile(`\?v=[0-9a-f]{12}`)

// firstDiff shows the first line where two texts part.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return ""
}

func samplePicks() []productCard {
	return []productCard{
		{ID: "p1", Name: "Hoa súng Lê Sánh", Price: 25000, Unit: "bó", Stars: 4, Place: "Thạnh Xuân, Cần Thơ", InStock: true, Thumb: "/media/p1/thumb.jpg"},
		{ID: "p2", Name: "Mật ong rừng U Minh", Price: 180000, Unit: "chai", Place: "U Minh, Cà Mau", InStock: false},
	}
}

func TestBarChart(t *testing.T) {
	pts := []chartPoint{{Label: "07/2025", Value: 0}, {Label: "08/2025", Value: 50}, {Label: "09/2025", Value: 200}}
	c := barChart("Đơn hàng", pts)
	if c.Empty || len(c.Bars) != 3 {
		t.Fatalf("chart %+v", c)
	}
	plot := chartH - chartTop - chartBottom
	if got := c.Bars[2].H; got != plot {
		t.Errorf("tallest bar is %d high, want the full %d", got, plot)
	}
	if got := c.Bars[1].H; got != plot/4 {
		t.Errorf("a quarter of the top is %d high, want %d", got, plot/4)
	}
	if c.Bars[0].H != 0 || c.Bars[0].ShowValue {
		t.Errorf("zero bar %+v: want no height and no value", c.Bars[0])
	}
	for _, b := range c.Bars {
		if b.Y+b.H != c.BaseY || b.X < 0 || b.X+b.W > chartW {
			t.Errorf("bar %+v is off the plot", b)
		}
	}

	// Thirty-one days: labels thin out so that they do not overlap.
	var days []chartPoint
	for i := 1; i <= 31; i++ {
		days = append(days, chartPoint{Label: strconv.Itoa(i), Value: int64(i % 7)})
	}
	c = barChart("Ngày", days)
	shown := 0
	lastX := -100
	for _, b := range c.Bars {
		if b.ShowLabel {
			shown++
			if b.LabelX-lastX < 30 {
				t.Errorf("labels %d px apart at %s", b.LabelX-lastX, b.Label)
			}
			lastX = b.LabelX
		}
	}
	if shown < 5 || shown > 12 {
		t.Errorf("%d day labels shown, want a readable handful", shown)
	}
	if !c.Bars[len(c.Bars)-1].ShowLabel {
		t.Error("the last day has no label")
	}
	if e := barChart("x", []chartPoint{{Label: "a"}}); !e.Empty {
		t.Error("an all-zero chart is not marked empty")
	}
}

func TestShortVND(t *testing.T) {
	cases := []struct {
		v      market.VND
		vi, en string
	}{
		{0, "0", "0"},
		{950, "950", "950"},
		{85_000, "85k", "85k"},
		{1_250_000, "1,3 tr", "1.3M"},
		{12_000_000, "12 tr", "12M"},
		{2_100_000_000, "2,1 tỷ", "2.1B"},
	}
	for _, c := range cases {
		if got := shortVND(c.v, "vi"); got != c.vi {
			t.Errorf("shortVND(%d, vi) = %q, want %q", c.v, got, c.vi)
		}
		if got := shortVND(c.v, "en"); got != c.en {
			t.Errorf("shortVND(%d, en) = %q, want %q", c.v, got, c.en)
		}
	}
}

func TestWebCookiesSecureOverHTTPS(t *testing.T) {
	srv, err := New(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{BaseURL: "https://choocop.vn"}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	cookies := rec.Result().Cookies()
	if len(cookies) == 0 {
		t.Fatal("no CSRF cookie on the first page")
	}
	for _, c := range cookies {
		if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
			t.Errorf("cookie %s: Secure=%v HttpOnly=%v SameSite=%v, want all set over HTTPS", c.Name, c.Secure, c.HttpOnly, c.SameSite)
		}
	}
}

// Photos sent with a form are spooled to temporary files; none may be left
// behind, whether the form is refused (no CSRF token) or not.
func TestWebMultipartLeavesNoTemporaryFiles(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	h := newWebEnv(t).srv
	for i := 0; i < 3; i++ {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("image", "big.jpg")
		_, _ = fw.Write(bytes.Repeat([]byte{0xff}, 3<<20))
		_ = mw.Close()
		req := httptest.NewRequest("POST", "/signin", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Fatalf("a form without a CSRF token answered %d", rec.Code)
		}
	}
	left, _ := os.ReadDir(tmp)
	if len(left) != 0 {
		t.Fatalf("%d temporary files left behind", len(left))
	}
}

// Selling units read in English on English pages, counted as English
// counts them; Vietnamese pages show them as the seller chose them.
func TestUnitsInEnglish(t *testing.T) {
	for _, tt := range []struct {
		lang string
		n    int64
		unit string
		want string
	}{
		{"en", 1, "bó", "bunch"},
		{"en", 20, "bó", "bunches"},
		{"en", 3, "hộp", "boxes"},
		{"en", 2, "chai", "bottles"},
		{"en", 5, "kg", "kg"},
		{"en", 2, "người", "people"},
		{"en", 0, "trái", "pieces"},
		{"vi", 20, "bó", "bó"},
		{"en", 2, "xyz", "xyz"},
	} {
		if got := units(tt.lang, tt.n, tt.unit); got != tt.want {
			t.Errorf("units(%q, %d, %q) = %q, want %q", tt.lang, tt.n, tt.unit, got, tt.want)
		}
	}
	for _, u := range catalog.Units() {
		if u != "kg" && u != "g" && unit("en", u) == u {
			t.Errorf("the unit %q has no English name", u)
		}
	}
}
