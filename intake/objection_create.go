package intake

import (
	"net/http"
	"net/url"
)

// objectionCreate receives an objection: fields and evidence files in one
// multipart/form-data request. See the package doc and README for the
// contract.
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
			t, p := s.objectionTarget(f)
			target = t
			return p
		},
	}
	rc, p := s.receive(r, form)
	if p != nil {
		s.reject(w, r, form.kind, p, rc)
		return
	}
	splitTarget(rc.values)
	f := parseObjectionForm(rc.values)
	if target == nil {
		if target, p = s.objectionTarget(f); p != nil {
			rc.discard()
			s.reject(w, r, form.kind, p, rc)
			return
		}
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
	fields := map[string]string{
		"publicity": f.Publicity, "publicityTitle": target.pub.Title, "candidate": f.Candidate,
		"candidateName": target.cand.Name, "candidateCreditCode": target.cand.CreditCode,
		"objectorType": f.ObjectorType, "statement": f.Statement, "consent": f.Consent, "notice": noticeVersion,
	}
	m, token, p := rc.commit(r.Context(), fields, sealed)
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

// objectionTarget resolves and checks the publicity and candidate.
func (s *Server) objectionTarget(f objectionForm) (*objectionTarget, *problem) {
	pub, cand, p := f.target(s.manifest(), s.now())
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
