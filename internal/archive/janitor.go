package archive

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
	// Staged are staged uploads removed: expired, or left without info.
	Staged int
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
func (a *Archive) Sweep(ctx context.Context, olderThan time.Duration) (SweepReport, error) {
	var rep SweepReport
	cutoff := a.now().Add(-olderThan)
	records, err := a.store.List(ctx, "inflight/")
	if err != nil {
		return rep, fmt.Errorf("sweep: list in-flight: %w", err)
	}
	live := map[string]bool{} // prefixes still being received
	present := map[string]bool{}
	for _, info := range records {
		present[info.Key] = true
	}
	for _, info := range records {
		if ref, ok := strings.CutSuffix(strings.TrimPrefix(info.Key, "inflight/"), ".claim"); ok {
			// A claim left without its in-flight record: a commit or a
			// sweep that stopped between its last two deletions (or
			// whose claim's write failed at the client but reached the
			// store). A record listed but gone (a MinIO listing lagging
			// behind a delete after a node failed) is no record.
			gone := !present["inflight/"+ref+".json"]
			if !gone && info.Modified.Before(cutoff) {
				if there, err := a.exists(ctx, "inflight/"+ref+".json"); err == nil && !there {
					gone = true
				}
			}
			if gone && info.Modified.Before(cutoff) {
				if err := a.store.Delete(ctx, info.Key); err != nil {
					return rep, fmt.Errorf("sweep: %w", err)
				}
			}
			continue
		}
		var rec submission.Inflight
		if err := a.readJSON(ctx, info.Key, &rec); err != nil {
			a.log.Warn("sweep: unreadable in-flight record", "key", info.Key, "err", err)
			continue
		}
		prefix := rec.ObjectPrefix()
		// Live while recently started or recently touched (a long upload
		// rewrites its record as it goes).
		if rec.Started.After(cutoff) || info.Modified.After(cutoff) {
			live[prefix] = true
			continue
		}
		committed, err := a.exists(ctx, rec.RecordKey())
		if err != nil {
			return rep, err
		}
		if !committed {
			// Claim the upload's end first: a commit that claimed it is in
			// progress (or crashed after its manifest); let it be.
			err := a.putClaim(ctx, rec.Reference, "sweep")
			if errors.Is(err, storage.ErrExists) {
				if a.claimAge(ctx, rec.Reference) < staleClaim {
					live[prefix] = true
					continue
				}
				// A claim far older than any commit may take (commitTimeout):
				// its commit died before the manifest.
			} else if err != nil {
				return rep, fmt.Errorf("sweep: %w", err)
			}
			// A commit that finished between the look for its manifest and
			// this claim has removed its own claim, after writing its
			// manifest: look again before removing anything.
			if committed, err = a.exists(ctx, rec.RecordKey()); err != nil {
				return rep, err
			}
		}
		if !committed {
			for _, k := range rec.Keys {
				if err := a.store.Delete(ctx, k); err != nil {
					return rep, fmt.Errorf("sweep: %w", err)
				}
				a.abortIncomplete(ctx, k)
				rep.Objects++
			}
		}
		if err := a.store.Delete(ctx, info.Key); err != nil {
			return rep, fmt.Errorf("sweep: %w", err)
		}
		if err := a.store.Delete(ctx, submission.ClaimKey(rec.Reference)); err != nil {
			return rep, fmt.Errorf("sweep: %w", err)
		}
		rep.Inflight++
		a.log.Info("sweep: removed interrupted submission", "reference", rec.Reference, "files", len(rec.Keys), "committed", committed)
	}
	for _, root := range append(submissionRoots(), supplementsRoot) {
		n, err := a.sweepOrphans(ctx, root, cutoff, live)
		rep.Objects += n
		if err != nil {
			return rep, err
		}
	}
	staged, err := a.sweepStaged(ctx, cutoff)
	rep.Staged = staged
	if err != nil {
		return rep, err
	}
	st, recorded, ledgerErr := a.reconcileLedger(ctx, olderThan)
	rep.Recorded = recorded
	if ledgerErr == nil {
		purged, err := a.purgeExpired(ctx, st)
		rep.Purged = purged
		if err != nil {
			return rep, err
		}
	}
	if d, ok := a.store.(interface {
		SweepTemp(time.Duration) (int, error)
	}); ok {
		if _, err := d.SweepTemp(olderThan); err != nil {
			return rep, fmt.Errorf("sweep: temp files: %w", err)
		}
	}
	if a.OnSweep != nil {
		a.OnSweep(rep)
	}
	return rep, ledgerErr
}

// purgeExpired deletes every submission past its retention (Retention.Decide:
// by kind and outcome; and not before RetentionDays after its receipt),
// PIPL Art. 19 and 47: kept only as long as the notice says. It first
// appends a purged entry to the ledger (unless st, the ledger as read by
// this sweep, has one already: an earlier purge was interrupted), so that
// verification does not report the submission as deleted; then it deletes
// its supplements and attachments, then the manifest, so that an
// interrupted purge leaves files the orphan sweep removes rather than a
// manifest without its files; then the files. Its handling record (status/:
// stages, dates, operators and notes) and its ledger entries stay. Only a
// manifest that is as committed (ledger.Ledger.Authentic) is purged: one
// whose date was changed in storage stays, for award audit verify to
// report. Each purge is logged (reference, kind, date and rule; nothing
// personal). RetentionDays 0 keeps everything. The consoles' inbox
// snapshots (InboxSnapshotPrefix), which hold what the inbox shows of each
// submission, are deleted before the first submission is and again at
// the end: the consoles write new ones without the purged.
func (a *Archive) purgeExpired(ctx context.Context, st *ledger.State) (int, error) {
	if a.cfg.RetentionDays <= 0 {
		return 0, nil
	}
	now := a.now()
	cutoff := now.AddDate(0, 0, -a.cfg.RetentionDays)
	n := 0
	snapshotsGone := false
	defer func() {
		if n > 0 {
			if err := a.deleteUnder(context.WithoutCancel(ctx), InboxSnapshotPrefix); err != nil {
				a.log.Warn("purge: inbox snapshots not removed; the next purge removes them", "err", err)
			}
		}
	}()
	for _, kind := range submission.Kinds {
		objs, err := a.store.List(ctx, kind+"s/")
		if err != nil {
			return n, fmt.Errorf("purge: list: %w", err)
		}
		for _, o := range objs {
			if !strings.HasSuffix(o.Key, "/manifest.json") {
				continue
			}
			data, err := a.read(ctx, o.Key)
			if err != nil {
				a.log.Warn("purge: unreadable manifest", "key", o.Key, "err", err)
				continue
			}
			var m submission.Manifest
			if err := json.Unmarshal(data, &m); err != nil {
				a.log.Warn("purge: unreadable manifest", "key", o.Key, "err", err)
				continue
			}
			if m.ReceivedAt.IsZero() || !m.ReceivedAt.Before(cutoff) {
				continue
			}
			c, err := a.CaseOf(ctx, &m)
			if err != nil {
				a.log.Warn("purge: unreadable handling record, not purged", "reference", m.Reference, "err", err)
				continue
			}
			d := a.cfg.Retention.Decide(c, a.loc)
			if d.Until.IsZero() || now.Before(d.Until) {
				continue
			}
			if _, err := a.ledger.Authentic(st, o.Key, data); err != nil {
				a.log.Warn("purge: manifest not as committed, not purged; run award audit verify", "key", o.Key, "err", err)
				continue
			}
			if _, done := st.Purged[o.Key]; !done {
				if _, err := a.ledger.Record(ctx, ledger.KindPurged, m.Reference, o.Key, data); err != nil {
					return n, fmt.Errorf("purge: %w", err)
				}
			}
			if !snapshotsGone {
				if err := a.deleteUnder(ctx, InboxSnapshotPrefix); err != nil {
					return n, fmt.Errorf("purge: inbox snapshots: %w", err)
				}
				snapshotsGone = true
			}
			// Its supplements and attachments first: while the manifest is there, an
			// interrupted purge is taken up again by the next sweep.
			if err := a.deleteUnder(ctx, submission.SupplementsPrefix(m.Reference)); err != nil {
				return n, fmt.Errorf("purge: %w", err)
			}
			if err := a.deleteUnder(ctx, submission.AttachmentPrefix(m.Kind, m.Reference)); err != nil {
				return n, fmt.Errorf("purge: %w", err)
			}
			if err := a.store.Delete(ctx, o.Key); err != nil {
				return n, fmt.Errorf("purge: %w", err)
			}
			for _, f := range m.Files {
				if err := a.store.Delete(ctx, f.Key); err != nil {
					return n, fmt.Errorf("purge: %w", err)
				}
			}
			n++
			a.log.Info("purged submission past its retention period", "reference", m.Reference, "kind", m.Kind,
				"received", m.ReceivedAt.In(a.loc).Format("2006-01-02"), "rule", d.Rule, "retention_days", a.cfg.RetentionDays)
		}
	}
	return n, nil
}

// InboxSnapshotPrefix is where the consoles keep their inbox snapshots:
// copies of what the inbox shows of every submission, which the janitor
// deletes when it purges one.
const InboxSnapshotPrefix = "index/inbox/"

// deleteUnder deletes every object under prefix, records before files.
func (a *Archive) deleteUnder(ctx context.Context, prefix string) error {
	infos, err := a.store.List(ctx, prefix)
	if err != nil {
		return err
	}
	slices.SortStableFunc(infos, func(x, y storage.Info) int {
		return cmp.Compare(boolInt(!strings.HasSuffix(x.Key, "/manifest.json")), boolInt(!strings.HasSuffix(y.Key, "/manifest.json")))
	})
	for _, in := range infos {
		if err := a.store.Delete(ctx, in.Key); err != nil {
			return err
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sweepOrphans removes files under prefixes that have no manifest.
func (a *Archive) sweepOrphans(ctx context.Context, root string, cutoff time.Time, live map[string]bool) (int, error) {
	objs, err := a.store.List(ctx, root)
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
		if err := a.store.Delete(ctx, o.Key); err != nil {
			return n, fmt.Errorf("sweep: %w", err)
		}
		n++
	}
	return n, nil
}

func (a *Archive) exists(ctx context.Context, key string) (bool, error) {
	rd, _, err := a.store.Get(ctx, key)
	if storage.KindOf(err) == storage.NotFound {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sweep: %w", err)
	}
	rd.Close()
	return true, nil
}

// readJSON decodes a small object (see read) into v.
func (a *Archive) readJSON(ctx context.Context, key string, v any) error {
	data, err := a.read(ctx, key)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

// RunJanitor sweeps at start and then every interval until ctx is done,
// but only while it holds the janitor's lease (janitorRound): of several
// replicas sharing the store one sweeps and purges at a time, and another
// takes over within JanitorLeaseIntervals+1 intervals when it dies. When
// ctx is done it releases the lease, so that another replica takes over
// at its next look. Zero durations take Config.JanitorEvery and
// JanitorAfter.
func (a *Archive) RunJanitor(ctx context.Context, interval, olderThan time.Duration) {
	if interval <= 0 {
		interval = a.cfg.JanitorEvery
	}
	if olderThan <= 0 {
		olderThan = a.cfg.JanitorAfter
	}
	lease := a.janitorLease(interval)
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := lease.Release(rctx); err != nil {
			a.log.Warn("janitor: lease not released; another replica takes over when it expires", "err", err)
		}
	}()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		a.janitorRound(ctx, lease, olderThan)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RecordGrace is how old a signed record without a ledger entry must be
// before the janitor records it (at most; olderThan if shorter): longer
// than any commit takes between writing a record and its entry, so that a
// commit in progress is not recorded twice.
const RecordGrace = time.Minute

// reconcileLedger reads the ledger, warns when its chain has problems (the
// secretariat should run award audit verify), and records the signed
// manifests and status records it lacks that are older than the grace
// (min(olderThan, RecordGrace)), logging each. It returns the ledger's
// state for the purge.
func (a *Archive) reconcileLedger(ctx context.Context, olderThan time.Duration) (*ledger.State, int, error) {
	st, err := a.ledger.State(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("sweep: %w", err)
	}
	if st.Problems > 0 {
		a.log.Warn("the ledger's chain is broken: run award audit verify", "problems", st.Problems, "head", st.Head)
	}
	added, err := a.ledger.Recover(ctx, st, a.now().Add(-min(olderThan, RecordGrace)))
	for _, e := range added {
		a.log.Warn("recorded in the ledger after an interrupted commit", "reference", e.Reference, "key", e.Key, "seq", e.Seq)
	}
	if err != nil {
		return nil, len(added), fmt.Errorf("sweep: %w", err)
	}
	return st, len(added), nil
}
