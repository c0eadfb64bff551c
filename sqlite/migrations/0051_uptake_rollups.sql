-- Officials' figures from maintained rollups. The orders store updates
-- these tables in the same transaction as every order write that changes
-- a figure (uptake.Change decides how); migration 0052 fills them from the
-- orders already there. Days are Vietnam calendar days numbered from
-- 1970-01-01 (Unix ms + 7 h, divided by 86 400 000). Every order counts in
-- the country ('') and in each dotted prefix of its seller's region id, so
-- a province reads its own rows, not those of its communes.

-- Orders placed on a day (grain 'd', period = day) or in a month (grain
-- 'm', period = months since January 1970, Vietnam time), per payment
-- method: counted ones (placed, not cancelled), their value, those shipped
-- outside the region, those shipped at all; and those cancelled or
-- refunded since.
CREATE TABLE uptake_days (
    region_id TEXT NOT NULL,
    grain     TEXT NOT NULL CHECK (grain IN ('d', 'm')),
    period    INTEGER NOT NULL,
    method    TEXT NOT NULL,
    counted   INTEGER NOT NULL DEFAULT 0,
    value_vnd INTEGER NOT NULL DEFAULT 0,
    cancelled INTEGER NOT NULL DEFAULT 0,
    outside   INTEGER NOT NULL DEFAULT 0,
    shipped   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (region_id, grain, period, method)
) WITHOUT ROWID;

-- Counted, shipped orders placed on a day or in a month (as above), by
-- whole hours from placed to shipped: the histogram that locates the
-- median time to ship.
CREATE TABLE uptake_ship_hours (
    region_id TEXT NOT NULL,
    grain     TEXT NOT NULL CHECK (grain IN ('d', 'm')),
    period    INTEGER NOT NULL,
    hours     INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (region_id, grain, period, hours)
) WITHOUT ROWID;

-- Counted orders of each seller per day: active sellers. Keyed by seller
-- first, so that a window's active sellers are one look per seller.
CREATE TABLE uptake_seller_days (
    region_id TEXT NOT NULL,
    seller_id TEXT NOT NULL,
    day       INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (region_id, seller_id, day)
) WITHOUT ROWID;

-- Pairs of one buyer's counted orders in the region (kind 1: consecutive,
-- kind 2: two apart), by the days (grain 'd') or months (grain 'm') the
-- earlier and the later were placed: distinct and repeat buyers of any run
-- of days or months (see uptake/rollup.go).
CREATE TABLE uptake_buyer_pairs (
    region_id TEXT NOT NULL,
    grain     TEXT NOT NULL CHECK (grain IN ('d', 'm')),
    kind      INTEGER NOT NULL,
    start_at  INTEGER NOT NULL,
    end_at    INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (region_id, grain, kind, start_at, end_at)
) WITHOUT ROWID;

-- A buyer's counted orders, read when one of them is placed or cancelled.
CREATE INDEX orders_uptake_buyer ON orders(buyer_key, placed_at, id, seller_region_id)
    WHERE placed_at > 0 AND status NOT IN ('cancelled', 'refunded');

-- Counted, shipped orders by whole hours to ship: the exact median, read
-- once the histogram says which hour and which rank within it.
CREATE INDEX orders_uptake_ship ON orders((shipped_at - placed_at) / 3600000, seller_region_id, placed_at, shipped_at)
    WHERE placed_at > 0 AND shipped_at > 0 AND status NOT IN ('cancelled', 'refunded');

-- The covering index of 0050 served scans of every order of a period; the
-- rollups replace them, and periods not made of whole days (rare) use
-- orders_region_placed.
DROP INDEX orders_uptake;
