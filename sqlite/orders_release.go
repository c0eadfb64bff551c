package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/ocopmarket/market/orders"
)

// ReleaseKey frees the idempotency key of a checkout whose payment could
// not start.
func (s *OrderStore) ReleaseKey(ctx context.Context, checkoutID string) error {
	res, err := s.db.write.ExecContext(ctx, `UPDATE checkouts SET idempotency_key = idempotency_key || '#released:' || id
		WHERE id = ? AND instr(idempotency_key, '#released:') = 0`, checkoutID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		// Already released, or no such checkout.
		var one int
		err := s.db.read.QueryRowContext(ctx, `SELECT 1 FROM checkouts WHERE id = ?`, checkoutID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return orders.ErrCheckoutNotFound()
		}
		return err
	}
	return nil
}
