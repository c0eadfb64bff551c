package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/catalog"
)

// CatalogStore keeps products, with their photos inside the document.
type CatalogStore struct{ db *DB }

var _ catalog.Store = (*CatalogStore)(nil)

// Catalog returns the products store.
func (db *DB) Catalog() *CatalogStore { return &CatalogStore{db: db} }

type tierDoc struct {
	MinQty   int   `bson:"minQty"`
	PriceVND int64 `bson:"priceVnd"`
}

type ocopDoc struct {
	Stars      int       `bson:"stars"`
	Number     string    `bson:"number"`
	IssuedBy   string    `bson:"issuedBy"`
	IssuedAt   time.Time `bson:"issuedAt"`
	ExpiresAt  time.Time `bson:"expiresAt"`
	Status     string    `bson:"status"`
	VerifiedBy string    `bson:"verifiedBy"`
	VerifiedAt time.Time `bson:"verifiedAt"`
	Note       string    `bson:"note"`
}

type imageDoc struct {
	ID         string    `bson:"id"`
	DisplayKey string    `bson:"displayKey"`
	ThumbKey   string    `bson:"thumbKey"`
	Width      int       `bson:"width"`
	Height     int       `bson:"height"`
	CreatedAt  time.Time `bson:"createdAt"`
}

type productDoc struct {
	ID          string     `bson:"_id"`
	SellerID    string     `bson:"sellerId"`
	Name        string     `bson:"name"`
	Description string     `bson:"description"`
	CategoryID  string     `bson:"categoryId"`
	Unit        string     `bson:"unit"`
	PriceVND    int64      `bson:"priceVnd"`
	PriceTiers  []tierDoc  `bson:"priceTiers"`
	Stock       int64      `bson:"stock"`
	MinOrderQty int64      `bson:"minOrderQty"`
	Sold        int64      `bson:"sold"`
	RegionID    string     `bson:"regionId"`
	Season      string     `bson:"season"`
	Preorder    bool       `bson:"preorder"`
	Status      string     `bson:"status"`
	OCOP        ocopDoc    `bson:"ocop"`
	Images      []imageDoc `bson:"images"`
	CreatedBy   string     `bson:"createdBy"`
	Assisted    bool       `bson:"assisted"`
	Version     int64      `bson:"version"`
	SearchDirty bool       `bson:"searchDirty"`
	// OCOPExpirySeen is set once the index has been told the verified
	// certificate expired, so the expiry sweep flags each product once.
	OCOPExpirySeen bool      `bson:"ocopExpirySeen"`
	CreatedAt      time.Time `bson:"createdAt"`
	UpdatedAt      time.Time `bson:"updatedAt"`
}

func toTierDocs(tiers []catalog.PriceTier) []tierDoc {
	out := make([]tierDoc, len(tiers))
	for i, t := range tiers {
		out[i] = tierDoc{MinQty: t.MinQty, PriceVND: int64(t.Price)}
	}
	return out
}

func toImageDocs(images []catalog.Image) []imageDoc {
	out := make([]imageDoc, len(images))
	for i, im := range images {
		out[i] = imageDoc{ID: im.ID, DisplayKey: im.DisplayKey, ThumbKey: im.ThumbKey, Width: im.Width, Height: im.Height, CreatedAt: im.CreatedAt.UTC()}
	}
	return out
}

func toOCOPDoc(c catalog.Certificate) ocopDoc {
	return ocopDoc{Stars: c.Stars, Number: c.Number, IssuedBy: string(c.IssuedBy), IssuedAt: c.IssuedAt.UTC(), ExpiresAt: c.ExpiresAt.UTC(),
		Status: string(c.Status), VerifiedBy: c.VerifiedBy, VerifiedAt: c.VerifiedAt.UTC(), Note: c.Note}
}

// expirySeen: a certificate already expired when the product is written
// needs no later sweep, since the write itself sends it to the index.
func expirySeen(p catalog.Product) bool {
	c := p.OCOP
	return c.Status == catalog.OCOPVerified && !c.ExpiresAt.IsZero() && !p.UpdatedAt.Before(c.ExpiresAt)
}

func toProductDoc(p catalog.Product) productDoc {
	return productDoc{ID: p.ID, SellerID: p.SellerID, Name: p.Name, Description: p.Description, CategoryID: p.CategoryID, Unit: p.Unit,
		PriceVND: int64(p.Price), PriceTiers: toTierDocs(p.Tiers), Stock: int64(p.Stock), MinOrderQty: int64(p.MinOrderQty), Sold: int64(p.Sold),
		RegionID: p.RegionID, Season: p.Season, Preorder: p.Preorder, Status: string(p.Status), OCOP: toOCOPDoc(p.OCOP),
		Images: toImageDocs(p.Images), CreatedBy: p.CreatedBy, Assisted: p.Assisted, Version: p.Version, SearchDirty: p.SearchDirty,
		OCOPExpirySeen: expirySeen(p), CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC()}
}

func fromProductDoc(d productDoc) catalog.Product {
	p := catalog.Product{ID: d.ID, SellerID: d.SellerID, Name: d.Name, Description: d.Description, CategoryID: d.CategoryID, Unit: d.Unit,
		Price: market.VND(d.PriceVND), Stock: int(d.Stock), MinOrderQty: int(d.MinOrderQty), Sold: int(d.Sold),
		RegionID: d.RegionID, Season: d.Season, Preorder: d.Preorder, Status: catalog.Status(d.Status),
		OCOP: catalog.Certificate{Stars: d.OCOP.Stars, Number: d.OCOP.Number, IssuedBy: catalog.IssuingLevel(d.OCOP.IssuedBy),
			IssuedAt: utc(d.OCOP.IssuedAt), ExpiresAt: utc(d.OCOP.ExpiresAt), Status: catalog.OCOPStatus(d.OCOP.Status),
			VerifiedBy: d.OCOP.VerifiedBy, VerifiedAt: utc(d.OCOP.VerifiedAt), Note: d.OCOP.Note},
		CreatedBy: d.CreatedBy, Assisted: d.Assisted, Version: d.Version, SearchDirty: d.SearchDirty,
		CreatedAt: utc(d.CreatedAt), UpdatedAt: utc(d.UpdatedAt)}
	for _, t := range d.PriceTiers {
		p.Tiers = append(p.Tiers, catalog.PriceTier{MinQty: t.MinQty, Price: market.VND(t.PriceVND)})
	}
	for _, im := range d.Images {
		p.Images = append(p.Images, catalog.Image{ID: im.ID, DisplayKey: im.DisplayKey, ThumbKey: im.ThumbKey, Width: im.Width, Height: im.Height, CreatedAt: utc(im.CreatedAt)})
	}
	return p
}

func (s *CatalogStore) coll() *mongo.Collection { return s.db.db.Collection("products") }

// CreateProduct inserts a product with its photos.
func (s *CatalogStore) CreateProduct(ctx context.Context, p catalog.Product) error {
	_, err := s.coll().InsertOne(ctx, toProductDoc(p))
	if isDuplicate(err) {
		return catalog.ErrExists
	}
	return err
}

// ProductByID returns a product.
func (s *CatalogStore) ProductByID(ctx context.Context, id string) (catalog.Product, error) {
	var d productDoc
	err := s.coll().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if isNoDocuments(err) {
		return catalog.Product{}, catalog.ErrNotFound
	}
	if err != nil {
		return catalog.Product{}, err
	}
	return fromProductDoc(d), nil
}

// productUpdate is the update of UpdateProduct: the fields a seller edits,
// the search flag and the version, in one write.
func productUpdate(p catalog.Product) bson.D {
	d := toProductDoc(p)
	return bson.D{
		{Key: "$set", Value: bson.D{
			{Key: "name", Value: d.Name}, {Key: "description", Value: d.Description}, {Key: "categoryId", Value: d.CategoryID},
			{Key: "unit", Value: d.Unit}, {Key: "priceVnd", Value: d.PriceVND}, {Key: "priceTiers", Value: d.PriceTiers},
			{Key: "stock", Value: d.Stock}, {Key: "minOrderQty", Value: d.MinOrderQty}, {Key: "regionId", Value: d.RegionID},
			{Key: "season", Value: d.Season}, {Key: "preorder", Value: d.Preorder}, {Key: "status", Value: d.Status},
			{Key: "ocop", Value: d.OCOP}, {Key: "ocopExpirySeen", Value: d.OCOPExpirySeen},
			{Key: "searchDirty", Value: true}, {Key: "updatedAt", Value: d.UpdatedAt},
		}},
		{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}},
	}
}

// UpdateProduct replaces the edited fields if the version is unchanged.
func (s *CatalogStore) UpdateProduct(ctx context.Context, p catalog.Product, expectedVersion int64) error {
	res, err := s.coll().UpdateOne(ctx, versioned(p.ID, expectedVersion), productUpdate(p))
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return missingOrStale(ctx, s.coll(), p.ID, catalog.ErrNotFound, catalog.ErrStale)
	}
	return nil
}

// imagesUpdate replaces the photos, flags the product and moves its version.
func imagesUpdate(images []catalog.Image, now time.Time) bson.D {
	return bson.D{
		{Key: "$set", Value: bson.D{{Key: "images", Value: toImageDocs(images)}, {Key: "searchDirty", Value: true}, {Key: "updatedAt", Value: now.UTC()}}},
		{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}},
	}
}

// SetImages replaces the photos if the version is unchanged.
func (s *CatalogStore) SetImages(ctx context.Context, productID string, images []catalog.Image, expectedVersion int64) error {
	res, err := s.coll().UpdateOne(ctx, versioned(productID, expectedVersion), imagesUpdate(images, s.db.Now()))
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return missingOrStale(ctx, s.coll(), productID, catalog.ErrNotFound, catalog.ErrStale)
	}
	return nil
}

// productListPipeline is the aggregation of a listing: public listings
// look up their seller's status.
func productListPipeline(f catalog.Filter, limit int) mongo.Pipeline {
	match := bson.D{}
	if f.SellerID != "" {
		match = append(match, bson.E{Key: "sellerId", Value: f.SellerID})
	}
	if len(f.Statuses) > 0 {
		st := make(bson.A, len(f.Statuses))
		for i, x := range f.Statuses {
			st[i] = string(x)
		}
		match = append(match, bson.E{Key: "status", Value: bson.D{{Key: "$in", Value: st}}})
	}
	if f.PublicOnly {
		match = append(match, bson.E{Key: "status", Value: string(catalog.StatusActive)})
	}
	if f.After != "" {
		match = append(match, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: f.After}}})
	}
	p := mongo.Pipeline{{{Key: "$match", Value: match}}, {{Key: "$sort", Value: bson.D{{Key: "_id", Value: 1}}}}}
	if f.PublicOnly {
		p = append(p,
			bson.D{{Key: "$lookup", Value: bson.D{{Key: "from", Value: "sellers"}, {Key: "localField", Value: "sellerId"},
				{Key: "foreignField", Value: "_id"}, {Key: "as", Value: "seller"}}}},
			bson.D{{Key: "$match", Value: bson.D{{Key: "seller.status", Value: "verified"}}}},
			bson.D{{Key: "$project", Value: bson.D{{Key: "seller", Value: 0}}}},
		)
	}
	return append(p, bson.D{{Key: "$limit", Value: int64(limit)}})
}

// ListProducts returns a page of products ordered by id.
func (s *CatalogStore) ListProducts(ctx context.Context, f catalog.Filter) (catalog.Page, error) {
	n := pageLimit(f.Limit)
	cur, err := s.coll().Aggregate(ctx, productListPipeline(f, n+1))
	if err != nil {
		return catalog.Page{}, err
	}
	list, err := decodeProducts(ctx, cur)
	if err != nil {
		return catalog.Page{}, err
	}
	var page catalog.Page
	if len(list) > n {
		list = list[:n]
		page.Next = list[n-1].ID
	}
	page.Items = list
	return page, nil
}

func decodeProducts(ctx context.Context, cur *mongo.Cursor) ([]catalog.Product, error) {
	var docs []productDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	var out []catalog.Product
	for _, d := range docs {
		out = append(out, fromProductDoc(d))
	}
	return out, nil
}

// DirtyProducts returns products the search index has not seen yet.
func (s *CatalogStore) DirtyProducts(ctx context.Context, limit int) ([]catalog.Product, error) {
	cur, err := s.coll().Find(ctx, bson.D{{Key: "searchDirty", Value: true}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(pageLimit(limit))))
	if err != nil {
		return nil, err
	}
	return decodeProducts(ctx, cur)
}

// pendingCertificatesFilter selects the listings whose certificate awaits
// an official; pendingCertificatesSort puts the longest waiting first.
func pendingCertificatesFilter(f catalog.CertificateFilter) bson.D {
	d := bson.D{{Key: "ocop.status", Value: string(catalog.OCOPPending)},
		{Key: "status", Value: bson.D{{Key: "$ne", Value: string(catalog.StatusArchived)}}}}
	if len(f.RegionIDs) > 0 {
		in := make(bson.A, len(f.RegionIDs))
		for i, id := range f.RegionIDs {
			in[i] = id
		}
		d = append(d, bson.E{Key: "regionId", Value: bson.D{{Key: "$in", Value: in}}})
	}
	return d
}

var pendingCertificatesSort = bson.D{{Key: "updatedAt", Value: 1}, {Key: "_id", Value: 1}}

// PendingCertificates returns listings whose certificate awaits an official.
func (s *CatalogStore) PendingCertificates(ctx context.Context, f catalog.CertificateFilter) ([]catalog.Product, error) {
	cur, err := s.coll().Find(ctx, pendingCertificatesFilter(f),
		options.Find().SetSort(pendingCertificatesSort).SetLimit(int64(pageLimit(f.Limit))))
	if err != nil {
		return nil, err
	}
	return decodeProducts(ctx, cur)
}

// MarkClean clears the search flag if the version is unchanged.
func (s *CatalogStore) MarkClean(ctx context.Context, id string, version int64) (bool, error) {
	res, err := s.coll().UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "version", Value: version}, {Key: "searchDirty", Value: true}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "searchDirty", Value: false}}}})
	if err != nil {
		return false, err
	}
	return res.ModifiedCount == 1, nil
}

// dirtyUpdate flags products and moves their versions.
func dirtyUpdate(extra ...bson.E) bson.D {
	set := append(bson.D{{Key: "searchDirty", Value: true}}, extra...)
	return bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}}
}

// MarkSellerProductsDirty flags every product of a seller.
func (s *CatalogStore) MarkSellerProductsDirty(ctx context.Context, sellerID string) (int, error) {
	res, err := s.coll().UpdateMany(ctx, bson.D{{Key: "sellerId", Value: sellerID}}, dirtyUpdate())
	if err != nil {
		return 0, err
	}
	return int(res.ModifiedCount), nil
}

// expiredFilter selects verified certificates expired by now and not yet
// sent to the index as such.
func expiredFilter(now time.Time) bson.D {
	return bson.D{{Key: "ocop.status", Value: string(catalog.OCOPVerified)},
		{Key: "ocop.expiresAt", Value: bson.D{{Key: "$lte", Value: now.UTC()}}},
		{Key: "ocopExpirySeen", Value: false}}
}

// MarkExpiredCertificatesDirty flags, once, products whose verified
// certificate has expired by now.
func (s *CatalogStore) MarkExpiredCertificatesDirty(ctx context.Context, now time.Time) (int, error) {
	res, err := s.coll().UpdateMany(ctx, expiredFilter(now), dirtyUpdate(bson.E{Key: "ocopExpirySeen", Value: true}))
	if err != nil {
		return 0, err
	}
	return int(res.ModifiedCount), nil
}

// EachProduct walks every product by id.
func (s *CatalogStore) EachProduct(ctx context.Context, fn func(catalog.Product) error) error {
	cur, err := s.coll().Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(500))
	if err != nil {
		return err
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d productDoc
		if err := cur.Decode(&d); err != nil {
			return err
		}
		if err := fn(fromProductDoc(d)); err != nil {
			return err
		}
	}
	return cur.Err()
}
