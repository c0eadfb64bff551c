package sellers

import (
	"context"
	"strings"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/accounts"
	"github.com/ocopmarket/market/regions"
)

// Roles grants roles to accounts; accounts.Service implements it.
type Roles interface {
	Grant(ctx context.Context, accountID string, role market.Role) (accounts.Account, error)
}

// ProductsDirtier marks a seller's products for re-indexing when what the
// search index shows of the seller changes (name, region, status);
// catalog stores implement it.
type ProductsDirtier interface {
	MarkSellerProductsDirty(ctx context.Context, sellerID string) (int, error)
}

// Tree is the part of the region tree the service uses.
type Tree interface {
	RegionScope
	Has(id string) bool
	Children(parentID string) []regions.Region
}

// Service runs the onboarding and verification of sellers.
type Service struct {
	store   Store
	roles   Roles
	tree    Tree
	dirtier ProductsDirtier
	clock   market.Clock
}

// Options are the collaborators of a Service. Dirtier may be nil.
type Options struct {
	Store   Store
	Roles   Roles
	Tree    Tree
	Dirtier ProductsDirtier
	Clock   market.Clock
}

// NewService returns a Service.
func NewService(o Options) *Service {
	if o.Clock == nil {
		o.Clock = market.SystemClock{}
	}
	return &Service{store: o.Store, roles: o.Roles, tree: o.Tree, dirtier: o.Dirtier, clock: o.Clock}
}

// Profile is what an owner fills in to open a shop.
type Profile struct {
	Name             string
	Kind             Kind
	Phone            string
	Zalo             string
	RegionID         string
	Address          string
	Story            string
	Bank             Bank
	ShippingFee      market.VND
	FreeShippingOver market.VND
}

func (s *Service) validate(p *market.Problems, in *Profile) market.Phone {
	in.Name = market.CleanText(in.Name)
	p.CheckText("name", in.Name, true, 120)
	if !in.Kind.Valid() {
		p.Add("kind", "Loại hình phải là hộ gia đình, hợp tác xã hoặc doanh nghiệp.", "The kind must be household, cooperative or enterprise.")
	}
	phone, err := market.ParsePhone(in.Phone)
	if err != nil {
		p.AddText("phone", err.(*market.Error).Message)
	}
	zalo, ok := parseZalo(in.Zalo)
	if !ok {
		p.Add("zalo", "Zalo là số điện thoại (ví dụ 0912 345 678) hoặc đường dẫn zalo.me/….",
			"Zalo is a phone number (e.g. 0912 345 678) or a zalo.me/… link.")
	}
	in.Zalo = zalo
	in.RegionID = strings.TrimSpace(in.RegionID)
	if in.RegionID == "" || !s.tree.Has(in.RegionID) {
		p.Add("regionId", "Không có địa bàn này.", "No such region.")
	}
	in.Address = market.CleanText(in.Address)
	p.CheckText("address", in.Address, true, 300)
	in.Story = market.CleanMultiline(in.Story)
	p.CheckText("story", in.Story, false, 5000)
	in.Bank = validateBank(p, in.Bank)
	validateMoney(p, "shippingFeeVnd", in.ShippingFee)
	validateMoney(p, "freeShippingOverVnd", in.FreeShippingOver)
	return phone
}

// Create opens a shop for the signed-in actor, pending verification. The
// actor's account gains the seller role.
func (s *Service) Create(ctx context.Context, actor market.Actor, in Profile) (Seller, error) {
	if !actor.SignedIn() {
		return Seller{}, market.ErrUnauthorized
	}
	var p market.Problems
	phone := s.validate(&p, &in)
	if err := p.Err(); err != nil {
		return Seller{}, err
	}
	now := s.clock.Now()
	sel := Seller{
		ID: market.NewID(), OwnerID: actor.AccountID, Kind: in.Kind, Name: in.Name, Phone: phone, Zalo: in.Zalo,
		RegionID: in.RegionID, Address: in.Address, Story: in.Story, Bank: in.Bank,
		ShippingFee: in.ShippingFee, FreeShippingOver: in.FreeShippingOver,
		Status: StatusPending, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	if err := s.store.CreateSeller(ctx, sel); err != nil {
		return Seller{}, err
	}
	if _, err := s.roles.Grant(ctx, actor.AccountID, market.RoleSeller); err != nil {
		return Seller{}, err
	}
	return sel, nil
}

// Get returns a seller as the actor may see it: a seller that is not
// verified is not_found for the public, and the bank account is blanked
// for anyone but its owner and admins.
func (s *Service) Get(ctx context.Context, actor market.Actor, id string) (Seller, error) {
	sel, err := s.store.SellerByID(ctx, id)
	if err != nil {
		return Seller{}, err
	}
	if sel.Status != StatusVerified && !Can(actor, sel, ViewHidden, s.tree) {
		return Seller{}, ErrNotFound
	}
	return s.redact(actor, sel), nil
}

// Seller returns a seller as stored, for other services (catalog, orders)
// that apply their own rules.
func (s *Service) Seller(ctx context.Context, id string) (Seller, error) {
	return s.store.SellerByID(ctx, id)
}

func (s *Service) redact(actor market.Actor, sel Seller) Seller {
	if !Can(actor, sel, ViewBank, s.tree) {
		sel.Bank = Bank{}
	}
	if !Can(actor, sel, ViewHidden, s.tree) {
		sel.Helpers = nil
	}
	return sel
}

// Patch is a partial update: nil fields stay as they are.
type Patch struct {
	Name             *string
	Kind             *Kind
	Phone            *string
	Zalo             *string
	RegionID         *string
	Address          *string
	Story            *string
	Bank             *Bank
	ShippingFee      *market.VND
	FreeShippingOver *market.VND
}

// Update changes a seller's profile. A rejected seller whose owner corrects
// the profile goes back to pending, to be reviewed again; so does a
// verified or suspended seller that moves to another region or changes
// its kind. A patch that changes nothing writes nothing and keeps the
// version. expectedVersion 0 means "whatever the current version is".
func (s *Service) Update(ctx context.Context, actor market.Actor, id string, in Patch, expectedVersion int64) (Seller, error) {
	sel, err := s.store.SellerByID(ctx, id)
	if err != nil {
		return Seller{}, err
	}
	if !Can(actor, sel, Update, s.tree) {
		if sel.Status != StatusVerified && !Can(actor, sel, ViewHidden, s.tree) {
			return Seller{}, ErrNotFound
		}
		return Seller{}, market.ErrForbidden
	}
	if in.Bank != nil && !Can(actor, sel, UpdateBank, s.tree) {
		return Seller{}, market.Errorf(market.Forbidden,
			"Chỉ chủ cửa hàng mới được đổi tài khoản ngân hàng.", "Only the owner may change the bank account.").
			WithField("bank", "chỉ chủ cửa hàng", "owner only")
	}
	if expectedVersion != 0 && expectedVersion != sel.Version {
		return Seller{}, ErrStale
	}
	prof := Profile{Name: sel.Name, Kind: sel.Kind, Phone: string(sel.Phone), Zalo: sel.Zalo, RegionID: sel.RegionID,
		Address: sel.Address, Story: sel.Story, Bank: sel.Bank, ShippingFee: sel.ShippingFee, FreeShippingOver: sel.FreeShippingOver}
	set(&prof.Name, in.Name)
	set(&prof.Kind, in.Kind)
	set(&prof.Phone, in.Phone)
	set(&prof.Zalo, in.Zalo)
	set(&prof.RegionID, in.RegionID)
	set(&prof.Address, in.Address)
	set(&prof.Story, in.Story)
	set(&prof.Bank, in.Bank)
	set(&prof.ShippingFee, in.ShippingFee)
	set(&prof.FreeShippingOver, in.FreeShippingOver)
	var p market.Problems
	phone := s.validate(&p, &prof)
	if err := p.Err(); err != nil {
		return Seller{}, err
	}
	before := sel
	sel.Name, sel.Kind, sel.Phone, sel.Zalo, sel.RegionID = prof.Name, prof.Kind, phone, prof.Zalo, prof.RegionID
	sel.Address, sel.Story, sel.Bank, sel.ShippingFee, sel.FreeShippingOver = prof.Address, prof.Story, prof.Bank, prof.ShippingFee, prof.FreeShippingOver
	if sameProfile(sel, before) {
		return s.redact(actor, before), nil // nothing changed: no new version
	}
	now := s.clock.Now()
	searchable := sel.Name != before.Name || sel.RegionID != before.RegionID
	switch {
	case sel.Status == StatusRejected && actor.AccountID == sel.OwnerID:
		sel.Status = StatusPending
		searchable = true
	case sel.Status == StatusVerified && (sel.RegionID != before.RegionID || sel.Kind != before.Kind):
		// A verification vouches for a kind of business in a region; the
		// officials of the (new) region must look at it again.
		sel.Status, sel.StatusBy, sel.StatusAt = StatusPending, actor.AccountID, now
		sel.StatusNote = "Đổi địa bàn hoặc loại hình: chờ xác minh lại. (Region or kind changed: to be verified again.)"
		sel.VerifiedBy, sel.VerifiedAt = "", time.Time{}
		searchable = true
	case sel.Status == StatusSuspended && (sel.RegionID != before.RegionID || sel.Kind != before.Kind):
		// Moving is no way out of a suspension: it stays suspended, and only
		// an official of the new region may lift it.
		sel.VerifiedBy, sel.VerifiedAt = "", time.Time{}
	}
	old := sel.Version
	sel.UpdatedAt = now
	sel.Version = old + 1
	if err := s.store.UpdateSeller(ctx, sel, old); err != nil {
		return Seller{}, err
	}
	if searchable {
		if err := s.markDirty(ctx, sel.ID); err != nil {
			return Seller{}, err
		}
	}
	return s.redact(actor, sel), nil
}

// sameProfile reports whether a and b have the same profile (what Update
// may change).
func sameProfile(a, b Seller) bool {
	return a.Name == b.Name && a.Kind == b.Kind && a.Phone == b.Phone && a.Zalo == b.Zalo && a.RegionID == b.RegionID &&
		a.Address == b.Address && a.Story == b.Story && a.Bank == b.Bank && a.ShippingFee == b.ShippingFee &&
		a.FreeShippingOver == b.FreeShippingOver
}

// parseZalo reads how buyers reach a seller on Zalo: a Vietnamese phone
// number (kept as +84…, like every phone), or a link to a Zalo page
// (kept as https://zalo.me/…). "" is fine (none).
func parseZalo(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	if ph, err := market.ParsePhone(s); err == nil {
		return string(ph), true
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
	rest, ok := strings.CutPrefix(rest, "zalo.me/")
	if !ok {
		return "", false
	}
	rest = strings.TrimSuffix(rest, "/")
	if ph, err := market.ParsePhone(rest); err == nil {
		return string(ph), true
	}
	if rest == "" || len(rest) > 64 {
		return "", false
	}
	for _, c := range rest {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '_' || c == '-' || c == '.') {
			return "", false
		}
	}
	return "https://zalo.me/" + rest, true
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

func (s *Service) markDirty(ctx context.Context, sellerID string) error {
	if s.dirtier == nil {
		return nil
	}
	_, err := s.dirtier.MarkSellerProductsDirty(ctx, sellerID)
	return err
}

// Decision is what an official decides about a seller.
type Decision string

// The decisions.
const (
	Verify  Decision = "verify"
	Reject  Decision = "reject"
	Suspend Decision = "suspend"
)

// transitions is the status workflow: from → decision → to.
var transitions = map[Status]map[Decision]Status{
	StatusPending:   {Verify: StatusVerified, Reject: StatusRejected},
	StatusVerified:  {Suspend: StatusSuspended},
	StatusSuspended: {Verify: StatusVerified},
}

// ErrTransition answers a decision the workflow does not allow from the
// seller's current status.
func errTransition(from Status, d Decision) error {
	return market.Errorf(market.Conflict,
		"Không thể "+decisionVI(d)+" cửa hàng đang ở trạng thái "+statusVI(from)+".",
		"A seller that is "+string(from)+" cannot be given the decision "+string(d)+".")
}

func decisionVI(d Decision) string {
	switch d {
	case Verify:
		return "xác minh"
	case Reject:
		return "từ chối"
	case Suspend:
		return "tạm ngưng"
	}
	return string(d)
}

func statusVI(s Status) string {
	switch s {
	case StatusPending:
		return "chờ xác minh"
	case StatusVerified:
		return "đã xác minh"
	case StatusRejected:
		return "bị từ chối"
	case StatusSuspended:
		return "tạm ngưng"
	}
	return string(s)
}

// Review records an official's or admin's decision about a seller, with
// who, when and why.
func (s *Service) Review(ctx context.Context, actor market.Actor, id string, d Decision, note string) (Seller, error) {
	if !actor.SignedIn() {
		return Seller{}, market.ErrUnauthorized
	}
	var p market.Problems
	if d != Verify && d != Reject && d != Suspend {
		p.Add("decision", "Quyết định phải là verify, reject hoặc suspend.", "The decision must be verify, reject or suspend.")
	}
	note = market.CleanMultiline(note)
	p.CheckText("note", note, d == Reject || d == Suspend, 1000)
	if err := p.Err(); err != nil {
		return Seller{}, err
	}
	sel, err := s.store.SellerByID(ctx, id)
	if err != nil {
		return Seller{}, err
	}
	if !Can(actor, sel, Review, s.tree) {
		if sel.Status != StatusVerified && !Can(actor, sel, ViewHidden, s.tree) {
			return Seller{}, ErrNotFound
		}
		return Seller{}, market.ErrForbidden
	}
	to, ok := transitions[sel.Status][d]
	if !ok {
		return Seller{}, errTransition(sel.Status, d)
	}
	now := s.clock.Now()
	old := sel.Version
	sel.Status, sel.StatusNote, sel.StatusBy, sel.StatusAt = to, note, actor.AccountID, now
	if d == Verify {
		sel.verified(actor.AccountID, now)
	}
	sel.UpdatedAt, sel.Version = now, old+1
	if err := s.store.UpdateSeller(ctx, sel, old); err != nil {
		return Seller{}, err
	}
	if err := s.markDirty(ctx, sel.ID); err != nil {
		return Seller{}, err
	}
	return s.redact(actor, sel), nil
}

// AddHelper lets an account act for the seller; only the owner consents.
// The account gains the helper role.
func (s *Service) AddHelper(ctx context.Context, actor market.Actor, sellerID, accountID string) (Seller, error) {
	sel, err := s.authorizeHelpers(ctx, actor, sellerID)
	if err != nil {
		return Seller{}, err
	}
	if accountID == "" || accountID == sel.OwnerID {
		return Seller{}, market.Errorf(market.Invalid, "Không thể thêm người này làm người hỗ trợ.", "This account cannot be added as a helper.").
			WithField("accountId", "không hợp lệ", "not valid")
	}
	if _, err := s.roles.Grant(ctx, accountID, market.RoleHelper); err != nil {
		if market.IsCode(err, market.NotFound) {
			return Seller{}, market.Errorf(market.Invalid, "Không có tài khoản này.", "No such account.").
				WithField("accountId", "không có tài khoản này", "no such account")
		}
		return Seller{}, err
	}
	h := Helper{AccountID: accountID, AddedBy: actor.AccountID, AddedAt: s.clock.Now()}
	if err := s.store.AddHelper(ctx, sellerID, h); err != nil {
		return Seller{}, err
	}
	sel.Helpers = append(sel.Helpers, h)
	return s.redact(actor, sel), nil
}

// RemoveHelper withdraws the owner's consent for a helper.
func (s *Service) RemoveHelper(ctx context.Context, actor market.Actor, sellerID, accountID string) error {
	if _, err := s.authorizeHelpers(ctx, actor, sellerID); err != nil {
		return err
	}
	return s.store.RemoveHelper(ctx, sellerID, accountID)
}

func (s *Service) authorizeHelpers(ctx context.Context, actor market.Actor, sellerID string) (Seller, error) {
	if !actor.SignedIn() {
		return Seller{}, market.ErrUnauthorized
	}
	sel, err := s.store.SellerByID(ctx, sellerID)
	if err != nil {
		return Seller{}, err
	}
	if !Can(actor, sel, ManageHelpers, s.tree) {
		if sel.Status != StatusVerified && !Can(actor, sel, ViewHidden, s.tree) {
			return Seller{}, ErrNotFound
		}
		return Seller{}, market.ErrForbidden
	}
	return sel, nil
}

// Query is a listing request.
type Query struct {
	RegionID string
	Status   Status
	Kind     Kind
	Cursor   string
	Limit    int
}

// List returns a page of sellers. The public sees only verified sellers;
// an official sees every status within their region; an admin sees all.
func (s *Service) List(ctx context.Context, actor market.Actor, q Query) (Page, error) {
	var p market.Problems
	if q.Status != "" && !q.Status.Valid() {
		p.Add("status", "Trạng thái không hợp lệ.", "Unknown status.")
	}
	if q.Kind != "" && !q.Kind.Valid() {
		p.Add("kind", "Loại hình không hợp lệ.", "Unknown kind.")
	}
	if q.RegionID != "" && !s.tree.Has(q.RegionID) {
		p.Add("regionId", "Không có địa bàn này.", "No such region.")
	}
	if q.Cursor != "" && !market.ValidID(q.Cursor) {
		p.Add("cursor", "Con trỏ trang không hợp lệ.", "The page cursor is not valid.")
	}
	if err := p.Err(); err != nil {
		return Page{}, err
	}
	region := q.RegionID
	status := q.Status
	switch {
	case actor.IsAdmin():
	case actor.Has(market.RoleOfficial) && actor.RegionID != "" && status != StatusVerified:
		// Hidden sellers only within the official's scope.
		switch {
		case region == "":
			region = actor.RegionID
		case s.tree.Contains(actor.RegionID, region):
		case s.tree.Contains(region, actor.RegionID):
			region = actor.RegionID
		default:
			if status != "" {
				return Page{Items: []Seller{}}, nil
			}
			status = StatusVerified
		}
	default:
		if status != "" && status != StatusVerified {
			return Page{Items: []Seller{}}, nil
		}
		status = StatusVerified
	}
	f := Filter{Status: status, Kind: q.Kind, After: q.Cursor, Limit: clampLimit(q.Limit)}
	if region != "" {
		f.RegionIDs = s.subtree(region)
	}
	page, err := s.store.ListSellers(ctx, f)
	if err != nil {
		return Page{}, err
	}
	for i := range page.Items {
		page.Items[i] = s.redact(actor, page.Items[i])
	}
	if page.Items == nil {
		page.Items = []Seller{}
	}
	return page, nil
}

// subtree returns the region and every region under it.
func (s *Service) subtree(id string) []string {
	out := []string{id}
	for i := 0; i < len(out) && len(out) < 100000; i++ {
		for _, c := range s.tree.Children(out[i]) {
			out = append(out, c.ID)
		}
	}
	return out
}

// Mine returns the sellers the actor owns or helps.
func (s *Service) Mine(ctx context.Context, actor market.Actor) ([]Seller, error) {
	if !actor.SignedIn() {
		return nil, market.ErrUnauthorized
	}
	list, err := s.store.SellersOfAccount(ctx, actor.AccountID)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i] = s.redact(actor, list[i])
	}
	return list, nil
}

// SetStatus sets a seller's status directly, recording who; for operators'
// tools such as the demo seed. It skips the workflow but not the store's
// version check.
func (s *Service) SetStatus(ctx context.Context, id string, to Status, by, note string) (Seller, error) {
	sel, err := s.store.SellerByID(ctx, id)
	if err != nil {
		return Seller{}, err
	}
	if !to.Valid() {
		return Seller{}, market.Errorf(market.Invalid, "Trạng thái không hợp lệ.", "Unknown status.")
	}
	now := s.clock.Now()
	old := sel.Version
	sel.Status, sel.StatusNote, sel.StatusBy, sel.StatusAt = to, note, by, now
	if to == StatusVerified {
		sel.verified(by, now)
	}
	sel.UpdatedAt, sel.Version = now, old+1
	if err := s.store.UpdateSeller(ctx, sel, old); err != nil {
		return Seller{}, err
	}
	return sel, s.markDirty(ctx, id)
}
