package intake

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/submission"
)

var errNoReceipt = &problem{Status: http.StatusNotFound, Code: "not_found",
	Message: "找不到这份回执。请核对受理编号，并使用提交成功时给出的完整链接。"}

// receiptView is what the receipt page shows. It is also the form of a
// supplement (formView): a refused supplement shows the receipt again
// with the problem and the values typed.
type receiptView struct {
	stagedView
	Manifest       *submission.Manifest
	PublicityTitle string
	Slots          []slotReceipt // applications: the 收件清单 of the original (原件)
	// Report is a winner's annual report's figures (reports only).
	Report *reportReceipt
	// Status is the current stage as the submitter may see it; History the
	// public events, newest first, at most receiptHistory of them.
	Status  archive.PublicEvent
	History []archive.PublicEvent
	// Earlier counts the events older than those in History.
	Earlier int
	// Notice is the case's latest one-time notice, with the supplement
	// form while it is open; nil when the case never had one.
	Notice *noticeView
	// Supplements are the 收件清单 of the case's supplements, oldest first.
	Supplements []supplementView
	// Received is the number of the supplement just received (the
	// ?supplement=N a stored supplement is sent back with); 0 otherwise.
	Received int
	// Problem is a refused supplement's; Errors its field messages with
	// the inputs they belong to; Values the named fields as typed.
	Problem *problem
	Errors  []inputError
	Values  map[string]string
}

func (v *receiptView) page() (string, string) { return "receipt.html", "受理回执" }

func (v *receiptView) setProblem(p *problem) {
	v.Problem = p
	v.Errors = nil
	names := make([]string, 0, len(p.Fields))
	for name := range p.Fields {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		id := "correction"
		if v.Notice != nil {
			for i := range v.Notice.Slots {
				if sl := &v.Notice.Slots[i]; sl.Name == name {
					sl.Error, id = p.Fields[name], sl.ID
				}
			}
			for i := range v.Notice.Fields {
				if f := &v.Notice.Fields[i]; f.Input == name {
					f.Error, id = p.Fields[name], f.ID
				}
			}
		}
		v.Errors = append(v.Errors, inputError{ID: id, Message: p.Fields[name]})
	}
	if v.Notice != nil {
		for i := range v.Notice.Fields {
			f := &v.Notice.Fields[i]
			f.Value = v.Values[f.Name]
		}
	}
}

// inputError is a field's message in the error summary, linked to its
// input.
type inputError struct{ ID, Message string }

// noticeView is a one-time notice on the receipt.
type noticeView struct {
	Issued string // the issue date, 2026年12月2日
	Note   string // the notice's public note
	Items  []noticeItem
	// Due is the deadline in force (extended or not), Deadline the one
	// first given, as Chinese dates; ExtensionNote the extension's reason.
	Due, Deadline string
	Extended      bool
	ExtensionNote string
	// Open: the supplement form is shown; else Closed says why not and
	// whom to call.
	Open   bool
	Closed string
	// The supplement form: its action, the listed file slots and named
	// fields, the request's bound.
	Action     string
	Slots      []slotInput
	Fields     []fieldInput
	MaxRequest int64
}

// noticeItem is an item of a notice with the supplements that answered
// it ("补正 1、补正 2"; "" when none has).
type noticeItem struct {
	submission.CorrectionItem
	Supplied string
}

// slotInput is a file input of the supplement form.
type slotInput struct {
	ID, Name, Label, Hint string
	MaxFiles              int
	MaxBytes              int64
	Field                 fileField
	Error                 string
}

// fieldInput is a text input of the supplement form: Input is its form
// name (field:<name>), Current the value in force, Value what was typed,
// List the choices offered (township, orgKind).
type fieldInput struct {
	ID, Name, Input, Label, Current, Value string
	Date                                   bool
	List                                   []string
	Error                                  string
}

// supplementView is a supplement's 收件清单 on the receipt.
type supplementView struct {
	Number     int
	Reference  string
	ReceivedAt time.Time
	Files      []supplementFileView
	Fields     []correctedField
}

type supplementFileView struct {
	Label, Name, SHA256 string
	Size                int64
}

type correctedField struct{ Label, Value string }

// receiptHistory bounds the events the receipt page lists.
const receiptHistory = 10

// receiptShow shows a receipt to whoever holds its current token (a
// reissued token replaces the first). An unknown reference and a wrong
// token get the same 404, so that references cannot be probed. It shows
// the current stage of the handling and a short public history: never who
// recorded an event, never an internal note; the latest one-time notice
// with, while it is open, the supplement form; and the 收件清单 of the
// original and of each supplement.
func (s *Server) receiptShow(w http.ResponseWriter, r *http.Request) {
	c, token, p := s.receiptCase(r)
	if p != nil {
		s.fail(w, r, p, nil)
		return
	}
	view := s.newReceiptView(c, token)
	if n, err := strconv.Atoi(r.URL.Query().Get("supplement")); err == nil && n >= 1 && n <= len(view.Supplements) {
		view.Received = n
	}
	if wantsJSON(r) {
		m := c.Manifest
		resp := receiptResponse{applicationResponse: applicationResponse{objectionResponse: s.submissionResponse(m), Slots: view.Slots}}
		resp.Status = s.receiptStatus(view.Status)
		for _, e := range view.History {
			resp.History = append(resp.History, *s.receiptStatus(e))
		}
		if n := c.Notice(); n != nil {
			resp.Correction = s.receiptCorrection(c, n)
		}
		for i, sup := range c.Supplements {
			resp.Supplements = append(resp.Supplements, s.supplementResponse(i+1, sup))
		}
		writeJSON(w, http.StatusOK, resp)
		return
	}
	s.pages.render(w, http.StatusOK, "receipt.html", "受理回执", view)
}

// receiptResponse is a receipt in JSON: the submission's answer with its
// stage and history, and, once there are any, the latest notice
// (correction) and the supplements' 收件清单.
type receiptResponse struct {
	applicationResponse
	Correction  *receiptCorrection   `json:"correction,omitempty"`
	Supplements []supplementResponse `json:"supplements,omitempty"`
}

// receiptCase reads the case a receipt request names ({reference} and
// ?token=), for the holder of its current token only: an unknown
// reference, a wrong or replaced token, none, all get errNoReceipt. A case
// whose records cannot be read is not shown (a replaced token could
// otherwise open it).
func (s *Server) receiptCase(r *http.Request) (*archive.Case, string, *problem) {
	ref := submission.NormalizeReference(mux.Vars(r)["reference"])
	token := r.URL.Query().Get("token")
	if ref == "" || token == "" {
		return nil, "", errNoReceipt
	}
	c, err := s.archive.Case(r.Context(), ref)
	switch {
	case errors.Is(err, archive.ErrNotFound):
		return nil, "", errNoReceipt
	case err != nil:
		return nil, "", asProblem(s.log, err)
	case !c.TokenMatches(token):
		return nil, "", errNoReceipt
	}
	return c, token, nil
}

// receiptPath is the path of a receipt, token included.
func (s *Server) receiptPath(ref, token string) string {
	return s.URL("receipt", "reference", ref) + "?token=" + url.QueryEscape(token)
}

// newReceiptView is the receipt page of case c, for the holder of token.
func (s *Server) newReceiptView(c *archive.Case, token string) *receiptView {
	m := c.Manifest
	v := &receiptView{stagedView: s.newStagedView(), Manifest: m, PublicityTitle: m.Objection().PublicityTitle, Status: c.Status()}
	pub := c.Public()
	slices.Reverse(pub)
	if len(pub) > receiptHistory {
		v.Earlier, pub = len(pub)-receiptHistory, pub[:receiptHistory]
	}
	v.History = pub
	if m.Kind == submission.KindApplication {
		v.Slots = slotReceipts(m)
	}
	if m.Kind == submission.KindReport {
		v.Slots = reportSlotReceipts(m)
		v.Report = s.newReportReceipt(m)
	}
	for i, sup := range c.Supplements {
		sv := supplementView{Number: i + 1, Reference: sup.Reference, ReceivedAt: sup.ReceivedAt}
		for _, f := range sup.Files {
			sv.Files = append(sv.Files, supplementFileView{Label: submission.SlotLabelOf(m.Kind, f.Field), Name: f.Name, SHA256: f.SHA256, Size: f.Size})
		}
		for _, cf := range submission.CorrectableFields() {
			if val, ok := sup.Fields[cf.Name]; ok {
				sv.Fields = append(sv.Fields, correctedField{Label: cf.Label, Value: val})
			}
		}
		v.Supplements = append(v.Supplements, sv)
	}
	if n := c.Notice(); n != nil {
		v.Notice = s.newNoticeView(c, n, token)
	}
	return v
}

// newNoticeView is the notice n of case c on its receipt.
func (s *Server) newNoticeView(c *archive.Case, n *archive.Notice, token string) *noticeView {
	nv := &noticeView{Issued: chineseDay(n.IssuedAt.In(s.loc)), Note: n.Note, Due: archive.ChineseDate(n.Due()),
		Deadline: archive.ChineseDate(n.Deadline), Extended: n.Extension != nil, ExtensionNote: n.ExtensionNote}
	answered := map[string][]string{} // item key: 补正 n, …
	for _, sup := range n.Supplements {
		label := archive.OriginLabel(c.SupplementNumber(sup.Reference))
		keys := map[string]bool{}
		for _, f := range sup.Files {
			keys["slot:"+f.Field] = true
		}
		for name := range sup.Fields {
			keys["field:"+name] = true
		}
		for k := range keys {
			answered[k] = append(answered[k], label)
		}
	}
	for _, it := range n.Items {
		if it.Label == "" {
			it.Label = itemLabel(c.Manifest.Kind, it)
		}
		nv.Items = append(nv.Items, noticeItem{CorrectionItem: it, Supplied: strings.Join(answered[it.Key()], "、")})
	}
	if why := s.noticeClosedWhy(c, s.now()); why != "" {
		nv.Closed = why + "如有疑问，请联系" + s.contact() + "。"
		return nv
	}
	nv.Open = true
	nv.Action = s.URL("supplement-create", "reference", c.Manifest.Reference) + "?token=" + url.QueryEscape(token)
	nv.MaxRequest = s.cfg.Limits.MaxRequestBytes
	if c.Manifest.Kind == submission.KindApplication {
		nv.MaxRequest = s.cfg.Limits.ApplicationMaxRequestBytes
	}
	for _, sl := range s.noticeSlots(c.Manifest.Kind, n) {
		nv.Slots = append(nv.Slots, slotInput{ID: "f-" + sl.Name, Name: sl.Name, Label: sl.Label, Hint: sl.Hint,
			MaxFiles: sl.maxCount, MaxBytes: sl.maxBytes, Field: newFileField(sl.types)})
	}
	fields := c.Fields()
	for _, it := range n.Items {
		cf, ok := submission.CorrectableFieldByName(it.Field)
		if it.Field == "" || !ok {
			continue
		}
		fi := fieldInput{ID: "f-field-" + cf.Name, Name: cf.Name, Input: supplementFieldPrefix + cf.Name, Label: cf.Label,
			Current: fields[cf.Name], Date: cf.Date}
		switch cf.Name {
		case "township":
			fi.List = s.townships
		case "orgKind":
			fi.List = orgKinds
		}
		nv.Fields = append(nv.Fields, fi)
	}
	return nv
}

// itemLabel names a notice item that came without a label.
func itemLabel(kind string, it submission.CorrectionItem) string {
	if it.Slot != "" {
		return submission.SlotLabelOf(kind, it.Slot)
	}
	if cf, ok := submission.CorrectableFieldByName(it.Field); ok {
		return cf.Label
	}
	return it.Field
}

// chineseDay writes t's date as 2026年12月2日.
func chineseDay(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// receiptStatus is a stage of the handling in a receipt's JSON: the
// stage's code and label, what the event did besides (detail), the public
// note and when. State is the label too, as receipts gave it before
// stages.
type receiptStatus struct {
	Stage  string `json:"stage"`
	Label  string `json:"label"`
	State  string `json:"state"`
	Detail string `json:"detail,omitempty"`
	Note   string `json:"note,omitempty"`
	At     string `json:"at,omitempty"` // RFC 3339, +08:00
}

func (s *Server) receiptStatus(e archive.PublicEvent) *receiptStatus {
	return &receiptStatus{Stage: e.Stage.Code, Label: e.Stage.Label, State: e.Stage.Label, Detail: e.Detail, Note: e.Note,
		At: e.At.In(s.loc).Format(time.RFC3339)}
}

// receiptCorrection is a receipt's one-time notice in JSON: items (each
// with slot or field, label, reason), the deadline first given and when
// the notice was issued; besides, its public note, whether supplements
// are taken now (open), the extended deadline (extendedTo, the one in
// force when present) and its reason, and the keys of the items answered
// (slot:<name>, field:<name>).
type receiptCorrection struct {
	Items         []submission.CorrectionItem `json:"items"`
	Deadline      string                      `json:"deadline"` // YYYY-MM-DD
	IssuedAt      string                      `json:"issuedAt"` // RFC 3339, +08:00
	Note          string                      `json:"note,omitempty"`
	Open          bool                        `json:"open"`
	ExtendedTo    string                      `json:"extendedTo,omitempty"` // YYYY-MM-DD
	ExtensionNote string                      `json:"extensionNote,omitempty"`
	Supplied      []string                    `json:"supplied"`
}

func (s *Server) receiptCorrection(c *archive.Case, n *archive.Notice) *receiptCorrection {
	rc := &receiptCorrection{Items: n.Items, Deadline: n.Deadline, IssuedAt: n.IssuedAt.In(s.loc).Format(time.RFC3339),
		Note: n.Note, Open: s.noticeClosedWhy(c, s.now()) == "", ExtensionNote: n.ExtensionNote, Supplied: []string{}}
	if rc.Items == nil {
		rc.Items = []submission.CorrectionItem{}
	}
	if n.Extension != nil {
		rc.ExtendedTo = n.Extension.To
	}
	got := n.Supplied()
	for _, it := range n.Items {
		if got[it.Key()] {
			rc.Supplied = append(rc.Supplied, it.Key())
		}
	}
	return rc
}
