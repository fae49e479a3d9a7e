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
	Purged   int // submissions deleted at the end of their retention period
}

// Sweep removes what interrupted submissions left behind: for every
// in-flight record not written for olderThan whose submission has no manifest,
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
		// Live while recently started or recently touched (a long upload
		// rewrites its record as it goes).
		if rec.Started.After(cutoff) || info.Modified.After(cutoff) {
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
	purged, err := s.purgeExpired(ctx)
	rep.Purged = purged
	if err != nil {
		return rep, err
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
	s.metrics.janitor.WithLabelValues("purged").Add(float64(rep.Purged))
	return rep, nil
}

// purgeExpired deletes every submission received more than RetentionDays
// ago (PIPL Art. 19 and 47: kept only as long as the notice says), manifest
// first, so that an interrupted purge leaves files the orphan sweep removes
// rather than a manifest without its files. Each purge is logged (reference,
// kind and date; nothing personal). A retention of 0 keeps everything.
func (s *Server) purgeExpired(ctx context.Context) (int, error) {
	if s.cfg.RetentionDays <= 0 {
		return 0, nil
	}
	cutoff := s.now().AddDate(0, 0, -s.cfg.RetentionDays)
	n := 0
	for _, kind := range []string{submission.KindObjection, submission.KindApplication} {
		objs, err := s.store.List(ctx, kind+"s/")
		if err != nil {
			return n, fmt.Errorf("purge: list: %w", err)
		}
		for _, o := range objs {
			if !strings.HasSuffix(o.Key, "/manifest.json") {
				continue
			}
			var m submission.Manifest
			if err := s.readJSON(ctx, o.Key, &m); err != nil {
				s.log.Warn("purge: unreadable manifest", "key", o.Key, "err", err)
				continue
			}
			if m.ReceivedAt.IsZero() || !m.ReceivedAt.Before(cutoff) {
				continue
			}
			if err := s.store.Delete(ctx, o.Key); err != nil {
				return n, fmt.Errorf("purge: %w", err)
			}
			for _, f := range m.Files {
				if err := s.store.Delete(ctx, f.Key); err != nil {
					return n, fmt.Errorf("purge: %w", err)
				}
			}
			n++
			s.log.Info("purged submission past its retention period", "reference", m.Reference, "kind", m.Kind,
				"received", m.ReceivedAt.In(s.loc).Format("2006-01-02"), "retention_days", s.cfg.RetentionDays)
		}
	}
	return n, nil
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
