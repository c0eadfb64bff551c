package catalog

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/regions"
	"github.com/ocopmarket/market/sellers"
)

// Sellers finds the seller of a listing; sellers.Service implements it.
type Sellers interface {
	Seller(ctx context.Context, id string) (sellers.Seller, error)
}

// Regions is what the catalog needs of the region tree.
type Regions interface {
	sellers.RegionScope
	Has(id string) bool
	Children(parentID string) []regions.Region
}

// Service lists, edits and shows products under the permission table.
type Service struct {
	store   Store
	sellers Sellers
	regions Regions
	clock   market.Clock
	photos  PhotoProcessor
	blobs   Blobs
}

// Options are the collaborators of a Service. Photos and Blobs may be nil
// when photos are not served (they are needed for AddImage).
type Options struct {
	Store   Store
	Sellers Sellers
	Regions Regions
	Clock   market.Clock
	Photos  PhotoProcessor
	Blobs   Blobs
}

// NewService returns a Service.
func NewService(o Options) *Service {
	if o.Clock == nil {
		o.Clock = market.SystemClock{}
	}
	return &Service{store: o.Store, sellers: o.Sellers, regions: o.Regions, clock: o.Clock, photos: o.Photos, blobs: o.Blobs}
}

// Store returns the service's store, for the search syncer and tools.
func (s *Service) Store() Store { return s.store }

// CertificateInput is an OCOP certificate as a seller declares it.
type CertificateInput struct {
	Stars     int
	Number    string
	IssuedBy  IssuingLevel
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// Draft is what a seller (or a helper) fills in to list a product.
type Draft struct {
	SellerID    string
	Name        string
	Description string
	CategoryID  string
	Unit        string
	Price       market.VND
	Tiers       []PriceTier
	Stock       int
	MinOrderQty int // 0 means 1
	RegionID    string
	Season      string
	Preorder    bool
	Status      Status // "" means active
	OCOP        *CertificateInput
	// Problems are those the caller found while reading the input (a date
	// it could not parse); they are answered together with the service's
	// own, so that one answer names every field at fault.
	Problems market.Problems
}

const (
	maxStock    = 1_000_000_000
	maxMinOrder = 1_000_000
	maxTiers    = 10
	maxUnitVND  = market.VND(10_000_000_000)
)

// validate checks the fields of a listing and returns the problems, with
// those already in pr.
func (s *Service) validate(p Product, now time.Time, pr market.Problems) error {
	pr.CheckText("name", p.Name, true, 150)
	pr.CheckText("description", p.Description, false, 5000)
	if _, err := CategoryByID(p.CategoryID); err != nil {
		pr.Add("categoryId", "Không có danh mục này.", "No such category.")
	}
	if !ValidUnit(p.Unit) {
		pr.Add("unit", "Đơn vị không hợp lệ; chọn một trong: "+strings.Join(Units(), ", ")+".",
			"Unknown unit; choose one of: "+strings.Join(Units(), ", ")+".")
	}
	priceOK := p.Price > 0 && p.Price <= maxUnitVND
	if !priceOK {
		pr.Add("priceVnd", "Giá phải lớn hơn 0 và không quá 10 tỷ đồng.", "The price must be greater than 0 and at most 10 billion đồng.")
	}
	if p.Stock < 0 || p.Stock > maxStock {
		pr.Add("stock", "Tồn kho phải từ 0 đến 1.000.000.000.", "The stock must be between 0 and 1,000,000,000.")
	}
	minOK := p.MinOrderQty >= 1 && p.MinOrderQty <= maxMinOrder
	if !minOK {
		pr.Add("minOrderQty", "Số lượng mua tối thiểu phải từ 1 đến 1.000.000.", "The minimum order must be between 1 and 1,000,000.")
	}
	if len(p.Tiers) > maxTiers {
		pr.Add("priceTiers", "Tối đa 10 mức giá sỉ.", "At most 10 price tiers.")
	}
	// Tiers are checked against the price and the minimum order only when
	// those are valid: a wrong price is one problem, not two.
	prevQty, prevPrice := p.MinOrderQty, p.Price
	if !minOK {
		prevQty = 0
	}
	if !priceOK {
		prevPrice = maxUnitVND + 1
	}
	for i, t := range p.Tiers {
		f := "priceTiers[" + strconv.Itoa(i) + "]"
		switch {
		case t.MinQty <= prevQty || t.MinQty > maxStock:
			pr.Add(f+".minQty", "Số lượng của mỗi mức giá phải lớn hơn mức trước (và lớn hơn số lượng tối thiểu).",
				"Each tier's quantity must be greater than the previous one (and than the minimum order).")
		case t.Price <= 0 || t.Price >= prevPrice:
			pr.Add(f+".priceVnd", "Giá sỉ phải lớn hơn 0 và thấp hơn mức giá trước.",
				"Each tier's price must be greater than 0 and lower than the previous price.")
		}
		prevQty, prevPrice = t.MinQty, t.Price
	}
	if p.RegionID == "" || !s.regions.Has(p.RegionID) {
		pr.Add("regionId", "Không có địa bàn này.", "No such region.")
	}
	pr.CheckText("season", p.Season, false, 100)
	if !p.Status.Valid() {
		pr.Add("status", "Trạng thái phải là draft, active, paused hoặc archived.", "The status must be draft, active, paused or archived.")
	}
	if c := p.OCOP; c.Present() {
		if c.Stars < 3 || c.Stars > 5 {
			pr.Add("ocop.stars", "Số sao OCOP từ 3 đến 5.", "OCOP stars are 3 to 5.")
		}
		pr.CheckText("ocop.certificateNo", c.Number, true, 64)
		if c.IssuedBy != IssuedByProvince && c.IssuedBy != IssuedByNational {
			pr.Add("ocop.issuedBy", "Cấp công nhận là province (tỉnh) hoặc national (trung ương).", "The issuing level is province or national.")
		}
		switch {
		case c.IssuedAt.IsZero():
			pr.Add("ocop.issuedAt", "Thiếu ngày cấp.", "The issue date is missing.")
		case c.IssuedAt.After(now):
			pr.Add("ocop.issuedAt", "Ngày cấp không được ở tương lai.", "The issue date cannot be in the future.")
		}
		if c.ExpiresAt.IsZero() || !c.ExpiresAt.After(c.IssuedAt) {
			pr.Add("ocop.expiresAt", "Ngày hết hạn phải sau ngày cấp.", "The expiry date must be after the issue date.")
		}
	}
	return pr.Err()
}

func certificate(in *CertificateInput) Certificate {
	if in == nil || in.Stars == 0 && in.Number == "" {
		return Certificate{}
	}
	stars := in.Stars
	if stars == 0 {
		stars = -1 // declared without stars: invalid, not "none"
	}
	return Certificate{Stars: stars, Number: market.CleanText(in.Number), IssuedBy: in.IssuedBy,
		IssuedAt: in.IssuedAt.UTC(), ExpiresAt: in.ExpiresAt.UTC(), Status: OCOPPending}
}

// ErrSellerCannotList answers a listing by a rejected or suspended seller.
var ErrSellerCannotList = market.Errorf(market.Forbidden,
	"Cửa hàng đang bị tạm ngưng hoặc bị từ chối nên không thể đăng bán.",
	"The seller is suspended or rejected and cannot list products.")

// sellerFor loads the seller of a listing, answering a missing one as an
// invalid sellerId rather than a missing page.
func (s *Service) sellerFor(ctx context.Context, id string) (sellers.Seller, error) {
	sel, err := s.sellers.Seller(ctx, id)
	if market.IsCode(err, market.NotFound) {
		return sellers.Seller{}, market.Errorf(market.Invalid, "Không có cửa hàng này.", "No such seller.").
			WithField("sellerId", "không có cửa hàng này", "no such seller")
	}
	return sel, err
}

// Create lists a product for a seller. The lister must be the seller's
// owner or helper (or an admin), and the seller must not be rejected or
// suspended.
func (s *Service) Create(ctx context.Context, actor market.Actor, in Draft) (Product, error) {
	if !actor.SignedIn() {
		return Product{}, market.ErrUnauthorized
	}
	if strings.TrimSpace(in.SellerID) == "" || !market.ValidID(in.SellerID) {
		return Product{}, market.Errorf(market.Invalid, "Thiếu cửa hàng.", "The seller is missing.").
			WithField("sellerId", "bắt buộc", "required")
	}
	sel, err := s.sellerFor(ctx, in.SellerID)
	if err != nil {
		return Product{}, err
	}
	region := strings.TrimSpace(in.RegionID)
	if region == "" {
		region = sel.RegionID
	}
	if !Can(actor, sel, region, Create, s.regions) {
		return Product{}, market.ErrForbidden
	}
	if !sel.Status.CanList() {
		return Product{}, ErrSellerCannotList
	}
	now := s.clock.Now()
	p := Product{
		ID: market.NewID(), SellerID: sel.ID, Name: market.CleanText(in.Name), Description: market.CleanMultiline(in.Description),
		CategoryID: in.CategoryID, Unit: market.CleanText(in.Unit), Price: in.Price, Tiers: cloneTiers(in.Tiers),
		Stock: in.Stock, MinOrderQty: in.MinOrderQty, RegionID: region, Season: market.CleanText(in.Season), Preorder: in.Preorder,
		Status: in.Status, OCOP: certificate(in.OCOP), CreatedBy: actor.AccountID, Assisted: actor.AccountID != sel.OwnerID,
		Version: 1, SearchDirty: true, CreatedAt: now, UpdatedAt: now,
	}
	if p.MinOrderQty == 0 {
		p.MinOrderQty = 1
	}
	if p.Status == "" {
		p.Status = StatusActive
	}
	if err := s.validate(p, now, in.Problems); err != nil {
		return Product{}, err
	}
	if p.Status == StatusArchived {
		return Product{}, market.Errorf(market.Invalid, "Không thể tạo sản phẩm đã lưu trữ.", "A new product cannot be archived.").
			WithField("status", "không thể là archived", "cannot be archived")
	}
	if err := s.store.CreateProduct(ctx, p); err != nil {
		return Product{}, err
	}
	return p, nil
}

func cloneTiers(t []PriceTier) []PriceTier {
	if len(t) == 0 {
		return nil
	}
	return append([]PriceTier(nil), t...)
}

// Get returns a product and its seller as the actor may see them: a
// listing that is not public is not_found for anyone without a tie to it.
func (s *Service) Get(ctx context.Context, actor market.Actor, id string) (Product, sellers.Seller, error) {
	p, sel, err := s.withSeller(ctx, id)
	if err != nil {
		return Product{}, sellers.Seller{}, err
	}
	if !p.Public(sel) && !Can(actor, sel, p.RegionID, ViewHidden, s.regions) {
		return Product{}, sellers.Seller{}, ErrNotFound
	}
	return p, sel, nil
}

// ProductWithSeller is what a Store may also offer: a product and its
// seller read together, in one snapshot and one round trip (a product
// page's whole read).
type ProductWithSeller interface {
	ProductWithSeller(ctx context.Context, id string) (Product, sellers.Seller, error)
}

// withSeller reads a product and its seller, together when the store can.
func (s *Service) withSeller(ctx context.Context, id string) (Product, sellers.Seller, error) {
	if both, ok := s.store.(ProductWithSeller); ok {
		return both.ProductWithSeller(ctx, id)
	}
	p, err := s.store.ProductByID(ctx, id)
	if err != nil {
		return Product{}, sellers.Seller{}, err
	}
	sel, err := s.sellers.Seller(ctx, p.SellerID)
	if err != nil {
		return Product{}, sellers.Seller{}, err
	}
	return p, sel, nil
}

// editable loads a product for a change by the actor, checking the
// permission and the expected version (0: any).
func (s *Service) editable(ctx context.Context, actor market.Actor, id string, expectedVersion int64, action Action) (Product, sellers.Seller, error) {
	if !actor.SignedIn() {
		return Product{}, sellers.Seller{}, market.ErrUnauthorized
	}
	p, sel, err := s.withSeller(ctx, id)
	if err != nil {
		return Product{}, sellers.Seller{}, err
	}
	if !Can(actor, sel, p.RegionID, action, s.regions) {
		if !p.Public(sel) && !Can(actor, sel, p.RegionID, ViewHidden, s.regions) {
			return Product{}, sellers.Seller{}, ErrNotFound
		}
		return Product{}, sellers.Seller{}, market.ErrForbidden
	}
	if expectedVersion != 0 && expectedVersion != p.Version {
		return Product{}, sellers.Seller{}, ErrStale
	}
	return p, sel, nil
}

// Patch is a partial update: nil fields stay as they are. A changed
// certificate goes back to pending until an official checks it again.
type Patch struct {
	Name        *string
	Description *string
	CategoryID  *string
	Unit        *string
	Price       *market.VND
	Tiers       *[]PriceTier
	Stock       *int
	MinOrderQty *int
	RegionID    *string
	Season      *string
	Preorder    *bool
	Status      *Status
	OCOP        *CertificateInput
	// RemoveOCOP drops the certificate.
	RemoveOCOP bool
	// Problems are those the caller found while reading the input; see Draft.
	Problems market.Problems
}

// Update changes a listing. expectedVersion (from If-Match) 0 means any. A
// patch that changes nothing writes nothing and keeps the version.
func (s *Service) Update(ctx context.Context, actor market.Actor, id string, in Patch, expectedVersion int64) (Product, error) {
	var p Product
	err := retryUnlessPinned(expectedVersion, func() (err error) {
		p, err = s.update(ctx, actor, id, in, expectedVersion)
		return err
	})
	return p, err
}

// retryUnlessPinned runs write again when it lost a race with another
// write (a sale changes stock and version) and the caller did not pin a
// version with If-Match: only a caller who named a version may be told it is stale.
func retryUnlessPinned(expectedVersion int64, write func() error) error {
	for attempt := 0; ; attempt++ {
		err := write()
		if expectedVersion != 0 || attempt == 4 || !market.IsCode(err, market.PreconditionFailed) {
			return err
		}
	}
}

func (s *Service) update(ctx context.Context, actor market.Actor, id string, in Patch, expectedVersion int64) (Product, error) {
	p, sel, err := s.editable(ctx, actor, id, expectedVersion, Edit)
	if err != nil {
		return Product{}, err
	}
	before := p
	old := p.Version
	if in.Name != nil {
		p.Name = market.CleanText(*in.Name)
	}
	if in.Description != nil {
		p.Description = market.CleanMultiline(*in.Description)
	}
	set(&p.CategoryID, in.CategoryID)
	if in.Unit != nil {
		p.Unit = market.CleanText(*in.Unit)
	}
	set(&p.Price, in.Price)
	if in.Tiers != nil {
		p.Tiers = cloneTiers(*in.Tiers)
	}
	set(&p.Stock, in.Stock)
	set(&p.MinOrderQty, in.MinOrderQty)
	if in.RegionID != nil {
		p.RegionID = strings.TrimSpace(*in.RegionID)
		if p.RegionID == "" {
			p.RegionID = sel.RegionID
		}
	}
	if in.Season != nil {
		p.Season = market.CleanText(*in.Season)
	}
	set(&p.Preorder, in.Preorder)
	if in.Status != nil {
		if *in.Status == StatusActive && p.Status != StatusActive && !sel.Status.CanList() {
			return Product{}, ErrSellerCannotList
		}
		p.Status = *in.Status
	}
	switch {
	case in.RemoveOCOP:
		p.OCOP = Certificate{}
	case in.OCOP != nil:
		c := certificate(in.OCOP)
		if c.Stars == p.OCOP.Stars && c.Number == p.OCOP.Number && c.IssuedBy == p.OCOP.IssuedBy &&
			c.IssuedAt.Equal(p.OCOP.IssuedAt) && c.ExpiresAt.Equal(p.OCOP.ExpiresAt) {
			break // unchanged: keep the official's check
		}
		p.OCOP = c
	}
	// A region moved outside the actor's reach would lock the change out.
	if in.RegionID != nil && !Can(actor, sel, p.RegionID, Edit, s.regions) {
		return Product{}, market.ErrForbidden
	}
	now := s.clock.Now()
	if err := s.validate(p, now, in.Problems); err != nil {
		return Product{}, err
	}
	if sameListing(p, before) {
		return before, nil
	}
	p.UpdatedAt, p.Version, p.SearchDirty = now, old+1, true
	if err := s.store.UpdateProduct(ctx, p, old); err != nil {
		return Product{}, err
	}
	return p, nil
}

// sameListing reports whether a and b are the same listing (Update never
// changes images).
func sameListing(a, b Product) bool {
	if !slices.Equal(a.Tiers, b.Tiers) {
		return false
	}
	a.Tiers, b.Tiers, a.Images, b.Images = nil, nil, nil, nil
	return reflect.DeepEqual(a, b)
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// Archive takes a listing off the marketplace; it stays for old orders.
// Archiving an archived listing is fine.
func (s *Service) Archive(ctx context.Context, actor market.Actor, id string, expectedVersion int64) error {
	return retryUnlessPinned(expectedVersion, func() error { return s.archive(ctx, actor, id, expectedVersion) })
}

func (s *Service) archive(ctx context.Context, actor market.Actor, id string, expectedVersion int64) error {
	p, _, err := s.editable(ctx, actor, id, expectedVersion, Edit)
	if err != nil {
		return err
	}
	if p.Status == StatusArchived {
		return nil
	}
	old := p.Version
	p.Status, p.UpdatedAt, p.Version, p.SearchDirty = StatusArchived, s.clock.Now(), old+1, true
	return s.store.UpdateProduct(ctx, p, old)
}

// Decision is what an official decides about an OCOP certificate.
type Decision string

// The decisions about a certificate.
const (
	Verify Decision = "verify"
	Reject Decision = "reject"
)

// ReviewOCOP records an official's check of a listing's OCOP certificate.
// Only officials whose region contains the product's origin, and admins,
// may do it.
func (s *Service) ReviewOCOP(ctx context.Context, actor market.Actor, id string, d Decision, note string) (Product, error) {
	var pr market.Problems
	if d != Verify && d != Reject {
		pr.Add("decision", "Quyết định phải là verify hoặc reject.", "The decision must be verify or reject.")
	}
	note = market.CleanMultiline(note)
	pr.CheckText("note", note, d == Reject, 1000)
	if err := pr.Err(); err != nil {
		return Product{}, err
	}
	p, _, err := s.editable(ctx, actor, id, 0, ReviewOCOP)
	if err != nil {
		return Product{}, err
	}
	if !p.OCOP.Present() {
		return Product{}, market.Errorf(market.Conflict, "Sản phẩm này chưa khai báo chứng nhận OCOP.", "This product declares no OCOP certificate.")
	}
	now := s.clock.Now()
	if d == Verify && p.OCOP.Expired(now) {
		return Product{}, market.Errorf(market.Conflict, "Chứng nhận OCOP này đã hết hạn.", "This OCOP certificate has expired.")
	}
	old := p.Version
	p.OCOP.Status = OCOPVerified
	if d == Reject {
		p.OCOP.Status = OCOPRejected
	}
	p.OCOP.VerifiedBy, p.OCOP.VerifiedAt, p.OCOP.Note = actor.AccountID, now, note
	p.UpdatedAt, p.Version, p.SearchDirty = now, old+1, true
	if err := s.store.UpdateProduct(ctx, p, old); err != nil {
		return Product{}, err
	}
	return p, nil
}

// Query is a listing request.
type Query struct {
	SellerID string
	Status   Status
	Cursor   string
	Limit    int
}

// List returns a page of listings. The public sees active listings of
// verified sellers; a seller's owner, helpers, officials of its region and
// admins see all of that seller's listings (archived ones only when asked).
func (s *Service) List(ctx context.Context, actor market.Actor, q Query) (Page, error) {
	var pr market.Problems
	if q.Status != "" && !q.Status.Valid() {
		pr.Add("status", "Trạng thái không hợp lệ.", "Unknown status.")
	}
	if q.Cursor != "" && !market.ValidID(q.Cursor) {
		pr.Add("cursor", "Con trỏ trang không hợp lệ.", "The page cursor is not valid.")
	}
	if q.SellerID != "" && !market.ValidID(q.SellerID) {
		pr.Add("sellerId", "Mã cửa hàng không hợp lệ.", "The seller id is not valid.")
	}
	if err := pr.Err(); err != nil {
		return Page{}, err
	}
	limit := q.Limit
	switch {
	case limit <= 0:
		limit = DefaultPageSize
	case limit > MaxPageSize:
		limit = MaxPageSize
	}
	f := Filter{SellerID: q.SellerID, After: q.Cursor, Limit: limit}
	privileged := actor.IsAdmin()
	if q.SellerID != "" {
		sel, err := s.sellers.Seller(ctx, q.SellerID)
		if err != nil {
			return Page{}, err
		}
		privileged = privileged || Can(actor, sel, sel.RegionID, ViewHidden, s.regions)
		if !privileged && sel.Status != sellers.StatusVerified {
			return Page{}, sellers.ErrNotFound
		}
	}
	switch {
	case privileged && q.Status != "":
		f.Statuses = []Status{q.Status}
	case privileged:
		f.Statuses = []Status{StatusDraft, StatusActive, StatusPaused}
	case q.Status != "" && q.Status != StatusActive:
		return Page{Items: []Product{}}, nil
	default:
		f.PublicOnly = true
	}
	page, err := s.store.ListProducts(ctx, f)
	if err != nil {
		return Page{}, err
	}
	if page.Items == nil {
		page.Items = []Product{}
	}
	return page, nil
}

// MaxPendingCertificates bounds one answer of PendingCertificates.
const MaxPendingCertificates = 200

// PendingCertificates returns the listings of a region (and the regions
// under it) whose OCOP certificate waits for an official, longest waiting
// first. An official sees their own region or one under it (empty: their
// own); an admin any region (empty: the whole country).
func (s *Service) PendingCertificates(ctx context.Context, actor market.Actor, regionID string, limit int) ([]Product, error) {
	if !actor.SignedIn() {
		return nil, market.ErrUnauthorized
	}
	admin := actor.IsAdmin()
	if !admin && (!actor.Has(market.RoleOfficial) || actor.RegionID == "") {
		return nil, market.ErrForbidden
	}
	if regionID == "" && !admin {
		regionID = actor.RegionID
	}
	if regionID != "" && !s.regions.Has(regionID) {
		return nil, market.Errorf(market.Invalid, "Địa bàn không tồn tại.", "There is no such region.").
			WithField("regionId", "không có địa bàn này", "no such region")
	}
	if !admin && !s.regions.Contains(actor.RegionID, regionID) {
		return nil, market.ErrForbidden
	}
	if limit <= 0 || limit > MaxPendingCertificates {
		limit = MaxPendingCertificates
	}
	f := CertificateFilter{Limit: limit}
	if regionID != "" {
		f.RegionIDs = []string{regionID}
		for i := 0; i < len(f.RegionIDs); i++ {
			for _, c := range s.regions.Children(f.RegionIDs[i]) {
				f.RegionIDs = append(f.RegionIDs, c.ID)
			}
		}
	}
	list, err := s.store.PendingCertificates(ctx, f)
	if err != nil {
		return nil, err
	}
	if list == nil {
		list = []Product{}
	}
	return list, nil
}
