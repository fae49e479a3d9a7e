package intake

import (
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/submission"
	"github.com/zhongmou/award/workday"
)

// PaperCheck checks a submission that came on paper, which the secretariat
// registers in its console (代录), exactly as the intake checks one sent
// online: the same form fields under the same names, the same rules and
// messages, the same typed fields — here, not copied. What differs is the
// window: it is open or not on the postmark (or hand-in) date, not at the
// moment the record is made, and the typed fields say so (Channel
// submission.ChannelPaper, Postmarked).
type PaperCheck struct {
	Limits    Limits
	Calendar  *workday.Calendar
	Townships []string
	Location  *time.Location
	// Today is the day of registration (ages and other dates are
	// checked against it, as online against the day of sending).
	Today time.Time
}

// PaperResult is what PaperCheck found: the typed fields' map and the
// identity to seal when Problems is empty; else Message for the whole form
// and Problems by form field (the online form's names: publicity,
// candidate, name, …; call, orgName, …; the application's slots).
type PaperResult struct {
	Fields   map[string]string
	Identity any
	Message  string
	Problems map[string]string
}

// OK reports whether the submission may be registered.
func (r PaperResult) OK() bool { return r.Message == "" && len(r.Problems) == 0 }

func (r *PaperResult) problem(p *problem) {
	r.Message, r.Problems = p.Message, p.Fields
	if r.Problems == nil {
		r.Problems = map[string]string{}
	}
}

// within is a moment of the day d inside the window [opens, closes) when
// there is one: the day's start, or the window's opening when that is
// later the same day. A postmark on a window's first or last day is in
// time whatever the opening and closing hours.
func within(d workday.Date, loc *time.Location, opens time.Time) time.Time {
	start := d.Start(loc)
	if opens.After(start) && opens.Before(start.AddDate(0, 0, 1)) {
		return opens
	}
	return start
}

// windowMessage says that the postmark is outside the window.
func windowMessage(what string, d workday.Date, period string) string {
	return "邮戳（或送达）日期 " + d.Chinese() + " 不在" + what + "（" + period + "）内：不能登记为按时提交。"
}

// Objection checks a paper objection: v are the online form's values,
// postmarked the postmark date, files how many files of evidence came.
func (c PaperCheck) Objection(v url.Values, m *schedule.Manifest, postmarked workday.Date, files int) PaperResult {
	var res PaperResult
	f := readObjectionForm(v)
	at := postmarked.Start(c.Location)
	if m != nil {
		if pub := m.Publicity(f.Publicity); pub != nil {
			at = within(postmarked, c.Location, pub.Opens)
		}
	}
	pub, cand, p := f.target(m, at)
	if p != nil {
		if p.Code == "window_closed" && m != nil {
			if mp := m.Publicity(f.Publicity); mp != nil {
				p.Message = windowMessage("公示期", postmarked, mp.Period())
			}
		}
		res.problem(p)
		return res
	}
	errs := f.validate(c.Limits, c.Today.In(c.Location))
	if files == 0 {
		if errs == nil {
			errs = map[string]string{}
		}
		errs["evidence"] = "请上传异议书扫描件或至少一份证明材料。"
	}
	if errs != nil {
		res.problem(invalid(errs))
		return res
	}
	res.Fields = submission.ObjectionFields{
		Publicity: pub.ID, PublicityTitle: pub.Title, Candidate: cand.ID, CandidateName: cand.Name, CandidateCreditCode: cand.CreditCode,
		ObjectorType: f.ObjectorType, Statement: f.Statement, Consent: f.Consent, Notice: noticeVersion,
		Channel: submission.ChannelPaper, Postmarked: postmarked.String(),
	}.Map()
	res.Identity = f.identity()
	return res
}

// Application checks a paper application: v are the online form's values,
// postmarked the postmark or hand-in date, files the files stored for it
// (their Field the slot), so that the slots are checked as online.
func (c PaperCheck) Application(v url.Values, m *schedule.Manifest, postmarked workday.Date, files []submission.File) PaperResult {
	var res PaperResult
	f := parseApplicationForm(v)
	at := postmarked.Start(c.Location)
	if m != nil {
		if call := m.Call(f.Call); call != nil {
			at = within(postmarked, c.Location, call.Opens)
		}
	}
	call, p := f.call(m, at)
	if p != nil {
		if p.Code == "window_closed" && m != nil {
			if mc := m.Call(f.Call); mc != nil {
				p.Message = windowMessage("申报期", postmarked, mc.Period())
			}
		}
		res.problem(p)
		return res
	}
	s := &Server{calendar: c.Calendar, townships: c.Townships, loc: c.Location}
	fields, p := s.checkWhole(&f, call, workday.DateOf(c.Today.In(c.Location)), files)
	if p != nil {
		res.problem(p)
		return res
	}
	fields.Channel, fields.Postmarked = submission.ChannelPaper, postmarked.String()
	res.Fields, res.Identity = fields.Map(), f.identity()
	return res
}

// PaperFormFields are the names of the online forms' fields, by kind, for
// the console's 代录 form to keep what was typed.
func PaperFormFields(kind string) []string {
	if kind == submission.KindObjection {
		return []string{"publicity", "candidate", "objectorType", "name", "idNumber", "creditCode", "phone", "email", "statement", "consent"}
	}
	out := []string{"call", "orgName", "creditCode", "orgKind", "established", "littleGiant", "industry", "township", "address",
		"legalRepresentative", "contactName", "phone", "email", "recommender", "excellenceSince", "internalPublicityStart",
		"internalPublicityEnd", "consent"}
	for i := range submission.Declarations {
		out = append(out, "declaration"+strconv.Itoa(i+1))
	}
	return out
}

// DeclarationTexts are the nine Art. 14 situations as the online form
// shows them, for the console's 代录 form.
func DeclarationTexts() []string { return declarations[:] }

// OrgKinds are the kinds of organisation the online form offers.
func OrgKinds() []string { return slices.Clone(orgKinds) }

// TypeNames lists media types as people know them (PDF、OFD、…), as the
// online forms' messages do.
func TypeNames(types []string) string { return typeNames(types) }

// RefusedTypeText is what the online forms say of a file refused for its
// content, named display, where types are accepted: that its content is
// not what its name ending promises (「文件内容不是PDF（可能改过扩展名或已损坏）」)
// when the ending is an accepted one, else which formats are accepted.
func RefusedTypeText(display string, types []string) string {
	text, _ := refusedTypeText(display, types)
	return text
}
