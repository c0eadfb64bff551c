package httpserver

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/qrpng"
	"github.com/ocopmarket/market/regions"
	"github.com/ocopmarket/market/sellers"
)

// Reference data.

type regionBody struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	FullName string `json:"fullName"`
	Level    string `json:"level"`
	Kind     string `json:"kind,omitempty"`
	ParentID string `json:"parentId"`
}

func handleRegions(tree *regions.Tree) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parent := r.URL.Query().Get("parent")
		var list []regions.Region
		if parent == "" {
			list = tree.Provinces()
		} else {
			if !tree.Has(parent) {
				writeError(w, r, market.Errorf(market.NotFound, "Không có địa bàn này.", "No such region."))
				return
			}
			list = tree.Children(parent)
		}
		items := make([]regionBody, len(list))
		for i, x := range list {
			items[i] = regionBody{ID: x.ID, Name: x.DisplayName(), FullName: tree.FullName(x.ID), Level: string(x.Level), Kind: string(x.Kind), ParentID: x.ParentID}
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		encode(w, http.StatusOK, map[string]any{"items": items})
	})
}

type categoryBody struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	NameEN    string `json:"nameEn"`
	ParentID  string `json:"parentId"`
	OCOPGroup int    `json:"ocopGroup"`
}

func handleCategories() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		all := catalog.Categories()
		items := make([]categoryBody, len(all))
		for i, c := range all {
			items[i] = categoryBody{ID: c.ID, Name: c.Name, NameEN: c.NameEN, ParentID: c.ParentID, OCOPGroup: c.OCOPGroup}
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		encode(w, http.StatusOK, map[string]any{"items": items, "units": catalog.Units()})
	})
}

// Sellers.

type bankBody struct {
	BIN           string `json:"bin"`
	AccountNumber string `json:"accountNumber"`
	Holder        string `json:"holder"`
}

type helperBody struct {
	AccountID string    `json:"accountId"`
	AddedBy   string    `json:"addedBy"`
	AddedAt   time.Time `json:"addedAt"`
}

type sellerBody struct {
	ID                  string       `json:"id"`
	OwnerID             string       `json:"ownerId"`
	Name                string       `json:"name"`
	Kind                string       `json:"kind"`
	Phone               string       `json:"phone"`
	Zalo                string       `json:"zalo,omitempty"`
	RegionID            string       `json:"regionId"`
	RegionName          string       `json:"regionName"`
	Address             string       `json:"address"`
	Story               string       `json:"story,omitempty"`
	ShippingFeeVND      int64        `json:"shippingFeeVnd"`
	FreeShippingOverVND int64        `json:"freeShippingOverVnd"`
	Status              string       `json:"status"`
	StatusNote          string       `json:"statusNote,omitempty"`
	StatusBy            string       `json:"statusBy,omitempty"`
	StatusAt            *time.Time   `json:"statusAt,omitempty"`
	VerifiedBy          string       `json:"verifiedBy,omitempty"`
	VerifiedAt          *time.Time   `json:"verifiedAt,omitempty"`
	Bank                *bankBody    `json:"bank,omitempty"`
	Helpers             []helperBody `json:"helpers,omitempty"`
	Version             int64        `json:"version"`
	CreatedAt           time.Time    `json:"createdAt"`
	UpdatedAt           time.Time    `json:"updatedAt"`
}

// toSellerBody shows a seller as the service returned it (already redacted
// for the caller).
func toSellerBody(s sellers.Seller, tree *regions.Tree) sellerBody {
	b := sellerBody{ID: s.ID, OwnerID: s.OwnerID, Name: s.Name, Kind: string(s.Kind), Phone: string(s.Phone), Zalo: s.Zalo,
		RegionID: s.RegionID, RegionName: tree.FullName(s.RegionID), Address: s.Address, Story: s.Story,
		ShippingFeeVND: int64(s.ShippingFee), FreeShippingOverVND: int64(s.FreeShippingOver), Status: string(s.Status),
		StatusNote: s.StatusNote, StatusBy: s.StatusBy, StatusAt: timePtr(s.StatusAt), VerifiedBy: s.VerifiedBy, VerifiedAt: timePtr(s.VerifiedAt),
		Version: s.Version, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
	if !s.Bank.IsZero() {
		b.Bank = &bankBody{BIN: s.Bank.BIN, AccountNumber: s.Bank.AccountNumber, Holder: s.Bank.Holder}
	}
	for _, h := range s.Helpers {
		b.Helpers = append(b.Helpers, helperBody{AccountID: h.AccountID, AddedBy: h.AddedBy, AddedAt: h.AddedAt})
	}
	return b
}

func (b *bankBody) toBank() sellers.Bank {
	if b == nil {
		return sellers.Bank{}
	}
	return sellers.Bank{BIN: b.BIN, AccountNumber: b.AccountNumber, Holder: b.Holder}
}

func handleSellerCreate(svc *sellers.Service, tree *regions.Tree) http.Handler {
	type request struct {
		Name                string    `json:"name"`
		Kind                string    `json:"kind"`
		Phone               string    `json:"phone"`
		Zalo                string    `json:"zalo"`
		RegionID            string    `json:"regionId"`
		Address             string    `json:"address"`
		Story               string    `json:"story"`
		Bank                *bankBody `json:"bank"`
		ShippingFeeVND      int64     `json:"shippingFeeVnd"`
		FreeShippingOverVND int64     `json:"freeShippingOverVnd"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in request
		actor, ok := signedInDecoded(w, r, &in)
		if !ok {
			return
		}
		s, err := svc.Create(r.Context(), actor, sellers.Profile{Name: in.Name, Kind: sellers.Kind(in.Kind), Phone: in.Phone, Zalo: in.Zalo,
			RegionID: in.RegionID, Address: in.Address, Story: in.Story, Bank: in.Bank.toBank(),
			ShippingFee: market.VND(in.ShippingFeeVND), FreeShippingOver: market.VND(in.FreeShippingOverVND)})
		if err != nil {
			writeError(w, r, err)
			return
		}
		w.Header().Set("ETag", etag(s.Version))
		encode(w, http.StatusCreated, toSellerBody(s, tree))
	})
}

func handleSellerGet(svc *sellers.Service, tree *regions.Tree) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := svc.Get(r.Context(), actorFrom(r.Context()), mux.Vars(r)["id"])
		if err != nil {
			writeError(w, r, err)
			return
		}
		w.Header().Set("ETag", etag(s.Version))
		encode(w, http.StatusOK, toSellerBody(s, tree))
	})
}

func handleSellerPatch(svc *sellers.Service, tree *regions.Tree) http.Handler {
	type request struct {
		Name                *string   `json:"name"`
		Kind                *string   `json:"kind"`
		Phone               *string   `json:"phone"`
		Zalo                *string   `json:"zalo"`
		RegionID            *string   `json:"regionId"`
		Address             *string   `json:"address"`
		Story               *string   `json:"story"`
		Bank                *bankBody `json:"bank"`
		ShippingFeeVND      *int64    `json:"shippingFeeVnd"`
		FreeShippingOverVND *int64    `json:"freeShippingOverVnd"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, version, ok := signedInIfMatch(w, r)
		if !ok {
			return
		}
		var in request
		if !decoded(w, r, &in) {
			return
		}
		p := sellers.Patch{Name: in.Name, Phone: in.Phone, Zalo: in.Zalo, RegionID: in.RegionID, Address: in.Address, Story: in.Story}
		if in.Kind != nil {
			k := sellers.Kind(*in.Kind)
			p.Kind = &k
		}
		if in.Bank != nil {
			b := in.Bank.toBank()
			p.Bank = &b
		}
		if in.ShippingFeeVND != nil {
			v := market.VND(*in.ShippingFeeVND)
			p.ShippingFee = &v
		}
		if in.FreeShippingOverVND != nil {
			v := market.VND(*in.FreeShippingOverVND)
			p.FreeShippingOver = &v
		}
		s, err := svc.Update(r.Context(), actor, mux.Vars(r)["id"], p, version)
		if err != nil {
			writeError(w, r, err)
			return
		}
		w.Header().Set("ETag", etag(s.Version))
		encode(w, http.StatusOK, toSellerBody(s, tree))
	})
}

func handleSellerList(svc *sellers.Service, tree *regions.Tree) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit, err := queryLimit(q)
		if err != nil {
			writeError(w, r, err)
			return
		}
		page, err := svc.List(r.Context(), actorFrom(r.Context()), sellers.Query{RegionID: q.Get("regionId"), Status: sellers.Status(q.Get("status")),
			Kind: sellers.Kind(q.Get("kind")), Cursor: q.Get("cursor"), Limit: limit})
		if err != nil {
			writeError(w, r, err)
			return
		}
		items := make([]sellerBody, len(page.Items))
		for i, s := range page.Items {
			items[i] = toSellerBody(s, tree)
		}
		encode(w, http.StatusOK, map[string]any{"items": items, "nextCursor": page.Next})
	})
}

func handleSellerVerification(svc *sellers.Service, tree *regions.Tree) http.Handler {
	return handleReview(func(r *http.Request, actor market.Actor, id, decision, note string) (int64, any, error) {
		s, err := svc.Review(r.Context(), actor, id, sellers.Decision(decision), note)
		return s.Version, toSellerBody(s, tree), err
	})
}

// handleReview is an official's decision on a record (a shop, a
// certificate): {decision, note} in, the record and its ETag out.
func handleReview(review func(r *http.Request, actor market.Actor, id, decision, note string) (version int64, body any, err error)) http.Handler {
	type request struct {
		Decision string `json:"decision"`
		Note     string `json:"note"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in request
		actor, ok := signedInDecoded(w, r, &in)
		if !ok {
			return
		}
		version, body, err := review(r, actor, mux.Vars(r)["id"], in.Decision, in.Note)
		if err != nil {
			writeError(w, r, err)
			return
		}
		w.Header().Set("ETag", etag(version))
		encode(w, http.StatusOK, body)
	})
}

func handleSellerHelperAdd(svc *sellers.Service, tree *regions.Tree) http.Handler {
	type request struct {
		AccountID string `json:"accountId"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in request
		actor, ok := signedInDecoded(w, r, &in)
		if !ok {
			return
		}
		s, err := svc.AddHelper(r.Context(), actor, mux.Vars(r)["id"], in.AccountID)
		if err != nil {
			writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, toSellerBody(s, tree))
	})
}

func handleSellerHelperRemove(svc *sellers.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, ok := signedIn(w, r)
		if !ok {
			return
		}
		v := mux.Vars(r)
		if err := svc.RemoveHelper(r.Context(), actor, v["id"], v["accountId"]); err != nil {
			writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// Products.

type tierBody struct {
	MinQty   int   `json:"minQty"`
	PriceVND int64 `json:"priceVnd"`
}

type ocopInBody struct {
	Stars         int    `json:"stars"`
	CertificateNo string `json:"certificateNo"`
	IssuedBy      string `json:"issuedBy"`
	IssuedAt      string `json:"issuedAt"`
	ExpiresAt     string `json:"expiresAt"`
}

type ocopOutBody struct {
	Stars         int        `json:"stars"`
	CertificateNo string     `json:"certificateNo"`
	IssuedBy      string     `json:"issuedBy"`
	IssuedAt      string     `json:"issuedAt"`
	ExpiresAt     string     `json:"expiresAt"`
	Status        string     `json:"status"`
	Verified      bool       `json:"verified"`
	Badge         bool       `json:"badge"`
	VerifiedBy    string     `json:"verifiedBy,omitempty"`
	VerifiedAt    *time.Time `json:"verifiedAt,omitempty"`
	Note          string     `json:"note,omitempty"`
}

type imageBody struct {
	ID       string `json:"id"`
	URL      string `json:"url"`
	ThumbURL string `json:"thumbUrl"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
}

type sellerRefBody struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	RegionID string `json:"regionId"`
	Status   string `json:"status"`
}

type productBody struct {
	ID          string         `json:"id"`
	SellerID    string         `json:"sellerId"`
	Seller      *sellerRefBody `json:"seller,omitempty"`
	Name        string         `json:"name"`
	Description string         `json:"description"`
	CategoryID  string         `json:"categoryId"`
	Unit        string         `json:"unit"`
	PriceVND    int64          `json:"priceVnd"`
	PriceTiers  []tierBody     `json:"priceTiers"`
	Stock       int            `json:"stock"`
	MinOrderQty int            `json:"minOrderQty"`
	Sold        int            `json:"sold"`
	RegionID    string         `json:"regionId"`
	RegionName  string         `json:"regionName"`
	Season      string         `json:"season,omitempty"`
	Preorder    bool           `json:"preorder"`
	Status      string         `json:"status"`
	OCOP        *ocopOutBody   `json:"ocop,omitempty"`
	Images      []imageBody    `json:"images"`
	CreatedBy   string         `json:"createdBy"`
	Assisted    bool           `json:"assisted"`
	Version     int64          `json:"version"`
	CreatedAt   time.Time      `json:"createdAt"`
	UpdatedAt   time.Time      `json:"updatedAt"`
}

// Certificates carry dates: issued on a day, valid through a day, in
// Vietnam time. The domain keeps the instants they start and stop counting.
const dateLayout = "2006-01-02"

func parseDay(field, s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation(dateLayout, s, market.VietnamTime)
	if err != nil {
		return time.Time{}, market.Errorf(market.Invalid, "Ngày không hợp lệ.", "Not a valid date.").
			WithField(field, "ngày theo dạng YYYY-MM-DD", "a date as YYYY-MM-DD")
	}
	if end {
		d = d.AddDate(0, 0, 1)
	}
	return d.UTC(), nil
}

func formatDay(t time.Time, end bool) string {
	if t.IsZero() {
		return ""
	}
	if end {
		t = t.Add(-time.Millisecond)
	}
	return t.In(market.VietnamTime).Format(dateLayout)
}

// toInput reads the certificate; a date it cannot read is added to pr, for
// the service to answer with every other problem.
func (b *ocopInBody) toInput(pr *market.Problems) *catalog.CertificateInput {
	day := func(field, s string, end bool) time.Time {
		d, err := parseDay(field, s, end)
		if e := (*market.Error)(nil); errors.As(err, &e) {
			pr.AddText(field, e.Fields[field])
		}
		return d
	}
	issued := day("ocop.issuedAt", b.IssuedAt, false)
	expires := day("ocop.expiresAt", b.ExpiresAt, true)
	return &catalog.CertificateInput{Stars: b.Stars, Number: b.CertificateNo, IssuedBy: catalog.IssuingLevel(b.IssuedBy), IssuedAt: issued, ExpiresAt: expires}
}

func toTiers(in []tierBody) []catalog.PriceTier {
	out := make([]catalog.PriceTier, len(in))
	for i, t := range in {
		out[i] = catalog.PriceTier{MinQty: t.MinQty, Price: market.VND(t.PriceVND)}
	}
	return out
}

// productView turns products into bodies; it knows the public base URL.
type productView struct {
	baseURL string
	tree    *regions.Tree
	now     func() time.Time
}

func (v productView) mediaURL(key string) string { return v.baseURL + "/media/" + key }

func (v productView) body(p catalog.Product, s *sellers.Seller) productBody {
	b := productBody{ID: p.ID, SellerID: p.SellerID, Name: p.Name, Description: p.Description, CategoryID: p.CategoryID, Unit: p.Unit,
		PriceVND: int64(p.Price), PriceTiers: []tierBody{}, Stock: p.Stock, MinOrderQty: p.MinOrderQty, Sold: p.Sold,
		RegionID: p.RegionID, RegionName: v.tree.FullName(p.RegionID), Season: p.Season, Preorder: p.Preorder, Status: string(p.Status),
		Images: []imageBody{}, CreatedBy: p.CreatedBy, Assisted: p.Assisted, Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	if s != nil {
		b.Seller = &sellerRefBody{ID: s.ID, Name: s.Name, RegionID: s.RegionID, Status: string(s.Status)}
	}
	for _, t := range p.Tiers {
		b.PriceTiers = append(b.PriceTiers, tierBody{MinQty: t.MinQty, PriceVND: int64(t.Price)})
	}
	if c := p.OCOP; c.Present() {
		b.OCOP = &ocopOutBody{Stars: c.Stars, CertificateNo: c.Number, IssuedBy: string(c.IssuedBy), IssuedAt: formatDay(c.IssuedAt, false),
			ExpiresAt: formatDay(c.ExpiresAt, true), Status: string(c.Status), Verified: c.Status == catalog.OCOPVerified,
			Badge: c.Badge(v.now()), VerifiedBy: c.VerifiedBy, VerifiedAt: timePtr(c.VerifiedAt), Note: c.Note}
	}
	for _, im := range p.Images {
		b.Images = append(b.Images, v.image(im))
	}
	return b
}

func (v productView) image(im catalog.Image) imageBody {
	return imageBody{ID: im.ID, URL: v.mediaURL(im.DisplayKey), ThumbURL: v.mediaURL(im.ThumbKey), Width: im.Width, Height: im.Height}
}

func handleProductCreate(svc *catalog.Service, v productView) http.Handler {
	type request struct {
		SellerID    string      `json:"sellerId"`
		Name        string      `json:"name"`
		Description string      `json:"description"`
		CategoryID  string      `json:"categoryId"`
		Unit        string      `json:"unit"`
		PriceVND    int64       `json:"priceVnd"`
		PriceTiers  []tierBody  `json:"priceTiers"`
		Stock       int         `json:"stock"`
		MinOrderQty int         `json:"minOrderQty"`
		RegionID    string      `json:"regionId"`
		Season      string      `json:"season"`
		Preorder    bool        `json:"preorder"`
		Status      string      `json:"status"`
		OCOP        *ocopInBody `json:"ocop"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in request
		actor, ok := signedInDecoded(w, r, &in)
		if !ok {
			return
		}
		d := catalog.Draft{SellerID: in.SellerID, Name: in.Name, Description: in.Description, CategoryID: in.CategoryID, Unit: in.Unit,
			Price: market.VND(in.PriceVND), Tiers: toTiers(in.PriceTiers), Stock: in.Stock, MinOrderQty: in.MinOrderQty, RegionID: in.RegionID,
			Season: in.Season, Preorder: in.Preorder, Status: catalog.Status(in.Status)}
		if in.OCOP != nil {
			d.OCOP = in.OCOP.toInput(&d.Problems)
		}
		p, err := svc.Create(r.Context(), actor, d)
		if err != nil {
			writeError(w, r, err)
			return
		}
		w.Header().Set("ETag", etag(p.Version))
		w.Header().Set("Location", "/api/v1/products/"+p.ID)
		writeProduct(w, http.StatusCreated, v.body(p, nil))
	})
}

// privateNoCache lets a browser keep a product page but ask again each
// time (the ETag makes that cheap); shared as securityHeaders' values are.
var privateNoCache = []string{"private, no-cache"}

func handleProductGet(svc *catalog.Service, v productView) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, s, err := svc.Get(r.Context(), actorFrom(r.Context()), pathID(r))
		if err != nil {
			writeError(w, r, err)
			return
		}
		tag := etag(p.Version)
		h := w.Header()
		h["Etag"] = []string{tag}
		h["Cache-Control"] = privateNoCache
		if match := r.Header.Get("If-None-Match"); match != "" && match == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		writeProduct(w, http.StatusOK, v.body(p, &s))
	})
}

func handleProductPatch(svc *catalog.Service, v productView) http.Handler {
	type request struct {
		Name        *string         `json:"name"`
		Description *string         `json:"description"`
		CategoryID  *string         `json:"categoryId"`
		Unit        *string         `json:"unit"`
		PriceVND    *int64          `json:"priceVnd"`
		PriceTiers  *[]tierBody     `json:"priceTiers"`
		Stock       *int            `json:"stock"`
		MinOrderQty *int            `json:"minOrderQty"`
		RegionID    *string         `json:"regionId"`
		Season      *string         `json:"season"`
		Preorder    *bool           `json:"preorder"`
		Status      *string         `json:"status"`
		OCOP        json.RawMessage `json:"ocop"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, version, ok := signedInIfMatch(w, r)
		if !ok {
			return
		}
		var in request
		if !decoded(w, r, &in) {
			return
		}
		p := catalog.Patch{Name: in.Name, Description: in.Description, CategoryID: in.CategoryID, Unit: in.Unit, Stock: in.Stock,
			MinOrderQty: in.MinOrderQty, RegionID: in.RegionID, Season: in.Season, Preorder: in.Preorder}
		if in.PriceVND != nil {
			x := market.VND(*in.PriceVND)
			p.Price = &x
		}
		if in.PriceTiers != nil {
			t := toTiers(*in.PriceTiers)
			p.Tiers = &t
		}
		if in.Status != nil {
			st := catalog.Status(*in.Status)
			p.Status = &st
		}
		switch {
		case len(in.OCOP) == 0:
		case string(in.OCOP) == "null":
			p.RemoveOCOP = true
		default:
			var ob ocopInBody
			// Kept raw to tell null (remove) from absent; read as
			// strictly as the body around it.
			if err := checkShapeAt(in.OCOP, reflect.TypeOf(ob), "ocop"); err != nil {
				writeError(w, r, err)
				return
			}
			dec := json.NewDecoder(strings.NewReader(string(in.OCOP)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&ob); err != nil {
				writeError(w, r, market.Errorf(market.Invalid, "Chứng nhận OCOP không hợp lệ.", "The OCOP certificate is not valid.").
					WithField("ocop", "phải là một đối tượng với stars, certificateNo, issuedBy, issuedAt, expiresAt", "must be an object with stars, certificateNo, issuedBy, issuedAt, expiresAt"))
				return
			}
			p.OCOP = ob.toInput(&p.Problems)
		}
		out, err := svc.Update(r.Context(), actor, mux.Vars(r)["id"], p, version)
		if err != nil {
			writeError(w, r, err)
			return
		}
		w.Header().Set("ETag", etag(out.Version))
		writeProduct(w, http.StatusOK, v.body(out, nil))
	})
}

func handleProductDelete(svc *catalog.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, version, ok := signedInIfMatch(w, r)
		if !ok {
			return
		}
		if err := svc.Archive(r.Context(), actor, mux.Vars(r)["id"], version); err != nil {
			writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func handleProductList(svc *catalog.Service, v productView) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit, err := queryLimit(q)
		if err != nil {
			writeError(w, r, err)
			return
		}
		page, err := svc.List(r.Context(), actorFrom(r.Context()), catalog.Query{SellerID: q.Get("sellerId"), Status: catalog.Status(q.Get("status")),
			Cursor: q.Get("cursor"), Limit: limit})
		if err != nil {
			writeError(w, r, err)
			return
		}
		items := make([]productBody, len(page.Items))
		for i, p := range page.Items {
			items[i] = v.body(p, nil)
		}
		encode(w, http.StatusOK, map[string]any{"items": items, "nextCursor": page.Next})
	})
}

func handleProductOCOPVerification(svc *catalog.Service, v productView) http.Handler {
	return handleReview(func(r *http.Request, actor market.Actor, id, decision, note string) (int64, any, error) {
		p, err := svc.ReviewOCOP(r.Context(), actor, id, catalog.Decision(decision), note)
		return p.Version, v.body(p, nil), err
	})
}

// Photos.

func handleProductImageAdd(svc *catalog.Service, v productView) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, ok := signedIn(w, r)
		if !ok {
			return
		}
		part, err := imagePart(r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		defer part.Close()
		img, _, err := svc.AddImage(r.Context(), actor, mux.Vars(r)["id"], part)
		if err != nil {
			var maxErr *http.MaxBytesError
			if errors.As(err, &maxErr) {
				err = market.Errorf(market.PayloadTooLarge, "Tệp ảnh quá lớn (tối đa 15 MB).", "The image file is too large (at most 15 MB).")
			}
			writeError(w, r, err)
			return
		}
		encode(w, http.StatusCreated, v.image(img))
	})
}

// imagePart finds the multipart field "image" without buffering the body.
func imagePart(r *http.Request) (io.ReadCloser, error) {
	noImage := market.Errorf(market.Invalid, "Hãy gửi ảnh trong trường \"image\" của biểu mẫu multipart.",
		"Send the photo in the \"image\" field of a multipart form.").WithField("image", "bắt buộc", "required")
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil, noImage
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, noImage
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			var maxErr *http.MaxBytesError
			if errors.As(err, &maxErr) {
				return nil, market.Errorf(market.PayloadTooLarge, "Tệp ảnh quá lớn (tối đa 15 MB).", "The image file is too large (at most 15 MB).")
			}
			return nil, noImage
		}
		if part.FormName() == "image" {
			return part, nil
		}
		part.Close()
	}
}

func handleProductImageDelete(svc *catalog.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, ok := signedIn(w, r)
		if !ok {
			return
		}
		vars := mux.Vars(r)
		if err := svc.RemoveImage(r.Context(), actor, vars["id"], vars["imageId"]); err != nil {
			writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func handleProductImageOrder(svc *catalog.Service, v productView) http.Handler {
	type request struct {
		ImageIDs []string `json:"imageIds"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in request
		actor, ok := signedInDecoded(w, r, &in)
		if !ok {
			return
		}
		p, err := svc.ReorderImages(r.Context(), actor, mux.Vars(r)["id"], in.ImageIDs)
		if err != nil {
			writeError(w, r, err)
			return
		}
		w.Header().Set("ETag", etag(p.Version))
		writeProduct(w, http.StatusOK, v.body(p, nil))
	})
}

// handleMedia serves stored photos. Their keys never change, so they are
// cached for a year.
func handleMedia(blobs catalog.Blobs) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if blobs == nil {
			writeError(w, r, market.NotFoundf("tệp", "file"))
			return
		}
		rc, info, err := blobs.Open(r.Context(), mux.Vars(r)["key"])
		if err != nil {
			if market.IsCode(err, market.Invalid) {
				err = market.NotFoundf("tệp", "file")
			}
			writeError(w, r, err)
			return
		}
		defer rc.Close()
		w.Header().Set("Content-Type", info.ContentType)
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		http.ServeContent(w, r, "", info.ModTime, rc)
	})
}

// QR codes.

func handleQR(pageURL func(r *http.Request) (string, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		size := 512
		if s := r.URL.Query().Get("size"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < qrpng.MinSize || n > qrpng.MaxSize {
				writeError(w, r, market.Errorf(market.Invalid, "Kích thước ảnh QR không hợp lệ.", "The QR image size is not valid.").
					WithField("size", "từ "+strconv.Itoa(qrpng.MinSize)+" đến "+strconv.Itoa(qrpng.MaxSize), "from "+strconv.Itoa(qrpng.MinSize)+" to "+strconv.Itoa(qrpng.MaxSize)))
				return
			}
			size = n
		}
		u, err := pageURL(r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		png, err := qrpng.Encode(u, size)
		if err != nil {
			writeError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Header().Set("Content-Length", strconv.Itoa(len(png)))
		_, _ = w.Write(png)
	})
}

func productQRURL(svc *catalog.Service, baseURL string) func(r *http.Request) (string, error) {
	return func(r *http.Request) (string, error) {
		p, _, err := svc.Get(r.Context(), actorFrom(r.Context()), mux.Vars(r)["id"])
		if err != nil {
			return "", err
		}
		return baseURL + "/p/" + p.ID, nil
	}
}

func sellerQRURL(svc *sellers.Service, baseURL string) func(r *http.Request) (string, error) {
	return func(r *http.Request) (string, error) {
		s, err := svc.Get(r.Context(), actorFrom(r.Context()), mux.Vars(r)["id"])
		if err != nil {
			return "", err
		}
		return baseURL + "/s/" + s.ID, nil
	}
}

// Versions travel as strong ETags: "7".

func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// ifMatch reads the version a client expects from If-Match; 0 when the
// header is absent or "*". A tag that is not one of ours can never match.
// signedInIfMatch is signedIn for a write that may be conditional: it
// also reads If-Match, answering the error itself when there is one.
func signedInIfMatch(w http.ResponseWriter, r *http.Request) (market.Actor, int64, bool) {
	actor, ok := signedIn(w, r)
	if !ok {
		return market.Actor{}, 0, false
	}
	version, err := ifMatch(r)
	if err != nil {
		writeError(w, r, err)
		return market.Actor{}, 0, false
	}
	return actor, version, true
}

func ifMatch(r *http.Request) (int64, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return 0, nil
	}
	h = strings.TrimPrefix(h, "W/")
	n, err := strconv.ParseInt(strings.Trim(h, `"`), 10, 64)
	if err != nil || n <= 0 {
		return 0, market.Errorf(market.PreconditionFailed,
			"Phiên bản (If-Match) không khớp. Vui lòng tải lại rồi thử lại.",
			"The version in If-Match does not match. Please reload and try again.")
	}
	return n, nil
}

// MaxPageLimit is the largest page a list answers.
const maxPageLimit = 100

// queryLimit reads the page size of a list: absent means the list's
// default (0); anything but a whole number from 1 to 100 is refused, never
// quietly clamped, so a script learns at once that it asked too much.
func queryLimit(q url.Values) (int, error) {
	s := q.Get("limit")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxPageLimit {
		return 0, market.Errorf(market.Invalid, "Tham số không hợp lệ.", "A query parameter is not valid.").
			WithField("limit", "limit phải từ 1 đến 100.", "limit must be between 1 and 100.")
	}
	return n, nil
}
