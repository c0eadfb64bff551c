package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/accounts"
	"github.com/ocopmarket/market/catalog"
)

// importCommand is `ocopd import products.csv --seller ID`: bulk listing
// for cooperatives and officials who keep spreadsheets. Every good row
// becomes a product, or updates the seller's listing of the same name and
// unit, so that importing the same file again changes nothing (each row is
// one write, so none is half-written); every bad row is reported with its
// line number and reason, in Vietnamese and English.
func importCommand(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sellerID := fs.String("seller", "", "the seller the products belong to")
	asPhone := fs.String("as", "", "phone of the account listing them (the seller's owner by default; a helper's listings count as assisted)")
	var file string
	// The file may come before or after the flags.
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	}
	if file == "" || *sellerID == "" {
		return errors.New("usage: ocopd import FILE.csv --seller ID [--as PHONE]")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	st, err := openStores(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.close()
	accts := accounts.NewService(st.accounts, accounts.Options{})
	ms, err := newMarketServices(cfg, st, accts, market.SystemClock{})
	if err != nil {
		return err
	}
	seller, err := ms.sellers.Seller(ctx, *sellerID)
	if err != nil {
		return describe(err)
	}
	actorID := seller.OwnerID
	if *asPhone != "" {
		p, err := market.ParsePhone(*asPhone)
		if err != nil {
			return describe(err)
		}
		a, err := st.accounts.AccountByPhone(ctx, p)
		if err != nil {
			return describe(err)
		}
		actorID = a.ID
	}
	actor, err := accts.Account(ctx, actorID)
	if err != nil {
		return describe(err)
	}

	rows, rowErrs, err := parseProductCSV(bytes.NewReader(data), seller.ID)
	if err != nil {
		return err
	}
	var bar *progressbar.ProgressBar
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		bar = progressbar.NewOptions(len(rows), progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("Importing"),
			progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	}
	listed, err := listingsOf(ctx, ms.catalog, actor.Actor(), seller.ID)
	if err != nil {
		return describe(err)
	}
	var created, updated, unchanged int
	for _, row := range rows {
		key := listingKey(row.draft.Name, row.draft.Unit)
		if old, ok := listed[key]; ok {
			p, err := ms.catalog.Update(ctx, actor.Actor(), old.ID, row.patch(), 0)
			switch {
			case err != nil:
				rowErrs = append(rowErrs, rowError{line: row.line, msg: explain(err)})
			case p.Version == old.Version:
				unchanged++
			default:
				updated++
				listed[key] = p
			}
		} else if p, err := ms.catalog.Create(ctx, actor.Actor(), row.draft); err != nil {
			rowErrs = append(rowErrs, rowError{line: row.line, msg: explain(err)})
		} else {
			created++
			listed[key] = p
		}
		if bar != nil {
			_ = bar.Add(1)
		}
	}
	if bar != nil {
		_ = bar.Finish()
	}
	sort.Slice(rowErrs, func(i, j int) bool { return rowErrs[i].line < rowErrs[j].line })
	for _, e := range rowErrs {
		fmt.Fprintf(stdout, "dòng %d: %s\nline %d: %s\n", e.line, e.msg.VI, e.line, e.msg.EN)
	}
	fmt.Fprintf(stdout, "%s: tạo mới %d, cập nhật %d, không đổi %d, dòng lỗi %d.\n", seller.Name, created, updated, unchanged, len(rowErrs))
	fmt.Fprintf(stdout, "%s: created %d, updated %d, unchanged %d, bad rows %d.\n", seller.Name, created, updated, unchanged, len(rowErrs))
	if len(rowErrs) > 0 {
		return fmt.Errorf("%d rows were not imported (see above)", len(rowErrs))
	}
	return nil
}

// listingKey identifies a listing within its seller for the import: the
// cleaned name, whatever its case, and the unit.
func listingKey(name, unit string) string {
	return strings.ToLower(market.CleanText(name)) + "\x00" + market.CleanText(unit)
}

// listingsOf returns the seller's listings that are not archived, by listingKey.
func listingsOf(ctx context.Context, svc *catalog.Service, actor market.Actor, sellerID string) (map[string]catalog.Product, error) {
	out := map[string]catalog.Product{}
	q := catalog.Query{SellerID: sellerID, Limit: catalog.MaxPageSize}
	for {
		page, err := svc.List(ctx, actor, q)
		if err != nil {
			return nil, err
		}
		for _, p := range page.Items {
			if p.Status != catalog.StatusArchived {
				out[listingKey(p.Name, p.Unit)] = p
			}
		}
		if page.Next == "" {
			return out, nil
		}
		q.Cursor = page.Next
	}
}

type importRow struct {
	line  int
	draft catalog.Draft
	// given names the optional columns the row fills in.
	given map[string]bool
}

// patch is the change the row makes to an existing listing: the price and
// stock, and every optional column the row fills in.
func (r importRow) patch() catalog.Patch {
	d := r.draft
	p := catalog.Patch{CategoryID: &d.CategoryID, Price: &d.Price, Stock: &d.Stock, Problems: d.Problems}
	if r.given["description"] {
		p.Description = &d.Description
	}
	if r.given["minOrderQty"] {
		p.MinOrderQty = &d.MinOrderQty
	}
	if r.given["priceTiers"] {
		p.Tiers = &d.Tiers
	}
	if r.given["regionId"] {
		p.RegionID = &d.RegionID
	}
	if r.given["season"] {
		p.Season = &d.Season
	}
	if r.given["status"] {
		p.Status = &d.Status
	}
	if r.given["ocopStars"] {
		p.OCOP = d.OCOP
	}
	return p
}

type rowError struct {
	line int
	msg  market.Text
}

// explain turns an error into one line naming the fields at fault, in
// Vietnamese and in English.
func explain(err error) market.Text {
	var e *market.Error
	if !errors.As(err, &e) {
		return market.T(err.Error(), err.Error())
	}
	if len(e.Fields) == 0 {
		return e.Message
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vi, en := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		vi[i], en[i] = k+": "+e.Fields[k].VI, k+": "+e.Fields[k].EN
	}
	return market.T(strings.Join(vi, "; "), strings.Join(en, "; "))
}

// importColumns are the columns of a product spreadsheet; the first five
// are required.
var importColumns = []string{"name", "categoryId", "unit", "priceVnd", "stock",
	"description", "minOrderQty", "priceTiers", "regionId", "season", "status",
	"ocopStars", "ocopCertificateNo", "ocopIssuedBy", "ocopIssuedAt", "ocopExpiresAt"}

// parseProductCSV reads a product spreadsheet: a header naming the columns
// (any order, unknown ones ignored), one product per row. Prices may be
// written "25.000"; tiers as "20:20000; 50:18000"; dates as YYYY-MM-DD.
// The file is UTF-8 with or without a byte-order mark, separated by commas
// or semicolons (as Excel saves it on Vietnamese systems).
func parseProductCSV(r io.Reader, sellerID string) ([]importRow, []rowError, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, errors.New("the file has no header row")
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, req := range importColumns[:5] {
		if _, ok := col[req]; !ok {
			return nil, nil, fmt.Errorf("the header lacks the column %q (needed: %s)", req, strings.Join(importColumns[:5], ", "))
		}
	}
	var rows []importRow
	var errs []rowError
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				errs = append(errs, rowError{line: pe.Line, msg: market.T("CSV không hợp lệ: "+pe.Err.Error(), "not valid CSV: "+pe.Err.Error())})
				continue
			}
			return nil, nil, err
		}
		// FieldPos is only valid after a successful Read (it panics after an error).
		line, _ := cr.FieldPos(0)
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		if len(rec) != len(header) {
			n, m := strconv.Itoa(len(rec)), strconv.Itoa(len(header))
			errs = append(errs, rowError{line: line, msg: market.T(
				"dòng có "+n+" cột nhưng tiêu đề có "+m+" (thiếu dấu phân cách, hoặc một giá trị có dấu phẩy mà không đặt trong ngoặc kép?)",
				"the row has "+n+" columns but the header has "+m+" (a missing separator, or a value with a comma not in quotes?)")})
			continue
		}
		row := importRow{line: line, draft: rowDraft(get, sellerID), given: map[string]bool{}}
		for _, c := range importColumns[5:] {
			row.given[c] = get(c) != ""
		}
		rows = append(rows, row)
	}
	return rows, errs, nil
}

// rowDraft reads one row; what it cannot read goes into the draft's
// problems, which the catalog answers together with its own.
func rowDraft(get func(string) string, sellerID string) catalog.Draft {
	var d catalog.Draft
	bad := func(field, vi, en string) { d.Problems.Add(field, vi, en) }
	d = catalog.Draft{SellerID: sellerID, Name: get("name"), Description: get("description"), CategoryID: get("categoryId"),
		Unit: get("unit"), RegionID: get("regionId"), Season: get("season"), Status: catalog.Status(get("status"))}
	if v, err := market.ParseVND(get("priceVnd")); err != nil {
		bad("priceVnd", "không phải số tiền (đồng), ví dụ 25.000", "not an amount of đồng, e.g. 25.000")
	} else {
		d.Price = v
	}
	atoi := func(field string, dst *int) {
		s := get(field)
		if s == "" {
			return
		}
		n, err := strconv.Atoi(strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", ""))
		if err != nil {
			bad(field, "không phải số nguyên", "not a whole number")
			return
		}
		*dst = n
	}
	if get("stock") == "" {
		bad("stock", "bắt buộc", "required")
	}
	atoi("stock", &d.Stock)
	atoi("minOrderQty", &d.MinOrderQty)
	if s := get("priceTiers"); s != "" {
		for _, part := range strings.Split(s, ";") {
			q, p, ok := strings.Cut(strings.TrimSpace(part), ":")
			qty, err1 := strconv.Atoi(strings.TrimSpace(q))
			price, err2 := market.ParseVND(p)
			if !ok || err1 != nil || err2 != nil {
				bad("priceTiers", `ghi các mức giá sỉ như "20:20000; 50:18000"`, `write tiers as "20:20000; 50:18000"`)
				break
			}
			d.Tiers = append(d.Tiers, catalog.PriceTier{MinQty: qty, Price: price})
		}
	}
	if s := get("ocopStars"); s != "" {
		c := &catalog.CertificateInput{Number: get("ocopCertificateNo"), IssuedBy: catalog.IssuingLevel(get("ocopIssuedBy"))}
		atoi("ocopStars", &c.Stars)
		day := func(field string, end bool) time.Time {
			t, err := time.ParseInLocation("2006-01-02", get(field), market.VietnamTime)
			if err != nil {
				bad(field, "ngày theo dạng YYYY-MM-DD", "a date as YYYY-MM-DD")
				return time.Time{}
			}
			if end {
				t = t.AddDate(0, 0, 1)
			}
			return t.UTC()
		}
		c.IssuedAt, c.ExpiresAt = day("ocopIssuedAt", false), day("ocopExpiresAt", true)
		d.OCOP = c
	}
	return d
}
