package photos

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"image"
	"image/color"
	"image/draw"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ocopmarket/market"
)

var update = flag.Bool("update", false, "rewrite the files under testdata/")

var (
	red    = color.RGBA{220, 20, 20, 255}
	green  = color.RGBA{20, 200, 20, 255}
	blue   = color.RGBA{20, 20, 220, 255}
	yellow = color.RGBA{240, 220, 20, 255}
	white  = color.RGBA{255, 255, 255, 255}
)

// A phone photo taken holding the phone upright: stored landscape, EXIF
// orientation 6 ("turn 90° clockwise to view").
func TestPhonePhotoTurnedUpright(t *testing.T) {
	stored := image.NewRGBA(image.Rect(0, 0, 2000, 1500))
	draw.Draw(stored, stored.Rect, photoLike(2000, 1500), image.Point{}, draw.Src)
	// A red marker in the stored top-left corner. Turned clockwise, the
	// stored top-left becomes the upright top-right.
	draw.Draw(stored, image.Rect(0, 0, 200, 200), image.NewUniform(red), image.Point{}, draw.Src)
	in := encodeJPEG(t, stored, 6)

	res, err := Process(bytes.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != JPEG {
		t.Errorf("format %q", res.Format)
	}
	if res.DisplayWidth != 1200 || res.DisplayHeight != 1600 {
		t.Fatalf("display %d×%d, want 1200×1600 (portrait)", res.DisplayWidth, res.DisplayHeight)
	}
	if res.ThumbWidth != 300 || res.ThumbHeight != 400 {
		t.Fatalf("thumb %d×%d, want 300×400", res.ThumbWidth, res.ThumbHeight)
	}
	display := decodeJPEG(t, res.Display)
	if b := display.Bounds(); b.Dx() != 1200 || b.Dy() != 1600 {
		t.Fatalf("display JPEG is %v", b)
	}
	if !near(display, 1200-40, 40, red, 40) {
		t.Errorf("top-right of the display is %v, want the red marker", display.At(1160, 40))
	}
	for _, p := range []image.Point{{40, 40}, {40, 1560}, {1160, 1560}} {
		if near(display, p.X, p.Y, red, 60) {
			t.Errorf("red marker found at %v: wrong turn", p)
		}
	}
	thumb := decodeJPEG(t, res.Thumb)
	if b := thumb.Bounds(); b.Dx() != 300 || b.Dy() != 400 {
		t.Fatalf("thumb JPEG is %v", b)
	}
	if !near(thumb, 300-10, 10, red, 40) {
		t.Errorf("top-right of the thumb is %v, want the red marker", thumb.At(290, 10))
	}
	for name, out := range map[string][]byte{"display": res.Display, "thumb": res.Thumb} {
		if bytes.Contains(out, []byte("Exif")) || bytes.Contains(out, []byte("Cam\x00")) {
			t.Errorf("%s still carries the EXIF metadata", name)
		}
	}
}

// Every EXIF orientation, on a small image with four coloured quadrants:
// whichever way it was stored, it comes out upright.
func TestOrientations(t *testing.T) {
	const uw, uh = 48, 32 // the upright image
	upright := image.NewRGBA(image.Rect(0, 0, uw, uh))
	quad := map[image.Point]color.RGBA{{0, 0}: red, {1, 0}: green, {0, 1}: blue, {1, 1}: yellow}
	for y := range uh {
		for x := range uw {
			upright.SetRGBA(x, y, quad[image.Pt(x*2/uw, y*2/uh)])
		}
	}
	// Where the stored pixel (c, r) appears once upright, from the EXIF
	// definitions ("row 0 is the visual right side, column 0 the top"…).
	visual := map[int]func(c, r, sw, sh int) (int, int){
		1: func(c, r, sw, sh int) (int, int) { return c, r },
		2: func(c, r, sw, sh int) (int, int) { return sw - 1 - c, r },
		3: func(c, r, sw, sh int) (int, int) { return sw - 1 - c, sh - 1 - r },
		4: func(c, r, sw, sh int) (int, int) { return c, sh - 1 - r },
		5: func(c, r, sw, sh int) (int, int) { return r, c },
		6: func(c, r, sw, sh int) (int, int) { return sh - 1 - r, c },
		7: func(c, r, sw, sh int) (int, int) { return sh - 1 - r, sw - 1 - c },
		8: func(c, r, sw, sh int) (int, int) { return r, sw - 1 - c },
	}
	for o := 1; o <= 8; o++ {
		t.Run(string(rune('0'+o)), func(t *testing.T) {
			sw, sh := uw, uh
			if o >= 5 {
				sw, sh = uh, uw
			}
			stored := image.NewRGBA(image.Rect(0, 0, sw, sh))
			for r := range sh {
				for c := range sw {
					x, y := visual[o](c, r, sw, sh)
					stored.SetRGBA(c, r, upright.RGBAAt(x, y))
				}
			}
			res, err := Process(bytes.NewReader(encodeJPEG(t, stored, o)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.DisplayWidth != uw || res.DisplayHeight != uh {
				t.Fatalf("display %d×%d, want %d×%d", res.DisplayWidth, res.DisplayHeight, uw, uh)
			}
			out := decodeJPEG(t, res.Display)
			for q, want := range quad {
				x, y := q.X*uw/2+uw/4, q.Y*uh/2+uh/4
				if !near(out, x, y, want, 40) {
					t.Errorf("quadrant %v is %v, want %v", q, out.At(x, y), want)
				}
			}
		})
	}
}

func TestExifOrientationParsing(t *testing.T) {
	base := encodeJPEG(t, image.NewGray(image.Rect(0, 0, 8, 8)), 0)
	bigEndian6 := insertAPP1(base, exifTIFF(binary.BigEndian, 6))
	tests := []struct {
		name string
		jpg  []byte
		want int
	}{
		{"no exif", base, 1},
		{"little-endian 3", insertAPP1(base, exifTIFF(binary.LittleEndian, 3)), 3},
		{"big-endian 6", bigEndian6, 6},
		{"value 0", insertAPP1(base, exifTIFF(binary.LittleEndian, 0)), 1},
		{"value 9", insertAPP1(base, exifTIFF(binary.LittleEndian, 9)), 1},
		{"not tiff", insertAPP1(base, []byte("XX\x2a\x00\x08\x00\x00\x00")), 1},
		{"ifd out of range", insertAPP1(base, []byte("II\x2a\x00\xff\xff\x00\x00")), 1},
		{"truncated segment", bigEndian6[:20], 1},
		{"only SOI", []byte{0xFF, 0xD8}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := exifOrientation(tt.jpg); got != tt.want {
				t.Fatalf("orientation %d, want %d", got, tt.want)
			}
		})
	}
}

func TestPNGTransparencyOnWhite(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 40, 20))
	for y := range 20 {
		for x := 20; x < 40; x++ {
			img.SetNRGBA(x, y, color.NRGBA{20, 20, 220, 255}) // right half opaque blue
		}
		for x := range 20 {
			img.SetNRGBA(x, y, color.NRGBA{0, 0, 0, 0}) // left half transparent "black"
		}
	}
	res, err := Process(bytes.NewReader(encodePNG(t, img)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != PNG || res.DisplayWidth != 40 || res.DisplayHeight != 20 {
		t.Fatalf("got %s %d×%d", res.Format, res.DisplayWidth, res.DisplayHeight)
	}
	out := decodeJPEG(t, res.Display)
	if !near(out, 5, 10, white, 10) {
		t.Errorf("transparent area is %v, want white", out.At(5, 10))
	}
	if !near(out, 35, 10, blue, 30) {
		t.Errorf("opaque area is %v, want blue", out.At(35, 10))
	}
}

func TestWebP(t *testing.T) {
	data, err := os.ReadFile("testdata/green-half-transparent.webp")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Process(bytes.NewReader(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != WebP || res.DisplayWidth != 12 || res.DisplayHeight != 8 {
		t.Fatalf("got %s %d×%d", res.Format, res.DisplayWidth, res.DisplayHeight)
	}
	// Green (0,200,0) at alpha 128 over white: about (127,227,127).
	if out := decodeJPEG(t, res.Display); !near(out, 6, 4, color.RGBA{127, 227, 127, 255}, 12) {
		t.Errorf("pixel is %v, want light green", out.At(6, 4))
	}
}

func TestSmallImageNotEnlarged(t *testing.T) {
	res, err := Process(bytes.NewReader(encodeJPEG(t, photoLike(300, 200), 0)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.DisplayWidth != 300 || res.DisplayHeight != 200 || res.ThumbWidth != 300 || res.ThumbHeight != 200 {
		t.Fatalf("got display %d×%d, thumb %d×%d; want both 300×200",
			res.DisplayWidth, res.DisplayHeight, res.ThumbWidth, res.ThumbHeight)
	}
}

func TestRefused(t *testing.T) {
	good := encodeJPEG(t, photoLike(200, 150), 0)
	gif := []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
	tests := []struct {
		name string
		data []byte
		opts Options
		code market.Code
		en   string // the start of the English message
	}{
		{"text", []byte("Xin chào, đây là một tệp văn bản.\n"), Options{}, market.Invalid, "The file is not a JPEG, PNG or WebP image."},
		{"empty", nil, Options{}, market.Invalid, "The file is not a JPEG, PNG or WebP image."},
		{"gif", gif, Options{}, market.Invalid, "The file is not a JPEG, PNG or WebP image."},
		{"truncated jpeg", good[:len(good)/2], Options{}, market.Invalid, "The image is damaged"},
		{"jpeg header only", good[:2], Options{}, market.Invalid, "The file is not"},
		{"corrupt png", append(pngHeader(10, 10)[:33], "IDATgarbage"...), Options{}, market.Invalid, "The image is damaged"},
		{"zero-size png", pngHeader(0, 10), Options{}, market.Invalid, "The image is damaged"},
		{"png bomb 60000×60000", pngHeader(60000, 60000), Options{}, market.Invalid, "The image is too large: 60000×60000"},
		{"png over the pixel limit", pngHeader(9000, 6000), Options{}, market.Invalid, "The image is too large"},
		{"png strip", pngHeader(40000, 1), Options{}, market.Invalid, "The image is too large"},
		{"webp bomb", solidWebP(16384, 16384, color.NRGBA{A: 255}, false, 0, 0), Options{}, market.Invalid, "The image is too large"},
		// The VP8X header claims 1×1 but the frame is 8000×8000: the
		// decoder would allocate the frame.
		{"webp frame larger than its canvas", solidWebP(8000, 8000, color.NRGBA{A: 255}, true, 1, 1), Options{}, market.Invalid, "The image is damaged"},
		{"webp truncated", solidWebP(4, 4, color.NRGBA{A: 255}, false, 0, 0)[:24], Options{}, market.Invalid, "The image is damaged"},
		{"too many bytes", good, Options{MaxBytes: int64(len(good)) - 1}, market.PayloadTooLarge, "The image file is too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Process(bytes.NewReader(tt.data), tt.opts)
			var e *market.Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want a market error", err)
			}
			if e.Code != tt.code {
				t.Fatalf("code %s (%v), want %s", e.Code, err, tt.code)
			}
			if !strings.HasPrefix(e.Message.EN, tt.en) || e.Message.VI == "" {
				t.Fatalf("message %+v, want English starting %q and Vietnamese", e.Message, tt.en)
			}
			if _, ok := e.Fields["image"]; !ok {
				t.Errorf("the image field is not named: %v", e.Fields)
			}
		})
	}
	// Exactly at the limit is fine.
	if _, err := Process(bytes.NewReader(good), Options{MaxBytes: int64(len(good))}); err != nil {
		t.Fatalf("a file of exactly MaxBytes: %v", err)
	}
}

// A bomb is refused from its header: refusing it allocates next to nothing.
func TestBombsRefusedWithoutAllocating(t *testing.T) {
	for name, data := range map[string][]byte{
		"png 60000×60000":      pngHeader(60000, 60000),
		"webp 16384×16384":     solidWebP(16384, 16384, color.NRGBA{A: 255}, false, 0, 0),
		"webp behind 1×1 VP8X": solidWebP(8000, 8000, color.NRGBA{A: 255}, true, 1, 1),
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Process(bytes.NewReader(data), Options{})
		runtime.ReadMemStats(&after)
		if !market.IsCode(err, market.Invalid) {
			t.Fatalf("%s: %v", name, err)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
			t.Errorf("%s: refusing it allocated %d bytes", name, n)
		}
	}
}

func TestFit(t *testing.T) {
	tests := []struct{ w, h, limit, ww, wh int }{
		{4032, 3024, 1600, 1600, 1200},
		{3024, 4032, 1600, 1200, 1600},
		{1600, 1600, 1600, 1600, 1600},
		{1000, 500, 1600, 1000, 500},
		{30000, 1, 400, 400, 1},
		{1, 30000, 400, 1, 400},
		{1601, 1, 1600, 1600, 1},
	}
	for _, tt := range tests {
		if w, h := fit(tt.w, tt.h, tt.limit); w != tt.ww || h != tt.wh {
			t.Errorf("fit(%d, %d, %d) = %d×%d, want %d×%d", tt.w, tt.h, tt.limit, w, h, tt.ww, tt.wh)
		}
	}
}

// Area averaging neither aliases nor shifts: a one-pixel checkerboard
// shrunk by any factor is an even grey, and a flat colour stays that colour.
func TestResizeAverages(t *testing.T) {
	board := image.NewGray(image.Rect(0, 0, 300, 200))
	for y := range 200 {
		for x := range 300 {
			if (x+y)%2 == 0 {
				board.Pix[board.PixOffset(x, y)] = 255
			}
		}
	}
	for _, size := range []image.Point{{150, 100}, {75, 50}, {37, 24}, {1, 1}} {
		out := resize(board, size.X, size.Y)
		for i := 0; i < len(out.Pix); i += 4 {
			if v := int(out.Pix[i]); abs(v-128) > 12 {
				t.Fatalf("%v: pixel %d is %d, want about 128", size, i/4, v)
			}
		}
	}
	flat := image.NewUniform(color.RGBA{10, 120, 230, 255})
	out := resize(&boundedUniform{flat, image.Rect(0, 0, 97, 61)}, 13, 8)
	for i := 0; i < len(out.Pix); i += 4 {
		if got := out.Pix[i : i+3]; got[0] != 10 || got[1] != 120 || got[2] != 230 {
			t.Fatalf("flat colour became %v", got)
		}
	}
}

type boundedUniform struct {
	*image.Uniform
	r image.Rectangle
}

func (b *boundedUniform) Bounds() image.Rectangle { return b.r }

// The files under testdata/ are made by this code; -update rewrites them.
func TestTestdata(t *testing.T) {
	good := encodeJPEG(t, photoLike(16, 12), 6)
	files := map[string][]byte{
		"green-half-transparent.webp": solidWebP(12, 8, color.NRGBA{0, 200, 0, 128}, false, 0, 0),
		// Seeds for FuzzProcess.
		"fuzz/FuzzProcess/jpeg-exif6":     fuzzSeed(good),
		"fuzz/FuzzProcess/jpeg-truncated": fuzzSeed(good[:len(good)/2]),
		"fuzz/FuzzProcess/png-alpha":      fuzzSeed(encodePNG(t, image.NewNRGBA(image.Rect(0, 0, 3, 2)))),
		"fuzz/FuzzProcess/png-bomb":       fuzzSeed(pngHeader(60000, 60000)),
		"fuzz/FuzzProcess/webp-solid":     fuzzSeed(solidWebP(3, 2, color.NRGBA{1, 2, 3, 4}, false, 0, 0)),
		"fuzz/FuzzProcess/webp-vp8x":      fuzzSeed(solidWebP(3, 2, color.NRGBA{1, 2, 3, 4}, true, 3, 2)),
		"fuzz/FuzzProcess/gif":            fuzzSeed([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")),
	}
	for name, want := range files {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the code makes (run go test -update)", path)
		}
	}
}

func fuzzSeed(b []byte) []byte {
	return []byte("go test fuzz v1\n[]byte(" + quoteBytes(b) + ")\n")
}

// quoteBytes is strconv.Quote for arbitrary bytes, as the fuzz corpus
// format wants them.
func quoteBytes(b []byte) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for _, c := range b {
		switch {
		case c == '"' || c == '\\':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c >= 0x20 && c < 0x7f:
			sb.WriteByte(c)
		default:
			sb.WriteString(`\x`)
			sb.WriteByte("0123456789abcdef"[c>>4])
			sb.WriteByte("0123456789abcdef"[c&15])
		}
	}
	sb.WriteByte('"')
	return sb.String()
}
