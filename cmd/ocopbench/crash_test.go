package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestCrashLosesNoAcknowledgedWrite is a short `ocopbench crash`: three
// SIGKILLs of a real ocopd under write load, with the default SQLite
// settings. Every acknowledged write must survive each restart.
func TestCrashLosesNoAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills ocopd; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	o, err := parseOptions([]string{"crash", "--kills", "3", "--duration", "300ms", "--buyers", "8",
		"--products", "60", "--sellers", "2", "--hot", "10", "--seed-conns", "8"}, func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep, err := crash(ctx, o, &out, &out)
	if rep != nil {
		rep.print(&out)
	}
	t.Log(out.String())
	if err != nil {
		t.Fatal(err)
	}
	if rep.acked == 0 || len(rep.coldStarts) != 3 || rep.synchronous != "FULL" {
		t.Fatalf("acked %d, restarts %d, synchronous %s", rep.acked, len(rep.coldStarts), rep.synchronous)
	}
	if !strings.Contains(out.String(), "PASS") {
		t.Fatal("no verdict in the report")
	}
}
