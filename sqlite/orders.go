package sqlite

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/orders"
	"github.com/ocopmarket/market/uptake"
)

// OrderStore keeps checkouts and orders, and reserves stock in the
// products table of the catalog.
type OrderStore struct{ db *DB }

var _ orders.Store = (*OrderStore)(nil)

// Orders returns the orders store.
func (db *DB) Orders() *OrderStore { return &OrderStore{db: db} }

// querier is what both a pool and a transaction can do.

// errReplay stops the checkout transaction when the key was seen before.
var errReplay = errors.New("replay")

// CreateCheckout reserves and stores a checkout in one BEGIN IMMEDIATE
// transaction: the single writer makes concurrent checkouts, and concurrent
// replays of one key, queue up rather than race.
func (s *OrderStore) CreateCheckout(ctx context.Context, key, hash string, productIDs []string,
	build func([]orders.ProductSnapshot) (orders.Checkout, error)) (orders.Checkout, bool, error) {
	var existing string
	var c orders.Checkout
	// Checkouts share commits (group commit): one disk flush for all the
	// buyers waiting at the same moment.
	err := s.db.batchTx(ctx, func(ctx context.Context, tx txWriter) error {
		var prevHash string
		err := queryRow(ctx, tx, `SELECT id, request_hash FROM checkouts WHERE idempotency_key = ?`, []any{key}, &existing, &prevHash)
		switch {
		case err == nil && prevHash != hash:
			return orders.ErrKeyReused()
		case err == nil:
			return errReplay
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		snaps, err := snapshots(ctx, tx, productIDs)
		if err != nil {
			return err
		}
		if c, err = build(snaps); err != nil {
			return err
		}
		now := millis(c.CreatedAt)
		byID := map[string]orders.ProductSnapshot{}
		for _, p := range snaps {
			byID[p.ID] = p
		}
		for _, o := range c.Orders {
			for _, l := range o.Lines {
				n, err := tx.exec(ctx, `UPDATE products SET stock = stock - ?, sold = sold + ?, version = version + 1,
					search_dirty = 1, updated_at = ? WHERE id = ? AND stock >= ?`, l.Qty, l.Qty, now, l.ProductID, l.Qty)
				if err != nil {
					return err
				}
				if n == 0 {
					var stock int
					_ = queryRow(ctx, tx, `SELECT stock FROM products WHERE id = ?`, []any{l.ProductID}, &stock)
					return orders.ShortOf(byID[l.ProductID], stock)
				}
			}
		}
		return insertCheckout(ctx, tx, c)
	})
	if errors.Is(err, errReplay) {
		c, err := s.loadCheckout(ctx, s.db.read, byCheckoutID, existing)
		return c, false, err
	}
	if err != nil {
		return orders.Checkout{}, false, err
	}
	return c, true, nil
}

// snapshots reads the products of a checkout with their sellers.
func snapshots(ctx context.Context, tx txWriter, ids []string) ([]orders.ProductSnapshot, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []orders.ProductSnapshot
	err := tx.query(ctx, `SELECT p.id, p.name, p.unit, p.status, p.price_vnd, p.price_tiers, p.stock, p.min_order_qty,
		s.id, s.name, s.region_id, s.status, s.bank_bin, s.bank_account_number, s.bank_holder, s.shipping_fee_vnd, s.free_shipping_over_vnd
		FROM products p JOIN sellers s ON s.id = p.seller_id WHERE p.id IN (`+placeholders(len(ids))+`)`, anys(ids), func(r scanner) error {
		var p orders.ProductSnapshot
		var tiers string
		if err := r.Scan(&p.ID, &p.Name, &p.Unit, &p.Status, &p.Price, &tiers, &p.Stock, &p.MinOrderQty,
			&p.Seller.ID, &p.Seller.Name, &p.Seller.RegionID, &p.Seller.Status, &p.Seller.Bank.BIN, &p.Seller.Bank.Number,
			&p.Seller.Bank.Holder, &p.Seller.ShippingFee, &p.Seller.FreeShippingOver); err != nil {
			return err
		}
		var err error
		if p.Tiers, err = parseTiers(tiers); err != nil {
			return fmt.Errorf("sqlite: product %s: price tiers: %w", p.ID, err)
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

// parseTiers reads the catalog's price_tiers JSON, [{"minQty":20,"priceVnd":20000}].
func parseTiers(s string) ([]orders.PriceTier, error) {
	if s == "" || s == "[]" {
		return nil, nil
	}
	var raw []struct {
		MinQty   int   `json:"minQty"`
		PriceVnd int64 `json:"priceVnd"`
	}
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, err
	}
	out := make([]orders.PriceTier, len(raw))
	for i, t := range raw {
		out[i] = orders.PriceTier{MinQty: t.MinQty, Price: market.VND(t.PriceVnd)}
	}
	return out, nil
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func insertCheckout(ctx context.Context, tx txWriter, c orders.Checkout) error {
	p := c.Payment
	_, err := tx.exec(ctx, `INSERT INTO checkouts (id, idempotency_key, request_hash, buyer_account_id, buyer_name,
		buyer_phone, buyer_email, buyer_key, total_vnd, payment_method, payment_status, intent_id, client_secret, reference,
		bank_bin, bank_account_number, bank_holder, qr_payload, hold_until, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.IdempotencyKey, c.RequestHash, c.Buyer.AccountID, c.Buyer.Name, string(c.Buyer.Phone), c.Buyer.Email, c.BuyerKey,
		int64(c.Total), string(p.Method), string(p.Status), p.IntentID, p.ClientSecret, p.Reference,
		p.Account.BIN, p.Account.Number, p.Account.Holder, p.QRPayload, millis(c.HoldUntil), millis(c.CreatedAt))
	if err != nil {
		return err
	}
	for _, o := range c.Orders {
		_, err := tx.exec(ctx, `INSERT INTO orders (id, code, checkout_id, seller_id, seller_name, seller_region_id,
			buyer_account_id, buyer_name, buyer_phone, buyer_email, buyer_key, shipping_address, shipping_region_id, note,
			subtotal_vnd, shipping_vnd, total_vnd, payment_method, payment_status, status, hold_until, created_at, updated_at, placed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.ID, o.Code, c.ID, o.SellerID, o.SellerName, o.SellerRegionID, o.Buyer.AccountID, o.Buyer.Name, string(o.Buyer.Phone),
			o.Buyer.Email, o.BuyerKey, o.Shipping.Address, o.Shipping.RegionID, o.Note, int64(o.Subtotal), int64(o.ShippingFee),
			int64(o.Total), string(o.Method), string(o.PaymentStatus), string(o.Status), millis(o.HoldUntil),
			millis(o.CreatedAt), millis(o.UpdatedAt), millis(o.PlacedAt))
		if isUnique(err) {
			return orders.ErrCodeTaken
		}
		if err != nil {
			return err
		}
		if err := countOrder(ctx, tx, uptake.OrderFacts{}, orderFacts(o)); err != nil {
			return err
		}
		for i, l := range o.Lines {
			if _, err := tx.exec(ctx, `INSERT INTO order_lines (order_id, position, product_id, name, unit, qty, unit_price_vnd, line_total_vnd)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, o.ID, i, l.ProductID, l.Name, l.Unit, l.Qty, int64(l.UnitPrice), int64(l.LineTotal)); err != nil {
				return err
			}
		}
		for _, h := range o.History {
			if err := appendHistory(ctx, tx, o.ID, h); err != nil {
				return err
			}
		}
	}
	return nil
}

func appendHistory(ctx context.Context, tx txWriter, orderID string, h orders.Transition) error {
	_, err := tx.exec(ctx, `INSERT INTO order_history (order_id, seq, from_status, to_status, by_account, party, note, at)
		VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM order_history WHERE order_id = ?), ?, ?, ?, ?, ?, ?)`,
		orderID, orderID, string(h.From), string(h.To), h.By, string(h.Party), h.Note, millis(h.At))
	return err
}

const checkoutColumns = `id, idempotency_key, request_hash, buyer_account_id, buyer_name, buyer_phone, buyer_email, buyer_key,
	total_vnd, payment_method, payment_status, intent_id, client_secret, reference, bank_bin, bank_account_number, bank_holder,
	qr_payload, payment_flag, hold_until, created_at`

// checkoutKey names the columns a checkout is found by; the query text is
// built only from these constants, never from input.
type checkoutKey string

const (
	byCheckoutID checkoutKey = "id"
	byIntent     checkoutKey = "intent_id"
	byReference  checkoutKey = "reference"
)

// where is the condition finding a checkout by key. Its second term, the
// key is not empty, is the condition of the partial indexes
// checkouts_intent and checkouts_reference: SQLite cannot tell by itself
// that the parameter is not empty, and without the term every Stripe
// webhook and every bank transfer matched was a scan of all checkouts.
func (key checkoutKey) where() string {
	return string(key) + ` = ? AND ` + string(key) + ` != ''`
}

func (s *OrderStore) loadCheckout(ctx context.Context, q querier, key checkoutKey, value string) (orders.Checkout, error) {
	var c orders.Checkout
	var phone, method, status string
	var hold, created int64
	err := q.QueryRowContext(ctx, `SELECT `+checkoutColumns+` FROM checkouts WHERE `+key.where(), value).Scan(
		&c.ID, &c.IdempotencyKey, &c.RequestHash, &c.Buyer.AccountID, &c.Buyer.Name, &phone, &c.Buyer.Email, &c.BuyerKey,
		&c.Total, &method, &status, &c.Payment.IntentID, &c.Payment.ClientSecret, &c.Payment.Reference,
		&c.Payment.Account.BIN, &c.Payment.Account.Number, &c.Payment.Account.Holder, &c.Payment.QRPayload, &c.Payment.Flag, &hold, &created)
	if err != nil {
		return orders.Checkout{}, notFound(err, orders.ErrCheckoutNotFound().(*market.Error))
	}
	c.Buyer.Phone = market.Phone(phone)
	c.Payment.Method, c.Payment.Status = orders.Method(method), orders.PaymentStatus(status)
	c.HoldUntil, c.CreatedAt = fromMillis(hold), fromMillis(created)
	c.Orders, err = loadOrders(ctx, q, true, `checkout_id = ? ORDER BY rowid`, c.ID)
	return c, err
}

// Checkout returns a checkout with its orders.
func (s *OrderStore) Checkout(ctx context.Context, id string) (orders.Checkout, error) {
	return s.loadCheckout(ctx, s.db.read, byCheckoutID, id)
}

// CheckoutByIntent finds the checkout of a card payment.
func (s *OrderStore) CheckoutByIntent(ctx context.Context, intentID string) (orders.Checkout, error) {
	if intentID == "" {
		return orders.Checkout{}, orders.ErrCheckoutNotFound()
	}
	return s.loadCheckout(ctx, s.db.read, byIntent, intentID)
}

// CheckoutByReference finds the checkout of a bank transfer.
func (s *OrderStore) CheckoutByReference(ctx context.Context, reference string) (orders.Checkout, error) {
	if reference == "" {
		return orders.Checkout{}, orders.ErrCheckoutNotFound()
	}
	return s.loadCheckout(ctx, s.db.read, byReference, reference)
}

// SetIntent records the card payment's intent.
func (s *OrderStore) SetIntent(ctx context.Context, checkoutID, intentID, clientSecret string) error {
	res, err := s.db.write.ExecContext(ctx, `UPDATE checkouts SET intent_id = ?, client_secret = ? WHERE id = ?`, intentID, clientSecret, checkoutID)
	return affected(res, err, orders.ErrCheckoutNotFound())
}

// FlagPayment records a notification that did not match.
func (s *OrderStore) FlagPayment(ctx context.Context, checkoutID, flag string) error {
	res, err := s.db.write.ExecContext(ctx, `UPDATE checkouts SET payment_flag = ? WHERE id = ?`, flag, checkoutID)
	return affected(res, err, orders.ErrCheckoutNotFound())
}

func affected(res sql.Result, err error, nf error) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nf
	}
	return nil
}

const orderColumns = `id, code, checkout_id, seller_id, seller_name, seller_region_id, buyer_account_id, buyer_name, buyer_phone,
	buyer_email, buyer_key, shipping_address, shipping_region_id, note, subtotal_vnd, shipping_vnd, total_vnd, payment_method,
	payment_status, status, tracking_number, cancel_reason, stock_returned, hold_until, created_at, updated_at, placed_at, paid_at,
	confirmed_at, shipped_at, delivered_at, completed_at, cancelled_at, refunded_at`

// loadOrders reads the orders matching where (which may end in ORDER BY /
// LIMIT) with their lines and, if history is set, their history.
func loadOrders(ctx context.Context, q querier, history bool, where string, args ...any) ([]orders.Order, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+orderColumns+` FROM orders WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	var out []orders.Order
	for rows.Next() {
		var o orders.Order
		var phone, method, pay, status string
		var t [11]int64
		if err := rows.Scan(&o.ID, &o.Code, &o.CheckoutID, &o.SellerID, &o.SellerName, &o.SellerRegionID, &o.Buyer.AccountID,
			&o.Buyer.Name, &phone, &o.Buyer.Email, &o.BuyerKey, &o.Shipping.Address, &o.Shipping.RegionID, &o.Note,
			&o.Subtotal, &o.ShippingFee, &o.Total, &method, &pay, &status, &o.TrackingNumber, &o.CancelReason, &o.StockReturned,
			&t[0], &t[1], &t[2], &t[3], &t[4], &t[5], &t[6], &t[7], &t[8], &t[9], &t[10]); err != nil {
			rows.Close()
			return nil, err
		}
		o.Buyer.Phone = market.Phone(phone)
		o.Method, o.PaymentStatus, o.Status = orders.Method(method), orders.PaymentStatus(pay), orders.Status(status)
		o.HoldUntil, o.CreatedAt, o.UpdatedAt, o.PlacedAt, o.PaidAt = fromMillis(t[0]), fromMillis(t[1]), fromMillis(t[2]), fromMillis(t[3]), fromMillis(t[4])
		o.ConfirmedAt, o.ShippedAt, o.DeliveredAt, o.CompletedAt = fromMillis(t[5]), fromMillis(t[6]), fromMillis(t[7]), fromMillis(t[8])
		o.CancelledAt, o.RefundedAt = fromMillis(t[9]), fromMillis(t[10])
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	idx := map[string]int{}
	ids := make([]string, len(out))
	for i, o := range out {
		idx[o.ID], ids[i] = i, o.ID
	}
	lrows, err := q.QueryContext(ctx, `SELECT order_id, product_id, name, unit, qty, unit_price_vnd, line_total_vnd
		FROM order_lines WHERE order_id IN (`+placeholders(len(ids))+`) ORDER BY order_id, position`, anys(ids)...)
	if err != nil {
		return nil, err
	}
	for lrows.Next() {
		var id string
		var l orders.Line
		if err := lrows.Scan(&id, &l.ProductID, &l.Name, &l.Unit, &l.Qty, &l.UnitPrice, &l.LineTotal); err != nil {
			lrows.Close()
			return nil, err
		}
		out[idx[id]].Lines = append(out[idx[id]].Lines, l)
	}
	lrows.Close()
	if err := lrows.Err(); err != nil || !history {
		return out, err
	}
	hrows, err := q.QueryContext(ctx, `SELECT order_id, from_status, to_status, by_account, party, note, at
		FROM order_history WHERE order_id IN (`+placeholders(len(ids))+`) ORDER BY order_id, seq`, anys(ids)...)
	if err != nil {
		return nil, err
	}
	defer hrows.Close()
	for hrows.Next() {
		var id, from, to, party string
		var h orders.Transition
		var at int64
		if err := hrows.Scan(&id, &from, &to, &h.By, &party, &h.Note, &at); err != nil {
			return nil, err
		}
		h.From, h.To, h.Party, h.At = orders.Status(from), orders.Status(to), orders.Party(party), fromMillis(at)
		out[idx[id]].History = append(out[idx[id]].History, h)
	}
	return out, hrows.Err()
}

func loadOrder(ctx context.Context, q querier, where string, args ...any) (orders.Order, error) {
	os, err := loadOrders(ctx, q, true, where, args...)
	if err != nil {
		return orders.Order{}, err
	}
	if len(os) == 0 {
		return orders.Order{}, orders.ErrOrderNotFound()
	}
	return os[0], nil
}

// Order returns one order with its lines and history.
func (s *OrderStore) Order(ctx context.Context, id string) (orders.Order, error) {
	return loadOrder(ctx, s.db.read, `id = ?`, id)
}

// OrderByCode returns the order with the code.
func (s *OrderStore) OrderByCode(ctx context.Context, code string) (orders.Order, error) {
	return loadOrder(ctx, s.db.read, `code = ?`, code)
}

// encodeCursor and decodeCursor make the opaque position after an order in
// a newest-first list.
func encodeCursor(o orders.Order) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(millis(o.CreatedAt), 10) + ":" + o.ID))
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

// Orders lists orders newest first, one page at a time.
func (s *OrderStore) Orders(ctx context.Context, f orders.Filter) (orders.Page, error) {
	where, args, limit, err := orderList(f)
	if err != nil {
		return orders.Page{}, err
	}
	os, err := loadOrders(ctx, s.db.read, false, where, args...)
	if err != nil {
		return orders.Page{}, err
	}
	return orders.PageOf(os, limit, encodeCursor), nil
}

// orderList builds the condition and arguments of a page of f, one more
// order than the page's limit (which tells whether another page follows).
func orderList(f orders.Filter) (where string, args []any, limit int, err error) {
	var conds []string
	if f.SellerID != "" {
		conds, args = append(conds, "seller_id = ?"), append(args, f.SellerID)
	}
	if f.BuyerAccountID != "" {
		// The second term lets SQLite use the partial index
		// orders_buyer_account (… WHERE buyer_account_id != ''): it cannot
		// tell by itself that the parameter is not empty, and without it
		// a buyer's orders were a scan of every order, sorted.
		conds, args = append(conds, "buyer_account_id = ? AND buyer_account_id != ''"), append(args, f.BuyerAccountID)
	}
	if len(conds) == 0 {
		return "", nil, 0, market.Errorf(market.Invalid, "Cần chọn người bán hoặc người mua.", "A seller or a buyer is required.")
	}
	if len(f.Statuses) > 0 {
		ss := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			ss[i] = string(st)
		}
		conds, args = append(conds, "status IN ("+placeholders(len(ss))+")"), append(args, anys(ss)...)
	}
	if f.Cursor != "" {
		ms, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return "", nil, 0, err
		}
		conds, args = append(conds, "(created_at < ? OR (created_at = ? AND id < ?))"), append(args, ms, ms, id)
	}
	limit = f.Limit
	if limit <= 0 {
		limit = 20
	}
	return strings.Join(conds, " AND ") + ` ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, limit+1), limit, nil
}

// timeColumn is the column that records when an order reached a status.
func timeColumn(st orders.Status) string {
	switch st {
	case orders.Placed:
		return "placed_at"
	case orders.Confirmed:
		return "confirmed_at"
	case orders.Shipped:
		return "shipped_at"
	case orders.Delivered:
		return "delivered_at"
	case orders.Completed:
		return "completed_at"
	case orders.Cancelled:
		return "cancelled_at"
	case orders.Refunded:
		return "refunded_at"
	}
	return "updated_at"
}

var errMoved = market.Errorf(market.Conflict, "Đơn hàng vừa được cập nhật bởi người khác; vui lòng tải lại.",
	"The order was just changed by someone else; please reload it.")

// Transition moves an order from status from, in one transaction with the
// stock a cancellation returns. The guarded UPDATE (status = from) and the
// stock_returned flag make a raced or retried cancel return stock once.
func (s *OrderStore) Transition(ctx context.Context, orderID string, from orders.Status, ch orders.Change) (orders.Order, error) {
	var o orders.Order
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		before, err := uptakeFacts(ctx, tx, orderID)
		if err != nil {
			return err
		}
		at := millis(ch.At)
		set := `status = ?, ` + timeColumn(ch.To) + ` = ?, updated_at = ?,
			tracking_number = CASE WHEN ? != '' THEN ? ELSE tracking_number END,
			cancel_reason = CASE WHEN ? THEN ? ELSE cancel_reason END`
		args := []any{string(ch.To), at, at, ch.TrackingNumber, ch.TrackingNumber, ch.To == orders.Cancelled, ch.Note}
		if ch.PaymentStatus != "" {
			set += `, payment_status = ?`
			args = append(args, string(ch.PaymentStatus))
			if ch.PaymentStatus == orders.Paid {
				set += `, paid_at = ?`
				args = append(args, at)
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE orders SET `+set+` WHERE id = ? AND status = ?`, append(args, orderID, string(from))...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var x int
			if err := tx.QueryRowContext(ctx, `SELECT 1 FROM orders WHERE id = ?`, orderID).Scan(&x); errors.Is(err, sql.ErrNoRows) {
				return orders.ErrOrderNotFound()
			}
			return errMoved
		}
		if ch.To == orders.Cancelled {
			if err := returnStock(ctx, tx, orderID, at); err != nil {
				return err
			}
		}
		if err := appendHistory(ctx, sqlTx{tx}, orderID, orders.Transition{From: from, To: ch.To, By: ch.By, Party: ch.Party, At: ch.At, Note: ch.Note}); err != nil {
			return err
		}
		if o, err = loadOrder(ctx, tx, `id = ?`, orderID); err != nil {
			return err
		}
		return countOrder(ctx, sqlTx{tx}, before, orderFacts(o))
	})
	return o, err
}

// returnStock puts a cancelled order's lines back on the shelf, once.
func returnStock(ctx context.Context, tx *sql.Tx, orderID string, at int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE orders SET stock_returned = 1 WHERE id = ? AND stock_returned = 0`, orderID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	_, err = tx.ExecContext(ctx, `UPDATE products SET stock = stock + l.qty, sold = max(sold - l.qty, 0), version = version + 1,
		search_dirty = 1, updated_at = ? FROM (SELECT product_id, sum(qty) AS qty FROM order_lines WHERE order_id = ? GROUP BY product_id) AS l
		WHERE products.id = l.product_id`, at, orderID)
	return err
}

// Pay applies a payment outcome to orders of a checkout, in one transaction.
func (s *OrderStore) Pay(ctx context.Context, checkoutID string, orderIDs []string, ch orders.PaymentChange) ([]orders.Order, error) {
	var out []orders.Order
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		where, args := `checkout_id = ? ORDER BY rowid`, []any{checkoutID}
		if len(orderIDs) > 0 {
			where = `checkout_id = ? AND id IN (` + placeholders(len(orderIDs)) + `) ORDER BY rowid`
			args = append(args, anys(orderIDs)...)
		}
		os, err := loadOrders(ctx, tx, false, where, args...)
		if err != nil {
			return err
		}
		if len(os) == 0 {
			return orders.ErrCheckoutNotFound()
		}
		at := millis(ch.At)
		for _, o := range os {
			switch ch.Status {
			case orders.Paid:
				if o.PaymentStatus == orders.Paid || o.PaymentStatus == orders.PaymentRefunded {
					continue
				}
				if o.Status == orders.PendingPayment {
					if _, err := tx.ExecContext(ctx, `UPDATE orders SET payment_status = 'paid', paid_at = ?, status = 'placed', placed_at = ?,
						hold_until = 0, updated_at = ? WHERE id = ?`, at, at, at, o.ID); err != nil {
						return err
					}
					if err := appendHistory(ctx, sqlTx{tx}, o.ID, orders.Transition{From: orders.PendingPayment, To: orders.Placed,
						By: ch.By, Party: ch.Party, At: ch.At, Note: ch.Note}); err != nil {
						return err
					}
					after := orderFacts(o)
					after.Status, after.PlacedAt = string(orders.Placed), fromMillis(at)
					if err := countOrder(ctx, sqlTx{tx}, orderFacts(o), after); err != nil {
						return err
					}
					continue
				}
				if _, err := tx.ExecContext(ctx, `UPDATE orders SET payment_status = 'paid', paid_at = ?, updated_at = ? WHERE id = ?`, at, at, o.ID); err != nil {
					return err
				}
			case orders.Failed:
				if _, err := tx.ExecContext(ctx, `UPDATE orders SET payment_status = 'failed', updated_at = ?
					WHERE id = ? AND payment_status IN ('requires_payment', 'awaiting_transfer')`, at, o.ID); err != nil {
					return err
				}
			case orders.PaymentRefunded:
				res, err := tx.ExecContext(ctx, `UPDATE orders SET payment_status = 'refunded', status = 'refunded', refunded_at = ?, updated_at = ?
					WHERE id = ? AND payment_status = 'paid' AND status = 'cancelled'`, at, at, o.ID)
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n == 1 {
					if err := appendHistory(ctx, sqlTx{tx}, o.ID, orders.Transition{From: orders.Cancelled, To: orders.Refunded,
						By: ch.By, Party: ch.Party, At: ch.At, Note: ch.Note}); err != nil {
						return err
					}
					after := orderFacts(o)
					after.Status = string(orders.Refunded)
					if err := countOrder(ctx, sqlTx{tx}, orderFacts(o), after); err != nil {
						return err
					}
				}
			default:
				return fmt.Errorf("sqlite: pay: unexpected status %q", ch.Status)
			}
		}
		// The checkout's payment follows its orders once they all agree;
		// a failure shows at once unless the money already arrived.
		if _, err := tx.ExecContext(ctx, `UPDATE checkouts SET payment_status = ? WHERE id = ? AND (
			NOT EXISTS (SELECT 1 FROM orders WHERE checkout_id = ? AND payment_status != ?)
			OR (? = 'failed' AND payment_status NOT IN ('paid', 'refunded')))`,
			string(ch.Status), checkoutID, checkoutID, string(ch.Status), string(ch.Status)); err != nil {
			return err
		}
		out, err = loadOrders(ctx, tx, true, where, args...)
		return err
	})
	return out, err
}

// Expired returns unpaid orders whose hold has ended.
func (s *OrderStore) Expired(ctx context.Context, now time.Time, limit int) ([]orders.Order, error) {
	return loadOrders(ctx, s.db.read, false, `status = 'pending_payment' AND hold_until > 0 AND hold_until <= ?
		ORDER BY hold_until LIMIT ?`, millis(now), limit)
}

// RecordEvent stores a provider's event id once.
func (s *OrderStore) RecordEvent(ctx context.Context, ev orders.PaymentEvent, at time.Time) (bool, error) {
	res, err := s.db.write.ExecContext(ctx, `INSERT INTO payment_events (provider, event_id, kind, checkout_id, amount_vnd, received_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, ev.Provider, ev.ID, string(ev.Kind), ev.CheckoutID, int64(ev.Amount), millis(at))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ForgetEvent removes a recorded event.
func (s *OrderStore) ForgetEvent(ctx context.Context, ev orders.PaymentEvent) error {
	_, err := s.db.write.ExecContext(ctx, `DELETE FROM payment_events WHERE provider = ? AND event_id = ?`, ev.Provider, ev.ID)
	return err
}

// SellerAccess tells whether the account owns or helps the seller.
func (s *OrderStore) SellerAccess(ctx context.Context, sellerID, accountID string) (orders.Access, error) {
	var a orders.Access
	err := s.db.read.QueryRowContext(ctx, `SELECT owner_account_id = ?,
		EXISTS (SELECT 1 FROM seller_helpers WHERE seller_id = ? AND account_id = ?) FROM sellers WHERE id = ?`,
		accountID, sellerID, accountID, sellerID).Scan(&a.Owner, &a.Helper)
	if errors.Is(err, sql.ErrNoRows) {
		return orders.Access{}, nil
	}
	return a, err
}
