package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/zhongmou/award/storage"
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
// MAC), out of place, or not linked to the entry before.
func (l *Ledger) walk(ctx context.Context) ([]walked, []Finding, error) {
	infos, err := l.store.List(ctx, Prefix)
	if err != nil {
		return nil, nil, fmt.Errorf("列出账本出错：%w", err)
	}
	var out []walked
	var findings []Finding
	var prevSeq int64
	prevOK := true // the previous position holds a valid entry, and there was no gap
	var prevSum string
	for _, info := range infos {
		seq, ok := seqOf(info.Key)
		if !ok {
			findings = append(findings, Finding{Kind: LedgerChanged, Key: info.Key, Detail: "账本中有不是账本条目的对象"})
			continue
		}
		data, err := l.read(ctx, info.Key)
		if errors.Is(err, storage.ErrNotFound) {
			continue // removed since the listing: seen as a gap
		}
		if err != nil && !errors.Is(err, errTooLarge) {
			return nil, nil, fmt.Errorf("读取账本第 %d 条出错：%w", seq, err)
		}
		w := walked{key: info.Key, seq: seq, data: data}
		if seq != prevSeq+1 {
			detail := fmt.Sprintf("第 %d 条不存在", prevSeq+1)
			if seq > prevSeq+2 {
				detail = fmt.Sprintf("第 %d 至 %d 条不存在", prevSeq+1, seq-1)
			}
			findings = append(findings, Finding{Kind: LedgerMissing, Seq: prevSeq + 1, Key: Key(prevSeq + 1), Detail: detail})
			prevOK = false
		}
		var why string
		switch {
		case err != nil:
			why = "无法读取（" + err.Error() + "）"
		case json.Unmarshal(data, &w.entry) != nil:
			why = "内容不是账本条目"
		default:
			if verr := l.signer.Verify(&w.entry); verr != nil {
				why = verr.Error() + "，其中记载的内容不可信"
			}
		}
		switch {
		case why != "":
			findings = append(findings, Finding{Kind: LedgerChanged, Seq: seq, Key: info.Key, Reference: w.entry.Reference,
				Detail: fmt.Sprintf("第 %d 条被改动：%s", seq, why)})
		case w.entry.Seq != seq:
			findings = append(findings, Finding{Kind: LedgerReordered, Seq: seq, Key: info.Key, Reference: w.entry.Reference,
				Detail: fmt.Sprintf("第 %d 条的位置上是第 %d 条的内容", seq, w.entry.Seq)})
			w.valid = true // authentic, only out of place: what it records stays recorded
		case prevOK && w.entry.Prev != prevSum:
			findings = append(findings, Finding{Kind: LedgerChanged, Seq: seq, Key: info.Key, Reference: w.entry.Reference,
				Detail: fmt.Sprintf("第 %d 条与前一条的链接不符（前一条被替换）", seq)})
			w.valid = true // its own content is authentic
		default:
			w.valid = true
		}
		prevOK = w.valid && w.entry.Seq == seq
		prevSeq, prevSum = seq, Sum(data)
		out = append(out, w)
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
		case KindCommit, KindStatus:
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
