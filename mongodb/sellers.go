package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/sellers"
)

// SellerStore keeps sellers; helpers live inside the seller document.
type SellerStore struct{ db *DB }

var _ sellers.Store = (*SellerStore)(nil)

// Sellers returns the sellers store.
func (db *DB) Sellers() *SellerStore { return &SellerStore{db: db} }

type helperDoc struct {
	AccountID string    `bson:"accountId"`
	AddedBy   string    `bson:"addedBy"`
	AddedAt   time.Time `bson:"addedAt"`
}

type sellerDoc struct {
	ID                  string      `bson:"_id"`
	OwnerID             string      `bson:"ownerId"`
	Kind                string      `bson:"kind"`
	Name                string      `bson:"name"`
	Phone               string      `bson:"phone"`
	Zalo                string      `bson:"zalo"`
	RegionID            string      `bson:"regionId"`
	Address             string      `bson:"address"`
	Story               string      `bson:"story"`
	Bank                bankDoc     `bson:"bank"`
	ShippingFeeVND      int64       `bson:"shippingFeeVnd"`
	FreeShippingOverVND int64       `bson:"freeShippingOverVnd"`
	Status              string      `bson:"status"`
	StatusNote          string      `bson:"statusNote"`
	StatusBy            string      `bson:"statusBy"`
	StatusAt            time.Time   `bson:"statusAt"`
	VerifiedBy          string      `bson:"verifiedBy"`
	VerifiedAt          time.Time   `bson:"verifiedAt"`
	FirstVerifiedAt     time.Time   `bson:"firstVerifiedAt"`
	Helpers             []helperDoc `bson:"helpers"`
	Version             int64       `bson:"version"`
	CreatedAt           time.Time   `bson:"createdAt"`
	UpdatedAt           time.Time   `bson:"updatedAt"`
}

func toSellerDoc(s sellers.Seller) sellerDoc {
	d := sellerDoc{ID: s.ID, OwnerID: s.OwnerID, Kind: string(s.Kind), Name: s.Name, Phone: string(s.Phone), Zalo: s.Zalo,
		RegionID: s.RegionID, Address: s.Address, Story: s.Story, Bank: bankDoc(s.Bank),
		ShippingFeeVND: int64(s.ShippingFee), FreeShippingOverVND: int64(s.FreeShippingOver), Status: string(s.Status),
		StatusNote: s.StatusNote, StatusBy: s.StatusBy, StatusAt: s.StatusAt.UTC(), VerifiedBy: s.VerifiedBy, VerifiedAt: s.VerifiedAt.UTC(),
		FirstVerifiedAt: s.FirstVerifiedAt.UTC(),
		Helpers:         []helperDoc{}, Version: s.Version, CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC()}
	for _, h := range s.Helpers {
		d.Helpers = append(d.Helpers, helperDoc{AccountID: h.AccountID, AddedBy: h.AddedBy, AddedAt: h.AddedAt.UTC()})
	}
	return d
}

// utc turns a stored time back into the domain's: UTC, and the zero time
// for the zero time.

func fromSellerDoc(d sellerDoc) sellers.Seller {
	s := sellers.Seller{ID: d.ID, OwnerID: d.OwnerID, Kind: sellers.Kind(d.Kind), Name: d.Name, Phone: market.Phone(d.Phone), Zalo: d.Zalo,
		RegionID: d.RegionID, Address: d.Address, Story: d.Story, Bank: sellers.Bank(d.Bank),
		ShippingFee: market.VND(d.ShippingFeeVND), FreeShippingOver: market.VND(d.FreeShippingOverVND), Status: sellers.Status(d.Status),
		StatusNote: d.StatusNote, StatusBy: d.StatusBy, StatusAt: utc(d.StatusAt), VerifiedBy: d.VerifiedBy, VerifiedAt: utc(d.VerifiedAt),
		FirstVerifiedAt: utc(d.FirstVerifiedAt),
		Version:         d.Version, CreatedAt: utc(d.CreatedAt), UpdatedAt: utc(d.UpdatedAt)}
	for _, h := range d.Helpers {
		s.Helpers = append(s.Helpers, sellers.Helper{AccountID: h.AccountID, AddedBy: h.AddedBy, AddedAt: utc(h.AddedAt)})
	}
	return s
}

func (s *SellerStore) coll() *mongo.Collection { return s.db.db.Collection("sellers") }

// CreateSeller inserts a seller.
func (s *SellerStore) CreateSeller(ctx context.Context, x sellers.Seller) error {
	_, err := s.coll().InsertOne(ctx, toSellerDoc(x))
	if isDuplicate(err) {
		return market.Errorf(market.Conflict, "Cửa hàng này đã có.", "This seller already exists.")
	}
	return err
}

// SellerByID returns a seller with its helpers.
func (s *SellerStore) SellerByID(ctx context.Context, id string) (sellers.Seller, error) {
	var d sellerDoc
	err := s.coll().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if isNoDocuments(err) {
		return sellers.Seller{}, sellers.ErrNotFound
	}
	if err != nil {
		return sellers.Seller{}, err
	}
	return fromSellerDoc(d), nil
}

// sellerUpdate is the update of UpdateSeller: every mutable field but the helpers.
func sellerUpdate(x sellers.Seller, expectedVersion int64) bson.D {
	d := toSellerDoc(x)
	return bson.D{{Key: "$set", Value: bson.D{
		{Key: "kind", Value: d.Kind}, {Key: "name", Value: d.Name}, {Key: "phone", Value: d.Phone}, {Key: "zalo", Value: d.Zalo},
		{Key: "regionId", Value: d.RegionID}, {Key: "address", Value: d.Address}, {Key: "story", Value: d.Story}, {Key: "bank", Value: d.Bank},
		{Key: "shippingFeeVnd", Value: d.ShippingFeeVND}, {Key: "freeShippingOverVnd", Value: d.FreeShippingOverVND},
		{Key: "status", Value: d.Status}, {Key: "statusNote", Value: d.StatusNote}, {Key: "statusBy", Value: d.StatusBy}, {Key: "statusAt", Value: d.StatusAt},
		{Key: "verifiedBy", Value: d.VerifiedBy}, {Key: "verifiedAt", Value: d.VerifiedAt}, {Key: "firstVerifiedAt", Value: d.FirstVerifiedAt},
		{Key: "version", Value: expectedVersion + 1}, {Key: "updatedAt", Value: d.UpdatedAt},
	}}}
}

// versioned is the filter of a write guarded by a version.
func versioned(id string, version int64) bson.D {
	return bson.D{{Key: "_id", Value: id}, {Key: "version", Value: version}}
}

// missingOrStale tells why a versioned write matched nothing.
func missingOrStale(ctx context.Context, c *mongo.Collection, id string, nf, stale error) error {
	n, err := c.CountDocuments(ctx, bson.D{{Key: "_id", Value: id}}, options.Count().SetLimit(1))
	if err != nil {
		return err
	}
	if n == 0 {
		return nf
	}
	return stale
}

// UpdateSeller replaces the mutable fields if the version is unchanged.
func (s *SellerStore) UpdateSeller(ctx context.Context, x sellers.Seller, expectedVersion int64) error {
	res, err := s.coll().UpdateOne(ctx, versioned(x.ID, expectedVersion), sellerUpdate(x, expectedVersion))
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return missingOrStale(ctx, s.coll(), x.ID, sellers.ErrNotFound, sellers.ErrStale)
	}
	return nil
}

// sellerListFilter is the query of a listing.
func sellerListFilter(f sellers.Filter) bson.D {
	q := bson.D{}
	if len(f.RegionIDs) > 0 {
		q = append(q, bson.E{Key: "regionId", Value: bson.D{{Key: "$in", Value: f.RegionIDs}}})
	}
	if f.Status != "" {
		q = append(q, bson.E{Key: "status", Value: string(f.Status)})
	}
	if f.Kind != "" {
		q = append(q, bson.E{Key: "kind", Value: string(f.Kind)})
	}
	if f.After != "" {
		q = append(q, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: f.After}}})
	}
	return q
}

// pageLimit makes a store-level page size sensible.
func pageLimit(n int) int {
	if n <= 0 || n > 1000 {
		return 100
	}
	return n
}

// ListSellers returns a page of sellers ordered by id.
func (s *SellerStore) ListSellers(ctx context.Context, f sellers.Filter) (sellers.Page, error) {
	n := pageLimit(f.Limit)
	list, err := s.find(ctx, sellerListFilter(f), int64(n+1))
	if err != nil {
		return sellers.Page{}, err
	}
	var page sellers.Page
	if len(list) > n {
		list = list[:n]
		page.Next = list[n-1].ID
	}
	page.Items = list
	return page, nil
}

func (s *SellerStore) find(ctx context.Context, filter bson.D, limit int64) ([]sellers.Seller, error) {
	opts := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}})
	if limit > 0 {
		opts.SetLimit(limit)
	}
	cur, err := s.coll().Find(ctx, filter, opts)
	if err != nil {
		return nil, err
	}
	var docs []sellerDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	var out []sellers.Seller
	for _, d := range docs {
		out = append(out, fromSellerDoc(d))
	}
	return out, nil
}

// sellersOfAccountFilter finds the sellers an account owns or helps.
func sellersOfAccountFilter(accountID string) bson.D {
	return bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "ownerId", Value: accountID}},
		bson.D{{Key: "helpers.accountId", Value: accountID}},
	}}}
}

// SellersOfAccount returns the sellers the account owns or helps.
func (s *SellerStore) SellersOfAccount(ctx context.Context, accountID string) ([]sellers.Seller, error) {
	return s.find(ctx, sellersOfAccountFilter(accountID), 0)
}

// addHelperUpdate pushes a helper unless the account already is one.
func addHelperUpdate(sellerID string, h sellers.Helper) (filter, update bson.D) {
	filter = bson.D{{Key: "_id", Value: sellerID}, {Key: "helpers.accountId", Value: bson.D{{Key: "$ne", Value: h.AccountID}}}}
	update = bson.D{{Key: "$push", Value: bson.D{{Key: "helpers", Value: helperDoc{AccountID: h.AccountID, AddedBy: h.AddedBy, AddedAt: h.AddedAt.UTC()}}}}}
	return filter, update
}

// AddHelper adds a helper to a seller.
func (s *SellerStore) AddHelper(ctx context.Context, sellerID string, h sellers.Helper) error {
	filter, update := addHelperUpdate(sellerID, h)
	res, err := s.coll().UpdateOne(ctx, filter, update)
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return missingOrStale(ctx, s.coll(), sellerID, sellers.ErrNotFound, sellers.ErrHelperExists)
	}
	return nil
}

// RemoveHelper removes a helper from a seller.
func (s *SellerStore) RemoveHelper(ctx context.Context, sellerID, accountID string) error {
	res, err := s.coll().UpdateOne(ctx,
		bson.D{{Key: "_id", Value: sellerID}, {Key: "helpers.accountId", Value: accountID}},
		bson.D{{Key: "$pull", Value: bson.D{{Key: "helpers", Value: bson.D{{Key: "accountId", Value: accountID}}}}}})
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return missingOrStale(ctx, s.coll(), sellerID, sellers.ErrNotFound, sellers.ErrHelperNotFound)
	}
	return nil
}
