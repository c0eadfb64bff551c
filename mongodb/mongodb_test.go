package mongodb

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/accounts"
	"github.com/ocopmarket/market/accounts/accountstest"
)

// openTestDB connects to OCOP_TEST_MONGODB_URI with a fresh database per
// call, or skips: no MongoDB server can run on every machine that builds this.
func openTestDB(t *testing.T) *DB {
	t.Helper()
	uri := os.Getenv("OCOP_TEST_MONGODB_URI")
	if uri == "" {
		t.Skip("OCOP_TEST_MONGODB_URI not set: MongoDB contract suite skipped (docker compose up mongodb, then OCOP_TEST_MONGODB_URI=mongodb://localhost:27017/?replicaSet=rs0)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	name := "ocop_test_" + strings.ToLower(market.NewID())
	db, err := Open(ctx, uri, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = db.Drop(context.Background())
		_ = db.Close(context.Background())
	})
	return db
}

func TestAccountStoreContract(t *testing.T) {
	accountstest.Run(t, func(t *testing.T) accounts.Store { return openTestDB(t).Accounts() })
}

// extJSON renders a bson value as relaxed extended JSON for exact comparisons.
func extJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := bson.MarshalExtJSON(bson.D{{Key: "v", Value: v}}, false, false)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return string(m["v"])
}

func TestLeaseFilter(t *testing.T) {
	now := time.Date(2026, 5, 1, 2, 3, 4, 0, time.UTC)
	got := extJSON(t, leaseFilter("search-sync", "inst-a", now))
	want := `{"_id":"search-sync","$or":[{"holder":"inst-a"},{"expiresAt":{"$lte":{"$date":"2026-05-01T02:03:04Z"}}}]}`
	if got != want {
		t.Errorf("leaseFilter =\n%s\nwant\n%s", got, want)
	}
}

func TestAccountUpdate(t *testing.T) {
	a := accounts.Account{ID: "a1", Name: "Lan", PasswordHash: "h", Roles: []market.Role{market.RoleBuyer, market.RoleSeller},
		UpdatedAt: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}
	got := extJSON(t, accountUpdate(a))
	want := `{"$set":{"name":"Lan","passwordHash":"h","roles":["buyer","seller"],"regionId":"","updatedAt":{"$date":"2026-05-01T00:00:00Z"}}}`
	if got != want {
		t.Errorf("accountUpdate =\n%s\nwant\n%s", got, want)
	}
}

func TestIndexes(t *testing.T) {
	seen := map[string]bool{}
	for _, ix := range indexes() {
		key := ix.Collection + "." + ix.Name
		if seen[key] {
			t.Errorf("index %s declared twice", key)
		}
		seen[key] = true
	}
	for _, want := range []string{"accounts.phone_unique", "sessions.expires_ttl"} {
		if !seen[want] {
			t.Errorf("missing index %s", want)
		}
	}
	var phone indexSpec
	for _, ix := range indexes() {
		if ix.Name == "phone_unique" {
			phone = ix
		}
	}
	if !phone.Unique || extJSON(t, phone.Keys) != `{"phone":1}` {
		t.Errorf("phone index = %+v", phone)
	}
}
