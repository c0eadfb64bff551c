package market

import "time"

// BlobInfo describes a stored blob (a photo, a QR image…): what an HTTP
// handler needs to serve it.
type BlobInfo struct {
	Size        int64
	ContentType string
	ModTime     time.Time
}
