package intake

import (
	"net/http"
	"net/url"
	"time"

	"github.com/zhongmou/award/submission"
)

// submitKind is what one kind of submission (an objection, an
// application, a supplement) tells the one submit path the create handlers
// share: what the body may carry and what is checked early, how the form
// is read, how the whole submission is checked, how the form is shown
// again, and what the answer adds. F is the kind's typed form.
type submitKind[F any] struct {
	form     intakeForm // kind, file slots, the early check
	maxBytes int64      // the whole request
	// parse reads the form's values into the typed form, once the body
	// has been read (or has failed).
	parse func(url.Values) F
	// finish checks the whole submission once its body is in — the
	// window at the moment its last part arrived (rc.completedAt), every
	// field and the files, all at once — and returns the typed fields'
	// map and the identity to seal.
	finish func(rc *received, f F) (fields map[string]string, identity any, p *problem)
	// view is the form shown again with the person's entries.
	view func(F) formView
	// answer is the 201 body, from the shared part.
	answer func(base objectionResponse, m *submission.Manifest) any
	// store, when set, commits the checked submission in place of a new
	// submission's manifest (commit, then acknowledge with answer), and
	// returns how to answer once it is stored: a supplement's
	// (supplementCreate).
	store func(rc *received, fields map[string]string) (respond func(), p *problem)
}

// submit receives one submission of kind k: the body read part by part
// into the archive, the whole checked, then committed (manifest or record
// last) and acknowledged; or, on any refusal, everything stored discarded
// and the form shown again with the person's entries.
//
// The client's address has two budgets (RateLimits): a stored submission
// takes a token of Submit just before it is committed (given back if the
// commit fails); a refusal for the client's part (4xx) takes one of
// Refusal. When either is spent as the post arrives (submitGate), it is
// refused with 429 and Retry-After without anything being stored: only its
// text fields are read, to show the form again with them (past the first
// file part too, when it is Submit that is spent; not when Refusal is, a
// flood of bad posts).
func submit[F any](s *Server, w http.ResponseWriter, r *http.Request, k submitKind[F]) {
	r.Body = http.MaxBytesReader(w, r.Body, k.maxBytes)
	client := s.clientKey(r)
	var rc *received
	p, flood := s.submitGate(client)
	if p != nil {
		rc = s.receiveText(r, !flood)
	} else {
		rc, p = s.receive(r, k.form)
	}
	defer rc.release()
	var f F
	if rc != nil {
		f = k.parse(rc.values)
	}
	var fields map[string]string
	var identity any
	if p == nil {
		fields, identity, p = k.finish(rc, f)
	}
	var giveBack func() // the token of Submit this submission took
	if p == nil {
		var ok bool
		var wait time.Duration
		if ok, wait, giveBack = s.submitLim.take(client); !ok {
			p = s.storedSpent(wait)
		}
	}
	var respond func()
	switch {
	case p == nil && k.store != nil:
		respond, p = k.store(rc, fields)
	case p == nil:
		var m *submission.Manifest
		var token string
		if m, token, p = s.commit(r.Context(), rc, fields, identity); p == nil {
			respond = func() {
				s.acknowledge(w, r, m, token, func(base objectionResponse) any { return k.answer(base, m) })
			}
		}
	}
	if p != nil {
		if giveBack != nil {
			giveBack() // taken, but nothing was stored
		}
		s.countRefusal(client, p)
		rc.discard()
		s.metrics.rejections.WithLabelValues(k.form.kind, p.Code).Inc()
		var view formView
		if rc != nil || p.Status != http.StatusServiceUnavailable {
			view = k.view(f) // the entries read, or a blank form
			if rc != nil {
				s.fillStaged(r.Context(), view, rc.values) // the files sent ahead, kept
			}
		}
		s.fail(w, r, p, view)
		return
	}
	s.metrics.submissions.WithLabelValues(k.form.kind).Inc()
	s.removeStaged(rc)
	respond()
}

// lateProblem says that a submission begun within its window was finished
// only after the window closed, and why that counts.
func lateProblem(closed *problem, window string) *problem {
	p := *closed
	p.Message = "提交在" + window + "结束后才全部上传完成，不能受理，本次提交没有保存任何内容。是否在期限内以全部内容上传完成的时间为准。" + closed.Message
	return &p
}
