package httpserver

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/orders"
)

// Bodies of checkout and orders as the API shows them.

type lineBody struct {
	ProductID    string     `json:"productId"`
	Name         string     `json:"name"`
	Unit         string     `json:"unit"`
	Qty          int        `json:"qty"`
	UnitPriceVnd market.VND `json:"unitPriceVnd"`
	LineTotalVnd market.VND `json:"lineTotalVnd"`
}

type buyerBody struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Email string `json:"email,omitempty"`
}

type shippingBody struct {
	Address  string `json:"address"`
	RegionID string `json:"regionId"`
}

type orderPaymentBody struct {
	Method orders.Method        `json:"method"`
	Status orders.PaymentStatus `json:"status"`
}

type historyBody struct {
	From  orders.Status `json:"from,omitempty"`
	To    orders.Status `json:"to"`
	Party orders.Party  `json:"party"`
	At    time.Time     `json:"at"`
	Note  string        `json:"note,omitempty"`
}

type orderBody struct {
	ID             string           `json:"id"`
	Code           string           `json:"code"`
	CheckoutID     string           `json:"checkoutId"`
	SellerID       string           `json:"sellerId"`
	SellerName     string           `json:"sellerName"`
	Buyer          buyerBody        `json:"buyer"`
	Shipping       shippingBody     `json:"shipping"`
	Note           string           `json:"note,omitempty"`
	Lines          []lineBody       `json:"lines"`
	SubtotalVnd    market.VND       `json:"subtotalVnd"`
	ShippingVnd    market.VND       `json:"shippingVnd"`
	TotalVnd       market.VND       `json:"totalVnd"`
	Status         orders.Status    `json:"status"`
	Payment        orderPaymentBody `json:"payment"`
	TrackingNumber string           `json:"trackingNumber,omitempty"`
	CancelReason   string           `json:"cancelReason,omitempty"`
	HoldUntil      *time.Time       `json:"holdUntil,omitempty"`
	CreatedAt      time.Time        `json:"createdAt"`
	PlacedAt       *time.Time       `json:"placedAt,omitempty"`
	PaidAt         *time.Time       `json:"paidAt,omitempty"`
	ConfirmedAt    *time.Time       `json:"confirmedAt,omitempty"`
	ShippedAt      *time.Time       `json:"shippedAt,omitempty"`
	DeliveredAt    *time.Time       `json:"deliveredAt,omitempty"`
	CompletedAt    *time.Time       `json:"completedAt,omitempty"`
	CancelledAt    *time.Time       `json:"cancelledAt,omitempty"`
	RefundedAt     *time.Time       `json:"refundedAt,omitempty"`
	History        []historyBody    `json:"history,omitempty"`
}

func toOrderBody(o orders.Order) orderBody {
	b := orderBody{ID: o.ID, Code: o.Code, CheckoutID: o.CheckoutID, SellerID: o.SellerID, SellerName: o.SellerName,
		Buyer:    buyerBody{Name: o.Buyer.Name, Phone: string(o.Buyer.Phone), Email: o.Buyer.Email},
		Shipping: shippingBody{Address: o.Shipping.Address, RegionID: o.Shipping.RegionID}, Note: o.Note,
		Lines:       make([]lineBody, len(o.Lines)),
		SubtotalVnd: o.Subtotal, ShippingVnd: o.ShippingFee, TotalVnd: o.Total, Status: o.Status,
		Payment:        orderPaymentBody{Method: o.Method, Status: o.PaymentStatus},
		TrackingNumber: o.TrackingNumber, CancelReason: o.CancelReason, CreatedAt: o.CreatedAt.UTC(),
		PlacedAt: timePtr(o.PlacedAt), PaidAt: timePtr(o.PaidAt), ConfirmedAt: timePtr(o.ConfirmedAt),
		ShippedAt: timePtr(o.ShippedAt), DeliveredAt: timePtr(o.DeliveredAt), CompletedAt: timePtr(o.CompletedAt),
		CancelledAt: timePtr(o.CancelledAt), RefundedAt: timePtr(o.RefundedAt),
	}
	if o.Status == orders.PendingPayment {
		b.HoldUntil = timePtr(o.HoldUntil)
	}
	for i, l := range o.Lines {
		b.Lines[i] = lineBody{ProductID: l.ProductID, Name: l.Name, Unit: l.Unit, Qty: l.Qty, UnitPriceVnd: l.UnitPrice, LineTotalVnd: l.LineTotal}
	}
	for _, h := range o.History {
		b.History = append(b.History, historyBody{From: h.From, To: h.To, Party: h.Party, At: h.At.UTC(), Note: h.Note})
	}
	return b
}

type vietqrBody struct {
	Payload       string `json:"payload"`
	ImageURL      string `json:"imageUrl,omitempty"`
	Reference     string `json:"reference"`
	BankBin       string `json:"bankBin"`
	AccountNumber string `json:"accountNumber"`
	AccountName   string `json:"accountName,omitempty"`
}

type checkoutPaymentBody struct {
	Method       orders.Method        `json:"method"`
	Status       orders.PaymentStatus `json:"status"`
	IntentID     string               `json:"intentId,omitempty"`
	ClientSecret string               `json:"clientSecret,omitempty"`
	VietQR       *vietqrBody          `json:"vietqr,omitempty"`
}

type checkoutBody struct {
	ID        string              `json:"id"`
	TotalVnd  market.VND          `json:"totalVnd"`
	Status    orders.Status       `json:"status"`
	Orders    []orderBody         `json:"orders"`
	Payment   checkoutPaymentBody `json:"payment"`
	HoldUntil *time.Time          `json:"holdUntil,omitempty"`
	CreatedAt time.Time           `json:"createdAt"`
}

func (s *Server) toCheckoutBody(c orders.Checkout) checkoutBody {
	b := checkoutBody{ID: c.ID, TotalVnd: c.Total, Status: c.Status(), Orders: make([]orderBody, len(c.Orders)),
		CreatedAt: c.CreatedAt.UTC(),
		Payment:   checkoutPaymentBody{Method: c.Payment.Method, Status: c.Payment.Status}}
	for i, o := range c.Orders {
		b.Orders[i] = toOrderBody(o)
		b.Orders[i].History = nil
	}
	if b.Status == orders.PendingPayment {
		b.HoldUntil = timePtr(c.HoldUntil)
	}
	switch c.Payment.Method {
	case orders.Card:
		b.Payment.IntentID, b.Payment.ClientSecret = c.Payment.IntentID, c.Payment.ClientSecret
	case orders.BankTransfer:
		q := &vietqrBody{Payload: c.Payment.QRPayload, Reference: c.Payment.Reference, BankBin: c.Payment.Account.BIN,
			AccountNumber: c.Payment.Account.Number, AccountName: c.Payment.Account.Holder}
		if s.deps.QRImage != nil {
			q.ImageURL = s.cfg.BaseURL + "/api/v1/checkouts/" + c.ID + "/qr.png"
		}
		b.Payment.VietQR = q
	}
	return b
}

func handleCheckout(s *Server) http.Handler {
	type item struct {
		ProductID string `json:"productId"`
		Qty       int    `json:"qty"`
	}
	type request struct {
		Items         []item       `json:"items"`
		Buyer         buyerBody    `json:"buyer"`
		Shipping      shippingBody `json:"shipping"`
		PaymentMethod string       `json:"paymentMethod"`
		Note          string       `json:"note"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in request
		if !decoded(w, r, &in) {
			return
		}
		actor := actorFrom(r.Context())
		who := actor.AccountID
		if who == "" {
			who = in.Buyer.Phone
			if p, err := market.ParsePhone(in.Buyer.Phone); err == nil {
				who = string(p)
			}
		}
		if err := s.limits.check(s.limits.checkoutAddr, s.clientAddr(r)); err != nil {
			writeError(w, r, err)
			return
		}
		if err := s.limits.ready(s.limits.checkoutBuyer, who); err != nil {
			writeError(w, r, err)
			return
		}
		req := orders.CheckoutRequest{
			IdempotencyKey: r.Header.Get("Idempotency-Key"),
			Buyer:          orders.Buyer{Name: in.Buyer.Name, Email: in.Buyer.Email},
			Phone:          in.Buyer.Phone,
			Shipping:       orders.Shipping{Address: in.Shipping.Address, RegionID: in.Shipping.RegionID},
			Method:         orders.Method(in.PaymentMethod),
			Note:           in.Note,
		}
		for _, it := range in.Items {
			req.Items = append(req.Items, orders.Item{ProductID: it.ProductID, Qty: it.Qty})
		}
		c, created, err := s.deps.Orders.Checkout(r.Context(), actor, req)
		if created {
			s.limits.used(s.limits.checkoutBuyer, who) // stock was reserved
		}
		if err != nil {
			writeError(w, r, err)
			return
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		encode(w, status, s.toCheckoutBody(c))
	})
}

func handleCheckoutGet(s *Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := s.deps.Orders.GetCheckout(r.Context(), actorFrom(r.Context()), mux.Vars(r)["id"], r.URL.Query().Get("phone"))
		if err != nil {
			writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, s.toCheckoutBody(c))
	})
}

func handleCheckoutQR(s *Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := s.deps.Orders.GetCheckout(r.Context(), actorFrom(r.Context()), mux.Vars(r)["id"], r.URL.Query().Get("phone"))
		if err == nil && c.Payment.QRPayload == "" {
			err = market.NotFoundf("mã VietQR", "VietQR code")
		}
		if err != nil {
			writeError(w, r, err)
			return
		}
		png, err := s.deps.QRImage(c.Payment.QRPayload, 512)
		if err != nil {
			writeError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "private, max-age=3600")
		w.Header().Set("Content-Length", strconv.Itoa(len(png)))
		_, _ = w.Write(png)
	})
}

func handleOrderGet(s *Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o, err := s.deps.Orders.Order(r.Context(), actorFrom(r.Context()), mux.Vars(r)["id"], r.URL.Query().Get("phone"))
		if err != nil {
			writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, toOrderBody(o))
	})
}

func handleOrderLookup(s *Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if err := s.limits.check(s.limits.checkoutAddr, s.clientAddr(r)); err != nil {
			writeError(w, r, err)
			return
		}
		o, err := s.deps.Orders.Lookup(r.Context(), q.Get("code"), q.Get("phone"))
		if err != nil {
			writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, toOrderBody(o))
	})
}

func handleOrderList(s *Server) http.Handler {
	type response struct {
		Items      []orderBody `json:"items"`
		NextCursor string      `json:"nextCursor,omitempty"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		req := orders.ListRequest{SellerID: q.Get("sellerId"), Cursor: q.Get("cursor")}
		var p market.Problems
		limit, err := queryLimit(q)
		if e := (*market.Error)(nil); errors.As(err, &e) {
			p.AddText("limit", e.Fields["limit"])
		}
		req.Limit = limit
		for _, v := range q["status"] {
			for _, part := range strings.Split(v, ",") {
				st, ok := orders.ParseStatus(strings.TrimSpace(part))
				if !ok {
					p.Add("status", "Trạng thái không hợp lệ.", "Not a valid status.")
					continue
				}
				req.Statuses = append(req.Statuses, st)
			}
		}
		if err := p.Err(); err != nil {
			writeError(w, r, err)
			return
		}
		page, err := s.deps.Orders.List(r.Context(), actorFrom(r.Context()), req)
		if err != nil {
			writeError(w, r, err)
			return
		}
		out := response{Items: make([]orderBody, len(page.Orders)), NextCursor: page.NextCursor}
		for i, o := range page.Orders {
			out.Items[i] = toOrderBody(o)
		}
		encode(w, http.StatusOK, out)
	})
}

func handleOrderTransition(s *Server) http.Handler {
	type request struct {
		To             string `json:"to"`
		TrackingNumber string `json:"trackingNumber"`
		Note           string `json:"note"`
		// Phone lets a guest act on their own order (cancel before confirmation).
		Phone string `json:"phone"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in request
		if !decoded(w, r, &in) {
			return
		}
		if !actorFrom(r.Context()).SignedIn() && strings.TrimSpace(in.Phone) == "" {
			// A guest proves the order is theirs with its phone; without
			// either, the caller must sign in.
			writeError(w, r, market.ErrUnauthorized)
			return
		}
		o, err := s.deps.Orders.Transition(r.Context(), actorFrom(r.Context()), mux.Vars(r)["id"], in.Phone,
			orders.Move{To: orders.Status(in.To), TrackingNumber: in.TrackingNumber, Note: in.Note})
		if err != nil {
			writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, toOrderBody(o))
	})
}

func handleOrderPayment(s *Server) http.Handler {
	type request struct {
		Status string `json:"status"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in request
		if !decoded(w, r, &in) {
			return
		}
		actor, ok := signedIn(w, r)
		if !ok {
			return
		}
		if in.Status != string(orders.Paid) {
			writeError(w, r, market.Errorf(market.Invalid, "Chỉ có thể ghi nhận status \"paid\".", "Only status \"paid\" can be recorded.").
				WithField("status", "phải là \"paid\"", "must be \"paid\""))
			return
		}
		o, err := s.deps.Orders.MarkPaid(r.Context(), actor, mux.Vars(r)["id"])
		if err != nil {
			writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, toOrderBody(o))
	})
}

type webhookAnswer struct {
	Received bool           `json:"received"`
	Outcome  orders.Outcome `json:"outcome"`
}

// readWebhook reads a webhook's raw body, which signatures cover byte for byte.
func readWebhook(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, 256<<10))
	if err != nil {
		return nil, market.Errorf(market.PayloadTooLarge, "Nội dung quá lớn.", "The body is too large.")
	}
	return body, nil
}

func handleStripeWebhook(s *Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.deps.StripeEvents == nil {
			writeError(w, r, market.NotFoundf("cổng thanh toán thẻ", "card payment service"))
			return
		}
		body, err := readWebhook(r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		ev, err := s.deps.StripeEvents(body, r.Header.Get("Stripe-Signature"))
		if err != nil {
			writeError(w, r, err)
			return
		}
		out, err := s.deps.Orders.ApplyEvent(r.Context(), ev)
		if err != nil {
			writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, webhookAnswer{Received: true, Outcome: out})
	})
}

// BankSignature is the signature of a bank notification: hex HMAC-SHA256,
// keyed with the shared secret, of the timestamp, a dot and the raw body.
func BankSignature(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// bankTolerance is how old a signed bank notification may be.
const bankTolerance = 5 * time.Minute

func handleBankWebhook(s *Server) http.Handler {
	type notification struct {
		ID          string     `json:"id"`
		AmountVnd   market.VND `json:"amountVnd"`
		Description string     `json:"description"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.deps.BankWebhookSecret == "" {
			writeError(w, r, market.NotFoundf("cổng báo có ngân hàng", "bank notification endpoint"))
			return
		}
		body, err := readWebhook(r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		bad := market.Errorf(market.Invalid, "Chữ ký thông báo ngân hàng không hợp lệ hoặc đã quá hạn.", "The bank notification signature is not valid or too old.")
		ts := r.Header.Get("X-OCOP-Timestamp")
		sec, perr := strconv.ParseInt(ts, 10, 64)
		sig := r.Header.Get("X-OCOP-Signature")
		if perr != nil || !hmac.Equal([]byte(sig), []byte(BankSignature(s.deps.BankWebhookSecret, ts, body))) {
			writeError(w, r, bad)
			return
		}
		if d := time.Since(time.Unix(sec, 0)); d > bankTolerance || d < -bankTolerance {
			writeError(w, r, bad)
			return
		}
		var n notification
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		if !decoded(w, r, &n) {
			return
		}
		if n.ID == "" || n.AmountVnd <= 0 {
			writeError(w, r, market.Errorf(market.Invalid, "Thiếu mã giao dịch hoặc số tiền.", "The transaction id or amount is missing."))
			return
		}
		out, err := s.deps.Orders.ApplyEvent(r.Context(), orders.PaymentEvent{Provider: "bank", ID: n.ID, Kind: orders.EventSucceeded,
			Description: n.Description, Amount: n.AmountVnd})
		if err != nil {
			writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, webhookAnswer{Received: true, Outcome: out})
	})
}
