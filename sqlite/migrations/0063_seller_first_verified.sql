-- When an official first verified a seller. verified_at moves with every
-- verification (a seller verified again after a suspension, or after a
-- change of region or kind); the officials' figures count the seller's
-- listings on sale from the first one, so that a month's figures do not
-- change when they are read again later.
ALTER TABLE sellers ADD COLUMN first_verified_at INTEGER NOT NULL DEFAULT 0;
UPDATE sellers SET first_verified_at = verified_at WHERE verified_at > 0;
