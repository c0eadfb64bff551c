package bleveindex_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocopmarket/market/bleveindex"
	"github.com/ocopmarket/market/search"
)

func TestTmpCrashChild(t *testing.T) {
	dir := os.Getenv("TMP_CRASH_DIR")
	if dir == "" {
		t.Skip()
	}
	ctx := context.Background()
	idx, err := bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var docs []search.Document
	for d := range syntheticDocs(400) {
		docs = append(docs, d)
	}
	for i := 0; ; i = (i + 5) % len(docs) {
		batch := make([]search.Document, 5)
		copy(batch, docs[i:i+5])
		for j := range batch {
			batch[j].Sold = time.Now().UnixNano()
		}
		if err := idx.Upsert(ctx, batch); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("acked %d\n", i+5)
	}
}

func TestTmpCrash(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	maxAcked := 0
	for k := 0; k < 15; k++ {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestTmpCrashChild$")
		cmd.Env = append(os.Environ(), "TMP_CRASH_DIR="+dir)
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		deadline := time.Now().Add(time.Duration(100+k*37%300) * time.Millisecond)
		for sc.Scan() {
			if n, ok := strings.CutPrefix(sc.Text(), "acked "); ok {
				v, _ := strconv.Atoi(n)
				maxAcked = max(maxAcked, v)
			}
			if time.Now().After(deadline) {
				break
			}
		}
		cmd.Process.Kill()
		cmd.Wait()
		idx, err := bleveindex.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		idx.ColumnsReady()
		got, _ := idx.Search(ctx, search.Query{PerPage: 1})
		want, _ := idx.SearchBleve(ctx, search.Query{PerPage: 1})
		st, _ := idx.Stats(ctx)
		t.Logf("kill %d: maxAcked %d, columns %d, Bleve %d, docs %d", k, maxAcked, got.Total, want.Total, st.Documents)
		if got.Total != want.Total || want.Total < maxAcked {
			t.Errorf("kill %d: columns %d, Bleve %d, acked %d", k, got.Total, want.Total, maxAcked)
		}
		idx.Close()
	}
}
