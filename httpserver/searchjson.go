package httpserver

import (
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/ocopmarket/market/search"
)

// appendSearchBody appends the answer to a search as encode would write
// searchResultBody(res, baseURL), byte for byte, without reflection. Most
// searches of a marketplace in service come from the result cache, and
// then encoding/json was two thirds of the CPU of GET /api/v1/search:
// above all, sorting the facets' maps (a province has hundreds of
// communes) through reflection on every answer.
func appendSearchBody(dst []byte, res search.Result, baseURL string) []byte {
	dst = append(dst, `{"hits":[`...)
	for i, d := range res.Hits {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"id":`...)
		dst = appendJSONString(dst, d.ID)
		dst = append(dst, `,"name":`...)
		dst = appendJSONString(dst, d.Name)
		dst = append(dst, `,"priceVnd":`...)
		dst = strconv.AppendInt(dst, int64(d.PriceVND), 10)
		dst = append(dst, `,"unit":`...)
		dst = appendJSONString(dst, d.Unit)
		dst = append(dst, `,"imageUrl":`...)
		dst = appendJSONString(dst, absoluteURL(baseURL, d.ImageURL))
		dst = append(dst, `,"sellerId":`...)
		dst = appendJSONString(dst, d.SellerID)
		dst = append(dst, `,"sellerName":`...)
		dst = appendJSONString(dst, d.SellerName)
		dst = append(dst, `,"stars":`...)
		dst = strconv.AppendInt(dst, int64(d.Stars), 10)
		dst = append(dst, `,"categoryId":`...)
		dst = appendJSONString(dst, d.CategoryID)
		dst = append(dst, `,"regionId":`...)
		dst = appendJSONString(dst, d.RegionID)
		dst = append(dst, `,"regionName":`...)
		dst = appendJSONString(dst, d.RegionName)
		dst = append(dst, `,"inStock":`...)
		dst = strconv.AppendBool(dst, d.InStock)
		dst = append(dst, '}')
	}
	dst = append(dst, `],"total":`...)
	dst = strconv.AppendInt(dst, int64(res.Total), 10)
	dst = append(dst, `,"page":`...)
	dst = strconv.AppendInt(dst, int64(res.Page), 10)
	dst = append(dst, `,"perPage":`...)
	dst = strconv.AppendInt(dst, int64(res.PerPage), 10)
	// encoding/json writes map keys in byte order: categoryId, regionId, stars.
	dst = append(dst, `,"facets":{`...)
	for i, name := range []string{search.FacetCategory, search.FacetRegion, search.FacetStars} {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, name)
		dst = append(dst, ':', '{')
		counts := res.Facets[name]
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for j, k := range keys {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, k)
			dst = append(dst, ':')
			dst = strconv.AppendInt(dst, int64(counts[k]), 10)
		}
		dst = append(dst, '}')
	}
	dst = append(dst, '}')
	if len(res.Dropped) > 0 {
		dst = append(dst, `,"dropped":[`...)
		for i, w := range res.Dropped {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, w)
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `,"tookMs":`...)
	dst = strconv.AppendInt(dst, res.Took.Milliseconds(), 10)
	return append(dst, '}', '\n')
}

// appendJSONString appends s as a JSON string, escaped as encode escapes
// it (encoding/json without HTML escaping): quotes, backslashes and
// control characters, U+2028 and U+2029, and invalid UTF-8 as U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	if plainJSON(s) {
		dst = append(dst, '"')
		dst = append(dst, s...)
		return append(dst, '"')
	}
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// plainJSON reports whether s needs no escaping: valid UTF-8 without
// quotes, backslashes, control characters, U+2028 or U+2029 (E2 80 A8 and
// E2 80 A9; other characters starting with 0xE2, such as the dash "—" of
// many descriptions, need none).
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' ||
			c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2]&^1 == 0xA8 {
			return false
		}
	}
	return utf8.ValidString(s)
}
