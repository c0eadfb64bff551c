package httpserver

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/uptake"
)

// uptakeSummaryBody is a summary as API.md "Uptake" shows it.
type uptakeSummaryBody struct {
	RegionID          string             `json:"regionId"`
	RegionName        string             `json:"regionName"`
	From              time.Time          `json:"from"`
	To                time.Time          `json:"to"`
	Sellers           uptakeSellersBody  `json:"sellers"`
	Products          uptakeProductsBody `json:"products"`
	Orders            uptakeOrdersBody   `json:"orders"`
	Payments          uptakePaymentsBody `json:"payments"`
	SelfServiceShare  float64            `json:"selfServiceShare"`
	MedianHoursToShip *float64           `json:"medianHoursToShip"`
}

type uptakeSellersBody struct {
	Total       int64            `json:"total"`
	Verified    int64            `json:"verified"`
	WithListing int64            `json:"withListing"`
	Active30d   int64            `json:"active30d"`
	ByKind      map[string]int64 `json:"byKind"`
}

type uptakeProductsBody struct {
	Listed       int64            `json:"listed"`
	OCOPVerified int64            `json:"ocopVerified"`
	ByStars      map[string]int64 `json:"byStars"`
	OCOPCoverage float64          `json:"ocopCoverage"`
	Registry     int64            `json:"registry"`
}

type uptakeOrdersBody struct {
	Count         int64      `json:"count"`
	GMV           market.VND `json:"gmvVnd"`
	Average       market.VND `json:"averageVnd"`
	Buyers        int64      `json:"buyers"`
	RepeatBuyers  int64      `json:"repeatBuyers"`
	OutsideRegion int64      `json:"outsideRegion"`
	Cancelled     int64      `json:"cancelled"`
	Shipped       int64      `json:"shipped"`
}

type uptakePaymentsBody struct {
	CashlessShareByCount float64          `json:"cashlessShareByCount"`
	CashlessShareByValue float64          `json:"cashlessShareByValue"`
	ByMethod             map[string]int64 `json:"byMethod"`
}

func toUptakeSummaryBody(s uptake.Summary) uptakeSummaryBody {
	stars := make(map[string]int64, len(s.Products.ByStars))
	for k, v := range s.Products.ByStars {
		stars[strconv.Itoa(k)] = v
	}
	b := uptakeSummaryBody{
		RegionID: s.RegionID, RegionName: s.RegionName, From: s.Period.From.UTC(), To: s.Period.To.UTC(),
		Sellers: uptakeSellersBody{Total: s.Sellers.Total, Verified: s.Sellers.Verified, WithListing: s.Sellers.WithListing,
			Active30d: s.Sellers.Active30d, ByKind: s.Sellers.ByKind},
		Products: uptakeProductsBody{Listed: s.Products.Listed, OCOPVerified: s.Products.OCOPVerified, ByStars: stars,
			OCOPCoverage: s.Products.OCOPCoverage, Registry: s.Products.Registry},
		Orders: uptakeOrdersBody{Count: s.Orders.Count, GMV: s.Orders.GMV, Average: s.Orders.Average, Buyers: s.Orders.Buyers,
			RepeatBuyers: s.Orders.RepeatBuyers, OutsideRegion: s.Orders.OutsideRegion, Cancelled: s.Orders.Cancelled, Shipped: s.Orders.Shipped},
		Payments: uptakePaymentsBody{CashlessShareByCount: s.Payments.CashlessShareByCount,
			CashlessShareByValue: s.Payments.CashlessShareByValue, ByMethod: s.Payments.ByMethod},
		SelfServiceShare: s.SelfServiceShare,
	}
	if s.Orders.Shipped > 0 {
		m := s.MedianHoursToShip
		b.MedianHoursToShip = &m
	}
	return b
}

// uptakePeriod reads from and to, after checking that someone is signed
// in: a stranger learns nothing, not even which parameters are wrong.
func uptakePeriod(svc *uptake.Service, r *http.Request) (uptake.Period, error) {
	if !actorFrom(r.Context()).SignedIn() {
		return uptake.Period{}, market.ErrUnauthorized
	}
	q := r.URL.Query()
	return uptake.ParsePeriod(q.Get("from"), q.Get("to"), svc.Now())
}

func handleUptakeSummary(svc *uptake.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := uptakePeriod(svc, r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		s, err := svc.Summary(r.Context(), actorFrom(r.Context()), r.URL.Query().Get("regionId"), p)
		if err != nil {
			writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, toUptakeSummaryBody(s))
	})
}

func handleUptakeSeries(svc *uptake.Service) http.Handler {
	type point struct {
		T     time.Time `json:"t"`
		Value int64     `json:"value"`
	}
	type response struct {
		RegionID string    `json:"regionId"`
		Metric   string    `json:"metric"`
		Interval string    `json:"interval"`
		From     time.Time `json:"from"`
		To       time.Time `json:"to"`
		Points   []point   `json:"points"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := uptakePeriod(svc, r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		q := r.URL.Query()
		sq, err := uptake.ParseSeriesQuery(q.Get("regionId"), q.Get("metric"), q.Get("interval"), p)
		if err != nil {
			writeError(w, r, err)
			return
		}
		s, err := svc.Series(r.Context(), actorFrom(r.Context()), sq)
		if err != nil {
			writeError(w, r, err)
			return
		}
		out := response{RegionID: s.RegionID, Metric: string(s.Metric), Interval: string(s.Interval),
			From: s.Period.From.UTC(), To: s.Period.To.UTC(), Points: make([]point, len(s.Points))}
		for i, pt := range s.Points {
			out.Points[i] = point{T: pt.T.UTC(), Value: pt.Value}
		}
		encode(w, http.StatusOK, out)
	})
}

// uptakeRows answers the regions and export endpoints' common question.
func uptakeRows(svc *uptake.Service, r *http.Request) (string, uptake.Period, []uptake.Row, error) {
	p, err := uptakePeriod(svc, r)
	if err != nil {
		return "", p, nil, err
	}
	// The export also takes regionId, as the other figures do: the rows of
	// the regions under it.
	q := r.URL.Query()
	parent := q.Get("parentId")
	if region := q.Get("regionId"); region != "" {
		if parent != "" && parent != region {
			return "", p, nil, market.Errorf(market.Invalid, "Chỉ dùng một trong parentId và regionId.", "Give parentId or regionId, not both.").
				WithField("regionId", "khác parentId", "differs from parentId")
		}
		parent = region
	}
	rows, err := svc.Regions(r.Context(), actorFrom(r.Context()), parent, p)
	if err != nil {
		return "", p, nil, err
	}
	if parent == "" {
		parent = actorFrom(r.Context()).RegionID
		if actorFrom(r.Context()).IsAdmin() {
			parent = ""
		}
	}
	return parent, p, rows, nil
}

func handleUptakeRegions(svc *uptake.Service) http.Handler {
	type response struct {
		ParentID string              `json:"parentId"`
		From     time.Time           `json:"from"`
		To       time.Time           `json:"to"`
		Items    []uptakeSummaryBody `json:"items"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parent, p, rows, err := uptakeRows(svc, r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		out := response{ParentID: parent, From: p.From.UTC(), To: p.To.UTC(), Items: make([]uptakeSummaryBody, len(rows))}
		for i, row := range rows {
			out.Items[i] = toUptakeSummaryBody(row)
		}
		encode(w, http.StatusOK, out)
	})
}

func handleUptakeExport(svc *uptake.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parent, p, rows, err := uptakeRows(svc, r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		var buf bytes.Buffer
		if err := uptake.WriteCSV(&buf, rows); err != nil {
			writeError(w, r, err)
			return
		}
		if parent == "" {
			parent = "ca-nuoc"
		}
		last := p.To.Add(-time.Millisecond).In(market.VietnamTime).Format("2006-01-02")
		name := "so-lieu-" + parent + "-" + p.From.In(market.VietnamTime).Format("2006-01-02") + "-" + last + ".csv"
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(buf.Bytes())
	})
}

func handleUptakeRegistry(svc *uptake.Service) http.Handler {
	type lineError struct {
		Line    int    `json:"line"`
		Message string `json:"message"`
	}
	type response struct {
		RegionID string      `json:"regionId"`
		Imported int         `json:"imported"`
		Errors   []lineError `json:"errors"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !actorFrom(r.Context()).SignedIn() {
			writeError(w, r, market.ErrUnauthorized)
			return
		}
		ct := strings.ToLower(r.Header.Get("Content-Type"))
		if ct != "" && !strings.HasPrefix(ct, "text/csv") && !strings.HasPrefix(ct, "text/plain") && !strings.HasPrefix(ct, "application/octet-stream") {
			writeError(w, r, market.Errorf(market.Invalid,
				"Hãy gửi danh sách dưới dạng text/csv.", "Send the list as text/csv.").WithField("body", "phải là text/csv", "must be text/csv"))
			return
		}
		regionID := r.URL.Query().Get("regionId")
		res, err := svc.ImportRegistry(r.Context(), actorFrom(r.Context()), regionID, r.Body)
		if err != nil {
			writeError(w, r, err)
			return
		}
		lang := language(r)
		out := response{RegionID: regionID, Imported: res.Imported, Errors: make([]lineError, len(res.Errors))}
		if out.RegionID == "" {
			out.RegionID = actorFrom(r.Context()).RegionID
		}
		for i, e := range res.Errors {
			out.Errors[i] = lineError{Line: e.Line, Message: e.Message.In(lang)}
		}
		encode(w, http.StatusOK, out)
	})
}
