package httpserver

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/orders"
	"github.com/ocopmarket/market/sellers"
)

// Checkout, confirmation, order tracking, the buyer's orders and the
// seller's inbox. A checkout is a plain POST form: it works without
// JavaScript, and its idempotency key makes a double tap or a retry on a
// flaky link land on the same orders.

// buyerCookie remembers a guest's phone for a day, so that the
// confirmation page and order lookup can show the guest's orders without
// putting the phone number in an address.
const buyerCookie = "ocop_buyer"

func (s *Server) checkoutData(r *http.Request, p *page, cart cartPage) checkoutPage {
	data := checkoutPage{Total: cart.Total, Key: p.Form.Get("key")}
	if data.Key == "" {
		data.Key = market.NewID()
	}
	for _, g := range cart.Groups {
		data.Lines = append(data.Lines, g.Lines...)
		data.Shipping += g.Shipping
	}
	region := p.Form.Get("regionId")
	for _, prov := range s.deps.Regions.Provinces() {
		data.Provinces = append(data.Provinces, option{Value: prov.ID, Label: prov.DisplayName(), Selected: prov.ID == region})
	}
	method := p.Form.Get("method")
	if method == "" {
		method = string(orders.COD)
	}
	add := func(m orders.Method, key, icon string) {
		data.Methods = append(data.Methods, payOption{Value: string(m), Label: s.web.tr(p.Lang, "checkout."+key),
			Hint: s.web.tr(p.Lang, "checkout."+key+"_hint"), Icon: icon, Selected: string(m) == method})
	}
	add(orders.COD, "cod", "cash")
	if len(cart.Groups) <= 1 || s.deps.Orders.TransferToSeveral() {
		// (A basket from several sellers cannot be paid by one transfer
		// into a seller's account: not offered, rather than refused.)
		add(orders.BankTransfer, "bank", "qr")
	}
	if s.deps.Orders.CardsEnabled() && s.web.cardKey != "" {
		add(orders.Card, "card", "card")
	}
	return data
}

// handleCheckoutPage shows the order form for what is in the cart.
func (s *Server) handleCheckoutPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(r, "checkout.title")
		p.NoIndex = true
		cart := s.cartContents(r, p.Lang)
		if !cart.CanCheckout {
			http.Redirect(w, r, "/cart", http.StatusSeeOther)
			return
		}
		if a := actorFrom(r.Context()); a.SignedIn() {
			if acc, err := s.deps.Accounts.Account(r.Context(), a.AccountID); err == nil {
				p.Form.Set("name", acc.Name)
				p.Form.Set("phone", acc.Phone.Local())
			}
		}
		p.Data = s.checkoutData(r, p, cart)
		s.render(w, r, http.StatusOK, "checkout", p)
	})
}

// checkoutFields maps the orders service's field names to the form's.
func checkoutFields() map[string]string {
	return map[string]string{"buyer.name": "name", "buyer.phone": "phone", "buyer.email": "email",
		"shipping.address": "address", "shipping.regionId": "regionId", "paymentMethod": "method"}
}

func (s *Server) handleCheckout() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
		actor := actorFrom(r.Context())
		req := orders.CheckoutRequest{
			IdempotencyKey: f("key"),
			Buyer:          orders.Buyer{Name: f("name"), Email: f("email")},
			Phone:          f("phone"),
			Shipping:       orders.Shipping{Address: f("address"), RegionID: f("regionId")},
			Method:         orders.Method(f("method")),
			Note:           f("note"),
		}
		for _, l := range cartFrom(r) {
			req.Items = append(req.Items, orders.Item{ProductID: l.ProductID, Qty: l.Qty})
		}
		who := actor.AccountID
		if who == "" {
			who = req.Phone
			if ph, err := market.ParsePhone(req.Phone); err == nil {
				who = string(ph)
			}
		}
		err := s.limits.check(s.limits.checkoutAddr, s.clientAddr(r))
		if err == nil {
			err = s.limits.ready(s.limits.checkoutBuyer, who)
		}
		if err == nil && len(req.Items) == 0 {
			err = market.Errorf(market.Invalid, "Giỏ hàng đang trống, chưa thể đặt hàng.", "The cart is empty; there is nothing to order.")
		}
		var c orders.Checkout
		if err == nil {
			var created bool
			c, created, err = s.deps.Orders.Checkout(r.Context(), actor, req)
			if created {
				s.limits.used(s.limits.checkoutBuyer, who) // stock was reserved
			}
		}
		if err != nil {
			if !isFormError(err) && !market.IsCode(err, market.RateLimited) {
				s.webError(w, r, err)
				return
			}
			p := s.newPage(r, "checkout.title")
			p.NoIndex = true
			fields := []string{"key", "name", "phone", "email", "address", "regionId", "method", "note"}
			for _, k := range fields {
				p.Form.Set(k, f(k))
			}
			p.formError(err, checkoutFields())
			// The basket's problems (a product short of stock, under its
			// seller's minimum) have no field here: the alert names them.
			p.Error = alertWith(p.Error, p.Errors, fields)
			if market.IsCode(err, market.Conflict) {
				p.Form.Set("key", "") // a changed basket under an old key: a new attempt
			}
			p.Data = s.checkoutData(r, p, s.cartContents(r, p.Lang))
			s.render(w, r, statusOf[market.ErrorCode(err)], "checkout", p)
			return
		}
		s.saveCart(w, nil)
		s.setCookie(w, buyerCookie, string(c.Buyer.Phone), 24*3600)
		http.Redirect(w, r, "/checkout/"+c.ID, http.StatusSeeOther)
	})
}

// buyerPhone is the guest phone remembered by this browser, if any.
func buyerPhone(r *http.Request) string {
	if c, err := r.Cookie(buyerCookie); err == nil {
		if p, err := market.ParsePhone(c.Value); err == nil {
			return string(p)
		}
	}
	return ""
}

// handleConfirmation shows a placed checkout: how to pay, and its orders.
func (s *Server) handleConfirmation() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := s.deps.Orders.GetCheckout(r.Context(), actorFrom(r.Context()), mux.Vars(r)["id"], buyerPhone(r))
		if err != nil {
			s.webError(w, r, err)
			return
		}
		p := s.newPage(r, "confirm.title")
		p.NoIndex = true
		data := confirmationPage{Total: c.Total}
		for _, o := range c.Orders {
			data.Orders = append(data.Orders, s.orderViewOf(p.Lang, o))
		}
		if len(c.Orders) > 0 {
			data.TrackURL = "/orders/lookup" + webQuery("code", c.Orders[0].Code, "phone", c.Buyer.Phone.Local())
		}
		switch {
		case c.Payment.Method == orders.BankTransfer && c.Payment.Status != orders.Paid && c.Payment.QRPayload != "":
			data.VietQR = &vietQRView{ImageURL: "/checkout/" + c.ID + "/qr.png", Amount: c.Total, AmountDigits: strconv.FormatInt(int64(c.Total), 10),
				Reference: c.Payment.Reference, Bank: bankName(c.Payment.Account.BIN), Account: c.Payment.Account.Number,
				Holder: c.Payment.Account.Holder, HoldUntil: c.HoldUntil}
		case c.Payment.Method == orders.Card && r.URL.Query().Get("redirect_status") == "succeeded" && c.Payment.Status == orders.RequiresPayment:
			data.Confirming = true
		case c.Payment.Method == orders.Card && (c.Payment.Status == orders.RequiresPayment || c.Payment.Status == orders.Failed) &&
			c.Status() == orders.PendingPayment && s.web.cardKey != "":
			data.CardSecret = c.Payment.ClientSecret
			data.CardFailed = c.Payment.Status == orders.Failed
			data.ReturnURL = s.web.baseURL + "/checkout/" + c.ID
		case c.Payment.Method == orders.COD:
			data.COD = true
		}
		data.PayLabel = s.web.tr(p.Lang, "paystatus."+string(c.Payment.Status))
		data.PayClass = statusClass(string(c.Payment.Status))
		if c.Payment.Method != orders.COD && c.Payment.Status != orders.Paid && c.Payment.Status != orders.PaymentRefunded {
			data.Refresh = "/checkout/" + c.ID
		}
		p.Data = data
		s.render(w, r, http.StatusOK, "confirmation", p)
	})
}

// handleCheckoutQRImage is the VietQR code of a checkout, for its buyer.
func (s *Server) handleCheckoutQRImage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := s.deps.Orders.GetCheckout(r.Context(), actorFrom(r.Context()), mux.Vars(r)["id"], buyerPhone(r))
		if err == nil && (c.Payment.QRPayload == "" || s.deps.QRImage == nil) {
			err = market.NotFoundf("mã VietQR", "VietQR code")
		}
		if err != nil {
			s.webError(w, r, err)
			return
		}
		png, err := s.deps.QRImage(c.Payment.QRPayload, 480)
		if err != nil {
			s.webError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "private, max-age=3600")
		w.Header().Set("Content-Length", strconv.Itoa(len(png)))
		_, _ = w.Write(png)
	})
}

func (s *Server) orderViewOf(lang string, o orders.Order) orderView {
	v := orderView{ID: o.ID, Code: o.Code, StatusClass: statusClass(string(o.Status)), StatusLabel: s.web.tr(lang, "status."+string(o.Status)),
		SellerName: o.SellerName, CreatedAt: o.CreatedAt, Subtotal: o.Subtotal, Shipping: o.ShippingFee, Total: o.Total, Tracking: o.TrackingNumber}
	for _, l := range o.Lines {
		v.Lines = append(v.Lines, orderLine{Name: l.Name, Unit: l.Unit, Qty: l.Qty, UnitPrice: l.UnitPrice, LineTotal: l.LineTotal})
	}
	paid := "pay.unpaid"
	if o.PaymentStatus == orders.Paid {
		paid = "pay.paid"
	}
	v.PaymentLabel = s.web.tr(lang, "pay."+string(o.Method)) + " · " + s.web.tr(lang, paid)
	if o.Status == orders.Cancelled || o.Status == orders.Refunded || o.Status == orders.PendingPayment {
		return v
	}
	for _, st := range []orders.Status{orders.Placed, orders.Confirmed, orders.Shipped, orders.Delivered} {
		step := orderStep{Label: s.web.tr(lang, "status."+string(st)), Done: statusRank(o.Status) >= statusRank(st)}
		switch st {
		case orders.Placed:
			step.At = o.PlacedAt
		case orders.Confirmed:
			step.At = o.ConfirmedAt
		case orders.Shipped:
			step.At = o.ShippedAt
		case orders.Delivered:
			step.At = o.DeliveredAt
		}
		v.Steps = append(v.Steps, step)
	}
	return v
}

func statusRank(st orders.Status) int {
	for i, x := range []orders.Status{orders.Placed, orders.Confirmed, orders.Shipped, orders.Delivered, orders.Completed} {
		if x == st {
			return i
		}
	}
	return -1
}

// handleLookup finds a guest's order by its code and phone: a GET form,
// so that the link in a confirmation works and can be bookmarked.
func (s *Server) handleLookup() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(r, "lookup.title")
		p.NoIndex = true
		code, phone := strings.TrimSpace(r.URL.Query().Get("code")), strings.TrimSpace(r.URL.Query().Get("phone"))
		p.Form.Set("code", code)
		p.Form.Set("phone", phone)
		if phone == "" {
			if ph := buyerPhone(r); ph != "" {
				p.Form.Set("phone", market.Phone(ph).Local())
			}
		}
		status := http.StatusOK
		if code != "" && phone != "" {
			err := s.limits.check(s.limits.checkoutAddr, s.clientAddr(r))
			var o orders.Order
			if err == nil {
				o, err = s.deps.Orders.Lookup(r.Context(), code, phone)
			}
			if err != nil {
				if !isFormError(err) && !market.IsCode(err, market.NotFound) && !market.IsCode(err, market.RateLimited) {
					s.webError(w, r, err)
					return
				}
				p.formError(err)
				status = statusOf[market.ErrorCode(err)]
			} else {
				v := s.orderViewOf(p.Lang, o)
				if o.Status == orders.PendingPayment && (o.Method == orders.BankTransfer || o.Method == orders.Card) && o.CheckoutID != "" {
					// A buyer who closed the confirmation page pays from
					// here: the phone, just proven, opens it in this browser.
					v.PayURL = "/checkout/" + o.CheckoutID
					s.setCookie(w, buyerCookie, string(o.Buyer.Phone), 24*3600)
				}
				p.Data = &v
			}
		}
		s.render(w, r, status, "lookup", p)
	})
}

// sellerActions are the next moves a seller may make on an order, as big
// buttons. The orders service still decides; this only offers them.
func (s *Server) sellerActions(lang string, o orders.Order) ([]orderAction, bool) {
	btn := func(to, key string, primary, danger bool) orderAction {
		return orderAction{To: to, Label: s.web.tr(lang, "inbox."+key), Primary: primary, Danger: danger}
	}
	var out []orderAction
	tracking := false
	switch o.Status {
	case orders.PendingPayment:
		if o.Method == orders.BankTransfer {
			out = append(out, btn("paid", "paid", true, false))
		}
		out = append(out, btn(string(orders.Cancelled), "cancel", false, true))
	case orders.Placed:
		out = append(out, btn(string(orders.Confirmed), "confirm", true, false), btn(string(orders.Cancelled), "cancel", false, true))
	case orders.Confirmed:
		tracking = true
		out = append(out, btn(string(orders.Shipped), "ship", true, false), btn(string(orders.Cancelled), "cancel", false, true))
	case orders.Shipped:
		out = append(out, btn(string(orders.Delivered), "deliver", true, false))
	case orders.Delivered, orders.Completed:
		if o.Method == orders.COD && o.PaymentStatus != orders.Paid {
			out = append(out, btn("paid", "paid", true, false))
		}
	}
	return out, tracking
}

// todo are the states in which an order waits for the seller.
func todo() []orders.Status {
	return []orders.Status{orders.PendingPayment, orders.Placed, orders.Confirmed, orders.Shipped}
}

// newOrderCount is how many orders wait for the seller to confirm.
func (s *Server) newOrderCount(r *http.Request, sellerID string) int {
	if s.deps.Orders == nil {
		return 0
	}
	page, err := s.deps.Orders.List(r.Context(), actorFrom(r.Context()), orders.ListRequest{SellerID: sellerID, Statuses: []orders.Status{orders.Placed}, Limit: 100})
	if err != nil {
		loggerFrom(r.Context()).Warn("counting new orders", "err", err)
		return 0
	}
	return len(page.Orders)
}

// handleSellerOrders is the seller's inbox: orders waiting for them first,
// each with its next moves as big buttons.
func (s *Server) handleSellerOrders() http.Handler {
	return s.withShop(func(w http.ResponseWriter, r *http.Request, shop sellers.Seller) {
		s.renderInbox(w, r, shop.ID, "", nil)
	})
}

func (s *Server) renderInbox(w http.ResponseWriter, r *http.Request, sellerID, failed string, formErr error) {
	all := r.URL.Query().Get("all") != ""
	req := orders.ListRequest{SellerID: sellerID, Limit: 50}
	if !all {
		req.Statuses = todo()
	}
	page, err := s.deps.Orders.List(r.Context(), actorFrom(r.Context()), req)
	if err != nil {
		s.webError(w, r, err)
		return
	}
	p := s.newPage(r, "inbox.title")
	p.NoIndex = true
	data := inboxPage{Filters: []facetLink{
		{Label: s.web.tr(p.Lang, "inbox.todo"), URL: "/seller/orders", Selected: !all},
		{Label: s.web.tr(p.Lang, "inbox.all"), URL: "/seller/orders?all=1", Selected: all},
	}}
	for _, o := range page.Orders {
		io := inboxOrder{orderView: s.orderViewOf(p.Lang, o), BuyerName: o.Buyer.Name, BuyerPhone: o.Buyer.Phone.Local(),
			BuyerPhoneIntl: string(o.Buyer.Phone), Address: o.Shipping.Address + ", " + s.place(o.Shipping.RegionID), Note: o.Note}
		io.Actions, io.NeedsTracking = s.sellerActions(p.Lang, o)
		if o.ID == failed && formErr != nil {
			// The refused form says what it needs, by the field.
			io.Errors = fieldErrors(formErr, p.Lang)
			io.Tracking, io.Reason = strings.TrimSpace(r.PostFormValue("trackingNumber")), strings.TrimSpace(r.PostFormValue("note"))
		}
		for _, a := range io.Actions {
			io.CanCancel = io.CanCancel || a.Danger
		}
		data.Orders = append(data.Orders, io)
	}
	status := http.StatusOK
	if formErr != nil {
		p.formError(formErr)
		status = statusOf[market.ErrorCode(formErr)]
	}
	p.Data = data
	s.render(w, r, status, "seller_orders", p)
}

// handleSellerOrderMove makes the move a seller chose in the inbox.
func (s *Server) handleSellerOrderMove() http.Handler {
	return s.withShop(func(w http.ResponseWriter, r *http.Request, shop sellers.Seller) {
		actor := actorFrom(r.Context())
		id := mux.Vars(r)["id"]
		to := r.PostFormValue("to")
		var err error
		if to == "paid" {
			_, err = s.deps.Orders.MarkPaid(r.Context(), actor, id)
		} else {
			_, err = s.deps.Orders.Transition(r.Context(), actor, id, "", orders.Move{To: orders.Status(to),
				TrackingNumber: strings.TrimSpace(r.PostFormValue("trackingNumber")), Note: strings.TrimSpace(r.PostFormValue("note"))})
		}
		if err != nil {
			if !isFormError(err) && !market.IsCode(err, market.Forbidden) {
				s.webError(w, r, err)
				return
			}
			s.renderInbox(w, r, shop.ID, id, err)
			return
		}
		s.redirectWithFlash(w, r, "/seller/orders", "seller.order_moved")
	})
}

// handleMyOrders lists the signed-in buyer's orders.
func (s *Server) handleMyOrders() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor := actorFrom(r.Context())
		if !actor.SignedIn() {
			s.webError(w, r, market.ErrUnauthorized)
			return
		}
		page, err := s.deps.Orders.List(r.Context(), actor, orders.ListRequest{Limit: 50})
		if err != nil {
			s.webError(w, r, err)
			return
		}
		p := s.newPage(r, "account.orders")
		p.NoIndex = true
		var list []orderView
		for _, o := range page.Orders {
			list = append(list, s.orderViewOf(p.Lang, o))
		}
		p.Data = list
		s.render(w, r, http.StatusOK, "my_orders", p)
	})
}
