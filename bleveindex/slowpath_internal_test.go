package bleveindex

import (
	"context"
	"testing"
	"time"

	"github.com/ocopmarket/market/search"
)

// A search that took Bleve's own path while the rows of a reopened index
// load gives way as soon as they are loaded, and answers on them.
func TestSlowPathGivesWayToTheRows(t *testing.T) {
	ctx := context.Background()
	dir := corpusDir(t)

	loading, slow := make(chan struct{}), make(chan struct{})
	loadHook = func() { <-loading }
	slowHook = func(ctx context.Context) {
		close(slow)
		<-ctx.Done() // as a wide search would still be walking
	}
	defer func() { loadHook, slowHook = func() {}, func(context.Context) {} }()

	idx, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	type answer struct {
		res search.Result
		err error
	}
	done := make(chan answer)
	go func() {
		res, err := idx.Search(ctx, search.Query{Text: "khóm"})
		done <- answer{res, err}
	}()
	<-slow // the search is on Bleve's path, the rows still loading
	close(loading)
	var a answer
	select {
	case a = <-done:
	case <-time.After(10 * time.Second):
		// (Not closed: Close would wait for the search.)
		t.Fatal("the search on Bleve's path did not give way to the rows")
	}
	defer idx.Close()
	if a.err != nil || a.res.Total == 0 {
		t.Fatalf("after the rows loaded: %d products, %v", a.res.Total, a.err)
	}
	if n := idx.Answered(); n != 1 {
		t.Errorf("%d searches answered on the rows, want the one that gave way", n)
	}
}
