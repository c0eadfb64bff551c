package main

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ocopmarket/market"
)

// FuzzProductCSV feeds hostile spreadsheets to the product import. Run long with:
//
//	go test -run '^$' -fuzz '^FuzzProductCSV$' -fuzztime 10m ./cmd/ocopd
func FuzzProductCSV(f *testing.F) {
	for _, s := range []string{
		"name,categoryId,unit,priceVnd,stock\nHoa súng Lê Sánh,hoa-cay-canh,bó,25.000,120\n",
		"\xef\xbb\xbfname;categoryId;unit;priceVnd;stock;priceTiers;ocopStars;ocopIssuedAt\nMật ong;mat-ong;chai;150000;10;20:140000; 50:130000;4;2024-05-01\n",
		"name,categoryId,unit,priceVnd,stock,minOrderQty\nA,trai-cay,kg,-5,1.000,0\nB,trai-cay,kg,1.5,x,\n",
		"name,categoryId,unit,priceVnd,stock\n,,,,\n\n" + strings.Repeat("X,trai-cay,kg,1000,1\n", 5),
		"stock,priceVnd,unit,categoryId,name\n9223372036854775808,1000000000001,kg,trai-cay,Y\n",
		"name\n",
		"",
		// A good row, then an unterminated quote: reading the line of the
		// failed row once panicked.
		"name,categoryId,unit,priceVnd,stock\nHoa súng,hoa-cay-canh,bó,25000,10\n\"unterminated,x,y\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, errs, err := parseProductCSV(bytes.NewReader(data), "seller-1")
		if err != nil {
			if rows != nil || errs != nil {
				t.Fatalf("rows and errors returned with %v", err)
			}
			return
		}
		lines := 1 + bytes.Count(data, []byte("\n"))
		if len(rows)+len(errs) > lines {
			t.Fatalf("%d rows and %d errors from %d lines", len(rows), len(errs), lines)
		}
		for _, r := range rows {
			d := r.draft
			if r.line < 2 || r.line > lines {
				t.Fatalf("row at line %d of %d", r.line, lines)
			}
			if d.SellerID != "seller-1" {
				t.Fatalf("row %d imported for seller %q", r.line, d.SellerID)
			}
			if d.Price < 0 || d.Price > market.MaxVND {
				t.Fatalf("row %d: price %d outside 0…MaxVND", r.line, d.Price)
			}
			for _, tier := range d.Tiers {
				if tier.Price < 0 || tier.Price > market.MaxVND {
					t.Fatalf("row %d: tier price %d", r.line, tier.Price)
				}
			}
			if d.Name != strings.TrimSpace(d.Name) {
				t.Fatalf("row %d: name %q not trimmed", r.line, d.Name)
			}
		}
		for _, e := range errs {
			if e.line < 1 || e.line > lines || e.msg.VI == "" || e.msg.EN == "" || !utf8.ValidString(e.msg.VI) {
				t.Fatalf("row error %+v (file of %d lines)", e, lines)
			}
		}
	})
}
