package intake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// SweepReport says what a sweep removed.
type SweepReport struct {
	Inflight int // in-flight records of interrupted submissions
	Objects  int // file objects without a manifest
}

// Sweep removes what interrupted submissions left behind: for every
// in-flight record older than olderThan whose submission has no manifest,
// its files (and any incomplete multipart upload under their keys); and any
// file under a submission prefix that has neither a manifest nor an
// in-flight record and is older than olderThan. A committed submission (one
// with a manifest) is never touched.
func (s *Server) Sweep(ctx context.Context, olderThan time.Duration) (SweepReport, error) {
	var rep SweepReport
	cutoff := s.now().Add(-olderThan)
	records, err := s.store.List(ctx, "inflight/")
	if err != nil {
		return rep, fmt.Errorf("sweep: list in-flight: %w", err)
	}
	live := map[string]bool{} // prefixes still being received
	for _, info := range records {
		var rec submission.Inflight
		if err := s.readJSON(ctx, info.Key, &rec); err != nil {
			s.log.Warn("sweep: unreadable in-flight record", "key", info.Key, "err", err)
			continue
		}
		prefix := submission.Prefix(rec.Kind, rec.Reference)
		if rec.Started.After(cutoff) {
			live[prefix] = true
			continue
		}
		committed, err := s.exists(ctx, submission.ManifestKey(rec.Kind, rec.Reference))
		if err != nil {
			return rep, err
		}
		if !committed {
			for _, k := range rec.Keys {
				if err := s.store.Delete(ctx, k); err != nil {
					return rep, fmt.Errorf("sweep: %w", err)
				}
				s.abortIncomplete(ctx, k)
				rep.Objects++
			}
		}
		if err := s.store.Delete(ctx, info.Key); err != nil {
			return rep, fmt.Errorf("sweep: %w", err)
		}
		rep.Inflight++
		s.log.Info("sweep: removed interrupted submission", "reference", rec.Reference, "files", len(rec.Keys), "committed", committed)
	}
	for _, kind := range []string{submission.KindObjection, submission.KindApplication} {
		n, err := s.sweepOrphans(ctx, kind+"s/", cutoff, live)
		rep.Objects += n
		if err != nil {
			return rep, err
		}
	}
	if d, ok := s.store.(interface {
		SweepTemp(time.Duration) (int, error)
	}); ok {
		if _, err := d.SweepTemp(olderThan); err != nil {
			return rep, fmt.Errorf("sweep: temp files: %w", err)
		}
	}
	s.metrics.janitor.WithLabelValues("inflight").Add(float64(rep.Inflight))
	s.metrics.janitor.WithLabelValues("objects").Add(float64(rep.Objects))
	return rep, nil
}

// sweepOrphans removes files under prefixes that have no manifest.
func (s *Server) sweepOrphans(ctx context.Context, root string, cutoff time.Time, live map[string]bool) (int, error) {
	objs, err := s.store.List(ctx, root)
	if err != nil {
		return 0, fmt.Errorf("sweep: list %s: %w", root, err)
	}
	committed := map[string]bool{}
	for _, o := range objs {
		if strings.HasSuffix(o.Key, "/manifest.json") {
			committed[strings.TrimSuffix(o.Key, "manifest.json")] = true
		}
	}
	n := 0
	for _, o := range objs {
		i := strings.Index(o.Key, "/files/")
		if i < 0 {
			continue
		}
		prefix := o.Key[:i+1]
		if committed[prefix] || live[prefix] || o.Modified.After(cutoff) {
			continue
		}
		if err := s.store.Delete(ctx, o.Key); err != nil {
			return n, fmt.Errorf("sweep: %w", err)
		}
		n++
	}
	return n, nil
}

func (s *Server) exists(ctx context.Context, key string) (bool, error) {
	rd, _, err := s.store.Get(ctx, key)
	if storage.KindOf(err) == storage.NotFound {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sweep: %w", err)
	}
	rd.Close()
	return true, nil
}

func (s *Server) readJSON(ctx context.Context, key string, v any) error {
	rd, _, err := s.store.Get(ctx, key)
	if err != nil {
		return err
	}
	defer rd.Close()
	data, err := io.ReadAll(io.LimitReader(rd, 1<<20))
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

// RunJanitor sweeps at start and then every interval until ctx is done.
func (s *Server) RunJanitor(ctx context.Context, interval, olderThan time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if rep, err := s.Sweep(ctx, olderThan); err != nil {
			s.log.Warn("janitor sweep failed", "err", err)
		} else if rep.Inflight+rep.Objects > 0 {
			s.log.Info("janitor sweep", "inflight", rep.Inflight, "objects", rep.Objects)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
