package sqlite

import "encoding/binary"

// arena holds pageCache's records in chunks of memory outside Go's heap
// where the system allows (chunk_unix.go): the garbage collector neither
// scans them nor grows its heap goal by them, so the cache costs the
// process what it holds and no more. Records are appended; when every
// chunk is full, the oldest chunk is emptied (its records dropped from
// the index by the caller's evict) and filled again. A record changed or
// dropped stays where it was until its chunk comes round.
type arena struct {
	chunks [][]byte
	mapped []bool
	used   []int
	order  []int // chunk numbers, the oldest first; the last is being filled
	max    int   // chunks at most
}

// chunkSize is the size of a chunk; a record larger than a quarter of it
// is not kept.
const chunkSize = 1 << 20

func newArena(budget int) *arena { return &arena{max: budget / chunkSize} }

// loc is where a record is: its chunk, and its offset in it.
type loc uint64

func makeLoc(chunk, off int) loc { return loc(uint64(chunk)<<32 | uint64(off)) }
func (l loc) chunk() int         { return int(l >> 32) }
func (l loc) off() int           { return int(uint32(l)) }

// add appends rec, length first, and returns where it is. evict is called
// with each record of a chunk about to be emptied, before it is.
func (a *arena) add(rec []byte, evict func(at loc, rec []byte)) (loc, bool) {
	need := binary.MaxVarintLen32 + len(rec)
	if a.max == 0 || need > chunkSize/4 {
		return 0, false
	}
	if len(a.order) == 0 || chunkSize-a.used[a.order[len(a.order)-1]] < need {
		if len(a.chunks) < a.max {
			b, mapped := newChunk(chunkSize)
			a.chunks, a.mapped, a.used = append(a.chunks, b), append(a.mapped, mapped), append(a.used, 0)
			a.order = append(a.order, len(a.chunks)-1)
		} else {
			oldest := a.order[0]
			a.each(oldest, evict)
			a.used[oldest] = 0
			a.order = append(a.order[1:], oldest)
		}
	}
	c := a.order[len(a.order)-1]
	b := a.chunks[c]
	off := a.used[c]
	n := binary.PutUvarint(b[off:], uint64(len(rec)))
	copy(b[off+n:], rec)
	a.used[c] = off + n + len(rec)
	return makeLoc(c, off), true
}

// get returns the record at l. It is valid until the next add or free.
func (a *arena) get(l loc) ([]byte, bool) {
	c, off := l.chunk(), l.off()
	if c >= len(a.chunks) || off >= a.used[c] {
		return nil, false
	}
	b := a.chunks[c][off:a.used[c]]
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return nil, false
	}
	return b[k : k+int(n)], true
}

// each calls fn with every record of chunk c.
func (a *arena) each(c int, fn func(at loc, rec []byte)) {
	for off := 0; off < a.used[c]; {
		at := makeLoc(c, off)
		rec, ok := a.get(at)
		if !ok {
			return
		}
		fn(at, rec)
		off += uvarintLen(uint64(len(rec))) + len(rec)
	}
}

// size is the memory the arena holds.
func (a *arena) size() int { return len(a.chunks) * chunkSize }

// free gives the chunks back. The arena is empty afterwards.
func (a *arena) free() {
	for i, b := range a.chunks {
		freeChunk(b, a.mapped[i])
	}
	a.chunks, a.mapped, a.used, a.order = nil, nil, nil, nil
}

// uvarintLen is the length of x as a uvarint.
func uvarintLen(x uint64) int {
	n := 1
	for ; x >= 0x80; x >>= 7 {
		n++
	}
	return n
}

// roomy reports whether fewer than three quarters of the chunks are in use.
func (a *arena) roomy() bool { return len(a.order) < a.max*3/4 }
