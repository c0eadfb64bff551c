package bleveindex

import (
	"context"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/ocopmarket/market/search"
)

// SearchBleve answers q on Bleve's own path, as searches are answered
// while the columns of an existing index load.
func (x *Index) SearchBleve(ctx context.Context, q search.Query) (search.Result, error) {
	return x.search(ctx, q, false)
}

// ColumnsReady waits up to a minute for the columns of the live
// generation to load or fail, and reports whether they are ready.
func (x *Index) ColumnsReady() bool {
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		g, release, err := x.index()
		if err != nil {
			return false
		}
		ready, failed := g.cols.ready.Load(), g.cols.failed.Load()
		release()
		if ready || failed {
			return ready
		}
	}
	return false
}

// MarkMapping records v as the mapping version of the live generation.
func (x *Index) MarkMapping(v string) {
	g, release, err := x.index()
	if err != nil {
		panic(err)
	}
	defer release()
	if err := g.idx.SetInternal(mappingKey, []byte(v)); err != nil {
		panic(err)
	}
}

// ColumnsFailed reports whether the columns of the live generation gave
// up loading.
func (x *Index) ColumnsFailed() bool {
	g, release, err := x.index()
	if err != nil {
		return false
	}
	defer release()
	return g.cols.failed.Load()
}

// Answered counts the searches of the live generation answered from Bleve
// and the rows, not from the result cache.
func (x *Index) Answered() uint64 {
	return x.count(func(g *generation) uint64 { return g.answered.Load() })
}

// Walked counts the searches of the live generation that walked Bleve's
// postings for their words.
func (x *Index) Walked() uint64 {
	return x.count(func(g *generation) uint64 { return g.walked.Load() })
}

// count reads a counter of the live generation; 0 when there is none.
func (x *Index) count(read func(*generation) uint64) uint64 {
	g, release, err := x.index()
	if err != nil {
		return 0
	}
	defer release()
	return read(g)
}

// Warmed waits until the searches of warm.json have all been asked again
// (or the index closed).
func (x *Index) Warmed() { x.warming.Wait() }

// WarmFile is the name of the list of searches asked again after a restart.
const WarmFile = warmFile

// Segments counts the segments of the live generation on disk.
func (x *Index) Segments() uint64 {
	g, release, err := x.index()
	if err != nil {
		panic(err)
	}
	defer release()
	adv, err := g.idx.Advanced()
	if err != nil {
		panic(err)
	}
	return adv.(*scorch.Scorch).Stats().(*scorch.Stats).TotFileSegmentsAtRoot
}
