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
	// Status is the current stage of the handling, History the public
	// events newest first, at most receiptHistory (receipt lookups only).
	Status  *receiptStatus  `json:"status,omitempty"`
	History []receiptStatus `json:"history,omitempty"`
}

type slotReceipt struct {
	Slot     string         `json:"slot"`
	Label    string         `json:"label"`
	Received bool           `json:"received"`
	Files    []responseFile `json:"files"`
}

// applicationCreate receives an application: the organisation's fields,
// nine declarations and the documents, in one multipart/form-data request.
// Whether it came in time is decided by when its last part arrived (see
// objectionCreate).
func (s *Server) applicationCreate(w http.ResponseWriter, r *http.Request) {
	var call *schedule.Call // resolved by the early check
	today := workday.DateOf(s.now().In(s.loc))
	form := intakeForm{kind: submission.KindApplication, slots: fileSlots(submission.ApplicationSlots())}
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
	submit(s, w, r, submitKind[applicationForm]{
		form:     form,
		maxBytes: s.cfg.Limits.ApplicationMaxRequestBytes,
		parse:    parseApplicationForm,
		finish: func(rc *received, f applicationForm) (map[string]string, any, *problem) {
			begun := call != nil
			c, p := f.call(s.manifest(), rc.completedAt)
			if p != nil {
				if begun && p.Code == "window_closed" {
					p = lateProblem(p, "申报期")
				}
				return nil, nil, p
			}
			fields, p := s.checkWhole(&f, c, today, rc.files)
			if p != nil {
				return nil, nil, p
			}
			return fields.Map(), f.identity(), nil
		},
		view: func(f applicationForm) formView { return s.newApplicationView(f) },
		answer: func(base objectionResponse, m *submission.Manifest) any {
			return applicationResponse{objectionResponse: base, Slots: slotReceipts(m)}
		},
	})
}

// checkWhole checks a whole application — fields, eligibility, every
// slot's files — and names every problem in one answer (一次性告知), or
// returns its typed fields.
func (s *Server) checkWhole(f *applicationForm, call *schedule.Call, today workday.Date, files []submission.File) (submission.ApplicationFields, *problem) {
	ch := s.checkApplication(f, call, today)
	received := map[string]int{}
	for _, file := range files {
		received[file.Field]++
	}
	var missing, absent, got []string // required and missing; optional and not given; received
	for _, sl := range callSlots(call) {
		switch {
		case received[sl.Name] > 0 && sl.Name == submission.SlotLittleGiantCert && f.LittleGiant != "yes":
			ch.fields[sl.Name] = "未选择专精特新“小巨人”企业，无需上传此证书；如是“小巨人”企业，请选择“是”。"
		case received[sl.Name] == 0 && sl.RequiredFor(f.LittleGiant == "yes"):
			ch.fields[sl.Name] = "请上传" + sl.Label + "。"
			missing = append(missing, sl.Label)
		case received[sl.Name] == 0:
			absent = append(absent, sl.Name)
		}
		if received[sl.Name] > 0 {
			got = append(got, sl.Name)
		}
	}
	if p := s.applicationProblem(ch); p != nil {
		if len(missing) > 0 && len(ch.ineligible) == 0 {
			p.Message = "以下材料尚未上传：" + strings.Join(missing, "、") + "。" + p.Message
		}
		return submission.ApplicationFields{}, p
	}
	return submission.ApplicationFields{
		Call: call.ID, CallTitle: call.Title, OrgName: f.OrgName, CreditCode: f.CreditCode, OrgKind: f.OrgKind,
		Established: f.Established, LittleGiant: f.LittleGiant, Industry: f.Industry, Township: f.Township,
		Address: f.Address, Recommender: f.Recommender, ExcellenceSince: f.ExcellenceSince,
		InternalPublicityStart: f.InternalPublicityStart, InternalPublicityEnd: f.InternalPublicityEnd,
		InternalPublicityWorkingDays: strconv.Itoa(ch.pubDays), Consent: f.Consent, Notice: noticeVersion,
		DeclarationsVersion: declarationsVersion, Eligibility: ch.eligibility, MissingSlots: strings.Join(absent, ","),
		SlotsReceived: strings.Join(got, ","), Declarations: f.Declarations, DeclarationTexts: declarations,
		RecommendationMode: recommendationMode(call),
	}, nil
}

// recommendationMode is the call's recommendation as the manifest records
// it: submission.RecommendationOnline, or "" for the applicant's stamped
// upload (schedule's words are the front matter's, submission's the
// records').
func recommendationMode(c *schedule.Call) string {
	if c.RecommendsOnline() {
		return submission.RecommendationOnline
	}
	return ""
}

// slotReceipts lists every slot of an application with what it received.
func slotReceipts(m *submission.Manifest) []slotReceipt {
	return receiptsOf(submission.ApplicationSlots(), m)
}

// fileSlots is what each of slots takes: its count, size and types.
func fileSlots(slots []submission.Slot) map[string]fileSlot {
	out := map[string]fileSlot{}
	for _, sl := range slots {
		out[sl.Name] = slotLimits(sl)
	}
	return out
}

// slotLimits are a slot's limits on its files: count, size and types.
func slotLimits(sl submission.Slot) fileSlot {
	return fileSlot{maxCount: sl.MaxFiles, maxBytes: sl.MaxBytes, types: sl.Types}
}

// receiptsOf lists every one of slots with what the manifest received in it.
func receiptsOf(slots []submission.Slot, m *submission.Manifest) []slotReceipt {
	var out []slotReceipt
	for _, sl := range slots {
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
