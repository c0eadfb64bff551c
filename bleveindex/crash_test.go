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

// crashDocs are the products the upserting child writes, five at a time,
// from the first on, round and round.
const crashDocs = 400

// TestUpsertingChild is the process TestKilledWhileUpserting kills: it
// upserts into the index named by OCOP_TEST_CRASH_DIR until it is killed,
// saying how far it got after each Upsert returns.
func TestUpsertingChild(t *testing.T) {
	dir := os.Getenv("OCOP_TEST_CRASH_DIR")
	if dir == "" {
		t.Skip("run by TestKilledWhileUpserting")
	}
	idx, err := bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var docs []search.Document
	for d := range syntheticDocs(crashDocs) {
		docs = append(docs, d)
	}
	for i := 0; ; i = (i + 5) % crashDocs {
		batch := append([]search.Document(nil), docs[i:i+5]...)
		for j := range batch {
			batch[j].Sold = time.Now().UnixNano() % 100_000
		}
		if err := idx.Upsert(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("upserted %d\n", i+5)
	}
}

// A process killed (SIGKILL) while it upserts loses no upsert that
// returned, and the reopened index loads columns that answer as Bleve does.
func TestKilledWhileUpserting(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills processes")
	}
	dir := t.TempDir()
	acked := 0
	for k := range 8 {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestUpsertingChild$")
		cmd.Env = append(os.Environ(), "OCOP_TEST_CRASH_DIR="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// The kill comes at a moment of the upserting, counted from the
		// child's first one: a test binary started under -race on a busy
		// machine can take longer than the whole delay to start.
		stuck := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
		var kill time.Time
		for sc := bufio.NewScanner(out); sc.Scan(); {
			if kill.IsZero() {
				kill = time.Now().Add(time.Duration(150+k*97%400) * time.Millisecond)
			}
			if n, ok := strings.CutPrefix(sc.Text(), "upserted "); ok {
				v, _ := strconv.Atoi(n)
				acked = max(acked, v)
			}
			if time.Now().After(kill) {
				break
			}
		}
		stuck.Stop()
		cmd.Process.Kill()
		cmd.Wait()

		idx, err := bleveindex.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if !idx.ColumnsReady() {
			t.Fatal("the columns never loaded")
		}
		st, err := idx.Stats(context.Background())
		if err != nil || st.Documents < acked {
			t.Fatalf("kill %d: the index holds %d documents (%v); %d were acknowledged", k+1, st.Documents, err, acked)
		}
		sameAnswers(t, idx, min(20, st.Documents/20))
		idx.Close()
	}
	if acked == 0 {
		t.Fatal("the child never upserted")
	}
}
