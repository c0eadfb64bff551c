package httpserver

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocopmarket/market/bleveindex"
	"github.com/ocopmarket/market/regions"
	"github.com/ocopmarket/market/search/searchtest"
)

// newSearchWeb is the web server over a real Bleve index holding the
// search contract's corpus of Mekong Delta products.
func newSearchWeb(t *testing.T) *httptest.Server {
	t.Helper()
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	if err := idx.Upsert(context.Background(), searchtest.Corpus()); err != nil {
		t.Fatal(err)
	}
	tree, err := regions.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{BaseURL: "https://choocop.vn"}, Deps{Search: idx, Regions: tree})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

func getPage(t *testing.T, ts *httptest.Server, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	req.Header.Set("Accept", "text/html")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// checkGolden compares a page with testdata/web/NAME.html.
func checkGolden(t *testing.T, name, body string) {
	t.Helper()
	got := assetVersionRE.ReplaceAllString(body, "?v=VERSION")
	path := filepath.Join("testdata", "web", name+".html")
	if updateGolden() {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run Web -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run with -update and review the diff):\n%s", name, firstDiff(string(want), got))
	}
}

func TestWebSearchPage(t *testing.T) {
	ts := newSearchWeb(t)

	status, body := getPage(t, ts, "/search?q=hoa+sung&regionId=dong-thap")
	if status != http.StatusOK {
		t.Fatalf("search: %d", status)
	}
	mustContain(t, "search page", body, "Hoa súng Lê Sánh", "25.000 ₫", "/bó", "Hộ Lê Văn Sánh", "Tháp Mười, Đồng Tháp",
		`value="hoa sung"`, `<option value="dong-thap" selected>`, // the form keeps the search
		`href="/search?q=hoa&#43;sung"`, // the active region filter as a link that removes it
	)
	checkGolden(t, "search.live", body)

	// Without words: everything, best-selling first, twenty a page, facets as links with counts.
	_, body = getPage(t, ts, "/search")
	mustContain(t, "browse page", body, `rel="next"`, `href="/search?page=2"`, `href="/search?regionId=can-tho"`, `href="/search?categoryId=thuc-pham"`, "Trang 1/")
	if strings.Contains(body, `rel="prev"`) {
		t.Error("page 1 links to a previous page")
	}
	_, body = getPage(t, ts, "/search?page=2")
	mustContain(t, "second page", body, `rel="prev"`, `href="/search"`)

	// "đặc sản" lists everything, under the words typed.
	_, body = getPage(t, ts, "/search?q=%C4%91%E1%BA%B7c+s%E1%BA%A3n")
	mustContain(t, "đặc sản", body, "Kết quả cho “đặc sản”", `value="đặc sản"`, `rel="next"`, "Trang 1/")

	// Filters from the no-JS form, as a browser sends them.
	_, body = getPage(t, ts, "/search?q=thom&sort=price_asc&categoryId=&regionId=&stars=&minPriceVnd=&maxPriceVnd=20000&inStock=true")
	mustContain(t, "filtered", body, "≤ 20.000 ₫", "Khóm", `<option value="price_asc" selected>`, `name="inStock" value="true" checked`)

	// Words that find nothing together: the page shows what fewer find,
	// and says which it left out.
	_, body = getPage(t, ts, "/search?q=khóm+vĩnh+long")
	mustContain(t, "fewer words", body, "Khóm Cầu Đúc", "đây là kết quả khi bỏ “vĩnh long”")
	_, body = getPage(t, ts, "/search?q=khóm")
	if strings.Contains(body, "kết quả khi bỏ") {
		t.Error("a search whose words all count says it left some out")
	}

	// A bad parameter: the page says what is wrong and still searches the words.
	status, body = getPage(t, ts, "/search?q=hoa+sung&stars=9")
	if status != http.StatusBadRequest {
		t.Errorf("stars=9: %d, want 400", status)
	}
	mustContain(t, "bad stars", body, "Hoa súng Lê Sánh", "Phải là số nguyên từ 0 đến 5.")
	status, _ = getPage(t, ts, "/search?q="+strings.Repeat("x", 5000))
	if status != http.StatusBadRequest {
		t.Errorf("5 KB q: %d, want 400", status)
	}
}

func TestWebHomeRowsComeFromSearch(t *testing.T) {
	ts := newSearchWeb(t)
	status, body := getPage(t, ts, "/")
	if status != http.StatusOK {
		t.Fatalf("home: %d", status)
	}
	mustContain(t, "home page", body, "Mới lên chợ", "Bán chạy", "Sản phẩm OCOP nổi bật", `href="/search?sort=newest"`, `href="/search?sort=stars_desc&amp;stars=3"`)
	checkGolden(t, "home.search", body)
}
