package photos

import (
	"image"
	"image/draw"
)

// resize returns src scaled down to dw×dh (each at most the source's) by
// area averaging: every output pixel is the exact mean of the source area
// it covers, which neither aliases nor blurs. Transparent pixels are laid
// on white. It reads the source one row at a time and keeps only two rows
// of sums, so memory beyond the output stays a few rows, whatever the
// source size.
func resize(src image.Image, dw, dh int) *image.RGBA {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))

	// Coordinates are counted in units of 1/dw of a source column (and
	// 1/dh of a source row): source column i spans [i*dw, (i+1)*dw) and
	// output column x spans [x*sw, (x+1)*sw), so overlaps are exact
	// integers and every output pixel's weights sum to sw (resp. sh).
	cols := spans(sw, dw)

	row := image.NewRGBA(image.Rect(0, 0, sw, 1)) // one source row, premultiplied
	hrow := make([]float64, 4*dw)                 // that row scaled horizontally
	acc := make([]float64, 4*dw)                  // sums for the current output row
	y := 0                                        // current output row
	for sy := range sh {
		draw.Draw(row, row.Rect, src, image.Pt(b.Min.X, b.Min.Y+sy), draw.Src)
		for x, c := range cols {
			var r, g, bl, a float64
			for k, w := range c.weights {
				p := row.Pix[4*(c.first+k):]
				r += w * float64(p[0])
				g += w * float64(p[1])
				bl += w * float64(p[2])
				a += w * float64(p[3])
			}
			h := hrow[4*x:]
			h[0], h[1], h[2], h[3] = r, g, bl, a
		}

		// Source row sy spans [sy*dh, (sy+1)*dh); output row y ends at
		// (y+1)*sh. The source row may finish output row y and start y+1.
		top, bottom := sy*dh, (sy+1)*dh
		end := (y + 1) * sh
		inY := min(bottom, end) - top
		addScaled(acc, hrow, float64(inY))
		if bottom >= end {
			emit(dst, y, acc, float64(sw)*float64(sh))
			clear(acc)
			y++
			if rest := bottom - end; rest > 0 && y < dh {
				addScaled(acc, hrow, float64(rest))
			}
		}
	}
	return dst
}

// span lists the source columns one output column covers and their
// weights (overlap lengths in 1/dw units).
type span struct {
	first   int
	weights []float64
}

func spans(sw, dw int) []span {
	out := make([]span, dw)
	for x := range out {
		lo, hi := x*sw, (x+1)*sw // in units of 1/dw of a source column
		first, last := lo/dw, (hi-1)/dw
		s := span{first: first, weights: make([]float64, last-first+1)}
		for i := first; i <= last; i++ {
			s.weights[i-first] = float64(min(hi, (i+1)*dw) - max(lo, i*dw))
		}
		out[x] = s
	}
	return out
}

func addScaled(acc, row []float64, w float64) {
	for i, v := range row {
		acc[i] += w * v
	}
}

// emit writes one output row: sums divided by the covered area, then the
// premultiplied colour laid on white.
func emit(dst *image.RGBA, y int, acc []float64, area float64) {
	p := dst.Pix[y*dst.Stride:]
	for i := 0; i < len(acc); i += 4 {
		a := acc[i+3] / area
		white := 255 - a
		for c := range 3 {
			p[i+c] = clamp8(acc[i+c]/area + white)
		}
		p[i+3] = 255
	}
}

func clamp8(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}
