package intake

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/submission"
)

// errNoLedger: the server was built without Deps.Ledger.
var errNoLedger = errors.New("intake: no ledger (Deps.Ledger): nothing can be committed")

// signManifest sets a manifest's MAC under the record key, before it is
// written.
func (s *Server) signManifest(m *submission.Manifest) error {
	if s.ledger == nil {
		return errNoLedger
	}
	return s.ledger.Signer().Sign(m)
}

// recordCommit appends the ledger entry of a manifest just written (data:
// its stored bytes). The submission is committed whatever happens here, so
// a failure is logged and not returned: the janitor records the manifest
// later (ledger.Recover). It runs even when the client has gone.
func (s *Server) recordCommit(ctx context.Context, m *submission.Manifest, data []byte) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if _, err := s.ledger.Record(ctx, ledger.KindCommit, m.Reference, submission.ManifestKey(m.Kind, m.Reference), data); err != nil {
		s.log.Warn("ledger entry not written; the janitor will record the submission", "ref", m.Reference, "err", err)
	}
}

// recordGrace is how old a signed record without a ledger entry must be
// before the janitor records it (at most; olderThan if shorter): longer
// than any commit takes between writing a record and its entry, so that a
// commit in progress is not recorded twice.
const recordGrace = time.Minute

// reconcileLedger reads the ledger, warns when its chain has problems (the
// secretariat should run award audit verify), and records the signed
// manifests and status records it lacks that are older than the grace
// (min(olderThan, recordGrace)), logging each. It returns the ledger's
// state for the purge.
func (s *Server) reconcileLedger(ctx context.Context, olderThan time.Duration) (*ledger.State, int, error) {
	if s.ledger == nil {
		return nil, 0, errNoLedger
	}
	st, err := s.ledger.State(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("sweep: %w", err)
	}
	if st.Problems > 0 {
		s.log.Warn("the ledger's chain is broken: run award audit verify", "problems", st.Problems, "head", st.Head)
	}
	added, err := s.ledger.Recover(ctx, st, s.now().Add(-min(olderThan, recordGrace)))
	for _, e := range added {
		s.log.Warn("recorded in the ledger after an interrupted commit", "reference", e.Reference, "key", e.Key, "seq", e.Seq)
	}
	if err != nil {
		return nil, len(added), fmt.Errorf("sweep: %w", err)
	}
	return st, len(added), nil
}
