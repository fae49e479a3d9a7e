package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/zhongmou/award/submission"
)

// Adoptable lists the records Adopt would record: manifests and status
// records that carry no MAC, that st (a State read just before) neither
// records nor lists as purged, and that lie where their reference (and
// kind) say. Those are records stored before the record key existed
// (installs from before the ledger). A record whose MAC fails is never
// adoptable: it was changed after it was signed.
func (l *Ledger) Adoptable(ctx context.Context, st *State) ([]Entry, error) {
	recs, err := l.records(ctx)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, r := range recs {
		key := r.info.Key
		if _, ok := st.Recorded[key]; ok {
			continue
		}
		if _, ok := st.Purged[key]; ok {
			continue
		}
		data, err := ReadObject(ctx, l.store, key, maxRecordBytes)
		if err != nil {
			if errors.Is(err, errTooLarge) {
				continue
			}
			return nil, fmt.Errorf("读取 %s 出错：%w", key, err)
		}
		kind, unsigned := KindCommit, false
		if r.status {
			var s submission.Status
			kind = KindStatus
			unsigned = json.Unmarshal(data, &s) == nil && statusInPlace(r, s) && errors.Is(l.signer.Verify(&s), submission.ErrUnsigned)
		} else if m, err := submission.DecodeManifest(data); err == nil {
			unsigned = m.Reference == r.ref && m.Kind == r.kind && errors.Is(l.signer.Verify(m), submission.ErrUnsigned)
		}
		if unsigned {
			out = append(out, Entry{Kind: kind, Reference: r.ref, Key: key, SHA256: Sum(data), Adopted: true})
		}
	}
	return out, nil
}

// Adopt records in the ledger, as they are now, the records Adoptable
// lists, each entry marked adopted by operator, and returns the entries
// appended. From then on Verify holds them to these bytes, and the
// retention purge may delete them. Adoption vouches for the records as
// they are at that moment: compare them with a backup first.
func (l *Ledger) Adopt(ctx context.Context, st *State, operator string) ([]Entry, error) {
	if strings.TrimSpace(operator) == "" {
		return nil, errors.New("请注明登记人")
	}
	todo, err := l.Adoptable(ctx, st)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, e := range todo {
		e.Operator = strings.TrimSpace(operator)
		written, err := l.Append(ctx, e)
		if err != nil {
			return out, err
		}
		out = append(out, written)
	}
	return out, nil
}
