// Package orders is checkout and what follows it: a checkout splits the
// basket into one order per seller, reserves stock for every line at once,
// and each order then moves through the states of one state machine,
// paid by card, by bank transfer (VietQR) or in cash on delivery.
package orders

import (
	"time"

	"github.com/ocopmarket/market"
)

// Status is where an order is in its life.
type Status string

// The states of DESIGN "Orders and payments".
const (
	PendingPayment Status = "pending_payment"
	Placed         Status = "placed"
	Confirmed      Status = "confirmed"
	Shipped        Status = "shipped"
	Delivered      Status = "delivered"
	Completed      Status = "completed"
	Cancelled      Status = "cancelled"
	Refunded       Status = "refunded"
)

// Statuses lists every state in the order of an order's life.
var Statuses = []Status{PendingPayment, Placed, Confirmed, Shipped, Delivered, Completed, Cancelled, Refunded}

// ParseStatus checks a status name.
func ParseStatus(s string) (Status, bool) {
	for _, st := range Statuses {
		if string(st) == s {
			return st, true
		}
	}
	return "", false
}

// Method is how the buyer pays.
type Method string

// The payment methods.
const (
	Card         Method = "card"
	BankTransfer Method = "bank_transfer"
	COD          Method = "cod"
)

// Cashless reports whether the method moves money without cash.
func (m Method) Cashless() bool { return m == Card || m == BankTransfer }

// PaymentStatus is where the money is.
type PaymentStatus string

// The payment states of API.md.
const (
	RequiresPayment  PaymentStatus = "requires_payment"
	AwaitingTransfer PaymentStatus = "awaiting_transfer"
	OnDelivery       PaymentStatus = "on_delivery"
	Paid             PaymentStatus = "paid"
	Failed           PaymentStatus = "failed"
	PaymentRefunded  PaymentStatus = "refunded"
)

// Buyer is who ordered: an account, or a guest known by name and phone.
type Buyer struct {
	// AccountID is empty for a guest.
	AccountID string
	Name      string
	Phone     market.Phone
	Email     string
}

// Shipping is where the parcel goes.
type Shipping struct {
	Address  string
	RegionID string
}

// Line is one product of an order, as it was when ordered.
type Line struct {
	ProductID string
	Name      string
	Unit      string
	Qty       int
	UnitPrice market.VND
	LineTotal market.VND
}

// Order is what one seller has to deliver to one buyer.
type Order struct {
	ID         string
	Code       string // short and human, e.g. CT-7K3F9Q
	CheckoutID string
	SellerID   string
	SellerName string
	// SellerRegionID is the seller's region when ordered: an order counts
	// for the region of its seller in the officials' figures.
	SellerRegionID string
	Buyer          Buyer
	// BuyerKey identifies the buyer for figures (repeat buyers) without
	// naming them: "a:" + account id, or "g:" + a keyed hash of the phone.
	BuyerKey string
	Shipping Shipping
	Note     string
	Lines    []Line
	Subtotal market.VND
	// ShippingFee is the seller's flat fee, or 0 above their threshold.
	ShippingFee market.VND
	Total       market.VND

	Method        Method
	PaymentStatus PaymentStatus

	Status         Status
	TrackingNumber string
	CancelReason   string
	// StockReturned is set once the lines' stock went back on the shelf.
	StockReturned bool
	// HoldUntil is when an unpaid order gives its stock back.
	HoldUntil time.Time

	History []Transition

	CreatedAt, UpdatedAt                                  time.Time
	PlacedAt, PaidAt, ConfirmedAt, ShippedAt, DeliveredAt time.Time
	CompletedAt, CancelledAt, RefundedAt                  time.Time
}

// Transition is one move of an order, for its history.
type Transition struct {
	From, To Status
	// By is the account that made the move; empty for a guest or the system.
	By    string
	Party Party
	At    time.Time
	Note  string
}

// Checkout is one basket paid at once: one order per seller.
type Checkout struct {
	ID             string
	IdempotencyKey string
	// RequestHash identifies the request body, so a replay can be told
	// from a different request under the same key.
	RequestHash string
	Buyer       Buyer
	BuyerKey    string
	Orders      []Order
	Total       market.VND
	Payment     Payment
	CreatedAt   time.Time
	HoldUntil   time.Time
}

// Payment is how a checkout is paid and what the provider gave us.
type Payment struct {
	Method Method
	Status PaymentStatus
	// Card: the Stripe PaymentIntent.
	IntentID     string
	ClientSecret string
	// Bank transfer: where to send the money and the note that identifies it.
	Reference string
	Account   BankAccount
	QRPayload string
	// Flag records a bank notification that did not match (wrong amount).
	Flag string
}

// BankAccount is a Vietnamese bank account a VietQR code pays into.
type BankAccount struct {
	BIN    string
	Number string
	Holder string
}

// Complete reports whether the account can receive a transfer.
func (b BankAccount) Complete() bool { return b.BIN != "" && b.Number != "" }

// Status is the checkout's state as a buyer sees it: pending_payment while
// any order waits for money, cancelled when every order is, else placed.
func (c Checkout) Status() Status {
	cancelled := 0
	for _, o := range c.Orders {
		switch o.Status {
		case PendingPayment:
			return PendingPayment
		case Cancelled, Refunded:
			cancelled++
		}
	}
	if len(c.Orders) > 0 && cancelled == len(c.Orders) {
		return Cancelled
	}
	return Placed
}
