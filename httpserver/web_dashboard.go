package httpserver

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/uptake"
)

// The officials' dashboard: the uptake figures of their region for one
// month, twelve months of charts, a table of the communes below, the CSV
// export and the OCOP registry upload. It calls the uptake service as the
// JSON API does, with the same scope rules.

// chartMonths is how many months the dashboard's charts cover.
const chartMonths = 12

// pickerMonths is how many months back the month picker offers.
const pickerMonths = 24

// registryFileLimit bounds an uploaded OCOP registry file.
const registryFileLimit = 2 << 20

// dashboardQuery is what a dashboard or export request asks for.
type dashboardQuery struct {
	RegionID string
	// Month is the first instant of the month, Vietnam time.
	Month time.Time
}

// period is the calendar month asked for.
func (q dashboardQuery) period() uptake.Period { return uptake.CurrentMonth(q.Month) }

// monthParam writes the month as the picker sends it: 2026-01.
func monthParam(t time.Time) string { return t.In(market.VietnamTime).Format("2006-01") }

// parseMonth reads a month like 2026-01; empty means the month of now, in
// Vietnam time. A month still to come has no figures: it is refused
// rather than shown with today's.
func parseMonth(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	current := uptake.CurrentMonth(now).From.In(market.VietnamTime)
	if s == "" {
		return current, nil
	}
	t, err := time.ParseInLocation("2006-01", s, market.VietnamTime)
	if err != nil || t.Year() < 2000 || t.Year() > 2200 {
		return time.Time{}, market.Errorf(market.Invalid, "Tháng không hợp lệ.", "That is not a valid month.").
			WithField("month", "phải có dạng 2026-01", "must look like 2026-01")
	}
	if t.After(current) {
		return time.Time{}, market.Errorf(market.Invalid, "Tháng này chưa đến.", "That month has not come yet.").
			WithField("month", "chọn tháng này hoặc một tháng đã qua", "choose this month or one before it")
	}
	return t, nil
}

// dashboardQueryOf reads regionId and month from the address.
func (s *Server) dashboardQueryOf(r *http.Request) (dashboardQuery, error) {
	v := r.URL.Query()
	if r.Method == http.MethodPost {
		v = r.Form
	}
	m, err := parseMonth(v.Get("month"), s.deps.Uptake.Now())
	return dashboardQuery{RegionID: strings.TrimSpace(v.Get("regionId")), Month: m}, err
}

// handleOfficialHome is the dashboard of an official's region.
func (s *Server) handleOfficialHome() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := official(r)
		if err != nil {
			s.webError(w, r, err)
			return
		}
		q, qerr := s.dashboardQueryOf(r)
		if qerr != nil {
			q.Month, _ = parseMonth("", s.deps.Uptake.Now())
		}
		p := s.newPage(r, "official.page_title")
		p.NoIndex, p.Wide = true, true
		data, err := s.dashboard(r, a, p.Lang, q)
		if err != nil {
			s.webError(w, r, err)
			return
		}
		status := http.StatusOK
		if qerr != nil {
			p.formError(qerr)
			status = http.StatusBadRequest
		}
		p.Data = data
		s.render(w, r, status, "official_home", p)
	})
}

// dashboard gathers every figure of the page.
func (s *Server) dashboard(r *http.Request, a market.Actor, lang string, q dashboardQuery) (dashboardPage, error) {
	ctx := r.Context()
	up := s.deps.Uptake
	sum, err := up.Summary(ctx, a, q.RegionID, q.period())
	if err != nil {
		return dashboardPage{}, err
	}
	region := sum.RegionID
	d := dashboardPage{
		RegionID: region, RegionName: s.regionLabel(lang, region),
		Month: monthParam(q.Month), MonthLabel: q.Month.Format("01/2006"),
		Registry: sum.Products.Registry, Empty: sum.Sellers.Total == 0,
	}
	d.Months, d.PrevURL, d.NextURL = s.monthChoices(region, q.Month)
	d.CSVURL = "/official/export.csv" + webQuery("regionId", region, "month", d.Month)
	if up, name, ok := s.parentInScope(a, region); ok {
		d.UpURL = "/official" + webQuery("regionId", up, "month", d.Month)
		d.UpName = s.regionLabel(lang, name)
	}
	d.Groups = s.kpiGroups(lang, sum)

	// Twelve months of charts ending with the month shown, the regions
	// below and the queue, asked for at once: each is a query of its own.
	span := uptake.Period{From: q.Month.AddDate(0, 1-chartMonths, 0).UTC(), To: q.period().To}
	charts := []struct {
		metric uptake.Metric
		title  string
		money  bool
	}{
		{uptake.MetricOrders, "chart.orders", false},
		{uptake.MetricGMV, "chart.gmv", true},
		{uptake.MetricSellers, "chart.sellers", false},
		{uptake.MetricProducts, "chart.products", false},
	}
	var (
		wg     sync.WaitGroup
		series = make([]uptake.Series, len(charts))
		errs   = make([]error, len(charts)+2)
		rows   []uptake.Row
	)
	for i, c := range charts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			series[i], errs[i] = up.Series(ctx, a, uptake.SeriesQuery{RegionID: region, Metric: c.metric, Interval: uptake.Month, Period: span})
		}()
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		// The communes (or, for an admin, the provinces) below.
		rows, errs[len(charts)] = up.Regions(ctx, a, region, q.period())
	}()
	go func() {
		defer wg.Done()
		d.WaitingSellers, d.WaitingCerts, errs[len(charts)+1] = s.waitingCounts(r, a, region)
	}()
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return dashboardPage{}, err
		}
	}
	for i, c := range charts {
		pts := make([]chartPoint, len(series[i].Points))
		for k, pt := range series[i].Points {
			at := pt.T.In(market.VietnamTime)
			pts[k] = chartPoint{Label: at.Format("01/2006"), Axis: at.Format("01/06"), Value: pt.Value,
				Text: countText(pt.Value), Short: shortCount(pt.Value, lang)}
			if c.money {
				pts[k].Text, pts[k].Short = market.VND(pt.Value).String(), shortVND(market.VND(pt.Value), lang)
			}
		}
		d.Charts = append(d.Charts, barChart(s.web.tr(lang, c.title), pts))
	}
	d.Rows, d.Quiet = s.regionRows(lang, rows, d.Month)
	if len(d.Rows) > 0 || len(d.Quiet) > 0 {
		d.Total = &regionRow{Name: s.web.tr(lang, "official.total"), Sellers: sum.Sellers.Total, Products: sum.Products.Listed,
			OCOP: sum.Products.OCOPVerified, Orders: sum.Orders.Count, GMV: kpiVND(sum.Orders.GMV, lang), Cashless: sum.Payments.CashlessShareByCount}
	}
	return d, nil
}

// regionLabel is a region's full name, or "the whole country".
func (s *Server) regionLabel(lang, id string) string {
	if id == "" {
		return s.web.tr(lang, "official.country")
	}
	return s.place(id)
}

// parentInScope returns the region above id when the actor may see it.
func (s *Server) parentInScope(a market.Actor, id string) (string, string, bool) {
	if id == "" || s.deps.Regions == nil {
		return "", "", false
	}
	anc := s.deps.Regions.Ancestors(id) // the region itself first, then upwards
	parent := ""
	if len(anc) > 1 {
		parent = anc[1]
	}
	switch {
	case a.IsAdmin():
		return parent, parent, true
	case parent != "" && s.deps.Regions.Contains(a.RegionID, parent):
		return parent, parent, true
	}
	return "", "", false
}

// monthChoices are the months of the picker (the last two years, newest
// first, and the month shown), and the links to the months around it.
func (s *Server) monthChoices(region string, shown time.Time) ([]option, string, string) {
	latest := uptake.CurrentMonth(s.deps.Uptake.Now()).From.In(market.VietnamTime)
	var out []option
	seen := false
	for i := 0; i < pickerMonths; i++ {
		m := latest.AddDate(0, -i, 0)
		out = append(out, option{Value: monthParam(m), Label: m.Format("01/2006"), Selected: m.Equal(shown)})
		seen = seen || m.Equal(shown)
	}
	if !seen {
		out = append(out, option{Value: monthParam(shown), Label: shown.Format("01/2006"), Selected: true})
	}
	link := func(m time.Time) string { return "/official" + webQuery("regionId", region, "month", monthParam(m)) }
	prev, next := link(shown.AddDate(0, -1, 0)), ""
	if shown.Before(latest) {
		next = link(shown.AddDate(0, 1, 0))
	}
	return out, prev, next
}

// kpiGroups are the figure cards of a summary, by theme.
func (s *Server) kpiGroups(lang string, sum uptake.Summary) []kpiGroup {
	t := func(key string, args ...any) string { return s.web.tr(lang, key, args...) }
	n := countText
	pct := func(f float64) string { return strconv.FormatFloat(f*100, 'f', 0, 64) + "%" }
	o, pr := sum.Orders, sum.Products

	coverage := kpi{Value: pct(pr.OCOPCoverage), Label: t("kpi.coverage"), Hint: t("kpi.coverage_of", n(pr.Registry))}
	if pr.Registry == 0 {
		coverage = kpi{Value: "—", Label: t("kpi.coverage"), Hint: t("kpi.coverage_none")}
	}
	ship := kpi{Value: "—", Label: t("kpi.ship_hours"), Hint: t("kpi.ship_none")}
	if o.Shipped > 0 {
		ship = kpi{Value: t("kpi.hours", decimalText(sum.MedianHoursToShip, lang)), Label: t("kpi.ship_hours"), Hint: t("kpi.ship_of", n(o.Shipped))}
	}
	outside := kpi{Value: n(o.OutsideRegion), Label: t("kpi.outside")}
	cancelled := kpi{Value: n(o.Cancelled), Label: t("kpi.cancelled")}
	if o.Count > 0 {
		outside.Hint = t("kpi.share_of_orders", pct(float64(o.OutsideRegion)/float64(o.Count)))
	}
	if all := o.Count + o.Cancelled; all > 0 {
		cancelled.Hint = t("kpi.cancel_rate", pct(float64(o.Cancelled)/float64(all)))
	}
	// A share of nothing is "—", as the CSV leaves it empty.
	share := func(f float64, of int64, label, none string) kpi {
		if of == 0 {
			return kpi{Value: "—", Label: t(label), Hint: t(none)}
		}
		return kpi{Value: pct(f), Label: t(label)}
	}
	gmv := kpiVND(o.GMV, lang)
	return []kpiGroup{
		{Title: t("kpi.group_sellers"), KPIs: []kpi{
			{Value: n(sum.Sellers.Total), Label: t("kpi.sellers_online"), Hint: t("kpi.with_listing", n(sum.Sellers.WithListing))},
			{Value: n(sum.Sellers.Verified), Label: t("kpi.sellers_verified")},
			{Value: n(sum.Sellers.Active30d), Label: t("kpi.sellers_active")},
		}},
		{Title: t("kpi.group_products"), KPIs: []kpi{
			{Value: n(pr.Listed), Label: t("kpi.products")},
			{Value: n(pr.OCOPVerified), Label: t("kpi.ocop"), Hint: t("kpi.by_stars", n(pr.ByStars[3]), n(pr.ByStars[4]), n(pr.ByStars[5]))},
			coverage,
			share(sum.SelfServiceShare, pr.Listed, "kpi.self_service", "kpi.listings_none"),
		}},
		{Title: t("kpi.group_orders"), KPIs: []kpi{
			{Value: n(o.Count), Label: t("kpi.orders")},
			{Value: gmv, Label: t("kpi.gmv"), Title: o.GMV.String()},
			{Value: kpiVND(o.Average, lang), Label: t("kpi.average"), Title: o.Average.String()},
			{Value: n(o.Buyers), Label: t("kpi.buyers"), Hint: t("kpi.repeat", n(o.RepeatBuyers))},
			outside,
			cancelled,
			ship,
		}},
		{Title: t("kpi.group_payments"), KPIs: []kpi{
			share(sum.Payments.CashlessShareByCount, o.Count, "kpi.cashless_count", "kpi.orders_none"),
			share(sum.Payments.CashlessShareByValue, o.Count, "kpi.cashless_value", "kpi.orders_none"),
		}},
	}
}

// regionRows are the child regions with activity, busiest first, and the
// names of those without any seller, listing or order yet.
func (s *Server) regionRows(lang string, rows []uptake.Row, month string) ([]regionRow, []string) {
	var out []regionRow
	var quiet []string
	for _, r := range rows {
		if r.Sellers.Total == 0 && r.Products.Listed == 0 && r.Orders.Count == 0 && r.Orders.Cancelled == 0 {
			quiet = append(quiet, s.shortPlace(r.RegionID))
			continue
		}
		out = append(out, regionRow{Name: s.shortPlace(r.RegionID), URL: "/official" + webQuery("regionId", r.RegionID, "month", month),
			Sellers: r.Sellers.Total, Products: r.Products.Listed, OCOP: r.Products.OCOPVerified, Orders: r.Orders.Count,
			gmv: r.Orders.GMV, GMV: kpiVND(r.Orders.GMV, lang), Cashless: r.Payments.CashlessShareByCount})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.Orders != b.Orders:
			return a.Orders > b.Orders
		case a.gmv != b.gmv:
			return a.gmv > b.gmv
		default:
			return a.Sellers > b.Sellers
		}
	})
	return out, quiet
}

// shortPlace is a region's own name with its kind: "Xã Thạnh Xuân".
func (s *Server) shortPlace(id string) string {
	if s.deps.Regions != nil {
		if reg, err := s.deps.Regions.Lookup(id); err == nil {
			return reg.DisplayName()
		}
	}
	return id
}

// waitingCounts is how many shops and OCOP certificates of the region
// wait for an official.
func (s *Server) waitingCounts(r *http.Request, a market.Actor, region string) (int, int, error) {
	if s.deps.Sellers == nil || s.deps.Catalog == nil {
		return 0, 0, nil
	}
	q, err := s.verificationQueueIn(r, a, region, "")
	if err != nil {
		return 0, 0, err
	}
	return len(q.Sellers), len(q.Certificates), nil
}

// handleOfficialExport streams the figures of the region and of each
// region below it as CSV, for the signed-in official: the same file as
// GET /api/v1/uptake/export.csv, with the region's own row first.
func (s *Server) handleOfficialExport() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := official(r)
		var q dashboardQuery
		if err == nil {
			q, err = s.dashboardQueryOf(r)
		}
		var sum uptake.Summary
		if err == nil {
			sum, err = s.deps.Uptake.Summary(r.Context(), a, q.RegionID, q.period())
		}
		var rows []uptake.Row
		if err == nil {
			rows, err = s.deps.Uptake.Regions(r.Context(), a, sum.RegionID, q.period())
		}
		var buf bytes.Buffer
		if err == nil {
			err = uptake.WriteCSV(&buf, append([]uptake.Row{sum}, rows...))
		}
		if err != nil {
			s.webError(w, r, err)
			return
		}
		name := sum.RegionID
		if name == "" {
			name = "ca-nuoc"
		}
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="so-lieu-`+name+"-"+monthParam(q.Month)+`.csv"`)
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Length", strconv.Itoa(buf.Len()))
		_, _ = w.Write(buf.Bytes())
	})
}

// handleRegistryUpload replaces the OCOP registry of the region shown
// with an uploaded CSV file, then shows the dashboard with what was
// imported and each line that was not.
func (s *Server) handleRegistryUpload() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := official(r)
		if err != nil {
			s.webError(w, r, err)
			return
		}
		if r.MultipartForm == nil {
			_ = r.ParseMultipartForm(1 << 20)
		}
		q, err := s.dashboardQueryOf(r)
		if err != nil {
			s.webError(w, r, err)
			return
		}
		p := s.newPage(r, "official.page_title")
		p.NoIndex, p.Wide = true, true
		res, err := s.importRegistry(r, a, q.RegionID)
		status := http.StatusOK
		imp := &importView{}
		if err != nil {
			if !isFormError(err) {
				s.webError(w, r, err)
				return
			}
			var e *market.Error
			if errors.As(err, &e) {
				imp.Error = e.Message.In(p.Lang)
				for _, f := range e.Fields {
					imp.Error += " " + f.In(p.Lang)
				}
			}
			status = statusOf[market.ErrorCode(err)]
		} else {
			imp.Done, imp.Imported = true, res.Imported
			for _, le := range res.Errors {
				imp.Errors = append(imp.Errors, lineProblem{Line: le.Line, Message: le.Message.In(p.Lang)})
			}
		}
		data, err := s.dashboard(r, a, p.Lang, q)
		if err != nil {
			s.webError(w, r, err)
			return
		}
		data.Import = imp
		p.Data = data
		s.render(w, r, status, "official_home", p)
	})
}

// importRegistry reads the uploaded file and hands it to the service.
func (s *Server) importRegistry(r *http.Request, a market.Actor, region string) (uptake.ImportResult, error) {
	noFile := market.Errorf(market.Invalid, "Hãy chọn tệp CSV danh sách sản phẩm OCOP.", "Choose the CSV file of the OCOP product list.").
		WithField("registry", "chưa chọn tệp", "no file chosen")
	if r.MultipartForm == nil || len(r.MultipartForm.File["registry"]) == 0 {
		return uptake.ImportResult{}, noFile
	}
	fh := r.MultipartForm.File["registry"][0]
	if fh.Size == 0 {
		return uptake.ImportResult{}, noFile
	}
	if fh.Size > registryFileLimit {
		return uptake.ImportResult{}, market.Errorf(market.PayloadTooLarge,
			"Tệp quá lớn (tối đa 2 MB).", "The file is too large (2 MB at most).").WithField("registry", "tối đa 2 MB", "2 MB at most")
	}
	f, err := fh.Open()
	if err != nil {
		return uptake.ImportResult{}, noFile
	}
	defer f.Close()
	return s.deps.Uptake.ImportRegistry(r.Context(), a, region, io.LimitReader(f, registryFileLimit))
}

// kpiVND writes an amount for a figure card: exact below 100 million,
// then in millions ("125 triệu ₫") or billions ("1,2 tỷ ₫").
func kpiVND(v market.VND, lang string) string {
	n := int64(v)
	million, billion := " triệu ₫", " tỷ ₫"
	if lang == "en" {
		million, billion = " million ₫", " billion ₫"
	}
	millions := (n + 500_000) / 1_000_000
	switch {
	case millions >= 1000:
		return oneDecimal(n, 1_000_000_000, lang) + billion
	case n >= 100_000_000:
		return countText(millions) + million
	default:
		return v.String()
	}
}

// shortCount writes a count so that it fits above a bar: 42, 1.250, 12k.
func shortCount(n int64, lang string) string {
	if n < 10_000 {
		return countText(n)
	}
	return shortVND(market.VND(n), lang)
}

// decimalText writes a number with at most one decimal, with the
// decimal comma in Vietnamese: 12,5.
func decimalText(f float64, lang string) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
