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
// becomes a product (each in one write, so none is half-written); every bad
// row is reported with its line number and reason.
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
	imported := 0
	for _, row := range rows {
		if _, err := ms.catalog.Create(ctx, actor.Actor(), row.draft); err != nil {
			rowErrs = append(rowErrs, rowError{line: row.line, msg: explain(err)})
		} else {
			imported++
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
		fmt.Fprintf(stdout, "line %d: %s\n", e.line, e.msg)
	}
	fmt.Fprintf(stdout, "Imported %d of %d rows into %s.\n", imported, imported+len(rowErrs), seller.Name)
	if len(rowErrs) > 0 {
		return fmt.Errorf("%d rows were not imported (see above)", len(rowErrs))
	}
	return nil
}

type importRow struct {
	line  int
	draft catalog.Draft
}

type rowError struct {
	line int
	msg  string
}

// explain turns an error into one line naming the fields at fault.
func explain(err error) string {
	var e *market.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	if len(e.Fields) == 0 {
		return e.Message.In("en")
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k].In("en")
	}
	return strings.Join(parts, "; ")
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
		line, _ := cr.FieldPos(0)
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				errs = append(errs, rowError{line: pe.Line, msg: "not valid CSV: " + pe.Err.Error()})
				continue
			}
			return nil, nil, err
		}
		line, _ = cr.FieldPos(0)
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.Join(rec, "") == "" {
			continue
		}
		d, msg := rowDraft(get, sellerID)
		if msg != "" {
			errs = append(errs, rowError{line: line, msg: msg})
			continue
		}
		rows = append(rows, importRow{line: line, draft: d})
	}
	return rows, errs, nil
}

func rowDraft(get func(string) string, sellerID string) (catalog.Draft, string) {
	var problems []string
	bad := func(field, why string) { problems = append(problems, field+": "+why) }
	d := catalog.Draft{SellerID: sellerID, Name: get("name"), Description: get("description"), CategoryID: get("categoryId"),
		Unit: get("unit"), RegionID: get("regionId"), Season: get("season"), Status: catalog.Status(get("status"))}
	if v, err := market.ParseVND(get("priceVnd")); err != nil {
		bad("priceVnd", "not an amount of đồng")
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
			bad(field, "not a whole number")
			return
		}
		*dst = n
	}
	if get("stock") == "" {
		bad("stock", "required")
	}
	atoi("stock", &d.Stock)
	atoi("minOrderQty", &d.MinOrderQty)
	if s := get("priceTiers"); s != "" {
		for _, part := range strings.Split(s, ";") {
			q, p, ok := strings.Cut(strings.TrimSpace(part), ":")
			qty, err1 := strconv.Atoi(strings.TrimSpace(q))
			price, err2 := market.ParseVND(p)
			if !ok || err1 != nil || err2 != nil {
				bad("priceTiers", `write tiers as "20:20000; 50:18000"`)
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
				bad(field, "a date as YYYY-MM-DD")
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
	return d, strings.Join(problems, "; ")
}
