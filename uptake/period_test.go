package uptake

import (
	"testing"
	"time"

	"github.com/ocopmarket/market"
)

func ict(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, market.VietnamTime)
}

func TestParsePeriod(t *testing.T) {
	now := ict(2026, 3, 15, 10, 0)
	tests := []struct {
		name, from, to string
		want           Period
		badField       string
	}{
		{name: "default is the current month in Vietnam time", want: Period{ict(2026, 3, 1, 0, 0), ict(2026, 4, 1, 0, 0)}},
		{name: "dates include the last day", from: "2026-01-01", to: "2026-01-31", want: Period{ict(2026, 1, 1, 0, 0), ict(2026, 2, 1, 0, 0)}},
		{name: "one day", from: "2026-01-31", to: "2026-01-31", want: Period{ict(2026, 1, 31, 0, 0), ict(2026, 2, 1, 0, 0)}},
		{name: "RFC 3339 end excluded", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00+07:00",
			want: Period{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ict(2026, 1, 2, 0, 0)}},
		{name: "from alone runs to the end of this month", from: "2026-02-10", want: Period{ict(2026, 2, 10, 0, 0), ict(2026, 4, 1, 0, 0)}},
		{name: "to alone starts at its month", to: "2026-01-31", want: Period{ict(2026, 1, 1, 0, 0), ict(2026, 2, 1, 0, 0)}},
		{name: "five years", from: "2021-01-01", to: "2025-12-31", want: Period{ict(2021, 1, 1, 0, 0), ict(2026, 1, 1, 0, 0)}},
		{name: "more than five years", from: "2020-01-01", to: "2026-01-31", badField: "to"},
		{name: "to before from", from: "2026-02-01", to: "2026-01-31", badField: "to"},
		{name: "not a date", from: "31/01/2026", badField: "from"},
		{name: "impossible date", to: "2026-02-30", badField: "to"},
		{name: "absurd year", from: "0001-01-01", badField: "from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePeriod(tt.from, tt.to, now)
			if tt.badField != "" {
				var e *market.Error
				if !market.IsCode(err, market.Invalid) || !asError(err, &e) || e.Fields[tt.badField].VI == "" || e.Fields[tt.badField].EN == "" {
					t.Fatalf("err = %v, want invalid naming %s in both languages", err, tt.badField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.From.Equal(tt.want.From) || !got.To.Equal(tt.want.To) {
				t.Fatalf("got %v – %v, want %v – %v", got.From, got.To, tt.want.From, tt.want.To)
			}
			if got.From.Location() != time.UTC || got.To.Location() != time.UTC {
				t.Fatalf("period not in UTC: %v", got)
			}
		})
	}
}

func asError(err error, e **market.Error) bool {
	x, ok := err.(*market.Error)
	*e = x
	return ok
}

func TestBuckets(t *testing.T) {
	tests := []struct {
		iv         Interval
		t          time.Time
		start, nxt time.Time
	}{
		// 23:59 ICT on the 31st is still January; 17:00 UTC is already the 1st in Vietnam.
		{Month, ict(2026, 1, 31, 23, 59), ict(2026, 1, 1, 0, 0), ict(2026, 2, 1, 0, 0)},
		{Month, time.Date(2026, 1, 31, 17, 0, 0, 0, time.UTC), ict(2026, 2, 1, 0, 0), ict(2026, 3, 1, 0, 0)},
		{Day, time.Date(2026, 1, 31, 16, 59, 0, 0, time.UTC), ict(2026, 1, 31, 0, 0), ict(2026, 2, 1, 0, 0)},
		// 2026-01-04 is a Sunday: its week began on Monday the 29th of December.
		{Week, ict(2026, 1, 4, 12, 0), ict(2025, 12, 29, 0, 0), ict(2026, 1, 5, 0, 0)},
		{Week, ict(2026, 1, 5, 0, 0), ict(2026, 1, 5, 0, 0), ict(2026, 1, 12, 0, 0)},
	}
	for _, tt := range tests {
		s := tt.iv.bucketStart(tt.t)
		if !s.Equal(tt.start) || !tt.iv.next(s).Equal(tt.nxt) {
			t.Errorf("%s of %v: start %v next %v, want %v %v", tt.iv, tt.t, s, tt.iv.next(s), tt.start, tt.nxt)
		}
	}
}

func TestParseSeriesQuery(t *testing.T) {
	q, err := ParseSeriesQuery("can-tho", "", "", Period{})
	if err != nil || q.Metric != MetricOrders || q.Interval != Month {
		t.Fatalf("defaults: %+v %v", q, err)
	}
	_, err = ParseSeriesQuery("", "visitors", "year", Period{})
	e, _ := err.(*market.Error)
	if e == nil || e.Fields["metric"].EN == "" || e.Fields["interval"].EN == "" {
		t.Fatalf("bad metric and interval: %v", err)
	}
}
