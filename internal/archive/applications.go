package archive

import (
	"context"
	"fmt"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/submission"
)

// Applications reads every committed application with its handling, in the
// order of their keys. One whose records cannot be read is an error: the
// pages generated from them (internal/drafts) must not leave a candidate
// out because a read failed.
func (a *Archive) Applications(ctx context.Context) ([]*Case, error) {
	infos, err := a.store.List(ctx, submission.KindApplication+"s/")
	if err != nil {
		return nil, fmt.Errorf("list applications: %w", err)
	}
	var out []*Case
	for _, in := range infos {
		kind, ref, ok := ledger.ManifestOf(in.Key)
		if !ok || kind != submission.KindApplication {
			continue
		}
		c, err := a.caseAt(ctx, in.Key)
		if err != nil {
			return nil, fmt.Errorf("read application %s: %w", ref, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// caseAt is Case for the manifest stored under key: read there, not looked
// up by reference (Find, which tries objections/ first).
func (a *Archive) caseAt(ctx context.Context, key string) (*Case, error) {
	data, err := a.read(ctx, key)
	if err != nil {
		return nil, err
	}
	m, err := submission.DecodeManifest(data)
	if err != nil {
		return nil, err
	}
	return a.CaseOf(ctx, m)
}
