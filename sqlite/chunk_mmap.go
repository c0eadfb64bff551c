//go:build linux || darwin || freebsd || netbsd || openbsd

package sqlite

import "syscall"

// newChunk maps n bytes of anonymous memory, outside Go's heap; where that
// fails it falls back to the heap.
func newChunk(n int) ([]byte, bool) {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]byte, n), false
	}
	return b, true
}

func freeChunk(b []byte, mapped bool) {
	if mapped {
		_ = syscall.Munmap(b)
	}
}

// mapWALIndex maps the head of the database's WAL-index (the "-shm" file)
// for reading, or returns nil.
func mapWALIndex(path string) []byte {
	fd, err := syscall.Open(path+"-shm", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil || st.Size < walIndexHeadSize {
		return nil
	}
	b, err := syscall.Mmap(fd, 0, walIndexHeadSize, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil
	}
	return b
}

func unmapWALIndex(b []byte) {
	if b != nil {
		_ = syscall.Munmap(b)
	}
}
