package httpserver

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/accounts"
)

// The cookies of the pages. The session cookie carries the same token the
// API issues; the CSRF cookie is the browser's half of a double-submit
// token; flash carries a message key across one redirect.
const (
	sessionCookie = "ocop_session"
	csrfCookie    = "ocop_csrf"
	flashCookie   = "ocop_flash"
	csrfField     = "csrf"
	csrfHeader    = "X-CSRF-Token"
)

type webCtxKey int

const (
	keyCSRF webCtxKey = iota
	keyFlash
	keySessionToken
)

func csrfFrom(ctx context.Context) string {
	s, _ := ctx.Value(keyCSRF).(string)
	return s
}

// flashFrom returns the message key of the one-time notice, "" if none.
func flashFrom(r *http.Request) string {
	s, _ := r.Context().Value(keyFlash).(string)
	return s
}

func sessionTokenFrom(ctx context.Context) string {
	s, _ := ctx.Value(keySessionToken).(string)
	return s
}

// isWebPath tells the pages from the JSON API and the operational
// endpoints, which never read cookies and so are not exposed to CSRF.
func isWebPath(p string) bool {
	return !strings.HasPrefix(p, "/api/") && p != "/healthz" && p != "/readyz" && p != "/metrics"
}

// isAssetPath tells files (styles, photos) from pages: they need neither
// the session nor a CSRF token. QR images do need the session, so that a
// seller can print the QR of a shop that is not yet public.
func isAssetPath(p string) bool {
	return strings.HasPrefix(p, "/static/") || strings.HasPrefix(p, "/media/")
}

// webSession runs after bearer authentication, for the pages only: it
// resolves the session cookie to the actor exactly as a bearer token
// would be, gives the browser a CSRF token, refuses unsafe requests
// without the matching token, and hands over the one-time notice.
func (s *Server) webSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isWebPath(r.URL.Path) || isAssetPath(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()

		token := ""
		if c, err := r.Cookie(csrfCookie); err == nil && validCSRF(c.Value) {
			token = c.Value
		} else {
			token = newCSRFToken()
			s.setCookie(w, csrfCookie, token, 0)
		}
		ctx = context.WithValue(ctx, keyCSRF, token)

		if !safeMethod(r.Method) {
			// A form with files is parsed once, here, on the request every
			// later copy shares, and its temporary files are removed when
			// the request is done: net/http cleans up only the form of the
			// request it made itself, not of the copies middleware makes.
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				if err := r.ParseMultipartForm(1 << 20); err == nil && r.MultipartForm != nil {
					defer r.MultipartForm.RemoveAll()
				}
			}
			if !s.csrfOK(r, token) {
				s.webError(w, r.WithContext(ctx), errCSRF)
				return
			}
		}

		if c, err := r.Cookie(sessionCookie); err == nil && !actorFrom(ctx).SignedIn() && s.deps.Accounts != nil {
			a, err := s.deps.Accounts.Authenticate(ctx, c.Value)
			switch {
			case err == nil:
				ctx = context.WithValue(ctx, keyActor, a.Actor())
				ctx = context.WithValue(ctx, keySessionToken, c.Value)
			case market.IsCode(err, market.Unauthorized):
				// A lapsed session: carry on signed out, and forget it.
				s.clearCookie(w, sessionCookie)
			default:
				s.webError(w, r.WithContext(ctx), err)
				return
			}
		}

		// The notice is for the page a person sees: a script fetching a
		// page (the photo uploader follows the redirect, then navigates
		// there) must not use it up.
		mode := r.Header.Get("Sec-Fetch-Mode")
		if c, err := r.Cookie(flashCookie); err == nil && r.Method == http.MethodGet && (mode == "" || mode == "navigate") {
			if _, ok := s.web.messages[c.Value]; ok {
				ctx = context.WithValue(ctx, keyFlash, c.Value)
			}
			s.clearCookie(w, flashCookie)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

var errCSRF = market.Errorf(market.Forbidden,
	"Biểu mẫu đã hết hạn hoặc không gửi từ trang của Chợ OCOP. Vui lòng tải lại trang và thử lại.",
	"The form has expired or was not sent from a Chợ OCOP page. Please reload the page and try again.")

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// csrfOK checks an unsafe request: it must come from our own pages (when
// the browser says where it comes from) and carry the token of the
// browser's CSRF cookie, in the form or in a header for scripts.
func (s *Server) csrfOK(r *http.Request, token string) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return false
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	sent := r.Header.Get(csrfHeader)
	if sent == "" {
		ct := r.Header.Get("Content-Type")
		if strings.HasPrefix(ct, "multipart/form-data") {
			if err := r.ParseMultipartForm(1 << 20); err != nil {
				return false
			}
		}
		sent = r.PostFormValue(csrfField)
	}
	return sent != "" && subtle.ConstantTimeCompare([]byte(sent), []byte(token)) == 1
}

func newCSRFToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func validCSRF(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

// setCookie sets a cookie of the pages: HttpOnly, SameSite=Lax, Secure
// when the site is served over HTTPS. maxAge 0 makes a browser-session
// cookie.
func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.web.secure, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.web.secure, SameSite: http.SameSiteLaxMode})
}

// redirectWithFlash sends the browser to target with a one-time notice.
func (s *Server) redirectWithFlash(w http.ResponseWriter, r *http.Request, target, flashKey string) {
	if flashKey != "" {
		s.setCookie(w, flashCookie, flashKey, 60)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// startSession signs the browser in with a session token: the session
// cookie lasts as long as the session, and the CSRF token is renewed so
// that one planted before sign-in is worthless after.
func (s *Server) startSession(w http.ResponseWriter, token string, sess accounts.Session) {
	maxAge := int(sess.ExpiresAt.Sub(sess.CreatedAt).Seconds())
	s.setCookie(w, sessionCookie, token, maxAge)
	s.setCookie(w, csrfCookie, newCSRFToken(), 0)
}

// homeOf is where a person lands after signing in.
func homeOf(a market.Actor) string {
	switch {
	case a.Has(market.RoleOfficial) || a.IsAdmin():
		return "/official"
	case a.Has(market.RoleSeller) || a.Has(market.RoleHelper):
		return "/seller"
	default:
		return "/account"
	}
}

// handleSignInPage shows the sign-in form; handleSignIn checks it.
func (s *Server) handleSignInPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(r, "signin.title")
		p.NoIndex = true
		p.Form.Set("next", localPath(r.URL.Query().Get("next"), ""))
		s.render(w, r, http.StatusOK, "signin", p)
	})
}

func (s *Server) handleSignIn() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		phone, password := strings.TrimSpace(r.PostFormValue("phone")), r.PostFormValue("password")
		next := localPath(r.PostFormValue("next"), "")
		fail := func(err error) {
			p := s.newPage(r, "signin.title")
			p.NoIndex = true
			p.Form.Set("phone", phone)
			p.Form.Set("next", next)
			p.formError(err)
			s.render(w, r, statusOf[market.ErrorCode(err)], "signin", p)
		}
		phoneKey := phone
		if ph, err := market.ParsePhone(phone); err == nil {
			phoneKey = string(ph)
		}
		if err := s.limits.check(s.limits.signInAddr, s.clientAddr(r), s.limits.signInPhone, phoneKey); err != nil {
			fail(err)
			return
		}
		token, sess, a, err := s.deps.Accounts.SignIn(r.Context(), phone, password)
		if err != nil {
			if !market.IsCode(err, market.Unauthorized) {
				s.webError(w, r, err)
				return
			}
			fail(err)
			return
		}
		s.startSession(w, token, sess)
		s.redirectWithFlash(w, r, localPath(next, homeOf(a.Actor())), "flash.signed_in")
	})
}

// handleSignUpPage shows the sign-up form; handleSignUp opens the account
// and signs the browser in at once.
func (s *Server) handleSignUpPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(r, "signup.title")
		p.NoIndex = true
		p.Form.Set("next", localPath(r.URL.Query().Get("next"), ""))
		s.render(w, r, http.StatusOK, "signup", p)
	})
}

func (s *Server) handleSignUp() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in := accounts.SignUp{
			Name:     strings.TrimSpace(r.PostFormValue("name")),
			Phone:    strings.TrimSpace(r.PostFormValue("phone")),
			Password: r.PostFormValue("password"),
		}
		next := localPath(r.PostFormValue("next"), "")
		fail := func(err error) {
			p := s.newPage(r, "signup.title")
			p.NoIndex = true
			p.Form.Set("name", in.Name)
			p.Form.Set("phone", in.Phone)
			p.Form.Set("next", next)
			p.formError(err)
			s.render(w, r, statusOf[market.ErrorCode(err)], "signup", p)
		}
		if err := s.limits.check(s.limits.signUpAddr, s.clientAddr(r)); err != nil {
			fail(err)
			return
		}
		if _, err := s.deps.Accounts.Register(r.Context(), in); err != nil {
			if market.IsCode(err, market.Internal) || market.ErrorCode(err) == "" {
				s.webError(w, r, err)
				return
			}
			if market.IsCode(err, market.Conflict) {
				err = market.Errorf(market.Conflict, "Số điện thoại này đã có tài khoản. Hãy đăng nhập.",
					"This phone number already has an account. Please sign in.").
					WithField("phone", "Số điện thoại đã được đăng ký.", "This phone number is already registered.")
			}
			fail(err)
			return
		}
		token, sess, a, err := s.deps.Accounts.SignIn(r.Context(), in.Phone, in.Password)
		if err != nil {
			s.webError(w, r, err)
			return
		}
		s.startSession(w, token, sess)
		s.redirectWithFlash(w, r, localPath(next, homeOf(a.Actor())), "flash.signed_up")
	})
}

// handleSignOut ends the session behind the cookie.
func (s *Server) handleSignOut() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token := sessionTokenFrom(r.Context()); token != "" {
			if err := s.deps.Accounts.SignOut(r.Context(), token); err != nil && !market.IsCode(err, market.Unauthorized) {
				s.webError(w, r, err)
				return
			}
		}
		s.clearCookie(w, sessionCookie)
		s.redirectWithFlash(w, r, "/", "flash.signed_out")
	})
}

// handleAccountPage is a signed-in person's own page.
func (s *Server) handleAccountPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor := actorFrom(r.Context())
		if !actor.SignedIn() {
			s.webError(w, r, market.ErrUnauthorized)
			return
		}
		a, err := s.deps.Accounts.Account(r.Context(), actor.AccountID)
		if err != nil {
			s.webError(w, r, err)
			return
		}
		p := s.newPage(r, "account.title")
		p.NoIndex = true
		p.Data = accountPage{Name: a.Name, Phone: a.Phone.Local(), Since: a.CreatedAt}
		s.render(w, r, http.StatusOK, "account", p)
	})
}

type accountPage struct {
	Name, Phone string
	Since       time.Time
}
