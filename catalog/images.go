package catalog

import (
	"context"
	"io"
	"slices"

	"github.com/ocopmarket/market"
)

// Photo is an uploaded photo after validation and re-encoding: a display
// size and a thumbnail, metadata stripped, EXIF orientation applied.
type Photo struct {
	Display       []byte
	Thumb         []byte
	ContentType   string // of both sizes, e.g. image/jpeg
	Width, Height int    // of the display size
}

// PhotoProcessor validates an upload and re-encodes it. Anything that is
// not a decodable JPEG, PNG or WebP of sane dimensions is an invalid error.
type PhotoProcessor interface {
	Process(r io.Reader) (Photo, error)
}

// Blobs keeps the bytes of photos under keys.
type Blobs interface {
	Put(ctx context.Context, key, contentType string, data []byte) error
	Open(ctx context.Context, key string) (io.ReadSeekCloser, market.BlobInfo, error)
	Delete(ctx context.Context, key string) error
}

// ErrTooManyImages answers a ninth photo.
var ErrTooManyImages = market.Errorf(market.Conflict,
	"Mỗi sản phẩm có tối đa 8 ảnh. Hãy xoá bớt ảnh cũ.",
	"A product has at most 8 photos. Please delete one first.")

// ErrImageNotFound answers a photo that is not the product's.
var ErrImageNotFound = market.NotFoundf("ảnh", "photo")

// imageKeys are the blob keys of a photo. Keys never change once written,
// so their URLs can be cached for a year.
func imageKeys(productID, imageID, contentType string) (display, thumb string) {
	ext := ".jpg"
	switch contentType {
	case "image/png":
		ext = ".png"
	case "image/webp":
		ext = ".webp"
	}
	base := "products/" + productID + "/" + imageID
	return base + ext, base + "-thumb" + ext
}

// retries bounds the attempts of a photo change that races another change
// of the same product; each attempt re-reads the product.
const retries = 5

// AddImage processes an uploaded photo and appends it to the product's
// photos. The permission and the limit of 8 are checked before the photo
// is decoded, so that refused uploads cost nothing.
func (s *Service) AddImage(ctx context.Context, actor market.Actor, productID string, r io.Reader) (Image, Product, error) {
	p, _, err := s.editable(ctx, actor, productID, 0, Edit)
	if err != nil {
		return Image{}, Product{}, err
	}
	if len(p.Images) >= MaxImages {
		return Image{}, Product{}, ErrTooManyImages
	}
	if s.photos == nil || s.blobs == nil {
		return Image{}, Product{}, market.Errorf(market.Unavailable, "Chưa thể tải ảnh lên lúc này.", "Photo uploads are not available.")
	}
	photo, err := s.photos.Process(r)
	if err != nil {
		return Image{}, Product{}, err
	}
	img := Image{ID: market.NewID(), Width: photo.Width, Height: photo.Height, CreatedAt: s.clock.Now()}
	img.DisplayKey, img.ThumbKey = imageKeys(productID, img.ID, photo.ContentType)
	if err := s.blobs.Put(ctx, img.DisplayKey, photo.ContentType, photo.Display); err != nil {
		return Image{}, Product{}, err
	}
	if err := s.blobs.Put(ctx, img.ThumbKey, photo.ContentType, photo.Thumb); err != nil {
		s.forget(img)
		return Image{}, Product{}, err
	}
	p, err = s.changeImages(ctx, productID, func(images []Image) ([]Image, error) {
		if len(images) >= MaxImages {
			return nil, ErrTooManyImages
		}
		return append(images, img), nil
	})
	if err != nil {
		s.forget(img)
		return Image{}, Product{}, err
	}
	return img, p, nil
}

// forget deletes the blobs of a photo that did not make it into the
// product. A failure only leaves an orphan file behind.
func (s *Service) forget(img Image) {
	ctx := context.Background()
	_ = s.blobs.Delete(ctx, img.DisplayKey)
	_ = s.blobs.Delete(ctx, img.ThumbKey)
}

// changeImages applies change to the product's photos under the version
// rule, re-reading and retrying when another change won the race.
func (s *Service) changeImages(ctx context.Context, productID string, change func([]Image) ([]Image, error)) (Product, error) {
	for attempt := 0; ; attempt++ {
		p, err := s.store.ProductByID(ctx, productID)
		if err != nil {
			return Product{}, err
		}
		images, err := change(slices.Clone(p.Images))
		if err != nil {
			return Product{}, err
		}
		err = s.store.SetImages(ctx, productID, images, p.Version)
		if err == nil {
			p.Images, p.Version, p.SearchDirty = images, p.Version+1, true
			return p, nil
		}
		if !market.IsCode(err, market.PreconditionFailed) || attempt == retries {
			return Product{}, err
		}
	}
}

// RemoveImage deletes one photo of a product.
func (s *Service) RemoveImage(ctx context.Context, actor market.Actor, productID, imageID string) error {
	if _, _, err := s.editable(ctx, actor, productID, 0, Edit); err != nil {
		return err
	}
	var gone Image
	_, err := s.changeImages(ctx, productID, func(images []Image) ([]Image, error) {
		i := slices.IndexFunc(images, func(im Image) bool { return im.ID == imageID })
		if i < 0 {
			return nil, ErrImageNotFound
		}
		gone = images[i]
		return slices.Delete(images, i, i+1), nil
	})
	if err != nil {
		return err
	}
	if s.blobs != nil {
		s.forget(gone)
	}
	return nil
}

// ReorderImages puts the product's photos in the given order; the list
// must name each photo exactly once. The first becomes the cover.
func (s *Service) ReorderImages(ctx context.Context, actor market.Actor, productID string, order []string) (Product, error) {
	if _, _, err := s.editable(ctx, actor, productID, 0, Edit); err != nil {
		return Product{}, err
	}
	return s.changeImages(ctx, productID, func(images []Image) ([]Image, error) {
		if len(order) != len(images) {
			return nil, errOrder
		}
		out := make([]Image, 0, len(images))
		for _, id := range order {
			i := slices.IndexFunc(images, func(im Image) bool { return im.ID == id })
			if i < 0 || slices.ContainsFunc(out, func(im Image) bool { return im.ID == id }) {
				return nil, errOrder
			}
			out = append(out, images[i])
		}
		return out, nil
	})
}

var errOrder = market.Errorf(market.Invalid,
	"Danh sách thứ tự phải gồm mỗi ảnh của sản phẩm đúng một lần.",
	"The order must list each photo of the product exactly once.").
	WithField("imageIds", "phải gồm mỗi ảnh đúng một lần", "must list each photo exactly once")
