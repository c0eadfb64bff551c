package httpserver

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestRequestTimeout: a handler still waiting at the request's deadline
// answers 503 in the caller's language, and the timer is armed only by
// the wait.
func TestRequestTimeout(t *testing.T) {
	s, err := New(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{RequestTimeout: 50 * time.Millisecond}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	h := s.requestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			writeError(w, r, r.Context().Err())
		case <-time.After(10 * time.Second):
			w.WriteHeader(http.StatusOK)
		}
	}))
	for lang, want := range map[string]string{"": "Máy chủ đang bận, vui lòng thử lại.", "en": "The server is busy; please try again."} {
		req := httptest.NewRequest("GET", "/api/v1/slow", nil)
		req.Header.Set("Accept-Language", lang)
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		var body errorBody
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != http.StatusServiceUnavailable || body.Error.Message != want || time.Since(start) > 5*time.Second {
			t.Fatalf("a request past its deadline (%q): %d %s after %v", lang, rec.Code, rec.Body, time.Since(start))
		}
	}
}

type ctxTestKey struct{}

// TestReqContext holds the request's context to package context's rules:
// Err is nil before the deadline and set for good after it, whether or
// not anything waited; Done closes at the deadline and when the
// connection goes; contexts made from it end with it; values come from
// the request's record and from the connection's context.
func TestReqContext(t *testing.T) {
	info := &reqInfo{id: "r1"}
	conn := context.WithValue(context.Background(), ctxTestKey{}, "conn")

	// Nothing waits: the deadline passes unseen by any timer.
	c := newReqContext(conn, info, 20*time.Millisecond)
	if c.Err() != nil || c.armed.Load() != nil {
		t.Fatalf("a fresh request's context: Err %v, armed %v", c.Err(), c.armed.Load() != nil)
	}
	if infoFrom(c) != info || c.Value(ctxTestKey{}) != "conn" {
		t.Fatal("the request's record or the connection's values are lost")
	}
	time.Sleep(30 * time.Millisecond)
	if !errors.Is(c.Err(), context.DeadlineExceeded) || !errors.Is(context.Cause(c), context.DeadlineExceeded) {
		t.Fatalf("past the deadline: Err %v, Cause %v", c.Err(), context.Cause(c))
	}
	select {
	case <-c.Done():
	default:
		t.Fatal("past the deadline, Done is open")
	}
	c.end()

	// Something waits: Done closes at the deadline, and a context made
	// from this one ends with it.
	c = newReqContext(conn, info, 30*time.Millisecond)
	child, cancel := context.WithCancel(c)
	defer cancel()
	select {
	case <-child.Done():
		if !errors.Is(c.Err(), context.DeadlineExceeded) || !errors.Is(child.Err(), context.DeadlineExceeded) {
			t.Fatalf("at the deadline: Err %v, the child's %v", c.Err(), child.Err())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a context made from the request's did not end at its deadline")
	}
	c.end()

	// The connection goes: everything ends with it, as Canceled.
	parent, hangUp := context.WithCancel(conn)
	c = newReqContext(parent, info, time.Hour)
	child, cancel = context.WithCancel(c)
	defer cancel()
	hangUp()
	<-child.Done()
	if !errors.Is(c.Err(), context.Canceled) || !errors.Is(child.Err(), context.Canceled) {
		t.Fatalf("the connection went: Err %v, the child's %v", c.Err(), child.Err())
	}
	if d, ok := c.Deadline(); !ok || time.Until(d) < 59*time.Minute {
		t.Fatalf("deadline %v %v", d, ok)
	}
	c.end()

	// A connection's earlier deadline is the request's.
	soon, stop := context.WithTimeout(conn, time.Minute)
	defer stop()
	want, _ := soon.Deadline()
	if d, _ := newReqContext(soon, info, time.Hour).Deadline(); !d.Equal(want) {
		t.Fatalf("deadline %v, want the connection's %v", d, want)
	}
}
