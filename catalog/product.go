package catalog

import (
	"context"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/sellers"
)

// Status is where a listing stands.
type Status string

// The statuses of a listing. Only active listings of verified sellers are
// public; archived ones are gone from browsing and search but kept for the
// orders that name them.
const (
	StatusDraft    Status = "draft"
	StatusActive   Status = "active"
	StatusPaused   Status = "paused"
	StatusArchived Status = "archived"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	return s == StatusDraft || s == StatusActive || s == StatusPaused || s == StatusArchived
}

// units are the selling units sellers choose from, as Vietnamese markets
// name them.
func units() []string {
	return []string{"kg", "g", "tạ", "trái", "quả", "bó", "hộp", "chai", "túi", "cây", "hũ", "lọ", "gói",
		"con", "chậu", "lít", "cái", "bộ", "phần", "khay", "xâu", "bao", "thùng", "vé", "đêm", "người"}
}

// Units returns the selling units a listing may use.
func Units() []string { return units() }

// ValidUnit reports whether u is one of Units.
func ValidUnit(u string) bool {
	for _, x := range units() {
		if x == u {
			return true
		}
	}
	return false
}

// PriceTier is a quantity price: from MinQty units on, each costs Price.
type PriceTier struct {
	MinQty int
	Price  market.VND
}

// IssuingLevel is who granted an OCOP certificate.
type IssuingLevel string

// The issuing levels: 3 and 4 stars are granted by provinces, 5 stars nationally.
const (
	IssuedByProvince IssuingLevel = "province"
	IssuedByNational IssuingLevel = "national"
)

// OCOPStatus is where an official check of a certificate stands.
type OCOPStatus string

// The statuses of an OCOP certificate check.
const (
	OCOPPending  OCOPStatus = "pending"
	OCOPVerified OCOPStatus = "verified"
	OCOPRejected OCOPStatus = "rejected"
)

// Certificate is an OCOP certificate as the seller declares it and an
// official checks it. Stars 0 means the listing has none.
type Certificate struct {
	Stars      int
	Number     string
	IssuedBy   IssuingLevel
	IssuedAt   time.Time
	ExpiresAt  time.Time
	Status     OCOPStatus
	VerifiedBy string
	VerifiedAt time.Time
	Note       string
}

// Present reports whether there is a certificate.
func (c Certificate) Present() bool { return c.Stars != 0 }

// Badge reports whether the star badge shows at now: only while an
// official has verified the certificate and it has not expired.
func (c Certificate) Badge(now time.Time) bool {
	return c.Present() && c.Status == OCOPVerified && !c.Expired(now)
}

// Expired reports whether the certificate is no longer valid at now: it
// can then only be rejected, never verified.
func (c Certificate) Expired(now time.Time) bool { return !now.Before(c.ExpiresAt) }

// ValidStars returns the stars that count at now (0 without a badge).
func (c Certificate) ValidStars(now time.Time) int {
	if c.Badge(now) {
		return c.Stars
	}
	return 0
}

// Image is one photo of a listing, stored re-encoded in two sizes.
type Image struct {
	ID         string
	DisplayKey string // blob key of the display size (longest side ≤ 1600 px)
	ThumbKey   string // blob key of the thumbnail (≤ 400 px)
	Width      int    // of the display size
	Height     int
	CreatedAt  time.Time
}

// MaxImages is how many photos a listing may have.
const MaxImages = 8

// Product is a listing.
type Product struct {
	ID          string
	SellerID    string
	Name        string
	Description string
	CategoryID  string
	Unit        string
	Price       market.VND // per unit
	// Tiers are quantity prices, MinQty strictly increasing, Price
	// strictly decreasing and below Price.
	Tiers       []PriceTier
	Stock       int
	MinOrderQty int
	// Sold counts units sold; checkout keeps it.
	Sold     int
	RegionID string // origin
	Season   string // harvest season, free text ("tháng 3–5")
	Preorder bool
	Status   Status
	OCOP     Certificate
	// Images in display order; the first is the cover.
	Images []Image
	// CreatedBy is the account that listed it; Assisted is true when that
	// was not the seller's owner (a helper or an admin): how officials tell
	// self-service from assisted uptake.
	CreatedBy string
	Assisted  bool
	// Version grows with every write: the ETag, and the search syncer's
	// guard. SearchDirty is set by every write and cleared by the syncer.
	Version     int64
	SearchDirty bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Badge reports whether the OCOP star badge shows at now.
func (p Product) Badge(now time.Time) bool { return p.OCOP.Badge(now) }

// ValidStars returns the OCOP stars that count at now (0 without a badge).
func (p Product) ValidStars(now time.Time) int { return p.OCOP.ValidStars(now) }

// UnitPrice is the price of one unit when qty units are bought: the tier
// with the largest MinQty not above qty, else the base price.
func (p Product) UnitPrice(qty int) market.VND {
	price := p.Price
	for _, t := range p.Tiers {
		if qty >= t.MinQty {
			price = t.Price
		}
	}
	return price
}

// Public reports whether anyone may see and buy the listing: it is active
// and its seller is verified.
func (p Product) Public(s sellers.Seller) bool {
	return p.Status == StatusActive && s.Status == sellers.StatusVerified
}

// Filter selects products for a listing. Results are ordered by id.
type Filter struct {
	SellerID string
	// Statuses, when set, keeps products in one of them.
	Statuses []Status
	// PublicOnly keeps only active products of verified sellers.
	PublicOnly bool
	// After is the id of the last product of the previous page.
	After string
	Limit int
}

// CertificateFilter selects listings whose OCOP certificate waits for an
// official.
type CertificateFilter struct {
	// RegionIDs, when set, keeps listings whose region of origin is one of them.
	RegionIDs []string
	Limit     int
}

// Page is one page of a listing; Next is empty on the last page.
type Page struct {
	Items []Product
	Next  string
}

// Store keeps products. Every write bumps the version and marks the
// product dirty for search in the same write.
type Store interface {
	// CreateProduct inserts a product (with its images); an existing id is a conflict.
	CreateProduct(ctx context.Context, p Product) error
	// ProductByID returns the product with its images, or not_found.
	ProductByID(ctx context.Context, id string) (Product, error)
	// UpdateProduct replaces the fields a seller edits (not images, sold,
	// createdBy, createdAt) if the version is still expectedVersion; the
	// version becomes expectedVersion+1. Stale → precondition_failed.
	UpdateProduct(ctx context.Context, p Product, expectedVersion int64) error
	// SetImages replaces the images, in order, under the same version rule.
	SetImages(ctx context.Context, productID string, images []Image, expectedVersion int64) error
	// ListProducts returns a page of products ordered by id.
	ListProducts(ctx context.Context, f Filter) (Page, error)

	// DirtyProducts returns up to limit products whose search flag is set,
	// with the version the flag belongs to, ordered by id.
	DirtyProducts(ctx context.Context, limit int) ([]Product, error)
	// MarkClean clears the search flag if the version is still version; it
	// reports whether it did.
	MarkClean(ctx context.Context, id string, version int64) (bool, error)
	// MarkSellerProductsDirty flags every product of a seller (renamed,
	// verified, suspended) and bumps their versions, so that a sync that
	// read the old seller cannot clear the flag. It returns how many.
	MarkSellerProductsDirty(ctx context.Context, sellerID string) (int, error)
	// MarkExpiredCertificatesDirty flags, once, the products whose verified
	// certificate has expired by now (their badge must go).
	MarkExpiredCertificatesDirty(ctx context.Context, now time.Time) (int, error)
	// PendingCertificates returns up to f.Limit listings, archived ones
	// aside, whose OCOP certificate awaits verification: the longest
	// waiting (oldest update) first, then by id.
	PendingCertificates(ctx context.Context, f CertificateFilter) ([]Product, error)
	// EachProduct calls fn for every product, by id, for a full reindex.
	// An error from fn stops the walk and is returned.
	EachProduct(ctx context.Context, fn func(Product) error) error
}

// ErrNotFound is what stores answer for a missing product.
var ErrNotFound = market.NotFoundf("sản phẩm", "product")

// ErrStale is what stores answer when the version changed meanwhile.
var ErrStale = market.Errorf(market.PreconditionFailed,
	"Sản phẩm vừa được cập nhật ở nơi khác. Vui lòng tải lại rồi thử lại.",
	"The product was changed elsewhere meanwhile. Please reload and try again.")

// ErrExists is what stores answer for a duplicate id.
var ErrExists = market.Errorf(market.Conflict, "Sản phẩm này đã có.", "This product already exists.")

// MaxPageSize bounds a listing page.
const MaxPageSize = 100

// DefaultPageSize is the page size when none is asked.
const DefaultPageSize = 20
