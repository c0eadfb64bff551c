// Package market holds the shared vocabulary of Chợ OCOP: errors, money,
// phone numbers, identifiers, the clock and the acting person. It imports
// only the standard library, and golang.org/x/text/unicode/norm for
// CleanText (see text.go).
package market

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Code classifies an error so that the edge (HTTP, CLI) can answer it the
// same way whatever produced it.
type Code string

// The error codes. httpserver maps each to one HTTP status, in one table.
const (
	Invalid            Code = "invalid"
	Unauthorized       Code = "unauthorized"
	Forbidden          Code = "forbidden"
	NotFound           Code = "not_found"
	Conflict           Code = "conflict"
	PreconditionFailed Code = "precondition_failed"
	PayloadTooLarge    Code = "payload_too_large"
	MethodNotAllowed   Code = "method_not_allowed"
	InsufficientStock  Code = "insufficient_stock"
	RateLimited        Code = "rate_limited"
	Unavailable        Code = "unavailable"
	Internal           Code = "internal"
)

// Text is a message meant for people, in Vietnamese and in English.
type Text struct {
	VI string
	EN string
}

// T builds a Text from its Vietnamese and English forms.
func T(vi, en string) Text { return Text{VI: vi, EN: en} }

// In returns the text in the given language ("en" or anything else for
// Vietnamese, the default).
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	if t.VI == "" {
		return t.EN
	}
	return t.VI
}

// Error is the one application error type. Message and Fields are for
// people; Code is for programs.
type Error struct {
	Code    Code
	Message Text
	// Fields names the inputs at fault, keyed by their JSON path.
	Fields map[string]Text
	// RetryAfterSeconds is set on rate_limited errors.
	RetryAfterSeconds int
	// Err is the underlying cause, logged but never shown to clients.
	Err error
}

// Errorf returns an *Error with the given code and message in both languages.
func Errorf(code Code, vi, en string) *Error {
	return &Error{Code: code, Message: T(vi, en)}
}

// Error implements error. It is for logs, in English.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.Message.EN != "" || e.Message.VI != "" {
		b.WriteString(": ")
		b.WriteString(e.Message.In("en"))
	}
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "; %s: %s", k, e.Fields[k].In("en"))
		}
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// WithField adds a problem with one input and returns e.
func (e *Error) WithField(field, vi, en string) *Error {
	if e.Fields == nil {
		e.Fields = map[string]Text{}
	}
	e.Fields[field] = T(vi, en)
	return e
}

// Wrap returns an error with the code and message whose cause is err.
func Wrap(err error, code Code, vi, en string) *Error {
	return &Error{Code: code, Message: T(vi, en), Err: err}
}

// ErrorCode returns the code of err: the code of the first *Error in its
// chain, Internal for any other non-nil error, "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// IsCode reports whether err carries the given code.
func IsCode(err error, code Code) bool { return ErrorCode(err) == code }

// Problems collects field errors during validation and turns them into one
// invalid error.
type Problems struct {
	fields map[string]Text
}

// Add records a problem with one field; the first problem per field wins.
func (p *Problems) Add(field, vi, en string) {
	if p.fields == nil {
		p.fields = map[string]Text{}
	}
	if _, ok := p.fields[field]; !ok {
		p.fields[field] = T(vi, en)
	}
}

// AddText records a problem with one field from a ready Text.
func (p *Problems) AddText(field string, t Text) { p.Add(field, t.VI, t.EN) }

// Has reports whether the field already has a problem.
func (p *Problems) Has(field string) bool {
	_, ok := p.fields[field]
	return ok
}

// Err returns nil when nothing was added, else an invalid *Error naming every field.
func (p *Problems) Err() error {
	if len(p.fields) == 0 {
		return nil
	}
	return &Error{
		Code:    Invalid,
		Message: T("Dữ liệu chưa hợp lệ, vui lòng kiểm tra lại.", "Some fields are not valid; please check them."),
		Fields:  p.fields,
	}
}

// Common errors, shared so that every package answers alike.
var (
	// ErrUnauthorized is returned when a request needs a signed-in person.
	ErrUnauthorized = Errorf(Unauthorized, "Vui lòng đăng nhập.", "Please sign in.")
	// ErrForbidden is returned when the signed-in person may not do this.
	ErrForbidden = Errorf(Forbidden, "Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this.")
)

// NotFoundf returns a not_found error for a kind of thing, e.g. NotFoundf("sản phẩm", "product").
func NotFoundf(whatVI, whatEN string) *Error {
	return Errorf(NotFound, "Không tìm thấy "+whatVI+".", "The "+whatEN+" was not found.")
}

// CheckText records a problem when s is not valid UTF-8, is empty although
// required, or is longer than max characters.
func (p *Problems) CheckText(field, s string, required bool, max int) {
	n := utf8.RuneCountInString(s)
	switch {
	case !utf8.ValidString(s):
		p.Add(field, "Văn bản không hợp lệ.", "The text is not valid UTF-8.")
	case required && n == 0:
		p.Add(field, "Vui lòng nhập thông tin này.", "This is required.")
	case n > max:
		p.Add(field, "Dài quá "+strconv.Itoa(max)+" ký tự.", "Longer than "+strconv.Itoa(max)+" characters.")
	}
}
