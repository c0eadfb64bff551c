package search

import (
	"context"
	"errors"
	"iter"
	"log/slog"
	"sync"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/sellers"
)

// Products is what the syncer needs of the records of products;
// catalog.Store implements it.
type Products interface {
	DirtyProducts(ctx context.Context, limit int) ([]catalog.Product, error)
	MarkClean(ctx context.Context, id string, version int64) (bool, error)
	MarkSellerProductsDirty(ctx context.Context, sellerID string) (int, error)
	EachProduct(ctx context.Context, fn func(catalog.Product) error) error
}

// Sellers loads sellers; sellers.Store implements it.
type Sellers interface {
	SellerByID(ctx context.Context, id string) (sellers.Seller, error)
}

// Lease takes or renews the named lease for holder until now+ttl and
// reports whether holder has it.
type Lease func(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)

// LeaseName is the lease the syncer holds, so that one instance syncs.
const LeaseName = "search-sync"

// SyncOptions are the collaborators and timings of a Syncer. Index,
// Products and Sellers are required; the rest have defaults.
type SyncOptions struct {
	Index    Index
	Products Products
	Sellers  Sellers
	Places   Places
	// Lease, when set, is taken before syncing; without it this instance
	// always syncs (one instance, or tests).
	Lease  Lease
	Holder string
	Clock  market.Clock
	Logger *slog.Logger

	// BatchSize is how many dirty products one round takes (default 500).
	BatchSize int
	// MinPoll is the pause after a round that found work (default 100 ms);
	// idle rounds double it up to MaxPoll (default 400 ms), which bounds
	// how long a change waits before the syncer sees it.
	MinPoll, MaxPoll time.Duration
	// MaxBackoff bounds the pause between retries while the index or the
	// store fails (default 30 s); retries start at MinPoll and double.
	MaxBackoff time.Duration
	// LeaseTTL is how long the lease lasts without renewal (default 15 s);
	// it is renewed every third of it.
	LeaseTTL time.Duration
}

// Syncer keeps the index in step with the records: it takes the products
// marked dirty by their writes, pushes visible ones to the index and
// deletes the others, then clears the flag only where the version is the
// one it read. A crash at any point leaves a product dirty, never lost; a
// product changed meanwhile stays dirty and is synced again.
type Syncer struct {
	o SyncOptions

	mu      sync.Mutex
	pending map[string]time.Time // dirty products seen, when first seen
	backlog int
	holding bool
	failing bool
	leaseAt time.Time
	// prepared is set once the index has its settings.
	prepared bool
}

// NewSyncer returns a Syncer; call Run to start it.
func NewSyncer(o SyncOptions) *Syncer {
	if o.Clock == nil {
		o.Clock = market.SystemClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 500
	}
	if o.MinPoll <= 0 {
		o.MinPoll = 100 * time.Millisecond
	}
	if o.MaxPoll < o.MinPoll {
		o.MaxPoll = max(4*o.MinPoll, 400*time.Millisecond)
	}
	if o.MaxBackoff < o.MinPoll {
		o.MaxBackoff = 30 * time.Second
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = 15 * time.Second
	}
	if o.Holder == "" {
		o.Holder = market.NewID()
	}
	return &Syncer{o: o, pending: map[string]time.Time{}}
}

// SyncStatus is how far behind the index is, as this instance sees it.
type SyncStatus struct {
	// Syncing is true while this instance holds the lease; the other
	// instances report nothing waiting.
	Syncing bool
	// Backlog counts the products found waiting at the last round, up to
	// the batch size: a full batch means at least that many.
	Backlog int
	// Lag is the age of the oldest change still waiting for the index,
	// from when the syncer first saw it; 0 when none waits.
	Lag time.Duration
	// Failing is true while rounds fail (the index or the store is down).
	Failing bool
}

// Status reports the syncer's state, for metrics.
func (s *Syncer) Status() SyncStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := SyncStatus{Syncing: s.holding, Failing: s.failing}
	if !s.holding {
		return st
	}
	st.Backlog = s.backlog
	now := s.o.Clock.Now()
	for _, seen := range s.pending {
		if lag := now.Sub(seen); lag > st.Lag {
			st.Lag = lag
		}
	}
	return st
}

// Run syncs until ctx ends: quickly while there is work, at most MaxPoll
// apart when idle, backing off exponentially while rounds fail.
func (s *Syncer) Run(ctx context.Context) {
	idle := s.o.MinPoll
	backoff := time.Duration(0)
	wait := time.Duration(0)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		n, err := s.round(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			backoff = min(max(2*backoff, s.o.MinPoll), s.o.MaxBackoff)
			wait = backoff
			s.fail(err, backoff)
		case n < 0: // another instance holds the lease
			backoff, idle = 0, s.o.MinPoll
			wait = s.o.LeaseTTL / 3
			s.recover()
		case n == s.o.BatchSize:
			backoff, idle, wait = 0, s.o.MinPoll, 0
			s.recover()
		case n > 0:
			backoff, idle, wait = 0, s.o.MinPoll, s.o.MinPoll
			s.recover()
		default:
			backoff, wait = 0, idle
			idle = min(2*idle, s.o.MaxPoll)
			s.recover()
		}
		timer.Reset(wait)
	}
}

func (s *Syncer) fail(err error, retry time.Duration) {
	s.mu.Lock()
	first := !s.failing
	s.failing = true
	s.mu.Unlock()
	if first {
		s.o.Logger.Warn("search sync failed; retrying with backoff", "err", err, "retryIn", retry)
	} else {
		s.o.Logger.Debug("search sync still failing", "err", err, "retryIn", retry)
	}
}

func (s *Syncer) recover() {
	s.mu.Lock()
	was := s.failing
	s.failing = false
	s.mu.Unlock()
	if was {
		s.o.Logger.Info("search sync recovered")
	}
}

// round takes or renews the lease when due, then syncs one batch. It
// returns -1 when another instance holds the lease.
func (s *Syncer) round(ctx context.Context) (int, error) {
	if s.o.Lease != nil {
		now := s.o.Clock.Now()
		s.mu.Lock()
		due := !s.holding || now.Sub(s.leaseAt) >= s.o.LeaseTTL/3
		s.mu.Unlock()
		if due {
			ok, err := s.o.Lease(ctx, LeaseName, s.o.Holder, s.o.LeaseTTL)
			if err != nil {
				return 0, err
			}
			s.mu.Lock()
			s.holding, s.leaseAt = ok, now
			if !ok {
				s.backlog, s.pending = 0, map[string]time.Time{}
			}
			s.mu.Unlock()
			if !ok {
				return -1, nil
			}
		}
	} else {
		s.mu.Lock()
		s.holding = true
		s.mu.Unlock()
	}
	// An engine that was down at start gets its settings before any write.
	s.mu.Lock()
	prepared := s.prepared
	s.mu.Unlock()
	if !prepared {
		if err := s.o.Index.Prepare(ctx); err != nil {
			return 0, err
		}
		s.mu.Lock()
		s.prepared = true
		s.mu.Unlock()
	}
	return s.Sync(ctx)
}

// Sync pushes one batch of dirty products to the index and returns how
// many it took. Sellers are loaded once per batch. On error nothing is
// marked clean: the products stay dirty for the next round.
func (s *Syncer) Sync(ctx context.Context) (int, error) {
	found, err := s.o.Products.DirtyProducts(ctx, s.o.BatchSize)
	if err != nil {
		return 0, err
	}
	s.saw(found)
	if len(found) == 0 {
		return 0, nil
	}
	shops, err := s.sellersOf(ctx, found)
	if err != nil {
		return 0, err
	}
	now := s.o.Clock.Now()
	var docs []Document
	var gone []string
	for _, p := range found {
		if d, ok := s.document(p, shops, now); ok {
			docs = append(docs, d)
		} else {
			gone = append(gone, p.ID)
		}
	}
	if err := s.o.Index.Upsert(ctx, docs); err != nil {
		return 0, err
	}
	if err := s.o.Index.Delete(ctx, gone); err != nil {
		return 0, err
	}
	for _, p := range found {
		cleared, err := s.o.Products.MarkClean(ctx, p.ID, p.Version)
		if err != nil {
			return 0, err
		}
		if cleared {
			s.mu.Lock()
			delete(s.pending, p.ID)
			s.mu.Unlock()
		}
	}
	return len(found), nil
}

// saw records what a round found waiting, for Status.
func (s *Syncer) saw(found []catalog.Product) {
	now := s.o.Clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	next := make(map[string]time.Time, len(found))
	for _, p := range found {
		if t, ok := s.pending[p.ID]; ok {
			next[p.ID] = t
		} else {
			next[p.ID] = now
		}
	}
	s.pending, s.backlog = next, len(found)
}

// sellersOf loads the sellers of the products, once each. A seller that is
// not found hides its products.
func (s *Syncer) sellersOf(ctx context.Context, ps []catalog.Product) (map[string]sellers.Seller, error) {
	out := map[string]sellers.Seller{}
	for _, p := range ps {
		if _, ok := out[p.SellerID]; ok || p.SellerID == "" {
			continue
		}
		sel, err := s.o.Sellers.SellerByID(ctx, p.SellerID)
		if market.IsCode(err, market.NotFound) {
			sel, err = sellers.Seller{}, nil
		}
		if err != nil {
			return nil, err
		}
		out[p.SellerID] = sel
	}
	return out, nil
}

// document is p's document, or false when p must not be found.
func (s *Syncer) document(p catalog.Product, shops map[string]sellers.Seller, now time.Time) (Document, bool) {
	sel := shops[p.SellerID]
	if !Visible(p, sel) {
		return Document{}, false
	}
	d := NewDocument(p, sel, s.o.Places, now)
	if err := d.Validate(); err != nil {
		// One bad record must not stop every other product reaching the
		// index: it is left out, loudly.
		s.o.Logger.Error("product cannot be indexed", "product", p.ID, "err", err)
		return Document{}, false
	}
	return d, true
}

// Reindex builds a whole new index from the records and swaps it in; the
// live index keeps answering meanwhile. progress, if set, is called with
// the products read so far and the total counted before starting.
//
// The syncer may keep running during a reindex (in this process or in
// another): its writes reach the old index until the swap. So, after the
// swap, every product whose version is not the one the new index was built
// from is marked dirty again (through its seller, the store's only bulk
// flag) and the syncer brings it up to date.
func (s *Syncer) Reindex(ctx context.Context, progress func(done, total int)) (int, error) {
	total := 0
	if progress != nil {
		if err := s.o.Products.EachProduct(ctx, func(catalog.Product) error { total++; return nil }); err != nil {
			return 0, err
		}
		progress(0, total)
	}
	built := map[string]int64{}
	shops := map[string]sellers.Seller{}
	read := 0
	var walkErr error
	docs := func(yield func(Document, error) bool) {
		stop := errors.New("stop")
		now := s.o.Clock.Now()
		err := s.o.Products.EachProduct(ctx, func(p catalog.Product) error {
			if _, ok := shops[p.SellerID]; !ok {
				more, err := s.sellersOf(ctx, []catalog.Product{p})
				if err != nil {
					return err
				}
				shops[p.SellerID] = more[p.SellerID]
			}
			built[p.ID] = p.Version
			read++
			if progress != nil {
				progress(read, max(total, read))
			}
			if d, ok := s.document(p, shops, now); ok && !yield(d, nil) {
				return stop
			}
			return nil
		})
		if err != nil && !errors.Is(err, stop) {
			walkErr = err
			yield(Document{}, err)
		}
	}
	n, err := s.o.Index.Rebuild(ctx, iter.Seq2[Document, error](docs))
	if err != nil {
		return 0, err
	}
	if walkErr != nil {
		return 0, walkErr
	}
	if err := s.catchUp(ctx, built); err != nil {
		return n, err
	}
	return n, nil
}

// catchUp marks dirty the products changed since the new index read them.
func (s *Syncer) catchUp(ctx context.Context, built map[string]int64) error {
	stale := map[string]bool{}
	err := s.o.Products.EachProduct(ctx, func(p catalog.Product) error {
		if v, ok := built[p.ID]; !ok || v != p.Version {
			stale[p.SellerID] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	for sellerID := range stale {
		if _, err := s.o.Products.MarkSellerProductsDirty(ctx, sellerID); err != nil {
			return err
		}
	}
	return nil
}
