package photos

import (
	"bytes"
	"image"
	"image/color"
	"testing"

	"github.com/ocopmarket/market"
)

// FuzzProcess feeds Process arbitrary bytes: it must never panic, must
// answer only with market errors a person can read, and whatever it
// accepts must come out as JPEGs of the sizes it reports.
func FuzzProcess(f *testing.F) {
	f.Add(encodeJPEG(f, photoLike(9, 7), 8))
	f.Add(encodePNG(f, image.NewNRGBA(image.Rect(0, 0, 2, 3))))
	f.Add(solidWebP(2, 2, color.NRGBA{9, 8, 7, 6}, true, 2, 2))
	f.Add([]byte("not an image"))
	opts := Options{MaxBytes: 1 << 20, MaxPixels: 1 << 20, DisplayMax: 32, ThumbMax: 8}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Process(bytes.NewReader(data), opts)
		if err != nil {
			code := market.ErrorCode(err)
			if code != market.Invalid && code != market.PayloadTooLarge {
				t.Fatalf("error with code %q: %v", code, err)
			}
			return
		}
		for _, out := range []struct {
			jpg  []byte
			w, h int
			max  int
		}{
			{res.Display, res.DisplayWidth, res.DisplayHeight, opts.DisplayMax},
			{res.Thumb, res.ThumbWidth, res.ThumbHeight, opts.ThumbMax},
		} {
			b := decodeJPEG(t, out.jpg).Bounds()
			if b.Dx() != out.w || b.Dy() != out.h || out.w > out.max || out.h > out.max || out.w < 1 || out.h < 1 {
				t.Fatalf("JPEG %v, reported %d×%d, limit %d", b, out.w, out.h, out.max)
			}
		}
	})
}
