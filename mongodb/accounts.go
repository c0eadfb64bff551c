package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/accounts"
)

// AccountStore keeps accounts and sessions.
type AccountStore struct{ db *DB }

var _ accounts.Store = (*AccountStore)(nil)

// Accounts returns the accounts store.
func (db *DB) Accounts() *AccountStore { return &AccountStore{db: db} }

type accountDoc struct {
	ID           string    `bson:"_id"`
	Phone        string    `bson:"phone"`
	Name         string    `bson:"name"`
	PasswordHash string    `bson:"passwordHash"`
	Roles        []string  `bson:"roles"`
	RegionID     string    `bson:"regionId,omitempty"`
	CreatedAt    time.Time `bson:"createdAt"`
	UpdatedAt    time.Time `bson:"updatedAt"`
}

func toAccountDoc(a accounts.Account) accountDoc {
	roles := make([]string, len(a.Roles))
	for i, r := range a.Roles {
		roles[i] = string(r)
	}
	return accountDoc{ID: a.ID, Phone: string(a.Phone), Name: a.Name, PasswordHash: a.PasswordHash,
		Roles: roles, RegionID: a.RegionID, CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC()}
}

func fromAccountDoc(d accountDoc) accounts.Account {
	roles := make([]market.Role, len(d.Roles))
	for i, r := range d.Roles {
		roles[i] = market.Role(r)
	}
	return accounts.Account{ID: d.ID, Phone: market.Phone(d.Phone), Name: d.Name, PasswordHash: d.PasswordHash,
		Roles: roles, RegionID: d.RegionID, CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC()}
}

type sessionDoc struct {
	TokenHash string    `bson:"_id"`
	AccountID string    `bson:"accountId"`
	CreatedAt time.Time `bson:"createdAt"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

// CreateAccount inserts an account; a taken phone is a conflict.
func (s *AccountStore) CreateAccount(ctx context.Context, a accounts.Account) error {
	_, err := s.db.db.Collection("accounts").InsertOne(ctx, toAccountDoc(a))
	if isDuplicate(err) {
		return accounts.ErrPhoneTaken
	}
	return err
}

func (s *AccountStore) findAccount(ctx context.Context, filter bson.D) (accounts.Account, error) {
	var d accountDoc
	err := s.db.db.Collection("accounts").FindOne(ctx, filter).Decode(&d)
	if isNoDocuments(err) {
		return accounts.Account{}, accounts.ErrAccountNotFound
	}
	if err != nil {
		return accounts.Account{}, err
	}
	return fromAccountDoc(d), nil
}

// AccountByID returns an account or not_found.
func (s *AccountStore) AccountByID(ctx context.Context, id string) (accounts.Account, error) {
	return s.findAccount(ctx, bson.D{{Key: "_id", Value: id}})
}

// AccountByPhone returns an account or not_found.
func (s *AccountStore) AccountByPhone(ctx context.Context, phone market.Phone) (accounts.Account, error) {
	return s.findAccount(ctx, bson.D{{Key: "phone", Value: string(phone)}})
}

// accountUpdate is the $set of UpdateAccount.
func accountUpdate(a accounts.Account) bson.D {
	d := toAccountDoc(a)
	return bson.D{{Key: "$set", Value: bson.D{
		{Key: "name", Value: d.Name},
		{Key: "passwordHash", Value: d.PasswordHash},
		{Key: "roles", Value: d.Roles},
		{Key: "regionId", Value: d.RegionID},
		{Key: "updatedAt", Value: d.UpdatedAt},
	}}}
}

// UpdateAccount replaces the mutable fields of an account.
func (s *AccountStore) UpdateAccount(ctx context.Context, a accounts.Account) error {
	res, err := s.db.db.Collection("accounts").UpdateOne(ctx, bson.D{{Key: "_id", Value: a.ID}}, accountUpdate(a))
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return accounts.ErrAccountNotFound
	}
	return nil
}

// CreateSession stores a session.
func (s *AccountStore) CreateSession(ctx context.Context, sess accounts.Session) error {
	_, err := s.db.db.Collection("sessions").InsertOne(ctx, sessionDoc{
		TokenHash: sess.TokenHash, AccountID: sess.AccountID, CreatedAt: sess.CreatedAt.UTC(), ExpiresAt: sess.ExpiresAt.UTC()})
	return err
}

// SessionByTokenHash returns a session or not_found.
func (s *AccountStore) SessionByTokenHash(ctx context.Context, tokenHash string) (accounts.Session, error) {
	var d sessionDoc
	err := s.db.db.Collection("sessions").FindOne(ctx, bson.D{{Key: "_id", Value: tokenHash}}).Decode(&d)
	if isNoDocuments(err) {
		return accounts.Session{}, accounts.ErrSessionNotFound
	}
	if err != nil {
		return accounts.Session{}, err
	}
	return accounts.Session{TokenHash: d.TokenHash, AccountID: d.AccountID, CreatedAt: d.CreatedAt.UTC(), ExpiresAt: d.ExpiresAt.UTC()}, nil
}

// DeleteSession removes a session, if there is one.
func (s *AccountStore) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := s.db.db.Collection("sessions").DeleteOne(ctx, bson.D{{Key: "_id", Value: tokenHash}})
	return err
}

// DeleteExpiredSessions removes sessions that expired before t. MongoDB's
// TTL index does this too, within a minute; this makes it exact.
func (s *AccountStore) DeleteExpiredSessions(ctx context.Context, t time.Time) (int, error) {
	res, err := s.db.db.Collection("sessions").DeleteMany(ctx, bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lte", Value: t.UTC()}}}})
	if err != nil {
		return 0, err
	}
	return int(res.DeletedCount), nil
}
