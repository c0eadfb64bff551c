-- Officials' figures. Orders are summed per region and period straight from
-- the orders table, through one covering index so that the scans never
-- touch the table itself; the OCOP registry is what officials import.

-- Everything a summary or series reads of an order, in the order the
-- queries filter it: the seller's region (equality, one seek per region of
-- the scope), then the time it was placed (a range).
CREATE INDEX orders_uptake ON orders(seller_region_id, placed_at, status, payment_method,
    total_vnd, shipped_at, buyer_key, shipping_region_id, seller_id);

-- Listings by normalised certificate number, for registry coverage.
CREATE INDEX products_ocop_number ON products(upper(trim(ocop_number))) WHERE ocop_status = 'verified';

-- The certified OCOP products of a region, as its officials imported them;
-- an import replaces the region's previous list.
CREATE TABLE ocop_registry (
    region_id       TEXT NOT NULL,
    certificate_key TEXT NOT NULL,   -- trimmed, ASCII upper-cased: how listings are matched
    certificate_no  TEXT NOT NULL,   -- as imported
    product_name    TEXT NOT NULL,
    stars           INTEGER NOT NULL CHECK (stars BETWEEN 3 AND 5),
    holder          TEXT NOT NULL DEFAULT '',
    line            INTEGER NOT NULL,  -- line of the imported file
    imported_by     TEXT NOT NULL,
    imported_at     INTEGER NOT NULL,
    PRIMARY KEY (region_id, certificate_key)
);
