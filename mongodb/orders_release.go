package mongodb

import (
	"context"
	"errors"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"github.com/ocopmarket/market/orders"
)

// releaseKeyUpdate renames a checkout's idempotency key to
// "<key>#released:<id>", a key no request can send.
func releaseKeyUpdate(checkoutID string) mongo.Pipeline {
	return mongo.Pipeline{{{Key: "$set", Value: bson.D{{Key: "idempotencyKey", Value: bson.D{{Key: "$concat",
		Value: bson.A{"$idempotencyKey", "#released:" + checkoutID}}}}}}}}
}

// ReleaseKey frees the idempotency key of a checkout whose payment could
// not start.
func (s *OrderStore) ReleaseKey(ctx context.Context, checkoutID string) error {
	var c struct {
		Key string `bson:"idempotencyKey"`
	}
	err := s.col("checkouts").FindOne(ctx, bson.D{{Key: "_id", Value: checkoutID}}).Decode(&c)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return orders.ErrCheckoutNotFound()
	case err != nil:
		return err
	case strings.Contains(c.Key, "#released:"):
		return nil
	}
	_, err = s.col("checkouts").UpdateOne(ctx, bson.D{{Key: "_id", Value: checkoutID}}, releaseKeyUpdate(checkoutID))
	return err
}
