package photos

import (
	"bytes"
	"image"
	"testing"

	xdraw "golang.org/x/image/draw"
)

// BenchmarkProcess: a 2000×1500 phone JPEG with an EXIF turn, to display
// and thumbnail.
func BenchmarkProcess(b *testing.B) {
	in := encodeJPEG(b, photoLike(2000, 1500), 6)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Process(bytes.NewReader(in), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResize compares the area averaging used here with the scalers
// of golang.org/x/image/draw on the display step (2000×1500 → 1600×1200).
// CatmullRom keeps a float64×4 buffer of dst width × src height (about
// 77 MB here, 300 MB for a 50 MP photo); ApproxBiLinear samples 4 pixels
// and aliases when shrinking by more than 2.
func BenchmarkResize(b *testing.B) {
	src := photoLike(2000, 1500)
	b.Run("area", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			resize(src, 1600, 1200)
		}
	})
	for name, s := range map[string]xdraw.Scaler{"catmullrom": xdraw.CatmullRom, "approxbilinear": xdraw.ApproxBiLinear} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				dst := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
				s.Scale(dst, dst.Rect, src, src.Bounds(), xdraw.Src, nil)
			}
		})
	}
}
