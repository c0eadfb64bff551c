package orders

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ocopmarket/market"
)

// Limits of one checkout.
const (
	MaxItems      = 50
	MaxQty        = 100_000
	maxNameLen    = 100
	maxAddressLen = 300
	maxNoteLen    = 500
)

// Item is one product and quantity in a basket.
type Item struct {
	ProductID string
	Qty       int
}

// CheckoutRequest is what a buyer sends to check out.
type CheckoutRequest struct {
	IdempotencyKey string
	Items          []Item
	// Buyer: AccountID comes from the session, never from the body.
	Buyer    Buyer
	Phone    string // as typed; validated into Buyer.Phone
	Shipping Shipping
	Method   Method
	Note     string
}

// PriceTier is a lower unit price from a quantity up (giá sỉ).
type PriceTier struct {
	MinQty int
	Price  market.VND
}

// ProductSnapshot is what checkout reads of a product and its seller, in
// the same transaction that reserves the stock.
type ProductSnapshot struct {
	ID          string
	Name        string
	Unit        string
	Status      string // catalog status: only "active" sells
	Price       market.VND
	Tiers       []PriceTier
	Stock       int
	MinOrderQty int
	Seller      SellerSnapshot
}

// SellerSnapshot is what checkout reads of a seller.
type SellerSnapshot struct {
	ID       string
	Name     string
	RegionID string
	Status   string // only "verified" sellers sell
	Bank     BankAccount
	// ShippingFee is charged once per order, unless the subtotal reaches
	// FreeShippingOver (0: never free).
	ShippingFee      market.VND
	FreeShippingOver market.VND
}

// UnitPrice is the price per unit for qty: the tier with the largest
// minimum quantity not above qty, else the list price.
func (p ProductSnapshot) UnitPrice(qty int) market.VND {
	price, best := p.Price, 0
	for _, t := range p.Tiers {
		if t.MinQty <= qty && t.MinQty > best && t.Price > 0 {
			price, best = t.Price, t.MinQty
		}
	}
	return price
}

// validate checks the request and returns it tidied: phone normalised,
// duplicate products merged in the order they first appear.
func (r CheckoutRequest) validate() (CheckoutRequest, error) {
	var p market.Problems
	if n := len(r.IdempotencyKey); n < 8 || n > 128 {
		p.Add("Idempotency-Key", "Cần tiêu đề Idempotency-Key dài 8–128 ký tự.", "The Idempotency-Key header is required, 8–128 characters long.")
	}
	if len(r.Items) == 0 {
		p.Add("items", "Giỏ hàng đang trống.", "The basket is empty.")
	}
	if len(r.Items) > MaxItems {
		p.Add("items", fmt.Sprintf("Tối đa %d sản phẩm mỗi lần đặt.", MaxItems), fmt.Sprintf("At most %d products per checkout.", MaxItems))
	}
	merged := make([]Item, 0, len(r.Items))
	at := map[string]int{}
	for i, it := range r.Items {
		field := "items[" + strconv.Itoa(i) + "]"
		if !market.ValidID(it.ProductID) {
			p.Add(field+".productId", "Mã sản phẩm không hợp lệ.", "Not a valid product id.")
			continue
		}
		if it.Qty < 1 || it.Qty > MaxQty {
			p.Add(field+".qty", fmt.Sprintf("Số lượng phải từ 1 đến %d.", MaxQty), fmt.Sprintf("The quantity must be between 1 and %d.", MaxQty))
			continue
		}
		if j, ok := at[it.ProductID]; ok {
			merged[j].Qty += it.Qty
			continue
		}
		at[it.ProductID] = len(merged)
		merged = append(merged, it)
	}
	r.Items = merged
	r.Buyer.Name = market.CleanText(r.Buyer.Name)
	if r.Buyer.Name == "" || utf8.RuneCountInString(r.Buyer.Name) > maxNameLen {
		p.Add("buyer.name", "Vui lòng nhập họ tên người nhận (tối đa 100 ký tự).", "Please give the recipient's name (at most 100 characters).")
	}
	phone, err := market.ParsePhone(r.Phone)
	if err != nil {
		p.AddText("buyer.phone", err.(*market.Error).Message)
	}
	r.Buyer.Phone = phone
	r.Buyer.Email = strings.TrimSpace(r.Buyer.Email)
	if e := r.Buyer.Email; e != "" && (len(e) > 200 || !strings.Contains(e, "@") || strings.ContainsAny(e, " \t\r\n")) {
		p.Add("buyer.email", "Địa chỉ email không hợp lệ.", "Not a valid email address.")
	}
	r.Shipping.Address = market.CleanText(r.Shipping.Address)
	if r.Shipping.Address == "" || utf8.RuneCountInString(r.Shipping.Address) > maxAddressLen {
		p.Add("shipping.address", "Vui lòng nhập địa chỉ giao hàng (tối đa 300 ký tự).", "Please give the delivery address (at most 300 characters).")
	}
	if r.Shipping.RegionID == "" {
		p.Add("shipping.regionId", "Vui lòng chọn tỉnh/thành và xã/phường giao hàng.", "Please choose the delivery province and commune.")
	}
	switch r.Method {
	case Card, BankTransfer, COD:
	default:
		p.Add("paymentMethod", "Hãy chọn cách thanh toán: cod, card hoặc bank_transfer.", "Choose a payment method: cod, card or bank_transfer.")
	}
	r.Note = market.CleanMultiline(r.Note)
	if utf8.RuneCountInString(r.Note) > maxNoteLen {
		p.Add("note", "Ghi chú tối đa 500 ký tự.", "The note is at most 500 characters.")
	}
	return r, p.Err()
}

// hash identifies the request, for telling a replay from a different
// request under the same idempotency key. It covers who asks and what.
func (r CheckoutRequest) hash() string {
	h := sha256.New()
	field := func(s string) { fmt.Fprintf(h, "%d:%s|", len(s), s) }
	field(r.Buyer.AccountID)
	field(r.Buyer.Name)
	field(string(r.Buyer.Phone))
	field(r.Buyer.Email)
	field(r.Shipping.Address)
	field(r.Shipping.RegionID)
	field(string(r.Method))
	field(r.Note)
	for _, it := range r.Items {
		field(it.ProductID)
		field(strconv.Itoa(it.Qty))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// buyerKey names a buyer for figures without revealing who they are.
func buyerKey(b Buyer, secret []byte) string {
	if b.AccountID != "" {
		return "a:" + b.AccountID
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(b.Phone))
	return "g:" + hex.EncodeToString(m.Sum(nil))[:32]
}

// codeAlphabet has no look-alikes: no 0/O, 1/I/L, U/V.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTWXYZ"

// randomCode returns n characters of the code alphabet.
func randomCode(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("orders: no randomness: " + err.Error()) // crypto/rand never fails on supported platforms
	}
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// CodePrefix is the province part of an order code: the initials of the
// province id of the seller's region ("can-tho.thanh-xuan" → "CT",
// "ho-chi-minh" → "HCM", "hue" → "HU").
func CodePrefix(regionID string) string {
	province, _, _ := strings.Cut(regionID, ".")
	words := strings.FieldsFunc(province, func(r rune) bool { return r == '-' })
	var b strings.Builder
	for _, w := range words {
		if c := w[0]; c >= 'a' && c <= 'z' {
			b.WriteByte(c - 'a' + 'A')
		}
		if b.Len() == 3 {
			break
		}
	}
	if len(words) == 1 && len(words[0]) > 1 && b.Len() == 1 {
		if c := words[0][1]; c >= 'a' && c <= 'z' {
			b.WriteByte(c - 'a' + 'A')
		}
	}
	if b.Len() == 0 {
		return "OC"
	}
	return b.String()
}

// NormalizeCode reads a code as a person may type it: any case, spaces,
// with or without the dash.
func NormalizeCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	c := b.String()
	if len(c) < 7 {
		return c
	}
	return c[:len(c)-6] + "-" + c[len(c)-6:]
}

// draft is a checkout built from the request and the snapshots, ready to
// be stored, before payment details.
type draft struct {
	req      CheckoutRequest
	now      time.Time
	hold     time.Duration
	buyerKey string
	platform BankAccount
	newCode  func(prefix string) string
	newRef   func() string
}

// build prices the basket from the snapshots read in the reserving
// transaction: it checks every line (active product, verified seller,
// minimum quantity, stock), splits by seller in the order the sellers first
// appear, applies quantity tiers and each seller's shipping rule. It is pure
// but for the random codes. Short lines make one insufficient_stock error
// naming every short product.
func (d draft) build(products []ProductSnapshot) (Checkout, error) {
	byID := make(map[string]ProductSnapshot, len(products))
	for _, p := range products {
		byID[p.ID] = p
	}
	var problems market.Problems
	short := &market.Error{Code: market.InsufficientStock}
	var sellers []string
	lines := map[string][]Line{}
	seller := map[string]SellerSnapshot{}
	for i, it := range d.req.Items {
		field := "items[" + strconv.Itoa(i) + "]"
		p, ok := byID[it.ProductID]
		if !ok || p.Status != "active" || p.Seller.Status != "verified" {
			problems.Add(field+".productId", "Sản phẩm này không còn được bán.", "This product is not for sale.")
			continue
		}
		if it.Qty < p.MinOrderQty {
			problems.Add(field+".qty",
				fmt.Sprintf("%s: đặt tối thiểu %d %s.", p.Name, p.MinOrderQty, p.Unit),
				fmt.Sprintf("%s: order at least %d %s.", p.Name, p.MinOrderQty, p.Unit))
			continue
		}
		if p.Stock < it.Qty {
			short.WithField(p.ID,
				fmt.Sprintf("%s: chỉ còn %d %s.", p.Name, p.Stock, p.Unit),
				fmt.Sprintf("%s: only %d %s left.", p.Name, p.Stock, p.Unit))
			continue
		}
		if _, seen := seller[p.Seller.ID]; !seen {
			sellers = append(sellers, p.Seller.ID)
			seller[p.Seller.ID] = p.Seller
		}
		unit := p.UnitPrice(it.Qty)
		lines[p.Seller.ID] = append(lines[p.Seller.ID], Line{ProductID: p.ID, Name: p.Name, Unit: p.Unit,
			Qty: it.Qty, UnitPrice: unit, LineTotal: unit * market.VND(it.Qty)})
	}
	if err := problems.Err(); err != nil {
		return Checkout{}, err
	}
	if len(short.Fields) > 0 {
		return Checkout{}, insufficient(short)
	}

	c := Checkout{
		ID:             market.NewID(),
		IdempotencyKey: d.req.IdempotencyKey,
		RequestHash:    d.req.hash(),
		Buyer:          d.req.Buyer,
		BuyerKey:       d.buyerKey,
		CreatedAt:      d.now,
		Payment:        Payment{Method: d.req.Method},
	}
	status, pay := PendingPayment, RequiresPayment
	switch d.req.Method {
	case COD:
		status, pay = Placed, OnDelivery
	case BankTransfer:
		pay = AwaitingTransfer
	}
	c.Payment.Status = pay
	if status == PendingPayment {
		c.HoldUntil = d.now.Add(d.hold)
	}
	for _, sid := range sellers {
		s := seller[sid]
		o := Order{
			ID: market.NewID(), Code: d.newCode(CodePrefix(s.RegionID)), CheckoutID: c.ID,
			SellerID: s.ID, SellerName: s.Name, SellerRegionID: s.RegionID,
			Buyer: d.req.Buyer, BuyerKey: d.buyerKey, Shipping: d.req.Shipping, Note: d.req.Note,
			Lines: lines[sid], Method: d.req.Method, PaymentStatus: pay, Status: status,
			HoldUntil: c.HoldUntil, CreatedAt: d.now, UpdatedAt: d.now,
		}
		for _, l := range o.Lines {
			o.Subtotal += l.LineTotal
		}
		if s.FreeShippingOver == 0 || o.Subtotal < s.FreeShippingOver {
			o.ShippingFee = s.ShippingFee
		}
		o.Total = o.Subtotal + o.ShippingFee
		if status == Placed {
			o.PlacedAt = d.now
		}
		o.History = []Transition{{To: status, By: d.req.Buyer.AccountID, Party: PartyBuyer, At: d.now}}
		c.Orders = append(c.Orders, o)
		c.Total += o.Total
	}
	if c.Total > market.MaxVND {
		return Checkout{}, market.Errorf(market.Invalid, "Giá trị đơn hàng quá lớn.", "The order is too large.").
			WithField("items", "Giá trị đơn hàng quá lớn.", "The order is too large.")
	}
	if d.req.Method == BankTransfer {
		if err := d.bankTransfer(&c, seller); err != nil {
			return Checkout{}, err
		}
	}
	return c, nil
}

// bankTransfer decides whose account the VietQR code pays: the seller's,
// when the checkout has one seller and that seller gave a bank account (the
// money goes straight to the farmer); otherwise the platform's account,
// which then settles with each seller; with neither, bank transfer is
// refused for this basket.
func (d draft) bankTransfer(c *Checkout, sellers map[string]SellerSnapshot) error {
	c.Payment.Reference = d.newRef()
	if len(c.Orders) == 1 {
		if b := sellers[c.Orders[0].SellerID].Bank; b.Complete() {
			c.Payment.Account = b
			return nil
		}
	}
	if d.platform.Complete() {
		c.Payment.Account = d.platform
		return nil
	}
	msgVI, msgEN := "Người bán chưa có tài khoản ngân hàng để nhận chuyển khoản. Vui lòng chọn thanh toán khi nhận hàng.",
		"The seller has no bank account for transfers. Please choose cash on delivery."
	if len(c.Orders) > 1 {
		msgVI, msgEN = "Chưa thể chuyển khoản một lần cho nhiều người bán. Vui lòng đặt riêng từng người bán hoặc chọn cách thanh toán khác.",
			"One transfer cannot pay several sellers yet. Please check out each seller separately or choose another payment method."
	}
	return market.Errorf(market.Invalid, msgVI, msgEN).WithField("paymentMethod", msgVI, msgEN)
}

// insufficient completes the message of a stock error whose fields name the
// short products.
func insufficient(e *market.Error) *market.Error {
	e.Code = market.InsufficientStock
	e.Message = market.T("Không đủ hàng cho một số sản phẩm; chưa có gì được giữ chỗ.",
		"Some products do not have enough stock; nothing was reserved.")
	return e
}

// ShortOf returns the insufficient_stock error naming one product, for a
// store whose guarded decrement found the stock gone.
func ShortOf(p ProductSnapshot, stock int) error {
	e := &market.Error{}
	e.WithField(p.ID, fmt.Sprintf("%s: chỉ còn %d %s.", p.Name, stock, p.Unit),
		fmt.Sprintf("%s: only %d %s left.", p.Name, stock, p.Unit))
	return insufficient(e)
}
