package main

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/ocopmarket/market/httpserver/apitest"
	"github.com/ocopmarket/market/search"
	"github.com/ocopmarket/market/sqlite"
)

type searchHitJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	PriceVND   int64  `json:"priceVnd"`
	Unit       string `json:"unit"`
	ImageURL   string `json:"imageUrl"`
	SellerID   string `json:"sellerId"`
	SellerName string `json:"sellerName"`
	Stars      int    `json:"stars"`
	RegionID   string `json:"regionId"`
	RegionName string `json:"regionName"`
	InStock    bool   `json:"inStock"`
}

type searchJSON struct {
	Hits    []searchHitJSON           `json:"hits"`
	Total   int                       `json:"total"`
	Page    int                       `json:"page"`
	PerPage int                       `json:"perPage"`
	Facets  map[string]map[string]int `json:"facets"`
	Dropped []string                  `json:"dropped"`
}

func (r searchJSON) names() []string {
	out := make([]string, len(r.Hits))
	for i, h := range r.Hits {
		out[i] = h.Name
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// find runs a search; the query is in URL form ("q=hoa+sung&stars=4").
func find(t *testing.T, c *apitest.Client, query string) searchJSON {
	t.Helper()
	resp := c.Do("GET", "/api/v1/search?"+query, nil)
	expect(t, "search "+query, resp, 200)
	var r searchJSON
	resp.JSON(t, &r)
	return r
}

// waitFound polls a search until cond holds: changes reach the index
// through the syncer, within a second or so.
func waitFound(t *testing.T, c *apitest.Client, query, what string, cond func(searchJSON) bool) searchJSON {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := find(t, c, query)
		if cond(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: search %q still answers %q", what, query, r.names())
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// mekong is a marketplace with three verified shops of the Mekong Delta
// and a few products each, all searchable.
type mekong struct {
	*marketplace
	lotus, honey, pineapple string // seller ids
	products                map[string]string
}

func (m *marketplace) shop(t *testing.T, name, region string) string {
	t.Helper()
	resp := m.c.As(m.owner).Do("POST", "/api/v1/sellers", map[string]any{"name": name, "kind": "cooperative", "phone": "0912 345 678",
		"regionId": region, "address": "Ấp 1"})
	expect(t, "open "+name, resp, 201)
	var s sellerJSON
	resp.JSON(t, &s)
	expect(t, "verify "+name, m.c.As(m.admin).Do("POST", "/api/v1/sellers/"+s.ID+"/verification", map[string]string{"decision": "verify", "note": "ok"}), 200)
	return s.ID
}

func (m *marketplace) list(t *testing.T, sellerID string, fields map[string]any) string {
	t.Helper()
	body := map[string]any{"sellerId": sellerID, "minOrderQty": 1, "status": "active", "stock": 50}
	for k, v := range fields {
		body[k] = v
	}
	resp := m.c.As(m.owner).Do("POST", "/api/v1/products", body)
	expect(t, "list "+body["name"].(string), resp, 201)
	var p productJSON
	resp.JSON(t, &p)
	return p.ID
}

func newMekong(t *testing.T) *mekong {
	t.Helper()
	m := &mekong{marketplace: newMarketplace(t), products: map[string]string{}}
	m.lotus = m.shop(t, "HTX Hoa súng Lê Sánh", "can-tho.thanh-xuan")
	m.honey = m.shop(t, "Tổ hợp tác ong mật Ba Chúc", "an-giang.tri-ton")
	m.pineapple = m.shop(t, "HTX Khóm Cầu Đúc", "vinh-long")
	cert := func(stars int) map[string]any {
		return map[string]any{"stars": stars, "certificateNo": "OCOP-" + string(rune('0'+stars)), "issuedBy": "province", "issuedAt": "2025-05-01", "expiresAt": "2028-05-01"}
	}
	for _, p := range []struct {
		seller string
		fields map[string]any
	}{
		{m.lotus, map[string]any{"name": "Hoa súng Lê Sánh", "description": "Hoa súng ruộng hái sáng sớm.", "categoryId": "rau-cu", "unit": "bó", "priceVnd": 25000, "stock": 120}},
		{m.lotus, map[string]any{"name": "Bông điên điển", "description": "Bông điên điển mùa nước nổi.", "categoryId": "rau-cu", "unit": "kg", "priceVnd": 60000, "stock": 0}},
		{m.honey, map[string]any{"name": "Mật ong rừng tràm", "description": "Mật ong nguyên chất.", "categoryId": "mat-ong", "unit": "chai", "priceVnd": 180000, "ocop": cert(3)}},
		{m.pineapple, map[string]any{"name": "Khóm Cầu Đúc", "description": "Khóm mắt cạn, ngọt đậm.", "categoryId": "trai-cay", "unit": "trái", "priceVnd": 15000, "ocop": cert(4)}},
		{m.pineapple, map[string]any{"name": "Mứt khóm dẻo", "description": "Mứt làm thủ công.", "categoryId": "duong-banh-keo", "unit": "hộp", "priceVnd": 55000}},
	} {
		m.products[p.fields["name"].(string)] = m.list(t, p.seller, p.fields)
		// Creation times are kept to the millisecond; two listings in the
		// same one would make the "newest" order below a coin toss.
		time.Sleep(2 * time.Millisecond)
	}
	// An official verifies the certificate of the pineapple, not the honey's.
	expect(t, "verify OCOP", m.c.As(m.admin).Do("POST", "/api/v1/products/"+m.products["Khóm Cầu Đúc"]+"/ocop-verification", map[string]string{"decision": "verify"}), 200)
	waitFound(t, m.c, "stars=4", "everything indexed", func(r searchJSON) bool { return r.Total == 1 })
	waitFound(t, m.c, "", "everything indexed", func(r searchJSON) bool { return r.Total == 5 })
	return m
}

func TestSearchAPI(t *testing.T) {
	m := newMekong(t)
	c := m.c

	t.Run("hoa sung finds Hoa súng", func(t *testing.T) {
		r := find(t, c, "q=hoa+sung")
		// Its shop, "HTX Hoa súng Lê Sánh", also sells điên điển, which
		// the shop's name does not bring in: a product matches on its own
		// words, the shop's name only for words no product says.
		if len(r.Hits) != 1 || r.Hits[0].Name != "Hoa súng Lê Sánh" {
			t.Fatalf("hits %q", r.names())
		}
		h := r.Hits[0]
		if h.PriceVND != 25000 || h.Unit != "bó" || h.SellerName != "HTX Hoa súng Lê Sánh" || h.SellerID != m.lotus ||
			h.RegionID != "can-tho.thanh-xuan" || h.RegionName != "Thạnh Xuân, Cần Thơ" || !h.InStock || h.Stars != 0 {
			t.Errorf("hit = %+v", h)
		}
	})
	t.Run("words of every region", func(t *testing.T) {
		for _, q := range []string{"dứa", "thơm", "khom", "dua cau duc", "THƠM"} {
			if got := find(t, c, "q="+url.QueryEscape(q)).names(); !slices.Contains(got, "Khóm Cầu Đúc") {
				t.Errorf("q=%s found %q", q, got)
			}
		}
		if got := find(t, c, "q="+url.QueryEscape("mật ong tri tôn")).names(); !slices.Equal(got, []string{"Mật ong rừng tràm"}) {
			t.Errorf("by place: %q", got)
		}
		// A typo in a 4-letter word does not match: the answer is what
		// "hoa" finds, and says it left "sunh" out.
		if r := find(t, c, "q=hoa+sunh"); !slices.Equal(r.Dropped, []string{"sunh"}) {
			t.Errorf("a typo in a 4-letter word must not match: %q, dropped %q", r.names(), r.Dropped)
		}
		if got := find(t, c, "q=dien+die").names(); !slices.Equal(got, []string{"Bông điên điển"}) {
			t.Errorf("the last word as a prefix: %q", got)
		}
	})
	t.Run("filters", func(t *testing.T) {
		for _, c2 := range []struct {
			query string
			want  []string
		}{
			{"regionId=can-tho", []string{"Bông điên điển", "Hoa súng Lê Sánh"}},
			{"regionId=can-tho.thanh-xuan", []string{"Bông điên điển", "Hoa súng Lê Sánh"}},
			{"regionId=an-giang", []string{"Mật ong rừng tràm"}},
			{"regionId=ha-noi", nil},
			{"stars=3", []string{"Khóm Cầu Đúc"}},
			{"stars=5", nil},
			{"categoryId=thuc-pham", []string{"Bông điên điển", "Hoa súng Lê Sánh", "Khóm Cầu Đúc", "Mật ong rừng tràm", "Mứt khóm dẻo"}},
			{"categoryId=rau-cu", []string{"Bông điên điển", "Hoa súng Lê Sánh"}},
			{"minPriceVnd=20000&maxPriceVnd=60000", []string{"Bông điên điển", "Hoa súng Lê Sánh", "Mứt khóm dẻo"}},
			{"inStock=true&regionId=can-tho", []string{"Hoa súng Lê Sánh"}},
			{"sellerId=" + m.pineapple, []string{"Khóm Cầu Đúc", "Mứt khóm dẻo"}},
			{"q=khom&sellerId=" + m.pineapple + "&maxPriceVnd=20000", []string{"Khóm Cầu Đúc"}},
		} {
			if got := find(t, c, c2.query).names(); !slices.Equal(sorted(got), c2.want) {
				t.Errorf("%s: %q, want %q", c2.query, got, c2.want)
			}
		}
	})
	t.Run("facets", func(t *testing.T) {
		r := find(t, c, "")
		if r.Facets["stars"]["4"] != 1 || len(r.Facets["stars"]) != 1 {
			t.Errorf("stars facet %v (only the verified certificate counts)", r.Facets["stars"])
		}
		if got := r.Facets["regionId"]; got["can-tho"] != 2 || got["can-tho.thanh-xuan"] != 2 || got["an-giang"] != 1 || got["vinh-long"] != 2 {
			t.Errorf("region facet %v", got)
		}
		if got := r.Facets["categoryId"]; got["thuc-pham"] != 5 || got["rau-cu"] != 2 || got["trai-cay"] != 1 {
			t.Errorf("category facet %v", got)
		}
		if got := find(t, c, "q=khom").Facets["regionId"]; got["vinh-long"] != 2 || got["can-tho"] != 0 {
			t.Errorf("facets count the matching products only: %v", got)
		}
	})
	t.Run("sorts and pages", func(t *testing.T) {
		for _, s := range []struct {
			sort string
			want []string
		}{
			// Bông điên điển, out of stock, comes last in every order.
			{"price_asc", []string{"Khóm Cầu Đúc", "Hoa súng Lê Sánh", "Mứt khóm dẻo", "Mật ong rừng tràm", "Bông điên điển"}},
			{"price_desc", []string{"Mật ong rừng tràm", "Mứt khóm dẻo", "Hoa súng Lê Sánh", "Khóm Cầu Đúc", "Bông điên điển"}},
			{"newest", []string{"Mứt khóm dẻo", "Khóm Cầu Đúc", "Mật ong rừng tràm", "Hoa súng Lê Sánh", "Bông điên điển"}},
		} {
			if got := find(t, c, "sort="+s.sort).names(); !slices.Equal(got, s.want) {
				t.Errorf("sort=%s: %q, want %q", s.sort, got, s.want)
			}
		}
		if got := find(t, c, "sort=stars_desc").names(); got[0] != "Khóm Cầu Đúc" {
			t.Errorf("stars_desc: %q", got)
		}
		var all []string
		for page := 1; page <= 3; page++ {
			r := find(t, c, "sort=price_asc&perPage=2&page="+string(rune('0'+page)))
			if r.Total != 5 || r.Page != page || r.PerPage != 2 {
				t.Errorf("page %d: total %d page %d perPage %d", page, r.Total, r.Page, r.PerPage)
			}
			all = append(all, r.names()...)
		}
		if !slices.Equal(all, find(t, c, "sort=price_asc").names()) {
			t.Errorf("pages together: %q", all)
		}
	})
	t.Run("hostile parameters", func(t *testing.T) {
		for _, h := range []struct{ query, field string }{
			{"perPage=1000", "perPage"},
			{"perPage=-1", "perPage"},
			{"page=0", "page"},
			{"sort=price", "sort"},
			{"stars=9", "stars"},
			{"minPriceVnd=abc", "minPriceVnd"},
			{"minPriceVnd=50000&maxPriceVnd=100", "maxPriceVnd"},
			{"inStock=maybe", "inStock"},
			{"regionId=" + url.QueryEscape(`x" OR stars >= 0`), "regionId"},
			{"categoryId=" + url.QueryEscape(`rau-cu\"`), "categoryId"},
			{"sellerId=" + url.QueryEscape("a' OR '1'='1"), "sellerId"},
			{"q=" + strings.Repeat("x", 5000), "q"},
			{"q=%FF%FE", "q"},
		} {
			for _, lang := range []string{"vi", "en"} {
				cl := *c
				cl.Lang = lang
				resp := cl.Do("GET", "/api/v1/search?"+h.query, nil)
				var e struct {
					Error struct {
						Code    string            `json:"code"`
						Message string            `json:"message"`
						Fields  map[string]string `json:"fields"`
					} `json:"error"`
				}
				resp.JSON(t, &e)
				if resp.Status != 400 || e.Error.Code != "invalid" || e.Error.Fields[h.field] == "" {
					t.Errorf("%.60s (%s): %d %s", h.query, lang, resp.Status, resp.Body)
				}
				if lang == "en" && strings.ContainsAny(e.Error.Fields[h.field], "ảạốờ") {
					t.Errorf("%.60s: English message in Vietnamese: %q", h.query, e.Error.Fields[h.field])
				}
			}
		}
		// What shared links carry is ignored.
		if r := find(t, c, "q=hoa+sung&utm_source=zalo&zarsrc=30&fbclid=x"); !slices.Equal(r.names(), find(t, c, "q=hoa+sung").names()) {
			t.Errorf("a shared link's parameters changed the answer: %q", r.names())
		}
		// Other unknown parameters are refused, with the one meant: a filter
		// misspelt would otherwise quietly filter nothing.
		for lang, want := range map[string]string{"vi": "Không có tham số này; ý bạn là minPriceVnd?", "en": "No such parameter; did you mean minPriceVnd?"} {
			cl := *c
			cl.Lang = lang
			resp := cl.Do("GET", "/api/v1/search?q=hoa+sung&minPrice=20000", nil)
			var e struct {
				Error struct {
					Fields map[string]string `json:"fields"`
				} `json:"error"`
			}
			resp.JSON(t, &e)
			if resp.Status != 400 || e.Error.Fields["minPrice"] != want {
				t.Errorf("minPrice for minPriceVnd (%s): %d %s", lang, resp.Status, resp.Body)
			}
		}
	})
	t.Run("đặc sản is every product", func(t *testing.T) {
		if r := find(t, c, "q="+url.QueryEscape("đặc sản")); r.Total != 5 {
			t.Errorf("đặc sản: %d products %q, want all 5", r.Total, r.names())
		}
		if r := find(t, c, "q="+url.QueryEscape("khóm đặc sản")); !slices.Equal(sorted(r.names()), []string{"Khóm Cầu Đúc", "Mứt khóm dẻo"}) {
			t.Errorf("khóm đặc sản: %q", r.names())
		}
	})
	t.Run("a shop's name finds what it sells", func(t *testing.T) {
		r := find(t, c, "q=htx+hoa+sung")
		if !slices.Equal(sorted(r.names()), []string{"Bông điên điển", "Hoa súng Lê Sánh"}) {
			t.Errorf("hits %q, want the two products of HTX Hoa súng Lê Sánh", r.names())
		}
	})
	t.Run("suggest", func(t *testing.T) {
		resp := c.Do("GET", "/api/v1/search/suggest?q=hoa+su", nil)
		expect(t, "suggest", resp, 200)
		var s struct {
			Suggestions []string `json:"suggestions"`
		}
		resp.JSON(t, &s)
		if !slices.Equal(s.Suggestions, []string{"Hoa súng Lê Sánh"}) {
			t.Errorf("suggestions %q", s.Suggestions)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") {
			t.Errorf("Cache-Control %q", cc)
		}
		resp = c.Do("GET", "/api/v1/search/suggest?q=", nil)
		expect(t, "empty suggest", resp, 200)
		resp.JSON(t, &s)
		if len(s.Suggestions) != 0 {
			t.Errorf("suggestions for nothing: %q", s.Suggestions)
		}
		expect(t, "suggest limit", c.Do("GET", "/api/v1/search/suggest?q=khom&limit=99", nil), 400)
		expect(t, "suggest long", c.Do("GET", "/api/v1/search/suggest?q="+strings.Repeat("a", 300), nil), 400)
	})
	t.Run("a deleted product disappears", func(t *testing.T) {
		expect(t, "delete", c.As(m.owner).Do("DELETE", "/api/v1/products/"+m.products["Mứt khóm dẻo"], nil), 204)
		waitFound(t, c, "q=mut+khom", "archived", func(r searchJSON) bool { return r.Total == 0 })
	})
}

func TestSearchFollowsSellersAndCertificates(t *testing.T) {
	m := newMekong(t)
	c := m.c
	// Suspended: the shop's products leave search within seconds.
	expect(t, "suspend", c.As(m.admin).Do("POST", "/api/v1/sellers/"+m.pineapple+"/verification", map[string]string{"decision": "suspend", "note": "Hàng không đúng mô tả"}), 200)
	waitFound(t, c, "q=khom", "suspended seller's products gone", func(r searchJSON) bool { return r.Total == 0 })
	// Verified again: they come back.
	expect(t, "re-verify", c.As(m.admin).Do("POST", "/api/v1/sellers/"+m.pineapple+"/verification", map[string]string{"decision": "verify", "note": "Đã khắc phục"}), 200)
	waitFound(t, c, "q=khom", "re-verified seller's products back", func(r searchJSON) bool { return r.Total == 2 })
	// Renamed: its products are found by the new name.
	resp := c.As(m.owner).Do("PATCH", "/api/v1/sellers/"+m.honey, map[string]any{"name": "HTX Ong mật Thất Sơn"})
	expect(t, "rename", resp, 200)
	r := waitFound(t, c, "q=that+son", "found by the new shop name", func(r searchJSON) bool { return r.Total == 1 })
	if r.Hits[0].SellerName != "HTX Ong mật Thất Sơn" {
		t.Errorf("seller name in the hit: %q", r.Hits[0].SellerName)
	}
	// A certificate verified: the stars count.
	expect(t, "verify honey's OCOP", c.As(m.admin).Do("POST", "/api/v1/products/"+m.products["Mật ong rừng tràm"]+"/ocop-verification", map[string]string{"decision": "verify"}), 200)
	waitFound(t, c, "stars=3", "verified certificate", func(r searchJSON) bool { return r.Total == 2 })
	// A product edit (price) is searchable with its new price.
	resp = c.As(m.owner).Do("PATCH", "/api/v1/products/"+m.products["Hoa súng Lê Sánh"], map[string]any{"priceVnd": 22000})
	expect(t, "new price", resp, 200)
	waitFound(t, c, "q=hoa+sung&maxPriceVnd=22000", "new price", func(r searchJSON) bool { return r.Total == 1 && r.Hits[0].PriceVND == 22000 })
}

func TestReindexWhileServing(t *testing.T) {
	m := newMekong(t)
	c := m.c
	before := readyGeneration(t, m.srv)

	// Searches go on, and must all succeed, while the index is rebuilt.
	var failed atomic.Int64
	var searches atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp := c.Do("GET", "/api/v1/search?q=khom", nil)
				var r searchJSON
				if resp.Status == 200 {
					resp.JSON(t, &r)
				}
				if r.Total != 2 {
					failed.Add(1)
				}
				searches.Add(1)
			}
		}()
	}
	var out bytes.Buffer
	err := run(context.Background(), []string{"reindex"}, func(k string) string { return m.srv.env[k] }, strings.NewReader(""), &out, io.Discard)
	for searches.Load() < 20 {
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("reindex: %v", err)
	}
	if !strings.Contains(out.String(), "5 products") {
		t.Errorf("reindex said %q", out.String())
	}
	if n := failed.Load(); n > 0 {
		t.Errorf("%d of %d searches failed during the reindex", n, searches.Load())
	}
	after := readyGeneration(t, m.srv)
	if after == before || !strings.Contains(out.String(), after) {
		t.Errorf("generation %q → %q; reindex said %q", before, after, out.String())
	}
	// The new generation is live: it answers, and the syncer writes to it.
	expect(t, "delete", c.As(m.owner).Do("DELETE", "/api/v1/products/"+m.products["Khóm Cầu Đúc"], nil), 204)
	waitFound(t, c, "q=khom", "synced into the new generation", func(r searchJSON) bool { return r.Total == 1 })
}

// readyGeneration is the index generation the server has live, from the
// pointer file Bleve keeps beside its generations.
func readyGeneration(t *testing.T, s *testServer) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.env["OCOP_DATA_DIR"], "search", "CURRENT"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// An index made by an older version of the mapping is rebuilt at start,
// in the background, and answers meanwhile.
func TestOutdatedIndexIsRebuiltAtStart(t *testing.T) {
	m := newMekong(t)
	before := readyGeneration(t, m.srv)
	if err := m.srv.stop(); err != nil {
		t.Fatal(err)
	}
	// What an older ocopd left: a generation with the first mapping.
	idx, err := bleve.Open(filepath.Join(m.srv.env["OCOP_DATA_DIR"], "search", before))
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.SetInternal([]byte("ocop.mapping"), []byte("1")); err != nil {
		t.Fatal(err)
	}
	idx.Close()

	env := maps.Clone(m.srv.env)
	delete(env, "OCOP_ADDR") // a fresh port
	srv := startServer(t, env)
	c := apitest.New(t, srv.URL)
	deadline := time.Now().Add(30 * time.Second)
	for readyGeneration(t, srv) == before {
		if time.Now().After(deadline) {
			t.Fatal("the outdated index was not rebuilt within 30 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	waitFound(t, c, "q=khom", "in the rebuilt index", func(r searchJSON) bool { return r.Total == 2 })
}

// A server killed while it held the syncing lease leaves the lease behind,
// under a name no process has any more; the next server on the data
// directory takes it back at once instead of waiting for it to expire.
func TestLeaseOfAKilledServerIsTakenBack(t *testing.T) {
	m := newMekong(t)
	if err := m.srv.stop(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(m.srv.env["OCOP_DATA_DIR"], "ocop.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ReleaseAllLeases(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, err := db.AcquireLease(ctx, search.LeaseName, "killed-server", time.Hour); !ok || err != nil {
		t.Fatalf("leave a lease behind: %v %v", ok, err)
	}
	db.Close()

	env := maps.Clone(m.srv.env)
	delete(env, "OCOP_ADDR")
	srv := startServer(t, env)
	c := apitest.New(t, srv.URL)
	expect(t, "delete", c.As(m.owner).Do("DELETE", "/api/v1/products/"+m.products["Khóm Cầu Đúc"], nil), 204)
	waitFound(t, c, "q=khom", "synced by the new server", func(r searchJSON) bool { return r.Total == 1 })
}
