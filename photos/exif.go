package photos

import "encoding/binary"

// exifOrientation returns the EXIF orientation (1–8) of a JPEG, or 1 when
// it has none or it cannot be read: a photo shown sideways is better than
// a photo refused.
func exifOrientation(jpg []byte) int {
	// Walk the marker segments up to the start of the image data.
	for p := 2; p+4 <= len(jpg); {
		if jpg[p] != 0xFF {
			return 1
		}
		marker := jpg[p+1]
		switch {
		case marker == 0xFF: // fill byte
			p++
			continue
		case marker == 0x01 || 0xD0 <= marker && marker <= 0xD8: // no length
			p += 2
			continue
		case marker == 0xDA || marker == 0xD9: // start of scan, end of image
			return 1
		}
		n := int(binary.BigEndian.Uint16(jpg[p+2 : p+4])) // includes its own 2 bytes
		if n < 2 || p+2+n > len(jpg) {
			return 1
		}
		seg := jpg[p+4 : p+2+n]
		if marker == 0xE1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		p += 2 + n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 from IFD0 of a TIFF structure.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(t[2:4]) != 42 {
		return 1
	}
	ifd := int64(bo.Uint32(t[4:8]))
	if ifd < 8 || ifd+2 > int64(len(t)) {
		return 1
	}
	count := int64(bo.Uint16(t[ifd : ifd+2]))
	for i := range count {
		e := ifd + 2 + 12*i
		if e+12 > int64(len(t)) {
			return 1
		}
		tag, typ := bo.Uint16(t[e:e+2]), bo.Uint16(t[e+2:e+4])
		if tag != 0x0112 {
			continue
		}
		if typ != 3 { // SHORT
			return 1
		}
		if o := int(bo.Uint16(t[e+8 : e+10])); 1 <= o && o <= 8 {
			return o
		}
		return 1
	}
	return 1
}
