package httpserver

import (
	"net/http"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/catalog"
)

// productCard is a product in a list: search results, the home page, a shop.
type productCard struct {
	ID      string
	Name    string
	Price   market.VND
	Unit    string
	Thumb   string
	Stars   int
	Place   string
	InStock bool
}

type categoryLink struct {
	ID, Name string
}

type homePage struct {
	Categories []categoryLink
	Stars      []int
	Picks      []productCard
}

// categoryName is the category's name in the page's language.
func categoryName(c catalog.Category, lang string) string {
	if lang == "en" && c.NameEN != "" {
		return c.NameEN
	}
	return c.Name
}

// handleHome is the front page: categories, OCOP stars, new products.
func (s *Server) handleHome() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			s.webNotFound(w, r)
			return
		}
		p := s.newPage(r, "")
		p.Title = ""
		p.OG = &openGraph{Type: "website", Title: s.web.tr(p.Lang, "home.title"), Description: s.web.tr(p.Lang, "site.description"), URL: s.web.baseURL + "/"}
		p.Data = s.homeData(p.Lang, nil)
		s.render(w, r, http.StatusOK, "home", p)
	})
}

// webNotFound is the page for an address that leads nowhere.
func (s *Server) webNotFound(w http.ResponseWriter, r *http.Request) {
	s.webError(w, r, market.Errorf(market.NotFound, "Trang bạn tìm không có ở đây. Có thể đường dẫn đã cũ hoặc gõ nhầm.", "The page you are looking for is not here. The link may be old or mistyped."))
}

func (s *Server) homeData(lang string, picks []productCard) homePage {
	data := homePage{Stars: []int{5, 4, 3}, Picks: picks}
	for _, c := range catalog.CategoryChildren("") {
		data.Categories = append(data.Categories, categoryLink{ID: c.ID, Name: categoryName(c, lang)})
	}
	return data
}
