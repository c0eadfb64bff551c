package sqlite

import (
	"context"
	"strings"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/accounts"
)

// AccountStore keeps accounts and sessions.
type AccountStore struct{ db *DB }

var _ accounts.Store = (*AccountStore)(nil)

// Accounts returns the accounts store.
func (db *DB) Accounts() *AccountStore { return &AccountStore{db: db} }

// CreateAccount inserts an account; a taken phone is a conflict.
func (s *AccountStore) CreateAccount(ctx context.Context, a accounts.Account) error {
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO accounts
		(id, phone, name, password_hash, roles, region_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, string(a.Phone), a.Name, a.PasswordHash, joinRoles(a.Roles), a.RegionID, millis(a.CreatedAt), millis(a.UpdatedAt))
	if isUnique(err) {
		return accounts.ErrPhoneTaken
	}
	return err
}

const accountColumns = `id, phone, name, password_hash, roles, region_id, created_at, updated_at`

func scanAccount(row interface{ Scan(...any) error }) (accounts.Account, error) {
	var a accounts.Account
	var phone, roles string
	var created, updated int64
	err := row.Scan(&a.ID, &phone, &a.Name, &a.PasswordHash, &roles, &a.RegionID, &created, &updated)
	if err != nil {
		return accounts.Account{}, notFound(err, accounts.ErrAccountNotFound)
	}
	a.Phone = market.Phone(phone)
	a.Roles = splitRoles(roles)
	a.CreatedAt, a.UpdatedAt = fromMillis(created), fromMillis(updated)
	return a, nil
}

// AccountByID returns an account or not_found.
func (s *AccountStore) AccountByID(ctx context.Context, id string) (accounts.Account, error) {
	return scanAccount(s.db.read.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
}

// AccountByPhone returns an account or not_found.
func (s *AccountStore) AccountByPhone(ctx context.Context, phone market.Phone) (accounts.Account, error) {
	return scanAccount(s.db.read.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE phone = ?`, string(phone)))
}

// UpdateAccount replaces the mutable fields of an account.
func (s *AccountStore) UpdateAccount(ctx context.Context, a accounts.Account) error {
	res, err := s.db.write.ExecContext(ctx, `UPDATE accounts SET name = ?, password_hash = ?, roles = ?, region_id = ?, updated_at = ? WHERE id = ?`,
		a.Name, a.PasswordHash, joinRoles(a.Roles), a.RegionID, millis(a.UpdatedAt), a.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return accounts.ErrAccountNotFound
	}
	return nil
}

// CreateSession stores a session.
func (s *AccountStore) CreateSession(ctx context.Context, sess accounts.Session) error {
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		sess.TokenHash, sess.AccountID, millis(sess.CreatedAt), millis(sess.ExpiresAt))
	return err
}

// SessionByTokenHash returns a session or not_found.
func (s *AccountStore) SessionByTokenHash(ctx context.Context, tokenHash string) (accounts.Session, error) {
	var sess accounts.Session
	var created, expires int64
	err := s.db.read.QueryRowContext(ctx, `SELECT token_hash, account_id, created_at, expires_at FROM sessions WHERE token_hash = ?`, tokenHash).
		Scan(&sess.TokenHash, &sess.AccountID, &created, &expires)
	if err != nil {
		return accounts.Session{}, notFound(err, accounts.ErrSessionNotFound)
	}
	sess.CreatedAt, sess.ExpiresAt = fromMillis(created), fromMillis(expires)
	return sess, nil
}

// DeleteSession removes a session, if there is one.
func (s *AccountStore) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := s.db.write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return err
}

// DeleteExpiredSessions removes sessions that expired before t.
func (s *AccountStore) DeleteExpiredSessions(ctx context.Context, t time.Time) (int, error) {
	res, err := s.db.write.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, millis(t))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func joinRoles(roles []market.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

func splitRoles(s string) []market.Role {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	out := make([]market.Role, len(parts))
	for i, p := range parts {
		out[i] = market.Role(p)
	}
	return out
}
