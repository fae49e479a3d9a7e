package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrNotAuthentic: an entry that does not decode, fails its MAC or is
// stored under another entry's number.
var ErrNotAuthentic = errors.New("账本条目不可信")

// Head returns the number of the last entry in storage and the SHA-256 of
// its stored bytes (0 and "" for an empty ledger); see Chain.Head. It
// never waits for an append of this Ledger.
func (l *Ledger) Head(ctx context.Context) (int64, string, error) {
	return l.reader.Head(ctx)
}

// Entry reads entry seq and checks it: a missing entry is an error
// matching storage.ErrNotFound, one that is not authentic an error
// matching ErrNotAuthentic. For a reader following the ledger as it
// grows (Verify checks the chain as a whole).
func (l *Ledger) Entry(ctx context.Context, seq int64) (Entry, error) {
	data, err := l.chain.Read(ctx, seq)
	if err != nil {
		return Entry{}, err
	}
	var e Entry
	if err := json.Unmarshal(data, &e); err != nil {
		return Entry{}, fmt.Errorf("账本第 %d 条：%w（%v）", seq, ErrNotAuthentic, err)
	}
	if l.signer == nil {
		return Entry{}, fmt.Errorf("账本第 %d 条：%w", seq, ErrNotAuthentic)
	}
	if err := l.signer.Verify(&e); err != nil {
		return Entry{}, fmt.Errorf("账本第 %d 条：%w（%v）", seq, ErrNotAuthentic, err)
	}
	if e.Seq != seq {
		return Entry{}, fmt.Errorf("账本第 %d 条：%w（记载的是第 %d 条）", seq, ErrNotAuthentic, e.Seq)
	}
	return e, nil
}
