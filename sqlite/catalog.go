package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/sellers"
)

// CatalogStore keeps products and their photos.
type CatalogStore struct{ db *DB }

var _ catalog.Store = (*CatalogStore)(nil)

// Catalog returns the products store.
func (db *DB) Catalog() *CatalogStore { return &CatalogStore{db: db} }

const productColumns = `id, seller_id, name, description, category_id, unit, price_vnd, price_tiers, stock, min_order_qty, sold,
	region_id, season, preorder, status, ocop_stars, ocop_number, ocop_issued_by, ocop_issued_at, ocop_expires_at,
	ocop_status, ocop_verified_by, ocop_verified_at, ocop_note, created_by, assisted, version, search_dirty, created_at, updated_at`

// tierJSON is a price tier in the price_tiers column; checkout reads it too.
type tierJSON struct {
	MinQty   int   `json:"minQty"`
	PriceVND int64 `json:"priceVnd"`
}

func encodeTiers(tiers []catalog.PriceTier) string {
	out := make([]tierJSON, len(tiers))
	for i, t := range tiers {
		out[i] = tierJSON{MinQty: t.MinQty, PriceVND: int64(t.Price)}
	}
	b, _ := json.Marshal(out) // cannot fail on ints
	return string(b)
}

func decodeTiers(s string) ([]catalog.PriceTier, error) {
	var in []tierJSON
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("sqlite: price_tiers: %w", err)
	}
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]catalog.PriceTier, len(in))
	for i, t := range in {
		out[i] = catalog.PriceTier{MinQty: t.MinQty, Price: market.VND(t.PriceVND)}
	}
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// expirySeen is the ocop_expiry_seen of a product written at its
// UpdatedAt: a certificate already expired then needs no later sweep,
// since the write itself sends the product to the index.
func expirySeen(p catalog.Product) int {
	c := p.OCOP
	return boolInt(c.Status == catalog.OCOPVerified && !c.ExpiresAt.IsZero() && !p.UpdatedAt.Before(c.ExpiresAt))
}

func productArgs(p catalog.Product) []any {
	c := p.OCOP
	return []any{p.ID, p.SellerID, p.Name, p.Description, p.CategoryID, p.Unit, int64(p.Price), encodeTiers(p.Tiers), p.Stock, p.MinOrderQty, p.Sold,
		p.RegionID, p.Season, boolInt(p.Preorder), string(p.Status), c.Stars, c.Number, string(c.IssuedBy), millis(c.IssuedAt), millis(c.ExpiresAt),
		string(c.Status), c.VerifiedBy, millis(c.VerifiedAt), c.Note, p.CreatedBy, boolInt(p.Assisted), p.Version, boolInt(p.SearchDirty),
		millis(p.CreatedAt), millis(p.UpdatedAt)}
}

// CreateProduct inserts a product and its photos in one transaction.
func (s *CatalogStore) CreateProduct(ctx context.Context, p catalog.Product) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		args := append(productArgs(p), expirySeen(p))
		_, err := tx.ExecContext(ctx, `INSERT INTO products (`+productColumns+`, ocop_expiry_seen)
			VALUES (`+placeholders(len(args))+`)`, args...)
		if isUnique(err) {
			return catalog.ErrExists
		}
		if err != nil {
			return err
		}
		return insertImages(ctx, tx, p.ID, p.Images)
	})
}

func insertImages(ctx context.Context, tx *sql.Tx, productID string, images []catalog.Image) error {
	for i, im := range images {
		_, err := tx.ExecContext(ctx, `INSERT INTO product_images (id, product_id, position, display_key, thumb_key, width, height, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, im.ID, productID, i, im.DisplayKey, im.ThumbKey, im.Width, im.Height, millis(im.CreatedAt))
		if isUnique(err) {
			return market.Errorf(market.Conflict, "Ảnh này đã có.", "This photo already exists.")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// scanProduct reads productColumns, then the extra columns that follow.
func scanProduct(row interface{ Scan(...any) error }, extra ...any) (catalog.Product, error) {
	var p catalog.Product
	var tiers, status, issuedBy, ocopStatus string
	var price, issuedAt, expiresAt, verifiedAt, created, updated int64
	var preorder, assisted, dirty int
	err := row.Scan(append([]any{&p.ID, &p.SellerID, &p.Name, &p.Description, &p.CategoryID, &p.Unit, &price, &tiers, &p.Stock, &p.MinOrderQty, &p.Sold,
		&p.RegionID, &p.Season, &preorder, &status, &p.OCOP.Stars, &p.OCOP.Number, &issuedBy, &issuedAt, &expiresAt,
		&ocopStatus, &p.OCOP.VerifiedBy, &verifiedAt, &p.OCOP.Note, &p.CreatedBy, &assisted, &p.Version, &dirty, &created, &updated}, extra...)...)
	if err != nil {
		return catalog.Product{}, notFound(err, catalog.ErrNotFound)
	}
	if p.Tiers, err = decodeTiers(tiers); err != nil {
		return catalog.Product{}, err
	}
	p.Price, p.Status, p.Preorder, p.Assisted, p.SearchDirty = market.VND(price), catalog.Status(status), preorder == 1, assisted == 1, dirty == 1
	p.OCOP.IssuedBy, p.OCOP.Status = catalog.IssuingLevel(issuedBy), catalog.OCOPStatus(ocopStatus)
	p.OCOP.IssuedAt, p.OCOP.ExpiresAt, p.OCOP.VerifiedAt = fromMillis(issuedAt), fromMillis(expiresAt), fromMillis(verifiedAt)
	p.CreatedAt, p.UpdatedAt = fromMillis(created), fromMillis(updated)
	return p, nil
}

// ProductByID returns a product with its photos.
func (s *CatalogStore) ProductByID(ctx context.Context, id string) (catalog.Product, error) {
	var p catalog.Product
	found := false
	err := s.db.hot.each(ctx, func(q hotQuery) error {
		var err error
		p, _, _, found, err = readProduct(q, id)
		return err
	})
	if err != nil {
		return catalog.Product{}, err
	}
	if !found {
		return catalog.Product{}, catalog.ErrNotFound
	}
	return p, nil
}

// ProductWithSeller returns a product with its photos and its seller: a
// product page's whole read. The product and its photos are one statement,
// so one snapshot; the seller comes from the cache when the seller epoch of
// that snapshot allows, else from a read transaction of its own, which is
// never older than the product's.
//
// With the page cache on, the page comes from memory once the changes of
// page_changes up to this moment are applied (none to read when the
// WAL-index shows no commit since the last time); a product read is kept
// there.
func (s *CatalogStore) ProductWithSeller(ctx context.Context, id string) (catalog.Product, sellers.Seller, error) {
	var p catalog.Product
	var sel sellers.Seller
	pages := s.db.pages
	if pages != nil {
		if mark, ok, current := pages.current(); !current {
			if err := s.db.hot.each(ctx, func(q hotQuery) error { return pages.follow(q) }); err != nil {
				return catalog.Product{}, sellers.Seller{}, err
			}
			if ok {
				pages.followed(mark)
			}
		}
		if p, sel, hit := pages.get(id); hit {
			pages.hits.Add(1)
			return p, sel, nil
		}
		pages.misses.Add(1)
	}
	found, sellerFound := false, false
	var at int64 // the newest row of page_changes in the product's snapshot
	err := s.db.hot.each(ctx, func(q hotQuery) error {
		var err error
		var epoch sql.NullInt64
		if p, epoch, at, found, err = readProduct(q, id); err != nil || !found {
			return err
		}
		if epoch.Valid {
			sel, sellerFound = s.db.sellers.get(epoch.Int64, p.SellerID)
		}
		return nil
	})
	if err == nil && found && !sellerFound {
		err = s.db.hot.read(ctx, func(q hotQuery) error {
			var err error
			sel, sellerFound, err = s.db.readSeller(q, p.SellerID)
			return err
		})
	}
	switch {
	case err != nil:
		return catalog.Product{}, sellers.Seller{}, err
	case !found:
		return catalog.Product{}, sellers.Seller{}, catalog.ErrNotFound
	case !sellerFound:
		return catalog.Product{}, sellers.Seller{}, sellers.ErrNotFound
	}
	if pages != nil {
		pages.keep(at, &p, &sel)
	}
	return p, sel, nil
}

// productPage is what a product page reads of a product: its columns, its
// photos as a JSON array, and the seller epoch and the newest row of
// page_changes, all of one snapshot: one statement instead of five
// (BEGIN, three reads, COMMIT), some 5 % less CPU per read; most of what
// remains is SQLite's b-tree walk. The photos are put in order in Go: an
// ORDER BY inside the aggregate opens a temporary b-tree on every read.
const productPage = productColumns + `,
	(SELECT json_group_array(json_object('id', id, 'displayKey', display_key, 'thumbKey', thumb_key,
		'width', width, 'height', height, 'createdAt', created_at, 'position', position))
		FROM product_images WHERE product_id = products.id),
	(SELECT n FROM seller_epoch WHERE id = 1),
	(SELECT coalesce(max(seq), 0) FROM page_changes)`

// productRead is a product page's statement.
const productRead = `SELECT ` + productPage + ` FROM products WHERE id = ?`

// imageJSON is a photo in productPage's array.
type imageJSON struct {
	ID         string `json:"id"`
	DisplayKey string `json:"displayKey"`
	ThumbKey   string `json:"thumbKey"`
	Width      int    `json:"width"`
	Height     int    `json:"height"`
	CreatedAt  int64  `json:"createdAt"`
	Position   int    `json:"position"`
}

// readProduct reads a product with its photos, the seller epoch of the
// same snapshot (not valid when its row is missing) and the newest row of
// page_changes in it.
func readProduct(q hotQuery, id string) (catalog.Product, sql.NullInt64, int64, bool, error) {
	var pr pageRow
	found := false
	err := q(productRead, []string{id}, func(r rawRow) error {
		found = true
		return pr.scan(r)
	})
	if err != nil || !found {
		return catalog.Product{}, pr.epoch, pr.at, false, err
	}
	return pr.p, pr.epoch, pr.at, true, nil
}

// pageRow is a row of productPage's columns.
type pageRow struct {
	p     catalog.Product
	epoch sql.NullInt64 // the seller epoch; not valid when its row is missing
	at    int64         // the newest row of page_changes
}

func (pr *pageRow) scan(r rawRow) error {
	var images string
	var err error
	*pr = pageRow{}
	if pr.p, err = scanProduct(r, &images, &pr.epoch, &pr.at); err != nil {
		return err
	}
	if images == "[]" {
		return nil
	}
	var list []imageJSON
	if err := json.Unmarshal([]byte(images), &list); err != nil {
		return fmt.Errorf("sqlite: photos of product %s: %w", pr.p.ID, err)
	}
	slices.SortFunc(list, func(a, b imageJSON) int { return cmp.Compare(a.Position, b.Position) })
	pr.p.Images = make([]catalog.Image, len(list))
	for i, im := range list {
		pr.p.Images[i] = catalog.Image{ID: im.ID, DisplayKey: im.DisplayKey, ThumbKey: im.ThumbKey,
			Width: im.Width, Height: im.Height, CreatedAt: fromMillis(im.CreatedAt)}
	}
	return nil
}

// loadImages fills the photos of the products in one query.
func loadImages(ctx context.Context, db querier, list []catalog.Product) error {
	if len(list) == 0 {
		return nil
	}
	at := make(map[string]int, len(list))
	args := make([]any, len(list))
	for i, p := range list {
		at[p.ID] = i
		args[i] = p.ID
	}
	rows, err := db.QueryContext(ctx, `SELECT product_id, id, display_key, thumb_key, width, height, created_at FROM product_images
		WHERE product_id IN (`+placeholders(len(list))+`) ORDER BY product_id, position`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var pid string
		var im catalog.Image
		var created int64
		if err := rows.Scan(&pid, &im.ID, &im.DisplayKey, &im.ThumbKey, &im.Width, &im.Height, &created); err != nil {
			return err
		}
		im.CreatedAt = fromMillis(created)
		i := at[pid]
		list[i].Images = append(list[i].Images, im)
	}
	return rows.Err()
}

// bump runs a versioned write: the UPDATE must match one row at
// expectedVersion, else the product is missing or stale.
func bump(ctx context.Context, tx *sql.Tx, res sql.Result, id string) error {
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var one int
	if err := tx.QueryRowContext(ctx, `SELECT 1 FROM products WHERE id = ?`, id).Scan(&one); err != nil {
		return notFound(err, catalog.ErrNotFound)
	}
	return catalog.ErrStale
}

// UpdateProduct replaces the edited fields if the version is unchanged.
func (s *CatalogStore) UpdateProduct(ctx context.Context, p catalog.Product, expectedVersion int64) error {
	c := p.OCOP
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE products SET name = ?, description = ?, category_id = ?, unit = ?, price_vnd = ?, price_tiers = ?,
			stock = ?, min_order_qty = ?, region_id = ?, season = ?, preorder = ?, status = ?,
			ocop_stars = ?, ocop_number = ?, ocop_issued_by = ?, ocop_issued_at = ?, ocop_expires_at = ?, ocop_status = ?,
			ocop_verified_by = ?, ocop_verified_at = ?, ocop_note = ?, ocop_expiry_seen = ?,
			version = version + 1, search_dirty = 1, updated_at = ?
			WHERE id = ? AND version = ?`,
			p.Name, p.Description, p.CategoryID, p.Unit, int64(p.Price), encodeTiers(p.Tiers),
			p.Stock, p.MinOrderQty, p.RegionID, p.Season, boolInt(p.Preorder), string(p.Status),
			c.Stars, c.Number, string(c.IssuedBy), millis(c.IssuedAt), millis(c.ExpiresAt), string(c.Status),
			c.VerifiedBy, millis(c.VerifiedAt), c.Note, expirySeen(p), millis(p.UpdatedAt), p.ID, expectedVersion)
		if err != nil {
			return err
		}
		return bump(ctx, tx, res, p.ID)
	})
}

// SetImages replaces the photos if the version is unchanged.
func (s *CatalogStore) SetImages(ctx context.Context, productID string, images []catalog.Image, expectedVersion int64) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE products SET version = version + 1, search_dirty = 1, updated_at = ?
			WHERE id = ? AND version = ?`, millis(s.db.Now()), productID, expectedVersion)
		if err != nil {
			return err
		}
		if err := bump(ctx, tx, res, productID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM product_images WHERE product_id = ?`, productID); err != nil {
			return err
		}
		return insertImages(ctx, tx, productID, images)
	})
}

// productListQuery builds the listing query of a filter.
func productListQuery(f catalog.Filter) (string, []any) {
	var where []string
	var args []any
	if f.SellerID != "" {
		where = append(where, "seller_id = ?")
		args = append(args, f.SellerID)
	}
	if len(f.Statuses) > 0 {
		where = append(where, "status IN ("+placeholders(len(f.Statuses))+")")
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
	}
	if f.PublicOnly {
		where = append(where, "status = 'active' AND seller_id IN (SELECT id FROM sellers WHERE status = 'verified')")
	}
	if f.After != "" {
		where = append(where, "id > ?")
		args = append(args, f.After)
	}
	q := `SELECT ` + productColumns + ` FROM products`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id LIMIT ?"
	args = append(args, pageLimit(f.Limit)+1)
	return q, args
}

// ListProducts returns a page of products ordered by id.
func (s *CatalogStore) ListProducts(ctx context.Context, f catalog.Filter) (catalog.Page, error) {
	q, args := productListQuery(f)
	list, err := s.query(ctx, q, args...)
	if err != nil {
		return catalog.Page{}, err
	}
	var page catalog.Page
	if n := pageLimit(f.Limit); len(list) > n {
		list = list[:n]
		page.Next = list[n-1].ID
	}
	page.Items = list
	return page, nil
}

func (s *CatalogStore) query(ctx context.Context, q string, args ...any) ([]catalog.Product, error) {
	rows, err := s.db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var list []catalog.Product
	for rows.Next() {
		p, err := scanProduct(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return list, loadImages(ctx, s.db.read, list)
}

// dirtyProducts is the search syncer's page of products to index: the
// partial index products_search_dirty is in id order (migration 0062).
const dirtyProducts = `SELECT ` + productColumns + ` FROM products WHERE search_dirty = 1 ORDER BY id LIMIT ?`

// DirtyProducts returns products the search index has not seen yet.
func (s *CatalogStore) DirtyProducts(ctx context.Context, limit int) ([]catalog.Product, error) {
	return s.query(ctx, dirtyProducts, pageLimit(limit))
}

// pendingCertificatesQuery selects the listings whose certificate awaits
// an official, longest waiting first.
func pendingCertificatesQuery(f catalog.CertificateFilter) (string, []any) {
	q := `SELECT ` + productColumns + ` FROM products WHERE ocop_status = 'pending' AND status <> 'archived'`
	var args []any
	if len(f.RegionIDs) > 0 {
		q += ` AND region_id IN (` + placeholders(len(f.RegionIDs)) + `)`
		for _, id := range f.RegionIDs {
			args = append(args, id)
		}
	}
	return q + ` ORDER BY updated_at, id LIMIT ?`, append(args, pageLimit(f.Limit))
}

// PendingCertificates returns listings whose certificate awaits an official.
func (s *CatalogStore) PendingCertificates(ctx context.Context, f catalog.CertificateFilter) ([]catalog.Product, error) {
	q, args := pendingCertificatesQuery(f)
	return s.query(ctx, q, args...)
}

// MarkClean clears the search flag if the version is unchanged.
func (s *CatalogStore) MarkClean(ctx context.Context, id string, version int64) (bool, error) {
	res, err := s.db.write.ExecContext(ctx, `UPDATE products SET search_dirty = 0 WHERE id = ? AND version = ? AND search_dirty = 1`, id, version)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// MarkSellerProductsDirty flags every product of a seller.
func (s *CatalogStore) MarkSellerProductsDirty(ctx context.Context, sellerID string) (int, error) {
	res, err := s.db.write.ExecContext(ctx, `UPDATE products SET search_dirty = 1, version = version + 1 WHERE seller_id = ?`, sellerID)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// MarkExpiredCertificatesDirty flags, once, products whose verified
// certificate has expired by now.
func (s *CatalogStore) MarkExpiredCertificatesDirty(ctx context.Context, now time.Time) (int, error) {
	res, err := s.db.write.ExecContext(ctx, `UPDATE products SET search_dirty = 1, version = version + 1, ocop_expiry_seen = 1
		WHERE ocop_status = 'verified' AND ocop_expires_at > 0 AND ocop_expires_at <= ? AND ocop_expiry_seen = 0`, millis(now))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// EachProduct walks every product by id, a page at a time, so no read
// transaction stays open for the whole walk.
func (s *CatalogStore) EachProduct(ctx context.Context, fn func(catalog.Product) error) error {
	after := ""
	for {
		list, err := s.query(ctx, `SELECT `+productColumns+` FROM products WHERE id > ? ORDER BY id LIMIT 500`, after)
		if err != nil {
			return err
		}
		for _, p := range list {
			if err := fn(p); err != nil {
				return err
			}
		}
		if len(list) < 500 {
			return nil
		}
		after = list[len(list)-1].ID
	}
}
