package main

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/zhongmou/award/bench/intakeproc"
)

// concurrent sends o.requests objections, o.concurrency at a time.
func (b *bench) concurrent(ctx context.Context) error {
	type result struct {
		d   time.Duration
		err error
	}
	payloads := make([][]byte, 8)
	sums := make([]string, len(payloads))
	for i := range payloads {
		payloads[i], sums[i] = evidence(b.o.evidence, uint64(i))
	}
	jobs := make(chan int)
	results := make(chan result, b.o.requests)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < b.o.concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				t := time.Now()
				err := b.post(ctx, newReader(payloads[i%len(payloads)]), sums[i%len(payloads)])
				results <- result{time.Since(t), err}
			}
		}()
	}
	for i := 0; i < b.o.requests; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	close(results)
	var lat []time.Duration
	errs := 0
	var firstErr error
	for r := range results {
		if r.err != nil {
			errs++
			if firstErr == nil {
				firstErr = r.err
			}
			continue
		}
		lat = append(lat, r.d)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[int(p*float64(len(lat)-1))]
	}
	mib := float64(b.o.evidence) / (1 << 20)
	fmt.Printf("\nconcurrent objections: %d requests, %d at a time, %.0f MiB evidence each\n", b.o.requests, b.o.concurrency, mib)
	fmt.Printf("  %.1f objections/s, %.1f MiB/s of evidence, in %.2fs\n", float64(len(lat))/elapsed.Seconds(), float64(len(lat))*mib/elapsed.Seconds(), elapsed.Seconds())
	fmt.Printf("  latency p50 %s, p99 %s, max %s\n", pct(0.50).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), pct(1).Round(time.Millisecond))
	fmt.Printf("  errors: %d (goal: none)\n", errs)
	if hwm, err := intakeproc.PeakRSS(b.intake.Process.Pid); err == nil {
		fmt.Printf("  intake peak RSS so far: %.1f MiB\n", float64(hwm)/(1<<10))
	}
	if firstErr != nil {
		return fmt.Errorf("%d objections failed; first: %w", errs, firstErr)
	}
	return nil
}
