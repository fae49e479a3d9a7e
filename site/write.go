package site

import (
	"context"
	"errors"
	"slices"
	"sort"
	"sync/atomic"
)

// write renders every job and hands its bytes to the output, in parallel.
func (b *builder) write(ctx context.Context, jobs []job) error {
	jobs = longFirst(jobs)
	var written, unchanged atomic.Int64
	release := b.releaseContent(jobs)
	err := forEach(ctx, b.opts.Workers, len(jobs), func(i int) {
		j := jobs[i]
		data, err := j.render()
		release.rendered(&jobs[i])
		if err != nil {
			var p *Problem
			if errors.As(err, &p) {
				b.probs.addAll([]*Problem{p})
			} else {
				b.probs.add(j.source, 0, "%v", err)
			}
			return
		}
		changed, err := b.opts.Output.WriteFile(j.name, data)
		if j.recycle {
			b.buffers.put(data)
		}
		if err != nil {
			b.probs.add(j.source, 0, "写入 %s 出错：%v", j.name, err)
			return
		}
		if changed {
			written.Add(1)
			b.writtenMu.Lock()
			b.report.WrittenNames = append(b.report.WrittenNames, j.name)
			b.writtenMu.Unlock()
		} else {
			unchanged.Add(1)
		}
	})
	sort.Strings(b.report.WrittenNames)
	b.report.Written = int(written.Load())
	b.report.Unchanged = int(unchanged.Load())
	return err
}

// longFirst returns jobs with the sitemap and the feeds first, the rest in
// their order: each of those lists many pages in one job, which at the end
// of the queue would keep one worker busy while the others have none.
func longFirst(jobs []job) []job {
	long := func(j job) bool { return j.kind == jobSitemap || j.kind == jobFeed }
	if !slices.ContainsFunc(jobs, long) {
		return jobs
	}
	out := make([]job, 0, len(jobs))
	for _, j := range jobs {
		if long(j) {
			out = append(out, j)
		}
	}
	for _, j := range jobs {
		if !long(j) {
			out = append(out, j)
		}
	}
	return out
}
