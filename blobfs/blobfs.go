// Package blobfs stores blobs (product photos and the like) as files under
// one directory. Each blob is one file: its content type on the first line,
// then its bytes. Writing a whole file and renaming it into place makes
// every Put atomic: a reader sees the old blob or the new one, never a mix,
// and the content type always matches the bytes.
package blobfs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/ocopmarket/market"
)

// MaxKeyLen bounds a key in bytes; it also keeps every path segment within
// what filesystems accept (255 bytes).
const MaxKeyLen = 255

// maxContentTypeLen bounds the header line, so Open reads a small, fixed
// amount before the blob's bytes.
const maxContentTypeLen = 255

// Store keeps blobs under one directory.
type Store struct {
	dir string
}

// New returns a Store rooted at dir, creating the directory if needed.
func New(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("blobfs: empty directory")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("blobfs: %w", err)
	}
	return &Store{dir: dir}, nil
}

// Put stores data under key with its content type, replacing any blob
// already there.
func (s *Store) Put(ctx context.Context, key, contentType string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	path, err := s.path(key)
	if err != nil {
		return err
	}
	if err := checkContentType(contentType); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return putError(err)
	}
	// The temporary name starts with a dot, which no key segment may, so it
	// never collides with a blob.
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return internal(err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	w := bufio.NewWriter(tmp)
	w.WriteString(contentType)
	w.WriteByte('\n')
	w.Write(data)
	if err := w.Flush(); err != nil {
		tmp.Close()
		return internal(err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return internal(err)
	}
	if err := tmp.Close(); err != nil {
		return internal(err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return internal(err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return putError(err)
	}
	return nil
}

// Open returns the blob stored under key and what is known about it. The
// caller closes the reader. A missing blob is market.NotFound.
func (s *Store) Open(ctx context.Context, key string) (io.ReadSeekCloser, market.BlobInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, market.BlobInfo{}, err
	}
	path, err := s.path(key)
	if err != nil {
		return nil, market.BlobInfo{}, err
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil, market.BlobInfo{}, notFound()
	}
	if err != nil {
		return nil, market.BlobInfo{}, internal(err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, market.BlobInfo{}, internal(err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, market.BlobInfo{}, notFound()
	}
	head := make([]byte, maxContentTypeLen+1)
	n, _ := io.ReadFull(f, head)
	i := strings.IndexByte(string(head[:n]), '\n')
	if i < 0 {
		f.Close()
		return nil, market.BlobInfo{}, internal(fmt.Errorf("blobfs: %s has no content type line", key))
	}
	info := market.BlobInfo{
		Size:        st.Size() - int64(i+1),
		ContentType: string(head[:i]),
		ModTime:     st.ModTime(),
	}
	return &blob{SectionReader: io.NewSectionReader(f, int64(i+1), info.Size), f: f}, info, nil
}

// Delete removes the blob under key. Deleting a missing blob is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	path, err := s.path(key)
	if err != nil {
		return err
	}
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil
	}
	if err != nil {
		return internal(err)
	}
	if !st.Mode().IsRegular() {
		return nil // a directory of other blobs, not a blob
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return internal(err)
	}
	return nil
}

// blob is an open blob: the bytes after the content type line.
type blob struct {
	*io.SectionReader
	f *os.File
}

func (b *blob) Close() error { return b.f.Close() }

// path validates key and returns the file that holds it.
func (s *Store) path(key string) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", err
	}
	return filepath.Join(s.dir, filepath.FromSlash(key)), nil
}

// CheckKey reports whether key is acceptable: 1 to MaxKeyLen bytes of
// [a-z0-9/_.-], slash-separated segments that are not empty and do not
// start with a dot (so no "..", no hidden files), no leading or trailing
// slash.
func CheckKey(key string) error {
	bad := func(vi, en string) error {
		return market.Errorf(market.Invalid, "Khóa lưu trữ không hợp lệ: "+vi, "Invalid storage key: "+en).
			WithField("key", vi, en)
	}
	if key == "" {
		return bad("khóa trống.", "the key is empty.")
	}
	if len(key) > MaxKeyLen {
		return bad(fmt.Sprintf("dài quá %d ký tự.", MaxKeyLen), fmt.Sprintf("longer than %d characters.", MaxKeyLen))
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '/' || c == '_' || c == '.' || c == '-') {
			return bad("chỉ được dùng a-z, 0-9, /, _, . và -.", "only a-z, 0-9, /, _, . and - are allowed.")
		}
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" {
			return bad("không được bắt đầu, kết thúc bằng / hoặc có // liền nhau.", "it must not start or end with / or contain //.")
		}
		if seg[0] == '.' {
			return bad("không phần nào được bắt đầu bằng dấu chấm.", "no part may start with a dot.")
		}
	}
	return nil
}

func checkContentType(ct string) error {
	if len(ct) > maxContentTypeLen || strings.ContainsAny(ct, "\r\n") {
		return market.Errorf(market.Invalid, "Kiểu nội dung không hợp lệ.", "Invalid content type.").
			WithField("contentType", "Kiểu nội dung không hợp lệ.", "Invalid content type.")
	}
	if _, _, err := mime.ParseMediaType(ct); err != nil {
		return market.Errorf(market.Invalid, "Kiểu nội dung không hợp lệ.", "Invalid content type.").
			WithField("contentType", "Kiểu nội dung không hợp lệ.", "Invalid content type.")
	}
	return nil
}

// putError explains a failed Put: a key whose path runs through an existing
// blob ("a/b" when "a" is a blob) or onto a directory of blobs ("a" when
// "a/b" exists) is a conflict; anything else is the disk's fault.
func putError(err error) error {
	if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.EEXIST) {
		return market.Wrap(err, market.Conflict,
			"Khóa lưu trữ trùng với một thư mục hoặc tệp đã có.",
			"The storage key clashes with an existing folder or file.")
	}
	return internal(err)
}

func notFound() error { return market.NotFoundf("tệp", "file") }

func internal(err error) error {
	return market.Wrap(err, market.Internal, "Lỗi lưu trữ tệp.", "File storage failed.")
}
