// Package sellers is about the shops of the marketplace: farm households,
// cooperatives and small enterprises, their helpers, and their verification
// by trade officials.
package sellers

import (
	"context"
	"strings"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/vietqr"
)

// Kind is what sort of business a seller is.
type Kind string

// The kinds of seller.
const (
	KindHousehold   Kind = "household"
	KindCooperative Kind = "cooperative"
	KindEnterprise  Kind = "enterprise"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	return k == KindHousehold || k == KindCooperative || k == KindEnterprise
}

// Status is where a seller stands with the marketplace.
type Status string

// The statuses: pending → verified | rejected; verified ↔ suspended;
// rejected → pending when the owner corrects and re-submits the profile.
const (
	StatusPending   Status = "pending"
	StatusVerified  Status = "verified"
	StatusRejected  Status = "rejected"
	StatusSuspended Status = "suspended"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	return s == StatusPending || s == StatusVerified || s == StatusRejected || s == StatusSuspended
}

// CanList reports whether a seller in this status may create and show
// listings: a rejected or suspended seller may not.
func (s Status) CanList() bool { return s == StatusPending || s == StatusVerified }

// Bank is the account buyers transfer to (VietQR needs the bank's NAPAS BIN).
type Bank struct {
	BIN           string
	AccountNumber string
	Holder        string
}

// IsZero reports whether no bank account is set.
func (b Bank) IsZero() bool { return b == Bank{} }

// Helper is an account allowed to act for a seller, with the owner's consent.
type Helper struct {
	AccountID string
	AddedBy   string
	AddedAt   time.Time
}

// Seller is a shop.
type Seller struct {
	ID       string
	OwnerID  string // the account that opened the shop
	Kind     Kind
	Name     string
	Phone    market.Phone
	Zalo     string
	RegionID string // usually a commune
	Address  string
	Story    string
	Bank     Bank
	// ShippingFee is the flat fee per order; FreeShippingOver, when
	// positive, waives it for orders whose subtotal reaches it.
	ShippingFee      market.VND
	FreeShippingOver market.VND
	Status           Status
	// StatusNote, StatusBy and StatusAt record the last decision of an
	// official or admin (verify, reject, suspend).
	StatusNote string
	StatusBy   string
	StatusAt   time.Time
	// VerifiedBy and VerifiedAt record the last verification.
	VerifiedBy string
	VerifiedAt time.Time
	// FirstVerifiedAt is when an official first verified the seller, kept
	// through later verifications (after a suspension, or a change of
	// region or kind): officials' figures count its listings on sale from
	// then, so a past month reads the same later.
	FirstVerifiedAt time.Time
	Helpers         []Helper
	// Version grows with every write.
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ShippingFor returns the shipping fee of an order of this seller with the
// given subtotal.
func (s Seller) ShippingFor(subtotal market.VND) market.VND {
	if s.FreeShippingOver > 0 && subtotal >= s.FreeShippingOver {
		return 0
	}
	return s.ShippingFee
}

// HasHelper reports whether the account is one of the seller's helpers.
func (s Seller) HasHelper(accountID string) bool {
	if accountID == "" {
		return false
	}
	for _, h := range s.Helpers {
		if h.AccountID == accountID {
			return true
		}
	}
	return false
}

// Filter selects sellers for a listing. Results are ordered by id.
type Filter struct {
	// RegionIDs, when set, keeps sellers in one of these regions (the
	// service expands a region into itself and everything under it).
	RegionIDs []string
	Status    Status
	Kind      Kind
	// After is the id of the last seller of the previous page.
	After string
	Limit int
}

// Page is one page of a listing; Next is empty on the last page.
type Page struct {
	Items []Seller
	Next  string
}

// Store keeps sellers and their helpers.
type Store interface {
	// CreateSeller inserts a seller; an existing id is a conflict.
	CreateSeller(ctx context.Context, s Seller) error
	// SellerByID returns the seller with its helpers, or not_found.
	SellerByID(ctx context.Context, id string) (Seller, error)
	// UpdateSeller replaces the mutable fields of a seller (not its
	// helpers) if its version is still expectedVersion, and sets the
	// version to expectedVersion+1; a stale version is precondition_failed.
	UpdateSeller(ctx context.Context, s Seller, expectedVersion int64) error
	// ListSellers returns a page of sellers ordered by id.
	ListSellers(ctx context.Context, f Filter) (Page, error)
	// SellersOfAccount returns the sellers the account owns or helps, by id.
	SellersOfAccount(ctx context.Context, accountID string) ([]Seller, error)
	// AddHelper adds a helper; adding one twice is a conflict.
	AddHelper(ctx context.Context, sellerID string, h Helper) error
	// RemoveHelper removes a helper, or answers not_found.
	RemoveHelper(ctx context.Context, sellerID, accountID string) error
}

// ErrNotFound is what stores answer for a missing seller.
var ErrNotFound = market.NotFoundf("cửa hàng", "seller")

// ErrHelperNotFound is what stores answer for a helper who is not one.
var ErrHelperNotFound = market.NotFoundf("người hỗ trợ của cửa hàng", "helper of this seller")

// ErrHelperExists is what stores answer when the helper is already there.
var ErrHelperExists = market.Errorf(market.Conflict,
	"Người này đã là người hỗ trợ của cửa hàng.", "This person already helps this seller.")

// ErrStale is what stores answer when the version changed meanwhile.
var ErrStale = market.Errorf(market.PreconditionFailed,
	"Cửa hàng vừa được người khác cập nhật. Vui lòng tải lại rồi thử lại.",
	"The seller was changed by someone else meanwhile. Please reload and try again.")

// MaxPageSize bounds a listing page.
const MaxPageSize = 100

// DefaultPageSize is the page size when none is asked.
const DefaultPageSize = 20

// clampLimit makes a page size sensible.
func clampLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultPageSize
	case n > MaxPageSize:
		return MaxPageSize
	}
	return n
}

// validateBank checks a bank account; the zero Bank is fine (none).
func validateBank(p *market.Problems, b Bank) Bank {
	b = Bank{BIN: strings.TrimSpace(b.BIN), AccountNumber: strings.ReplaceAll(strings.TrimSpace(b.AccountNumber), " ", ""), Holder: market.CleanText(b.Holder)}
	if b.IsZero() {
		return b
	}
	if !vietqr.ValidBIN(b.BIN) {
		p.Add("bank.bin", "Mã BIN ngân hàng gồm 6 chữ số (ví dụ 970436).", "The bank BIN has 6 digits (e.g. 970436).")
	}
	if !vietqr.ValidAccount(b.AccountNumber) {
		p.Add("bank.accountNumber", "Số tài khoản gồm 4–19 chữ số hoặc chữ cái.", "The account number has 4–19 digits or letters.")
	}
	p.CheckText("bank.holder", b.Holder, true, 100)
	return b
}

func validateMoney(p *market.Problems, field string, v market.VND) {
	if v < 0 || v > market.MaxVND {
		p.Add(field, "Số tiền phải từ 0 đến 1.000.000.000.000 ₫.", "The amount must be between 0 and 1,000,000,000,000 ₫.")
	}
}

// verified records a verification by an official at a time.
func (s *Seller) verified(by string, at time.Time) {
	s.VerifiedBy, s.VerifiedAt = by, at
	if s.FirstVerifiedAt.IsZero() {
		s.FirstVerifiedAt = at
	}
}
