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
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.Limits.MaxRequestBytes)
	var target *objectionTarget
	form := intakeForm{
		kind: "objection",
		slots: map[string]fileSlot{"evidence": {
			maxCount: s.cfg.Limits.MaxFiles, maxBytes: s.cfg.Limits.MaxFileBytes, types: s.cfg.Limits.AllowedTypes}},
		early: func(v url.Values) *problem {
			splitTarget(v)
			f := parseObjectionForm(v)
			if f.Publicity == "" && f.Candidate == "" {
				return nil // an API client may send the fields after the files
			}
			t, p := s.objectionTarget(f, s.now())
			target = t
			return p
		},
	}
	rc, p := s.receive(r, form)
	defer rc.release()
	if p != nil {
		s.reject(w, r, form.kind, p, rc)
		return
	}
	splitTarget(rc.values)
	f := parseObjectionForm(rc.values)
	begun := target != nil
	if target, p = s.objectionTarget(f, rc.completedAt); p != nil {
		if begun && p.Code == "window_closed" {
			p = lateProblem(p, "公示期")
		}
		rc.discard()
		s.reject(w, r, form.kind, p, rc)
		return
	}
	errs := f.validate(s.cfg.Limits, s.now().In(s.loc))
	if len(rc.files) == 0 {
		if errs == nil {
			errs = map[string]string{}
		}
		errs["evidence"] = "请上传至少一份证明材料。"
	}
	if errs != nil {
		rc.discard()
		s.reject(w, r, form.kind, invalid(errs), rc)
		return
	}
	sealed, err := s.sealer.Seal(rc.ref, f.identity())
	if err != nil {
		rc.discard()
		s.reject(w, r, form.kind, asProblem(s.log, err), rc)
		return
	}
	fields := submission.ObjectionFields{
		Publicity: f.Publicity, PublicityTitle: target.pub.Title, Candidate: f.Candidate,
		CandidateName: target.cand.Name, CandidateCreditCode: target.cand.CreditCode,
		ObjectorType: f.ObjectorType, Statement: f.Statement, Consent: f.Consent, Notice: noticeVersion,
	}
	m, token, p := rc.commit(r.Context(), fields.Map(), sealed)
	if p != nil {
		rc.discard()
		s.reject(w, r, form.kind, p, rc)
		return
	}
	s.metrics.submissions.WithLabelValues(form.kind).Inc()
	s.acknowledge(w, r, m, token, func(base objectionResponse) any { return base })
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

// reject counts and answers a turned-down objection, re-showing the form
// with the person's entries.
func (s *Server) reject(w http.ResponseWriter, r *http.Request, kind string, p *problem, rc *received) {
	s.metrics.rejections.WithLabelValues(kind, p.Code).Inc()
	var view formView
	if rc != nil {
		view = s.newObjectionView(parseObjectionForm(rc.values))
	} else if p.Status != http.StatusServiceUnavailable {
		view = s.newObjectionView(objectionForm{})
	}
	s.fail(w, r, p, view)
}

// lateProblem says that a submission begun within its window was finished
// only after the window closed, and why that counts.
func lateProblem(closed *problem, window string) *problem {
	p := *closed
	p.Message = "提交在" + window + "结束后才全部上传完成，不能受理，本次提交没有保存任何内容。是否在期限内以全部内容上传完成的时间为准。" + closed.Message
	return &p
}
