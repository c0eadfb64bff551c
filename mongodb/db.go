// Package mongodb implements every store of the domain packages on MongoDB,
// for running many ocopd instances against one replica set.
package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/mongo/readpref"
)

// DB is a connected MongoDB database.
type DB struct {
	client *mongo.Client
	db     *mongo.Database
	// Now is the clock used for times the database assigns.
	Now func() time.Time
}

// Open connects, pings and makes sure every index exists. Creating an
// index that exists is a no-op, so every instance may do it at start.
func Open(ctx context.Context, uri, database string) (*DB, error) {
	opts := options.Client().ApplyURI(uri).
		SetAppName("ocopd").
		SetServerSelectionTimeout(10 * time.Second)
	client, err := mongo.Connect(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("mongodb: connect: %w", err)
	}
	db := &DB{client: client, db: client.Database(database), Now: func() time.Time { return time.Now().UTC() }}
	if err := db.Ping(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	if err := db.ensureIndexes(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	if err := db.backfill(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	return db, nil
}

// backfill gives the documents written by older versions the fields this
// one reads. Each step matches only documents still lacking its field, so
// every instance may run it at start.
func (db *DB) backfill(ctx context.Context) error {
	for _, b := range backfills() {
		if _, err := db.db.Collection(b.collection).UpdateMany(ctx, b.filter, b.update); err != nil {
			return fmt.Errorf("mongodb: backfill %s: %w", b.collection, err)
		}
	}
	return nil
}

type backfillStep struct {
	collection string
	filter     bson.D
	update     mongo.Pipeline
}

// backfills lists the steps, oldest first.
func backfills() []backfillStep {
	return []backfillStep{
		// Sellers verified before firstVerifiedAt was kept: their last
		// verification is the first one known.
		{"sellers", bson.D{{Key: "firstVerifiedAt", Value: bson.D{{Key: "$exists", Value: false}}}},
			mongo.Pipeline{{{Key: "$set", Value: bson.D{{Key: "firstVerifiedAt", Value: "$verifiedAt"}}}}}},
	}
}

// Ping checks that the primary answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.client.Ping(ctx, readpref.Primary()); err != nil {
		return fmt.Errorf("mongodb: ping: %w", err)
	}
	return nil
}

// Close disconnects.
func (db *DB) Close(ctx context.Context) error { return db.client.Disconnect(ctx) }

// Drop removes the whole database; for tests.
func (db *DB) Drop(ctx context.Context) error { return db.db.Drop(ctx) }

// indexSpec is one index of one collection, declared as data so that the
// full set can be checked by an exact-output test.
type indexSpec struct {
	Collection string
	Keys       bson.D
	Unique     bool
	// TTL, when set, makes MongoDB delete documents once the indexed date passes.
	TTL  *int32
	Name string
}

func ttl(seconds int32) *int32 { return &seconds }

// indexes lists every index the stores rely on. Each area adds its own.
func indexes() []indexSpec {
	return []indexSpec{
		{Collection: "accounts", Keys: bson.D{{Key: "phone", Value: 1}}, Unique: true, Name: "phone_unique"},
		{Collection: "sessions", Keys: bson.D{{Key: "accountId", Value: 1}}, Name: "account"},
		{Collection: "sessions", Keys: bson.D{{Key: "expiresAt", Value: 1}}, TTL: ttl(0), Name: "expires_ttl"},
		// Sellers, regions, categories and products.
		{Collection: "sellers", Keys: bson.D{{Key: "regionId", Value: 1}, {Key: "status", Value: 1}}, Name: "region_status"},
		{Collection: "sellers", Keys: bson.D{{Key: "status", Value: 1}, {Key: "_id", Value: 1}}, Name: "status_id"},
		{Collection: "sellers", Keys: bson.D{{Key: "ownerId", Value: 1}}, Name: "owner"},
		{Collection: "sellers", Keys: bson.D{{Key: "helpers.accountId", Value: 1}}, Name: "helpers"},
		{Collection: "products", Keys: bson.D{{Key: "sellerId", Value: 1}, {Key: "status", Value: 1}, {Key: "_id", Value: 1}}, Name: "seller_status_id"},
		{Collection: "products", Keys: bson.D{{Key: "status", Value: 1}, {Key: "_id", Value: 1}}, Name: "status_id"},
		{Collection: "products", Keys: bson.D{{Key: "searchDirty", Value: 1}, {Key: "_id", Value: 1}}, Name: "search_dirty"},
		{Collection: "products", Keys: bson.D{{Key: "ocop.status", Value: 1}, {Key: "ocop.expiresAt", Value: 1}}, Name: "ocop_expiry"},
		{Collection: "products", Keys: bson.D{{Key: "ocop.status", Value: 1}, {Key: "updatedAt", Value: 1}, {Key: "_id", Value: 1}}, Name: "ocop_pending"},

		// Checkout, orders and payments.
		{Collection: "checkouts", Keys: bson.D{{Key: "idempotencyKey", Value: 1}}, Unique: true, Name: "idempotency_key_unique"},
		{Collection: "checkouts", Keys: bson.D{{Key: "intentId", Value: 1}}, Name: "intent"},
		{Collection: "checkouts", Keys: bson.D{{Key: "reference", Value: 1}}, Name: "reference"},
		{Collection: "orders", Keys: bson.D{{Key: "code", Value: 1}}, Unique: true, Name: "code_unique"},
		{Collection: "orders", Keys: bson.D{{Key: "checkoutId", Value: 1}}, Name: "checkout"},
		{Collection: "orders", Keys: bson.D{{Key: "sellerId", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, Name: "seller_newest"},
		{Collection: "orders", Keys: bson.D{{Key: "sellerId", Value: 1}, {Key: "status", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, Name: "seller_status_newest"},
		{Collection: "orders", Keys: bson.D{{Key: "buyer.accountId", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, Name: "buyer_newest"},
		{Collection: "orders", Keys: bson.D{{Key: "status", Value: 1}, {Key: "holdUntil", Value: 1}}, Name: "unpaid_hold"},
		{Collection: "orders", Keys: bson.D{{Key: "sellerRegionId", Value: 1}, {Key: "placedAt", Value: 1}}, Name: "region_placed"},

		// Uptake.
		{Collection: "ocopRegistry", Keys: bson.D{{Key: "regionId", Value: 1}}, Name: "region"},
	}
}

func (s indexSpec) model() mongo.IndexModel {
	o := options.Index().SetName(s.Name)
	if s.Unique {
		o.SetUnique(true)
	}
	if s.TTL != nil {
		o.SetExpireAfterSeconds(*s.TTL)
	}
	return mongo.IndexModel{Keys: s.Keys, Options: o}
}

func (db *DB) ensureIndexes(ctx context.Context) error {
	for _, spec := range indexes() {
		if _, err := db.db.Collection(spec.Collection).Indexes().CreateOne(ctx, spec.model()); err != nil {
			return fmt.Errorf("mongodb: index %s.%s: %w", spec.Collection, spec.Name, err)
		}
	}
	return nil
}

// isDuplicate reports whether err is a unique index violation.
func isDuplicate(err error) bool { return mongo.IsDuplicateKeyError(err) }

// isNoDocuments reports whether err means the lookup found nothing.
func isNoDocuments(err error) bool { return errors.Is(err, mongo.ErrNoDocuments) }
