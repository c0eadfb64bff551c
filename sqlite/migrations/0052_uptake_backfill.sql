-- Fills the rollups of 0051 from the orders table. Also run, after
-- emptying them, by sqlite.RebuildUptake; it must give exactly what the
-- orders store's updates (uptake.Change) give one write at a time.

-- Each seller region with every region its orders count in: the country
-- (''), then each dotted prefix of its id, ending with the id itself.
CREATE TEMP TABLE uptake_levels (seller_region_id TEXT NOT NULL, region_id TEXT NOT NULL);
INSERT INTO uptake_levels
WITH RECURSIVE lv(sid, region, rest) AS (
    SELECT sid, '', sid FROM (SELECT DISTINCT seller_region_id AS sid FROM orders WHERE placed_at > 0)
    UNION ALL
    SELECT sid,
        CASE WHEN region = '' THEN '' ELSE region || '.' END ||
            CASE WHEN instr(rest, '.') > 0 THEN substr(rest, 1, instr(rest, '.') - 1) ELSE rest END,
        CASE WHEN instr(rest, '.') > 0 THEN substr(rest, instr(rest, '.') + 1) ELSE '' END
    FROM lv WHERE rest != ''
)
SELECT sid, region FROM lv;

-- Every placed order in every region it counts in, with its day and month.
CREATE TEMP TABLE uptake_placed AS
SELECT l.region_id, o.id, o.buyer_key, o.seller_id, o.payment_method AS method, o.placed_at,
    (o.placed_at + 25200000) / 86400000 AS day,
    (CAST(strftime('%Y', (o.placed_at + 25200000) / 1000, 'unixepoch') AS INTEGER) - 1970) * 12
        + CAST(strftime('%m', (o.placed_at + 25200000) / 1000, 'unixepoch') AS INTEGER) - 1 AS month,
    o.status NOT IN ('cancelled', 'refunded') AS counted,
    CASE WHEN o.status NOT IN ('cancelled', 'refunded') THEN o.total_vnd ELSE 0 END AS value_vnd,
    o.status NOT IN ('cancelled', 'refunded') AND l.region_id != '' AND o.shipping_region_id != l.region_id
        AND substr(o.shipping_region_id, 1, length(l.region_id) + 1) != l.region_id || '.' AS outside,
    o.status NOT IN ('cancelled', 'refunded') AND o.shipped_at > 0 AS shipped,
    CASE WHEN o.shipped_at > 0 THEN (o.shipped_at - o.placed_at) / 3600000 END AS hours
FROM orders o JOIN uptake_levels l ON l.seller_region_id = o.seller_region_id
WHERE o.placed_at > 0;

INSERT INTO uptake_counters (region_id, kind, k1, k2, k3, c1, c2, c3, c4, c5)
SELECT region_id, 'od', '', day, method, sum(counted), sum(value_vnd), sum(NOT counted), sum(outside), sum(shipped)
FROM uptake_placed GROUP BY region_id, day, method
UNION ALL
SELECT region_id, 'om', '', month, method, sum(counted), sum(value_vnd), sum(NOT counted), sum(outside), sum(shipped)
FROM uptake_placed GROUP BY region_id, month, method
UNION ALL
SELECT region_id, 'hd', '', day, hours, count(*), 0, 0, 0, 0
FROM uptake_placed WHERE shipped GROUP BY region_id, day, hours
UNION ALL
SELECT region_id, 'hm', '', month, hours, count(*), 0, 0, 0, 0
FROM uptake_placed WHERE shipped GROUP BY region_id, month, hours
UNION ALL
SELECT region_id, 's', seller_id, day, 0, count(*), 0, 0, 0, 0
FROM uptake_placed WHERE counted GROUP BY region_id, seller_id, day;

-- Pairs along each buyer's counted orders in each region, in time order.
INSERT INTO uptake_counters (region_id, kind, k1, k2, k3, c1)
WITH chain AS (
    SELECT region_id, day, lag(day, 1) OVER w AS day1, lag(day, 2) OVER w AS day2
    FROM uptake_placed WHERE counted
    WINDOW w AS (PARTITION BY region_id, buyer_key ORDER BY placed_at, id)
)
SELECT region_id, 'p1', '', day1, day, count(*) FROM chain WHERE day1 IS NOT NULL GROUP BY region_id, day1, day
UNION ALL
SELECT region_id, 'p2', '', day2, day, count(*) FROM chain WHERE day2 IS NOT NULL GROUP BY region_id, day2, day;

DROP TABLE temp.uptake_placed;
DROP TABLE temp.uptake_levels;
