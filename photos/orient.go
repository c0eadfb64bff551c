package photos

import "image"

// orient returns img turned upright according to an EXIF orientation:
// 1 as is, 2 mirrored, 3 turned 180°, 4 flipped, 5 transposed, 6 turned 90°
// clockwise, 7 transversed, 8 turned 90° anticlockwise.
func orient(img *image.RGBA, orientation int) *image.RGBA {
	if orientation < 2 || orientation > 8 {
		return img
	}
	sw, sh := img.Rect.Dx(), img.Rect.Dy()
	dw, dh := sw, sh
	if orientation >= 5 {
		dw, dh = sh, sw
	}
	// at maps a pixel of the upright image to the stored one.
	var at func(x, y int) (int, int)
	switch orientation {
	case 2:
		at = func(x, y int) (int, int) { return sw - 1 - x, y }
	case 3:
		at = func(x, y int) (int, int) { return sw - 1 - x, sh - 1 - y }
	case 4:
		at = func(x, y int) (int, int) { return x, sh - 1 - y }
	case 5:
		at = func(x, y int) (int, int) { return y, x }
	case 6:
		at = func(x, y int) (int, int) { return y, sh - 1 - x }
	case 7:
		at = func(x, y int) (int, int) { return sw - 1 - y, sh - 1 - x }
	case 8:
		at = func(x, y int) (int, int) { return sw - 1 - y, x }
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range dh {
		for x := range dw {
			sx, sy := at(x, y)
			s := img.PixOffset(sx+img.Rect.Min.X, sy+img.Rect.Min.Y)
			copy(dst.Pix[dst.PixOffset(x, y):][:4], img.Pix[s:s+4])
		}
	}
	return dst
}
