package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/sellers"
)

// SellerStore keeps sellers and their helpers.
type SellerStore struct{ db *DB }

var _ sellers.Store = (*SellerStore)(nil)

// Sellers returns the sellers store.
func (db *DB) Sellers() *SellerStore { return &SellerStore{db: db} }

const sellerColumns = `id, owner_account_id, kind, name, phone, zalo, region_id, address, story,
	bank_bin, bank_account_number, bank_holder, shipping_fee_vnd, free_shipping_over_vnd,
	status, status_note, status_by, status_at, verified_by, verified_at, first_verified_at, version, created_at, updated_at`

// CreateSeller inserts a seller.
func (s *SellerStore) CreateSeller(ctx context.Context, x sellers.Seller) error {
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO sellers (`+sellerColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		x.ID, x.OwnerID, string(x.Kind), x.Name, string(x.Phone), x.Zalo, x.RegionID, x.Address, x.Story,
		x.Bank.BIN, x.Bank.AccountNumber, x.Bank.Holder, int64(x.ShippingFee), int64(x.FreeShippingOver),
		string(x.Status), x.StatusNote, x.StatusBy, millis(x.StatusAt), x.VerifiedBy, millis(x.VerifiedAt), millis(x.FirstVerifiedAt),
		x.Version, millis(x.CreatedAt), millis(x.UpdatedAt))
	if isUnique(err) {
		return market.Errorf(market.Conflict, "Cửa hàng này đã có.", "This seller already exists.")
	}
	return err
}

func scanSeller(row interface{ Scan(...any) error }) (sellers.Seller, error) {
	var x sellers.Seller
	var kind, phone, status string
	var fee, free, statusAt, verifiedAt, firstVerifiedAt, created, updated int64
	err := row.Scan(&x.ID, &x.OwnerID, &kind, &x.Name, &phone, &x.Zalo, &x.RegionID, &x.Address, &x.Story,
		&x.Bank.BIN, &x.Bank.AccountNumber, &x.Bank.Holder, &fee, &free,
		&status, &x.StatusNote, &x.StatusBy, &statusAt, &x.VerifiedBy, &verifiedAt, &firstVerifiedAt, &x.Version, &created, &updated)
	if err != nil {
		return sellers.Seller{}, notFound(err, sellers.ErrNotFound)
	}
	x.Kind, x.Phone, x.Status = sellers.Kind(kind), market.Phone(phone), sellers.Status(status)
	x.ShippingFee, x.FreeShippingOver = market.VND(fee), market.VND(free)
	x.StatusAt, x.VerifiedAt, x.FirstVerifiedAt = fromMillis(statusAt), fromMillis(verifiedAt), fromMillis(firstVerifiedAt)
	x.CreatedAt, x.UpdatedAt = fromMillis(created), fromMillis(updated)
	return x, nil
}

// SellerByID returns a seller with its helpers.
func (s *SellerStore) SellerByID(ctx context.Context, id string) (sellers.Seller, error) {
	var x sellers.Seller
	found := false
	err := s.db.hot.read(ctx, func(q hotQuery) error {
		var err error
		x, found, err = s.db.readSeller(q, id)
		return err
	})
	if err != nil {
		return sellers.Seller{}, err
	}
	if !found {
		return sellers.Seller{}, sellers.ErrNotFound
	}
	return x, nil
}

// loadHelpers fills the helpers of the given sellers in one query.
func (s *SellerStore) loadHelpers(ctx context.Context, list []*sellers.Seller) error {
	if len(list) == 0 {
		return nil
	}
	at := make(map[string]*sellers.Seller, len(list))
	args := make([]any, len(list))
	for i, x := range list {
		at[x.ID] = x
		args[i] = x.ID
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT seller_id, account_id, added_by, added_at FROM seller_helpers
		WHERE seller_id IN (`+placeholders(len(list))+`) ORDER BY added_at, account_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var sellerID string
		var h sellers.Helper
		var added int64
		if err := rows.Scan(&sellerID, &h.AccountID, &h.AddedBy, &added); err != nil {
			return err
		}
		h.AddedAt = fromMillis(added)
		at[sellerID].Helpers = append(at[sellerID].Helpers, h)
	}
	return rows.Err()
}

// UpdateSeller replaces the mutable fields if the version is unchanged.
func (s *SellerStore) UpdateSeller(ctx context.Context, x sellers.Seller, expectedVersion int64) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sellers SET kind = ?, name = ?, phone = ?, zalo = ?, region_id = ?, address = ?, story = ?,
			bank_bin = ?, bank_account_number = ?, bank_holder = ?, shipping_fee_vnd = ?, free_shipping_over_vnd = ?,
			status = ?, status_note = ?, status_by = ?, status_at = ?, verified_by = ?, verified_at = ?, first_verified_at = ?,
			version = ?, updated_at = ? WHERE id = ? AND version = ?`,
			string(x.Kind), x.Name, string(x.Phone), x.Zalo, x.RegionID, x.Address, x.Story,
			x.Bank.BIN, x.Bank.AccountNumber, x.Bank.Holder, int64(x.ShippingFee), int64(x.FreeShippingOver),
			string(x.Status), x.StatusNote, x.StatusBy, millis(x.StatusAt), x.VerifiedBy, millis(x.VerifiedAt), millis(x.FirstVerifiedAt),
			expectedVersion+1, millis(x.UpdatedAt), x.ID, expectedVersion)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM sellers WHERE id = ?`, x.ID).Scan(&one); err != nil {
			return notFound(err, sellers.ErrNotFound)
		}
		return sellers.ErrStale
	})
}

// sellerListQuery builds the listing query of a filter.
func sellerListQuery(f sellers.Filter) (string, []any) {
	var where []string
	var args []any
	if len(f.RegionIDs) > 0 {
		where = append(where, "region_id IN ("+placeholders(len(f.RegionIDs))+")")
		for _, r := range f.RegionIDs {
			args = append(args, r)
		}
	}
	if f.Status != "" {
		where = append(where, "status = ?")
		args = append(args, string(f.Status))
	}
	if f.Kind != "" {
		where = append(where, "kind = ?")
		args = append(args, string(f.Kind))
	}
	if f.After != "" {
		where = append(where, "id > ?")
		args = append(args, f.After)
	}
	q := `SELECT ` + sellerColumns + ` FROM sellers`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id LIMIT ?"
	args = append(args, pageLimit(f.Limit)+1)
	return q, args
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
	q, args := sellerListQuery(f)
	list, err := s.query(ctx, q, args...)
	if err != nil {
		return sellers.Page{}, err
	}
	var page sellers.Page
	if n := pageLimit(f.Limit); len(list) > n {
		list = list[:n]
		page.Next = list[n-1].ID
	}
	page.Items = list
	return page, nil
}

func (s *SellerStore) query(ctx context.Context, q string, args ...any) ([]sellers.Seller, error) {
	rows, err := s.db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var list []sellers.Seller
	for rows.Next() {
		x, err := scanSeller(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ptrs := make([]*sellers.Seller, len(list))
	for i := range list {
		ptrs[i] = &list[i]
	}
	return list, s.loadHelpers(ctx, ptrs)
}

// SellersOfAccount returns the sellers the account owns or helps.
func (s *SellerStore) SellersOfAccount(ctx context.Context, accountID string) ([]sellers.Seller, error) {
	return s.query(ctx, `SELECT `+sellerColumns+` FROM sellers WHERE owner_account_id = ?
		OR id IN (SELECT seller_id FROM seller_helpers WHERE account_id = ?) ORDER BY id`, accountID, accountID)
}

// AddHelper adds a helper to a seller.
func (s *SellerStore) AddHelper(ctx context.Context, sellerID string, h sellers.Helper) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM sellers WHERE id = ?`, sellerID).Scan(&one); err != nil {
			return notFound(err, sellers.ErrNotFound)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO seller_helpers (seller_id, account_id, added_by, added_at) VALUES (?, ?, ?, ?)`,
			sellerID, h.AccountID, h.AddedBy, millis(h.AddedAt))
		if isUnique(err) {
			return sellers.ErrHelperExists
		}
		return err
	})
}

// RemoveHelper removes a helper from a seller.
func (s *SellerStore) RemoveHelper(ctx context.Context, sellerID, accountID string) error {
	res, err := s.db.write.ExecContext(ctx, `DELETE FROM seller_helpers WHERE seller_id = ? AND account_id = ?`, sellerID, accountID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return sellers.ErrHelperNotFound
	}
	return nil
}
