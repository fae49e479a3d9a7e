package intake

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/submission"
	"github.com/zhongmou/award/workday"
)

// applicationResponse is the 201 body of POST /api/applications.
type applicationResponse struct {
	objectionResponse
	// Slots is the 收件清单: every slot, received or not.
	Slots []slotReceipt `json:"slots,omitempty"`
	// Status is the secretariat's latest update (receipt lookups only).
	Status *receiptStatus `json:"status,omitempty"`
}

type slotReceipt struct {
	Slot     string         `json:"slot"`
	Label    string         `json:"label"`
	Received bool           `json:"received"`
	Files    []responseFile `json:"files"`
}

// applicationCreate receives an application: the organisation's fields,
// nine declarations and the documents, in one multipart/form-data request.
func (s *Server) applicationCreate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.Limits.ApplicationMaxRequestBytes)
	var call *schedule.Call
	today := workday.DateOf(s.now().In(s.loc))
	form := intakeForm{kind: submission.KindApplication, slots: map[string]fileSlot{}}
	for _, sl := range submission.ApplicationSlots() {
		form.slots[sl.Name] = fileSlot{maxCount: sl.MaxFiles, maxBytes: sl.MaxBytes, types: sl.Types}
	}
	form.early = func(v url.Values) *problem {
		f := parseApplicationForm(v)
		if f.Call == "" && !f.hasFields() {
			return nil // an API client may send the fields after the files
		}
		c, p := f.call(s.manifest(), s.now())
		if p != nil {
			return p
		}
		call = c
		if !f.hasFields() {
			return nil
		}
		// The consent box follows the documents on the form, so a browser
		// sends it after the files: it is checked at the end.
		ch := s.checkApplication(&f, c, today)
		delete(ch.fields, "consent")
		return s.applicationProblem(ch)
	}
	rc, p := s.receive(r, form)
	defer rc.release()
	if p != nil {
		s.rejectApplication(w, r, p, rc)
		return
	}
	f := parseApplicationForm(rc.values)
	// In time is when the last part arrived (see objectionCreate).
	begun := call != nil
	if call, p = f.call(s.manifest(), rc.completedAt); p != nil {
		if begun && p.Code == "window_closed" {
			p = lateProblem(p, "申报期")
		}
		rc.discard()
		s.rejectApplication(w, r, p, rc)
		return
	}
	ch := s.checkApplication(&f, call, today)
	received := map[string]int{}
	for _, file := range rc.files {
		received[file.Field]++
	}
	var missing, absent []string // required and missing; optional and not given
	for _, sl := range submission.ApplicationSlots() {
		required := sl.Required || (sl.Name == "littleGiantCert" && f.LittleGiant == "yes")
		switch {
		case received[sl.Name] > 0 && sl.Name == "littleGiantCert" && f.LittleGiant != "yes":
			ch.fields[sl.Name] = "未选择专精特新“小巨人”企业，无需上传此证书；如是“小巨人”企业，请选择“是”。"
		case received[sl.Name] == 0 && required:
			ch.fields[sl.Name] = "请上传" + sl.Label + "。"
			missing = append(missing, sl.Label)
		case received[sl.Name] == 0:
			absent = append(absent, sl.Name)
		}
	}
	if p := s.applicationProblem(ch); p != nil {
		if len(missing) > 0 && len(ch.ineligible) == 0 {
			p.Message = "以下材料尚未上传：" + strings.Join(missing, "、") + "。" + p.Message
		}
		rc.discard()
		s.rejectApplication(w, r, p, rc)
		return
	}
	sealed, err := s.sealer.Seal(rc.ref, f.identity())
	if err != nil {
		rc.discard()
		s.rejectApplication(w, r, asProblem(s.log, err), rc)
		return
	}
	fields := submission.ApplicationFields{
		Call: call.ID, CallTitle: call.Title, OrgName: f.OrgName, CreditCode: f.CreditCode, OrgKind: f.OrgKind,
		Established: f.Established, LittleGiant: f.LittleGiant, Industry: f.Industry, Township: f.Township,
		Address: f.Address, Recommender: f.Recommender, ExcellenceSince: f.ExcellenceSince,
		InternalPublicityStart: f.InternalPublicityStart, InternalPublicityEnd: f.InternalPublicityEnd,
		InternalPublicityWorkingDays: strconv.Itoa(ch.pubDays), Consent: f.Consent, Notice: noticeVersion,
		DeclarationsVersion: declarationsVersion, Eligibility: ch.eligibility, MissingSlots: strings.Join(absent, ","),
		Declarations: f.Declarations, DeclarationTexts: declarations,
	}
	var got []string
	for _, sl := range submission.ApplicationSlots() {
		if received[sl.Name] > 0 {
			got = append(got, sl.Name)
		}
	}
	fields.SlotsReceived = strings.Join(got, ",")
	m, token, p := rc.commit(r.Context(), fields.Map(), sealed)
	if p != nil {
		rc.discard()
		s.rejectApplication(w, r, p, rc)
		return
	}
	s.metrics.submissions.WithLabelValues(submission.KindApplication).Inc()
	s.acknowledge(w, r, m, token, func(base objectionResponse) any {
		return applicationResponse{objectionResponse: base, Slots: slotReceipts(m)}
	})
}

// slotReceipts lists every slot of an application with what it received.
func slotReceipts(m *submission.Manifest) []slotReceipt {
	var out []slotReceipt
	for _, sl := range submission.ApplicationSlots() {
		sr := slotReceipt{Slot: sl.Name, Label: sl.Label, Files: []responseFile{}}
		for _, f := range m.Files {
			if f.Field == sl.Name {
				sr.Received = true
				sr.Files = append(sr.Files, fileResponse(f))
			}
		}
		out = append(out, sr)
	}
	return out
}

// checkApplication validates the fields and the eligibility.
func (s *Server) checkApplication(f *applicationForm, c *schedule.Call, today workday.Date) checks {
	return f.validate(c, s.calendar, s.townships, s.loc, today)
}

// applicationProblem turns checks into one answer naming every problem:
// ineligibility first (422-like, code ineligible), else the corrections.
func (s *Server) applicationProblem(ch checks) *problem {
	if len(ch.ineligible) > 0 {
		var why []string
		for _, k := range []string{"established", "excellenceSince"} {
			if m, ok := ch.ineligible[k]; ok {
				why = append(why, m)
			}
		}
		return &problem{Status: http.StatusBadRequest, Code: "ineligible",
			Message: "不符合申报条件：" + strings.Join(why, ""), Fields: ch.ineligible}
	}
	if len(ch.fields) > 0 {
		return invalid(ch.fields)
	}
	return nil
}

func (s *Server) rejectApplication(w http.ResponseWriter, r *http.Request, p *problem, rc *received) {
	s.metrics.rejections.WithLabelValues(submission.KindApplication, p.Code).Inc()
	var view formView
	if rc != nil {
		view = s.newApplicationView(parseApplicationForm(rc.values))
	} else if p.Status != http.StatusServiceUnavailable {
		view = s.newApplicationView(applicationForm{})
	}
	s.fail(w, r, p, view)
}
