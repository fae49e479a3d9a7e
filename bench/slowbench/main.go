// Command slowbench measures what slow and silent clients can hold of the
// intake (`award intake`, run as a child process, on loopback only):
//
//   - silent: connections that send a request's header declaring a body,
//     then nothing — how many the intake holds at most, how many it still
//     holds after its body timeout, and whether another client is served
//     meanwhile. The child runs with a file-descriptor limit of 1024
//     (ulimit -n), Debian's default.
//   - slow uploads: objections to S3 storage (a real MinIO) whose evidence
//     trickles in — the intake's peak RSS, and how the uploads were
//     answered (accepted, or refused with 503 by the memory budget).
//   - field-heavy posts: objections to the directory store carrying many
//     64 KiB text fields, sent slowly — peak RSS and answers.
//
// Every load is bounded in count and time and stops by itself.
//
//	go run ./bench/slowbench [-award BIN] [-clients 100] [-silent 1100]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "slowbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("slowbench", flag.ContinueOnError)
	var o options
	fs.StringVar(&o.award, "award", "", "award binary to measure (default: build ./cmd/award)")
	fs.IntVar(&o.clients, "clients", 100, "slow uploads, and field-heavy posts, at once")
	fs.IntVar(&o.silent, "silent", 1100, "silent connections")
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
