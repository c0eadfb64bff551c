-- Product pages are served from memory (sqlite.pageCache). Every change to
-- what a page shows (a product, its photos, its seller or the seller's
-- helpers), by any process and through any path, adds a row here inside
-- the same transaction; a page read first reads the rows it has not yet
-- applied, so it never shows anything older than its own snapshot. A
-- change to search_dirty alone (the search syncer's mark) is not logged.
-- The newest 100 000 rows are kept (pageCache.prune).
CREATE TABLE page_changes (
	seq        INTEGER PRIMARY KEY,
	product_id TEXT NOT NULL DEFAULT '',
	seller_id  TEXT NOT NULL DEFAULT ''
);
-- A first row, naming nothing: a reader anchors on the last row it applied.
INSERT INTO page_changes (product_id, seller_id) VALUES ('', '');

CREATE TRIGGER products_page_update AFTER UPDATE OF id, seller_id, name, description, category_id, unit, price_vnd,
	price_tiers, stock, min_order_qty, sold, region_id, season, preorder, status, ocop_stars, ocop_number,
	ocop_issued_by, ocop_issued_at, ocop_expires_at, ocop_status, ocop_verified_by, ocop_verified_at, ocop_note,
	created_by, assisted, version, created_at, updated_at ON products
BEGIN INSERT INTO page_changes (product_id) VALUES (old.id); END;
CREATE TRIGGER products_page_delete AFTER DELETE ON products BEGIN INSERT INTO page_changes (product_id) VALUES (old.id); END;
CREATE TRIGGER product_images_page_insert AFTER INSERT ON product_images BEGIN INSERT INTO page_changes (product_id) VALUES (new.product_id); END;
CREATE TRIGGER product_images_page_update AFTER UPDATE ON product_images
BEGIN INSERT INTO page_changes (product_id) VALUES (old.product_id); INSERT INTO page_changes (product_id) VALUES (new.product_id); END;
CREATE TRIGGER product_images_page_delete AFTER DELETE ON product_images BEGIN INSERT INTO page_changes (product_id) VALUES (old.product_id); END;
CREATE TRIGGER sellers_page_update AFTER UPDATE ON sellers BEGIN INSERT INTO page_changes (seller_id) VALUES (old.id); END;
CREATE TRIGGER sellers_page_delete AFTER DELETE ON sellers BEGIN INSERT INTO page_changes (seller_id) VALUES (old.id); END;
CREATE TRIGGER seller_helpers_page_insert AFTER INSERT ON seller_helpers BEGIN INSERT INTO page_changes (seller_id) VALUES (new.seller_id); END;
CREATE TRIGGER seller_helpers_page_update AFTER UPDATE ON seller_helpers
BEGIN INSERT INTO page_changes (seller_id) VALUES (old.seller_id); INSERT INTO page_changes (seller_id) VALUES (new.seller_id); END;
CREATE TRIGGER seller_helpers_page_delete AFTER DELETE ON seller_helpers BEGIN INSERT INTO page_changes (seller_id) VALUES (old.seller_id); END;
