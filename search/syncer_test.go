package search_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/bleveindex"
	"github.com/ocopmarket/market/catalog"
	"github.com/ocopmarket/market/catalog/catalogtest"
	"github.com/ocopmarket/market/regions"
	"github.com/ocopmarket/market/search"
	"github.com/ocopmarket/market/sellers"
	"github.com/ocopmarket/market/sellers/sellerstest"
	"github.com/ocopmarket/market/sqlite"
)

// world is a real SQLite store and a real Bleve index.
type world struct {
	t      *testing.T
	db     *sqlite.DB
	index  *bleveindex.Index
	tree   *regions.Tree
	owner  string
	seller sellers.Seller
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "ocop.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "search"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	tree, err := regions.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, db: db, index: idx, tree: tree, owner: sellerstest.NewAccount(t, db.Accounts())}
	w.seller = w.newSeller("HTX Hoa súng Lê Sánh", "can-tho.thanh-xuan", sellers.StatusVerified)
	return w
}

func (w *world) newSeller(name, region string, status sellers.Status) sellers.Seller {
	w.t.Helper()
	s := sellerstest.NewSeller(w.owner, region)
	s.Name, s.Status = name, status
	if err := w.db.Sellers().CreateSeller(context.Background(), s); err != nil {
		w.t.Fatal(err)
	}
	return s
}

func (w *world) product(s sellers.Seller, name string, mutate func(*catalog.Product)) catalog.Product {
	w.t.Helper()
	p := catalogtest.NewProduct(s.ID, w.owner)
	p.Name, p.RegionID = name, s.RegionID
	if mutate != nil {
		mutate(&p)
	}
	if err := w.db.Catalog().CreateProduct(context.Background(), p); err != nil {
		w.t.Fatal(err)
	}
	return p
}

func (w *world) syncer(o search.SyncOptions) *search.Syncer {
	if o.Index == nil {
		o.Index = w.index
	}
	if o.Products == nil {
		o.Products = w.db.Catalog()
	}
	o.Sellers, o.Places = w.db.Sellers(), w.tree
	return search.NewSyncer(o)
}

// found returns the names the index finds for text, sorted.
func (w *world) found(text string) []string {
	w.t.Helper()
	res, err := w.index.Search(context.Background(), search.Query{Text: text, PerPage: 100})
	if err != nil {
		w.t.Fatal(err)
	}
	var names []string
	for _, h := range res.Hits {
		names = append(names, h.Name)
	}
	slices.Sort(names)
	return names
}

func (w *world) dirty() []string {
	w.t.Helper()
	list, err := w.db.Catalog().DirtyProducts(context.Background(), 1000)
	if err != nil {
		w.t.Fatal(err)
	}
	var names []string
	for _, p := range list {
		names = append(names, p.Name)
	}
	slices.Sort(names)
	return names
}

// drain syncs until nothing is dirty.
func drain(t *testing.T, s *search.Syncer) {
	t.Helper()
	for range 100 {
		n, err := s.Sync(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("still dirty after 100 rounds")
}

func TestSyncIndexesOnlyWhatBuyersMaySee(t *testing.T) {
	w := newWorld(t)
	pending := w.newSeller("Cơ sở chờ duyệt", "an-giang.tri-ton", sellers.StatusPending)
	suspended := w.newSeller("Cơ sở bị đình chỉ", "an-giang.tri-ton", sellers.StatusSuspended)
	w.product(w.seller, "Hoa súng đang bán", nil)
	w.product(w.seller, "Hoa súng tạm ngưng", func(p *catalog.Product) { p.Status = catalog.StatusPaused })
	w.product(w.seller, "Hoa súng nháp", func(p *catalog.Product) { p.Status = catalog.StatusDraft })
	w.product(w.seller, "Hoa súng đã gỡ", func(p *catalog.Product) { p.Status = catalog.StatusArchived })
	w.product(pending, "Hoa súng chờ duyệt", nil)
	w.product(suspended, "Hoa súng đình chỉ", nil)

	drain(t, w.syncer(search.SyncOptions{BatchSize: 4}))

	if got, want := w.found("hoa sung"), []string{"Hoa súng đang bán"}; !slices.Equal(got, want) {
		t.Errorf("found %q, want %q", got, want)
	}
	if d := w.dirty(); len(d) != 0 {
		t.Errorf("still dirty after sync: %q", d)
	}
}

func TestDocumentCarriesSellerPlaceAndValidStars(t *testing.T) {
	w := newWorld(t)
	honey := w.newSeller("Tổ hợp tác ong mật Ba Chúc", "an-giang.tri-ton", sellers.StatusVerified)
	now := time.Now()
	w.product(honey, "Mật ong rừng", func(p *catalog.Product) {
		p.CategoryID, p.Unit, p.Price = "thuc-pham", "chai", 180000
		p.Images = []catalog.Image{{ID: market.NewID(), DisplayKey: "products/x/a.jpg", ThumbKey: "products/x/a-thumb.jpg", Width: 800, Height: 800, CreatedAt: now}}
		p.OCOP = catalog.Certificate{Stars: 4, Number: "AG-01", IssuedBy: catalog.IssuedByProvince, IssuedAt: now.AddDate(-1, 0, 0),
			ExpiresAt: now.AddDate(2, 0, 0), Status: catalog.OCOPVerified, VerifiedBy: "acc", VerifiedAt: now}
	})
	w.product(honey, "Mật ong hoa tràm", func(p *catalog.Product) {
		p.OCOP = catalog.Certificate{Stars: 5, Number: "AG-02", IssuedBy: catalog.IssuedByProvince, IssuedAt: now.AddDate(-1, 0, 0),
			ExpiresAt: now.AddDate(2, 0, 0), Status: catalog.OCOPPending}
	})
	w.product(honey, "Mật ong hết hạn", func(p *catalog.Product) {
		p.OCOP = catalog.Certificate{Stars: 5, Number: "AG-03", IssuedBy: catalog.IssuedByProvince, IssuedAt: now.AddDate(-4, 0, 0),
			ExpiresAt: now.Add(-time.Hour), Status: catalog.OCOPVerified, VerifiedBy: "acc", VerifiedAt: now.AddDate(-3, 0, 0)}
	})
	drain(t, w.syncer(search.SyncOptions{}))

	// By place and by seller, without tone marks.
	if got := w.found("mat ong tri ton"); len(got) != 3 {
		t.Errorf("\"mat ong tri ton\" found %q, want the three honeys of Tri Tôn", got)
	}
	if got := w.found("ba chuc"); len(got) != 3 {
		t.Errorf("the seller's name found %q", got)
	}
	res, err := w.index.Search(context.Background(), search.Query{Text: "mật ong rừng", RegionID: "an-giang", CategoryID: "thuc-pham"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("search by province and OCOP group: %v %+v", err, res.Hits)
	}
	d := res.Hits[0]
	if d.Stars != 4 || d.SellerName != "Tổ hợp tác ong mật Ba Chúc" || d.RegionName != "Tri Tôn, An Giang" ||
		d.ImageURL != "/media/products/x/a-thumb.jpg" || d.PriceVND != 180000 || d.Unit != "chai" || !d.InStock {
		t.Errorf("document = %+v", d)
	}
	// Only the verified, unexpired certificate counts.
	starred, err := w.index.Search(context.Background(), search.Query{MinStars: 3})
	if err != nil {
		t.Fatal(err)
	}
	if starred.Total != 1 || starred.Hits[0].Name != "Mật ong rừng" {
		t.Errorf("stars ≥ 3 found %d: %+v", starred.Total, starred.Hits)
	}
}

// failingIndex is a real index that fails, as a crash would, once it has
// accepted a number of documents, or while it is down.
type failingIndex struct {
	search.Index
	mu       sync.Mutex
	budget   int // documents accepted before failing; -1 for no limit
	down     atomic.Bool
	upserted int
}

var errDown = market.Errorf(market.Unavailable, "Chỉ mục tìm kiếm không trả lời.", "The search index does not answer.")

func (f *failingIndex) Upsert(ctx context.Context, docs []search.Document) error {
	if f.down.Load() {
		return errDown
	}
	f.mu.Lock()
	if f.budget >= 0 && f.upserted+len(docs) > f.budget {
		f.mu.Unlock()
		return errors.New("crash")
	}
	f.upserted += len(docs)
	f.mu.Unlock()
	return f.Index.Upsert(ctx, docs)
}

func (f *failingIndex) Delete(ctx context.Context, ids []string) error {
	if f.down.Load() {
		return errDown
	}
	return f.Index.Delete(ctx, ids)
}

func (f *failingIndex) Ping(ctx context.Context) error {
	if f.down.Load() {
		return errDown
	}
	return f.Index.Ping(ctx)
}

// crashingProducts stops answering MarkClean after a number of calls, as a
// process killed between the index write and the flag would.
type crashingProducts struct {
	catalog.Store
	cleans atomic.Int64
	limit  int64
	// beforeClean, if set, runs before the first MarkClean of a round.
	beforeClean func()
	once        sync.Once
}

func (c *crashingProducts) MarkClean(ctx context.Context, id string, version int64) (bool, error) {
	if c.beforeClean != nil {
		c.once.Do(c.beforeClean)
	}
	if c.limit > 0 && c.cleans.Add(1) > c.limit {
		return false, context.Canceled
	}
	return c.Store.MarkClean(ctx, id, version)
}

func TestSyncCrashMidBatchLosesNothing(t *testing.T) {
	names := []string{"Khóm Cầu Đúc", "Mứt khóm dẻo", "Nước cốt khóm", "Trà lá khóm", "Khóm sấy dẻo", "Bánh khóm", "Rượu khóm"}
	cases := []struct {
		name  string
		crash func(w *world) (search.SyncOptions, context.Context)
	}{
		{"index fails after three documents", func(w *world) (search.SyncOptions, context.Context) {
			return search.SyncOptions{Index: &failingIndex{Index: w.index, budget: 3}, BatchSize: 2}, context.Background()
		}},
		{"killed between the index and the flags", func(w *world) (search.SyncOptions, context.Context) {
			return search.SyncOptions{Products: &crashingProducts{Store: w.db.Catalog(), limit: 3}, BatchSize: 3}, context.Background()
		}},
		{"shut down mid-batch", func(w *world) (search.SyncOptions, context.Context) {
			ctx, cancel := context.WithCancel(context.Background())
			return search.SyncOptions{Index: &cancellingIndex{Index: w.index, cancel: cancel}, BatchSize: 3}, ctx
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			for _, n := range names {
				w.product(w.seller, n, nil)
			}
			// The first process syncs until it dies.
			opts, ctx := c.crash(w)
			first := w.syncer(opts)
			var err error
			for range 10 {
				if _, err = first.Sync(ctx); err != nil {
					break
				}
			}
			if err == nil {
				t.Fatal("the crash never happened")
			}
			if len(w.dirty()) == 0 {
				t.Fatal("everything was marked clean although the sync died")
			}
			// A new process picks up where it stopped.
			drain(t, w.syncer(search.SyncOptions{BatchSize: 2}))
			want := slices.Clone(names)
			slices.Sort(want)
			if got := w.found("khom"); !slices.Equal(got, want) {
				t.Errorf("after restart found %q, want %q", got, want)
			}
			if d := w.dirty(); len(d) != 0 {
				t.Errorf("still dirty: %q", d)
			}
		})
	}
}

// cancellingIndex cancels the sync's context right after its second
// batch reached the index, as a shutdown in the middle of the work would.
type cancellingIndex struct {
	search.Index
	cancel context.CancelFunc
	calls  atomic.Int64
}

func (c *cancellingIndex) Upsert(ctx context.Context, docs []search.Document) error {
	err := c.Index.Upsert(ctx, docs)
	if c.calls.Add(1) == 2 {
		c.cancel()
	}
	return err
}

func TestSyncKeepsAProductChangedMeanwhileDirty(t *testing.T) {
	w := newWorld(t)
	p := w.product(w.seller, "Dứa Cầu Đúc", nil)
	store := &crashingProducts{Store: w.db.Catalog()}
	store.beforeClean = func() {
		// A seller edits the product between the sync's read and its flag.
		cur, err := w.db.Catalog().ProductByID(context.Background(), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		cur.Name = "Thơm Cầu Đúc"
		if err := w.db.Catalog().UpdateProduct(context.Background(), cur, cur.Version); err != nil {
			t.Fatal(err)
		}
	}
	s := w.syncer(search.SyncOptions{Products: store})
	if _, err := s.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := w.dirty(); !slices.Equal(got, []string{"Thơm Cầu Đúc"}) {
		t.Fatalf("dirty after the first round = %q, want the product changed meanwhile", got)
	}
	if _, err := s.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := w.found("thom cau duc"); len(got) != 1 || got[0] != "Thơm Cầu Đúc" {
		t.Errorf("the new name is not searchable: %q", got)
	}
	if d := w.dirty(); len(d) != 0 {
		t.Errorf("still dirty: %q", d)
	}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRunRetriesWhileTheIndexIsDown(t *testing.T) {
	w := newWorld(t)
	idx := &failingIndex{Index: w.index, budget: -1}
	idx.down.Store(true)
	s := w.syncer(search.SyncOptions{Index: idx, MinPoll: 5 * time.Millisecond, MaxPoll: 20 * time.Millisecond, MaxBackoff: 40 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	// Writes to the store go on while the index is down.
	w.product(w.seller, "Bắp nếp luộc", nil)
	eventually(t, 5*time.Second, "the syncer reports failing with a backlog", func() bool {
		st := s.Status()
		return st.Failing && st.Backlog == 1 && st.Lag > 0
	})
	if got := w.found("ngo nep"); len(got) != 0 {
		t.Fatalf("found %q while the index was down", got)
	}
	idx.down.Store(false)
	eventually(t, 5*time.Second, "bắp is found as ngô once the index is back", func() bool { return len(w.found("ngô nếp")) == 1 })
	eventually(t, 5*time.Second, "the syncer catches up", func() bool {
		st := s.Status()
		return !st.Failing && st.Backlog == 0 && st.Lag == 0
	})
}

func TestRunTakesTheLease(t *testing.T) {
	w := newWorld(t)
	w.product(w.seller, "Đậu phộng rang", nil)
	// Another instance holds the lease: this one waits.
	if ok, err := w.db.AcquireLease(context.Background(), search.LeaseName, "other", time.Minute); err != nil || !ok {
		t.Fatal(ok, err)
	}
	s := w.syncer(search.SyncOptions{Lease: w.db.AcquireLease, Holder: "me", MinPoll: 5 * time.Millisecond, LeaseTTL: 60 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	time.Sleep(50 * time.Millisecond) // give a wrongly lease-less syncer time to act
	if got := w.found("lac rang"); len(got) != 0 || s.Status().Syncing {
		t.Fatalf("synced without the lease: %q", got)
	}
	if err := w.db.ReleaseLease(context.Background(), search.LeaseName, "other"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "synced once the lease is free", func() bool { return len(w.found("lạc rang")) == 1 })
}

func TestReindexCatchesUpChangesMadeMeanwhile(t *testing.T) {
	w := newWorld(t)
	other := w.newSeller("HTX Khóm Cầu Đúc", "vinh-long", sellers.StatusVerified)
	var first catalog.Product
	for i, n := range []string{"Khô cá lóc", "Khô cá sặc", "Khô cá tra", "Khô cá kèo"} {
		p := w.product(w.seller, n, nil)
		if i == 0 {
			first = p
		}
	}
	w.product(other, "Khóm Cầu Đúc", nil)
	s := w.syncer(search.SyncOptions{})
	drain(t, s)

	// Halfway through the rebuild a product is renamed, and another
	// syncer (here, by hand) pushes the rename to the old index and
	// clears its flag.
	var progress []int
	changed := false
	n, err := s.Reindex(context.Background(), func(done, total int) {
		progress = append(progress, done)
		if done == 3 && !changed {
			changed = true
			cur, err := w.db.Catalog().ProductByID(context.Background(), first.ID)
			if err != nil {
				t.Fatal(err)
			}
			cur.Name = "Khô cá lóc đồng"
			if err := w.db.Catalog().UpdateProduct(context.Background(), cur, cur.Version); err != nil {
				t.Fatal(err)
			}
			drain(t, s)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 || !slices.Equal(progress, []int{0, 1, 2, 3, 4, 5}) {
		t.Errorf("reindex = %d documents, progress %v", n, progress)
	}
	// The new index was built from the old name; the product is dirty
	// again and the next round fixes it.
	if d := w.dirty(); !slices.Contains(d, "Khô cá lóc đồng") || slices.Contains(d, "Khóm Cầu Đúc") {
		t.Fatalf("dirty after reindex = %q, want the renamed product (and its seller's) only", d)
	}
	drain(t, s)
	if got := w.found("kho ca loc dong"); !slices.Equal(got, []string{"Khô cá lóc đồng"}) {
		t.Errorf("after catching up found %q", got)
	}
}

func TestExpiredCertificateLosesItsStars(t *testing.T) {
	w := newWorld(t)
	now := time.Now().UTC()
	w.product(w.seller, "Mắm cá linh", func(p *catalog.Product) {
		p.OCOP = catalog.Certificate{Stars: 4, Number: "CT-9", IssuedBy: catalog.IssuedByProvince, IssuedAt: now.AddDate(-3, 0, 0),
			ExpiresAt: now.Add(time.Hour), Status: catalog.OCOPVerified, VerifiedBy: "acc", VerifiedAt: now.AddDate(-3, 0, 0)}
	})
	clock := market.NewManualClock(now)
	s := w.syncer(search.SyncOptions{Clock: clock})
	drain(t, s)
	stars := func() int {
		res, err := w.index.Search(context.Background(), search.Query{Text: "mam ca linh"})
		if err != nil || len(res.Hits) != 1 {
			t.Fatalf("search: %v %+v", err, res.Hits)
		}
		return res.Hits[0].Stars
	}
	if got := stars(); got != 4 {
		t.Fatalf("stars before expiry = %d", got)
	}
	// Two hours later the hourly job flags the expired certificate and the
	// syncer takes the badge off.
	clock.Advance(2 * time.Hour)
	n, err := w.db.Catalog().MarkExpiredCertificatesDirty(context.Background(), clock.Now())
	if err != nil || n != 1 {
		t.Fatalf("MarkExpiredCertificatesDirty = %d, %v", n, err)
	}
	drain(t, s)
	if got := stars(); got != 0 {
		t.Errorf("stars after expiry = %d, want 0", got)
	}
	if res, _ := w.index.Search(context.Background(), search.Query{MinStars: 3}); res.Total != 0 {
		t.Errorf("the expired product still passes stars ≥ 3")
	}
}

// BenchmarkChangeSearchable measures how long a product change takes to be
// found, through the real store, the running syncer and Bleve: the target
// is 1 s at p99 on the embedded engine.
func BenchmarkChangeSearchable(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "ocop.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	idx, err := bleveindex.Open(filepath.Join(b.TempDir(), "search"))
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	tree, err := regions.Load(nil)
	if err != nil {
		b.Fatal(err)
	}
	owner := sellerstest.NewAccount(b, db.Accounts())
	sel := sellerstest.NewSeller(owner, "can-tho.thanh-xuan")
	sel.Status = sellers.StatusVerified
	if err := db.Sellers().CreateSeller(ctx, sel); err != nil {
		b.Fatal(err)
	}
	// A catalogue of a thousand products around the one that changes.
	for i := range 1000 {
		p := catalogtest.NewProduct(sel.ID, owner)
		p.Name = "Khô cá lóc " + strconv.Itoa(i)
		if err := db.Catalog().CreateProduct(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
	target := catalogtest.NewProduct(sel.ID, owner)
	if err := db.Catalog().CreateProduct(ctx, target); err != nil {
		b.Fatal(err)
	}
	s := search.NewSyncer(search.SyncOptions{Index: idx, Products: db.Catalog(), Sellers: db.Sellers(), Places: tree, Lease: db.AcquireLease})
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { s.Run(runCtx); close(done) }()
	defer func() { cancel(); <-done }()
	for {
		if res, _ := idx.Search(ctx, search.Query{}); res.Total == 1001 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}

	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cur, err := db.Catalog().ProductByID(ctx, target.ID)
		if err != nil {
			b.Fatal(err)
		}
		price := market.VND(30000 + 1000*(i%50) + 1)
		cur.Price = price
		start := time.Now()
		if err := db.Catalog().UpdateProduct(ctx, cur, cur.Version); err != nil {
			b.Fatal(err)
		}
		for {
			res, err := idx.Search(ctx, search.Query{MinPrice: price, MaxPrice: price})
			if err != nil {
				b.Fatal(err)
			}
			if res.Total == 1 {
				break
			}
			time.Sleep(time.Millisecond)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds())/1000, "p99-ms")
}
