package sqlite

import (
	"encoding/binary"
	"sync/atomic"
	"unsafe"
)

// The WAL-index header, as https://www.sqlite.org/walformat.html (2.2)
// describes it: the first 48 bytes of the "-shm" file, written by every
// commit (its iChange counter grows by one a commit, its checksum covers
// the rest), then a copy of them. A writer writes the copy first and the
// first 48 bytes last; SQLite's readers take a snapshot only once both
// agree. So while the first 48 bytes are what they were, no commit has
// become visible to any reader since: pageCache then skips reading
// page_changes, which was a tenth of a product page's CPU.

// walIndexHeadSize is how much of the file is mapped: a page, the least
// a mapping holds.
const walIndexHeadSize = 4096

// walMark is the first 48 bytes of the WAL-index header at some moment.
type walMark [6]uint64

// walIndexUsable reports whether b holds an initialized WAL-index of the
// version this reading knows.
func walIndexUsable(b []byte) bool {
	return len(b) >= 96 && binary.NativeEndian.Uint32(b[0:4]) == 3007000 && b[12] == 1
}

// readWALMark reads the header's first 48 bytes, each word atomically
// (another process writes them; a torn read differs from every mark and
// only costs a read of page_changes).
func readWALMark(b []byte) walMark {
	var m walMark
	for i := range m {
		m[i] = atomic.LoadUint64((*uint64)(unsafe.Pointer(&b[8*i])))
	}
	return m
}
