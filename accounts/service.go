package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"github.com/ocopmarket/market"
)

// Service signs people up, in and out.
type Service struct {
	store      Store
	clock      market.Clock
	hash       HashParams
	sessionTTL time.Duration
	// dummyHash is checked against when the phone is unknown, so that an
	// unknown phone and a wrong password take the same time.
	dummyHash string
	// regionExists validates an official's scope; nil accepts any region.
	regionExists func(id string) bool
}

// Options tune a Service. Zero values take the defaults.
type Options struct {
	Clock      market.Clock
	Hash       HashParams
	SessionTTL time.Duration
	// RegionExists validates an official's region; nil accepts any.
	RegionExists func(id string) bool
}

// DefaultSessionTTL is how long a session lasts: sellers sign in on a shared
// phone once and stay signed in for a month.
const DefaultSessionTTL = 30 * 24 * time.Hour

// NewService returns a Service over store.
func NewService(store Store, opts Options) *Service {
	s := &Service{store: store, clock: opts.Clock, hash: opts.Hash, sessionTTL: opts.SessionTTL, regionExists: opts.RegionExists}
	if s.clock == nil {
		s.clock = market.SystemClock{}
	}
	if s.hash == (HashParams{}) {
		s.hash = DefaultHashParams
	}
	if s.sessionTTL <= 0 {
		s.sessionTTL = DefaultSessionTTL
	}
	s.dummyHash = hashPassword("not a real password", s.hash)
	return s
}

// SignUp is what a person gives to open an account.
type SignUp struct {
	Phone    string
	Password string
	Name     string
}

// NewAccount is what an operator gives to create an account with any roles.
type NewAccount struct {
	SignUp
	Roles    []market.Role
	RegionID string
}

// Register opens a buyer account.
func (s *Service) Register(ctx context.Context, in SignUp) (Account, error) {
	return s.Create(ctx, NewAccount{SignUp: in, Roles: []market.Role{market.RoleBuyer}})
}

// Create opens an account with the given roles. Officials need a region.
func (s *Service) Create(ctx context.Context, in NewAccount) (Account, error) {
	var p market.Problems
	phone, err := market.ParsePhone(in.Phone)
	if err != nil {
		p.AddText("phone", err.(*market.Error).Message)
	}
	name := validateName(&p, "name", in.Name)
	validatePassword(&p, in.Password)
	roles := uniqueRoles(in.Roles)
	if len(roles) == 0 {
		p.Add("roles", "Cần ít nhất một vai trò.", "At least one role is needed.")
	}
	hasOfficial := false
	for _, r := range roles {
		if _, ok := market.ParseRole(string(r)); !ok {
			p.Add("roles", "Vai trò không hợp lệ: "+string(r), "Unknown role: "+string(r))
		}
		hasOfficial = hasOfficial || r == market.RoleOfficial
	}
	switch {
	case hasOfficial && in.RegionID == "":
		p.Add("regionId", "Cán bộ cần có địa bàn phụ trách.", "An official needs a region.")
	case in.RegionID != "" && s.regionExists != nil && !s.regionExists(in.RegionID):
		p.Add("regionId", "Không có địa bàn này.", "No such region.")
	}
	if err := p.Err(); err != nil {
		return Account{}, err
	}
	now := s.clock.Now()
	a := Account{
		ID:           market.NewID(),
		Phone:        phone,
		Name:         name,
		PasswordHash: hashPassword(in.Password, s.hash),
		Roles:        roles,
		RegionID:     in.RegionID,
		CreatedAt:    now,
		UpdatedAt:    now,
	}
	if err := s.store.CreateAccount(ctx, a); err != nil {
		return Account{}, err
	}
	return a, nil
}

// Grant adds a role to an account (e.g. seller when it opens a shop).
func (s *Service) Grant(ctx context.Context, accountID string, role market.Role) (Account, error) {
	a, err := s.store.AccountByID(ctx, accountID)
	if err != nil {
		return Account{}, err
	}
	for _, r := range a.Roles {
		if r == role {
			return a, nil
		}
	}
	a.Roles = append(a.Roles, role)
	a.UpdatedAt = s.clock.Now()
	if err := s.store.UpdateAccount(ctx, a); err != nil {
		return Account{}, err
	}
	return a, nil
}

// Account returns one account.
func (s *Service) Account(ctx context.Context, id string) (Account, error) {
	return s.store.AccountByID(ctx, id)
}

// ErrBadCredentials answers a wrong phone and a wrong password alike.
var ErrBadCredentials = market.Errorf(market.Unauthorized,
	"Số điện thoại hoặc mật khẩu không đúng.",
	"The phone number or password is wrong.")

// SignIn checks a phone and password and opens a session. It returns the
// token, which is shown once and never stored.
func (s *Service) SignIn(ctx context.Context, phone, password string) (string, Session, Account, error) {
	p, perr := market.ParsePhone(phone)
	var a Account
	var err error
	if perr == nil {
		a, err = s.store.AccountByPhone(ctx, p)
	}
	switch {
	case perr != nil || market.IsCode(err, market.NotFound):
		checkPassword(password, s.dummyHash) // same work as a real check
		return "", Session{}, Account{}, ErrBadCredentials
	case err != nil:
		return "", Session{}, Account{}, err
	}
	if len(password) > maxPasswordLen || !checkPassword(password, a.PasswordHash) {
		return "", Session{}, Account{}, ErrBadCredentials
	}
	token := newToken()
	now := s.clock.Now()
	sess := Session{TokenHash: HashToken(token), AccountID: a.ID, CreatedAt: now, ExpiresAt: now.Add(s.sessionTTL)}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return "", Session{}, Account{}, err
	}
	return token, sess, a, nil
}

// ErrBadToken answers a token that is unknown, revoked or expired.
var ErrBadToken = market.Errorf(market.Unauthorized,
	"Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.",
	"Your session has expired. Please sign in again.")

// Authenticate returns the account behind a session token.
func (s *Service) Authenticate(ctx context.Context, token string) (Account, error) {
	if token == "" || len(token) > 128 {
		return Account{}, ErrBadToken
	}
	sess, err := s.store.SessionByTokenHash(ctx, HashToken(token))
	if market.IsCode(err, market.NotFound) {
		return Account{}, ErrBadToken
	}
	if err != nil {
		return Account{}, err
	}
	if !s.clock.Now().Before(sess.ExpiresAt) {
		return Account{}, ErrBadToken
	}
	a, err := s.store.AccountByID(ctx, sess.AccountID)
	if market.IsCode(err, market.NotFound) {
		return Account{}, ErrBadToken
	}
	return a, err
}

// SignOut revokes the session of a token. Signing out twice is fine.
func (s *Service) SignOut(ctx context.Context, token string) error {
	return s.store.DeleteSession(ctx, HashToken(token))
}

// PurgeExpiredSessions removes expired sessions.
func (s *Service) PurgeExpiredSessions(ctx context.Context) (int, error) {
	return s.store.DeleteExpiredSessions(ctx, s.clock.Now())
}

// HashToken returns the hex SHA-256 of a token: what stores keep.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("accounts: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func uniqueRoles(in []market.Role) []market.Role {
	var out []market.Role
	seen := map[market.Role]bool{}
	for _, r := range in {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}
