-- Sellers (shops) and their products. Money is whole đồng (INTEGER); times
-- are Unix milliseconds in UTC; JSON columns hold small arrays.

CREATE TABLE sellers (
    id                     TEXT PRIMARY KEY,
    owner_account_id       TEXT NOT NULL REFERENCES accounts(id),
    kind                   TEXT NOT NULL CHECK (kind IN ('household', 'cooperative', 'enterprise')),
    name                   TEXT NOT NULL,
    phone                  TEXT NOT NULL,
    zalo                   TEXT NOT NULL DEFAULT '',
    region_id              TEXT NOT NULL,
    address                TEXT NOT NULL,
    story                  TEXT NOT NULL DEFAULT '',
    bank_bin               TEXT NOT NULL DEFAULT '',   -- NAPAS bank identification number, for VietQR
    bank_account_number    TEXT NOT NULL DEFAULT '',
    bank_holder            TEXT NOT NULL DEFAULT '',
    shipping_fee_vnd       INTEGER NOT NULL DEFAULT 0 CHECK (shipping_fee_vnd >= 0),       -- flat fee per order
    free_shipping_over_vnd INTEGER NOT NULL DEFAULT 0 CHECK (free_shipping_over_vnd >= 0), -- 0: never free
    status                 TEXT NOT NULL CHECK (status IN ('pending', 'verified', 'rejected', 'suspended')),
    status_note            TEXT NOT NULL DEFAULT '',
    verified_by            TEXT NOT NULL DEFAULT '',
    verified_at            INTEGER NOT NULL DEFAULT 0,
    version                INTEGER NOT NULL DEFAULT 1,
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL
);
CREATE INDEX sellers_region ON sellers(region_id, status);
CREATE INDEX sellers_owner ON sellers(owner_account_id);
CREATE INDEX sellers_status_id ON sellers(status, id);

-- Accounts allowed to act for a seller, with the owner's consent.
CREATE TABLE seller_helpers (
    seller_id  TEXT NOT NULL REFERENCES sellers(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    added_by   TEXT NOT NULL,
    added_at   INTEGER NOT NULL,
    PRIMARY KEY (seller_id, account_id)
);
CREATE INDEX seller_helpers_account ON seller_helpers(account_id);

CREATE TABLE products (
    id               TEXT PRIMARY KEY,
    seller_id        TEXT NOT NULL REFERENCES sellers(id),
    name             TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    category_id      TEXT NOT NULL,
    unit             TEXT NOT NULL,
    price_vnd        INTEGER NOT NULL CHECK (price_vnd > 0),
    price_tiers      TEXT NOT NULL DEFAULT '[]',  -- JSON [{"minQty":20,"priceVnd":20000}], minQty increasing, price decreasing
    stock            INTEGER NOT NULL CHECK (stock >= 0),
    min_order_qty    INTEGER NOT NULL DEFAULT 1 CHECK (min_order_qty >= 1),
    sold             INTEGER NOT NULL DEFAULT 0,  -- units sold, for the best-selling sort
    region_id        TEXT NOT NULL,               -- origin
    season           TEXT NOT NULL DEFAULT '',    -- harvest season, free text ("tháng 3–5")
    preorder         INTEGER NOT NULL DEFAULT 0,  -- 1: sold before harvest
    status           TEXT NOT NULL CHECK (status IN ('draft', 'active', 'paused', 'archived')),
    -- OCOP certificate; stars 0 means none. The badge shows only while verified and unexpired.
    ocop_stars       INTEGER NOT NULL DEFAULT 0 CHECK (ocop_stars = 0 OR ocop_stars BETWEEN 3 AND 5),
    ocop_number      TEXT NOT NULL DEFAULT '',
    ocop_issued_by   TEXT NOT NULL DEFAULT '',    -- 'province' or 'national'
    ocop_issued_at   INTEGER NOT NULL DEFAULT 0,
    ocop_expires_at  INTEGER NOT NULL DEFAULT 0,
    ocop_status      TEXT NOT NULL DEFAULT '',    -- '', 'pending', 'verified', 'rejected'
    ocop_verified_by TEXT NOT NULL DEFAULT '',
    ocop_verified_at INTEGER NOT NULL DEFAULT 0,
    ocop_note        TEXT NOT NULL DEFAULT '',
    created_by       TEXT NOT NULL,               -- the account that listed it
    assisted         INTEGER NOT NULL DEFAULT 0,  -- 1: listed by a helper, not the seller's owner
    version          INTEGER NOT NULL DEFAULT 1,  -- bumped by every write; ETag / If-Match
    search_dirty     INTEGER NOT NULL DEFAULT 1,  -- 1: the search index has not seen this version
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX products_seller ON products(seller_id, status, id);
CREATE INDEX products_status_id ON products(status, id);
CREATE INDEX products_search_dirty ON products(search_dirty) WHERE search_dirty = 1;
CREATE INDEX products_ocop_expires ON products(ocop_expires_at) WHERE ocop_status = 'verified';

CREATE TABLE product_images (
    id          TEXT PRIMARY KEY,
    product_id  TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    display_key TEXT NOT NULL,  -- blob keys
    thumb_key   TEXT NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX product_images_product ON product_images(product_id, position);
