package httpserver

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/sellers"
)

// The sellers' pages: open a shop, list products with the phone camera,
// quick edits of price and stock, the order inbox, the shop poster.

// sellerFields maps the sellers service's field names to the form's.
func sellerFields() map[string]string {
	return map[string]string{
		"bank.bin": "bankBin", "bank.accountNumber": "bankNumber", "bank.holder": "bankHolder",
		"shippingFeeVnd": "shippingFee", "freeShippingOverVnd": "freeShippingOver",
	}
}

// productFields maps the catalog's field names to the product form's.
func productFields() map[string]string {
	return map[string]string{
		"priceVnd": "price", "priceTiers": "tierPrice", "ocop.stars": "ocopStars", "ocop.number": "ocopNumber",
		"ocop.certificateNo": "ocopNumber", "ocop.issuedAt": "ocopIssuedAt", "ocop.expiresAt": "ocopExpiresAt", "ocop.issuedBy": "ocopStars",
	}
}

// myShop returns the shop the signed-in person owns or helps, or a
// not_found error when they have none yet.
func (s *Server) myShop(r *http.Request) (sellers.Seller, error) {
	actor := actorFrom(r.Context())
	if !actor.SignedIn() {
		return sellers.Seller{}, market.ErrUnauthorized
	}
	mine, err := s.deps.Sellers.Mine(r.Context(), actor)
	if err != nil {
		return sellers.Seller{}, err
	}
	if len(mine) == 0 {
		return sellers.Seller{}, sellers.ErrNotFound
	}
	return mine[0], nil
}

// withShop runs a seller page with the person's shop; without a shop it
// sends them to open one, and without a session to sign in.
func (s *Server) withShop(fn func(w http.ResponseWriter, r *http.Request, shop sellers.Seller)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		shop, err := s.myShop(r)
		switch {
		case market.IsCode(err, market.NotFound):
			http.Redirect(w, r, "/seller/register", http.StatusSeeOther)
		case market.IsCode(err, market.Unauthorized) && !safeMethod(r.Method):
			http.Redirect(w, r, "/signin?next=%2Fseller", http.StatusSeeOther)
		case err != nil:
			s.webError(w, r, err)
		default:
			fn(w, r, shop)
		}
	})
}

func statusClass(status string) string {
	switch status {
	case "verified", "active", "completed", "delivered", "paid":
		return "ok"
	case "rejected", "suspended", "cancelled", "refunded", "archived", "failed":
		return "out"
	default:
		return "wait"
	}
}

// handleSellerHome is the seller's dashboard: shop status, big buttons,
// and every product with a quick edit of price and stock.
func (s *Server) handleSellerHome() http.Handler {
	return s.withShop(func(w http.ResponseWriter, r *http.Request, shop sellers.Seller) {
		actor := actorFrom(r.Context())
		page, err := s.deps.Catalog.List(r.Context(), actor, catalog.Query{SellerID: shop.ID, Limit: catalog.MaxPageSize})
		if err != nil {
			s.webError(w, r, err)
			return
		}
		p := s.newPage(r, "seller.title")
		p.NoIndex = true
		data := sellerHomePage{
			Shop:        sellerBrief{ID: shop.ID, Name: shop.Name},
			StatusClass: statusClass(string(shop.Status)), StatusLabel: s.web.tr(p.Lang, "seller.status."+string(shop.Status)),
			NewOrders: s.newOrderCount(r, shop.ID),
		}
		if shop.Status == sellers.StatusRejected || shop.Status == sellers.StatusSuspended {
			data.StatusNote = shop.StatusNote
		}
		// Newest first: what the seller just listed is at the top.
		slices.SortStableFunc(page.Items, func(a, b catalog.Product) int { return b.CreatedAt.Compare(a.CreatedAt) })
		for _, prod := range page.Items {
			status := string(prod.Status)
			label := s.web.tr(p.Lang, "listing."+status)
			if prod.Status == catalog.StatusActive && shop.Status != sellers.StatusVerified {
				// Buyers see a shop's products once it is verified.
				status, label = "pending", s.web.tr(p.Lang, "listing.active_unverified")
			}
			row := sellerProductRow{ID: prod.ID, Name: prod.Name, StatusClass: statusClass(status),
				StatusLabel: label, Stars: prod.ValidStars(s.now()),
				Unit: prod.Unit, PriceText: prod.Price.Format(), Stock: prod.Stock, Version: prod.Version}
			if len(prod.Images) > 0 {
				row.Thumb = mediaPath(prod.Images[0].ThumbKey)
			}
			data.Products = append(data.Products, row)
		}
		p.Data = data
		s.render(w, r, http.StatusOK, "seller_home", p)
	})
}

// handleSellerRegisterPage shows the form to open a shop.
func (s *Server) handleSellerRegisterPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor := actorFrom(r.Context())
		if !actor.SignedIn() {
			http.Redirect(w, r, "/signup?next=%2Fseller%2Fregister", http.StatusSeeOther)
			return
		}
		if _, err := s.myShop(r); err == nil {
			http.Redirect(w, r, "/seller", http.StatusSeeOther)
			return
		}
		p := s.newPage(r, "register.title")
		p.NoIndex = true
		if a, err := s.deps.Accounts.Account(r.Context(), actor.AccountID); err == nil {
			p.Form.Set("phone", a.Phone.Local())
		}
		p.Data = s.registerData(p)
		s.render(w, r, http.StatusOK, "seller_register", p)
	})
}

func (s *Server) registerData(p *page) registerPage {
	var data registerPage
	kind := p.Form.Get("kind")
	if kind == "" {
		kind = string(sellers.KindHousehold)
	}
	for _, k := range []sellers.Kind{sellers.KindHousehold, sellers.KindCooperative, sellers.KindEnterprise} {
		data.Kinds = append(data.Kinds, option{Value: string(k), Label: s.kindLabel(p.Lang, k), Selected: string(k) == kind})
	}
	data.Regions = s.regionGroups(p.Form.Get("regionId"))
	for _, b := range vietQRBanks() {
		data.Banks = append(data.Banks, option{Value: b.BIN, Label: b.Name, Selected: b.BIN == p.Form.Get("bankBin")})
	}
	return data
}

// regionGroups lists the communes of every province that has them, one
// group per province: a select that works without JavaScript.
func (s *Server) regionGroups(selected string) []optGroup {
	var out []optGroup
	if s.deps.Regions == nil {
		return nil
	}
	for _, prov := range s.deps.Regions.Provinces() {
		children := s.deps.Regions.Children(prov.ID)
		if len(children) == 0 {
			continue
		}
		g := optGroup{Label: prov.DisplayName()}
		for _, c := range children {
			g.Options = append(g.Options, option{Value: c.ID, Label: c.DisplayName(), Selected: c.ID == selected})
		}
		out = append(out, g)
	}
	return out
}

// formVND reads an amount typed the Vietnamese way ("25.000"), 0 if empty.
func formVND(p *market.Problems, field, s string) market.VND {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	v, err := market.ParseVND(s)
	if err != nil {
		p.AddText(field, err.(*market.Error).Message)
	}
	return v
}

func (s *Server) handleSellerRegister() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor := actorFrom(r.Context())
		if !actor.SignedIn() {
			s.webError(w, r, market.ErrUnauthorized)
			return
		}
		f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
		var pr market.Problems
		in := sellers.Profile{
			Name: f("name"), Kind: sellers.Kind(f("kind")), Phone: f("phone"), Zalo: f("zalo"),
			RegionID: f("regionId"), Address: f("address"), Story: f("story"),
			Bank:             sellers.Bank{BIN: f("bankBin"), AccountNumber: strings.ReplaceAll(f("bankNumber"), " ", ""), Holder: strings.ToUpper(f("bankHolder"))},
			ShippingFee:      formVND(&pr, "shippingFee", f("shippingFee")),
			FreeShippingOver: formVND(&pr, "freeShippingOver", f("freeShippingOver")),
		}
		if in.Bank.BIN == "" && in.Bank.AccountNumber == "" {
			in.Bank = sellers.Bank{}
		}
		err := pr.Err()
		if err == nil {
			_, err = s.deps.Sellers.Create(r.Context(), actor, in)
		}
		if err != nil {
			if !isFormError(err) {
				s.webError(w, r, err)
				return
			}
			p := s.newPage(r, "register.title")
			p.NoIndex = true
			for _, k := range []string{"name", "kind", "phone", "zalo", "regionId", "address", "story", "bankBin", "bankNumber", "bankHolder", "shippingFee", "freeShippingOver"} {
				p.Form.Set(k, f(k))
			}
			p.formError(err, sellerFields())
			p.Data = s.registerData(p)
			s.render(w, r, http.StatusBadRequest, "seller_register", p)
			return
		}
		s.redirectWithFlash(w, r, "/seller", "seller.registered")
	})
}

// isFormError tells the errors a person can fix in the form from the
// ones the error page answers.
func isFormError(err error) bool {
	switch market.ErrorCode(err) {
	case market.Invalid, market.Conflict, market.PreconditionFailed, market.InsufficientStock, market.PayloadTooLarge:
		return true
	}
	return false
}

// productFormData is what the product form offers to choose from.
func (s *Server) productFormData(p *page, prod *catalog.Product) productFormPage {
	var data productFormPage
	chosen := p.Form.Get("unit")
	if chosen == "" {
		chosen = "kg"
	}
	for _, u := range catalog.Units() {
		label := u
		if name := unit(p.Lang, u); name != u {
			label = name + " (" + u + ")"
		}
		data.Units = append(data.Units, option{Value: u, Label: label, Selected: u == chosen})
	}
	cat := p.Form.Get("categoryId")
	for _, g := range catalog.CategoryChildren("") {
		grp := optGroup{Label: categoryName(g, p.Lang)}
		grp.Options = append(grp.Options, option{Value: g.ID, Label: categoryName(g, p.Lang) + " (" + s.web.tr(p.Lang, "search.any") + ")", Selected: g.ID == cat})
		for _, c := range catalog.CategoryChildren(g.ID) {
			grp.Options = append(grp.Options, option{Value: c.ID, Label: categoryName(c, p.Lang), Selected: c.ID == cat})
		}
		data.Categories = append(data.Categories, grp)
	}
	for _, n := range []int{3, 4, 5} {
		v := strconv.Itoa(n)
		data.StarOptions = append(data.StarOptions, option{Value: v, Label: s.web.tr(p.Lang, "home.stars_n", n), Selected: v == p.Form.Get("ocopStars")})
	}
	if prod != nil {
		data.ID, data.Version, data.Status = prod.ID, prod.Version, string(prod.Status)
		for _, im := range prod.Images {
			data.Images = append(data.Images, imageView{URL: mediaPath(im.DisplayKey), Thumb: mediaPath(im.ThumbKey), Width: im.Width, Height: im.Height})
		}
	}
	return data
}

// productFormKeys are the fields of the product form.
func productFormKeys() []string {
	return []string{"name", "price", "unit", "stock", "categoryId", "description", "minOrderQty", "tierQty", "tierPrice", "season", "ocopStars", "ocopNumber", "ocopIssuedAt", "ocopExpiresAt"}
}

// productForm is what the product form says of a listing.
type productForm struct {
	Name, Description, CategoryID, Unit, Season string
	Price                                       market.VND
	Stock, MinOrderQty                          int
	Tiers                                       []catalog.PriceTier
	OCOP                                        *catalog.CertificateInput
}

// readProductForm turns the product form into the fields of a listing.
// The problems it finds go to the catalog with the listing, under the
// catalog's names for the fields, so that one answer names every field at
// fault (an empty name with a price that cannot be read), each with the
// first problem found.
func readProductForm(r *http.Request) (productForm, market.Problems) {
	f := func(k string) string { return strings.TrimSpace(r.FormValue(k)) }
	var pr market.Problems
	out := productForm{Name: f("name"), Description: strings.TrimSpace(r.FormValue("description")), CategoryID: f("categoryId"), Unit: f("unit"), Season: f("season")}
	if f("price") == "" {
		pr.Add("priceVnd", "Hãy nhập giá bán.", "Please enter a price.")
	}
	out.Price = formVND(&pr, "priceVnd", f("price"))
	num := func(field, s string, def int) int {
		if s == "" {
			return def
		}
		// A number, which the catalog then bounds (a negative stock is a
		// number, out of its range).
		n, err := strconv.Atoi(strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), " ", ""))
		if err != nil {
			pr.Add(field, "Hãy nhập một số nguyên, ví dụ 50.", "Please enter a whole number, e.g. 50.")
		}
		return n
	}
	out.Stock = num("stock", f("stock"), 0)
	out.MinOrderQty = num("minOrderQty", f("minOrderQty"), 1)
	if q := num("tierQty", f("tierQty"), 0); q > 0 || f("tierPrice") != "" {
		out.Tiers = []catalog.PriceTier{{MinQty: q, Price: formVND(&pr, "priceTiers", f("tierPrice"))}}
	}
	if stars := f("ocopStars"); stars != "" {
		n, _ := strconv.Atoi(stars)
		c := &catalog.CertificateInput{Stars: n, Number: f("ocopNumber"), IssuedBy: catalog.IssuedByProvince}
		if n == 5 {
			c.IssuedBy = catalog.IssuedByNational
		}
		for _, d := range []struct {
			input, field string
			dst          *time.Time
		}{{"ocopIssuedAt", "ocop.issuedAt", &c.IssuedAt}, {"ocopExpiresAt", "ocop.expiresAt", &c.ExpiresAt}} {
			if v := f(d.input); v != "" {
				t, err := time.ParseInLocation("2006-01-02", v, market.VietnamTime)
				if err != nil {
					pr.Add(d.field, "Ngày không hợp lệ.", "Not a valid date.")
				}
				*d.dst = t
			}
		}
		out.OCOP = c
	}
	return out, pr
}

// handleProductNewPage is step one of "Đăng sản phẩm": a photo from the
// camera, a name, a price, a stock — the rest can come later.
func (s *Server) handleProductNewPage() http.Handler {
	return s.withShop(func(w http.ResponseWriter, r *http.Request, shop sellers.Seller) {
		p := s.newPage(r, "product_form.new_title")
		p.NoIndex = true
		p.Form.Set("minOrderQty", "1")
		p.Data = s.productFormData(p, nil)
		s.render(w, r, http.StatusOK, "seller_product", p)
	})
}

// photoParts returns the uploaded photos of a multipart form.
func photoParts(r *http.Request) []*multipart.FileHeader {
	if r.MultipartForm == nil {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return nil
		}
	}
	var out []*multipart.FileHeader
	for _, fh := range r.MultipartForm.File["image"] {
		if fh.Size > 0 {
			out = append(out, fh)
		}
	}
	return out
}

// addPhotos stores the uploaded photos of a product, up to the limit.
func (s *Server) addPhotos(r *http.Request, productID string, files []*multipart.FileHeader) error {
	for _, fh := range files {
		err := func() error {
			f, err := fh.Open()
			if err != nil {
				return market.Wrap(err, market.Invalid, "Không đọc được ảnh.", "The photo could not be read.")
			}
			defer f.Close()
			_, _, err = s.deps.Catalog.AddImage(r.Context(), actorFrom(r.Context()), productID, io.LimitReader(f, 15<<20+1))
			return err
		}()
		if err != nil {
			var e *market.Error
			if errors.As(err, &e) && e.Code == market.Invalid && len(e.Fields) == 0 {
				e = &market.Error{Code: e.Code, Message: e.Message, Fields: map[string]market.Text{"image": e.Message}}
				return e
			}
			return err
		}
	}
	return nil
}

func (s *Server) handleProductCreate() http.Handler {
	return s.withShop(func(w http.ResponseWriter, r *http.Request, shop sellers.Seller) {
		actor := actorFrom(r.Context())
		files := photoParts(r)
		in, problems := readProductForm(r)
		prod, err := s.deps.Catalog.Create(r.Context(), actor, catalog.Draft{
			SellerID: shop.ID, Name: in.Name, Description: in.Description, CategoryID: in.CategoryID, Unit: in.Unit,
			Price: in.Price, Tiers: in.Tiers, Stock: in.Stock, MinOrderQty: in.MinOrderQty, RegionID: shop.RegionID,
			Season: in.Season, Status: catalog.StatusActive, OCOP: in.OCOP, Problems: problems,
		})
		if err != nil {
			if !isFormError(err) {
				s.webError(w, r, err)
				return
			}
			p := s.newPage(r, "product_form.new_title")
			p.NoIndex = true
			for _, k := range productFormKeys() {
				p.Form.Set(k, r.FormValue(k))
			}
			p.formError(err, productFields())
			p.Data = s.productFormData(p, nil)
			s.render(w, r, http.StatusBadRequest, "seller_product", p)
			return
		}
		if err := s.addPhotos(r, prod.ID, files); err != nil {
			s.renderProductEdit(w, r, prod.ID, err)
			return
		}
		s.redirectWithFlash(w, r, "/seller", "seller.published")
	})
}

// renderProductEdit shows the edit form of a product, with err if any.
func (s *Server) renderProductEdit(w http.ResponseWriter, r *http.Request, id string, formErr error) {
	prod, _, err := s.deps.Catalog.Get(r.Context(), actorFrom(r.Context()), id)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	p := s.newPage(r, "product_form.edit_title")
	p.NoIndex = true
	p.Form.Set("name", prod.Name)
	p.Form.Set("price", prod.Price.Format())
	p.Form.Set("unit", prod.Unit)
	p.Form.Set("stock", strconv.Itoa(prod.Stock))
	p.Form.Set("categoryId", prod.CategoryID)
	p.Form.Set("description", prod.Description)
	p.Form.Set("minOrderQty", strconv.Itoa(max(prod.MinOrderQty, 1)))
	p.Form.Set("season", prod.Season)
	if len(prod.Tiers) > 0 {
		p.Form.Set("tierQty", strconv.Itoa(prod.Tiers[0].MinQty))
		p.Form.Set("tierPrice", prod.Tiers[0].Price.Format())
	}
	if prod.OCOP.Present() {
		p.Form.Set("ocopStars", strconv.Itoa(prod.OCOP.Stars))
		p.Form.Set("ocopNumber", prod.OCOP.Number)
		p.Form.Set("ocopIssuedAt", dayInput(prod.OCOP.IssuedAt))
		p.Form.Set("ocopExpiresAt", dayInput(prod.OCOP.ExpiresAt))
	}
	status := http.StatusOK
	if formErr != nil {
		if r.Method == http.MethodPost && r.URL.Path == "/seller/products/"+id {
			for _, k := range productFormKeys() {
				p.Form.Set(k, r.FormValue(k))
			}
		}
		p.formError(formErr, productFields())
		status = statusOf[market.ErrorCode(formErr)]
	}
	p.Data = s.productFormData(p, &prod)
	s.render(w, r, status, "seller_product", p)
}

func dayInput(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(market.VietnamTime).Format("2006-01-02")
}

func (s *Server) handleProductEditPage() http.Handler {
	return s.withShop(func(w http.ResponseWriter, r *http.Request, shop sellers.Seller) {
		s.renderProductEdit(w, r, mux.Vars(r)["id"], nil)
	})
}

func formVersion(r *http.Request) int64 {
	v, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	return v
}

func (s *Server) handleProductEdit() http.Handler {
	return s.withShop(func(w http.ResponseWriter, r *http.Request, shop sellers.Seller) {
		id := mux.Vars(r)["id"]
		in, problems := readProductForm(r)
		patch := catalog.Patch{Name: &in.Name, Description: &in.Description, CategoryID: &in.CategoryID, Unit: &in.Unit,
			Price: &in.Price, Tiers: &in.Tiers, Stock: &in.Stock, MinOrderQty: &in.MinOrderQty, Season: &in.Season, OCOP: in.OCOP,
			Problems: problems}
		if in.OCOP == nil {
			patch.RemoveOCOP = true
		}
		if in.Tiers == nil {
			empty := []catalog.PriceTier{}
			patch.Tiers = &empty
		}
		_, err := s.deps.Catalog.Update(r.Context(), actorFrom(r.Context()), id, patch, formVersion(r))
		if err != nil {
			if !isFormError(err) {
				s.webError(w, r, err)
				return
			}
			s.renderProductEdit(w, r, id, err)
			return
		}
		s.redirectWithFlash(w, r, "/seller/products/"+id, "seller.saved")
	})
}

// handleProductQuick saves the price and stock typed in the product list.
func (s *Server) handleProductQuick() http.Handler {
	return s.withShop(func(w http.ResponseWriter, r *http.Request, shop sellers.Seller) {
		id := mux.Vars(r)["id"]
		var pr market.Problems
		price := formVND(&pr, "price", r.PostFormValue("price"))
		stock, serr := strconv.Atoi(strings.TrimSpace(r.PostFormValue("stock")))
		if serr != nil || stock < 0 {
			pr.Add("stock", "Hãy nhập một số nguyên, ví dụ 50.", "Please enter a whole number, e.g. 50.")
		}
		err := pr.Err()
		if err == nil {
			_, err = s.deps.Catalog.Update(r.Context(), actorFrom(r.Context()), id, catalog.Patch{Price: &price, Stock: &stock}, formVersion(r))
		}
		if err != nil {
			if !isFormError(err) {
				s.webError(w, r, err)
				return
			}
			s.renderProductEdit(w, r, id, err)
			return
		}
		s.redirectWithFlash(w, r, "/seller", "seller.saved")
	})
}

// handleProductPhotos adds photos to an existing product.
func (s *Server) handleProductPhotos() http.Handler {
	return s.withShop(func(w http.ResponseWriter, r *http.Request, shop sellers.Seller) {
		id := mux.Vars(r)["id"]
		files := photoParts(r)
		if len(files) == 0 {
			s.renderProductEdit(w, r, id, market.Errorf(market.Invalid, "Hãy chọn ít nhất một ảnh.", "Please choose at least one photo.").
				WithField("image", "Chưa chọn ảnh.", "No photo chosen."))
			return
		}
		if err := s.addPhotos(r, id, files); err != nil {
			if !isFormError(err) {
				s.webError(w, r, err)
				return
			}
			s.renderProductEdit(w, r, id, err)
			return
		}
		s.redirectWithFlash(w, r, "/seller/products/"+id, "seller.photos_added")
	})
}

// handleProductStatus pauses, resumes or removes a listing.
func (s *Server) handleProductStatus() http.Handler {
	return s.withShop(func(w http.ResponseWriter, r *http.Request, shop sellers.Seller) {
		id := mux.Vars(r)["id"]
		actor := actorFrom(r.Context())
		to := catalog.Status(r.PostFormValue("status"))
		var err error
		if to == catalog.StatusArchived {
			err = s.deps.Catalog.Archive(r.Context(), actor, id, formVersion(r))
		} else {
			_, err = s.deps.Catalog.Update(r.Context(), actor, id, catalog.Patch{Status: &to}, formVersion(r))
		}
		if err != nil {
			if !isFormError(err) {
				s.webError(w, r, err)
				return
			}
			s.renderProductEdit(w, r, id, err)
			return
		}
		s.redirectWithFlash(w, r, "/seller", "seller.saved")
	})
}

// handlePoster is a printable sign with the shop's QR code.
func (s *Server) handlePoster() http.Handler {
	return s.withShop(func(w http.ResponseWriter, r *http.Request, shop sellers.Seller) {
		p := s.newPage(r, "seller.poster")
		p.NoIndex = true
		data := posterPage{Name: shop.Name, Place: s.place(shop.RegionID), QR: "/s/" + shop.ID + "/qr.png?size=640",
			URL: s.web.baseURL + "/s/" + shop.ID, Phone: shop.Phone.Local()}
		if shop.Zalo != "" {
			data.Zalo = shop.Zalo
		}
		p.Data = data
		s.render(w, r, http.StatusOK, "poster", p)
	})
}
