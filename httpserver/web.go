package httpserver

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ocopmarket/market"
)

// The web pages are Go templates and two small static files, embedded in
// the binary and parsed once when the server starts.
//
//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// webLangs are the languages of the pages; the first is the default.
var webLangs = [...]string{"vi", "en"}

// webUI is the template engine of the pages: every page template, parsed
// once per language so that {{t "key"}} needs no request state.
type webUI struct {
	pages    map[string]map[string]*template.Template // lang → page → template
	messages map[string]market.Text
	static   map[string]staticFile
	// assets are the versioned URLs of the static files, for cache busting.
	assets  map[string]string
	secure  bool
	baseURL string
	// cardKey is the publishable key of the card payment provider, "" when
	// card payments are off.
	cardKey string
}

type staticFile struct {
	body        []byte
	contentType string
	etag        string
}

// webPageNames are the pages; each has its template file NAME.html
// defining "content" (and optionally "head").
var webPageNames = []string{
	"home", "signin", "signup", "account", "error",
	"search", "product", "shop", "cart", "checkout", "confirmation", "lookup",
	"seller_register", "seller_home", "seller_product", "seller_orders", "poster",
	"official_home", "official_queue", "my_orders",
}

// sharedTemplates are parsed into every page: the layout and the partials.
var sharedTemplates = []string{"layout.html", "partials.html"}

// newWebUI parses every template and loads the static files. It fails when
// a template is missing, does not parse, or uses a message key that the
// message table lacks, so that a broken page never reaches a person.
func newWebUI(cfg Config) (*webUI, error) {
	tfs, err := fs.Sub(templateFiles, "templates")
	if err != nil {
		return nil, err
	}
	sfs, err := fs.Sub(staticFiles, "static")
	if err != nil {
		return nil, err
	}
	return parseWeb(cfg, tfs, sfs)
}

// parseWeb builds the engine from a directory of templates and one of
// static files.
func parseWeb(cfg Config, templates, static fs.FS) (*webUI, error) {
	w := &webUI{
		pages:    map[string]map[string]*template.Template{},
		messages: webMessages(),
		static:   map[string]staticFile{},
		assets:   map[string]string{},
		secure:   strings.HasPrefix(cfg.BaseURL, "https://"),
		baseURL:  strings.TrimSuffix(cfg.BaseURL, "/"),
	}
	if err := w.loadStatic(static); err != nil {
		return nil, err
	}
	if err := w.checkMessages(); err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(templates, ".")
	if err != nil {
		return nil, err
	}
	sources := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".html") {
			continue
		}
		b, err := fs.ReadFile(templates, e.Name())
		if err != nil {
			return nil, err
		}
		sources[e.Name()] = string(b)
	}
	for _, name := range sharedTemplates {
		if _, ok := sources[name]; !ok {
			return nil, fmt.Errorf("web template %s is missing", name)
		}
	}
	for _, name := range webPageNames {
		if _, ok := sources[name+".html"]; !ok {
			return nil, fmt.Errorf("web template %s.html is missing", name)
		}
	}
	for file, src := range sources {
		for _, m := range templateKeyRE.FindAllStringSubmatch(src, -1) {
			if _, ok := w.messages[m[1]]; !ok {
				return nil, fmt.Errorf("web template %s: no message %q in the message table", file, m[1])
			}
		}
	}
	for _, lang := range webLangs {
		w.pages[lang] = map[string]*template.Template{}
		base := template.New("layout").Funcs(w.funcs(lang))
		for _, name := range sharedTemplates {
			if _, err := base.New(name).Parse(sources[name]); err != nil {
				return nil, fmt.Errorf("web template %s: %w", name, err)
			}
		}
		for _, name := range webPageNames {
			t, err := base.Clone()
			if err != nil {
				return nil, err
			}
			if _, err := t.New(name + ".html").Parse(sources[name+".html"]); err != nil {
				return nil, fmt.Errorf("web template %s.html: %w", name, err)
			}
			if t.Lookup("content") == nil {
				return nil, fmt.Errorf("web template %s.html defines no \"content\"", name)
			}
			w.pages[lang][name] = t
		}
	}
	return w, nil
}

// templateKeyRE finds the message keys a template asks for: {{t "key"}},
// the label of {{field . "name" "type" "key"}} and its "hint=key".
var templateKeyRE = regexp.MustCompile(`(?:\bt |\bfield \S+ "[^"]*" "[^"]*" |"hint=)"?([a-zA-Z0-9_.]+)"`)

// checkMessages makes sure every message exists in both languages.
func (w *webUI) checkMessages() error {
	var missing []string
	for k, m := range w.messages {
		if m.VI == "" || m.EN == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("web messages without both languages: %s", strings.Join(missing, ", "))
	}
	return nil
}

func (w *webUI) loadStatic(static fs.FS) error {
	return fs.WalkDir(static, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(static, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = "application/octet-stream"
		}
		v := hex.EncodeToString(sum[:])[:12]
		w.static[name] = staticFile{body: body, contentType: ct, etag: `"` + v + `"`}
		w.assets[name] = "/static/" + name + "?v=" + v
		return nil
	})
}

// tr returns the message key in lang, formatted with args if any. A key
// the table lacks comes back as itself, which a test catches.
func (w *webUI) tr(lang, key string, args ...any) string {
	m, ok := w.messages[key]
	if !ok {
		return key
	}
	s := m.In(lang)
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	return s
}

// unitNames are the selling units (catalog.Units) in English; pages in
// Vietnamese show them as sellers chose them.
var unitNames = map[string]string{
	"tạ": "quintal", "trái": "piece", "quả": "piece", "bó": "bunch", "hộp": "box", "chai": "bottle",
	"túi": "bag", "cây": "piece", "hũ": "jar", "lọ": "jar", "gói": "pack", "con": "head", "chậu": "pot",
	"lít": "litre", "cái": "piece", "bộ": "set", "phần": "portion", "khay": "tray", "xâu": "string",
	"bao": "sack", "thùng": "crate", "vé": "ticket", "đêm": "night", "người": "person",
}

// unitPlurals are the English names that do not just take an s.
var unitPlurals = map[string]string{
	"kg": "kg", "g": "g", "bunch": "bunches", "box": "boxes", "head": "head", "person": "people",
}

// unit returns a selling unit in lang, as a price is per it.
func unit(lang, u string) string { return units(lang, 1, u) }

// units returns a selling unit in lang, as n of it are counted: "bó", in
// English "1 bunch", "3 bunches".
func units(lang string, n int64, u string) string {
	if lang != "en" {
		return u
	}
	name, ok := unitNames[u]
	if !ok {
		return u
	}
	if n == 1 || n == -1 {
		return name
	}
	if p, ok := unitPlurals[name]; ok {
		return p
	}
	return name + "s"
}

// count is a number a template has, of whatever integer type, for units.
func count(n any) int64 {
	switch v := n.(type) {
	case int:
		return int64(v)
	case int32:
		return int64(v)
	case int64:
		return v
	}
	return 0
}

func (w *webUI) funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t":        func(key string, args ...any) string { return w.tr(lang, key, args...) },
		"unit":     func(u string) string { return unit(lang, u) },
		"units":    func(n any, u string) string { return units(lang, count(n), u) },
		"text":     func(t market.Text) string { return t.In(lang) },
		"vnd":      func(v market.VND) string { return v.String() },
		"date":     webDate,
		"datetime": webDateTime,
		"icon":     webIcon,
		"asset":    func(name string) string { return w.assets[name] },
		"stars":    func(n int) string { return strings.Repeat("★", max(0, min(n, 5))) },
		"pct":      func(f float64) string { return strconv.FormatFloat(f*100, 'f', 0, 64) + "%" },
		"add":      func(a, b int) int { return a + b },
		"div":      func(a, b int) int { return a / max(b, 1) },
		"seq": func(n int) []int {
			s := make([]int, max(n, 0))
			for i := range s {
				s[i] = i + 1
			}
			return s
		},
		"query":   webQuery,
		"pathEsc": url.PathEscape,
		"lower":   strings.ToLower,
		"field": func(p *page, name, typ, labelKey string, opts ...string) formField {
			return w.field(lang, p, name, typ, labelKey, opts...)
		},
	}
}

// webDate writes a date the Vietnamese way, in Vietnam time: 05/09/2025.
func webDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(market.VietnamTime).Format("02/01/2006")
}

// webDateTime writes a date and time in Vietnam time: 05/09/2025 14:30.
func webDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(market.VietnamTime).Format("02/01/2006 15:04")
}

// webQuery builds a query string from pairs of names and values, leaving
// out empty values: {{query "q" .Q "page" 2}} → "?q=…&page=2".
func webQuery(pairs ...any) string {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		k := fmt.Sprint(pairs[i])
		val := fmt.Sprint(pairs[i+1])
		if val != "" && val != "0" {
			v.Set(k, val)
		}
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// page is what every page template receives.
type page struct {
	Lang        string
	Title       string
	Description string
	Actor       market.Actor
	CSRF        string
	// Path is the current path and query, for the language switch.
	Path string
	// Q is the search box's text.
	Q         string
	CartCount int
	// Flash is a one-line notice shown above the content.
	Flash string
	// Error is the message of a failed form; Errors names its fields.
	Error  string
	Errors map[string]string
	// Form holds what the person typed, to fill a form again after an error.
	Form url.Values
	OG   *openGraph
	// Wide pages (dashboards) may use the full width of a large screen.
	Wide    bool
	NoIndex bool
	CardKey string
	BaseURL string
	Data    any
}

// openGraph is the preview Zalo and Facebook show for a shared link.
type openGraph struct {
	Type        string // "product", "website"
	Title       string
	Description string
	URL         string
	Image       string
	PriceVND    market.VND
}

// Seller reports whether the actor has a shop.
func (p *page) Seller() bool { return p.Actor.Has(market.RoleSeller) || p.Actor.Has(market.RoleHelper) }

// Official reports whether the actor sees the officials' pages.
func (p *page) Official() bool { return p.Actor.Has(market.RoleOfficial) || p.Actor.IsAdmin() }

// Err returns the message for one form field, "" if none.
func (p *page) Err(field string) string { return p.Errors[field] }

// Value returns what the person typed in a field.
func (p *page) Value(field string) string { return p.Form.Get(field) }

// pagePath is the address of the page a request shows, for the language
// switch: a page answering a form (a refused one, say) is the page the
// form was on, on this site, or the home page: its own address may take
// no GET (POST /seller/products).
func pagePath(r *http.Request) string {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return r.URL.RequestURI()
	}
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && strings.HasPrefix(ref.Path, "/") {
		return ref.RequestURI()
	}
	return "/"
}

// newPage starts the data of a page for this request.
func (s *Server) newPage(r *http.Request, titleKey string) *page {
	lang := language(r)
	p := &page{
		Lang:      lang,
		Actor:     actorFrom(r.Context()),
		CSRF:      csrfFrom(r.Context()),
		Path:      pagePath(r),
		CartCount: cartFrom(r).count(),
		Form:      url.Values{},
		CardKey:   s.web.cardKey,
		BaseURL:   s.web.baseURL,
	}
	if titleKey != "" {
		p.Title = s.web.tr(lang, titleKey)
	}
	if f := flashFrom(r); f != "" {
		p.Flash = s.web.tr(lang, f)
	}
	return p
}

// formError fills the page with the messages of err for the form. rename
// maps the service's field names to the form's, where they differ.
func (p *page) formError(err error, rename ...map[string]string) {
	var e *market.Error
	if !errors.As(err, &e) {
		return
	}
	p.Error = e.Message.In(p.Lang)
	p.Errors = fieldErrors(err, p.Lang, rename...)
}

// alertWith returns msg followed by the problems that no field of the form
// shows (those of a basket's products), in a fixed order.
func alertWith(msg string, problems map[string]string, fields []string) string {
	var more []string
	for k, m := range problems {
		if !slices.Contains(fields, k) {
			more = append(more, m)
		}
	}
	slices.Sort(more)
	return strings.Join(append([]string{msg}, more...), " ")
}

// fieldErrors returns the problems of err by form field, in lang (nil
// when it names no field), the fields renamed as rename says.
func fieldErrors(err error, lang string, rename ...map[string]string) map[string]string {
	var e *market.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return nil
	}
	out := map[string]string{}
	for k, v := range e.Fields {
		for _, m := range rename {
			if to, ok := m[k]; ok {
				k = to
			}
		}
		out[k] = v.In(lang)
	}
	return out
}

// render writes the page with the given status. Templates run into a
// buffer first, so that a failing template becomes a clean error page,
// never half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t := s.web.pages[p.Lang][name]
	if t == nil {
		t = s.web.pages[webLangs[0]][name]
	}
	var buf bytes.Buffer
	if t == nil {
		loggerFrom(r.Context()).Error("no such web page", "page", name)
		s.renderFailure(w, r)
		return
	}
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		loggerFrom(r.Context()).Error("web page failed", "page", name, "err", err)
		s.renderFailure(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", s.web.csp())
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// renderFailure is the last resort when the error page itself fails.
func (s *Server) renderFailure(w http.ResponseWriter, r *http.Request) {
	msg := errInternal.Message.In(language(r))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = fmt.Fprintf(w, "%s (%s)\n", msg, requestIDFrom(r.Context()))
}

// csp is the Content-Security-Policy of the pages: only our own scripts
// and styles (no inline script), plus the card provider's when cards are on.
func (w *webUI) csp() string {
	script, frame, connect := "'self'", "'none'", "'self'"
	if w.cardKey != "" {
		script += " https://js.stripe.com"
		frame = "https://js.stripe.com https://hooks.stripe.com"
		connect += " https://api.stripe.com"
	}
	return "default-src 'none'; script-src " + script + "; style-src 'self'; img-src 'self' data: blob:; " +
		"connect-src " + connect + "; frame-src " + frame + "; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
}

// webError answers a failed page request with the error page in the
// person's language. An unauthorized GET goes to sign-in and comes back.
func (s *Server) webError(w http.ResponseWriter, r *http.Request, err error) {
	code := market.ErrorCode(err)
	if code == market.Unauthorized && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		http.Redirect(w, r, "/signin"+webQuery("next", r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	var e *market.Error
	if !errors.As(err, &e) || e.Code == market.Internal || statusOf[e.Code] == 0 {
		loggerFrom(r.Context()).Error("request failed", "err", err)
		e = errInternal
	}
	p := s.newPage(r, "error.title")
	p.NoIndex = true
	p.Data = errorPage{Code: e.Code, Message: e.Message.In(p.Lang), RequestID: requestIDFrom(r.Context())}
	if e.Code == market.RateLimited && e.RetryAfterSeconds > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfterSeconds))
	}
	s.render(w, r, statusOf[e.Code], "error", p)
}

type errorPage struct {
	Code      market.Code
	Message   string
	RequestID string
}

// wantsHTML tells a browser (which asks for text/html) from an API client.
func wantsHTML(r *http.Request) bool {
	return !strings.HasPrefix(r.URL.Path, "/api/") && strings.Contains(r.Header.Get("Accept"), "text/html")
}

// handleStatic serves the embedded CSS and JS. A versioned URL is cached
// for a year; the version changes with the content.
func (s *Server) handleStatic() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		f, ok := s.web.static[name]
		if !ok {
			s.notFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", f.contentType)
		h.Set("ETag", f.etag)
		if r.URL.Query().Get("v") == strings.Trim(f.etag, `"`) {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "public, max-age=300")
		}
		if match := r.Header.Get("If-None-Match"); match == f.etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Length", strconv.Itoa(len(f.body)))
		if r.Method != http.MethodHead {
			_, _ = w.Write(f.body)
		}
	})
}

// handleLanguage remembers the chosen language for a year and goes back
// to the page the person was on.
func (s *Server) handleLanguage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := strings.TrimPrefix(r.URL.Path, "/lang/")
		if lang != "vi" && lang != "en" {
			s.webError(w, r, market.NotFoundf("ngôn ngữ này", "language"))
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: s.web.secure, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, localPath(r.URL.Query().Get("next"), "/"), http.StatusSeeOther)
	})
}

// localPath returns p when it is a path on this site, else def: a "next"
// parameter must never send a person to another site.
func localPath(p, def string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
		return def
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return def
	}
	return p
}

// formField is one labelled input of a form, with its hint and error.
type formField struct {
	Name, Type, Label, Value, Hint, Err string
	Required                            bool
	Autocomplete, InputMode             string
	Min, Max, Step, MinLength, Accept   string
}

// field describes an input for the "field" partial. Options: "required",
// "novalue" (never refill, for passwords and files), "hint=messageKey",
// "ac=autocomplete", "im=inputmode", "min=", "max=", "step=", "minlen=",
// "accept=", "value=" (the value when the form has none).
func (w *webUI) field(lang string, p *page, name, typ, labelKey string, opts ...string) formField {
	f := formField{Name: name, Type: typ, Label: w.tr(lang, labelKey), Value: p.Form.Get(name), Err: p.Errors[name]}
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "required":
			f.Required = true
		case "novalue":
			f.Value = ""
		case "hint":
			f.Hint = w.tr(lang, v)
		case "ac":
			f.Autocomplete = v
		case "im":
			f.InputMode = v
		case "min":
			f.Min = v
		case "max":
			f.Max = v
		case "step":
			f.Step = v
		case "minlen":
			f.MinLength = v
		case "accept":
			f.Accept = v
		case "value":
			if f.Value == "" {
				f.Value = v
			}
		}
	}
	return f
}
