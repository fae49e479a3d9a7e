// Command summary prints the goals recorded by the benches of one make
// bench run (bench/goals) as one table: figure, peer, goal, met or not.
//
//	go run ./bench/summary FILE
package main

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/zhongmou/award/bench/goals"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "summary:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: summary FILE (the AWARD_BENCH_SUMMARY of the run)")
	}
	rs, err := goals.Read(args[0])
	if err != nil {
		return err
	}
	met := 0
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "bench\tmeasured\tfigure\tpeer (same run)\tgoal\tresult")
	for _, r := range rs {
		if r.Met {
			met++
		}
		peer := r.Peer
		if peer == "" {
			peer = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Bench, r.Name, r.Figure, peer, r.Goal, goals.Verdict(r.Met))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Printf("\n%d of %d goals met\n", met, len(rs))
	return nil
}
