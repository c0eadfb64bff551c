package uptake

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ocopmarket/market"
)

// LineError is a problem with one line of an imported registry.
type LineError struct {
	Line    int
	Message market.Text
}

// ImportResult says what an import did.
type ImportResult struct {
	Imported int
	Errors   []LineError
}

// MaxRegistryBytes bounds a registry file; a province's list is a few
// hundred lines.
const MaxRegistryBytes = 4 << 20

// registryColumns are the header of a registry file, in order.
var registryColumns = []string{"certificateNo", "productName", "stars", "holder"}

// CertificateKey is the form in which certificate numbers are compared:
// trimmed and with ASCII letters upper-cased, as the stores compare them
// (SQLite's upper() folds ASCII only).
func CertificateKey(s string) string {
	s = strings.TrimSpace(s)
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(b)
}

// ParseRegistry reads a registry CSV: the header
// certificateNo,productName,stars,holder (UTF-8, with or without a
// byte-order mark; commas or, as Excel saves it on Vietnamese systems,
// semicolons), then one certified product per line. Good lines are
// returned; every bad line gives a LineError. The error is for a file that
// cannot be read at all.
func ParseRegistry(r io.Reader) ([]RegistryEntry, []LineError, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxRegistryBytes+1))
	if err != nil {
		return nil, nil, err
	}
	if len(data) > MaxRegistryBytes {
		return nil, nil, market.Errorf(market.PayloadTooLarge,
			"Tệp danh sách OCOP quá lớn (tối đa 4 MB).", "The OCOP registry file is too large (at most 4 MB).")
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		return nil, nil, market.Errorf(market.Invalid,
			"Tệp phải là văn bản UTF-8 (trong Excel: Lưu thành → CSV UTF-8).",
			"The file must be UTF-8 text (in Excel: Save As → CSV UTF-8).")
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = ','
	if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = false

	header, err := cr.Read()
	if err != nil || !headerMatches(header) {
		return nil, nil, market.Errorf(market.Invalid,
			"Dòng đầu của tệp phải là: certificateNo,productName,stars,holder",
			"The first line of the file must be: certificateNo,productName,stars,holder")
	}
	var (
		entries []RegistryEntry
		errs    []LineError
		seen    = map[string]int{}
	)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			errs = append(errs, LineError{Line: line, Message: market.T("Dòng CSV không đọc được (dấu ngoặc kép?).", "The CSV line cannot be read (a stray quote?).")})
			continue
		}
		if blank(rec) {
			continue
		}
		e, msg := parseEntry(rec)
		if msg.EN != "" {
			errs = append(errs, LineError{Line: line, Message: msg})
			continue
		}
		key := CertificateKey(e.CertificateNo)
		if prev, dup := seen[key]; dup {
			errs = append(errs, LineError{Line: line, Message: market.T(
				"Số giấy chứng nhận "+e.CertificateNo+" đã có ở dòng "+strconv.Itoa(prev)+".",
				"Certificate "+e.CertificateNo+" already appears on line "+strconv.Itoa(prev)+".")})
			continue
		}
		seen[key] = line
		e.Line = line
		entries = append(entries, e)
	}
	return entries, errs, nil
}

func headerMatches(h []string) bool {
	if len(h) < len(registryColumns) {
		return false
	}
	for i, want := range registryColumns {
		if !strings.EqualFold(strings.TrimSpace(h[i]), want) {
			return false
		}
	}
	return true
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func parseEntry(rec []string) (RegistryEntry, market.Text) {
	if len(rec) != len(registryColumns) {
		return RegistryEntry{}, market.T(
			"Dòng phải có đúng 4 cột: certificateNo,productName,stars,holder (có "+strconv.Itoa(len(rec))+").",
			"A line must have exactly 4 columns: certificateNo,productName,stars,holder (it has "+strconv.Itoa(len(rec))+").")
	}
	e := RegistryEntry{
		CertificateNo: strings.TrimSpace(rec[0]),
		ProductName:   strings.Join(strings.Fields(rec[1]), " "),
		Holder:        strings.Join(strings.Fields(rec[3]), " "),
	}
	switch {
	case e.CertificateNo == "":
		return e, market.T("Thiếu số giấy chứng nhận.", "The certificate number is missing.")
	case len(e.CertificateNo) > 64:
		return e, market.T("Số giấy chứng nhận quá dài (tối đa 64 ký tự).", "The certificate number is too long (at most 64 characters).")
	case e.ProductName == "":
		return e, market.T("Thiếu tên sản phẩm.", "The product name is missing.")
	case len(e.ProductName) > 300 || len(e.Holder) > 300:
		return e, market.T("Tên sản phẩm hoặc chủ thể quá dài (tối đa 300 ký tự).", "The product name or holder is too long (at most 300 characters).")
	}
	stars, err := strconv.Atoi(strings.TrimSpace(rec[2]))
	if err != nil || stars < 3 || stars > 5 {
		return e, market.T("Số sao phải là 3, 4 hoặc 5.", "Stars must be 3, 4 or 5.")
	}
	e.Stars = stars
	return e, market.Text{}
}

// ImportRegistry replaces the registry of a region (an official's own or
// one under it, or any for an admin) with the certified products of a CSV
// file. Bad lines are reported and skipped; the good ones replace the
// previous list. A file with no good line at all changes nothing.
func (s *Service) ImportRegistry(ctx context.Context, a market.Actor, regionID string, r io.Reader) (ImportResult, error) {
	if regionID == "" && a.SignedIn() && a.IsAdmin() {
		return ImportResult{}, market.Errorf(market.Invalid, "Hãy chọn địa bàn của danh sách.", "Choose the region of the list.").
			WithField("regionId", "bắt buộc", "required")
	}
	regionID, err := s.authorizeWrite(a, regionID)
	if err != nil {
		return ImportResult{}, err
	}
	entries, errs, err := ParseRegistry(r)
	if err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Imported: len(entries), Errors: errs}
	if res.Errors == nil {
		res.Errors = []LineError{}
	}
	if len(entries) == 0 {
		if len(errs) == 0 {
			return ImportResult{}, market.Errorf(market.Invalid,
				"Tệp không có dòng nào ngoài dòng tiêu đề.", "The file has no line after the header.")
		}
		return res, nil
	}
	if err := s.store.ReplaceRegistry(ctx, regionID, entries, a.AccountID, s.clock.Now()); err != nil {
		return ImportResult{}, err
	}
	return res, nil
}
