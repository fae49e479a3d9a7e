// Command intakebench measures the intake against its peer on one real MinIO
// server, in one run, on loopback only:
//
//   - one large evidence file (default 1 GiB) uploaded through the intake
//     (award intake, a separate process) versus a direct minio-go PutObject
//     of the same file to the same server: throughput and their ratio, and
//     the intake's peak RSS during the upload;
//   - an application with 10 documents totalling 500 MiB through the intake
//     versus direct PutObjects of the same files: ratio and peak RSS;
//   - many objections at once (default 64 concurrent, 1 MiB evidence each):
//     throughput, p50/p99 latency and errors.
//
// It prints plain text for the closing note. Run it with make bench.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	b, err := newBench(ctx, o)
	if err != nil {
		return err
	}
	defer b.close()
	return b.run(ctx)
}
