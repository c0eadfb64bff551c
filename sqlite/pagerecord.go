package sqlite

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/catalog"
)

// A page record is a product as pageCache keeps it: its fields one after
// the other, numbers as varints, times as milliseconds (as the products
// table keeps them), strings as a length and their bytes, or, for the
// fields many products share (seller, category, unit, region, season,
// statuses, who listed it), a number in the cache's dictionary of
// strings. At 100 000 products of ocopbench's catalog a record is some
// 190 bytes, against ~1 KB for a catalog.Product with its strings on the
// heap.

// stringDict numbers the shared strings of records. It only grows: a
// record keeps its numbers until it is dropped.
type stringDict struct {
	codes map[string]uint64
	strs  []string
}

// maxDictStrings bounds the dictionary; strings beyond it are written out.
const maxDictStrings = 1 << 16

// code returns s's number plus one, adding it while there is room, or 0.
func (d *stringDict) code(s string) uint64 {
	if c, ok := d.codes[s]; ok {
		return c
	}
	if d.codes == nil {
		d.codes = map[string]uint64{}
	}
	if len(d.strs) >= maxDictStrings {
		return 0
	}
	d.strs = append(d.strs, s)
	d.codes[s] = uint64(len(d.strs))
	return uint64(len(d.strs))
}

// appendPageRecord appends p's record to dst, numbering shared strings in
// dict (nil: every string written out).
func appendPageRecord(dst []byte, p *catalog.Product, dict *stringDict) []byte {
	str := func(s string) {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	shared := func(s string) {
		var c uint64
		if dict != nil {
			c = dict.code(s)
		}
		dst = binary.AppendUvarint(dst, c)
		if c == 0 {
			str(s)
		}
	}
	num := func(n int64) { dst = binary.AppendVarint(dst, n) }
	str(p.ID)
	shared(p.SellerID)
	str(p.Name)
	str(p.Description)
	shared(p.CategoryID)
	shared(p.Unit)
	num(int64(p.Price))
	num(int64(len(p.Tiers)))
	for _, t := range p.Tiers {
		num(int64(t.MinQty))
		num(int64(t.Price))
	}
	num(int64(p.Stock))
	num(int64(p.MinOrderQty))
	num(int64(p.Sold))
	shared(p.RegionID)
	shared(p.Season)
	var flags int64
	if p.Preorder {
		flags |= 1
	}
	if p.Assisted {
		flags |= 2
	}
	if p.SearchDirty {
		flags |= 4
	}
	num(flags)
	shared(string(p.Status))
	c := &p.OCOP
	num(int64(c.Stars))
	str(c.Number)
	shared(string(c.IssuedBy))
	num(millis(c.IssuedAt))
	num(millis(c.ExpiresAt))
	shared(string(c.Status))
	shared(c.VerifiedBy)
	num(millis(c.VerifiedAt))
	str(c.Note)
	num(int64(len(p.Images)))
	for _, im := range p.Images {
		str(im.ID)
		str(im.DisplayKey)
		str(im.ThumbKey)
		num(int64(im.Width))
		num(int64(im.Height))
		num(millis(im.CreatedAt))
	}
	shared(p.CreatedBy)
	num(p.Version)
	num(millis(p.CreatedAt))
	num(millis(p.UpdatedAt))
	return dst
}

var errBadPageRecord = errors.New("sqlite: page record is damaged")

// pageRecordID returns the id a record begins with, without copying it.
func pageRecordID(rec []byte) ([]byte, bool) {
	n, k := binary.Uvarint(rec)
	if k <= 0 || n > uint64(len(rec)-k) {
		return nil, false
	}
	return rec[k : k+int(n)], true
}

// decodePageRecord returns the product of a record written with dict's
// strings. Its own strings share one copy of the record, made once: one
// allocation instead of one a field.
func decodePageRecord(rec []byte, dict []string) (catalog.Product, error) {
	d := recordReader{s: string(rec), dict: dict}
	var p catalog.Product
	p.ID = d.str()
	p.SellerID = d.shared()
	p.Name = d.str()
	p.Description = d.str()
	p.CategoryID = d.shared()
	p.Unit = d.shared()
	p.Price = market.VND(d.num())
	if n := d.count(); n > 0 {
		p.Tiers = make([]catalog.PriceTier, n)
		for i := range p.Tiers {
			p.Tiers[i] = catalog.PriceTier{MinQty: int(d.num()), Price: market.VND(d.num())}
		}
	}
	p.Stock = int(d.num())
	p.MinOrderQty = int(d.num())
	p.Sold = int(d.num())
	p.RegionID = d.shared()
	p.Season = d.shared()
	flags := d.num()
	p.Preorder, p.Assisted, p.SearchDirty = flags&1 != 0, flags&2 != 0, flags&4 != 0
	p.Status = catalog.Status(d.shared())
	c := &p.OCOP
	c.Stars = int(d.num())
	c.Number = d.str()
	c.IssuedBy = catalog.IssuingLevel(d.shared())
	c.IssuedAt = d.time()
	c.ExpiresAt = d.time()
	c.Status = catalog.OCOPStatus(d.shared())
	c.VerifiedBy = d.shared()
	c.VerifiedAt = d.time()
	c.Note = d.str()
	if n := d.count(); n > 0 {
		p.Images = make([]catalog.Image, n)
		for i := range p.Images {
			im := &p.Images[i]
			im.ID, im.DisplayKey, im.ThumbKey = d.str(), d.str(), d.str()
			im.Width, im.Height = int(d.num()), int(d.num())
			im.CreatedAt = d.time()
		}
	}
	p.CreatedBy = d.shared()
	p.Version = d.num()
	p.CreatedAt = d.time()
	p.UpdatedAt = d.time()
	if d.bad || d.i != len(d.s) {
		return catalog.Product{}, errBadPageRecord
	}
	return p, nil
}

// recordReader reads a record's fields in order; a read past its end or
// a malformed number marks it bad and reads zero values from then on.
type recordReader struct {
	s    string
	dict []string
	i    int
	bad  bool
}

func (d *recordReader) uvarint() uint64 {
	var x uint64
	for shift := uint(0); ; shift += 7 {
		if d.bad || d.i >= len(d.s) || shift > 63 {
			d.bad = true
			return 0
		}
		b := d.s[d.i]
		d.i++
		x |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return x
		}
	}
}

func (d *recordReader) num() int64 {
	u := d.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (d *recordReader) str() string {
	n := d.uvarint()
	if d.bad || n > uint64(len(d.s)-d.i) {
		d.bad = true
		return ""
	}
	s := d.s[d.i : d.i+int(n)]
	d.i += int(n)
	return s
}

// shared reads a string that may be a number in the dictionary.
func (d *recordReader) shared() string {
	c := d.uvarint()
	switch {
	case c == 0:
		return d.str()
	case c > uint64(len(d.dict)):
		d.bad = true
		return ""
	}
	return d.dict[c-1]
}

// count reads a number of repeated items, at most what the rest could hold.
func (d *recordReader) count() int {
	n := d.num()
	if n < 0 || n > int64(len(d.s)-d.i) {
		d.bad = true
		return 0
	}
	return int(n)
}

func (d *recordReader) time() time.Time { return fromMillis(d.num()) }
