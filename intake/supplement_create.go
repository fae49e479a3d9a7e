package intake

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/submission"
	"github.com/zhongmou/award/workday"
)

// supplementFieldPrefix starts the name of a supplement's text field that
// corrects a named field of the application: "field:<name>", the name
// being a submission.CorrectableField's (the same as the notice item's
// key, CorrectionItem.Key). A file's field is the slot's own name.
const supplementFieldPrefix = "field:"

// maxSupplementFieldRunes bounds one corrected field's value.
const maxSupplementFieldRunes = 500

// supplementForm is a supplement as submitted.
type supplementForm struct {
	// Fields are the corrected values given, by field name (without the
	// prefix), trimmed; blank ones are left out (not given).
	Fields map[string]string
	// Typed are every "field:" value as typed, blank ones too, by field
	// name: what the form shows again.
	Typed map[string]string
}

func parseSupplementForm(v url.Values) supplementForm {
	f := supplementForm{Fields: map[string]string{}, Typed: map[string]string{}}
	for k := range v {
		name, ok := strings.CutPrefix(k, supplementFieldPrefix)
		if !ok {
			continue
		}
		f.Typed[name] = v.Get(k)
		if val := strings.TrimSpace(v.Get(k)); val != "" {
			f.Fields[name] = val
		}
	}
	return f
}

// supplementCreate receives a supplement: what a submitter sends in answer
// to the case's one-time notice (一次性告知), POST
// /api/receipts/{reference}/supplements?token=…, multipart/form-data read
// exactly like the main forms (streamed to storage, types sniffed, sizes
// bounded; see receive). Contract (README "Intake API"):
//
//   - The reference and the receipt token (the case's current one,
//     Case.TokenMatches) are checked before any byte of the body is read:
//     unknown reference or wrong token → the receipt's 404 not_found.
//   - The case must take a supplement now (Case.AcceptsSupplement): a
//     latest notice, the handling still at 需补正/已补正, the server's
//     clock before the end of the deadline day — even after the call or
//     publicity has closed. Otherwise 403 window_closed saying why and
//     whom to call (Config.Contact), before the body is read; a body whose
//     last part arrives after the deadline day is refused the same way
//     (its last part decides, as for the main forms).
//   - Files only in the slots the notice lists (field name = slot name;
//     another → 400 invalid naming the field), each slot's count, size and
//     types as in the application form (an objection's evidence: the
//     objection's limits). Text fields "field:<name>" only for the named
//     fields the notice lists, each non-blank value at most 500 characters,
//     dates YYYY-MM-DD and not in the future, the township one of the
//     county's, the organisation type one of the form's; blank ones count
//     as not given. Other text fields are ignored (csrf is checked like
//     the other forms'). At least one item must be given.
//   - Stored as its own record (Upload.CommitSupplement), which moves the
//     case to 已补正; the original is never changed. A browser is sent to
//     the receipt (303, ?supplement=N#supplement-N); a program gets 201
//     {reference, supplement: {number, reference, receivedAt, files,
//     fields}, receipt}. Refused, nothing is stored, and a browser gets
//     the receipt page again with the problem and its typed values.
func (s *Server) supplementCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, token, p := s.receiptCase(r)
	if p != nil {
		s.metrics.rejections.WithLabelValues(submission.KindSupplement, p.Code).Inc()
		s.fail(w, r, p, nil)
		return
	}
	kind := c.Manifest.Kind
	maxBytes := s.cfg.Limits.MaxRequestBytes
	if kind == submission.KindApplication || kind == submission.KindReport {
		maxBytes = s.cfg.Limits.ApplicationMaxRequestBytes
	}
	if maxBytes > 0 && r.ContentLength > maxBytes {
		w.Header().Set("Connection", "close")
		tooLarge := readProblem(&http.MaxBytesError{Limit: maxBytes})
		s.metrics.rejections.WithLabelValues(submission.KindSupplement, tooLarge.Code).Inc()
		s.fail(w, r, tooLarge, s.newReceiptView(c, token))
		return
	}
	notice, err := c.AcceptsSupplement(s.now(), s.loc)
	if err != nil {
		closed := s.noticeProblem(c, s.now(), false, err)
		s.metrics.rejections.WithLabelValues(submission.KindSupplement, closed.Code).Inc()
		s.fail(w, r, closed, s.newReceiptView(c, token))
		return
	}
	today := workday.DateOf(s.now().In(s.loc))
	form := intakeForm{kind: submission.KindSupplement, slots: map[string]fileSlot{},
		begin: func(ctx context.Context) (*archive.Upload, error) { return s.archive.BeginSupplement(ctx, c.Manifest) },
		unlisted: func(field string) *problem {
			label := submission.SlotLabelOf(kind, field)
			return &problem{Status: http.StatusBadRequest, Code: "invalid",
				Message: "补正告知没有列明“" + label + "”，本次提交没有保存任何内容。请只上传本页补正告知中列明的材料。",
				Fields:  map[string]string{field: "补正告知没有列明“" + label + "”，不能在此提交"}}
		},
		early: func(v url.Values) *problem {
			if errs := s.checkSupplementFields(parseSupplementForm(v), notice, today); len(errs) > 0 {
				return invalid(errs)
			}
			return nil
		},
	}
	for _, sl := range s.noticeSlots(kind, notice) {
		form.slots[sl.Name] = sl.fileSlot
	}
	submit(s, w, r, submitKind[supplementForm]{
		form:     form,
		maxBytes: maxBytes,
		parse:    parseSupplementForm,
		finish: func(rc *received, f supplementForm) (map[string]string, any, *problem) {
			n, err := c.AcceptsSupplement(rc.completedAt, s.loc)
			if err != nil {
				return nil, nil, s.noticeProblem(c, rc.completedAt, true, err)
			}
			notice = n
			if errs := s.checkSupplementFields(f, n, today); len(errs) > 0 {
				return nil, nil, invalid(errs)
			}
			if len(rc.files) == 0 && len(f.Fields) == 0 {
				return nil, nil, &problem{Status: http.StatusBadRequest, Code: "invalid",
					Message: "没有收到补正材料：请至少上传一项补正告知中列明的材料，或填写一项需要更正的内容后再提交。本次提交没有保存任何内容。"}
			}
			return f.Fields, nil, nil
		},
		store: func(rc *received, fields map[string]string) (func(), *problem) {
			sup, _, err := rc.up.CommitSupplement(ctx, archive.SupplementCommitment{Notice: notice.Seq,
				ReceivedAt: rc.completedAt, Fields: fields, Files: rc.files})
			if err != nil {
				fresh, cerr := s.archive.CaseOf(ctx, c.Manifest)
				if cerr != nil {
					fresh = nil
				}
				return nil, s.noticeProblem(fresh, rc.completedAt, true, err)
			}
			number := len(c.Supplements) + 1
			if fresh, err := s.archive.CaseOf(ctx, c.Manifest); err == nil && fresh.SupplementNumber(sup.Reference) > 0 {
				number = fresh.SupplementNumber(sup.Reference)
			}
			return func() { s.acknowledgeSupplement(w, r, c.Manifest, token, number, sup) }, nil
		},
		view: func(f supplementForm) formView {
			fresh, err := s.archive.CaseOf(ctx, c.Manifest)
			if err != nil {
				fresh = c
			}
			v := s.newReceiptView(fresh, token)
			v.Values = f.Typed
			return v
		},
	})
}

// checkSupplementFields checks a supplement's named fields against the
// notice n, all at once: field → what is wrong, by the form's field name.
func (s *Server) checkSupplementFields(f supplementForm, n *archive.Notice, today workday.Date) map[string]string {
	listed := map[string]bool{}
	for _, it := range n.Items {
		if it.Field != "" {
			listed[it.Field] = true
		}
	}
	errs := map[string]string{}
	for name := range f.Typed {
		cf, known := submission.CorrectableFieldByName(name)
		label := cf.Label
		if !known {
			label = name
		}
		key := supplementFieldPrefix + name
		val, given := f.Fields[name]
		switch {
		case !listed[name]:
			errs[key] = "补正告知没有列明“" + label + "”，不能在此更正。"
		case !given:
		case utf8.RuneCountInString(val) > maxSupplementFieldRunes:
			errs[key] = label + "过长：请控制在" + strconv.Itoa(maxSupplementFieldRunes) + "个字以内。"
		case cf.Date:
			if d, err := workday.ParseDate(val); err != nil || d.After(today) {
				errs[key] = "请按“年-月-日”填写" + label + "，如 2023-01-01，且不晚于今天。"
			}
		case name == "township" && !contains(s.townships, val):
			errs[key] = "请从列表中选择所在乡镇（街道）：" + strings.Join(s.townships, "、") + "。"
		case name == "orgKind" && !contains(orgKinds, val):
			errs[key] = "请填写组织类型：" + strings.Join(orgKinds, "、") + "之一。"
		}
	}
	return errs
}

// noticeSlot is a slot a notice lists, with what it accepts.
type noticeSlot struct {
	Name, Label, Hint string
	fileSlot
}

// noticeSlots are the file slots the notice n lists, in its order: an
// application's with the application form's limits, an objection's
// evidence with the objection's.
func (s *Server) noticeSlots(kind string, n *archive.Notice) []noticeSlot {
	var out []noticeSlot
	for _, it := range n.Items {
		if it.Slot == "" {
			continue
		}
		if kind == submission.KindObjection && it.Slot == submission.EvidenceSlot {
			out = append(out, noticeSlot{Name: it.Slot, Label: submission.SlotLabelOf(kind, it.Slot), Hint: "与异议事项有关的证明材料。",
				fileSlot: fileSlot{maxCount: s.cfg.Limits.MaxFiles, maxBytes: s.cfg.Limits.MaxFileBytes, types: s.cfg.Limits.AllowedTypes}})
			continue
		}
		if sl, ok := reportSlot(it.Slot); ok && kind == submission.KindReport {
			out = append(out, noticeSlot{Name: sl.Name, Label: sl.Label, Hint: sl.Hint,
				fileSlot: slotLimits(sl)})
		}
		if sl, ok := submission.SlotByName(it.Slot); ok && kind == submission.KindApplication {
			out = append(out, noticeSlot{Name: sl.Name, Label: sl.Label, Hint: sl.Hint,
				fileSlot: slotLimits(sl)})
		}
	}
	return out
}

// supplementCreated is the 201 body of POST
// /api/receipts/{reference}/supplements.
type supplementCreated struct {
	Reference  string             `json:"reference"` // the submission's
	Supplement supplementResponse `json:"supplement"`
	Receipt    string             `json:"receipt"` // path of the receipt, token included
}

// supplementResponse is a supplement's 收件清单 in JSON.
type supplementResponse struct {
	Number     int               `json:"number"` // n of 补正 n
	Reference  string            `json:"reference"`
	ReceivedAt string            `json:"receivedAt"` // RFC 3339, +08:00
	Files      []supplementFile  `json:"files"`
	Fields     map[string]string `json:"fields,omitempty"`
}

type supplementFile struct {
	Slot string `json:"slot"`
	responseFile
}

func (s *Server) supplementResponse(number int, sup *submission.Supplement) supplementResponse {
	resp := supplementResponse{Number: number, Reference: sup.Reference, ReceivedAt: sup.ReceivedAt.In(s.loc).Format(time.RFC3339),
		Files: []supplementFile{}, Fields: sup.Fields}
	for _, f := range sup.Files {
		resp.Files = append(resp.Files, supplementFile{Slot: f.Field, responseFile: fileResponse(f)})
	}
	return resp
}

// acknowledgeSupplement answers a stored supplement: a browser is sent to
// the receipt, which then says it was received and shows its 收件清单; a
// program gets 201.
func (s *Server) acknowledgeSupplement(w http.ResponseWriter, r *http.Request, m *submission.Manifest, token string, number int, sup *submission.Supplement) {
	receipt := s.receiptPath(m.Reference, token)
	if !wantsJSON(r) {
		n := strconv.Itoa(number)
		http.Redirect(w, r, receipt+"&supplement="+n+"#supplement-"+n, http.StatusSeeOther)
		return
	}
	writeJSON(w, http.StatusCreated, supplementCreated{Reference: m.Reference, Supplement: s.supplementResponse(number, sup), Receipt: receipt})
}
