package photos

import (
	"encoding/binary"
	"errors"
)

// webpFrameSize returns the dimensions stated by the first image frame
// (VP8 or VP8L chunk) of a WebP file, which is what the decoder allocates.
func webpFrameSize(data []byte) (w, h int, err error) {
	errBad := errors.New("webp: no readable image frame")
	for p := 12; p+8 <= len(data); {
		id := string(data[p : p+4])
		n := int64(binary.LittleEndian.Uint32(data[p+4 : p+8]))
		p += 8
		if n > int64(len(data)-p) {
			return 0, 0, errBad
		}
		payload := data[p : p+int(n)]
		switch id {
		case "VP8 ":
			// 3-byte frame tag, start code 9d 01 2a, then 14-bit width and
			// height, each with 2 bits of scaling.
			if len(payload) < 10 || payload[3] != 0x9d || payload[4] != 0x01 || payload[5] != 0x2a {
				return 0, 0, errBad
			}
			w = int(binary.LittleEndian.Uint16(payload[6:8]) & 0x3fff)
			h = int(binary.LittleEndian.Uint16(payload[8:10]) & 0x3fff)
			return w, h, nil
		case "VP8L":
			// Signature 0x2f, then 14 bits of width-1 and 14 of height-1.
			if len(payload) < 5 || payload[0] != 0x2f {
				return 0, 0, errBad
			}
			bits := binary.LittleEndian.Uint32(payload[1:5])
			return int(bits&0x3fff) + 1, int(bits>>14&0x3fff) + 1, nil
		}
		p += int(n + n&1) // chunks are padded to an even length
	}
	return 0, 0, errBad
}
