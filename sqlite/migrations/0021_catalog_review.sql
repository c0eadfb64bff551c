-- Who made the last decision about a seller (verify, reject, suspend) and
-- when; verified_by/verified_at keep the last verification.
ALTER TABLE sellers ADD COLUMN status_by TEXT NOT NULL DEFAULT '';
ALTER TABLE sellers ADD COLUMN status_at INTEGER NOT NULL DEFAULT 0;

-- 1 once the search index has been told that a verified certificate
-- expired (or the product was written after it expired), so the expiry
-- sweep flags each product once.
ALTER TABLE products ADD COLUMN ocop_expiry_seen INTEGER NOT NULL DEFAULT 0;
