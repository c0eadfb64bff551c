package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ocopmarket/market/httpserver/apitest"
)

type account struct {
	ID    string   `json:"id"`
	Phone string   `json:"phone"`
	Name  string   `json:"name"`
	Roles []string `json:"roles"`
}

type session struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
	Account   account   `json:"account"`
}

type apiError struct {
	Error struct {
		Code      string            `json:"code"`
		Message   string            `json:"message"`
		Fields    map[string]string `json:"fields"`
		RequestID string            `json:"requestId"`
	} `json:"error"`
}

func TestSignUpSignInSignOut(t *testing.T) {
	srv := startServer(t, nil)
	c := apitest.New(t, srv.URL)

	resp := c.Do("POST", "/api/v1/accounts", map[string]string{"phone": "0912 345 678", "password": "hoasung-2026", "name": "Nguyễn Thị Lan"})
	if resp.Status != http.StatusCreated {
		t.Fatalf("sign up: %d %s", resp.Status, resp.Body)
	}
	var a account
	resp.JSON(t, &a)
	if a.Phone != "+84912345678" || a.Name != "Nguyễn Thị Lan" || len(a.Roles) != 1 || a.Roles[0] != "buyer" || a.ID == "" {
		t.Fatalf("account = %+v", a)
	}

	resp = c.Do("POST", "/api/v1/sessions", map[string]string{"phone": "+84912345678", "password": "hoasung-2026"})
	if resp.Status != http.StatusCreated {
		t.Fatalf("sign in: %d %s", resp.Status, resp.Body)
	}
	var s session
	resp.JSON(t, &s)
	if len(s.Token) < 40 || s.Account.ID != a.ID || !s.ExpiresAt.After(time.Now().Add(24*time.Hour)) {
		t.Fatalf("session = %+v", s)
	}

	me := c.As(s.Token).Do("GET", "/api/v1/me", nil)
	var got account
	me.JSON(t, &got)
	if me.Status != http.StatusOK || got.ID != a.ID {
		t.Fatalf("me: %d %s", me.Status, me.Body)
	}

	if resp := c.As(s.Token).Do("DELETE", "/api/v1/sessions/current", nil); resp.Status != http.StatusNoContent {
		t.Fatalf("sign out: %d %s", resp.Status, resp.Body)
	}
	if resp := c.As(s.Token).Do("GET", "/api/v1/me", nil); resp.Status != http.StatusUnauthorized {
		t.Fatalf("me after sign out: %d %s", resp.Status, resp.Body)
	}
	if resp := c.Do("GET", "/api/v1/me", nil); resp.Status != http.StatusUnauthorized {
		t.Fatalf("me without a token: %d", resp.Status)
	}
}

func TestBadInputGetsClearErrors(t *testing.T) {
	srv := startServer(t, nil)
	c := apitest.New(t, srv.URL)
	good := `{"phone":"0987654321","password":"mật-khẩu-dài","name":"Trần Văn Bình"}`
	if resp := c.Do("POST", "/api/v1/accounts", good); resp.Status != http.StatusCreated {
		t.Fatalf("setup: %d %s", resp.Status, resp.Body)
	}

	tests := []struct {
		name   string
		body   string
		lang   string
		status int
		code   string
		field  string
		text   string // part of the message or the field's message
	}{
		{"truncated JSON", `{"phone":"0912345678","pass`, "", 400, "invalid", "body", "JSON bị cắt ngang"},
		{"truncated JSON in English", `{"phone":"0912345678","pass`, "en", 400, "invalid", "body", "cut short"},
		{"not JSON", `phone=0912345678`, "", 400, "invalid", "body", "cú pháp"},
		{"unknown field", `{"phone":"0912345679","password":"12345678","name":"A","admin":true}`, "en", 400, "invalid", "admin", "unknown field"},
		{"wrong type", `{"phone":912345678,"password":"12345678","name":"A"}`, "en", 400, "invalid", "phone", "must be a string"},
		{"trailing data", good + `{}`, "en", 400, "invalid", "body", "after the JSON"},
		{"empty body", ``, "en", 400, "invalid", "body", "missing"},
		{"array instead of object", `[1,2]`, "en", 400, "invalid", "body", "JSON object"},
		{"short password", `{"phone":"0912345670","password":"1234567","name":"A"}`, "", 400, "invalid", "password", "ít nhất 8 ký tự"},
		{"short password in English", `{"phone":"0912345670","password":"1234567","name":"A"}`, "en-US,en;q=0.9", 400, "invalid", "password", "at least 8 characters"},
		{"bad phone", `{"phone":"12345","password":"12345678","name":"A"}`, "en", 400, "invalid", "phone", "Vietnamese number"},
		{"missing name", `{"phone":"0912345671","password":"12345678"}`, "en", 400, "invalid", "name", "enter a name"},
		{"duplicate phone", `{"phone":"+84 987 654 321","password":"12345678","name":"B"}`, "", 409, "conflict", "phone", "đã được đăng ký"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl := *c
			cl.Lang = tt.lang
			resp := cl.Do("POST", "/api/v1/accounts", tt.body)
			var e apiError
			resp.JSON(t, &e)
			if resp.Status != tt.status || e.Error.Code != tt.code {
				t.Fatalf("got %d %s, want %d %s", resp.Status, resp.Body, tt.status, tt.code)
			}
			msg := e.Error.Fields[tt.field]
			if tt.field == "" {
				msg = e.Error.Message
			}
			if !strings.Contains(msg, tt.text) && !strings.Contains(e.Error.Message, tt.text) {
				t.Errorf("message %q / fields %v does not mention %q", e.Error.Message, e.Error.Fields, tt.text)
			}
			if e.Error.RequestID == "" || e.Error.RequestID != resp.Header.Get("X-Request-Id") {
				t.Errorf("request id %q vs header %q", e.Error.RequestID, resp.Header.Get("X-Request-Id"))
			}
		})
	}

	t.Run("3 MiB body", func(t *testing.T) {
		big := `{"phone":"0912345678","password":"` + strings.Repeat("x", 3<<20) + `","name":"A"}`
		resp := c.Do("POST", "/api/v1/accounts", big)
		if resp.Status != http.StatusRequestEntityTooLarge || resp.ErrorCode() != "payload_too_large" {
			t.Fatalf("got %d %s", resp.Status, resp.Body)
		}
	})

	t.Run("nothing was created by bad input", func(t *testing.T) {
		for _, phone := range []string{"0912345678", "0912345679", "0912345670"} {
			resp := c.Do("POST", "/api/v1/sessions", map[string]string{"phone": phone, "password": "12345678"})
			if resp.Status != http.StatusUnauthorized {
				t.Errorf("%s: sign-in answered %d; bad input must not create accounts", phone, resp.Status)
			}
		}
	})
}

func TestSignInFailures(t *testing.T) {
	srv := startServer(t, nil)
	c := apitest.New(t, srv.URL)
	c.Do("POST", "/api/v1/accounts", map[string]string{"phone": "0912345678", "password": "correct-horse", "name": "Lan"})

	wrongPassword := c.Do("POST", "/api/v1/sessions", map[string]string{"phone": "0912345678", "password": "wrong-horse"})
	unknownPhone := c.Do("POST", "/api/v1/sessions", map[string]string{"phone": "0900000000", "password": "wrong-horse"})
	var e1, e2 apiError
	wrongPassword.JSON(t, &e1)
	unknownPhone.JSON(t, &e2)
	if wrongPassword.Status != 401 || unknownPhone.Status != 401 || e1.Error.Message != e2.Error.Message || e1.Error.Code != e2.Error.Code {
		t.Fatalf("wrong password (%d %s) and unknown phone (%d %s) must answer alike",
			wrongPassword.Status, wrongPassword.Body, unknownPhone.Status, unknownPhone.Body)
	}

	if resp := c.As("forged-token-that-was-never-issued").Do("GET", "/api/v1/me", nil); resp.Status != http.StatusUnauthorized {
		t.Fatalf("forged token: %d", resp.Status)
	}

	limited := false
	for i := 0; i < 30; i++ {
		resp := c.Do("POST", "/api/v1/sessions", map[string]string{"phone": "0912 345 678", "password": fmt.Sprintf("guess-%d", i)})
		if resp.Status == http.StatusTooManyRequests {
			limited = true
			if resp.Header.Get("Retry-After") == "" || resp.ErrorCode() != "rate_limited" {
				t.Fatalf("429 without Retry-After or code: %v %s", resp.Header, resp.Body)
			}
			// The owner of the phone, who did nothing too fast, learns why.
			if !strings.Contains(string(resp.Body), "đăng nhập sai quá nhiều lần") {
				t.Errorf("the refusal does not say the sign-ins failed: %s", resp.Body)
			}
			break
		}
		if resp.Status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d %s", i, resp.Status, resp.Body)
		}
	}
	if !limited {
		t.Fatal("30 wrong passwords in a row were never rate limited")
	}
	// The right password is refused too while the limit lasts: guessing must not pay.
	if resp := c.Do("POST", "/api/v1/sessions", map[string]string{"phone": "0912345678", "password": "correct-horse"}); resp.Status != http.StatusTooManyRequests {
		t.Fatalf("right password during the limit: %d", resp.Status)
	}
}

func TestRateLimitsOff(t *testing.T) {
	srv := startServer(t, map[string]string{"OCOP_RATE_LIMITS": "off"})
	c := apitest.New(t, srv.URL)
	for i := 0; i < 15; i++ {
		if resp := c.Do("POST", "/api/v1/sessions", map[string]string{"phone": "0912345678", "password": "wrong-horse"}); resp.Status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, resp.Status)
		}
	}
}

func TestGracefulShutdownFinishesInFlightRequest(t *testing.T) {
	srv := startServer(t, nil)
	pr, pw := io.Pipe()
	req, err := http.NewRequest("POST", srv.URL+"/api/v1/accounts", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	type result struct {
		status int
		err    error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- result{err: err}
			return
		}
		resp.Body.Close()
		got <- result{status: resp.StatusCode}
	}()
	// The request is in flight: half its body is sent when shutdown begins.
	if _, err := io.WriteString(pw, `{"phone":"0912345678","password":"slow-3g-pass",`); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	stopped := make(chan error, 1)
	go func() { stopped <- srv.stop() }()
	time.Sleep(300 * time.Millisecond)
	select {
	case err := <-stopped:
		t.Fatalf("server stopped (%v) before the in-flight request finished", err)
	default:
	}
	if _, err := io.WriteString(pw, `"name":"Lan"}`); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	r := <-got
	if r.err != nil || r.status != http.StatusCreated {
		t.Fatalf("in-flight request: %d %v", r.status, r.err)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	// New connections are refused once it has stopped.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req2, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/healthz", nil)
	if resp, err := http.DefaultClient.Do(req2); err == nil {
		resp.Body.Close()
		t.Fatal("server still answers after shutdown")
	}
}

func TestOperationalEndpoints(t *testing.T) {
	srv := startServer(t, nil)
	c := apitest.New(t, srv.URL)
	if resp := c.Do("GET", "/readyz", nil); resp.Status != 200 {
		t.Fatalf("readyz: %d %s", resp.Status, resp.Body)
	}
	c.Do("GET", "/api/v1/me", nil)
	resp := c.Do("GET", "/metrics", nil)
	if resp.Status != 200 || !strings.Contains(string(resp.Body), `route="/api/v1/me"`) {
		t.Fatalf("metrics lack the route template label:\n%.3000s", resp.Body)
	}
	if strings.Contains(string(resp.Body), `route="/api/v1/me/`) {
		t.Fatal("metrics labelled by raw path")
	}
	resp = c.Do("GET", "/api/v1/openapi.json", nil)
	if resp.Status != 200 || !strings.Contains(string(resp.Body), `"/api/v1/sessions"`) {
		t.Fatalf("openapi: %d", resp.Status)
	}
	if resp := c.Do("GET", "/api/v1/no-such-thing", nil); resp.Status != 404 || resp.ErrorCode() != "not_found" {
		t.Fatalf("unknown path: %d %s", resp.Status, resp.Body)
	}
}

func TestAccountsCreateCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"OCOP_DATA_DIR": dir, "OCOP_SQLITE_SYNCHRONOUS": "NORMAL"}
	getenv := func(k string) string { return env[k] }
	var out strings.Builder
	err := run(context.Background(), []string{"accounts", "create", "--role", "admin", "--phone", "0911111111", "--name", "Quản trị", "--password-stdin"},
		getenv, strings.NewReader("admin-pass-123\n"), &out, io.Discard)
	if err != nil || !strings.Contains(out.String(), "Created admin account") {
		t.Fatalf("create admin: %v %q", err, out.String())
	}
	err = run(context.Background(), []string{"accounts", "create", "--role", "official", "--phone", "0922222222", "--name", "Cán bộ"},
		getenv, strings.NewReader("official-pass\n"), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "no password") {
		t.Fatalf("missing password: %v", err)
	}
	err = run(context.Background(), []string{"accounts", "create", "--role", "official", "--phone", "0922222222", "--name", "Cán bộ", "--password-stdin"},
		getenv, strings.NewReader("official-pass\n"), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "region") {
		t.Fatalf("official without region: %v", err)
	}

	err = run(context.Background(), []string{"accounts", "create", "--role", "official", "--region", "atlantis", "--phone", "0922222222", "--name", "Cán bộ", "--password-stdin"},
		getenv, strings.NewReader("official-pass\n"), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "No such region") {
		t.Fatalf("official with an unknown region: %v", err)
	}
	err = run(context.Background(), []string{"accounts", "create", "--role", "official", "--region", "can-tho", "--phone", "0922222222", "--name", "Cán bộ", "--password-stdin"},
		getenv, strings.NewReader("official-pass\n"), io.Discard, io.Discard)
	if err != nil {
		t.Fatalf("official of Cần Thơ: %v", err)
	}

	srv := startServer(t, map[string]string{"OCOP_DATA_DIR": dir})
	c := apitest.New(t, srv.URL)
	resp := c.Do("POST", "/api/v1/sessions", map[string]string{"phone": "0911111111", "password": "admin-pass-123"})
	var s session
	resp.JSON(t, &s)
	if resp.Status != 201 || len(s.Account.Roles) != 2 || s.Account.Roles[1] != "admin" {
		t.Fatalf("admin sign in: %d %s", resp.Status, resp.Body)
	}
}
