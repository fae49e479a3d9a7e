package site

import (
	"context"
	"errors"
	"sort"
	"sync/atomic"
)

// write renders every job and hands its bytes to the output, in parallel.
func (b *builder) write(ctx context.Context, jobs []job) error {
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
