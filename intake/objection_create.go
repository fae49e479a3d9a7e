package intake

import (
	"net/http"
	"net/url"
	"time"

	"github.com/zhongmou/award/submission"
)

// objectionCreate receives an objection: fields and evidence files in one
// multipart/form-data request. See the package doc and README for the
// contract.
//
// Whether it came in time is decided by when its last part arrived
// (received.completedAt): an objection begun while the publicity was open
// but finished after it closed is refused, and nothing is stored.
func (s *Server) objectionCreate(w http.ResponseWriter, r *http.Request) {
	var target *objectionTarget // resolved by the early check
	submit(s, w, r, submitKind[objectionForm]{
		form: intakeForm{
			kind: submission.KindObjection,
			slots: map[string]fileSlot{"evidence": {
				maxCount: s.cfg.Limits.MaxFiles, maxBytes: s.cfg.Limits.MaxFileBytes, types: s.cfg.Limits.AllowedTypes}},
			early: func(v url.Values) *problem {
				f := readObjectionForm(v)
				if f.Publicity == "" && f.Candidate == "" {
					return nil // an API client may send the fields after the files
				}
				t, p := s.objectionTarget(f, s.now())
				target = t
				return p
			},
		},
		maxBytes: s.cfg.Limits.MaxRequestBytes,
		parse:    readObjectionForm,
		finish: func(rc *received, f objectionForm) (map[string]string, any, *problem) {
			begun := target != nil
			t, p := s.objectionTarget(f, rc.completedAt)
			if p != nil {
				if begun && p.Code == "window_closed" {
					p = lateProblem(p, "公示期")
				}
				return nil, nil, p
			}
			errs := f.validate(s.cfg.Limits, s.now().In(s.loc))
			if len(rc.files) == 0 {
				if errs == nil {
					errs = map[string]string{}
				}
				errs["evidence"] = "请上传至少一份证明材料。"
			}
			if errs != nil {
				return nil, nil, invalid(errs)
			}
			fields := submission.ObjectionFields{
				Publicity: f.Publicity, PublicityTitle: t.pub.Title, Candidate: f.Candidate,
				CandidateName: t.cand.Name, CandidateCreditCode: t.cand.CreditCode,
				ObjectorType: f.ObjectorType, Statement: f.Statement, Consent: f.Consent, Notice: noticeVersion,
			}
			return fields.Map(), f.identity(), nil
		},
		view:   func(f objectionForm) formView { return s.newObjectionView(f) },
		answer: func(base objectionResponse, _ *submission.Manifest) any { return base },
	})
}

// readObjectionForm reads an objection's values (a browser's target=P/C
// split into publicity and candidate).
func readObjectionForm(v url.Values) objectionForm {
	splitTarget(v)
	return parseObjectionForm(v)
}

type objectionTarget struct {
	pub  *publicityRef
	cand *candidateRef
}

type publicityRef struct{ ID, Title string }
type candidateRef struct{ ID, Name, CreditCode string }

// objectionTarget resolves the publicity and candidate and checks that the
// publicity is open at t.
func (s *Server) objectionTarget(f objectionForm, t time.Time) (*objectionTarget, *problem) {
	pub, cand, p := f.target(s.manifest(), t)
	if p != nil {
		return nil, p
	}
	return &objectionTarget{pub: &publicityRef{pub.ID, pub.Title}, cand: &candidateRef{cand.ID, cand.Name, cand.CreditCode}}, nil
}
