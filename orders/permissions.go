package orders

import "github.com/ocopmarket/market"

// Party is the capacity in which someone acts on an order.
type Party string

// The parties. One account may be several at once (a seller buying from
// their own shop); the most powerful that is allowed acts.
const (
	PartyBuyer  Party = "buyer"
	PartySeller Party = "seller" // the seller's owner account
	PartyHelper Party = "helper" // an account the seller lets act for it
	PartyAdmin  Party = "admin"
	PartySystem Party = "system" // payments and the expiry job
)

// byPower orders the parties from the most to the least powerful.
var byPower = []Party{PartySystem, PartyAdmin, PartySeller, PartyHelper, PartyBuyer}

// move is one edge of the state machine.
type move struct{ from, to Status }

// rule says who may make a move and what they must give.
type rule struct {
	parties []Party
	// tracking: the move needs a tracking number.
	tracking bool
	// sellerReason: a seller (or helper) cancelling must say why.
	sellerReason bool
}

// rules is THE permission table: every move of the state machine and who
// may make it. Payments move pending_payment → placed through Pay, not here.
// Helpers run the day-to-day work (confirm, ship, deliver) but cancelling
// and money stay with the seller's owner. Read-only.
var rules = map[move]rule{
	{Placed, Confirmed}:    {parties: []Party{PartySeller, PartyHelper, PartyAdmin}},
	{Confirmed, Shipped}:   {parties: []Party{PartySeller, PartyHelper, PartyAdmin}, tracking: true},
	{Shipped, Delivered}:   {parties: []Party{PartySeller, PartyHelper, PartyAdmin}},
	{Delivered, Completed}: {parties: []Party{PartyBuyer, PartyAdmin, PartySystem}},

	{PendingPayment, Cancelled}: {parties: []Party{PartyBuyer, PartySeller, PartyAdmin, PartySystem}, sellerReason: true},
	{Placed, Cancelled}:         {parties: []Party{PartyBuyer, PartySeller, PartyAdmin}, sellerReason: true},
	{Confirmed, Cancelled}:      {parties: []Party{PartySeller, PartyAdmin}, sellerReason: true},

	// A paid order that was cancelled gets its money back.
	{Cancelled, Refunded}: {parties: []Party{PartyAdmin, PartySystem}},
}

// Move is a request to move an order.
type Move struct {
	To             Status
	TrackingNumber string
	Note           string
}

// authorize decides whether someone holding parties may move an order from
// its status with m. It returns the acting party, a conflict when the state
// machine has no such move, forbidden when none of the parties may make it,
// or invalid when a required detail is missing.
func authorize(o Order, parties []Party, m Move) (Party, error) {
	r, ok := rules[move{o.Status, m.To}]
	if !ok {
		return "", market.Errorf(market.Conflict,
			"Không thể chuyển đơn hàng từ trạng thái "+statusVI(o.Status)+" sang "+statusVI(m.To)+".",
			"An order cannot move from "+string(o.Status)+" to "+string(m.To)+".")
	}
	var acting Party
	for _, p := range byPower {
		if has(parties, p) && has(r.parties, p) {
			acting = p
			break
		}
	}
	if acting == "" {
		return "", market.ErrForbidden
	}
	var problems market.Problems
	if r.tracking && m.TrackingNumber == "" {
		problems.Add("trackingNumber", "Vui lòng nhập mã vận đơn.", "Please give the tracking number.")
	}
	if r.sellerReason && (acting == PartySeller || acting == PartyHelper) && m.Note == "" {
		problems.Add("note", "Vui lòng cho người mua biết lý do hủy đơn.", "Please tell the buyer why the order is cancelled.")
	}
	if m.To == Refunded && o.PaymentStatus != Paid {
		return "", market.Errorf(market.Conflict, "Đơn hàng này chưa được thanh toán nên không cần hoàn tiền.",
			"This order was not paid, so there is nothing to refund.")
	}
	if err := problems.Err(); err != nil {
		return "", err
	}
	return acting, nil
}

func has(ps []Party, p Party) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}

func statusVI(s Status) string {
	switch s {
	case PendingPayment:
		return "chờ thanh toán"
	case Placed:
		return "đã đặt"
	case Confirmed:
		return "đã xác nhận"
	case Shipped:
		return "đang giao"
	case Delivered:
		return "đã giao"
	case Completed:
		return "hoàn tất"
	case Cancelled:
		return "đã hủy"
	case Refunded:
		return "đã hoàn tiền"
	}
	return string(s)
}
