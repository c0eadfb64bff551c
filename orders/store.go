package orders

import (
	"context"
	"time"

	"github.com/ocopmarket/market"
)

// Store keeps checkouts and orders and reserves stock. Every method that
// changes an order does so atomically with the stock it moves.
type Store interface {
	// CreateCheckout, in one transaction: returns the checkout already
	// stored under key (created false; a conflict if its request hash
	// differs from hash); otherwise reads the snapshots of productIDs,
	// calls build with them, decrements the stock of every line only where
	// enough remains (adding to sold, bumping the product's version and
	// marking it for search), and stores the checkout and its orders. If any
	// line is short nothing changes and the error is insufficient_stock
	// naming the product. A taken order code is ErrCodeTaken.
	CreateCheckout(ctx context.Context, key, hash string, productIDs []string, build func([]ProductSnapshot) (Checkout, error)) (c Checkout, created bool, err error)
	// Checkout returns a checkout with its orders.
	Checkout(ctx context.Context, id string) (Checkout, error)
	// CheckoutByIntent finds the checkout of a card payment.
	CheckoutByIntent(ctx context.Context, intentID string) (Checkout, error)
	// CheckoutByReference finds the checkout of a bank transfer by its reference.
	CheckoutByReference(ctx context.Context, reference string) (Checkout, error)
	// ReleaseKey frees the idempotency key of a checkout whose payment could
	// not start (its orders already cancelled), so that the buyer's retry
	// under the same key makes a new checkout. The checkout stays, under a
	// key no request can send ("<key>#released:<id>").
	ReleaseKey(ctx context.Context, checkoutID string) error
	// SetIntent records the card payment's intent, leaving its status alone.
	SetIntent(ctx context.Context, checkoutID, intentID, clientSecret string) error
	// FlagPayment records a payment notification that did not match.
	FlagPayment(ctx context.Context, checkoutID, flag string) error

	// Order returns one order with its lines and history.
	Order(ctx context.Context, id string) (Order, error)
	// OrderByCode returns the order with a code as NormalizeCode writes it.
	OrderByCode(ctx context.Context, code string) (Order, error)
	// Orders lists orders, newest first.
	Orders(ctx context.Context, f Filter) (Page, error)

	// Transition moves an order from status from (else conflict) as ch
	// says, appends to its history and, when it moves to cancelled, returns
	// its stock unless that was already done.
	Transition(ctx context.Context, orderID string, from Status, ch Change) (Order, error)
	// Pay applies a payment outcome to the given orders of a checkout (all
	// of them when orderIDs is empty); see PaymentChange. Repeating it
	// changes nothing more.
	Pay(ctx context.Context, checkoutID string, orderIDs []string, ch PaymentChange) ([]Order, error)
	// Expired returns up to limit unpaid orders whose hold ended at or before now.
	Expired(ctx context.Context, now time.Time, limit int) ([]Order, error)
	// RecordEvent stores a payment provider's event id; false when it was
	// already recorded.
	RecordEvent(ctx context.Context, ev PaymentEvent, at time.Time) (bool, error)
	// ForgetEvent removes a recorded event whose effect could not be applied.
	ForgetEvent(ctx context.Context, ev PaymentEvent) error
	// SellerAccess tells how an account relates to a seller.
	SellerAccess(ctx context.Context, sellerID, accountID string) (Access, error)
}

// ErrCodeTaken is returned by CreateCheckout when a random order code
// collides with an existing one; the service retries with new codes.
var ErrCodeTaken = market.Errorf(market.Conflict, "Mã đơn hàng bị trùng.", "The order code is taken.")

// Change is one move of an order.
type Change struct {
	To             Status
	At             time.Time
	By             string
	Party          Party
	Note           string
	TrackingNumber string
	// PaymentStatus, when set, changes the payment too (refunded; cash collected).
	PaymentStatus PaymentStatus
}

// PaymentChange is what a payment provider or a seller tells about money.
//
//   - Paid: orders waiting for payment become placed; orders already
//     cancelled keep their status but are marked paid (to be refunded).
//   - Failed: orders still waiting are marked failed and stay payable.
//   - PaymentRefunded: paid, cancelled orders become refunded.
type PaymentChange struct {
	Status PaymentStatus
	At     time.Time
	By     string
	Party  Party
	Note   string
}

// Access is how an account relates to a seller.
type Access struct {
	Owner  bool
	Helper bool
}

// Filter selects orders for a list.
type Filter struct {
	SellerID string
	// BuyerAccountID lists a signed-in buyer's own orders.
	BuyerAccountID string
	Statuses       []Status
	Limit          int
	Cursor         string
}

// Page is one page of orders and the cursor of the next ("" at the end).
type Page struct {
	Orders     []Order
	NextCursor string
}

// PageOf makes a page of list, read with one order more than limit: that
// extra order says another page follows, from the cursor of the page's
// last order.
func PageOf(list []Order, limit int, cursor func(Order) string) Page {
	page := Page{Orders: list}
	if len(list) > limit {
		page.Orders = list[:limit]
		page.NextCursor = cursor(list[limit-1])
	}
	return page
}

// PaymentEvent is a payment provider's notification, translated.
type PaymentEvent struct {
	Provider string // "stripe", "bank"
	ID       string // the provider's event id, unique per provider
	Kind     EventKind
	// Card payments: the intent and the checkout id from its metadata.
	IntentID   string
	CheckoutID string
	// Bank transfers: the transfer's description, which should carry the reference.
	Description string
	Amount      market.VND
}

// EventKind is what a payment event says happened.
type EventKind string

// The kinds of payment events.
const (
	EventSucceeded EventKind = "succeeded"
	EventFailed    EventKind = "failed"
	EventRefunded  EventKind = "refunded"
	EventIgnored   EventKind = "ignored"
)

// Payments is a card payment provider.
type Payments interface {
	// CreateIntent starts the card payment of a checkout; calling it again
	// for the same checkout returns the same intent.
	CreateIntent(ctx context.Context, checkoutID string, amount market.VND, description string) (Intent, error)
	// Refund gives back amount of a paid intent; key makes retries safe.
	Refund(ctx context.Context, intentID string, amount market.VND, key string) error
}

// Intent is a started card payment.
type Intent struct {
	ID           string
	ClientSecret string
}
