-- A buyer's counted orders by the seller's region: the nearest ones in
-- one region, read when the buyer's nearest orders overall hold fewer
-- than two there (a buyer who orders from many communes). Without it the
-- store walked the buyer's whole history on every checkout.
CREATE INDEX orders_uptake_buyer_region ON orders(buyer_key, seller_region_id, placed_at, id)
    WHERE placed_at > 0 AND status NOT IN ('cancelled', 'refunded');
