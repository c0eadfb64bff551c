package orders

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/vietqr"
)

// DefaultHold is how long an unpaid card or bank-transfer checkout keeps
// its stock.
const DefaultHold = 30 * time.Minute

// Service is checkout, orders and payments.
type Service struct {
	store       Store
	regions     Regions
	cards       Payments
	clock       market.Clock
	hold        time.Duration
	platform    BankAccount
	buyerSecret []byte
}

// Options tune a Service. Zero values take the defaults.
type Options struct {
	Clock market.Clock
	// Hold is how long unpaid checkouts keep their stock (DefaultHold).
	Hold time.Duration
	// Cards takes card payments; nil turns the card method off.
	Cards Payments
	// Platform is the marketplace's own account for VietQR transfers that
	// cannot go to one seller; empty means there is none.
	Platform BankAccount
	// BuyerKeySecret keys the hash that stands for a guest's phone in
	// figures. Changing it makes returning guests look new.
	BuyerKeySecret string
	// Regions knows the regions a checkout may ship to; nil accepts any
	// region id.
	Regions Regions
}

// Regions is what checkout needs of the region tree; *regions.Tree
// implements it.
type Regions interface {
	// Deliverable reports whether goods can be sent to the region id.
	Deliverable(id string) bool
}

// NewService returns a Service over store.
func NewService(store Store, opts Options) *Service {
	s := &Service{store: store, regions: opts.Regions, cards: opts.Cards, clock: opts.Clock, hold: opts.Hold, platform: opts.Platform,
		buyerSecret: []byte(opts.BuyerKeySecret)}
	if s.clock == nil {
		s.clock = market.SystemClock{}
	}
	if s.hold <= 0 {
		s.hold = DefaultHold
	}
	if len(s.buyerSecret) == 0 {
		s.buyerSecret = []byte("choocop buyer key")
	}
	return s
}

// CardsEnabled reports whether card payments are on.
func (s *Service) CardsEnabled() bool { return s.cards != nil }

// TransferToSeveral reports whether one bank transfer can pay a checkout
// from several sellers: only into the platform's account, when it has one.
func (s *Service) TransferToSeveral() bool { return s.platform.Complete() }

var (
	errCheckoutNotFound = market.NotFoundf("đơn thanh toán", "checkout")
	errOrderNotFound    = market.NotFoundf("đơn hàng", "order")
	errKeyReused        = market.Errorf(market.Conflict,
		"Mã Idempotency-Key này đã được dùng cho một yêu cầu khác.",
		"This Idempotency-Key was already used for a different request.")
)

// ErrKeyReused is the conflict of an idempotency key sent again with a
// different request; stores return it from CreateCheckout.
func ErrKeyReused() error { return errKeyReused }

// ErrCheckoutNotFound is the not_found error of a checkout, for stores.
func ErrCheckoutNotFound() error { return errCheckoutNotFound }

// ErrOrderNotFound is the not_found error of an order, for stores.
func ErrOrderNotFound() error { return errOrderNotFound }

// Checkout places a basket: it reserves all the stock or none, makes one
// order per seller and starts the payment. A replay of the same request
// under the same key returns the same checkout with created false.
func (s *Service) Checkout(ctx context.Context, actor market.Actor, req CheckoutRequest) (Checkout, bool, error) {
	req.Buyer.AccountID = actor.AccountID
	req, err := req.validate()
	if err != nil {
		return Checkout{}, false, err
	}
	if req.Method == Card && s.cards == nil {
		return Checkout{}, false, market.Errorf(market.Invalid, "Thanh toán bằng thẻ chưa được bật.", "Card payments are not available.").
			WithField("paymentMethod", "Thanh toán bằng thẻ chưa được bật.", "Card payments are not available.")
	}
	ids := make([]string, len(req.Items))
	for i, it := range req.Items {
		ids[i] = it.ProductID
	}
	// Stores keep times to the millisecond: so does the answer, so that a
	// replay of the request answers exactly as the first time.
	d := draft{req: req, now: s.clock.Now().Truncate(time.Millisecond), hold: s.hold, buyerKey: buyerKey(req.Buyer, s.buyerSecret), platform: s.platform,
		newCode: func(prefix string) string { return prefix + "-" + randomCode(6) },
		newRef:  func() string { return "OCOP" + randomCode(8) }}
	var c Checkout
	var created bool
	for attempt := 0; ; attempt++ {
		c, created, err = s.store.CreateCheckout(ctx, req.IdempotencyKey, req.hash(), ids, func(ps []ProductSnapshot) (Checkout, error) {
			// Checked for a new checkout only: a replay answers with the
			// checkout placed, even if its region has left the tree since.
			if s.regions != nil && !s.regions.Deliverable(req.Shipping.RegionID) {
				var p market.Problems
				p.Add("shipping.regionId", "Không có tỉnh/thành hay xã/phường này: hãy chọn trong danh sách.", "No such province or commune: choose one from the list.")
				return Checkout{}, p.Err()
			}
			c, err := d.build(ps)
			if err != nil {
				return c, err
			}
			return c, qrPayload(&c)
		})
		if !errors.Is(err, ErrCodeTaken) || attempt == 3 {
			break
		}
	}
	if err != nil {
		return Checkout{}, false, err
	}
	if c.Payment.Method == Card && c.Payment.IntentID == "" && c.Status() == PendingPayment {
		codes := make([]string, len(c.Orders))
		for i, o := range c.Orders {
			codes[i] = o.Code
		}
		in, err := s.cards.CreateIntent(ctx, c.ID, c.Total, "Chợ OCOP "+strings.Join(codes, ", "))
		if err != nil {
			// The buyer cannot pay this checkout: give its stock back now,
			// not when the hold runs out, and let them retry (with another
			// method, say) under the same key.
			return Checkout{}, false, errors.Join(err, s.abandon(context.WithoutCancel(ctx), c))
		}
		if err := s.store.SetIntent(ctx, c.ID, in.ID, in.ClientSecret); err != nil {
			return Checkout{}, false, err
		}
		// Read it back: the payment may already have succeeded.
		if c, err = s.store.Checkout(ctx, c.ID); err != nil {
			return Checkout{}, false, err
		}
	}
	return c, created, nil
}

// abandon cancels the orders of a checkout whose card payment could not
// start, returning their stock once, and frees its idempotency key.
func (s *Service) abandon(ctx context.Context, c Checkout) error {
	for _, o := range c.Orders {
		_, err := s.store.Transition(ctx, o.ID, PendingPayment, Change{To: Cancelled, At: s.clock.Now(), Party: PartySystem,
			Note: "không bắt đầu được thanh toán thẻ / the card payment could not be started"})
		if err != nil && !market.IsCode(err, market.Conflict) && !market.IsCode(err, market.NotFound) {
			return err // the hold's expiry will cancel what is left
		}
	}
	return s.store.ReleaseKey(ctx, c.ID)
}

// qrPayload fills in the VietQR payload of a bank-transfer checkout: the
// amount and, as the note, the reference followed by the order codes.
func qrPayload(c *Checkout) error {
	if c.Payment.Method != BankTransfer {
		return nil
	}
	note := c.Payment.Reference
	for _, o := range c.Orders {
		note += " " + o.Code
	}
	p, err := vietqr.Transfer{BIN: c.Payment.Account.BIN, Account: c.Payment.Account.Number, Name: c.Payment.Account.Holder,
		Amount: c.Total, Note: note}.Payload()
	if err != nil {
		return market.Wrap(err, market.Invalid,
			"Tài khoản ngân hàng nhận chuyển khoản không hợp lệ; vui lòng chọn cách thanh toán khác.",
			"The bank account for the transfer is not valid; please choose another payment method.")
	}
	c.Payment.QRPayload = p
	return nil
}

// Checkout returns a checkout to its buyer: the signed-in account that
// made it, or a guest who gives its phone. Anyone else is told it does not exist.
func (s *Service) GetCheckout(ctx context.Context, actor market.Actor, id, phone string) (Checkout, error) {
	if !market.ValidID(id) {
		return Checkout{}, errCheckoutNotFound
	}
	c, err := s.store.Checkout(ctx, id)
	if err != nil {
		return Checkout{}, err
	}
	if !actor.IsAdmin() && !isBuyer(c.Buyer, actor, phone) {
		return Checkout{}, errCheckoutNotFound
	}
	return c, nil
}

func isBuyer(b Buyer, actor market.Actor, phone string) bool {
	if b.AccountID != "" {
		return actor.SignedIn() && actor.AccountID == b.AccountID
	}
	p, err := market.ParsePhone(phone)
	return err == nil && p == b.Phone
}

// parties says in which capacities the actor (or a guest giving phone)
// stands to the order; none means the order is not theirs to see.
func (s *Service) parties(ctx context.Context, actor market.Actor, o Order, phone string) ([]Party, error) {
	var ps []Party
	if actor.IsAdmin() {
		ps = append(ps, PartyAdmin)
	}
	if isBuyer(o.Buyer, actor, phone) {
		ps = append(ps, PartyBuyer)
	}
	if actor.SignedIn() {
		acc, err := s.store.SellerAccess(ctx, o.SellerID, actor.AccountID)
		if err != nil {
			return nil, err
		}
		if acc.Owner {
			ps = append(ps, PartySeller)
		}
		if acc.Helper {
			ps = append(ps, PartyHelper)
		}
	}
	return ps, nil
}

// Order returns an order to its buyer, its seller's owner or helpers, or an admin.
func (s *Service) Order(ctx context.Context, actor market.Actor, id, phone string) (Order, error) {
	o, err := s.store.Order(ctx, id)
	if err != nil {
		return Order{}, err
	}
	ps, err := s.parties(ctx, actor, o, phone)
	if err != nil {
		return Order{}, err
	}
	if len(ps) == 0 {
		return Order{}, errOrderNotFound
	}
	return o, nil
}

// Lookup finds a guest's order by its code and the buyer's phone. A wrong
// phone is answered exactly like an unknown code.
func (s *Service) Lookup(ctx context.Context, code, phone string) (Order, error) {
	var pr market.Problems
	if strings.TrimSpace(code) == "" {
		pr.Add("code", "Vui lòng nhập mã đơn, ví dụ HG-7K3F9Q.", "Please give the order code, e.g. HG-7K3F9Q.")
	}
	p, err := market.ParsePhone(phone)
	switch {
	case strings.TrimSpace(phone) == "":
		pr.Add("phone", "Vui lòng nhập số điện thoại đã dùng khi đặt hàng.", "Please give the phone number the order was placed with.")
	case err != nil:
		pr.AddText("phone", err.(*market.Error).Message)
	}
	if pr.Has("code") || pr.Has("phone") {
		e := pr.Err().(*market.Error)
		e.Message = market.T("Vui lòng nhập mã đơn và số điện thoại đặt hàng.", "Please give the order code and the phone used to order.")
		return Order{}, e
	}
	o, err := s.store.OrderByCode(ctx, NormalizeCode(code))
	if err != nil {
		return Order{}, err
	}
	if o.Buyer.Phone != p {
		return Order{}, errOrderNotFound
	}
	return o, nil
}

// ListRequest asks for a page of orders.
type ListRequest struct {
	// SellerID lists a seller's inbox; empty lists the actor's own orders.
	SellerID string
	Statuses []Status
	Limit    int
	Cursor   string
}

// List returns a seller's inbox (to its owner, helpers and admins) or the
// signed-in buyer's own orders.
func (s *Service) List(ctx context.Context, actor market.Actor, r ListRequest) (Page, error) {
	if !actor.SignedIn() {
		return Page{}, market.ErrUnauthorized
	}
	if r.Limit <= 0 {
		r.Limit = 20
	}
	if r.Limit > 100 {
		r.Limit = 100
	}
	f := Filter{Statuses: r.Statuses, Limit: r.Limit, Cursor: r.Cursor}
	if r.SellerID == "" {
		f.BuyerAccountID = actor.AccountID
		return s.store.Orders(ctx, f)
	}
	if !actor.IsAdmin() {
		acc, err := s.store.SellerAccess(ctx, r.SellerID, actor.AccountID)
		if err != nil {
			return Page{}, err
		}
		if !acc.Owner && !acc.Helper {
			return Page{}, market.ErrForbidden
		}
	}
	f.SellerID = r.SellerID
	return s.store.Orders(ctx, f)
}

// Transition moves an order as the actor asks, if the permission table
// lets them. Cancelling a paid card order refunds it.
func (s *Service) Transition(ctx context.Context, actor market.Actor, id, phone string, m Move) (Order, error) {
	m.TrackingNumber = market.CleanText(m.TrackingNumber)
	m.Note = market.CleanMultiline(m.Note)
	if len(m.TrackingNumber) > 64 || len([]rune(m.Note)) > maxNoteLen {
		return Order{}, market.Errorf(market.Invalid, "Mã vận đơn hoặc ghi chú quá dài.", "The tracking number or the note is too long.")
	}
	if _, ok := ParseStatus(string(m.To)); !ok {
		return Order{}, market.Errorf(market.Invalid, "Trạng thái không hợp lệ.", "Not a valid status.").
			WithField("to", "Trạng thái không hợp lệ.", "Not a valid status.")
	}
	o, err := s.Order(ctx, actor, id, phone)
	if err != nil {
		return Order{}, err
	}
	ps, err := s.parties(ctx, actor, o, phone)
	if err != nil {
		return Order{}, err
	}
	party, err := authorize(o, ps, m)
	if err != nil {
		return Order{}, err
	}
	ch := Change{To: m.To, At: s.clock.Now(), By: actor.AccountID, Party: party, Note: m.Note, TrackingNumber: m.TrackingNumber}
	if m.To == Refunded {
		if err := s.refund(ctx, o); err != nil {
			return Order{}, err
		}
		ch.PaymentStatus = PaymentRefunded
	}
	o, err = s.store.Transition(ctx, o.ID, o.Status, ch)
	if err != nil {
		return Order{}, err
	}
	if o.Status == Cancelled && o.PaymentStatus == Paid && o.Method == Card && s.cards != nil {
		if err := s.refund(ctx, o); err != nil {
			return o, nil // stays cancelled and paid; an admin retries the refund
		}
		return s.store.Transition(ctx, o.ID, Cancelled, Change{To: Refunded, At: s.clock.Now(), Party: PartySystem,
			Note: "hoàn tiền thẻ", PaymentStatus: PaymentRefunded})
	}
	return o, nil
}

// refund gives a card order's money back through the provider; other
// methods are refunded by hand before an admin marks them refunded.
func (s *Service) refund(ctx context.Context, o Order) error {
	if o.Method != Card {
		return nil
	}
	if s.cards == nil {
		return market.Errorf(market.Unavailable, "Thanh toán thẻ đang tắt nên chưa thể hoàn tiền.", "Card payments are off, so the refund cannot be made now.")
	}
	c, err := s.store.Checkout(ctx, o.CheckoutID)
	if err != nil {
		return err
	}
	if c.Payment.IntentID == "" {
		return market.Errorf(market.Conflict, "Không tìm thấy giao dịch thẻ của đơn hàng.", "The order has no card payment to refund.")
	}
	return s.cards.Refund(ctx, c.Payment.IntentID, o.Total, "refund-"+o.ID)
}

// MarkPaid records money received by hand: a bank transfer the seller (or
// an admin) saw arrive, or cash collected on delivery.
func (s *Service) MarkPaid(ctx context.Context, actor market.Actor, id string) (Order, error) {
	o, err := s.Order(ctx, actor, id, "")
	if err != nil {
		return Order{}, err
	}
	ps, err := s.parties(ctx, actor, o, "")
	if err != nil {
		return Order{}, err
	}
	admin, owner := has(ps, PartyAdmin), has(ps, PartySeller)
	if !admin && !owner {
		return Order{}, market.ErrForbidden
	}
	if o.PaymentStatus == Paid {
		return o, nil
	}
	switch o.Method {
	case Card:
		return Order{}, market.Errorf(market.Conflict, "Thanh toán thẻ được xác nhận tự động.", "Card payments are confirmed automatically.")
	case BankTransfer:
		if o.Status != PendingPayment {
			return Order{}, market.Errorf(market.Conflict, "Đơn hàng không còn chờ chuyển khoản.", "The order is no longer waiting for a transfer.")
		}
		if !admin {
			c, err := s.store.Checkout(ctx, o.CheckoutID)
			if err != nil {
				return Order{}, err
			}
			if c.Payment.Account == s.platform {
				return Order{}, market.Errorf(market.Forbidden, "Tiền được chuyển vào tài khoản của sàn; sàn sẽ xác nhận.",
					"The money goes to the marketplace's account; the marketplace confirms it.")
			}
		}
	case COD:
		if o.Status != Shipped && o.Status != Delivered && o.Status != Completed {
			return Order{}, market.Errorf(market.Conflict, "Chỉ xác nhận đã thu tiền sau khi giao hàng.", "Cash is collected on delivery: ship the order first.")
		}
	}
	party := PartySeller
	if admin {
		party = PartyAdmin
	}
	os, err := s.store.Pay(ctx, o.CheckoutID, []string{o.ID}, PaymentChange{Status: Paid, At: s.clock.Now(), By: actor.AccountID, Party: party})
	if err != nil {
		return Order{}, err
	}
	if len(os) != 1 {
		return Order{}, fmt.Errorf("orders: pay returned %d orders", len(os))
	}
	return os[0], nil
}

// Outcome is what became of a payment event.
type Outcome string

// The outcomes of ApplyEvent.
const (
	OutcomeApplied   Outcome = "applied"
	OutcomeDuplicate Outcome = "duplicate"
	OutcomeIgnored   Outcome = "ignored"
	OutcomeUnmatched Outcome = "unmatched"
	OutcomeFlagged   Outcome = "flagged"
)

// ApplyEvent applies a verified payment event once: a repeated event id
// changes nothing. A card payment that succeeds after its orders were
// cancelled (the hold ran out) is refunded.
func (s *Service) ApplyEvent(ctx context.Context, ev PaymentEvent) (Outcome, error) {
	if ev.Kind == EventIgnored {
		return OutcomeIgnored, nil
	}
	fresh, err := s.store.RecordEvent(ctx, ev, s.clock.Now())
	if err != nil {
		return "", err
	}
	if !fresh {
		return OutcomeDuplicate, nil
	}
	out, err := s.applyEvent(ctx, ev)
	if err != nil {
		// Let the provider's retry try again.
		if ferr := s.store.ForgetEvent(ctx, ev); ferr != nil {
			return "", errors.Join(err, ferr)
		}
		return "", err
	}
	return out, nil
}

func (s *Service) applyEvent(ctx context.Context, ev PaymentEvent) (Outcome, error) {
	c, err := s.eventCheckout(ctx, ev)
	if market.IsCode(err, market.NotFound) {
		return OutcomeUnmatched, nil
	}
	if err != nil {
		return "", err
	}
	now := s.clock.Now()
	switch ev.Kind {
	case EventSucceeded:
		if ev.Amount != c.Total {
			flag := fmt.Sprintf("amount %d, expected %d (event %s)", ev.Amount, c.Total, ev.ID)
			return OutcomeFlagged, s.store.FlagPayment(ctx, c.ID, flag)
		}
		os, err := s.store.Pay(ctx, c.ID, nil, PaymentChange{Status: Paid, At: now, Party: PartySystem, Note: ev.Provider + " " + ev.ID})
		if err != nil {
			return "", err
		}
		lateTransfer := false
		for _, o := range os {
			if o.Status == Cancelled && o.PaymentStatus == Paid && o.Method != Card {
				lateTransfer = true // money we cannot send back by ourselves
			}
			if o.Status == Cancelled && o.PaymentStatus == Paid && o.Method == Card && s.cards != nil {
				if err := s.refund(ctx, o); err != nil {
					return "", err
				}
				if _, err := s.store.Transition(ctx, o.ID, Cancelled, Change{To: Refunded, At: now, Party: PartySystem,
					Note: "thanh toán đến sau khi đơn đã hủy", PaymentStatus: PaymentRefunded}); err != nil && !market.IsCode(err, market.Conflict) {
					return "", err
				}
			}
		}
		if lateTransfer {
			// The transfer arrived after the hold ran out and the order was
			// cancelled: the buyer paid for nothing. Flag it so that the
			// payee refunds it by bank transfer, and say so to the bank hook.
			flag := fmt.Sprintf("paid %d after the order was cancelled: refund by bank transfer (event %s)", ev.Amount, ev.ID)
			return OutcomeFlagged, s.store.FlagPayment(ctx, c.ID, flag)
		}
	case EventFailed:
		if _, err := s.store.Pay(ctx, c.ID, nil, PaymentChange{Status: Failed, At: now, Party: PartySystem, Note: ev.Provider + " " + ev.ID}); err != nil {
			return "", err
		}
	case EventRefunded:
		if _, err := s.store.Pay(ctx, c.ID, nil, PaymentChange{Status: PaymentRefunded, At: now, Party: PartySystem, Note: ev.Provider + " " + ev.ID}); err != nil {
			return "", err
		}
	}
	return OutcomeApplied, nil
}

// eventCheckout finds the checkout an event is about: by the checkout id in
// a card intent's metadata or by its intent, or by the reference in a bank
// transfer's description.
func (s *Service) eventCheckout(ctx context.Context, ev PaymentEvent) (Checkout, error) {
	if ev.CheckoutID != "" {
		c, err := s.store.Checkout(ctx, ev.CheckoutID)
		if err == nil || !market.IsCode(err, market.NotFound) || ev.IntentID == "" {
			return c, err
		}
	}
	if ev.IntentID != "" {
		return s.store.CheckoutByIntent(ctx, ev.IntentID)
	}
	for _, ref := range References(ev.Description) {
		c, err := s.store.CheckoutByReference(ctx, ref)
		if err == nil || !market.IsCode(err, market.NotFound) {
			return c, err
		}
	}
	return Checkout{}, errCheckoutNotFound
}

// References finds the checkout references ("OCOP" and eight code
// characters) in a bank transfer's description, however the bank spaced,
// cased or punctuated it.
func References(description string) []string {
	var b strings.Builder
	for _, r := range strings.ToUpper(vietqr.ASCII(description)) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	s := b.String()
	var out []string
	for {
		i := strings.Index(s, "OCOP")
		if i < 0 || len(s) < i+12 {
			return out
		}
		out = append(out, s[i:i+12])
		s = s[i+4:]
	}
}

// ExpireUnpaid cancels unpaid card and bank-transfer orders whose hold has
// run out, returning their stock. It reports how many it cancelled.
func (s *Service) ExpireUnpaid(ctx context.Context) (int, error) {
	n := 0
	for {
		due, err := s.store.Expired(ctx, s.clock.Now(), 100)
		if err != nil || len(due) == 0 {
			return n, err
		}
		progressed := false
		for _, o := range due {
			_, err := s.store.Transition(ctx, o.ID, PendingPayment, Change{To: Cancelled, At: s.clock.Now(), Party: PartySystem,
				Note: "hết thời gian giữ hàng chờ thanh toán / payment hold expired"})
			switch {
			case err == nil:
				n++
				progressed = true
			case market.IsCode(err, market.Conflict) || market.IsCode(err, market.NotFound):
				// Paid or cancelled meanwhile.
			default:
				return n, err
			}
		}
		if !progressed {
			return n, nil
		}
	}
}
