package search

import (
	"strings"
	"time"

	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/regions"
	"github.com/ocopmarket/market/sellers"
)

// Places is what documents need of the region tree; *regions.Tree
// implements it.
type Places interface {
	// Ancestors returns the region and those above it, nearest first.
	Ancestors(id string) []string
	// Path returns the regions from id up to its province, nearest first.
	Path(id string) ([]regions.Region, error)
}

// Visible reports whether buyers may find p: only active products of
// verified sellers are indexed, every other product is deleted from the
// index.
func Visible(p catalog.Product, s sellers.Seller) bool {
	return p.SellerID == s.ID && p.Public(s)
}

// CategoryNames returns the names of the categories ids names, in
// Vietnamese and English, for matching: a search whose words no product
// says, "rau" or "fruit", finds the products of the categories that say
// them (the engines' second pass, with the shops' names).
func CategoryNames(ids []string) string {
	var b strings.Builder
	for _, id := range ids {
		c, err := catalog.CategoryByID(id)
		if err != nil {
			continue
		}
		b.WriteString(c.Name)
		b.WriteString(" \n ")
		b.WriteString(c.NameEN)
		b.WriteString(" \n ")
	}
	return b.String()
}

// MediaPath is where the site serves a stored photo; documents keep
// site-relative addresses so that a change of domain needs no reindex.
func MediaPath(key string) string {
	if key == "" {
		return ""
	}
	return "/media/" + key
}

// NewDocument is what the index holds of p, sold by s, at now. Stars count
// only while the certificate is verified and unexpired (the syncer
// re-indexes a product when its certificate expires). The seller's name and
// the region's names are part of it, so that "mật ong Tri Tôn" finds the
// honey of Tri Tôn.
func NewDocument(p catalog.Product, s sellers.Seller, places Places, now time.Time) Document {
	d := Document{
		ID:          p.ID,
		Name:        p.Name,
		Description: p.Description,
		CategoryID:  p.CategoryID,
		CategoryIDs: catalog.CategoryAncestors(p.CategoryID),
		SellerID:    p.SellerID,
		SellerName:  s.Name,
		RegionID:    p.RegionID,
		PriceVND:    p.Price,
		Unit:        p.Unit,
		Stars:       p.ValidStars(now),
		InStock:     p.Stock > 0,
		CreatedAt:   p.CreatedAt,
		Sold:        int64(p.Sold),
		Version:     p.Version,
	}
	if d.RegionID == "" {
		d.RegionID = s.RegionID
	}
	if places != nil && d.RegionID != "" {
		d.RegionIDs = places.Ancestors(d.RegionID)
		if path, err := places.Path(d.RegionID); err == nil {
			names := make([]string, len(path))
			for i, r := range path {
				names[i] = r.Name
			}
			d.RegionName = strings.Join(names, ", ")
		}
	}
	if len(d.RegionIDs) == 0 && d.RegionID != "" {
		d.RegionIDs = []string{d.RegionID}
	}
	if len(d.CategoryIDs) == 0 && d.CategoryID != "" {
		d.CategoryIDs = []string{d.CategoryID}
	}
	if len(p.Images) > 0 {
		d.ImageURL = MediaPath(p.Images[0].ThumbKey)
	}
	return d
}
