package sqlite

import (
	"slices"
	"sync"

	"github.com/ocopmarket/market/sellers"
)

// sellerCache keeps the sellers that product pages show. A page of any of
// a seller's products needs the seller (its name, status, shipping fee);
// there are few sellers and many pages, and reading a seller with its
// helpers was a fifth of the CPU of GET /api/v1/products/{id}.
//
// Entries are valid for one value of seller_epoch, a counter that
// triggers move inside every transaction that changes a seller or its
// helpers, whatever process or code path makes it (migration 0061). A
// reader takes the counter in its own read transaction and uses an entry
// only when both agree, so it never sees a seller older than the snapshot
// it reads the product in.
type sellerCache struct {
	mu    sync.RWMutex
	epoch int64
	m     map[string]sellers.Seller
}

// maxCachedSellers bounds the cache; when it is full it starts again.
const maxCachedSellers = 20000

// get returns the seller as of epoch, if the cache holds it.
func (c *sellerCache) get(epoch int64, id string) (sellers.Seller, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if epoch != c.epoch {
		return sellers.Seller{}, false
	}
	s, ok := c.m[id]
	if ok {
		s.Helpers = slices.Clone(s.Helpers)
	}
	return s, ok
}

// put remembers a seller read at epoch. A newer epoch empties the cache;
// a seller read at an older one is not kept.
func (c *sellerCache) put(epoch int64, s sellers.Seller) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch < c.epoch {
		return
	}
	if epoch > c.epoch || c.m == nil || len(c.m) >= maxCachedSellers {
		c.epoch, c.m = epoch, make(map[string]sellers.Seller)
	}
	s.Helpers = slices.Clone(s.Helpers)
	c.m[s.ID] = s
}

// readSeller reads a seller with its helpers in the read transaction of
// q, from the cache when the seller epoch allows.
func (db *DB) readSeller(q hotQuery, id string) (sellers.Seller, bool, error) {
	var epoch int64
	counted := false // without its row the counter says nothing: no cache
	if err := q(`SELECT n FROM seller_epoch WHERE id = 1`, nil, func(r rawRow) error { counted = true; return r.Scan(&epoch) }); err != nil {
		return sellers.Seller{}, false, err
	}
	if s, ok := db.sellers.get(epoch, id); counted && ok {
		return s, true, nil
	}
	var x sellers.Seller
	found := false
	err := q(`SELECT `+sellerColumns+` FROM sellers WHERE id = ?`, []string{id}, func(r rawRow) error {
		var err error
		x, err = scanSeller(r)
		found = true
		return err
	})
	if err != nil || !found {
		return sellers.Seller{}, false, err
	}
	err = q(`SELECT account_id, added_by, added_at FROM seller_helpers
		WHERE seller_id = ? ORDER BY added_at, account_id`, []string{id}, func(r rawRow) error {
		var h sellers.Helper
		var added int64
		if err := r.Scan(&h.AccountID, &h.AddedBy, &added); err != nil {
			return err
		}
		h.AddedAt = fromMillis(added)
		x.Helpers = append(x.Helpers, h)
		return nil
	})
	if err != nil {
		return sellers.Seller{}, false, err
	}
	if counted {
		db.sellers.put(epoch, x)
	}
	return x, true, nil
}
