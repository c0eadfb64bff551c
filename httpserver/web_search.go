package httpserver

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/search"
)

// searchParams are the query parameters the search page keeps in its links.
var searchParams = []string{"q", "categoryId", "regionId", "stars", "minPriceVnd", "maxPriceVnd", "inStock", "sort", "page"}

// searchLinks builds the addresses of the search page: the current search
// with one parameter changed. Changing a filter goes back to page 1.
type searchLinks struct{ base url.Values }

func newSearchLinks(q search.Query) searchLinks {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" && val != "0" {
			v.Set(k, val)
		}
	}
	set("q", q.Text)
	set("categoryId", q.CategoryID)
	set("regionId", q.RegionID)
	set("stars", strconv.Itoa(q.MinStars))
	set("minPriceVnd", strconv.FormatInt(int64(q.MinPrice), 10))
	set("maxPriceVnd", strconv.FormatInt(int64(q.MaxPrice), 10))
	if q.InStock {
		v.Set("inStock", "true")
	}
	if q.Sort != search.SortRelevance {
		set("sort", string(q.Sort))
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	return searchLinks{base: v}
}

// with returns the address with the pairs (name, value) set; an empty
// value removes the parameter.
func (l searchLinks) with(pairs ...string) string {
	v := url.Values{}
	for k, vals := range l.base {
		v[k] = vals
	}
	isPage := false
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] == "page" {
			isPage = true
		}
		if pairs[i+1] == "" {
			v.Del(pairs[i])
		} else {
			v.Set(pairs[i], pairs[i+1])
		}
	}
	if !isPage {
		v.Del("page")
	}
	if len(v) == 0 {
		return "/search"
	}
	return "/search?" + v.Encode()
}

// handleSearchPage is the buyer's search: a form that works without
// JavaScript, facets as links, results as cards, pages.
func (s *Server) handleSearchPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(r, "search.title")
		params := r.URL.Query()
		p.Q = strings.TrimSpace(params.Get("q"))
		status := http.StatusOK
		q, err := search.ParseQuery(params)
		if err != nil {
			// Show what can be shown: the words, without the filters that
			// did not parse, and say what was wrong.
			p.formError(err)
			status = http.StatusBadRequest
			if q, err = (search.Query{Text: p.Q}).Normalize(); err != nil {
				q = search.Query{Page: 1, PerPage: search.DefaultPerPage, Sort: search.SortRelevance}
				p.Q = ""
			}
		}
		res, err := s.deps.Search.Search(r.Context(), q)
		if err != nil {
			s.webError(w, r, err)
			return
		}
		d := s.searchData(p.Lang, q, res, params)
		if q.Text == "" && search.Everything(p.Q) {
			d.Q = p.Q // "đặc sản" lists every product, under the words typed
		}
		if d.Q != "" {
			p.Title = d.Q
		}
		p.NoIndex = q.Page > 1 || status != http.StatusOK
		p.Data = d
		s.render(w, r, status, "search", p)
	})
}

func (s *Server) searchData(lang string, q search.Query, res search.Result, params url.Values) searchPage {
	links := newSearchLinks(q)
	d := searchPage{Q: q.Text, Dropped: strings.Join(res.Dropped, " "), Total: res.Total, Page: q.Page, InStock: q.InStock,
		MinPrice: strings.TrimSpace(params.Get("minPriceVnd")), MaxPrice: strings.TrimSpace(params.Get("maxPriceVnd"))}
	d.Pages = min(max((res.Total+q.PerPage-1)/q.PerPage, 1), search.MaxPage)
	if q.Page > 1 {
		d.PrevURL = links.with("page", pageParam(q.Page-1))
	}
	if q.Page < d.Pages {
		d.NextURL = links.with("page", strconv.Itoa(q.Page+1))
	}
	for _, so := range search.Sorts() {
		d.Sorts = append(d.Sorts, option{Value: string(so), Label: s.web.tr(lang, "sort."+string(so)), Selected: so == q.Sort})
	}
	for _, c := range catalog.Categories() {
		label := categoryName(c, lang)
		if c.ParentID != "" {
			label = "— " + label
		}
		d.Categories = append(d.Categories, option{Value: c.ID, Label: label, Selected: c.ID == q.CategoryID})
	}
	for n := 3; n <= 5; n++ {
		d.StarOptions = append(d.StarOptions, option{Value: strconv.Itoa(n), Label: s.web.tr(lang, "search.stars_min", n), Selected: q.MinStars == n})
	}
	d.Regions = s.regionOptions(q.RegionID)

	// Facets: stars as minimums, categories and regions one level below
	// the chosen one.
	stars := res.Facets[search.FacetStars]
	for n := 5; n >= 3; n-- {
		count := 0
		for k := n; k <= 5; k++ {
			count += stars[strconv.Itoa(k)]
		}
		if count > 0 {
			d.StarFacets = append(d.StarFacets, facetLink{Label: strconv.Itoa(n) + "★+", URL: links.with("stars", strconv.Itoa(n)), Count: count, Selected: q.MinStars == n})
		}
	}
	cats := res.Facets[search.FacetCategory]
	for _, c := range catalog.CategoryChildren(q.CategoryID) {
		if n := cats[c.ID]; n > 0 {
			d.CategoryFacets = append(d.CategoryFacets, facetLink{Label: categoryName(c, lang), URL: links.with("categoryId", c.ID), Count: n})
		}
	}
	if s.deps.Regions != nil {
		places := res.Facets[search.FacetRegion]
		var under []facetLink
		children := s.deps.Regions.Provinces()
		if q.RegionID != "" {
			children = s.deps.Regions.Children(q.RegionID)
		}
		for _, rg := range children {
			if n := places[rg.ID]; n > 0 {
				under = append(under, facetLink{Label: rg.Name, URL: links.with("regionId", rg.ID), Count: n})
			}
		}
		d.RegionFacets = under
	}

	// The filters in use, each a link that removes it.
	if q.CategoryID != "" {
		if c, err := catalog.CategoryByID(q.CategoryID); err == nil {
			d.Active = append(d.Active, facetLink{Label: categoryName(c, lang), URL: links.with("categoryId", "")})
		}
	}
	if q.RegionID != "" {
		d.Active = append(d.Active, facetLink{Label: s.place(q.RegionID), URL: links.with("regionId", "")})
	}
	if q.MinStars > 0 {
		d.Active = append(d.Active, facetLink{Label: s.web.tr(lang, "search.stars_min", q.MinStars), URL: links.with("stars", "")})
	}
	if q.MinPrice > 0 || q.MaxPrice > 0 {
		d.Active = append(d.Active, facetLink{Label: priceRange(q.MinPrice, q.MaxPrice), URL: links.with("minPriceVnd", "", "maxPriceVnd", "")})
	}
	if q.InStock {
		d.Active = append(d.Active, facetLink{Label: s.web.tr(lang, "search.in_stock"), URL: links.with("inStock", "")})
	}
	for _, h := range res.Hits {
		d.Hits = append(d.Hits, cardOfDocument(h))
	}
	return d
}

func pageParam(n int) string {
	if n <= 1 {
		return ""
	}
	return strconv.Itoa(n)
}

// priceRange writes a price filter as people read it: "10.000 ₫ – 50.000 ₫".
func priceRange(lo, hi market.VND) string {
	switch {
	case hi == 0:
		return "≥ " + lo.String()
	case lo == 0:
		return "≤ " + hi.String()
	default:
		return lo.String() + " – " + hi.String()
	}
}

// regionOptions are the provinces, and the communes of the chosen
// province right under it.
func (s *Server) regionOptions(selected string) []option {
	if s.deps.Regions == nil {
		return nil
	}
	province := ""
	if selected != "" {
		if pr, err := s.deps.Regions.ProvinceOf(selected); err == nil {
			province = pr.ID
		}
	}
	var out []option
	for _, pr := range s.deps.Regions.Provinces() {
		out = append(out, option{Value: pr.ID, Label: pr.DisplayName(), Selected: pr.ID == selected})
		if pr.ID != province {
			continue
		}
		for _, c := range s.deps.Regions.Children(pr.ID) {
			out = append(out, option{Value: c.ID, Label: "— " + c.DisplayName(), Selected: c.ID == selected})
		}
	}
	return out
}

// cardOfDocument is a search hit as a card.
func cardOfDocument(d search.Document) productCard {
	return productCard{ID: d.ID, Name: d.Name, Price: d.PriceVND, Unit: d.Unit, Thumb: d.ImageURL, Stars: d.Stars,
		Place: d.RegionName, Seller: d.SellerName, InStock: d.InStock}
}

// searchCards runs a search for a list of cards (the home page's rows);
// a search that fails leaves the row out.
func (s *Server) searchCards(r *http.Request, q search.Query) []productCard {
	if s.deps.Search == nil {
		return nil
	}
	res, err := s.deps.Search.Search(r.Context(), q)
	if err != nil {
		loggerFrom(r.Context()).Warn("home page search", "err", err)
		return nil
	}
	out := make([]productCard, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, cardOfDocument(h))
	}
	return out
}
