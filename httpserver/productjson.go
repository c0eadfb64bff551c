package httpserver

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// appendJSON appends the product as encode would write it, byte for byte,
// without reflection: a product page is the API's most frequent answer,
// and encoding/json was a tenth of its CPU. TestProductBodyAsEncodingJSON
// holds the two together, every field filled.
func (b *productBody) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"id":`...)
	dst = appendJSONString(dst, b.ID)
	dst = append(dst, `,"sellerId":`...)
	dst = appendJSONString(dst, b.SellerID)
	if s := b.Seller; s != nil {
		dst = append(dst, `,"seller":{"id":`...)
		dst = appendJSONString(dst, s.ID)
		dst = append(dst, `,"name":`...)
		dst = appendJSONString(dst, s.Name)
		dst = append(dst, `,"regionId":`...)
		dst = appendJSONString(dst, s.RegionID)
		dst = append(dst, `,"status":`...)
		dst = appendJSONString(dst, s.Status)
		dst = append(dst, '}')
	}
	dst = append(dst, `,"name":`...)
	dst = appendJSONString(dst, b.Name)
	dst = append(dst, `,"description":`...)
	dst = appendJSONString(dst, b.Description)
	dst = append(dst, `,"categoryId":`...)
	dst = appendJSONString(dst, b.CategoryID)
	dst = append(dst, `,"unit":`...)
	dst = appendJSONString(dst, b.Unit)
	dst = append(dst, `,"priceVnd":`...)
	dst = strconv.AppendInt(dst, b.PriceVND, 10)
	dst = append(dst, `,"priceTiers":`...)
	if b.PriceTiers == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i, t := range b.PriceTiers {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"minQty":`...)
			dst = strconv.AppendInt(dst, int64(t.MinQty), 10)
			dst = append(dst, `,"priceVnd":`...)
			dst = strconv.AppendInt(dst, t.PriceVND, 10)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `,"stock":`...)
	dst = strconv.AppendInt(dst, int64(b.Stock), 10)
	dst = append(dst, `,"minOrderQty":`...)
	dst = strconv.AppendInt(dst, int64(b.MinOrderQty), 10)
	dst = append(dst, `,"sold":`...)
	dst = strconv.AppendInt(dst, int64(b.Sold), 10)
	dst = append(dst, `,"regionId":`...)
	dst = appendJSONString(dst, b.RegionID)
	dst = append(dst, `,"regionName":`...)
	dst = appendJSONString(dst, b.RegionName)
	if b.Season != "" {
		dst = append(dst, `,"season":`...)
		dst = appendJSONString(dst, b.Season)
	}
	dst = append(dst, `,"preorder":`...)
	dst = strconv.AppendBool(dst, b.Preorder)
	dst = append(dst, `,"status":`...)
	dst = appendJSONString(dst, b.Status)
	if c := b.OCOP; c != nil {
		dst = append(dst, `,"ocop":{"stars":`...)
		dst = strconv.AppendInt(dst, int64(c.Stars), 10)
		dst = append(dst, `,"certificateNo":`...)
		dst = appendJSONString(dst, c.CertificateNo)
		dst = append(dst, `,"issuedBy":`...)
		dst = appendJSONString(dst, c.IssuedBy)
		dst = append(dst, `,"issuedAt":`...)
		dst = appendJSONString(dst, c.IssuedAt)
		dst = append(dst, `,"expiresAt":`...)
		dst = appendJSONString(dst, c.ExpiresAt)
		dst = append(dst, `,"status":`...)
		dst = appendJSONString(dst, c.Status)
		dst = append(dst, `,"verified":`...)
		dst = strconv.AppendBool(dst, c.Verified)
		dst = append(dst, `,"badge":`...)
		dst = strconv.AppendBool(dst, c.Badge)
		if c.VerifiedBy != "" {
			dst = append(dst, `,"verifiedBy":`...)
			dst = appendJSONString(dst, c.VerifiedBy)
		}
		if c.VerifiedAt != nil {
			dst = append(dst, `,"verifiedAt":`...)
			dst = appendJSONTime(dst, *c.VerifiedAt)
		}
		if c.Note != "" {
			dst = append(dst, `,"note":`...)
			dst = appendJSONString(dst, c.Note)
		}
		dst = append(dst, '}')
	}
	dst = append(dst, `,"images":`...)
	if b.Images == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i, im := range b.Images {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"id":`...)
			dst = appendJSONString(dst, im.ID)
			dst = append(dst, `,"url":`...)
			dst = appendJSONString(dst, im.URL)
			dst = append(dst, `,"thumbUrl":`...)
			dst = appendJSONString(dst, im.ThumbURL)
			dst = append(dst, `,"width":`...)
			dst = strconv.AppendInt(dst, int64(im.Width), 10)
			dst = append(dst, `,"height":`...)
			dst = strconv.AppendInt(dst, int64(im.Height), 10)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `,"createdBy":`...)
	dst = appendJSONString(dst, b.CreatedBy)
	dst = append(dst, `,"assisted":`...)
	dst = strconv.AppendBool(dst, b.Assisted)
	dst = append(dst, `,"version":`...)
	dst = strconv.AppendInt(dst, b.Version, 10)
	dst = append(dst, `,"createdAt":`...)
	dst = appendJSONTime(dst, b.CreatedAt)
	dst = append(dst, `,"updatedAt":`...)
	dst = appendJSONTime(dst, b.UpdatedAt)
	return append(dst, '}', '\n')
}

// appendJSONTime appends t as time.Time's MarshalJSON does for the years
// 0–9999, the only ones the stores hold (milliseconds since 1970).
func appendJSONTime(dst []byte, t time.Time) []byte {
	dst = append(dst, '"')
	dst = t.AppendFormat(dst, time.RFC3339Nano)
	return append(dst, '"')
}

// bodyBuffers recycles the buffers product answers are written into.
var bodyBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 2<<10); return &b }}

// writeProduct writes a product answer with the given status.
func writeProduct(w http.ResponseWriter, status int, b productBody) {
	buf := bodyBuffers.Get().(*[]byte)
	*buf = b.appendJSON((*buf)[:0])
	writeJSON(w, status, *buf)
	if cap(*buf) <= 64<<10 {
		bodyBuffers.Put(buf)
	}
}
