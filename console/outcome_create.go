package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/submission"
)

// isOutcome reports whether moving a submission of kind to stage records
// an objection's outcome (查实, 不属实, 不予受理): the stage form then
// records it through outcomeCreate.
func isOutcome(kind, stage string) bool {
	return kind == kindObjection && slices.Contains(submission.OutcomeResults, stage)
}

// outcomeCreate records an objection's outcome (the stage form's move to
// 查实, 不属实 or 不予受理, with its required note): the event carries the
// Outcome — the publicity, the candidate and its application — and, for
// 查实, the candidate's application moves from 候选 to 取消候选资格 by an
// event of its own (archive.RecordOutcome). When the application cannot be
// found or is not at 候选, the form says so and nothing is recorded. Both
// moves are audited; the objector is emailed the outcome of the objection
// (tellSubmitter), the applicant the revocation.
func (s *Server) outcomeCreate(w http.ResponseWriter, r *http.Request, me *who, v *caseView, f eventForm, st submission.Stage, refuse func(int, string)) {
	ref := v.Summary.Reference
	obj := v.manifest.Objection()
	app, why := s.candidateApplication(r.Context(), obj)
	if st.Code == submission.StageSubstantiated && app == "" {
		refuse(http.StatusUnprocessableEntity, "“查实”须同时取消该候选组织的候选资格，但"+why+"，未作记录。请核对异议所针对的公示和候选组织。")
		return
	}
	if app != "" && st.Code != submission.StageSubstantiated {
		// Only an application that exists is named.
		if _, err := s.archive.Find(r.Context(), app); err != nil {
			app = ""
		}
	}
	ev, revoked, err := s.archive.RecordOutcome(r.Context(), submission.Status{Reference: ref, Operator: me.Account.Name, At: s.now(),
		Internal: f.Internal, Outcome: &submission.ObjectionOutcome{Result: st.Code, Note: f.Note, Application: app}}, f.After)
	if errors.Is(err, archive.ErrNotCandidate) && ev.Seq == 0 {
		refuse(http.StatusUnprocessableEntity, err.Error()+"，未作记录。")
		return
	}
	if ev.Seq == 0 && s.eventRefused(w, r, me, ref, err, &v, refuse) {
		return
	}
	s.audit(r, me, "stage", ref, map[string]any{"stage": st.Code, "label": st.Label, "seq": ev.Seq, "internal": f.Internal,
		"outcome": st.Code, "publicity": obj.Publicity, "candidate": obj.Candidate, "application": ev.Outcome.Application})
	s.tellSubmitter(r.Context(), ref, ev)
	if revoked != nil {
		s.audit(r, me, "stage", revoked.Reference, map[string]any{"stage": revoked.Stage, "label": revoked.State, "seq": revoked.Seq, "revokedBy": ref})
		s.tellSubmitter(r.Context(), revoked.Reference, *revoked)
	}
	if err != nil {
		// The outcome is stored; the revocation is not (the application
		// left 候选 meanwhile): the page says so.
		s.log.Warn("objection substantiated, candidacy not revoked", "reference", ref, "application", app, "err", err)
		fresh, ferr := s.caseView(r.Context(), me, ref)
		if ferr != nil {
			s.fail(w, r, me, ferr)
			return
		}
		fresh.Message = err.Error() + "。请打开该申报核对办理情况。"
		s.render(w, r, me, http.StatusConflict, "case.html", fresh.Summary.KindLabel+" "+ref, fresh)
		return
	}
	http.Redirect(w, r, Prefix+"cases/"+ref+"?done=event", http.StatusSeeOther)
}

// candidateApplication is the application of the candidate an objection is
// about: the publicity's candidate Reference (windows.json) when it has
// one; else the one application with the candidate's credit code among
// the applications of the calls of the publicity's session (among all
// applications when the manifest does not tell), preferring those at
// 候选. When there is none, why says so, for the clerk.
func (s *Server) candidateApplication(ctx context.Context, f submission.ObjectionFields) (ref, why string) {
	var pub *schedule.Publicity
	m := s.manifest()
	if m != nil {
		pub = m.Publicity(f.Publicity)
	}
	if pub != nil {
		if c := pub.Candidate(f.Candidate); c != nil && c.Reference != "" {
			return submission.NormalizeReference(c.Reference), ""
		}
	}
	code := strings.ToUpper(strings.TrimSpace(f.CandidateCreditCode))
	if code == "" {
		return "", "异议没有记载候选组织的统一社会信用代码"
	}
	all, err := s.cases.all(ctx)
	if err != nil {
		s.log.Warn("applications not listed for an outcome", "err", err)
		return "", "申报列表暂时读不出来"
	}
	var found, candidates []string
	for _, c := range all {
		if c.Kind != kindApplication || strings.ToUpper(c.CreditCode) != code || !s.sameSession(m, pub, c.Window) {
			continue
		}
		found = append(found, c.Reference)
		if c.Stage.Code == submission.StageCandidate {
			candidates = append(candidates, c.Reference)
		}
	}
	switch {
	case len(candidates) == 1:
		return candidates[0], ""
	case len(candidates) > 1:
		return "", fmt.Sprintf("统一社会信用代码为 %s 的候选申报有 %d 份（%s），无法确定是哪一份", code, len(candidates), strings.Join(candidates, "、"))
	case len(found) == 1:
		return found[0], ""
	case len(found) > 1:
		return "", fmt.Sprintf("统一社会信用代码为 %s 的申报有 %d 份（%s），都不在“候选”阶段", code, len(found), strings.Join(found, "、"))
	}
	return "", "找不到统一社会信用代码为 " + code + " 的申报"
}

// sameSession reports whether the call with id is of the publicity's
// session; true when the manifest does not tell (no publicity, no session,
// an unknown call).
func (s *Server) sameSession(m *schedule.Manifest, pub *schedule.Publicity, call string) bool {
	if m == nil || pub == nil || pub.Session == 0 {
		return true
	}
	c := m.Call(call)
	return c == nil || c.Session == pub.Session
}

// manifest is the current windows manifest, nil when there is none.
func (s *Server) manifest() *schedule.Manifest {
	if s.windows == nil {
		return nil
	}
	return s.windows.Current()
}

// outcomeTarget says on an objection's page which application 查实 would
// revoke, or why none can be: "" when 查实 is not a move from here.
func (s *Server) outcomeTarget(ctx context.Context, m *submission.Manifest, next []submission.Stage) string {
	if m.Kind != kindObjection || !slices.ContainsFunc(next, func(st submission.Stage) bool { return st.Code == submission.StageSubstantiated }) {
		return ""
	}
	ref, why := s.candidateApplication(ctx, m.Objection())
	if ref != "" {
		switch c, err := s.archive.Case(ctx, ref); {
		case err != nil:
			ref, why = "", "没有受理编号为 "+ref+" 的申报"
		case c.Current.Code != submission.StageCandidate:
			ref, why = "", "申报 "+ref+" 目前是“"+c.Current.Label+"”，不是“候选”"
		}
	}
	if ref == "" {
		return "“查实”须同时取消候选资格，但" + why + "：现在不能记为“查实”。"
	}
	return "记为“查实”时，申报 " + ref + " 同时由“候选”改为“取消候选资格”（《管理办法》第十七条第（八）项），申报人会收到通知。"
}
