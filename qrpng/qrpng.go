// Package qrpng draws QR codes as PNG images, for product and shop pages
// (printed on packaging and market stall signs) and VietQR payments.
package qrpng

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"unicode/utf8"

	"github.com/ocopmarket/market"
	qrcode "github.com/skip2/go-qrcode"
)

// Limits on what Encode accepts.
const (
	// MaxContentBytes bounds the encoded text: page URLs and VietQR
	// payloads are far shorter, and a dense code scans badly from paper.
	MaxContentBytes = 1024
	// MinSize and MaxSize bound the requested image side in pixels.
	MinSize = 64
	MaxSize = 4096
)

// Encode returns a PNG of a QR code for content, sizePx × sizePx pixels,
// black on white, at medium error correction, with the standard quiet zone
// of four modules (more white fills the rest). Modules are whole pixels, so
// the code stays sharp when printed. If the code needs more modules than
// sizePx pixels, the image is as large as the code needs.
func Encode(content string, sizePx int) ([]byte, error) {
	switch {
	case content == "":
		return nil, market.Errorf(market.Invalid, "Nội dung mã QR trống.", "The QR code content is empty.")
	case len(content) > MaxContentBytes:
		return nil, market.Errorf(market.Invalid,
			fmt.Sprintf("Nội dung mã QR quá dài (tối đa %d byte).", MaxContentBytes),
			fmt.Sprintf("The QR code content is too long (at most %d bytes).", MaxContentBytes))
	case !utf8.ValidString(content):
		return nil, market.Errorf(market.Invalid, "Nội dung mã QR không phải văn bản UTF-8 hợp lệ.", "The QR code content is not valid UTF-8 text.")
	case sizePx < MinSize || sizePx > MaxSize:
		return nil, market.Errorf(market.Invalid,
			fmt.Sprintf("Kích thước mã QR phải từ %d đến %d điểm ảnh.", MinSize, MaxSize),
			fmt.Sprintf("The QR code size must be between %d and %d pixels.", MinSize, MaxSize))
	}
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, market.Wrap(err, market.Invalid, "Không tạo được mã QR cho nội dung này.", "Could not make a QR code for this content.")
	}
	// Bitmap includes the quiet zone.
	img := draw(q.Bitmap(), sizePx)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, market.Wrap(err, market.Internal, "Không tạo được ảnh mã QR.", "Could not draw the QR code image.")
	}
	return buf.Bytes(), nil
}

// draw scales the module bitmap by a whole number of pixels per module and
// centres it on a white square of side sizePx (or larger if need be).
func draw(bitmap [][]bool, sizePx int) *image.Paletted {
	n := len(bitmap)
	scale := max(sizePx/n, 1)
	side := max(sizePx, n*scale)
	offset := (side - n*scale) / 2

	// Palette index 0 is white, so a new image is all white.
	const black = 1
	img := image.NewPaletted(image.Rect(0, 0, side, side), color.Palette{color.White, color.Black})
	for my, row := range bitmap {
		for mx, on := range row {
			if !on {
				continue
			}
			for dy := range scale {
				y := offset + my*scale + dy
				start := img.PixOffset(offset+mx*scale, y)
				for dx := range scale {
					img.Pix[start+dx] = black
				}
			}
		}
	}
	return img
}
