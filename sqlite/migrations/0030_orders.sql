-- Checkouts, orders (one per seller per checkout), their lines and history,
-- and payment providers' events. Money is whole đồng; times are Unix
-- milliseconds in UTC, 0 when the moment has not happened.

CREATE TABLE checkouts (
    id                  TEXT PRIMARY KEY,
    idempotency_key     TEXT NOT NULL UNIQUE,
    request_hash        TEXT NOT NULL,               -- sha256 of the request: a replay vs. a different body
    buyer_account_id    TEXT NOT NULL DEFAULT '',    -- '' for a guest
    buyer_name          TEXT NOT NULL,
    buyer_phone         TEXT NOT NULL,               -- +84…
    buyer_email         TEXT NOT NULL DEFAULT '',
    buyer_key           TEXT NOT NULL,               -- 'a:'+account id or 'g:'+keyed hash of the phone; never shown
    total_vnd           INTEGER NOT NULL CHECK (total_vnd >= 0),
    payment_method      TEXT NOT NULL CHECK (payment_method IN ('card', 'bank_transfer', 'cod')),
    payment_status      TEXT NOT NULL,
    intent_id           TEXT NOT NULL DEFAULT '',    -- Stripe PaymentIntent
    client_secret       TEXT NOT NULL DEFAULT '',
    reference           TEXT NOT NULL DEFAULT '',    -- bank transfer note reference, OCOP + 8 characters
    bank_bin            TEXT NOT NULL DEFAULT '',    -- the account the VietQR code pays
    bank_account_number TEXT NOT NULL DEFAULT '',
    bank_holder         TEXT NOT NULL DEFAULT '',
    qr_payload          TEXT NOT NULL DEFAULT '',
    payment_flag        TEXT NOT NULL DEFAULT '',    -- a notification that did not match (wrong amount)
    hold_until          INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL
);
CREATE INDEX checkouts_intent ON checkouts(intent_id) WHERE intent_id != '';
CREATE UNIQUE INDEX checkouts_reference ON checkouts(reference) WHERE reference != '';

CREATE TABLE orders (
    id                 TEXT PRIMARY KEY,
    code               TEXT NOT NULL UNIQUE,          -- e.g. CT-7K3F9Q
    checkout_id        TEXT NOT NULL REFERENCES checkouts(id),
    seller_id          TEXT NOT NULL REFERENCES sellers(id),
    seller_name        TEXT NOT NULL,
    seller_region_id   TEXT NOT NULL,                 -- the seller's region when ordered (figures group by it)
    buyer_account_id   TEXT NOT NULL DEFAULT '',
    buyer_name         TEXT NOT NULL,
    buyer_phone        TEXT NOT NULL,
    buyer_email        TEXT NOT NULL DEFAULT '',
    buyer_key          TEXT NOT NULL,                 -- for buyers / repeat buyers; never shown
    shipping_address   TEXT NOT NULL,
    shipping_region_id TEXT NOT NULL,
    note               TEXT NOT NULL DEFAULT '',
    subtotal_vnd       INTEGER NOT NULL CHECK (subtotal_vnd >= 0),
    shipping_vnd       INTEGER NOT NULL CHECK (shipping_vnd >= 0),
    total_vnd          INTEGER NOT NULL CHECK (total_vnd >= 0),
    payment_method     TEXT NOT NULL CHECK (payment_method IN ('card', 'bank_transfer', 'cod')),
    payment_status     TEXT NOT NULL CHECK (payment_status IN ('requires_payment', 'awaiting_transfer', 'on_delivery', 'paid', 'failed', 'refunded')),
    status             TEXT NOT NULL CHECK (status IN ('pending_payment', 'placed', 'confirmed', 'shipped', 'delivered', 'completed', 'cancelled', 'refunded')),
    tracking_number    TEXT NOT NULL DEFAULT '',
    cancel_reason      TEXT NOT NULL DEFAULT '',
    stock_returned     INTEGER NOT NULL DEFAULT 0,    -- 1 once a cancellation put the stock back
    hold_until         INTEGER NOT NULL DEFAULT 0,    -- unpaid: stock held until then
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    placed_at          INTEGER NOT NULL DEFAULT 0,    -- COD at checkout; card/transfer when paid
    paid_at            INTEGER NOT NULL DEFAULT 0,
    confirmed_at       INTEGER NOT NULL DEFAULT 0,
    shipped_at         INTEGER NOT NULL DEFAULT 0,
    delivered_at       INTEGER NOT NULL DEFAULT 0,
    completed_at       INTEGER NOT NULL DEFAULT 0,
    cancelled_at       INTEGER NOT NULL DEFAULT 0,
    refunded_at        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX orders_checkout ON orders(checkout_id);
CREATE INDEX orders_seller ON orders(seller_id, created_at DESC, id DESC);
CREATE INDEX orders_seller_status ON orders(seller_id, status, created_at DESC, id DESC);
CREATE INDEX orders_buyer_account ON orders(buyer_account_id, created_at DESC, id DESC) WHERE buyer_account_id != '';
CREATE INDEX orders_hold ON orders(hold_until) WHERE status = 'pending_payment';
-- Figures: region ids are dotted paths (province.commune), so "sellers under R"
-- is seller_region_id = R OR seller_region_id >= 'R.' AND seller_region_id < 'R/'.
CREATE INDEX orders_region_placed ON orders(seller_region_id, placed_at);
CREATE INDEX orders_region_cancelled ON orders(seller_region_id, cancelled_at) WHERE cancelled_at > 0;
CREATE INDEX orders_placed ON orders(placed_at);

CREATE TABLE order_lines (
    order_id       TEXT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    product_id     TEXT NOT NULL,
    name           TEXT NOT NULL,     -- snapshot at checkout
    unit           TEXT NOT NULL,
    qty            INTEGER NOT NULL CHECK (qty > 0),
    unit_price_vnd INTEGER NOT NULL CHECK (unit_price_vnd >= 0),
    line_total_vnd INTEGER NOT NULL CHECK (line_total_vnd >= 0),
    PRIMARY KEY (order_id, position)
);
CREATE INDEX order_lines_product ON order_lines(product_id);

CREATE TABLE order_history (
    order_id    TEXT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL,
    by_account  TEXT NOT NULL DEFAULT '',
    party       TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    at          INTEGER NOT NULL,
    PRIMARY KEY (order_id, seq)
);

CREATE TABLE payment_events (
    provider    TEXT NOT NULL,      -- 'stripe', 'bank'
    event_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    checkout_id TEXT NOT NULL DEFAULT '',
    amount_vnd  INTEGER NOT NULL DEFAULT 0,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (provider, event_id)
);
