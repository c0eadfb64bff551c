// Package accounts is about the people who sign in: their roles, their
// passwords and their sessions.
package accounts

import (
	"context"
	"time"
	"unicode/utf8"

	"github.com/ocopmarket/market"
)

// Account is a person who can sign in.
type Account struct {
	ID           string
	Phone        market.Phone
	Name         string
	PasswordHash string
	Roles        []market.Role
	// RegionID is an official's scope; empty for everyone else.
	RegionID  string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Actor returns the account as the person a request acts for.
func (a Account) Actor() market.Actor {
	return market.Actor{AccountID: a.ID, Name: a.Name, Roles: append([]market.Role(nil), a.Roles...), RegionID: a.RegionID}
}

// Session is a signed-in device. Only the SHA-256 hash of its token is kept.
type Session struct {
	TokenHash string
	AccountID string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Store keeps accounts and sessions.
type Store interface {
	// CreateAccount inserts a new account; a taken phone is a conflict.
	CreateAccount(ctx context.Context, a Account) error
	// AccountByID returns the account or a not_found error.
	AccountByID(ctx context.Context, id string) (Account, error)
	// AccountByPhone returns the account or a not_found error.
	AccountByPhone(ctx context.Context, phone market.Phone) (Account, error)
	// UpdateAccount replaces name, password hash, roles and region of an account.
	UpdateAccount(ctx context.Context, a Account) error
	// CreateSession stores a new session.
	CreateSession(ctx context.Context, s Session) error
	// SessionByTokenHash returns the session or a not_found error.
	SessionByTokenHash(ctx context.Context, tokenHash string) (Session, error)
	// DeleteSession removes a session; removing a missing one is not an error.
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteExpiredSessions removes sessions that expired before t.
	DeleteExpiredSessions(ctx context.Context, t time.Time) (int, error)
}

// ErrAccountNotFound is what stores return for a missing account.
var ErrAccountNotFound = market.NotFoundf("tài khoản", "account")

// ErrSessionNotFound is what stores return for a missing session.
var ErrSessionNotFound = market.NotFoundf("phiên đăng nhập", "session")

// ErrPhoneTaken is what stores return when the phone already has an account.
var ErrPhoneTaken = market.Errorf(market.Conflict,
	"Số điện thoại này đã có tài khoản. Hãy đăng nhập.",
	"This phone number already has an account. Please sign in.").WithField("phone", "đã được đăng ký", "is already registered")

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 8

// maxPasswordLen bounds the work a hash may be asked to do.
const maxPasswordLen = 256

func validateName(p *market.Problems, field, name string) string {
	name = market.CleanText(name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		p.Add(field, "Vui lòng nhập tên.", "Please enter a name.")
	case n > 100:
		p.Add(field, "Tên dài quá 100 ký tự.", "The name is longer than 100 characters.")
	}
	return name
}

func validatePassword(p *market.Problems, password string) {
	switch n := utf8.RuneCountInString(password); {
	case n < MinPasswordLen:
		p.Add("password", "Mật khẩu cần ít nhất 8 ký tự.", "The password needs at least 8 characters.")
	case len(password) > maxPasswordLen:
		p.Add("password", "Mật khẩu dài quá 256 ký tự.", "The password is longer than 256 characters.")
	}
}
