package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// testServer is ocopd running through run() on a free loopback port with a
// fresh data directory.
type testServer struct {
	URL    string
	cancel context.CancelFunc
	done   chan error
	stderr *syncBuffer
	env    map[string]string
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServer runs ocopd serve and waits for /healthz. extra overrides the
// environment. The server stops when the test ends.
func startServer(t testing.TB, extra map[string]string) *testServer {
	t.Helper()
	return startServerArgs(t, []string{"serve"}, extra)
}

// startServerArgs is startServer with the command line of ocopd.
func startServerArgs(t testing.TB, args []string, extra map[string]string) *testServer {
	t.Helper()
	addr := freePort(t)
	env := map[string]string{
		"OCOP_ADDR":               addr,
		"OCOP_DATA_DIR":           t.TempDir(),
		"OCOP_LOG_LEVEL":          "warn",
		"OCOP_SQLITE_SYNCHRONOUS": "NORMAL",
	}
	for k, v := range extra {
		env[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &testServer{URL: "http://" + addr, cancel: cancel, done: make(chan error, 1), stderr: &syncBuffer{}, env: env}
	go func() {
		s.done <- run(ctx, args, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, s.stderr)
	}()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", s.stderr.String())
		}
		if err := s.stop(); err != nil {
			t.Errorf("server stopped with %v\n%s", err, s.stderr.String())
		}
	})
	deadline := time.Now().Add(healthWait)
	for {
		resp, err := http.Get(s.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case err := <-s.done:
			t.Fatalf("server exited early: %v\n%s", err, s.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not healthy after %v\n%s", healthWait, s.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// healthWait bounds how long a test waits for a server it started to be
// healthy. --demo seeds a year of orders first: 65–80 s under -race on an
// otherwise idle 2-core machine, and past 90 s when that machine ran other
// work too. The wait ends as soon as the server answers.
const healthWait = 4 * time.Minute

// stop cancels the server's context and waits for run to return.
func (s *testServer) stop() error {
	if s.cancel == nil {
		return nil
	}
	s.cancel()
	s.cancel = nil
	select {
	case err := <-s.done:
		return err
	case <-time.After(30 * time.Second):
		return fmt.Errorf("server did not stop within 30s")
	}
}
