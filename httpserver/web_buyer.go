package httpserver

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/search"
	"github.com/ocopmarket/market/sellers"
)

// productCard is a product in a list: search results, the home page, a shop.
type productCard struct {
	ID    string
	Name  string
	Price market.VND
	Unit  string
	Thumb string
	Stars int
	Place string
	// Seller names the shop, in search results.
	Seller  string
	InStock bool
}

type categoryLink struct {
	ID, Name string
}

type homePage struct {
	Categories []categoryLink
	Stars      []int
	Picks      []productCard
	// Search: best-selling products and OCOP-starred ones, when search runs.
	Bestselling, Starred []productCard
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
		data := s.homeData(p.Lang, s.homePicks(r, p.Lang))
		// Search.
		data.Bestselling = s.searchCards(r, search.Query{Sort: search.SortBestselling, PerPage: homeRow})
		data.Starred = s.searchCards(r, search.Query{MinStars: 3, Sort: search.SortStarsDesc, PerPage: homeRow})
		p.Data = data
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

// homeRow is how many cards a row of the front page shows.
const homeRow = 8

// homePicks are the newest products on sale, for the front page.
func (s *Server) homePicks(r *http.Request, lang string) []productCard {
	// Search.
	if s.deps.Search != nil {
		return s.searchCards(r, search.Query{Sort: search.SortNewest, PerPage: homeRow})
	}
	if s.deps.Catalog == nil {
		return nil
	}
	page, err := s.deps.Catalog.List(r.Context(), market.Actor{}, catalog.Query{Limit: 8})
	if err != nil {
		loggerFrom(r.Context()).Warn("home picks", "err", err)
		return nil
	}
	out := make([]productCard, 0, len(page.Items))
	for _, p := range page.Items {
		out = append(out, s.cardOf(p))
	}
	return out
}

// mediaPath is the address of a stored photo on this site.
func mediaPath(key string) string {
	if key == "" {
		return ""
	}
	return "/media/" + key
}

// place names a region for people: "Xã Thạnh Xuân, TP Cần Thơ".
func (s *Server) place(regionID string) string {
	if s.deps.Regions == nil || regionID == "" {
		return regionID
	}
	return s.deps.Regions.FullName(regionID)
}

// cardOf is a product as a card in a list.
func (s *Server) cardOf(p catalog.Product) productCard {
	c := productCard{ID: p.ID, Name: p.Name, Price: p.Price, Unit: p.Unit, Stars: p.ValidStars(s.now()), Place: s.place(p.RegionID), InStock: p.Stock > 0}
	if len(p.Images) > 0 {
		c.Thumb = mediaPath(p.Images[0].ThumbKey)
	}
	return c
}

func (s *Server) now() time.Time { return time.Now() }

func (s *Server) kindLabel(lang string, k sellers.Kind) string {
	return s.web.tr(lang, "kind."+string(k))
}

// paragraphs splits text typed by a person into paragraphs.
func paragraphs(text string) []string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// handleProductPage is a product: photos, prices, stock, seller, origin,
// sharing. Buyers see public listings; the seller and officials also see
// the ones not yet public, marked as such.
func (s *Server) handleProductPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor := actorFrom(r.Context())
		prod, sel, err := s.deps.Catalog.Get(r.Context(), actor, mux.Vars(r)["id"])
		if err != nil {
			s.webError(w, r, err)
			return
		}
		p := s.newPage(r, "")
		p.Title = prod.Name
		data := productPage{
			ID: prod.ID, Name: prod.Name, Unit: prod.Unit, Price: prod.Price,
			Stock: prod.Stock, MinOrderQty: max(prod.MinOrderQty, 1), InStock: prod.Stock > 0, Preorder: prod.Preorder,
			Public: prod.Public(sel), CartQty: cartFrom(r).qty(prod.ID), Stars: prod.ValidStars(s.now()),
			Origin: s.place(prod.RegionID), Season: prod.Season, CategoryID: prod.CategoryID,
			Description: prod.Description, Paragraphs: paragraphs(prod.Description),
			Seller: sellerBrief{ID: sel.ID, Name: sel.Name, Kind: s.kindLabel(p.Lang, sel.Kind), Place: s.place(sel.RegionID)},
			Share:  shareBox{URL: s.web.baseURL + "/p/" + prod.ID, Title: prod.Name, QR: "/p/" + prod.ID + "/qr.png"},
		}
		if data.Stars > 0 {
			data.OCOPNumber = prod.OCOP.Number
		}
		if c, err := catalog.CategoryByID(prod.CategoryID); err == nil {
			data.Category = categoryName(c, p.Lang)
		}
		for _, t := range prod.Tiers {
			data.Tiers = append(data.Tiers, tierRow{MinQty: t.MinQty, Price: t.Price})
		}
		for _, im := range prod.Images {
			data.Images = append(data.Images, imageView{URL: mediaPath(im.DisplayKey), Thumb: mediaPath(im.ThumbKey), Width: im.Width, Height: im.Height})
		}
		p.Description = firstWords(prod.Description, 30)
		p.OG = &openGraph{Type: "product", Title: prod.Name + " – " + prod.Price.String() + "/" + unit(p.Lang, prod.Unit),
			Description: p.Description, URL: data.Share.URL, PriceVND: prod.Price}
		if len(prod.Images) > 0 {
			p.OG.Image = s.web.baseURL + mediaPath(prod.Images[0].DisplayKey)
		}
		p.NoIndex = !data.Public
		p.Data = data
		s.render(w, r, http.StatusOK, "product", p)
	})
}

// firstWords shortens text for a description meta tag.
func firstWords(text string, n int) string {
	words := strings.Fields(text)
	if len(words) <= n {
		return strings.Join(words, " ")
	}
	return strings.Join(words[:n], " ") + "…"
}

// handleShopPage is a seller's shop: story, terms and products.
func (s *Server) handleShopPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor := actorFrom(r.Context())
		sel, err := s.deps.Sellers.Get(r.Context(), actor, mux.Vars(r)["id"])
		if err != nil {
			s.webError(w, r, err)
			return
		}
		page, err := s.deps.Catalog.List(r.Context(), market.Actor{}, catalog.Query{SellerID: sel.ID, Limit: catalog.MaxPageSize})
		if err != nil && !market.IsCode(err, market.NotFound) {
			s.webError(w, r, err)
			return
		}
		p := s.newPage(r, "")
		p.Title = sel.Name
		data := shopPage{
			ID: sel.ID, Name: sel.Name, Kind: s.kindLabel(p.Lang, sel.Kind), Place: s.place(sel.RegionID),
			Verified: sel.Status == sellers.StatusVerified, Story: paragraphs(sel.Story), Since: sel.CreatedAt,
			ShippingFee: sel.ShippingFee, FreeOver: sel.FreeShippingOver,
			Share: shareBox{URL: s.web.baseURL + "/s/" + sel.ID, Title: sel.Name, QR: "/s/" + sel.ID + "/qr.png"},
		}
		if sel.Zalo != "" {
			data.Zalo = sel.Zalo
		}
		for _, prod := range page.Items {
			data.Products = append(data.Products, s.cardOf(prod))
		}
		data.Count = len(data.Products)
		p.Description = firstWords(sel.Story, 30)
		p.OG = &openGraph{Type: "website", Title: sel.Name, Description: p.Description, URL: data.Share.URL}
		for _, prod := range page.Items {
			if len(prod.Images) > 0 {
				p.OG.Image = s.web.baseURL + mediaPath(prod.Images[0].DisplayKey)
				break
			}
		}
		p.NoIndex = !data.Verified
		p.Data = data
		s.render(w, r, http.StatusOK, "shop", p)
	})
}

// handleCartAdd sets the quantity of a product in the cart cookie: 0
// removes it. It works from a plain form, without JavaScript.
func (s *Server) handleCartAdd() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimSpace(r.PostFormValue("productId"))
		qty, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("qty")))
		if err != nil || qty < 0 {
			qty = 1
		}
		if r.PostFormValue("remove") != "" {
			qty = 0
		}
		c := cartFrom(r)
		had := c.qty(id) > 0
		if qty > 0 {
			if _, _, err := s.deps.Catalog.Get(r.Context(), actorFrom(r.Context()), id); err != nil {
				s.webError(w, r, err)
				return
			}
		}
		s.saveCart(w, c.set(id, qty))
		flash := "cart.added"
		if had || qty == 0 {
			flash = "cart.updated"
		}
		s.redirectWithFlash(w, r, "/cart", flash)
	})
}

// cartContents reads every line of the cart afresh from the catalog,
// grouped by seller as checkout will split them, with what is wrong with
// each line (gone, short, below the minimum).
func (s *Server) cartContents(r *http.Request, lang string) cartPage {
	var out cartPage
	bySeller := map[string]int{}
	problems := false
	for _, l := range cartFrom(r) {
		prod, sel, err := s.deps.Catalog.Get(r.Context(), market.Actor{}, l.ProductID)
		row := cartRow{ProductID: l.ProductID, Qty: l.Qty, Max: l.Qty}
		if err != nil || !prod.Public(sel) {
			row.Name, row.Problem = l.ProductID, s.web.tr(lang, "cart.unavailable")
			problems = true
			if err == nil {
				row.Name = prod.Name
			}
			out.Groups = append(out.Groups, cartGroup{SellerName: "—", Lines: []cartRow{row}})
			continue
		}
		row.Name, row.Unit, row.Max = prod.Name, prod.Unit, prod.Stock
		row.UnitPrice = prod.UnitPrice(l.Qty)
		row.LineTotal = row.UnitPrice * market.VND(l.Qty)
		switch {
		case l.Qty > prod.Stock:
			row.Problem = s.web.tr(lang, "cart.short", prod.Stock, units(lang, int64(prod.Stock), prod.Unit))
		case l.Qty < prod.MinOrderQty:
			row.Problem = s.web.tr(lang, "cart.below_min", prod.MinOrderQty, units(lang, int64(prod.MinOrderQty), prod.Unit))
		}
		problems = problems || row.Problem != ""
		i, ok := bySeller[sel.ID]
		if !ok {
			i = len(out.Groups)
			bySeller[sel.ID] = i
			out.Groups = append(out.Groups, cartGroup{SellerName: sel.Name})
		}
		g := &out.Groups[i]
		g.Lines = append(g.Lines, row)
		g.Subtotal += row.LineTotal
		g.Shipping = sel.ShippingFor(g.Subtotal)
	}
	for _, g := range out.Groups {
		out.Total += g.Subtotal + g.Shipping
	}
	out.CanCheckout = len(out.Groups) > 0 && !problems
	return out
}

// handleCartPage shows the cart.
func (s *Server) handleCartPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(r, "cart.title")
		p.NoIndex = true
		p.Data = s.cartContents(r, p.Lang)
		s.render(w, r, http.StatusOK, "cart", p)
	})
}
