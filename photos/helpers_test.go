package photos

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// encodeJPEG encodes img as a JPEG and, when orientation > 0, inserts an
// EXIF segment (little-endian TIFF) carrying that orientation right after
// the start-of-image marker, where phones put it.
func encodeJPEG(t testing.TB, img image.Image, orientation int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92}); err != nil {
		t.Fatal(err)
	}
	if orientation == 0 {
		return buf.Bytes()
	}
	return insertAPP1(buf.Bytes(), exifTIFF(binary.LittleEndian, orientation))
}

// exifTIFF builds a TIFF structure with IFD0 holding a camera make and the
// orientation, as a phone writes it.
func exifTIFF(bo binary.AppendByteOrder, orientation int) []byte {
	var t []byte
	if bo == binary.LittleEndian {
		t = append(t, "II"...)
	} else {
		t = append(t, "MM"...)
	}
	t = bo.AppendUint16(t, 42)
	t = bo.AppendUint32(t, 8) // IFD0 right after the header
	t = bo.AppendUint16(t, 2) // two entries
	// 0x010F Make, ASCII, 4 bytes inline: "Cam\0"
	t = bo.AppendUint16(t, 0x010F)
	t = bo.AppendUint16(t, 2)
	t = bo.AppendUint32(t, 4)
	t = append(t, "Cam\x00"...)
	// 0x0112 Orientation, SHORT, 1 value, padded to 4 bytes
	t = bo.AppendUint16(t, 0x0112)
	t = bo.AppendUint16(t, 3)
	t = bo.AppendUint32(t, 1)
	t = bo.AppendUint16(t, uint16(orientation))
	t = bo.AppendUint16(t, 0)
	t = bo.AppendUint32(t, 0) // no next IFD
	return t
}

func insertAPP1(jpg, tiff []byte) []byte {
	seg := []byte{0xFF, 0xE1}
	seg = binary.BigEndian.AppendUint16(seg, uint16(2+6+len(tiff)))
	seg = append(seg, "Exif\x00\x00"...)
	seg = append(seg, tiff...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngHeader is a PNG that claims w×h pixels in its IHDR (with a correct CRC)
// followed by a token IDAT and IEND: what a decompression bomb starts with.
func pngHeader(w, h uint32) []byte {
	out := []byte("\x89PNG\r\n\x1a\n")
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA, deflate, no filter, no interlace
	out = pngChunk(out, "IHDR", ihdr)
	out = pngChunk(out, "IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	return pngChunk(out, "IEND", nil)
}

func pngChunk(out []byte, typ string, data []byte) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	start := len(out)
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
}

// solidWebP is a lossless WebP (VP8L) of w×h pixels of one colour. Each of
// its five prefix codes has a single symbol, so the pixels take no bits at
// all: the file is a few dozen bytes whatever its size. With extended, the
// frame sits behind a VP8X header stating a canvas of cw×ch.
func solidWebP(w, h int, c color.NRGBA, extended bool, cw, ch int) []byte {
	var bits bitWriter
	bits.write(0x2f, 8)
	bits.write(uint32(w-1), 14)
	bits.write(uint32(h-1), 14)
	bits.write(1, 1) // alpha used
	bits.write(0, 3) // version
	bits.write(0, 1) // no transform
	bits.write(0, 1) // no colour cache
	bits.write(0, 1) // no meta prefix codes
	for _, sym := range []uint8{c.G, c.R, c.B, c.A} {
		bits.write(1, 1) // simple code
		bits.write(0, 1) // one symbol
		bits.write(1, 1) // 8-bit symbol
		bits.write(uint32(sym), 8)
	}
	bits.write(1, 1) // distance code: simple,
	bits.write(0, 1) // one symbol,
	bits.write(0, 1) // 1-bit symbol,
	bits.write(0, 1) // zero
	frame := riffChunk("VP8L", bits.bytes())

	body := []byte("WEBP")
	if extended {
		// No flags: x/image/webp takes the alpha flag to mean an ALPH
		// chunk, which a VP8L frame does not have.
		x := []byte{0, 0, 0, 0}
		x = append(x, le24(cw-1)...)
		x = append(x, le24(ch-1)...)
		body = append(body, riffChunk("VP8X", x)...)
	}
	body = append(body, frame...)
	out := []byte("RIFF")
	out = binary.LittleEndian.AppendUint32(out, uint32(len(body)))
	return append(out, body...)
}

func riffChunk(id string, data []byte) []byte {
	out := []byte(id)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(data)))
	out = append(out, data...)
	if len(data)%2 == 1 {
		out = append(out, 0)
	}
	return out
}

func le24(v int) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16)} }

// bitWriter packs bits least significant first, as VP8L reads them.
type bitWriter struct {
	buf   []byte
	nbits uint
}

func (b *bitWriter) write(v uint32, n uint) {
	for i := range n {
		if b.nbits%8 == 0 {
			b.buf = append(b.buf, 0)
		}
		if v>>i&1 == 1 {
			b.buf[len(b.buf)-1] |= 1 << (b.nbits % 8)
		}
		b.nbits++
	}
}

func (b *bitWriter) bytes() []byte { return b.buf }

// photoLike is a w×h image with smooth gradients and fine texture, so that
// it encodes like a photo rather than a flat colour.
func photoLike(w, h int) *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := range h {
		for x := range w {
			img.Y[img.YOffset(x, y)] = uint8((x*255/w + y*255/h + (x*y)%23) / 2)
		}
	}
	for y := range (h + 1) / 2 {
		for x := range (w + 1) / 2 {
			o := img.COffset(2*x, 2*y)
			img.Cb[o] = uint8(96 + x*64/w)
			img.Cr[o] = uint8(160 - y*64/h)
		}
	}
	return img
}

func decodeJPEG(t testing.TB, b []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("output is not a JPEG: %v", err)
	}
	return img
}

// near reports whether the pixel at (x, y) is within tol of want on every
// channel (JPEG is lossy).
func near(img image.Image, x, y int, want color.RGBA, tol int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	d := func(a uint32, b uint8) bool { return abs(int(a>>8)-int(b)) <= tol }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
