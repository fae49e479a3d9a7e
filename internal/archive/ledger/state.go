package ledger

import (
	"context"
	"encoding/json"
)

// walked is one entry as read from storage.
type walked struct {
	key   string
	seq   int64 // from the key
	data  []byte
	entry Entry
	valid bool // decodes and its MAC verifies: what it records counts
}

// walk reads every entry, in order, and the findings about the chain
// itself: entries that are missing, changed (unreadable or failing their
// MAC), out of place, or not linked to the entry before (Chain.Walk).
func (l *Ledger) walk(ctx context.Context) ([]walked, []Finding, error) {
	decoded := map[string]Entry{} // by key, as far as it decodes
	links, breaks, err := l.chain.Walk(ctx, func(key string, data []byte) (int64, string, string) {
		var e Entry
		uerr := json.Unmarshal(data, &e)
		decoded[key] = e
		if uerr != nil {
			return 0, "", "内容不是账本条目"
		}
		if verr := l.signer.Verify(&e); verr != nil {
			return 0, "", verr.Error() + "，其中记载的内容不可信"
		}
		return e.Seq, e.Prev, ""
	})
	if err != nil {
		return nil, nil, err
	}
	out := make([]walked, 0, len(links))
	for _, lk := range links {
		out = append(out, walked{key: lk.Key, seq: lk.Seq, data: lk.Data, entry: decoded[lk.Key], valid: lk.Valid})
	}
	findings := make([]Finding, 0, len(breaks))
	for _, b := range breaks {
		f := Finding{Kind: LedgerChanged, Seq: b.Seq, Key: b.Key, Detail: b.Detail}
		switch b.Kind {
		case BreakMissing:
			f.Kind = LedgerMissing
		case BreakReordered:
			f.Kind = LedgerReordered
		}
		if b.Kind != BreakMissing {
			f.Reference = decoded[b.Key].Reference
		}
		findings = append(findings, f)
	}
	return out, findings, nil
}

// State is what the valid entries of the ledger record, in order.
type State struct {
	// Head is the last entry's number and HeadSHA256 the SHA-256 of its
	// stored bytes; 0 and "" for an empty ledger.
	Head       int64
	HeadSHA256 string
	// Recorded are the objects recorded (commit and status entries) and
	// not purged since, by storage key: the first entry for each.
	Recorded map[string]Entry
	// Purged are the manifests of purged submissions, by storage key, and
	// PurgedRefs their references.
	Purged     map[string]Entry
	PurgedRefs map[string]bool
	// Problems counts the findings about the chain itself (see Verify).
	Problems int
}

func newState(entries []walked, findings int) *State {
	st := &State{Recorded: map[string]Entry{}, Purged: map[string]Entry{}, PurgedRefs: map[string]bool{}, Problems: findings}
	for _, w := range entries {
		st.Head, st.HeadSHA256 = w.seq, Sum(w.data)
		if !w.valid {
			continue
		}
		e := w.entry
		switch e.Kind {
		case KindCommit, KindStatus, KindSupplement:
			if _, seen := st.Recorded[e.Key]; !seen {
				st.Recorded[e.Key] = e
			}
			delete(st.Purged, e.Key)
		case KindPurged:
			delete(st.Recorded, e.Key)
			st.Purged[e.Key] = e
			st.PurgedRefs[e.Reference] = true
		}
	}
	return st
}

// State reads the ledger and returns what it records. The chain's problems
// are only counted: Verify reports them.
func (l *Ledger) State(ctx context.Context) (*State, error) {
	entries, findings, err := l.walk(ctx)
	if err != nil {
		return nil, err
	}
	return newState(entries, len(findings)), nil
}
