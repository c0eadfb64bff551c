package httpserver

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"

	"github.com/ocopmarket/market"
)

// maxBodyBytes bounds every request body: the largest is a 15 MB photo in a
// multipart form. JSON bodies have their own, smaller limit.
const maxBodyBytes = 20 << 20

type ctxKey int

const (
	keyInfo ctxKey = iota
	keyActor
	keyToken
)

// reqInfo is what the middleware learns about a request as it goes, and
// what every handler may need of it: one context value per request.
type reqInfo struct {
	id        string
	route     string
	pathID    string // the route's {id}, when hotRoutes served it
	status    int
	bytes     int64
	jsonLimit int64
	base      *slog.Logger // the server's; loggerFrom adds the request id
	logger    atomic.Pointer[slog.Logger]
	w         statusWriter // the response writer handlers get, made with reqInfo
}

func infoFrom(ctx context.Context) *reqInfo {
	i, _ := ctx.Value(keyInfo).(*reqInfo)
	return i
}

func requestIDFrom(ctx context.Context) string {
	if i := infoFrom(ctx); i != nil {
		return i.id
	}
	return ""
}

// loggerFrom returns the request's logger, which names the request. It is
// made the first time something is logged: most requests log nothing but
// their access line, and making it was 2.5 % of a product page's CPU.
func loggerFrom(ctx context.Context) *slog.Logger {
	i := infoFrom(ctx)
	if i == nil {
		return slog.Default()
	}
	if l := i.logger.Load(); l != nil {
		return l
	}
	// Handlers may log from goroutines of their own: the first logger made
	// is the one every later call gets.
	i.logger.CompareAndSwap(nil, i.base.With("requestId", i.id))
	return i.logger.Load()
}

func jsonLimitFrom(ctx context.Context) int64 {
	if i := infoFrom(ctx); i != nil && i.jsonLimit > 0 {
		return i.jsonLimit
	}
	return 1 << 20
}

// actorFrom returns the person the request acts for (anonymous if none).
func actorFrom(ctx context.Context) market.Actor {
	a, _ := ctx.Value(keyActor).(market.Actor)
	return a
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	info *reqInfo
}

func (w *statusWriter) WriteHeader(code int) {
	if w.info.status == 0 {
		w.info.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.info.status == 0 {
		w.info.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.info.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// requestID is the outermost middleware: it names the request, bounds its
// body and its time, and writes the access log and metrics when it is done.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !market.ValidID(id) {
			id = market.NewID()
		}
		info := &reqInfo{id: id, route: "unmatched", jsonLimit: s.cfg.JSONBodyLimit, base: s.logger}
		ctx := newReqContext(r.Context(), info, s.cfg.RequestTimeout)
		defer ctx.end()
		w.Header()["X-Request-Id"] = []string{id}
		if r.Body != http.NoBody { // what net/http gives a request without a body
			r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		}
		info.w = statusWriter{ResponseWriter: w, info: info}
		next.ServeHTTP(&info.w, r.WithContext(ctx))

		if info.status == 0 {
			info.status = http.StatusOK
		}
		elapsed := time.Since(start)
		s.metrics.observe(r.Method, info.route, info.status, elapsed)
		level := slog.LevelInfo
		if info.status >= 500 {
			level = slog.LevelError
		}
		// The request id as the first attribute writes what a logger made
		// With it would, without making one.
		s.logger.LogAttrs(r.Context(), level, "request", slog.String("requestId", id),
			slog.String("method", r.Method), slog.String("route", info.route), slog.String("path", r.URL.Path),
			slog.Int("status", info.status), slog.Int64("bytes", info.bytes),
			slog.Duration("duration", elapsed), slog.String("client", s.clientAddr(r)))
	})
}

// observe runs inside the router and records which route matched, so that
// metrics and logs group by route template, never by raw path.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info, ok := r.Context().Value(keyInfo).(*reqInfo); ok {
			if route := mux.CurrentRoute(r); route != nil {
				if tpl, err := route.GetPathTemplate(); err == nil {
					info.route = tpl
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanic turns a panic into a 500 with the request id, logged once.
func (s *Server) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				loggerFrom(r.Context()).Error("panic", "value", fmt.Sprint(v), "stack", string(debug.Stack()))
				writeError(w, r, market.Errorf(market.Internal, errInternal.Message.VI, errInternal.Message.EN))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets the headers every response carries, and on pages
// the referrer policy too (what a browser sends when a buyer follows a
// link out; a JSON answer has no links to follow). The keys are written in
// canonical form and the values shared: net/http and handlers replace a
// header's slice, never write into it. An API answer carries eight
// headers at most: a ninth makes Go's map of them grow, and net/http copy
// the grown map, a tenth of the allocations of a product page.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["X-Content-Type-Options"] = nosniff
		h["X-Frame-Options"] = frameDeny
		if isWebPath(r.URL.Path) {
			h["Referrer-Policy"] = referrerPolicy
		}
		next.ServeHTTP(w, r)
	})
}

var (
	nosniff        = []string{"nosniff"}
	frameDeny      = []string{"DENY"}
	referrerPolicy = []string{"strict-origin-when-cross-origin"}
)

// authenticate resolves a bearer token to the actor. A request without a
// token is anonymous; a request with a bad token is refused, so that a
// client never mistakes a lapsed session for an anonymous answer.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearerToken(r)
		if !ok || s.deps.Accounts == nil {
			next.ServeHTTP(w, r)
			return
		}
		a, err := s.deps.Accounts.Authenticate(r.Context(), token)
		if err != nil {
			writeError(w, r, err)
			return
		}
		ctx := context.WithValue(r.Context(), keyActor, a.Actor())
		ctx = context.WithValue(ctx, keyToken, token)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", false
	}
	return strings.TrimSpace(token), true
}

// clientAddr is the address rate limits and logs use.
func (s *Server) clientAddr(r *http.Request) string {
	if s.cfg.TrustProxy {
		// The right-most address is the one our proxy saw; anything left
		// of it was written by the client and could dodge rate limits.
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			last := xff[strings.LastIndex(xff, ",")+1:]
			if ip := net.ParseIP(strings.TrimSpace(last)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// compress gzips text responses for clients that accept it: on a slow 3G
// link a JSON search answer shrinks five-fold.
func (s *Server) compress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := w.Header(); h["Vary"] == nil {
			h["Vary"] = varyAcceptEncoding
		} else {
			h.Add("Vary", "Accept-Encoding")
		}
		if !acceptsGzip(r) || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		gw := &gzipWriter{ResponseWriter: w}
		defer gw.close()
		next.ServeHTTP(gw, r)
	})
}

// varyAcceptEncoding is shared by every response, as securityHeaders'
// values are.
var varyAcceptEncoding = []string{"Accept-Encoding"}

func acceptsGzip(r *http.Request) bool {
	for rest := r.Header.Get("Accept-Encoding"); rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(enc, "gzip") && strings.ReplaceAll(params, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

var gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression); return w }}

// gzipWriter compresses the body when the content type is text-like and
// the response is not tiny; otherwise it passes bytes through.
type gzipWriter struct {
	http.ResponseWriter
	gz      *gzip.Writer
	decided bool
}

func (w *gzipWriter) WriteHeader(code int) {
	w.decide(code)
	w.ResponseWriter.WriteHeader(code)
}

func (w *gzipWriter) decide(code int) {
	if w.decided {
		return
	}
	w.decided = true
	h := w.Header()
	ct := h.Get("Content-Type")
	if code == http.StatusNoContent || code == http.StatusNotModified || h.Get("Content-Encoding") != "" || !compressible(ct) {
		return
	}
	h.Del("Content-Length")
	h.Set("Content-Encoding", "gzip")
	w.gz = gzipPool.Get().(*gzip.Writer)
	w.gz.Reset(w.ResponseWriter)
}

func (w *gzipWriter) Write(b []byte) (int, error) {
	if !w.decided {
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", http.DetectContentType(b))
		}
		w.WriteHeader(http.StatusOK)
	}
	if w.gz != nil {
		return w.gz.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

func (w *gzipWriter) close() {
	if w.gz != nil {
		_ = w.gz.Close()
		gzipPool.Put(w.gz)
		w.gz = nil
	}
}

func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func compressible(contentType string) bool {
	ct, _, _ := strings.Cut(contentType, ";")
	switch strings.TrimSpace(ct) {
	case "application/json", "text/html", "text/css", "text/plain", "text/csv", "application/javascript", "text/javascript", "image/svg+xml":
		return true
	}
	return false
}

// noRoute answers a request no route serves: 405 with Allow when the path
// is served with other methods, else 404.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	if allow := s.allowed(r); len(allow) > 0 {
		s.methodNotAllowed(w, r, allow)
		return
	}
	s.notFound(w, r)
}

// allowed lists the methods the router serves at the request's path.
func (s *Server) allowed(r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		r2 := r.Clone(r.Context())
		r2.Method = m
		var match mux.RouteMatch
		if s.router.Match(r2, &match) && match.MatchErr == nil {
			allow = append(allow, m)
		}
	}
	return allow
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	if wantsHTML(r) {
		s.webNotFound(w, r)
		return
	}
	writeError(w, r, market.Errorf(market.NotFound, "Không tìm thấy trang hoặc địa chỉ này.", "No such page or endpoint."))
}

// methodNotAllowed answers a known path asked with a method it does not
// serve, listing in Allow the methods it does.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request, allow []string) {
	w.Header().Set("Allow", strings.Join(allow, ", "))
	writeError(w, r, market.Errorf(market.MethodNotAllowed,
		"Phương thức "+r.Method+" không dùng được ở địa chỉ này; hãy dùng "+strings.Join(allow, ", ")+".",
		"Method "+r.Method+" is not allowed here; use "+strings.Join(allow, ", ")+"."))
}
