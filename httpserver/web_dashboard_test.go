package httpserver

import (
	"testing"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/uptake"
)

func TestKPIVND(t *testing.T) {
	cases := []struct {
		v      market.VND
		vi, en string
	}{
		{0, "0 ₫", "0 ₫"},
		{25_000, "25.000 ₫", "25.000 ₫"},
		{99_999_999, "99.999.999 ₫", "99.999.999 ₫"},
		{125_400_000, "125 triệu ₫", "125 million ₫"},
		{999_600_000, "1 tỷ ₫", "1 billion ₫"},
		{1_234_567_000, "1,2 tỷ ₫", "1.2 billion ₫"},
		{12_000_000_000, "12 tỷ ₫", "12 billion ₫"},
	}
	for _, c := range cases {
		if got := kpiVND(c.v, "vi"); got != c.vi {
			t.Errorf("kpiVND(%d, vi) = %q, want %q", c.v, got, c.vi)
		}
		if got := kpiVND(c.v, "en"); got != c.en {
			t.Errorf("kpiVND(%d, en) = %q, want %q", c.v, got, c.en)
		}
	}
}

func TestParseMonth(t *testing.T) {
	// 23:30 on 30 November UTC is already 1 December in Vietnam.
	now := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)
	cases := []struct {
		in, want string
		bad      bool
	}{
		{"", "2026-12-01T00:00:00+07:00", false},
		{"2026-01", "2026-01-01T00:00:00+07:00", false},
		{" 2025-12 ", "2025-12-01T00:00:00+07:00", false},
		{"2026-13", "", true},
		{"01/2026", "", true},
		{"1999-12", "", true},
		{"2027-01", "", true}, // still to come: no figures yet
		{"<script>", "", true},
	}
	for _, c := range cases {
		got, err := parseMonth(c.in, now)
		if c.bad {
			if !market.IsCode(err, market.Invalid) {
				t.Errorf("parseMonth(%q) = %v, %v; want an invalid error", c.in, got, err)
			}
			continue
		}
		if err != nil || got.Format(time.RFC3339) != c.want {
			t.Errorf("parseMonth(%q) = %s, %v; want %s", c.in, got.Format(time.RFC3339), err, c.want)
		}
	}
}

func TestDecimalText(t *testing.T) {
	cases := []struct {
		f      float64
		vi, en string
	}{{12, "12", "12"}, {12.5, "12,5", "12.5"}, {0.04, "0", "0"}, {36.25, "36,2", "36.2"}}
	for _, c := range cases {
		if got := decimalText(c.f, "vi"); got != c.vi {
			t.Errorf("decimalText(%v, vi) = %q, want %q", c.f, got, c.vi)
		}
		if got := decimalText(c.f, "en"); got != c.en {
			t.Errorf("decimalText(%v, en) = %q, want %q", c.f, got, c.en)
		}
	}
}

// A share of nothing reads "—" with why, not 0 %: a month without orders
// has no cashless share, a region without listings no self-service share.
func TestKPIGroupsShareOfNothing(t *testing.T) {
	s := testServer(t)
	values := func(sum uptake.Summary) map[string]string {
		out := map[string]string{}
		for _, g := range s.kpiGroups("en", sum) {
			for _, k := range g.KPIs {
				out[k.Label] = k.Value + " | " + k.Hint
			}
		}
		return out
	}
	got := values(uptake.Summary{})
	for label, want := range map[string]string{
		"orders paid without cash":                "— | No order this month.",
		"listings made by the sellers themselves": "— | No product on sale yet.",
	} {
		if got[label] != want {
			t.Errorf("%s: %q, want %q", label, got[label], want)
		}
	}
	got = values(uptake.Summary{Orders: uptake.OrderFigures{Count: 4}, Products: uptake.ProductFigures{Listed: 5},
		Payments: uptake.PaymentFigures{CashlessShareByCount: 0}, SelfServiceShare: 0.6})
	if got["orders paid without cash"] != "0% | " || got["listings made by the sellers themselves"] != "60% | " {
		t.Errorf("shares of something: %v", got)
	}
}
