package httpserver

import (
	"net/http"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/accounts"
)

// accountBody is an account as the API shows it.
type accountBody struct {
	ID       string        `json:"id"`
	Phone    string        `json:"phone"`
	Name     string        `json:"name"`
	Roles    []market.Role `json:"roles"`
	RegionID string        `json:"regionId,omitempty"`
}

func toAccountBody(a accounts.Account) accountBody {
	roles := a.Roles
	if roles == nil {
		roles = []market.Role{}
	}
	return accountBody{ID: a.ID, Phone: string(a.Phone), Name: a.Name, Roles: roles, RegionID: a.RegionID}
}

func handleAccountCreate(svc *accounts.Service, ls *limits, addr func(*http.Request) string) http.Handler {
	type request struct {
		Phone    string `json:"phone"`
		Password string `json:"password"`
		Name     string `json:"name"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in request
		if !decoded(w, r, &in) {
			return
		}
		if err := ls.check(ls.signUpAddr, addr(r)); err != nil {
			writeError(w, r, err)
			return
		}
		a, err := svc.Register(r.Context(), accounts.SignUp{Phone: in.Phone, Password: in.Password, Name: in.Name})
		if err != nil {
			writeError(w, r, err)
			return
		}
		encode(w, http.StatusCreated, toAccountBody(a))
	})
}

func handleSessionCreate(svc *accounts.Service, ls *limits, addr func(*http.Request) string) http.Handler {
	type request struct {
		Phone    string `json:"phone"`
		Password string `json:"password"`
	}
	type response struct {
		Token     string      `json:"token"`
		ExpiresAt time.Time   `json:"expiresAt"`
		Account   accountBody `json:"account"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in request
		if !decoded(w, r, &in) {
			return
		}
		phoneKey := in.Phone
		if p, err := market.ParsePhone(in.Phone); err == nil {
			phoneKey = string(p)
		}
		if err := ls.check(ls.signInAddr, addr(r), ls.signInPhone, phoneKey); err != nil {
			writeError(w, r, err)
			return
		}
		token, sess, a, err := svc.SignIn(r.Context(), in.Phone, in.Password)
		if err != nil {
			writeError(w, r, err)
			return
		}
		encode(w, http.StatusCreated, response{Token: token, ExpiresAt: sess.ExpiresAt, Account: toAccountBody(a)})
	})
}

func handleSessionDelete(svc *accounts.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, _ := r.Context().Value(keyToken).(string)
		if token == "" {
			writeError(w, r, market.ErrUnauthorized)
			return
		}
		if err := svc.SignOut(r.Context(), token); err != nil {
			writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func handleMe(svc *accounts.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, ok := signedIn(w, r)
		if !ok {
			return
		}
		a, err := svc.Account(r.Context(), actor.AccountID)
		if err != nil {
			writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, toAccountBody(a))
	})
}
