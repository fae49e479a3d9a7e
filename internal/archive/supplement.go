package archive

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// supplementsRoot is where supplements are kept (see submission.Supplement).
const supplementsRoot = "supplements/"

// submissionRoots are the storage prefixes of the submissions' own objects.
func submissionRoots() []string {
	out := make([]string, len(submission.Kinds))
	for i, k := range submission.Kinds {
		out[i] = k + "s/"
	}
	return out
}

// BeginSupplement reserves a fresh reference for a supplement to the
// submission of, like Begin: its objects go under
// submission.SupplementPrefix, never under the original's.
func (a *Archive) BeginSupplement(ctx context.Context, of *submission.Manifest) (*Upload, error) {
	for range 5 {
		ref := submission.NewReference()
		u := &Upload{a: a, of: of.Reference, inflight: submission.Inflight{Reference: ref, Kind: submission.KindSupplement,
			Started: a.now(), Prefix: submission.SupplementPrefix(of.Reference, ref)}}
		err := u.saveInflight(ctx, true)
		if err == nil {
			return u, nil
		}
		if !errors.Is(err, storage.ErrExists) {
			return nil, fmt.Errorf("begin supplement to %s: %w", of.Reference, err)
		}
	}
	return nil, fmt.Errorf("begin supplement to %s: no free reference in 5 tries", of.Reference)
}

// SupplementCommitment is what a supplement is committed with.
type SupplementCommitment struct {
	// Notice is the number of the event whose notice it answers (Notice.Seq).
	Notice int
	// ReceivedAt is when its last part arrived; zero means now. It must
	// be within the notice's period.
	ReceivedAt time.Time
	// Fields are corrected values of the fields the notice names.
	Fields map[string]string
	// Files are the files stored with Put, each in a slot the notice names.
	Files []submission.File
}

// Operator of the events a supplement records.
const SupplementOperator = "提交人（网上补正）"

// CommitSupplement commits a supplement begun with BeginSupplement, like
// Commit: the record, signed, only if absent — the commit point —, then
// its ledger entry (ledger.KindSupplement). Before anything is written it
// checks against the case as stored now that the notice is the case's
// latest and still open at ReceivedAt (else an error matching
// ErrNoticeClosed), and that every file and field is one the notice names
// (else ErrNotInNotice). Once committed, a case still at
// submission.StageCorrection moves to StageCorrected, the event naming the
// supplement; moved says whether it did. An event that cannot be written
// then (another writer, the store) is logged: the supplement stays
// committed and the case shows it.
func (u *Upload) CommitSupplement(ctx context.Context, c SupplementCommitment) (sup *submission.Supplement, moved bool, err error) {
	if u.done || u.of == "" {
		return nil, false, errors.New("archive: not a supplement, or committed or discarded")
	}
	if c.ReceivedAt.IsZero() {
		c.ReceivedAt = u.a.now()
	}
	cs, err := u.a.Case(ctx, u.of)
	if err != nil {
		return nil, false, err
	}
	n, err := cs.AcceptsSupplement(c.ReceivedAt, u.a.loc)
	if err != nil {
		return nil, false, err
	}
	if n.Seq != c.Notice {
		return nil, false, fmt.Errorf("%w：补正告知已更新，请按最新的告知提交", ErrNoticeClosed)
	}
	if err := n.Covers(c.Files, c.Fields); err != nil {
		return nil, false, err
	}
	sup = &submission.Supplement{Version: submission.Version, Reference: u.inflight.Reference, Of: u.of, Kind: cs.Manifest.Kind,
		Notice: c.Notice, ReceivedAt: c.ReceivedAt, Fields: c.Fields, Files: c.Files}
	if len(sup.Fields) == 0 {
		sup.Fields = nil
	}
	if err := u.a.Signer().Sign(sup); err != nil {
		return nil, false, fmt.Errorf("commit supplement: %w", err)
	}
	data, err := sup.Encode()
	if err != nil {
		return nil, false, fmt.Errorf("commit supplement: %w", err)
	}
	if err := u.write(ctx, ledger.KindSupplement, u.of, data, c.Files); err != nil {
		return nil, false, err
	}
	return sup, u.a.markCorrected(ctx, sup), nil
}

// markCorrected moves the case sup supplements from correction to
// corrected, trying again when another event came first; it reports
// whether it moved it.
func (a *Archive) markCorrected(ctx context.Context, sup *submission.Supplement) bool {
	ctx = context.WithoutCancel(ctx)
	for range 3 {
		cs, err := a.Case(ctx, sup.Of)
		if err != nil {
			a.log.Warn("supplement committed, case not moved to corrected", "ref", sup.Of, "supplement", sup.Reference, "err", err)
			return false
		}
		if cs.Current.Code != submission.StageCorrection {
			return false
		}
		_, err = a.AppendEvent(ctx, submission.Status{Reference: sup.Of, Stage: submission.StageCorrected, Supplement: sup.Reference,
			Operator: SupplementOperator, At: sup.ReceivedAt}, cs.Seq)
		if err == nil {
			return true
		}
		if !errors.Is(err, ErrConflict) {
			a.log.Warn("supplement committed, case not moved to corrected", "ref", sup.Of, "supplement", sup.Reference, "err", err)
			return false
		}
	}
	a.log.Warn("supplement committed, case not moved to corrected: other events kept coming first", "ref", sup.Of, "supplement", sup.Reference)
	return false
}

// supplements reads the committed supplements of the submission ref,
// oldest first. A record that cannot be read, or whose references are not
// its key's, is logged and passed over.
func (a *Archive) supplements(ctx context.Context, ref string) ([]*submission.Supplement, error) {
	infos, err := a.store.List(ctx, submission.SupplementsPrefix(ref))
	if err != nil {
		return nil, fmt.Errorf("supplements of %s: %w", ref, err)
	}
	var out []*submission.Supplement
	for _, in := range infos {
		of, own, ok := submission.SupplementOf(in.Key)
		if !ok {
			continue // a file, or debris
		}
		data, err := a.read(ctx, in.Key)
		var sup *submission.Supplement
		if err == nil {
			sup, err = submission.DecodeSupplement(data)
		}
		if err == nil && (sup.Of != of || sup.Reference != own) {
			err = fmt.Errorf("the record is of %s/%s", sup.Of, sup.Reference)
		}
		if err != nil {
			a.log.Warn("supplement unreadable, passed over", "key", in.Key, "err", err)
			continue
		}
		out = append(out, sup)
	}
	slices.SortStableFunc(out, func(x, y *submission.Supplement) int {
		if c := x.ReceivedAt.Compare(y.ReceivedAt); c != 0 {
			return c
		}
		return strings.Compare(x.Reference, y.Reference)
	})
	return out, nil
}
