package mongodb

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/orders"
)

// OrderStore keeps checkouts and orders and reserves stock in the catalog's
// products collection, in multi-document transactions (replica set).
type OrderStore struct{ db *DB }

var _ orders.Store = (*OrderStore)(nil)

// Orders returns the orders store.
func (db *DB) Orders() *OrderStore { return &OrderStore{db: db} }

type buyerDoc struct {
	AccountID string `bson:"accountId"`
	Name      string `bson:"name"`
	Phone     string `bson:"phone"`
	Email     string `bson:"email,omitempty"`
}

type checkoutDoc struct {
	ID             string    `bson:"_id"`
	IdempotencyKey string    `bson:"idempotencyKey"`
	RequestHash    string    `bson:"requestHash"`
	Buyer          buyerDoc  `bson:"buyer"`
	BuyerKey       string    `bson:"buyerKey"`
	TotalVnd       int64     `bson:"totalVnd"`
	PaymentMethod  string    `bson:"paymentMethod"`
	PaymentStatus  string    `bson:"paymentStatus"`
	IntentID       string    `bson:"intentId,omitempty"`
	ClientSecret   string    `bson:"clientSecret,omitempty"`
	Reference      string    `bson:"reference,omitempty"`
	Bank           bankDoc   `bson:"bank"`
	QRPayload      string    `bson:"qrPayload,omitempty"`
	PaymentFlag    string    `bson:"paymentFlag,omitempty"`
	HoldUntil      time.Time `bson:"holdUntil,omitempty"`
	CreatedAt      time.Time `bson:"createdAt"`
}

type lineDoc struct {
	ProductID    string `bson:"productId"`
	Name         string `bson:"name"`
	Unit         string `bson:"unit"`
	Qty          int    `bson:"qty"`
	UnitPriceVnd int64  `bson:"unitPriceVnd"`
	LineTotalVnd int64  `bson:"lineTotalVnd"`
}

type historyDoc struct {
	From  string    `bson:"from,omitempty"`
	To    string    `bson:"to"`
	By    string    `bson:"by,omitempty"`
	Party string    `bson:"party"`
	At    time.Time `bson:"at"`
	Note  string    `bson:"note,omitempty"`
}

// orderDoc is an order. Its fields for the officials' figures (sellerRegionId,
// shipping.regionId, buyerKey, paymentMethod, paymentStatus, totalVnd and the
// *At times) are those of the SQLite table.
type orderDoc struct {
	ID             string       `bson:"_id"`
	Code           string       `bson:"code"`
	CheckoutID     string       `bson:"checkoutId"`
	SellerID       string       `bson:"sellerId"`
	SellerName     string       `bson:"sellerName"`
	SellerRegionID string       `bson:"sellerRegionId"`
	Buyer          buyerDoc     `bson:"buyer"`
	BuyerKey       string       `bson:"buyerKey"`
	Shipping       shippingDoc  `bson:"shipping"`
	Note           string       `bson:"note,omitempty"`
	Lines          []lineDoc    `bson:"lines"`
	SubtotalVnd    int64        `bson:"subtotalVnd"`
	ShippingVnd    int64        `bson:"shippingVnd"`
	TotalVnd       int64        `bson:"totalVnd"`
	PaymentMethod  string       `bson:"paymentMethod"`
	PaymentStatus  string       `bson:"paymentStatus"`
	Status         string       `bson:"status"`
	TrackingNumber string       `bson:"trackingNumber,omitempty"`
	CancelReason   string       `bson:"cancelReason,omitempty"`
	StockReturned  bool         `bson:"stockReturned"`
	HoldUntil      time.Time    `bson:"holdUntil,omitempty"`
	History        []historyDoc `bson:"history"`
	CreatedAt      time.Time    `bson:"createdAt"`
	UpdatedAt      time.Time    `bson:"updatedAt"`
	PlacedAt       time.Time    `bson:"placedAt,omitempty"`
	PaidAt         time.Time    `bson:"paidAt,omitempty"`
	ConfirmedAt    time.Time    `bson:"confirmedAt,omitempty"`
	ShippedAt      time.Time    `bson:"shippedAt,omitempty"`
	DeliveredAt    time.Time    `bson:"deliveredAt,omitempty"`
	CompletedAt    time.Time    `bson:"completedAt,omitempty"`
	CancelledAt    time.Time    `bson:"cancelledAt,omitempty"`
	RefundedAt     time.Time    `bson:"refundedAt,omitempty"`
}

type shippingDoc struct {
	Address  string `bson:"address"`
	RegionID string `bson:"regionId"`
}

func toBuyerDoc(b orders.Buyer) buyerDoc {
	return buyerDoc{AccountID: b.AccountID, Name: b.Name, Phone: string(b.Phone), Email: b.Email}
}

func fromBuyerDoc(d buyerDoc) orders.Buyer {
	return orders.Buyer{AccountID: d.AccountID, Name: d.Name, Phone: market.Phone(d.Phone), Email: d.Email}
}

func toHistoryDoc(h orders.Transition) historyDoc {
	return historyDoc{From: string(h.From), To: string(h.To), By: h.By, Party: string(h.Party), At: utc(h.At), Note: h.Note}
}

func toOrderDoc(o orders.Order) orderDoc {
	d := orderDoc{ID: o.ID, Code: o.Code, CheckoutID: o.CheckoutID, SellerID: o.SellerID, SellerName: o.SellerName,
		SellerRegionID: o.SellerRegionID, Buyer: toBuyerDoc(o.Buyer), BuyerKey: o.BuyerKey,
		Shipping: shippingDoc{Address: o.Shipping.Address, RegionID: o.Shipping.RegionID}, Note: o.Note,
		SubtotalVnd: int64(o.Subtotal), ShippingVnd: int64(o.ShippingFee), TotalVnd: int64(o.Total),
		PaymentMethod: string(o.Method), PaymentStatus: string(o.PaymentStatus), Status: string(o.Status),
		TrackingNumber: o.TrackingNumber, CancelReason: o.CancelReason, StockReturned: o.StockReturned,
		HoldUntil: utc(o.HoldUntil), CreatedAt: utc(o.CreatedAt), UpdatedAt: utc(o.UpdatedAt), PlacedAt: utc(o.PlacedAt),
		PaidAt: utc(o.PaidAt), ConfirmedAt: utc(o.ConfirmedAt), ShippedAt: utc(o.ShippedAt), DeliveredAt: utc(o.DeliveredAt),
		CompletedAt: utc(o.CompletedAt), CancelledAt: utc(o.CancelledAt), RefundedAt: utc(o.RefundedAt),
		Lines: make([]lineDoc, len(o.Lines)), History: make([]historyDoc, len(o.History))}
	for i, l := range o.Lines {
		d.Lines[i] = lineDoc{ProductID: l.ProductID, Name: l.Name, Unit: l.Unit, Qty: l.Qty, UnitPriceVnd: int64(l.UnitPrice), LineTotalVnd: int64(l.LineTotal)}
	}
	for i, h := range o.History {
		d.History[i] = toHistoryDoc(h)
	}
	return d
}

func fromOrderDoc(d orderDoc) orders.Order {
	o := orders.Order{ID: d.ID, Code: d.Code, CheckoutID: d.CheckoutID, SellerID: d.SellerID, SellerName: d.SellerName,
		SellerRegionID: d.SellerRegionID, Buyer: fromBuyerDoc(d.Buyer), BuyerKey: d.BuyerKey,
		Shipping: orders.Shipping{Address: d.Shipping.Address, RegionID: d.Shipping.RegionID}, Note: d.Note,
		Subtotal: market.VND(d.SubtotalVnd), ShippingFee: market.VND(d.ShippingVnd), Total: market.VND(d.TotalVnd),
		Method: orders.Method(d.PaymentMethod), PaymentStatus: orders.PaymentStatus(d.PaymentStatus), Status: orders.Status(d.Status),
		TrackingNumber: d.TrackingNumber, CancelReason: d.CancelReason, StockReturned: d.StockReturned,
		HoldUntil: utc(d.HoldUntil), CreatedAt: utc(d.CreatedAt), UpdatedAt: utc(d.UpdatedAt), PlacedAt: utc(d.PlacedAt),
		PaidAt: utc(d.PaidAt), ConfirmedAt: utc(d.ConfirmedAt), ShippedAt: utc(d.ShippedAt), DeliveredAt: utc(d.DeliveredAt),
		CompletedAt: utc(d.CompletedAt), CancelledAt: utc(d.CancelledAt), RefundedAt: utc(d.RefundedAt)}
	for _, l := range d.Lines {
		o.Lines = append(o.Lines, orders.Line{ProductID: l.ProductID, Name: l.Name, Unit: l.Unit, Qty: l.Qty,
			UnitPrice: market.VND(l.UnitPriceVnd), LineTotal: market.VND(l.LineTotalVnd)})
	}
	for _, h := range d.History {
		o.History = append(o.History, orders.Transition{From: orders.Status(h.From), To: orders.Status(h.To), By: h.By,
			Party: orders.Party(h.Party), At: utc(h.At), Note: h.Note})
	}
	return o
}

func toCheckoutDoc(c orders.Checkout) checkoutDoc {
	p := c.Payment
	return checkoutDoc{ID: c.ID, IdempotencyKey: c.IdempotencyKey, RequestHash: c.RequestHash, Buyer: toBuyerDoc(c.Buyer),
		BuyerKey: c.BuyerKey, TotalVnd: int64(c.Total), PaymentMethod: string(p.Method), PaymentStatus: string(p.Status),
		IntentID: p.IntentID, ClientSecret: p.ClientSecret, Reference: p.Reference,
		Bank:      bankDoc{BIN: p.Account.BIN, AccountNumber: p.Account.Number, Holder: p.Account.Holder},
		QRPayload: p.QRPayload, PaymentFlag: p.Flag, HoldUntil: utc(c.HoldUntil), CreatedAt: utc(c.CreatedAt)}
}

func fromCheckoutDoc(d checkoutDoc) orders.Checkout {
	return orders.Checkout{ID: d.ID, IdempotencyKey: d.IdempotencyKey, RequestHash: d.RequestHash, Buyer: fromBuyerDoc(d.Buyer),
		BuyerKey: d.BuyerKey, Total: market.VND(d.TotalVnd), HoldUntil: utc(d.HoldUntil), CreatedAt: utc(d.CreatedAt),
		Payment: orders.Payment{Method: orders.Method(d.PaymentMethod), Status: orders.PaymentStatus(d.PaymentStatus),
			IntentID: d.IntentID, ClientSecret: d.ClientSecret, Reference: d.Reference, QRPayload: d.QRPayload, Flag: d.PaymentFlag,
			Account: orders.BankAccount{BIN: d.Bank.BIN, Number: d.Bank.AccountNumber, Holder: d.Bank.Holder}}}
}

// The catalog's documents, as far as checkout reads them.
type productSnapDoc struct {
	ID         string `bson:"_id"`
	SellerID   string `bson:"sellerId"`
	Name       string `bson:"name"`
	Unit       string `bson:"unit"`
	Status     string `bson:"status"`
	PriceVnd   int64  `bson:"priceVnd"`
	PriceTiers []struct {
		MinQty   int   `bson:"minQty"`
		PriceVnd int64 `bson:"priceVnd"`
	} `bson:"priceTiers"`
	Stock       int `bson:"stock"`
	MinOrderQty int `bson:"minOrderQty"`
}

type sellerSnapDoc struct {
	ID                  string  `bson:"_id"`
	Name                string  `bson:"name"`
	RegionID            string  `bson:"regionId"`
	Status              string  `bson:"status"`
	Bank                bankDoc `bson:"bank"`
	ShippingFeeVnd      int64   `bson:"shippingFeeVnd"`
	FreeShippingOverVnd int64   `bson:"freeShippingOverVnd"`
}

// reserveFilter matches a product only while enough stock remains.
func reserveFilter(productID string, qty int) bson.D {
	return bson.D{{Key: "_id", Value: productID}, {Key: "stock", Value: bson.D{{Key: "$gte", Value: qty}}}}
}

// stockUpdate moves qty units off the shelf (negative qty puts them back),
// bumps the version and marks the product for the search index.
func stockUpdate(qty int, now time.Time) bson.D {
	return bson.D{
		{Key: "$inc", Value: bson.D{{Key: "stock", Value: -qty}, {Key: "sold", Value: qty}, {Key: "version", Value: 1}}},
		{Key: "$set", Value: bson.D{{Key: "searchDirty", Value: true}, {Key: "updatedAt", Value: utc(now)}}},
	}
}

func (s *OrderStore) col(name string) *mongo.Collection { return s.db.db.Collection(name) }

// inTx runs fn in a multi-document transaction, retried by the driver on
// transient conflicts (two checkouts taking the same product).
func (s *OrderStore) inTx(ctx context.Context, fn func(sc mongo.SessionContext) error) error {
	sess, err := s.db.client.StartSession()
	if err != nil {
		return err
	}
	defer sess.EndSession(ctx)
	_, err = sess.WithTransaction(ctx, func(sc mongo.SessionContext) (any, error) { return nil, fn(sc) })
	return err
}

var errReplay = errors.New("replay")

// CreateCheckout reserves every line or none and stores the checkout.
func (s *OrderStore) CreateCheckout(ctx context.Context, key, hash string, productIDs []string,
	build func([]orders.ProductSnapshot) (orders.Checkout, error)) (orders.Checkout, bool, error) {
	var c orders.Checkout
	err := s.inTx(ctx, func(sc mongo.SessionContext) error {
		var prev checkoutDoc
		err := s.col("checkouts").FindOne(sc, bson.D{{Key: "idempotencyKey", Value: key}}).Decode(&prev)
		if err == nil {
			if prev.RequestHash != hash {
				return orders.ErrKeyReused()
			}
			return errReplay
		}
		if !isNoDocuments(err) {
			return err
		}
		snaps, err := s.snapshots(sc, productIDs)
		if err != nil {
			return err
		}
		if c, err = build(snaps); err != nil {
			return err
		}
		byID := map[string]orders.ProductSnapshot{}
		for _, p := range snaps {
			byID[p.ID] = p
		}
		for _, o := range c.Orders {
			for _, l := range o.Lines {
				res, err := s.col("products").UpdateOne(sc, reserveFilter(l.ProductID, l.Qty), stockUpdate(l.Qty, c.CreatedAt))
				if err != nil {
					return err
				}
				if res.MatchedCount == 0 {
					var now productSnapDoc
					_ = s.col("products").FindOne(sc, bson.D{{Key: "_id", Value: l.ProductID}}).Decode(&now)
					return orders.ShortOf(byID[l.ProductID], now.Stock)
				}
			}
		}
		if _, err := s.col("checkouts").InsertOne(sc, toCheckoutDoc(c)); err != nil {
			return err
		}
		docs := make([]any, len(c.Orders))
		for i, o := range c.Orders {
			docs[i] = toOrderDoc(o)
		}
		_, err = s.col("orders").InsertMany(sc, docs)
		if isDuplicate(err) {
			return orders.ErrCodeTaken
		}
		return err
	})
	if errors.Is(err, errReplay) || isDuplicate(err) {
		// A concurrent request with the same key won the race, or this is a replay.
		var prev checkoutDoc
		if ferr := s.col("checkouts").FindOne(ctx, bson.D{{Key: "idempotencyKey", Value: key}}).Decode(&prev); ferr != nil {
			return orders.Checkout{}, false, err
		}
		if prev.RequestHash != hash {
			return orders.Checkout{}, false, orders.ErrKeyReused()
		}
		c, err := s.Checkout(ctx, prev.ID)
		return c, false, err
	}
	if err != nil {
		return orders.Checkout{}, false, err
	}
	return c, true, nil
}

func (s *OrderStore) snapshots(ctx context.Context, ids []string) ([]orders.ProductSnapshot, error) {
	cur, err := s.col("products").Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, err
	}
	var ps []productSnapDoc
	if err := cur.All(ctx, &ps); err != nil {
		return nil, err
	}
	sellerIDs := []string{}
	for _, p := range ps {
		sellerIDs = append(sellerIDs, p.SellerID)
	}
	cur, err = s.col("sellers").Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: sellerIDs}}}})
	if err != nil {
		return nil, err
	}
	var ss []sellerSnapDoc
	if err := cur.All(ctx, &ss); err != nil {
		return nil, err
	}
	sellers := map[string]orders.SellerSnapshot{}
	for _, d := range ss {
		sellers[d.ID] = orders.SellerSnapshot{ID: d.ID, Name: d.Name, RegionID: d.RegionID, Status: d.Status,
			Bank:        orders.BankAccount{BIN: d.Bank.BIN, Number: d.Bank.AccountNumber, Holder: d.Bank.Holder},
			ShippingFee: market.VND(d.ShippingFeeVnd), FreeShippingOver: market.VND(d.FreeShippingOverVnd)}
	}
	out := make([]orders.ProductSnapshot, 0, len(ps))
	for _, d := range ps {
		seller, ok := sellers[d.SellerID]
		if !ok {
			continue
		}
		p := orders.ProductSnapshot{ID: d.ID, Name: d.Name, Unit: d.Unit, Status: d.Status, Price: market.VND(d.PriceVnd),
			Stock: d.Stock, MinOrderQty: max(d.MinOrderQty, 1), Seller: seller}
		for _, t := range d.PriceTiers {
			p.Tiers = append(p.Tiers, orders.PriceTier{MinQty: t.MinQty, Price: market.VND(t.PriceVnd)})
		}
		out = append(out, p)
	}
	return out, nil
}

func (s *OrderStore) findCheckout(ctx context.Context, filter bson.D) (orders.Checkout, error) {
	var d checkoutDoc
	err := s.col("checkouts").FindOne(ctx, filter).Decode(&d)
	if isNoDocuments(err) {
		return orders.Checkout{}, orders.ErrCheckoutNotFound()
	}
	if err != nil {
		return orders.Checkout{}, err
	}
	c := fromCheckoutDoc(d)
	c.Orders, err = s.findOrders(ctx, bson.D{{Key: "checkoutId", Value: c.ID}}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	return c, err
}

func (s *OrderStore) findOrders(ctx context.Context, filter bson.D, opts *options.FindOptions) ([]orders.Order, error) {
	cur, err := s.col("orders").Find(ctx, filter, opts)
	if err != nil {
		return nil, err
	}
	var ds []orderDoc
	if err := cur.All(ctx, &ds); err != nil {
		return nil, err
	}
	out := make([]orders.Order, len(ds))
	for i, d := range ds {
		out[i] = fromOrderDoc(d)
	}
	return out, nil
}

func (s *OrderStore) findOrder(ctx context.Context, filter bson.D) (orders.Order, error) {
	var d orderDoc
	err := s.col("orders").FindOne(ctx, filter).Decode(&d)
	if isNoDocuments(err) {
		return orders.Order{}, orders.ErrOrderNotFound()
	}
	if err != nil {
		return orders.Order{}, err
	}
	return fromOrderDoc(d), nil
}

// Checkout returns a checkout with its orders.
func (s *OrderStore) Checkout(ctx context.Context, id string) (orders.Checkout, error) {
	return s.findCheckout(ctx, bson.D{{Key: "_id", Value: id}})
}

// CheckoutByIntent finds the checkout of a card payment.
func (s *OrderStore) CheckoutByIntent(ctx context.Context, intentID string) (orders.Checkout, error) {
	if intentID == "" {
		return orders.Checkout{}, orders.ErrCheckoutNotFound()
	}
	return s.findCheckout(ctx, bson.D{{Key: "intentId", Value: intentID}})
}

// CheckoutByReference finds the checkout of a bank transfer.
func (s *OrderStore) CheckoutByReference(ctx context.Context, reference string) (orders.Checkout, error) {
	if reference == "" {
		return orders.Checkout{}, orders.ErrCheckoutNotFound()
	}
	return s.findCheckout(ctx, bson.D{{Key: "reference", Value: reference}})
}

func (s *OrderStore) setCheckout(ctx context.Context, id string, set bson.D) error {
	res, err := s.col("checkouts").UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return orders.ErrCheckoutNotFound()
	}
	return nil
}

// SetIntent records the card payment's intent.
func (s *OrderStore) SetIntent(ctx context.Context, checkoutID, intentID, clientSecret string) error {
	return s.setCheckout(ctx, checkoutID, bson.D{{Key: "intentId", Value: intentID}, {Key: "clientSecret", Value: clientSecret}})
}

// FlagPayment records a notification that did not match.
func (s *OrderStore) FlagPayment(ctx context.Context, checkoutID, flag string) error {
	return s.setCheckout(ctx, checkoutID, bson.D{{Key: "paymentFlag", Value: flag}})
}

// Order returns one order.
func (s *OrderStore) Order(ctx context.Context, id string) (orders.Order, error) {
	return s.findOrder(ctx, bson.D{{Key: "_id", Value: id}})
}

// OrderByCode returns the order with the code.
func (s *OrderStore) OrderByCode(ctx context.Context, code string) (orders.Order, error) {
	return s.findOrder(ctx, bson.D{{Key: "code", Value: code}})
}

// orderListFilter is the filter of a page of orders, newest first, after
// the cursor (createdAt in ms and id).
func orderListFilter(f orders.Filter) (bson.D, error) {
	var d bson.D
	if f.SellerID != "" {
		d = append(d, bson.E{Key: "sellerId", Value: f.SellerID})
	}
	if f.BuyerAccountID != "" {
		d = append(d, bson.E{Key: "buyer.accountId", Value: f.BuyerAccountID})
	}
	if len(d) == 0 {
		return nil, market.Errorf(market.Invalid, "Cần chọn người bán hoặc người mua.", "A seller or a buyer is required.")
	}
	if len(f.Statuses) > 0 {
		ss := bson.A{}
		for _, st := range f.Statuses {
			ss = append(ss, string(st))
		}
		d = append(d, bson.E{Key: "status", Value: bson.D{{Key: "$in", Value: ss}}})
	}
	if f.Cursor != "" {
		ms, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, err
		}
		at := time.UnixMilli(ms).UTC()
		d = append(d, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "createdAt", Value: bson.D{{Key: "$lt", Value: at}}}},
			bson.D{{Key: "createdAt", Value: at}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: id}}}},
		}})
	}
	return d, nil
}

func encodeCursor(o orders.Order) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(o.CreatedAt.UnixMilli(), 10) + ":" + o.ID))
}

func decodeCursor(s string) (int64, string, error) {
	bad := market.Errorf(market.Invalid, "Con trỏ trang không hợp lệ.", "The page cursor is not valid.").
		WithField("cursor", "Con trỏ trang không hợp lệ.", "The page cursor is not valid.")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, "", bad
	}
	ms, id, ok := strings.Cut(string(raw), ":")
	n, err := strconv.ParseInt(ms, 10, 64)
	if !ok || err != nil || id == "" {
		return 0, "", bad
	}
	return n, id, nil
}

// Orders lists orders newest first.
func (s *OrderStore) Orders(ctx context.Context, f orders.Filter) (orders.Page, error) {
	filter, err := orderListFilter(f)
	if err != nil {
		return orders.Page{}, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	os, err := s.findOrders(ctx, filter, options.Find().
		SetSort(bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}).
		SetLimit(int64(limit+1)).
		SetProjection(bson.D{{Key: "history", Value: 0}}))
	if err != nil {
		return orders.Page{}, err
	}
	return orders.PageOf(os, limit, encodeCursor), nil
}

// timeField is the field that records when an order reached a status.
func timeField(st orders.Status) string {
	switch st {
	case orders.Placed:
		return "placedAt"
	case orders.Confirmed:
		return "confirmedAt"
	case orders.Shipped:
		return "shippedAt"
	case orders.Delivered:
		return "deliveredAt"
	case orders.Completed:
		return "completedAt"
	case orders.Cancelled:
		return "cancelledAt"
	case orders.Refunded:
		return "refundedAt"
	}
	return "updatedAt"
}

// transitionUpdate is the update of one move of an order.
func transitionUpdate(from orders.Status, ch orders.Change) bson.D {
	at := utc(ch.At)
	set := bson.D{{Key: "status", Value: string(ch.To)}, {Key: timeField(ch.To), Value: at}, {Key: "updatedAt", Value: at}}
	if ch.TrackingNumber != "" {
		set = append(set, bson.E{Key: "trackingNumber", Value: ch.TrackingNumber})
	}
	if ch.To == orders.Cancelled {
		set = append(set, bson.E{Key: "cancelReason", Value: ch.Note})
	}
	if ch.PaymentStatus != "" {
		set = append(set, bson.E{Key: "paymentStatus", Value: string(ch.PaymentStatus)})
		if ch.PaymentStatus == orders.Paid {
			set = append(set, bson.E{Key: "paidAt", Value: at})
		}
	}
	return bson.D{
		{Key: "$set", Value: set},
		{Key: "$push", Value: bson.D{{Key: "history", Value: toHistoryDoc(orders.Transition{From: from, To: ch.To, By: ch.By, Party: ch.Party, At: ch.At, Note: ch.Note})}}},
	}
}

var errMoved = market.Errorf(market.Conflict, "Đơn hàng vừa được cập nhật bởi người khác; vui lòng tải lại.",
	"The order was just changed by someone else; please reload it.")

// Transition moves an order from status from, with the stock a cancel returns.
func (s *OrderStore) Transition(ctx context.Context, orderID string, from orders.Status, ch orders.Change) (orders.Order, error) {
	var o orders.Order
	err := s.inTx(ctx, func(sc mongo.SessionContext) error {
		res, err := s.col("orders").UpdateOne(sc, bson.D{{Key: "_id", Value: orderID}, {Key: "status", Value: string(from)}}, transitionUpdate(from, ch))
		if err != nil {
			return err
		}
		if res.MatchedCount == 0 {
			if _, err := s.findOrder(sc, bson.D{{Key: "_id", Value: orderID}}); err != nil {
				return err
			}
			return errMoved
		}
		if ch.To == orders.Cancelled {
			if err := s.returnStock(sc, orderID, ch.At); err != nil {
				return err
			}
		}
		o, err = s.findOrder(sc, bson.D{{Key: "_id", Value: orderID}})
		return err
	})
	return o, err
}

// returnStock puts a cancelled order's lines back, once.
func (s *OrderStore) returnStock(sc mongo.SessionContext, orderID string, at time.Time) error {
	var d orderDoc
	err := s.col("orders").FindOneAndUpdate(sc, bson.D{{Key: "_id", Value: orderID}, {Key: "stockReturned", Value: false}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "stockReturned", Value: true}}}}).Decode(&d)
	if isNoDocuments(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, l := range d.Lines {
		if _, err := s.col("products").UpdateOne(sc, bson.D{{Key: "_id", Value: l.ProductID}}, stockUpdate(-l.Qty, at)); err != nil {
			return err
		}
	}
	return nil
}

// Pay applies a payment outcome to orders of a checkout.
func (s *OrderStore) Pay(ctx context.Context, checkoutID string, orderIDs []string, ch orders.PaymentChange) ([]orders.Order, error) {
	var out []orders.Order
	err := s.inTx(ctx, func(sc mongo.SessionContext) error {
		filter := bson.D{{Key: "checkoutId", Value: checkoutID}}
		if len(orderIDs) > 0 {
			filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$in", Value: orderIDs}}})
		}
		os, err := s.findOrders(sc, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
		if err != nil {
			return err
		}
		if len(os) == 0 {
			return orders.ErrCheckoutNotFound()
		}
		at := utc(ch.At)
		col := s.col("orders")
		for _, o := range os {
			var f, u bson.D
			switch ch.Status {
			case orders.Paid:
				if o.PaymentStatus == orders.Paid || o.PaymentStatus == orders.PaymentRefunded {
					continue
				}
				f = bson.D{{Key: "_id", Value: o.ID}, {Key: "paymentStatus", Value: string(o.PaymentStatus)}}
				set := bson.D{{Key: "paymentStatus", Value: "paid"}, {Key: "paidAt", Value: at}, {Key: "updatedAt", Value: at}}
				u = bson.D{{Key: "$set", Value: set}}
				if o.Status == orders.PendingPayment {
					u = bson.D{
						{Key: "$set", Value: append(set, bson.E{Key: "status", Value: "placed"}, bson.E{Key: "placedAt", Value: at})},
						{Key: "$unset", Value: bson.D{{Key: "holdUntil", Value: ""}}},
						{Key: "$push", Value: bson.D{{Key: "history", Value: toHistoryDoc(orders.Transition{From: orders.PendingPayment, To: orders.Placed, By: ch.By, Party: ch.Party, At: ch.At, Note: ch.Note})}}},
					}
				}
			case orders.Failed:
				f = bson.D{{Key: "_id", Value: o.ID}, {Key: "paymentStatus", Value: bson.D{{Key: "$in", Value: bson.A{"requires_payment", "awaiting_transfer"}}}}}
				u = bson.D{{Key: "$set", Value: bson.D{{Key: "paymentStatus", Value: "failed"}, {Key: "updatedAt", Value: at}}}}
			case orders.PaymentRefunded:
				f = bson.D{{Key: "_id", Value: o.ID}, {Key: "paymentStatus", Value: "paid"}, {Key: "status", Value: "cancelled"}}
				u = bson.D{
					{Key: "$set", Value: bson.D{{Key: "paymentStatus", Value: "refunded"}, {Key: "status", Value: "refunded"}, {Key: "refundedAt", Value: at}, {Key: "updatedAt", Value: at}}},
					{Key: "$push", Value: bson.D{{Key: "history", Value: toHistoryDoc(orders.Transition{From: orders.Cancelled, To: orders.Refunded, By: ch.By, Party: ch.Party, At: ch.At, Note: ch.Note})}}},
				}
			default:
				return errors.New("mongodb: pay: unexpected status " + string(ch.Status))
			}
			if _, err := col.UpdateOne(sc, f, u); err != nil {
				return err
			}
		}
		all, err := s.findOrders(sc, bson.D{{Key: "checkoutId", Value: checkoutID}}, nil)
		if err != nil {
			return err
		}
		agree := true
		for _, o := range all {
			agree = agree && o.PaymentStatus == ch.Status
		}
		cf := bson.D{{Key: "_id", Value: checkoutID}}
		if !agree {
			if ch.Status != orders.Failed {
				cf = nil
			} else {
				cf = append(cf, bson.E{Key: "paymentStatus", Value: bson.D{{Key: "$nin", Value: bson.A{"paid", "refunded"}}}})
			}
		}
		if cf != nil {
			if _, err := s.col("checkouts").UpdateOne(sc, cf, bson.D{{Key: "$set", Value: bson.D{{Key: "paymentStatus", Value: string(ch.Status)}}}}); err != nil {
				return err
			}
		}
		out, err = s.findOrders(sc, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
		return err
	})
	return out, err
}

// Expired returns unpaid orders whose hold has ended.
func (s *OrderStore) Expired(ctx context.Context, now time.Time, limit int) ([]orders.Order, error) {
	return s.findOrders(ctx, bson.D{{Key: "status", Value: "pending_payment"}, {Key: "holdUntil", Value: bson.D{{Key: "$lte", Value: utc(now)}}}},
		options.Find().SetSort(bson.D{{Key: "holdUntil", Value: 1}}).SetLimit(int64(limit)))
}

func eventID(ev orders.PaymentEvent) string { return ev.Provider + ":" + ev.ID }

// RecordEvent stores a provider's event id once.
func (s *OrderStore) RecordEvent(ctx context.Context, ev orders.PaymentEvent, at time.Time) (bool, error) {
	_, err := s.col("paymentEvents").InsertOne(ctx, bson.D{{Key: "_id", Value: eventID(ev)}, {Key: "provider", Value: ev.Provider},
		{Key: "eventId", Value: ev.ID}, {Key: "kind", Value: string(ev.Kind)}, {Key: "checkoutId", Value: ev.CheckoutID},
		{Key: "amountVnd", Value: int64(ev.Amount)}, {Key: "receivedAt", Value: utc(at)}})
	if isDuplicate(err) {
		return false, nil
	}
	return err == nil, err
}

// ForgetEvent removes a recorded event.
func (s *OrderStore) ForgetEvent(ctx context.Context, ev orders.PaymentEvent) error {
	_, err := s.col("paymentEvents").DeleteOne(ctx, bson.D{{Key: "_id", Value: eventID(ev)}})
	return err
}

// SellerAccess tells whether the account owns or helps the seller. Helpers
// are the sellers document's helpers array of {accountId, …}.
func (s *OrderStore) SellerAccess(ctx context.Context, sellerID, accountID string) (orders.Access, error) {
	var d struct {
		Owner   string `bson:"ownerId"`
		Helpers []struct {
			AccountID string `bson:"accountId"`
		} `bson:"helpers"`
	}
	err := s.col("sellers").FindOne(ctx, bson.D{{Key: "_id", Value: sellerID}},
		options.FindOne().SetProjection(bson.D{{Key: "ownerId", Value: 1}, {Key: "helpers", Value: 1}})).Decode(&d)
	if isNoDocuments(err) {
		return orders.Access{}, nil
	}
	if err != nil {
		return orders.Access{}, err
	}
	a := orders.Access{Owner: d.Owner == accountID}
	for _, h := range d.Helpers {
		a.Helper = a.Helper || h.AccountID == accountID
	}
	return a, nil
}
