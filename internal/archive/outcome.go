package archive

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/zhongmou/award/submission"
)

// ErrNotCandidate: the application an objection found 查实 names cannot
// have its candidacy revoked — it is not found, not an application, not the
// candidate objected to, or not at 候选. Its text is for the clerk.
var ErrNotCandidate = errors.New("不能取消候选资格")

// RevocationNote is the note on the event that revokes a candidacy because
// of an objection found 查实: what the applicant reads on the receipt and in
// the mail, naming neither the objection nor the objector.
const RevocationNote = "公示期间收到的异议经核查属实，依照《中牟县县长质量奖管理办法》第十七条第（八）项，取消候选资格。"

// RecordOutcome records the outcome of an objection (st.Outcome: 查实,
// 不属实 or 不予受理, with its note) as the objection's next event after
// the event after, like AppendEvent; its Publicity and Candidate are taken
// from the objection's fields. For 查实 it then moves the candidate's
// application (Outcome.Application) from 候选 to 取消候选资格 by an event of
// its own that carries RevokedBy (the objection's reference) and
// RevocationNote; both are written conditionally.
//
// Before anything is written, the application is checked: it must exist,
// carry the credit code objected to and be at 候选; otherwise the error
// matches ErrNotCandidate and nothing is recorded. When the application is
// moved by someone else between the two writes, the revocation is tried
// again while it is still at 候选; if it has left 候选, the objection's
// event stands (returned) and the error matches ErrNotCandidate too.
// revoked is the application's event, nil when none was written.
func (a *Archive) RecordOutcome(ctx context.Context, st submission.Status, after int) (obj submission.Status, revoked *submission.Status, err error) {
	o := st.Outcome
	if o == nil {
		return obj, nil, fmt.Errorf("%w：没有核查结论", ErrStage)
	}
	oc := *o
	oc.Note = strings.TrimSpace(oc.Note)
	oc.Application = submission.NormalizeReference(oc.Application)
	switch {
	case !slices.Contains(submission.OutcomeResults, oc.Result):
		return obj, nil, fmt.Errorf("%w：核查结论只能是“查实”“不属实”或“不予受理”", ErrStage)
	case oc.Note == "":
		return obj, nil, errors.New("核查结论须写明理由")
	}
	m, err := a.Find(ctx, st.Reference)
	if err != nil {
		return obj, nil, err
	}
	if m.Kind != submission.KindObjection {
		return obj, nil, fmt.Errorf("%w：只有异议才有核查结论", ErrStage)
	}
	f := m.Objection()
	oc.Publicity, oc.Candidate = f.Publicity, f.Candidate
	var app *Case
	if oc.Result == submission.StageSubstantiated {
		if app, err = a.revocable(ctx, oc.Application, f.CandidateCreditCode); err != nil {
			return obj, nil, err
		}
	}
	st.Stage, st.Note, st.Outcome = oc.Result, oc.Note, &oc
	if obj, err = a.AppendEvent(ctx, st, after); err != nil || app == nil {
		return obj, nil, err
	}
	rev, err := a.revoke(ctx, app, obj)
	if err != nil {
		return obj, nil, err
	}
	return obj, &rev, nil
}

// revocable reads the application ref, which must be the candidate with
// the credit code and at 候选.
func (a *Archive) revocable(ctx context.Context, ref, creditCode string) (*Case, error) {
	if ref == "" {
		return nil, fmt.Errorf("%w：找不到被异议的候选组织的申报", ErrNotCandidate)
	}
	c, err := a.Case(ctx, ref)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, fmt.Errorf("%w：没有受理编号为 %s 的申报", ErrNotCandidate, ref)
	case err != nil:
		return nil, err
	case c.Manifest.Kind != submission.KindApplication:
		return nil, fmt.Errorf("%w：%s 不是申报", ErrNotCandidate, ref)
	case creditCode != "" && !strings.EqualFold(c.Manifest.Application().CreditCode, creditCode):
		return nil, fmt.Errorf("%w：申报 %s 的统一社会信用代码与异议所针对的候选组织不一致", ErrNotCandidate, ref)
	case c.Current.Code != submission.StageCandidate:
		return nil, fmt.Errorf("%w：申报 %s 目前是“%s”，不是“候选”", ErrNotCandidate, ref, c.Current.Label)
	}
	return c, nil
}

// revoke moves the application c to 取消候选资格 because of the objection
// event obj, after c's latest event; when another event comes first, it
// reads the application again and tries while it is still at 候选.
func (a *Archive) revoke(ctx context.Context, c *Case, obj submission.Status) (submission.Status, error) {
	ref := c.Manifest.Reference
	for try := 0; ; try++ {
		ev, err := a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: submission.StageCandidacyRevoked,
			Note: RevocationNote, Operator: obj.Operator, At: obj.At, RevokedBy: obj.Reference}, c.Seq)
		if !errors.Is(err, ErrConflict) || try == 3 {
			if err != nil {
				return ev, fmt.Errorf("异议已记为“查实”，但申报 %s 未能取消候选资格：%w", ref, err)
			}
			return ev, nil
		}
		if c, err = a.revocable(ctx, ref, ""); err != nil {
			return submission.Status{}, fmt.Errorf("异议已记为“查实”，但%w", err)
		}
	}
}
