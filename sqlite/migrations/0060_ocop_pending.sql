-- The officials' queue of OCOP certificates awaiting verification.
CREATE INDEX products_ocop_pending ON products(updated_at, id) WHERE ocop_status = 'pending';
