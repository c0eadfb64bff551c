package httpserver

import (
	"strconv"
	"strings"

	"github.com/ocopmarket/market"
)

// A bar chart drawn on the server as SVG: no chart library, no script,
// readable on a 360-px screen and printable. The "chart" partial draws it
// from this geometry; html/template escapes every label.

type chartPoint struct {
	Label string // e.g. "09/2025"
	// Axis is the shorter label under the bar ("09/25"); Label if empty.
	Axis  string
	Value int64
	// Text is the value as people read it: "1.250.000 ₫", "42"; Short
	// is what fits above a bar: "1,3 tr", "42".
	Text, Short string
}

type chartBar struct {
	X, Y, W, H           int
	LabelX, LabelY       int
	ValueY               int
	Label, Axis          string
	Text, Short          string
	ShowLabel, ShowValue bool
}

type chartLine struct {
	Y int
}

type chart struct {
	Title         string
	Width, Height int
	Bars          []chartBar
	Grid          []chartLine
	BaseY         int
	Empty         bool
	// Summary is the chart's data as one sentence, for screen readers.
	Summary string
}

// Chart geometry in SVG units; the SVG scales to the width of the screen.
const (
	chartW      = 340
	chartH      = 200
	chartTop    = 22
	chartBottom = 28
	chartLeft   = 4
)

// barChart lays out one bar per point, tallest bar at full height.
func barChart(title string, pts []chartPoint) chart {
	c := chart{Title: title, Width: chartW, Height: chartH, BaseY: chartH - chartBottom}
	var top int64
	for _, p := range pts {
		top = max(top, p.Value)
	}
	c.Empty = len(pts) == 0 || top == 0
	if len(pts) == 0 {
		return c
	}
	plotH := chartH - chartTop - chartBottom
	slot := (chartW - chartLeft) / len(pts)
	barW := max(2, slot*7/10)
	// Label every bar when they fit, else every n-th counting back from
	// the last, which is always labelled.
	every := 1
	for slot*every < 44 {
		every++
	}
	for i, p := range pts {
		h := 0
		if top > 0 {
			h = int(p.Value * int64(plotH) / top)
		}
		if p.Value > 0 && h < 2 {
			h = 2
		}
		x := chartLeft + i*slot + (slot-barW)/2
		axis := p.Axis
		if axis == "" {
			axis = p.Label
		}
		c.Bars = append(c.Bars, chartBar{Axis: axis,
			X: x, Y: c.BaseY - h, W: barW, H: h,
			LabelX: x + barW/2, LabelY: chartH - 10, ValueY: c.BaseY - h - 5,
			Label: p.Label, Text: p.Text, Short: p.Short,
			ShowLabel: (len(pts)-1-i)%every == 0,
			ShowValue: p.Value > 0 && (slot >= 44 || p.Value == top || i == len(pts)-1),
		})
	}
	if top > 0 {
		c.Grid = []chartLine{{Y: chartTop}, {Y: chartTop + plotH/2}}
	}
	for i, p := range pts {
		if i > 0 {
			c.Summary += "; "
		}
		c.Summary += p.Label + ": " + p.Text
	}
	return c
}

// shortVND writes an amount so that it fits above a bar: "850 k", "1,3 tr", "2,1 tỷ".
func shortVND(v market.VND, lang string) string {
	n := int64(v)
	million, billion := " tr", " tỷ"
	if lang == "en" {
		million, billion = "M", "B"
	}
	switch {
	case n >= 1_000_000_000:
		return oneDecimal(n, 1_000_000_000, lang) + billion
	case n >= 1_000_000:
		return oneDecimal(n, 1_000_000, lang) + million
	case n >= 1_000:
		return strconv.FormatInt(n/1000, 10) + "k"
	default:
		return strconv.FormatInt(n, 10)
	}
}

func oneDecimal(n, unit int64, lang string) string {
	tenths := (n*10 + unit/2) / unit
	s := strconv.FormatInt(tenths/10, 10)
	if d := tenths % 10; d != 0 {
		sep := ","
		if lang == "en" {
			sep = "."
		}
		s += sep + strconv.FormatInt(d, 10)
	}
	return s
}

// countText writes a whole number with Vietnamese thousands dots: 12.345.
func countText(n int64) string { return strings.TrimSuffix(market.VND(n).String(), " ₫") }
