// Package photos turns a seller's phone photo into images that are safe and
// light to serve: the format is checked from the bytes, the dimensions are
// checked before anything is decoded (a decompression bomb is refused
// without allocating it), the EXIF orientation is applied, every piece of
// metadata is dropped (GPS position included) and two JPEGs come out: a
// display size and a thumbnail.
package photos

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/ocopmarket/market"
	"golang.org/x/image/webp"
)

// Format is the format of an uploaded image.
type Format string

// The formats Process accepts.
const (
	JPEG Format = "jpeg"
	PNG  Format = "png"
	WebP Format = "webp"
)

// Defaults for the zero fields of Options.
const (
	DefaultMaxBytes   = 15 << 20
	DefaultMaxPixels  = 50_000_000
	DefaultDisplayMax = 1600
	DefaultThumbMax   = 400
	DefaultQuality    = 82
)

// maxSide bounds each side whatever MaxPixels allows: a 1 × 50 000 000
// strip is no photo.
const maxSide = 30_000

// Options bound and shape the processing. Zero fields take the defaults.
type Options struct {
	MaxBytes   int64 // largest accepted file
	MaxPixels  int64 // largest accepted width × height, read from the header
	DisplayMax int   // longest side of the display image
	ThumbMax   int   // longest side of the thumbnail
	Quality    int   // JPEG quality, 1–100
}

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxPixels <= 0 {
		o.MaxPixels = DefaultMaxPixels
	}
	if o.DisplayMax <= 0 {
		o.DisplayMax = DefaultDisplayMax
	}
	if o.ThumbMax <= 0 {
		o.ThumbMax = DefaultThumbMax
	}
	if o.Quality <= 0 || o.Quality > 100 {
		o.Quality = DefaultQuality
	}
	return o
}

// Result holds the two JPEGs made from one photo, upright and without
// metadata, and the format of the original.
type Result struct {
	Display                     []byte
	DisplayWidth, DisplayHeight int
	Thumb                       []byte
	ThumbWidth, ThumbHeight     int
	Format                      Format
}

// Process reads one image (JPEG, PNG or WebP) and returns its display size
// and thumbnail as JPEGs, upright, with transparency laid on white, never
// larger than the original. Errors are market.Invalid (not an image,
// damaged, too many pixels) or market.PayloadTooLarge (too many bytes).
func Process(r io.Reader, opts Options) (Result, error) {
	opts = opts.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, opts.MaxBytes+1))
	if err != nil {
		return Result{}, market.Wrap(err, market.Invalid, "Không đọc được tệp ảnh.", "Could not read the image file.").
			WithField("image", "Không đọc được tệp ảnh.", "Could not read the image file.")
	}
	if int64(len(data)) > opts.MaxBytes {
		mb := opts.MaxBytes >> 20
		return Result{}, market.Errorf(market.PayloadTooLarge,
			fmt.Sprintf("Tệp ảnh quá lớn (tối đa %d MB).", mb),
			fmt.Sprintf("The image file is too large (at most %d MB).", mb)).
			WithField("image", fmt.Sprintf("Tối đa %d MB.", mb), fmt.Sprintf("At most %d MB.", mb))
	}

	format, ok := sniff(data)
	if !ok {
		return Result{}, errNotImage()
	}
	cfg, err := decodeConfig(format, data)
	if err != nil {
		return Result{}, errDamaged(err)
	}
	if err := checkSize(cfg.Width, cfg.Height, opts.MaxPixels); err != nil {
		return Result{}, err
	}
	if format == WebP {
		// A WebP with an extended header (VP8X) states the canvas size,
		// which is what DecodeConfig reports, but the decoder allocates
		// whatever its frame states: check the frame too.
		w, h, err := webpFrameSize(data)
		if err != nil {
			return Result{}, errDamaged(err)
		}
		if w != cfg.Width || h != cfg.Height {
			return Result{}, errDamaged(fmt.Errorf("webp: frame %d×%d in a %d×%d canvas", w, h, cfg.Width, cfg.Height))
		}
	}

	src, err := decode(format, data)
	if err != nil {
		return Result{}, errDamaged(err)
	}
	if b := src.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return Result{}, errDamaged(fmt.Errorf("decoded %v, header said %d×%d", b, cfg.Width, cfg.Height))
	}
	orientation := 1
	if format == JPEG {
		orientation = exifOrientation(data)
	}

	// Shrink first, then turn the small image upright: the same result as
	// the other way round, for a fraction of the work.
	dw, dh := fit(cfg.Width, cfg.Height, opts.DisplayMax)
	display := orient(resize(src, dw, dh), orientation)

	res := Result{Format: format}
	res.DisplayWidth, res.DisplayHeight = display.Bounds().Dx(), display.Bounds().Dy()
	tw, th := fit(res.DisplayWidth, res.DisplayHeight, opts.ThumbMax)
	thumb := resize(display, tw, th)
	res.ThumbWidth, res.ThumbHeight = tw, th

	if res.Display, err = encode(display, opts.Quality); err != nil {
		return Result{}, err
	}
	if res.Thumb, err = encode(thumb, opts.Quality); err != nil {
		return Result{}, err
	}
	return res, nil
}

// sniff tells the format from the first bytes, whatever the file is called.
func sniff(b []byte) (Format, bool) {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return JPEG, true
	case len(b) >= 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n":
		return PNG, true
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return WebP, true
	}
	return "", false
}

func checkSize(w, h int, maxPixels int64) error {
	if w <= 0 || h <= 0 {
		return errDamaged(fmt.Errorf("dimensions %d×%d", w, h))
	}
	if int64(w)*int64(h) > maxPixels || w > maxSide || h > maxSide {
		mp := maxPixels / 1_000_000
		return market.Errorf(market.Invalid,
			fmt.Sprintf("Ảnh quá lớn: %d×%d điểm ảnh (tối đa %d megapixel).", w, h, mp),
			fmt.Sprintf("The image is too large: %d×%d pixels (at most %d megapixels).", w, h, mp)).
			WithField("image", fmt.Sprintf("Tối đa %d megapixel.", mp), fmt.Sprintf("At most %d megapixels.", mp))
	}
	return nil
}

// decodeConfig and decode call the format's own decoder (no reliance on
// the image package's registry) and turn a decoder panic into an error:
// third-party decoders meet hostile bytes here.
func decodeConfig(f Format, data []byte) (cfg image.Config, err error) {
	defer recoverInto(&err)
	r := bytes.NewReader(data)
	switch f {
	case JPEG:
		return jpeg.DecodeConfig(r)
	case PNG:
		return png.DecodeConfig(r)
	default:
		return webp.DecodeConfig(r)
	}
}

func decode(f Format, data []byte) (img image.Image, err error) {
	defer recoverInto(&err)
	r := bytes.NewReader(data)
	switch f {
	case JPEG:
		return jpeg.Decode(r)
	case PNG:
		return png.Decode(r)
	default:
		return webp.Decode(r)
	}
}

func recoverInto(err *error) {
	if v := recover(); v != nil {
		*err = fmt.Errorf("decoder panic: %v", v)
	}
}

// fit returns the size of a w×h image scaled so that its longest side is at
// most limit, never scaled up, never below one pixel.
func fit(w, h, limit int) (int, int) {
	if w <= limit && h <= limit {
		return w, h
	}
	if w >= h {
		return limit, max(1, int((int64(h)*int64(limit)+int64(w)/2)/int64(w)))
	}
	return max(1, int((int64(w)*int64(limit)+int64(h)/2)/int64(h))), limit
}

func encode(img image.Image, quality int) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, market.Wrap(err, market.Internal, "Không lưu được ảnh.", "Could not save the image.")
	}
	return buf.Bytes(), nil
}

func errNotImage() error {
	return market.Errorf(market.Invalid,
		"Tệp không phải là ảnh JPEG, PNG hoặc WebP.",
		"The file is not a JPEG, PNG or WebP image.").
		WithField("image", "Chỉ nhận ảnh JPEG, PNG hoặc WebP.", "Only JPEG, PNG or WebP images are accepted.")
}

func errDamaged(cause error) error {
	e := market.Wrap(cause, market.Invalid,
		"Ảnh bị hỏng hoặc không đầy đủ, vui lòng chọn ảnh khác.",
		"The image is damaged or incomplete; please choose another one.")
	return e.WithField("image", "Ảnh bị hỏng hoặc không đầy đủ.", "The image is damaged or incomplete.")
}
