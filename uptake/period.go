package uptake

import (
	"strings"
	"time"

	"github.com/ocopmarket/market"
)

// Period is a span of time, [From, To). Calendar arithmetic (days, weeks,
// months) is in Vietnam time: a day starts at midnight Asia/Ho_Chi_Minh.
type Period struct {
	From, To time.Time
}

// MaxPeriod is the longest period one request may cover.
const MaxPeriod = 5 * 366 * 24 * time.Hour

// dayStart is midnight in Vietnam time of the day t falls on.
func dayStart(t time.Time) time.Time {
	v := t.In(market.VietnamTime)
	return time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, market.VietnamTime)
}

// CurrentMonth is the calendar month (Vietnam time) that now falls in.
func CurrentMonth(now time.Time) Period {
	v := now.In(market.VietnamTime)
	from := time.Date(v.Year(), v.Month(), 1, 0, 0, 0, 0, market.VietnamTime)
	return Period{From: from.UTC(), To: from.AddDate(0, 1, 0).UTC()}
}

// ParsePeriod reads the from and to parameters: dates (2026-01-31, a whole
// day in Vietnam time, to included) or RFC 3339 instants (to excluded).
// Both empty means the current month; one alone runs to the end of the
// current month or from the start of the month of to.
func ParsePeriod(from, to string, now time.Time) (Period, error) {
	var p market.Problems
	f, fok := parseBound(from, false)
	if !fok {
		p.Add("from", "phải là ngày dạng 2026-01-31 hoặc thời điểm RFC 3339", "must be a date like 2026-01-31 or an RFC 3339 time")
	}
	t, tok := parseBound(to, true)
	if !tok {
		p.Add("to", "phải là ngày dạng 2026-01-31 hoặc thời điểm RFC 3339", "must be a date like 2026-01-31 or an RFC 3339 time")
	}
	if err := p.Err(); err != nil {
		return Period{}, err
	}
	switch {
	case f.IsZero() && t.IsZero():
		return CurrentMonth(now), nil
	case f.IsZero():
		f = CurrentMonth(t.Add(-time.Millisecond)).From
	case t.IsZero():
		t = CurrentMonth(now).To
	}
	switch {
	case t.Before(f), t.Equal(f) && isDate(to):
		p.Add("to", "không được trước ngày bắt đầu (from)", "must not be before from")
	case t.Sub(f) > MaxPeriod:
		p.Add("to", "khoảng thời gian tối đa là 5 năm", "the period may span at most 5 years")
	}
	if err := p.Err(); err != nil {
		return Period{}, err
	}
	return Period{From: f.UTC(), To: t.UTC()}, nil
}

func isDate(s string) bool { return len(strings.TrimSpace(s)) == len("2006-01-02") }

// parseBound reads one bound; a date as an end bound means the end of
// that day. The zero time means the bound was not given.
func parseBound(s string, end bool) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	if d, err := time.ParseInLocation("2006-01-02", s, market.VietnamTime); err == nil {
		if end {
			d = d.AddDate(0, 0, 1)
		}
		return d, d.Year() >= 2000 && d.Year() <= 2200
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, t.Year() >= 2000 && t.Year() <= 2200
	}
	return time.Time{}, false
}

// Interval is the width of one point of a series.
type Interval string

// The intervals of a series. Weeks start on Monday.
const (
	Day   Interval = "day"
	Week  Interval = "week"
	Month Interval = "month"
)

// bucketStart is the start of the interval t falls in, in Vietnam time.
func (iv Interval) bucketStart(t time.Time) time.Time {
	d := dayStart(t)
	switch iv {
	case Week:
		back := (int(d.Weekday()) + 6) % 7 // days since Monday
		return d.AddDate(0, 0, -back)
	case Month:
		return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, market.VietnamTime)
	default:
		return d
	}
}

// next is the start of the interval after the one starting at start.
func (iv Interval) next(start time.Time) time.Time {
	switch iv {
	case Week:
		return start.AddDate(0, 0, 7)
	case Month:
		return start.AddDate(0, 1, 0)
	default:
		return start.AddDate(0, 0, 1)
	}
}
