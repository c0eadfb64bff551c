package httpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/ocopmarket/market"
)

// statusOf is the one table from error codes to HTTP statuses.
var statusOf = map[market.Code]int{
	market.Invalid:            http.StatusBadRequest,
	market.Unauthorized:       http.StatusUnauthorized,
	market.Forbidden:          http.StatusForbidden,
	market.NotFound:           http.StatusNotFound,
	market.Conflict:           http.StatusConflict,
	market.PreconditionFailed: http.StatusPreconditionFailed,
	market.PayloadTooLarge:    http.StatusRequestEntityTooLarge,
	market.MethodNotAllowed:   http.StatusMethodNotAllowed,
	market.InsufficientStock:  http.StatusConflict,
	market.RateLimited:        http.StatusTooManyRequests,
	market.Unavailable:        http.StatusServiceUnavailable,
	market.Internal:           http.StatusInternalServerError,
}

// encode writes v as JSON with the given status.
func encode(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only a programming error (a func or chan in v) gets here.
		http.Error(w, `{"error":{"code":"internal","message":"encoding failed"}}`, http.StatusInternalServerError)
		return
	}
	writeJSON(w, status, buf.Bytes())
}

// writeJSON writes a JSON document already encoded (ending in a newline,
// as encode's do) with the given status.
// jsonContentType is every JSON answer's Content-Type, shared as
// securityHeaders' values are.
var jsonContentType = []string{"application/json; charset=utf-8"}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      market.Code       `json:"code"`
	Message   string            `json:"message"`
	Fields    map[string]string `json:"fields,omitempty"`
	RequestID string            `json:"requestId,omitempty"`
}

var (
	errGone    = market.Errorf(market.Unavailable, "Kết nối đã bị ngắt.", "The connection was closed.")
	errTimeout = market.Errorf(market.Unavailable, "Máy chủ đang bận, vui lòng thử lại.", "The server is busy; please try again.")
)

var errInternal = market.Errorf(market.Internal,
	"Đã có lỗi xảy ra. Vui lòng thử lại sau ít phút.",
	"Something went wrong. Please try again in a few minutes.")

// writeError answers err in the caller's language. Internal errors are
// logged here, once, with the request id; the client never sees their cause.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	var e *market.Error
	switch {
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away (a phone lost its signal); nobody reads the answer.
		loggerFrom(r.Context()).Debug("client went away", "err", err)
		e = errGone
	case errors.Is(err, context.DeadlineExceeded) && r.Context().Err() != nil:
		loggerFrom(r.Context()).Warn("request timed out", "err", err)
		e = errTimeout
	case !errors.As(err, &e) || e.Code == market.Internal || statusOf[e.Code] == 0:
		loggerFrom(r.Context()).Error("request failed", "err", err)
		e = errInternal
	}
	lang := language(r)
	body := errorBody{Error: errorDetail{Code: e.Code, Message: e.Message.In(lang), RequestID: requestIDFrom(r.Context())}}
	if len(e.Fields) > 0 {
		body.Error.Fields = make(map[string]string, len(e.Fields))
		for k, v := range e.Fields {
			body.Error.Fields[k] = v.In(lang)
		}
	}
	if e.Code == market.RateLimited && e.RetryAfterSeconds > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfterSeconds))
	}
	encode(w, statusOf[e.Code], body)
}

// decode reads a JSON body into v strictly: no unknown fields, no trailing
// data, no body larger than the JSON limit. Problems come back as invalid
// (or payload_too_large) errors that name the field.
func decode(r *http.Request, v any) error {
	limit := jsonLimitFrom(r.Context())
	data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
	if err != nil {
		return decodeError(err, limit)
	}
	if err := checkShape(data, reflect.TypeOf(v)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = errTrailing
		}
	}
	if err == nil {
		return nil
	}
	return decodeError(err, limit)
}

var errTrailing = errors.New("trailing data")

func decodeError(err error, limit int64) error {
	var (
		maxErr    *http.MaxBytesError
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
	)
	invalidBody := func(vi, en string) error {
		return market.Errorf(market.Invalid, "Nội dung gửi lên không hợp lệ: "+vi, "The request body is not valid: "+en).WithField("body", vi, en)
	}
	switch {
	case errors.As(err, &maxErr):
		return market.Errorf(market.PayloadTooLarge,
			fmt.Sprintf("Nội dung gửi lên quá lớn (tối đa %d KB).", limit>>10),
			fmt.Sprintf("The request body is too large (at most %d KB).", limit>>10))
	case errors.Is(err, io.EOF):
		return invalidBody("thiếu nội dung JSON.", "the JSON body is missing.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalidBody("JSON bị cắt ngang.", "the JSON is cut short.")
	case errors.As(err, &syntaxErr):
		return invalidBody(fmt.Sprintf("lỗi cú pháp JSON ở vị trí %d.", syntaxErr.Offset), fmt.Sprintf("JSON syntax error at offset %d.", syntaxErr.Offset))
	case errors.Is(err, errTrailing):
		return invalidBody("có dữ liệu thừa sau JSON.", "there is data after the JSON value.")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return invalidBody("phải là một đối tượng JSON.", "it must be a JSON object.")
		}
		want := jsonKind(typeErr.Type.Kind().String())
		return fieldError(field, "phải là "+want.VI, "must be "+want.EN)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return fieldError(name, "trường không được hỗ trợ", "unknown field")
	default:
		return invalidBody("không đọc được JSON.", "the JSON could not be read.")
	}
}

func jsonKind(goKind string) market.Text {
	switch goKind {
	case "string":
		return market.T("chuỗi ký tự", "a string")
	case "bool":
		return market.T("true hoặc false", "true or false")
	case "slice", "array":
		return market.T("một danh sách", "a list")
	case "struct", "map":
		return market.T("một đối tượng", "an object")
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return market.T("một số nguyên", "a whole number")
	default:
		return market.T("một số", "a number")
	}
}

// language is the caller's language: "en" when a lang cookie or the
// Accept-Language header prefers English, else "vi".
func language(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil && (c.Value == "en" || c.Value == "vi") {
		return c.Value
	}
	best, bestQ := "vi", -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if (base == "en" || base == "vi") && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}

// timePtr shows an optional time: nil (omitted) when zero, else in UTC.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// signedIn returns the signed-in actor, or answers 401 and reports false.
func signedIn(w http.ResponseWriter, r *http.Request) (market.Actor, bool) {
	actor := actorFrom(r.Context())
	if !actor.SignedIn() {
		writeError(w, r, market.ErrUnauthorized)
		return actor, false
	}
	return actor, true
}

// signedInDecoded is signedIn, then decoded: the start of most writes.
func signedInDecoded(w http.ResponseWriter, r *http.Request, v any) (market.Actor, bool) {
	actor, ok := signedIn(w, r)
	return actor, ok && decoded(w, r, v)
}

// decoded decodes the JSON body into v, or answers the problem and reports false.
func decoded(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := decode(r, v); err != nil {
		writeError(w, r, err)
		return false
	}
	return true
}
