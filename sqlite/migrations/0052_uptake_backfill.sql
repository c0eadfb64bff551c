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

INSERT INTO uptake_days (region_id, day, method, counted, value_vnd, cancelled, outside, shipped)
SELECT l.region_id, (o.placed_at + 25200000) / 86400000, o.payment_method,
    sum(o.status NOT IN ('cancelled', 'refunded')),
    sum(CASE WHEN o.status NOT IN ('cancelled', 'refunded') THEN o.total_vnd ELSE 0 END),
    sum(o.status IN ('cancelled', 'refunded')),
    sum(o.status NOT IN ('cancelled', 'refunded') AND l.region_id != '' AND o.shipping_region_id != l.region_id
        AND substr(o.shipping_region_id, 1, length(l.region_id) + 1) != l.region_id || '.'),
    sum(o.status NOT IN ('cancelled', 'refunded') AND o.shipped_at > 0)
FROM orders o JOIN uptake_levels l ON l.seller_region_id = o.seller_region_id
WHERE o.placed_at > 0
GROUP BY 1, 2, 3;

INSERT INTO uptake_ship_hours (region_id, day, hours, n)
SELECT l.region_id, (o.placed_at + 25200000) / 86400000, (o.shipped_at - o.placed_at) / 3600000, count(*)
FROM orders o JOIN uptake_levels l ON l.seller_region_id = o.seller_region_id
WHERE o.placed_at > 0 AND o.shipped_at > 0 AND o.status NOT IN ('cancelled', 'refunded')
GROUP BY 1, 2, 3;

INSERT INTO uptake_seller_days (region_id, day, seller_id, n)
SELECT l.region_id, (o.placed_at + 25200000) / 86400000, o.seller_id, count(*)
FROM orders o JOIN uptake_levels l ON l.seller_region_id = o.seller_region_id
WHERE o.placed_at > 0 AND o.status NOT IN ('cancelled', 'refunded')
GROUP BY 1, 2, 3;

INSERT INTO uptake_buyer_pairs (region_id, kind, start_day, end_day, n)
WITH chain AS (
    SELECT l.region_id,
        (o.placed_at + 25200000) / 86400000 AS day,
        (lag(o.placed_at, 1) OVER w + 25200000) / 86400000 AS day1,
        (lag(o.placed_at, 2) OVER w + 25200000) / 86400000 AS day2
    FROM orders o JOIN uptake_levels l ON l.seller_region_id = o.seller_region_id
    WHERE o.placed_at > 0 AND o.status NOT IN ('cancelled', 'refunded')
    WINDOW w AS (PARTITION BY l.region_id, o.buyer_key ORDER BY o.placed_at, o.id)
)
SELECT region_id, 1, day1, day, count(*) FROM chain WHERE day1 IS NOT NULL GROUP BY 1, 3, 4
UNION ALL
SELECT region_id, 2, day2, day, count(*) FROM chain WHERE day2 IS NOT NULL GROUP BY 1, 3, 4;

DROP TABLE temp.uptake_levels;
