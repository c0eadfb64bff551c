package qrpng

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/ocopmarket/market"
)

func TestEncode(t *testing.T) {
	tests := []struct {
		name    string
		content string
		size    int
		mayGrow bool // the code needs more modules than pixels asked for
	}{
		{"product page", "https://cho-ocop.vn/p/01JABCDEF0123456789XYZ", 512, false},
		{"shop page, small", "https://cho-ocop.vn/s/01JSHOP", 128, false},
		{"vietnamese text", "Hoa súng Vị Thanh – mật ong rừng tràm", 300, false},
		{"longest content", strings.Repeat("x", MaxContentBytes), 64, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Encode(tt.content, tt.size)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			bounds := img.Bounds()
			if bounds.Dx() != bounds.Dy() {
				t.Fatalf("not square: %v", bounds)
			}
			if bounds.Dx() < tt.size {
				t.Fatalf("side %d, asked for %d", bounds.Dx(), tt.size)
			}
			if grew := bounds.Dx() > tt.size; grew != tt.mayGrow {
				t.Fatalf("side %d, asked for %d", bounds.Dx(), tt.size)
			}

			black, white := 0, 0
			for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
				for x := bounds.Min.X; x < bounds.Max.X; x++ {
					switch {
					case isBlack(img, x, y):
						black++
					case isWhite(img, x, y):
						white++
					default:
						t.Fatalf("pixel (%d,%d) is %v: neither black nor white", x, y, img.At(x, y))
					}
				}
			}
			if black == 0 || white == 0 {
				t.Fatalf("black %d, white %d: not a code", black, white)
			}

			// The quiet zone: the outer band of the image is all white. The
			// code has at most 177 modules plus 8 of quiet zone, so a band
			// of side/185*4 pixels is always inside the quiet zone.
			band := max(bounds.Dx()*4/185, 1)
			for y := range bounds.Dy() {
				for x := range bounds.Dx() {
					inBand := x < band || y < band || x >= bounds.Dx()-band || y >= bounds.Dy()-band
					if inBand && !isWhite(img, x, y) {
						t.Fatalf("pixel (%d,%d) in the quiet zone is not white", x, y)
					}
				}
			}
			// Just inside the quiet zone sits the top-left finder pattern:
			// the first black pixel on the diagonal is the finder's corner.
			first := -1
			for d := range bounds.Dx() {
				if isBlack(img, d, d) {
					first = d
					break
				}
			}
			if first < band {
				t.Fatalf("first black pixel on the diagonal at %d, inside the quiet zone band %d", first, band)
			}
		})
	}
}

func TestEncodeRefuses(t *testing.T) {
	tests := []struct {
		name    string
		content string
		size    int
	}{
		{"empty", "", 256},
		{"too long", strings.Repeat("a", MaxContentBytes+1), 256},
		{"not utf-8", "abc\xff", 256},
		{"too small", "https://cho-ocop.vn/p/1", MinSize - 1},
		{"too large", "https://cho-ocop.vn/p/1", MaxSize + 1},
		{"negative", "https://cho-ocop.vn/p/1", -5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Encode(tt.content, tt.size)
			if !market.IsCode(err, market.Invalid) {
				t.Fatalf("got %v, want invalid", err)
			}
			var e *market.Error
			if !errors.As(err, &e) || e.Message.VI == "" || e.Message.EN == "" {
				t.Fatalf("message not in both languages: %#v", err)
			}
		})
	}
}

func TestEncodeSharpModules(t *testing.T) {
	// Every module is a whole number of pixels: each row of the image is
	// made of runs whose lengths are multiples of the module size.
	b, err := Encode("https://cho-ocop.vn/p/abc", 400)
	if err != nil {
		t.Fatal(err)
	}
	img, _ := png.Decode(bytes.NewReader(b))
	// Find the module size from the finder pattern's top edge (7 modules).
	side := img.Bounds().Dx()
	var start, end int
	for d := range side {
		if isBlack(img, d, d) {
			start = d
			break
		}
	}
	for x := start; x < side && isBlack(img, x, start); x++ {
		end = x + 1
	}
	if (end-start)%7 != 0 {
		t.Fatalf("finder pattern edge is %d px, not a multiple of 7 modules", end-start)
	}
}

func isBlack(img image.Image, x, y int) bool {
	r, g, b, a := img.At(x, y).RGBA()
	return r == 0 && g == 0 && b == 0 && a == 0xffff
}

func isWhite(img image.Image, x, y int) bool {
	r, g, b, a := img.At(x, y).RGBA()
	return r == 0xffff && g == 0xffff && b == 0xffff && a == 0xffff
}
