package export

import (
	"context"
	"fmt"
	"slices"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/submission"
)

// verifyRecords runs the verification of the stored record (ledger.Verify,
// without re-reading the files: the export re-hashes them as it copies
// them) and keeps what concerns this export: findings about the ledger
// itself, about the submissions selected (their manifests, status
// records and supplement records, a deleted supplement included), and
// deleted submissions of the kinds exported — whatever the other options,
// since a deleted submission's fields are gone with it. A finding about a
// selected submission also goes to its 校验结果.
func (e *exporter) verifyRecords(ctx context.Context) error {
	if e.o.Signer == nil {
		return nil
	}
	rep, err := ledger.New(e.o.Store, e.o.Signer, nil).Verify(ctx, ledger.VerifyOptions{})
	if err != nil {
		return fmt.Errorf("防篡改核验出错：%w", err)
	}
	selected := map[string]*item{}
	for _, it := range e.subs {
		selected[it.ref] = it
	}
	for _, f := range rep.Findings {
		_, _, ofSupplement := submission.SupplementOf(f.Key)
		switch it := selected[f.Reference]; {
		case f.Kind.Chain():
		case f.Kind == ledger.SubmissionDeleted && !ofSupplement:
			kind, _, ok := ledger.ManifestOf(f.Key)
			if !ok || !slices.Contains(e.o.kinds(), kind) {
				continue
			}
		case it != nil:
			it.problems = append(it.problems, f.Kind.Label()+"（"+f.Detail+"）")
		default:
			continue
		}
		e.rep.Findings = append(e.rep.Findings, f)
	}
	return nil
}
