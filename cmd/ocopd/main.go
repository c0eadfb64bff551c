// Command ocopd runs the Chợ OCOP marketplace and its maintenance tasks.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// gcPercent is the garbage collector's target unless GOGC is set: a
// server at 100 000 products keeps 55–65 MB of live heap, and Go's
// default (100) lets the heap grow to twice that between collections.
// At 75 the resident memory stayed within 300 MB under mixed load
// (ocopbench all) for a few percent more CPU; since product pages are
// served from memory (some 20 MB outside the heap at 100 000 products)
// it peaked at 302–309 MB, and at 60 it stays under 300 MB for another
// 1–2 % of CPU (the collector was 7 % of it under mixed load).
const gcPercent = 60

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ocopd:", err)
		os.Exit(1)
	}
}
