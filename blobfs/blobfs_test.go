package blobfs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ocopmarket/market"
)

func newStore(t *testing.T) (*Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "blobs")
	s, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s, dir
}

func mustRead(t *testing.T, s *Store, key string) ([]byte, market.BlobInfo) {
	t.Helper()
	r, info, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b, info
}

func TestRoundTrip(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	data := []byte("\xff\xd8\xff not really a jpeg\nwith a newline")
	if err := s.Put(ctx, "products/01jabc/photo-1.jpg", "image/jpeg", data); err != nil {
		t.Fatal(err)
	}
	got, info := mustRead(t, s, "products/01jabc/photo-1.jpg")
	if !bytes.Equal(got, data) {
		t.Fatalf("read %q, want %q", got, data)
	}
	if info.Size != int64(len(data)) || info.ContentType != "image/jpeg" || info.ModTime.IsZero() {
		t.Fatalf("info %+v", info)
	}

	// The reader seeks within the blob only, as http.ServeContent needs.
	r, _, _ := s.Open(ctx, "products/01jabc/photo-1.jpg")
	defer r.Close()
	end, err := r.Seek(0, io.SeekEnd)
	if err != nil || end != int64(len(data)) {
		t.Fatalf("seek to end: %d, %v", end, err)
	}
	if _, err := r.Seek(4, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(r)
	if !bytes.Equal(rest, data[4:]) {
		t.Fatalf("after seek read %q", rest)
	}
}

func TestEmptyBlob(t *testing.T) {
	s, _ := newStore(t)
	if err := s.Put(context.Background(), "empty", "text/plain; charset=utf-8", nil); err != nil {
		t.Fatal(err)
	}
	got, info := mustRead(t, s, "empty")
	if len(got) != 0 || info.Size != 0 || info.ContentType != "text/plain; charset=utf-8" {
		t.Fatalf("got %q, info %+v", got, info)
	}
}

func TestOverwrite(t *testing.T) {
	s, dir := newStore(t)
	ctx := context.Background()
	if err := s.Put(ctx, "a/b.png", "image/png", []byte("first, longer version")); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "a/b.png", "image/webp", []byte("second")); err != nil {
		t.Fatal(err)
	}
	got, info := mustRead(t, s, "a/b.png")
	if string(got) != "second" || info.ContentType != "image/webp" || info.Size != 6 {
		t.Fatalf("got %q, info %+v", got, info)
	}
	assertNoTempFiles(t, dir)
}

func TestMissing(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if err := s.Put(ctx, "dir/blob", "image/jpeg", []byte("x")); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"nothing", "dir/other", "dir", "dir/blob/below"} {
		_, _, err := s.Open(ctx, key)
		if !market.IsCode(err, market.NotFound) {
			t.Errorf("Open(%q): %v, want not_found", key, err)
		}
	}
}

func TestDelete(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if err := s.Put(ctx, "x/y", "image/jpeg", []byte("x")); err != nil {
		t.Fatal(err)
	}
	for i := range 2 { // deleting twice is fine
		if err := s.Delete(ctx, "x/y"); err != nil {
			t.Fatalf("Delete #%d: %v", i+1, err)
		}
		if _, _, err := s.Open(ctx, "x/y"); !market.IsCode(err, market.NotFound) {
			t.Fatalf("after Delete #%d, Open: %v", i+1, err)
		}
	}
	for _, key := range []string{"never/was", "x", "x/y/z"} {
		if err := s.Delete(ctx, key); err != nil {
			t.Errorf("Delete(%q): %v", key, err)
		}
	}
}

func TestKeyClash(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if err := s.Put(ctx, "a/b", "image/jpeg", []byte("x")); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"a", "a/b/c"} {
		if err := s.Put(ctx, key, "image/jpeg", []byte("y")); !market.IsCode(err, market.Conflict) {
			t.Errorf("Put(%q): %v, want conflict", key, err)
		}
	}
	if got, _ := mustRead(t, s, "a/b"); string(got) != "x" {
		t.Fatalf("a/b now holds %q", got)
	}
}

func TestHostileKeys(t *testing.T) {
	s, dir := newStore(t)
	ctx := context.Background()
	// A file just outside the store that a bad key would reach.
	outside := filepath.Join(filepath.Dir(dir), "x")
	if err := os.WriteFile(outside, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	keys := []string{
		"",
		"../x",
		"a/../../x",
		"..",
		".",
		"./x",
		"/etc/passwd",
		"a\x00b",
		"a//b",
		"a/",
		"a/.hidden",
		".tmp-123",
		`a\b`,
		"A.JPG",
		"ảnh.jpg",
		"a b",
		"a\nb",
		strings.Repeat("a", 2048),
		strings.Repeat("a", MaxKeyLen+1),
	}
	for _, key := range keys {
		if err := s.Put(ctx, key, "image/jpeg", []byte("evil")); !market.IsCode(err, market.Invalid) {
			t.Errorf("Put(%q): %v, want invalid", key, err)
		}
		if _, _, err := s.Open(ctx, key); !market.IsCode(err, market.Invalid) {
			t.Errorf("Open(%q): %v, want invalid", key, err)
		}
		if err := s.Delete(ctx, key); !market.IsCode(err, market.Invalid) {
			t.Errorf("Delete(%q): %v, want invalid", key, err)
		}
	}
	if b, err := os.ReadFile(outside); err != nil || string(b) != "secret" {
		t.Fatalf("file outside the store touched: %q, %v", b, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Fatalf("store not empty after refused keys: %v", entries)
	}
	// The longest allowed key works.
	if err := s.Put(ctx, strings.Repeat("a", MaxKeyLen), "image/jpeg", []byte("ok")); err != nil {
		t.Fatal(err)
	}
}

func TestBadContentType(t *testing.T) {
	s, _ := newStore(t)
	for _, ct := range []string{"", "image/jpeg\nX-Evil: 1", "not a type", strings.Repeat("a", 300) + "/b"} {
		if err := s.Put(context.Background(), "k", ct, []byte("x")); !market.IsCode(err, market.Invalid) {
			t.Errorf("Put with content type %q: %v, want invalid", ct, err)
		}
	}
}

func TestCancelledContext(t *testing.T) {
	s, _ := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Put(ctx, "k", "image/jpeg", []byte("x")); err == nil {
		t.Fatal("Put with a cancelled context succeeded")
	}
	if _, _, err := s.Open(context.Background(), "k"); !market.IsCode(err, market.NotFound) {
		t.Fatalf("blob written despite the cancelled context: %v", err)
	}
}

// Writers racing on one key leave exactly one writer's complete blob, and
// readers meanwhile only ever see complete blobs.
func TestConcurrentPut(t *testing.T) {
	s, dir := newStore(t)
	ctx := context.Background()
	const writers, size = 8, 256 << 10
	blobOf := func(i int) ([]byte, string) {
		return bytes.Repeat([]byte{byte('a' + i)}, size), fmt.Sprintf("image/x-test; n=%d", i)
	}
	// checkWhole reports a blob that is not exactly one writer's.
	checkWhole := func(got []byte, info market.BlobInfo) error {
		if len(got) != size || info.Size != size {
			return fmt.Errorf("size %d (info %d), want %d", len(got), info.Size, size)
		}
		i := int(got[0] - 'a')
		want, ct := blobOf(i)
		if !bytes.Equal(got, want) || info.ContentType != ct {
			return fmt.Errorf("blob mixes writers (starts with %q, type %q)", got[0], info.ContentType)
		}
		return nil
	}

	var wg sync.WaitGroup
	errs := make(chan error, 2*writers)
	for i := range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			data, ct := blobOf(i)
			if err := s.Put(ctx, "race/photo.jpg", ct, data); err != nil {
				errs <- err
			}
		}()
		go func() {
			defer wg.Done()
			r, info, err := s.Open(ctx, "race/photo.jpg")
			if market.IsCode(err, market.NotFound) {
				return // no writer has finished yet
			}
			if err != nil {
				errs <- err
				return
			}
			defer r.Close()
			got, err := io.ReadAll(r)
			if err != nil {
				errs <- err
				return
			}
			if err := checkWhole(got, info); err != nil {
				errs <- fmt.Errorf("reader: %w", err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got, info := mustRead(t, s, "race/photo.jpg")
	if err := checkWhole(got, info); err != nil {
		t.Fatal(err)
	}
	assertNoTempFiles(t, dir)
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", path)
		}
		return nil
	})
}

// blobs is the port the catalog declares (catalog.Blobs); Store must keep
// satisfying it.
type blobs interface {
	Put(ctx context.Context, key, contentType string, data []byte) error
	Open(ctx context.Context, key string) (io.ReadSeekCloser, market.BlobInfo, error)
	Delete(ctx context.Context, key string) error
}

var _ blobs = (*Store)(nil)
