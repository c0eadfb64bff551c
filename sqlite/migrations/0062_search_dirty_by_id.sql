-- The search syncer reads the dirty products in id order, a page at a
-- time. Indexed by search_dirty alone, each page read every dirty row and
-- sorted them in a temporary b-tree; indexed by id, the partial index is
-- already in order.
DROP INDEX products_search_dirty;
CREATE INDEX products_search_dirty ON products(id) WHERE search_dirty = 1;
