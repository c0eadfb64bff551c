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

-- Months: (year − 1970) × 12 + month − 1 of the Vietnam date.
INSERT INTO uptake_days (region_id, grain, period, method, counted, value_vnd, cancelled, outside, shipped)
WITH placed AS (
    SELECT l.region_id, o.payment_method AS method,
        (o.placed_at + 25200000) / 86400000 AS day,
        (CAST(strftime('%Y', (o.placed_at + 25200000) / 1000, 'unixepoch') AS INTEGER) - 1970) * 12
            + CAST(strftime('%m', (o.placed_at + 25200000) / 1000, 'unixepoch') AS INTEGER) - 1 AS month,
        o.status NOT IN ('cancelled', 'refunded') AS counted,
        CASE WHEN o.status NOT IN ('cancelled', 'refunded') THEN o.total_vnd ELSE 0 END AS value_vnd,
        o.status NOT IN ('cancelled', 'refunded') AND l.region_id != '' AND o.shipping_region_id != l.region_id
            AND substr(o.shipping_region_id, 1, length(l.region_id) + 1) != l.region_id || '.' AS outside,
        o.status NOT IN ('cancelled', 'refunded') AND o.shipped_at > 0 AS shipped
    FROM orders o JOIN uptake_levels l ON l.seller_region_id = o.seller_region_id
    WHERE o.placed_at > 0
)
SELECT region_id, 'd', day, method, sum(counted), sum(value_vnd), sum(NOT counted), sum(outside), sum(shipped)
FROM placed GROUP BY 1, 3, 4
UNION ALL
SELECT region_id, 'm', month, method, sum(counted), sum(value_vnd), sum(NOT counted), sum(outside), sum(shipped)
FROM placed GROUP BY 1, 3, 4;

INSERT INTO uptake_ship_hours (region_id, grain, period, hours, n)
WITH shipped AS (
    SELECT l.region_id, o.placed_at, (o.shipped_at - o.placed_at) / 3600000 AS hours
    FROM orders o JOIN uptake_levels l ON l.seller_region_id = o.seller_region_id
    WHERE o.placed_at > 0 AND o.shipped_at > 0 AND o.status NOT IN ('cancelled', 'refunded')
)
SELECT region_id, 'd', (placed_at + 25200000) / 86400000, hours, count(*) FROM shipped GROUP BY 1, 3, 4
UNION ALL
SELECT region_id, 'm', (CAST(strftime('%Y', (placed_at + 25200000) / 1000, 'unixepoch') AS INTEGER) - 1970) * 12
        + CAST(strftime('%m', (placed_at + 25200000) / 1000, 'unixepoch') AS INTEGER) - 1,
    hours, count(*) FROM shipped GROUP BY 1, 3, 4;

INSERT INTO uptake_seller_days (region_id, seller_id, day, n)
SELECT l.region_id, o.seller_id, (o.placed_at + 25200000) / 86400000, count(*)
FROM orders o JOIN uptake_levels l ON l.seller_region_id = o.seller_region_id
WHERE o.placed_at > 0 AND o.status NOT IN ('cancelled', 'refunded')
GROUP BY 1, 2, 3;

INSERT INTO uptake_buyer_pairs (region_id, grain, kind, start_at, end_at, n)
WITH chain AS (
    SELECT l.region_id, o.placed_at AS at,
        lag(o.placed_at, 1) OVER w AS at1,
        lag(o.placed_at, 2) OVER w AS at2
    FROM orders o JOIN uptake_levels l ON l.seller_region_id = o.seller_region_id
    WHERE o.placed_at > 0 AND o.status NOT IN ('cancelled', 'refunded')
    WINDOW w AS (PARTITION BY l.region_id, o.buyer_key ORDER BY o.placed_at, o.id)
),
pairs AS (
    SELECT region_id, 1 AS kind, at1 AS start_at, at AS end_at FROM chain WHERE at1 IS NOT NULL
    UNION ALL
    SELECT region_id, 2, at2, at FROM chain WHERE at2 IS NOT NULL
)
SELECT region_id, 'd', kind, (start_at + 25200000) / 86400000, (end_at + 25200000) / 86400000, count(*)
FROM pairs GROUP BY 1, 3, 4, 5
UNION ALL
SELECT region_id, 'm', kind,
    (CAST(strftime('%Y', (start_at + 25200000) / 1000, 'unixepoch') AS INTEGER) - 1970) * 12
        + CAST(strftime('%m', (start_at + 25200000) / 1000, 'unixepoch') AS INTEGER) - 1,
    (CAST(strftime('%Y', (end_at + 25200000) / 1000, 'unixepoch') AS INTEGER) - 1970) * 12
        + CAST(strftime('%m', (end_at + 25200000) / 1000, 'unixepoch') AS INTEGER) - 1,
    count(*)
FROM pairs GROUP BY 1, 3, 4, 5;

DROP TABLE temp.uptake_levels;
