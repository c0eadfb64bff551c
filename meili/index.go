// Package meili implements search.Index on Meilisearch, the engine used
// at scale: many ocopd instances share one Meilisearch.
//
// The live index has a stable name (Config.Index, "products" by default)
// that every instance searches. Rebuild fills a versioned index beside it,
// "products_v1_20250601t101500123" (schema version, UTC time to the
// millisecond), then swaps the two in one Meilisearch
// task and deletes the old content, so searches never see a partial
// index. Every task is awaited, within a deadline, before a method returns.
package meili

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/search"
)

var _ search.Index = (*Index)(nil)

// schemaVersion names the shape of the documents and settings; it is part
// of the name of every index a Rebuild makes.
const schemaVersion = 1

// Config says where Meilisearch is and how to use it.
type Config struct {
	URL    string
	APIKey string
	// Index is the name of the live index; "products" when empty.
	Index string
	// TaskTimeout bounds the wait for one Meilisearch task; 30 s when zero.
	TaskTimeout time.Duration
	// BatchSize is how many documents Rebuild sends at once; 5 000 when zero.
	BatchSize int
	Clock     market.Clock
}

// Index is a search.Index on Meilisearch. It is safe for concurrent use.
type Index struct {
	client      meilisearch.ServiceManager
	uid         string
	taskTimeout time.Duration
	batchSize   int
	clock       market.Clock
}

// New connects to Meilisearch lazily: nothing is sent before the first
// call. Call Prepare before serving.
func New(cfg Config) (*Index, error) {
	if cfg.URL == "" {
		return nil, errors.New("meili: no URL")
	}
	if cfg.Index == "" {
		cfg.Index = "products"
	}
	if !validUID(cfg.Index) {
		return nil, fmt.Errorf("meili: %q is not a valid index name", cfg.Index)
	}
	if cfg.TaskTimeout <= 0 {
		cfg.TaskTimeout = 30 * time.Second
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 5000
	}
	if cfg.Clock == nil {
		cfg.Clock = market.SystemClock{}
	}
	var opts []meilisearch.Option
	if cfg.APIKey != "" {
		opts = append(opts, meilisearch.WithAPIKey(cfg.APIKey))
	}
	return &Index{
		client:      meilisearch.New(cfg.URL, opts...),
		uid:         cfg.Index,
		taskTimeout: cfg.TaskTimeout,
		batchSize:   cfg.BatchSize,
		clock:       cfg.Clock,
	}, nil
}

// validUID reports whether s is a name Meilisearch accepts for an index.
func validUID(s string) bool {
	if s == "" || len(s) > 400 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// buildUID names the index a Rebuild fills.
func buildUID(live string, at time.Time) string {
	at = at.UTC()
	return fmt.Sprintf("%s_v%d_%s%03d", live, schemaVersion, at.Format("20060102t150405"), at.Nanosecond()/int(time.Millisecond))
}

// Prepare creates the live index if needed and applies the settings.
func (x *Index) Prepare(ctx context.Context) error {
	return x.prepare(ctx, x.uid)
}

func (x *Index) prepare(ctx context.Context, uid string) error {
	if _, err := x.client.GetIndexWithContext(ctx, uid); err != nil {
		if !isNotFound(err) {
			return unavailable("get index", err)
		}
		task, err := x.client.CreateIndexWithContext(ctx, &meilisearch.IndexConfig{Uid: uid, PrimaryKey: attrID})
		if err := x.wait(ctx, task, err); err != nil && !isCode(err, "index_already_exists") {
			return err
		}
	}
	task, err := x.client.Index(uid).UpdateSettingsWithContext(ctx, settings())
	return x.wait(ctx, task, err)
}

// Upsert adds or replaces documents and waits until they are searchable.
func (x *Index) Upsert(ctx context.Context, docs []search.Document) error {
	return x.upsert(ctx, x.uid, docs)
}

func (x *Index) upsert(ctx context.Context, uid string, docs []search.Document) error {
	if len(docs) == 0 {
		return nil
	}
	body := make([]document, 0, len(docs))
	for _, d := range docs {
		if err := d.Validate(); err != nil {
			return err
		}
		body = append(body, toDocument(d))
	}
	pk := attrID
	task, err := x.client.Index(uid).AddDocumentsWithContext(ctx, body, &meilisearch.DocumentOptions{PrimaryKey: &pk})
	return x.wait(ctx, task, err)
}

// Delete removes documents; unknown ids are ignored.
func (x *Index) Delete(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	var p market.Problems
	for _, id := range ids {
		if !search.ValidID(id) {
			p.Add("id", "Mã sản phẩm không hợp lệ.", "The product id is not valid.")
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	task, err := x.client.Index(x.uid).DeleteDocumentsWithContext(ctx, ids, nil)
	return x.wait(ctx, task, err)
}

// Search returns one page of matching products with facet counts.
func (x *Index) Search(ctx context.Context, q search.Query) (search.Result, error) {
	start := time.Now()
	q, err := q.Normalize()
	if err != nil {
		return search.Result{}, err
	}
	var lastWent bool
	q.Text, lastWent = search.WithoutIntent(q.Text)
	q.Text, _ = search.WithoutLeadingClassifier(q.Text)
	resp, matched, err := x.ask(ctx, q, lastWent)
	text := q.Text
	if err == nil && !matched {
		// The words, filters aside, find nothing: without the words
		// buyers add ("quả bưởi").
		if rest, fewer := search.WithoutOptional(q.Text); fewer {
			fewerWords := q
			fewerWords.Text, text = rest, rest
			// The last word kept is whole if one followed it.
			whole := lastWent || lastWord(rest) != lastWord(search.Marked(q.Text))
			resp, matched, err = x.ask(ctx, fewerWords, whole)
		}
	}
	var dropped []string
	if words := strings.Fields(search.Marked(text)); err == nil && !matched && len(words) > 1 && !q.Typing {
		// Still nothing: without the last word, then the one before, as
		// the embedded engine does ("khóm hậu giang" finds the khóm).
		for n := len(words) - 1; n >= max(1, len(words)-search.MaxDropped) && err == nil && !matched; n-- {
			fewerWords := q
			fewerWords.Text = strings.Join(words[:n], " ")
			resp, matched, err = x.ask(ctx, fewerWords, true)
			dropped = words[n:]
		}
	}
	if err != nil {
		return search.Result{}, err
	}
	out, err := result(q, resp)
	if err != nil {
		return search.Result{}, err
	}
	if matched && out.Total > 0 {
		out.Dropped = dropped
	}
	out.Took = time.Since(start)
	return out, nil
}

// lastWord is the last word of text.
func lastWord(text string) string {
	words := strings.Fields(text)
	if len(words) == 0 {
		return ""
	}
	return words[len(words)-1]
}

// ask asks Meilisearch for q in the products' own words and places, and
// when the words, filters aside, match no product so, in the shops' and
// categories' names too (as the embedded engine's textQueries do). It
// reports whether the words, filters aside, matched anything. With whole,
// the last word was followed by another, left out: it is a whole word,
// not the start of one (a space after it says so).
func (x *Index) ask(ctx context.Context, q search.Query, whole bool) (*meilisearch.SearchResponse, bool, error) {
	text, req, err := searchRequest(q, false)
	if err != nil {
		return nil, false, err
	}
	if whole && text != "" {
		text += " "
		req.Query = text
	}
	resp, err := x.client.Index(x.uid).SearchWithContext(ctx, text, req)
	if err != nil {
		return nil, false, unavailable("search", err)
	}
	if resp.TotalHits > 0 || text == "" {
		return resp, true, nil
	}
	for _, shop := range []bool{false, true} {
		count := countRequest(q.Text, shop)
		if whole && !strings.HasSuffix(count.Query, " ") {
			count.Query += " "
		}
		all, err := x.client.Index(x.uid).SearchWithContext(ctx, count.Query, count)
		if err != nil {
			return nil, false, unavailable("search", err)
		}
		if all.TotalHits == 0 {
			continue
		}
		if shop {
			_, req, _ = searchRequest(q, true)
			req.Query = count.Query
			if resp, err = x.client.Index(x.uid).SearchWithContext(ctx, req.Query, req); err != nil {
				return nil, false, unavailable("search", err)
			}
		}
		return resp, true, nil
	}
	return resp, false, nil
}

// result turns a Meilisearch answer into a search.Result.
func result(q search.Query, resp *meilisearch.SearchResponse) (search.Result, error) {
	out := search.Result{
		Hits:    make([]search.Document, 0, len(resp.Hits)),
		Total:   int(resp.TotalHits),
		Page:    q.Page,
		PerPage: q.PerPage,
		Facets:  map[string]map[string]int{},
	}
	for _, h := range resp.Hits {
		var m document
		if err := h.DecodeInto(&m); err != nil {
			return search.Result{}, internal("decode hit", err)
		}
		d, err := fromDocument(m)
		if err != nil {
			return search.Result{}, internal("decode hit", err)
		}
		out.Hits = append(out.Hits, d)
	}
	var dist map[string]map[string]int
	if len(resp.FacetDistribution) > 0 {
		if err := json.Unmarshal(resp.FacetDistribution, &dist); err != nil {
			return search.Result{}, internal("decode facets", err)
		}
	}
	for _, fa := range facetAttrs() {
		counts := map[string]int{}
		for value, n := range dist[fa.attr] {
			if fa.facet == search.FacetStars && value == "0" {
				continue // no stars is not a rating
			}
			counts[value] = n
		}
		out.Facets[fa.facet] = counts
	}
	return out, nil
}

// Rebuild fills a fresh versioned index from docs, swaps it with the live
// one and deletes the old content.
func (x *Index) Rebuild(ctx context.Context, docs iter.Seq2[search.Document, error]) (int, error) {
	if err := x.Prepare(ctx); err != nil {
		return 0, err
	}
	uid := buildUID(x.uid, x.clock.Now())
	if err := x.prepare(ctx, uid); err != nil {
		return 0, err
	}
	n, err := x.fill(ctx, uid, docs)
	if err == nil {
		task, serr := x.client.SwapIndexesWithContext(ctx, []*meilisearch.SwapIndexesParams{{Indexes: []string{x.uid, uid}}})
		err = x.wait(ctx, task, serr)
	}
	// After a swap uid holds the old content; after a failure, the partial
	// new one. Either way it goes. A deadline must not stop the cleanup.
	cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), x.taskTimeout)
	defer cancel()
	task, derr := x.client.DeleteIndexWithContext(cleanup, uid)
	derr = x.wait(cleanup, task, derr)
	if err != nil {
		return 0, err
	}
	if derr != nil && !isNotFound(derr) {
		return n, derr
	}
	return n, nil
}

func (x *Index) fill(ctx context.Context, uid string, docs iter.Seq2[search.Document, error]) (int, error) {
	n := 0
	batch := make([]search.Document, 0, x.batchSize)
	for d, err := range docs {
		if err != nil {
			return 0, err
		}
		batch = append(batch, d)
		if len(batch) == x.batchSize {
			if err := x.upsert(ctx, uid, batch); err != nil {
				return 0, err
			}
			n += len(batch)
			batch = batch[:0]
		}
	}
	if err := x.upsert(ctx, uid, batch); err != nil {
		return 0, err
	}
	return n + len(batch), ctx.Err()
}

// Stats counts the documents of the live index.
func (x *Index) Stats(ctx context.Context) (search.Stats, error) {
	st, err := x.client.Index(x.uid).GetStatsWithContext(ctx, nil)
	if err != nil {
		return search.Stats{}, unavailable("stats", err)
	}
	info, err := x.client.GetIndexWithContext(ctx, x.uid)
	if err != nil {
		return search.Stats{}, unavailable("stats", err)
	}
	// A swap keeps the name but brings the build's own creation time,
	// which tells the builds apart.
	return search.Stats{Documents: int(st.NumberOfDocuments), Generation: x.uid + "@" + info.CreatedAt.UTC().Format(time.RFC3339Nano)}, nil
}

// Ping reports whether Meilisearch answers and is healthy.
func (x *Index) Ping(ctx context.Context) error {
	h, err := x.client.HealthWithContext(ctx)
	if err != nil {
		return unavailable("health", err)
	}
	if h.Status != "available" {
		return unavailable("health", fmt.Errorf("status %q", h.Status))
	}
	return nil
}

// Drop deletes the live index and every document in it (tests and
// operators use it; the next Prepare starts afresh).
func (x *Index) Drop(ctx context.Context) error {
	task, err := x.client.DeleteIndexWithContext(ctx, x.uid)
	if err := x.wait(ctx, task, err); err != nil && !isNotFound(err) {
		return err
	}
	return nil
}

// Close releases nothing: the client holds no connection of its own.
func (x *Index) Close() error { return nil }

// wait waits for a task, within the task deadline, and reports its failure.
func (x *Index) wait(ctx context.Context, info *meilisearch.TaskInfo, err error) error {
	if err != nil {
		return unavailable("enqueue task", err)
	}
	ctx, cancel := context.WithTimeout(ctx, x.taskTimeout)
	defer cancel()
	task, err := x.client.WaitForTaskWithContext(ctx, info.TaskUID, 20*time.Millisecond)
	if err != nil {
		return unavailable(fmt.Sprintf("wait for task %d", info.TaskUID), err)
	}
	if task.Status != meilisearch.TaskStatusSucceeded {
		return &taskError{uid: task.UID, status: string(task.Status), code: task.Error.Code, message: task.Error.Message}
	}
	return nil
}

// taskError is a Meilisearch task that did not succeed.
type taskError struct {
	uid          int64
	status, code string
	message      string
}

func (e *taskError) Error() string {
	return fmt.Sprintf("meili: task %d %s: %s: %s", e.uid, e.status, e.code, e.message)
}

func isCode(err error, code string) bool {
	var te *taskError
	if errors.As(err, &te) {
		return te.code == code
	}
	var me *meilisearch.Error
	return errors.As(err, &me) && me.MeilisearchApiError.Code == code
}

func isNotFound(err error) bool { return isCode(err, "index_not_found") }

// unavailable reports that Meilisearch did not do what was asked; the
// cause is kept for the logs.
func unavailable(op string, err error) error {
	var me *market.Error
	if errors.As(err, &me) {
		return err
	}
	return market.Wrap(fmt.Errorf("meili: %s: %w", op, err), market.Unavailable,
		"Tìm kiếm tạm thời không hoạt động, vui lòng thử lại sau.", "Search is unavailable for the moment; please try again later.")
}

func internal(op string, err error) error {
	return market.Wrap(fmt.Errorf("meili: %s: %w", op, err), market.Internal,
		"Tìm kiếm đang gặp sự cố, vui lòng thử lại.", "Search ran into a problem; please try again.")
}
