package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/bleveindex"
	"github.com/ocopmarket/market/meili"
	"github.com/ocopmarket/market/regions"
	"github.com/ocopmarket/market/search"
)

// searchEngine is the search index of this process and the syncer that
// keeps it in step with the records.
type searchEngine struct {
	index  search.Index
	syncer *search.Syncer
}

// openIndexTimeout bounds the wait for the index: Bleve's files are locked
// by the process that has them open, and bleve waits for that lock forever.
const openIndexTimeout = 5 * time.Second

// openIndex opens the search index: Bleve under the data directory, or
// Meilisearch when OCOP_MEILI_URL is set.
func openIndex(ctx context.Context, cfg config, logger *slog.Logger) (search.Index, error) {
	if cfg.MeiliURL != "" {
		idx, err := meili.New(meili.Config{URL: cfg.MeiliURL, APIKey: cfg.MeiliKey})
		if err != nil {
			return nil, err
		}
		// Meilisearch may be down at start: the marketplace still serves
		// (readiness says degraded) and the syncer prepares the index when
		// it answers.
		if err := idx.Prepare(ctx); err != nil {
			logger.Warn("search index not ready yet", "engine", "meilisearch", "err", err)
		}
		return idx, nil
	}
	type opened struct {
		idx *bleveindex.Index
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		cache := cfg.SearchCacheMB << 20
		if cache == 0 {
			cache = -1 // off
		}
		idx, err := bleveindex.OpenWith(filepath.Join(cfg.DataDir, "search"), bleveindex.Options{CacheBytes: cache})
		ch <- opened{idx, err}
	}()
	var idx search.Index
	select {
	case o := <-ch:
		if o.err != nil {
			return nil, o.err
		}
		idx = o.idx
	case <-time.After(openIndexTimeout):
		return nil, fmt.Errorf("the search index in %s is held by another process (is ocopd serve running?)", filepath.Join(cfg.DataDir, "search"))
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if err := idx.Prepare(ctx); err != nil {
		idx.Close()
		return nil, err
	}
	return idx, nil
}

// newSearchEngine opens the index and makes its syncer (not started).
func newSearchEngine(ctx context.Context, cfg config, st *stores, tree *regions.Tree, holder string, logger *slog.Logger) (*searchEngine, error) {
	idx, err := openIndex(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	return &searchEngine{index: idx, syncer: search.NewSyncer(search.SyncOptions{
		Index: idx, Products: st.catalog, Sellers: st.sellers, Places: tree,
		Lease: st.lease, Holder: holder, Logger: logger.With("job", search.LeaseName),
	})}, nil
}

func (e *searchEngine) close() error {
	if e == nil {
		return nil
	}
	return e.index.Close()
}

// controlSocket is where a running server takes requests from `ocopd
// reindex`. The running server does the rebuild itself, because Bleve's
// files are locked by the process that has them open (a second process
// cannot even open them), and because the server's own index then swaps
// generations in memory with no reopen and no window without an index.
// The socket lives in the data directory, so reaching it takes the same
// file permissions as reading the database.
func controlSocket(cfg config) string { return filepath.Join(cfg.DataDir, "ocopd.sock") }

// reindexMessage is one line of the control socket's answer.
type reindexMessage struct {
	Done       int    `json:"done"`
	Total      int    `json:"total"`
	Count      int    `json:"count,omitempty"`
	Generation string `json:"generation,omitempty"`
	Finished   bool   `json:"finished,omitempty"`
	Error      string `json:"error,omitempty"`
}

// listenControl opens the control socket. A socket left by a server that
// died is replaced; one that answers belongs to a live server, and then
// this one must not start.
func listenControl(cfg config) (net.Listener, error) {
	path := controlSocket(cfg)
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return nil, fmt.Errorf("%w: %s", errServerRunning, cfg.DataDir)
	}
	os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// serveControl answers `ocopd reindex` until ctx ends.
func (a *app) serveControl(ctx context.Context, wg *sync.WaitGroup, ln net.Listener) {
	wg.Add(2)
	go func() {
		defer wg.Done()
		<-ctx.Done()
		ln.Close()
	}()
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				a.answerControl(ctx, conn)
			}()
		}
	}()
}

func (a *app) answerControl(ctx context.Context, conn net.Conn) {
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return
	}
	conn.SetReadDeadline(time.Time{})
	enc := json.NewEncoder(conn)
	if strings.TrimSpace(line) != "reindex" {
		enc.Encode(reindexMessage{Error: "unknown request " + fmt.Sprintf("%q", strings.TrimSpace(line))})
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a.logger.Info("reindex requested")
	var last time.Time
	progress := func(done, total int) {
		if now := time.Now(); done == 0 || done == total || now.Sub(last) >= 100*time.Millisecond {
			last = now
			if enc.Encode(reindexMessage{Done: done, Total: total}) != nil {
				cancel() // the command went away: stop building
			}
		}
	}
	n, err := a.search.syncer.Reindex(ctx, progress)
	if err != nil {
		a.logger.Warn("reindex failed", "err", err)
		enc.Encode(reindexMessage{Error: err.Error()})
		return
	}
	st, _ := a.search.index.Stats(ctx)
	a.logger.Info("reindexed", "count", n, "generation", st.Generation)
	enc.Encode(reindexMessage{Done: n, Total: n, Count: n, Generation: st.Generation, Finished: true})
}

// reindexCommand is `ocopd reindex`: it rebuilds the whole search index
// from the records and swaps it in. With a server running on the same data
// directory, the server does it (see controlSocket) and searches go on
// meanwhile; otherwise the command opens the index itself.
func reindexCommand(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	if len(args) != 0 {
		return errors.New("usage: ocopd reindex")
	}
	bar := newReindexBar(stdout)
	var result reindexMessage
	var err error
	if conn, derr := net.DialTimeout("unix", controlSocket(cfg), time.Second); derr == nil {
		result, err = reindexThroughServer(ctx, conn, bar)
	} else {
		result, err = reindexHere(ctx, cfg, bar)
	}
	if err != nil {
		return err
	}
	bar.finish()
	fmt.Fprintf(stdout, "Đã lập lại chỉ mục tìm kiếm: %d sản phẩm. / Search index rebuilt: %d products (%s).\n", result.Count, result.Count, result.Generation)
	return nil
}

func reindexThroughServer(ctx context.Context, conn net.Conn, bar *reindexBar) (reindexMessage, error) {
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if _, err := io.WriteString(conn, "reindex\n"); err != nil {
		return reindexMessage{}, err
	}
	dec := json.NewDecoder(conn)
	for {
		var m reindexMessage
		if err := dec.Decode(&m); err != nil {
			if ctx.Err() != nil {
				return reindexMessage{}, ctx.Err()
			}
			return reindexMessage{}, fmt.Errorf("the server stopped answering: %w", err)
		}
		switch {
		case m.Error != "":
			return reindexMessage{}, errors.New(m.Error)
		case m.Finished:
			return m, nil
		default:
			bar.set(m.Done, m.Total)
		}
	}
}

func reindexHere(ctx context.Context, cfg config, bar *reindexBar) (reindexMessage, error) {
	st, err := openStores(ctx, cfg)
	if err != nil {
		return reindexMessage{}, err
	}
	defer st.close()
	tree, err := loadRegions(cfg)
	if err != nil {
		return reindexMessage{}, err
	}
	eng, err := newSearchEngine(ctx, cfg, st, tree, market.NewID(), slog.New(slog.DiscardHandler))
	if err != nil {
		return reindexMessage{}, err
	}
	defer eng.close()
	n, err := eng.syncer.Reindex(ctx, bar.set)
	if err != nil {
		return reindexMessage{}, err
	}
	stats, err := eng.index.Stats(ctx)
	if err != nil {
		return reindexMessage{}, err
	}
	return reindexMessage{Count: n, Generation: stats.Generation, Finished: true}, nil
}

// reindexBar draws progress on a terminal and stays quiet otherwise (logs,
// scripts, tests).
type reindexBar struct {
	bar *progressbar.ProgressBar
	w   io.Writer
}

func newReindexBar(w io.Writer) *reindexBar {
	f, ok := w.(*os.File)
	if !ok {
		return &reindexBar{}
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return &reindexBar{}
	}
	return &reindexBar{w: w}
}

func (b *reindexBar) set(done, total int) {
	if b.w == nil {
		return
	}
	if b.bar == nil {
		b.bar = progressbar.NewOptions(max(total, 1), progressbar.OptionSetWriter(b.w), progressbar.OptionSetDescription("reindex"),
			progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("products"),
			progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionFullWidth())
	}
	b.bar.ChangeMax(max(total, 1))
	b.bar.Set(done)
}

func (b *reindexBar) finish() {
	if b.bar != nil {
		b.bar.Finish()
		fmt.Fprintln(b.w)
	}
}

// errServerRunning says the data directory already has a live server.
var errServerRunning = errors.New("another ocopd is serving this data directory")

// startControl opens the control socket and answers on it until ctx ends.
// Without a socket (a path too long for one, say) the server still runs;
// `ocopd reindex` then cannot reach it and says so.
func (a *app) startControl(ctx context.Context, wg *sync.WaitGroup) error {
	ln, err := listenControl(a.cfg)
	if errors.Is(err, errServerRunning) {
		return err
	}
	if err != nil {
		a.logger.Warn("no control socket: ocopd reindex will not reach this server", "err", err)
		return nil
	}
	// The socket makes this the one server of the data directory: leases
	// in its embedded store belong to a server that was killed.
	if a.stores.releaseLeases != nil {
		if err := a.stores.releaseLeases(ctx); err != nil {
			ln.Close()
			return err
		}
	}
	a.serveControl(ctx, wg, ln)
	return nil
}
