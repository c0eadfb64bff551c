//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package sqlite

// newChunk allocates n bytes on the heap, where anonymous mappings are not
// available.
func newChunk(n int) ([]byte, bool) { return make([]byte, n), false }

func freeChunk([]byte, bool) {}

func mapWALIndex(string) []byte { return nil }

func unmapWALIndex([]byte) {}
