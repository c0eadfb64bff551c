-- Officials' figures from maintained rollups. The orders store updates
-- them in the same transaction as every order write that changes a figure
-- (uptake.Change decides how), with one statement per write: every rollup
-- lives in this one table. Migration 0052 fills it from the orders already
-- there.
--
-- Periods: days are Vietnam calendar days numbered from 1970-01-01 (Unix
-- ms + 7 h, divided by 86 400 000); months are (year − 1970) × 12 + month
-- − 1 of the Vietnam date. Regions: every order counts in the country ('')
-- and in each dotted prefix of its seller's region id, so a province reads
-- its own rows, not those of its communes.
--
-- kind       k1      k2      k3      c1…c5
-- 'od' 'om'  ''      day/month  method  orders placed then: counted (placed, not
--                                      cancelled), their value, cancelled or
--                                      refunded since, counted and shipped
--                                      outside the region, counted and shipped
-- 'hd' 'hm'  ''      day/month  hours   c1: counted, shipped orders that took
--                                      that many whole hours to ship (the
--                                      histogram locating the median)
-- 's'        seller  day     0       c1: counted orders of the seller (active sellers)
-- 'p1' 'p2'  ''      start   end     c1: pairs of one buyer's counted orders,
--                    day     day     consecutive (1) or two apart (2), by the days
--                                      the earlier and the later were placed (distinct
--                                      and repeat buyers; see uptake/rollup.go)
CREATE TABLE uptake_counters (
    region_id TEXT NOT NULL,
    kind      TEXT NOT NULL,
    k1        TEXT NOT NULL,
    k2        INTEGER NOT NULL,
    k3        NOT NULL,                 -- no type: a method (text) or a number, kept as given
    c1        INTEGER NOT NULL DEFAULT 0,
    c2        INTEGER NOT NULL DEFAULT 0,
    c3        INTEGER NOT NULL DEFAULT 0,
    c4        INTEGER NOT NULL DEFAULT 0,
    c5        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (region_id, kind, k1, k2, k3)
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
