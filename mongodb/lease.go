package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// leaseFilter matches the named lease when holder has it or it has expired.
func leaseFilter(name, holder string, now time.Time) bson.D {
	return bson.D{
		{Key: "_id", Value: name},
		{Key: "$or", Value: bson.A{
			bson.D{{Key: "holder", Value: holder}},
			bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lte", Value: now}}}},
		}},
	}
}

// AcquireLease takes or renews the named lease for holder until now+ttl.
// When another holder has a live lease, the upsert collides with the
// existing _id and the duplicate-key error means "not yours".
func (db *DB) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := db.Now()
	update := bson.D{{Key: "$set", Value: bson.D{{Key: "holder", Value: holder}, {Key: "expiresAt", Value: now.Add(ttl)}}}}
	_, err := db.db.Collection("leases").UpdateOne(ctx, leaseFilter(name, holder, now), update, options.Update().SetUpsert(true))
	if isDuplicate(err) {
		return false, nil
	}
	return err == nil, err
}

// ReleaseLease gives up the named lease if holder has it.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := db.db.Collection("leases").DeleteOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "holder", Value: holder}})
	return err
}
