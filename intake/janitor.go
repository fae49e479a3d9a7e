package intake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// SweepReport says what a sweep removed.
type SweepReport struct {
	Inflight int // in-flight records of interrupted submissions
	Objects  int // file objects without a manifest
	Purged   int // submissions deleted at the end of their retention period
	// Recorded are the manifests and status records the ledger lacked
	// (a commit interrupted between the record and its entry), now
	// recorded.
	Recorded int
}

// Sweep removes what interrupted submissions left behind: for every
// in-flight record not written for olderThan whose submission has no manifest,
// its files (and any incomplete multipart upload under their keys); and any
// file under a submission prefix that has neither a manifest nor an
// in-flight record and is older than olderThan. A committed submission (one
// with a manifest) is never touched. Then it reconciles the ledger
// (reconcileLedger): signed records without an entry are recorded. Last it
// purges the submissions past their retention period, if the ledger could
// be read: a purge is recorded in the ledger before anything is deleted.
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
	st, recorded, ledgerErr := s.reconcileLedger(ctx, olderThan)
	rep.Recorded = recorded
	if ledgerErr == nil {
		purged, err := s.purgeExpired(ctx, st)
		rep.Purged = purged
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
	s.metrics.janitor.WithLabelValues("purged").Add(float64(rep.Purged))
	s.metrics.janitor.WithLabelValues("recorded").Add(float64(rep.Recorded))
	return rep, ledgerErr
}

// purgeExpired deletes every submission received more than RetentionDays
// ago (PIPL Art. 19 and 47: kept only as long as the notice says). It first
// appends a purged entry to the ledger (unless st, the ledger as read by
// this sweep, has one already: an earlier purge was interrupted), so that
// verification does not report the submission as deleted; then it deletes
// the manifest, so that an interrupted purge leaves files the orphan sweep
// removes rather than a manifest without its files; then the files. Only a
// manifest that is as committed (ledger.Ledger.Authentic) is purged: one
// whose date was changed in storage stays, for award audit verify to
// report. Each purge is logged (reference, kind and date; nothing
// personal). A retention of 0 keeps everything.
func (s *Server) purgeExpired(ctx context.Context, st *ledger.State) (int, error) {
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
			data, err := s.readObject(ctx, o.Key)
			if err != nil {
				s.log.Warn("purge: unreadable manifest", "key", o.Key, "err", err)
				continue
			}
			var m submission.Manifest
			if err := json.Unmarshal(data, &m); err != nil {
				s.log.Warn("purge: unreadable manifest", "key", o.Key, "err", err)
				continue
			}
			if m.ReceivedAt.IsZero() || !m.ReceivedAt.Before(cutoff) {
				continue
			}
			if _, err := s.ledger.Authentic(st, o.Key, data); err != nil {
				s.log.Warn("purge: manifest not as committed, not purged; run award audit verify", "key", o.Key, "err", err)
				continue
			}
			if _, done := st.Purged[o.Key]; !done {
				if _, err := s.ledger.Record(ctx, ledger.KindPurged, m.Reference, o.Key, data); err != nil {
					return n, fmt.Errorf("purge: %w", err)
				}
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
	data, err := s.readObject(ctx, key)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

// readObject reads a small object (at most 1 MiB of it).
func (s *Server) readObject(ctx context.Context, key string) ([]byte, error) {
	rd, _, err := s.store.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return io.ReadAll(io.LimitReader(rd, 1<<20))
}

// RunJanitor sweeps at start and then every interval until ctx is done.
func (s *Server) RunJanitor(ctx context.Context, interval, olderThan time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if rep, err := s.Sweep(ctx, olderThan); err != nil {
			s.log.Warn("janitor sweep failed", "err", err)
		} else if rep.Inflight+rep.Objects+rep.Recorded > 0 {
			s.log.Info("janitor sweep", "inflight", rep.Inflight, "objects", rep.Objects, "recorded", rep.Recorded)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
