-- Product pages keep sellers in memory (sqlite.sellerCache). Every change
-- to a seller or to its helpers, by any process and through any path, moves
-- this counter inside the same transaction; a product page reads it in its
-- own read transaction and uses a remembered seller only when it has not
-- moved.
CREATE TABLE seller_epoch (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	n  INTEGER NOT NULL
);
INSERT INTO seller_epoch (id, n) VALUES (1, 0);

CREATE TRIGGER sellers_epoch_insert AFTER INSERT ON sellers BEGIN UPDATE seller_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER sellers_epoch_update AFTER UPDATE ON sellers BEGIN UPDATE seller_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER sellers_epoch_delete AFTER DELETE ON sellers BEGIN UPDATE seller_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER seller_helpers_epoch_insert AFTER INSERT ON seller_helpers BEGIN UPDATE seller_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER seller_helpers_epoch_update AFTER UPDATE ON seller_helpers BEGIN UPDATE seller_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER seller_helpers_epoch_delete AFTER DELETE ON seller_helpers BEGIN UPDATE seller_epoch SET n = n + 1 WHERE id = 1; END;
