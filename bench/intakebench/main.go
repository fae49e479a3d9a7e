// Command intakebench measures the intake against its peer on one real MinIO
// server, in one run, on loopback only:
//
//   - one large evidence file (default 1 GiB) uploaded through the intake
//     (award intake, a separate process) versus a direct minio-go PutObject
//     of the same file to the same server: throughput and their ratio (best
//     of -large-runs rounds), and the intake's peak RSS during the uploads;
//   - an application with 10 documents totalling 500 MiB through the intake
//     versus direct PutObjects of the same files: ratio and peak RSS;
//   - many objections at once (default 64 concurrent, 1 MiB evidence each):
//     throughput, p50/p99 latency and errors;
//   - one file of the same size staged through /api/uploads/ (tus 1.0: a
//     POST, then one PATCH of the whole file, streamed from a generated
//     reader) versus a direct minio-go PutObject of the same generated
//     bytes: their ratio, the peak RSS of a fresh intake process that did
//     only this, and the objection that then claims it (staged=<id>);
//     best of -staged-runs rounds.
//
// -parts picks some of them (large,application,concurrent,staged).
//
// It prints plain text for the closing note. Run it with make bench.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "intakebench:", err)
		os.Exit(1)
	}
}

type options struct {
	size        int64
	concurrency int
	requests    int
	evidence    int64
	appSize     int64
	award       string
	keep        bool
	parts       map[string]bool
	stagedRuns  int
	largeRuns   int
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("intakebench", flag.ContinueOnError)
	var o options
	fs.Int64Var(&o.size, "size", 1<<30, "bytes of the large evidence file")
	fs.IntVar(&o.concurrency, "concurrency", 64, "objections in flight at once")
	fs.IntVar(&o.requests, "requests", 640, "objections in the concurrent test")
	fs.Int64Var(&o.evidence, "evidence", 1<<20, "bytes of evidence per objection in the concurrent test")
	fs.Int64Var(&o.appSize, "application", 500<<20, "bytes of an application's 10 documents together")
	fs.StringVar(&o.award, "award", "", "award binary (default: go build ./cmd/award)")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory")
	fs.IntVar(&o.largeRuns, "large-runs", 3, "rounds of the large upload through the intake and direct (the best of each is reported)")
	fs.IntVar(&o.stagedRuns, "staged-runs", 3, "rounds of the staged upload and its two direct peers (the best of each is reported)")
	parts := fs.String("parts", "large,application,concurrent,staged", "which measurements to run, comma-separated")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.stagedRuns < 1 || o.largeRuns < 1 {
		return fmt.Errorf("-staged-runs and -large-runs must be at least 1")
	}
	o.parts = map[string]bool{}
	for _, p := range strings.Split(*parts, ",") {
		switch p = strings.TrimSpace(p); p {
		case "large", "application", "concurrent", "staged":
			o.parts[p] = true
		default:
			return fmt.Errorf("-parts: unknown %q (large, application, concurrent, staged)", p)
		}
	}
	b, err := newBench(ctx, o)
	if err != nil {
		return err
	}
	defer b.close()
	return b.run(ctx)
}
