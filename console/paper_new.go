package console

import (
	"net/http"
	"net/url"

	"github.com/zhongmou/award/intake"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/submission"
)

// paperView is the 代录 form: a paper objection or application typed in by
// the secretariat, with the postmark or hand-in date and the scans.
type paperView struct {
	Kind, KindLabel string
	// Values are what was typed, by the online form's field names (kept
	// when the form is refused); Problems what is wrong, by field.
	Values   map[string]string
	Problems map[string]string
	Message  string
	// Publicities and Calls are the windows of the manifest, for the
	// objection's candidate and the application's call.
	Publicities []schedule.Publicity
	Calls       []schedule.Call
	Townships   []string
	OrgKinds    []string
	// Declarations are the nine Art. 14 situations, numbered from 1.
	Declarations []declaration
	Slots        []submission.Slot
	// LetterSlot and EvidenceSlot name the file fields.
	LetterSlot, EvidenceSlot string
}

// paperNew shows the 代录 form (?kind=objection, the default, or
// application); secretariat only.
func (s *Server) paperNew(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	v := s.paperForm(r.URL.Query().Get("kind"), nil)
	s.render(w, r, me, http.StatusOK, "paper.html", "代录纸质"+v.KindLabel, v)
}

// paperForm is the 代录 form of kind with what was typed (form: nil for a
// fresh one).
func (s *Server) paperForm(kind string, form url.Values) *paperView {
	v := &paperView{Kind: kindObjection, KindLabel: "异议", Values: map[string]string{}, Problems: map[string]string{},
		Townships: s.townships, OrgKinds: intake.OrgKinds(), Slots: submission.ApplicationSlots(),
		LetterSlot: submission.LetterSlot, EvidenceSlot: submission.EvidenceSlot}
	if kind == kindApplication {
		v.Kind, v.KindLabel = kindApplication, "申报"
	}
	if m := s.manifest(); m != nil {
		v.Publicities, v.Calls = m.Publicities, m.Calls
	}
	for i, t := range intake.DeclarationTexts() {
		v.Declarations = append(v.Declarations, declaration{N: i + 1, Text: t})
	}
	for _, name := range append(intake.PaperFormFields(v.Kind), "postmarked", "target") {
		if x := form.Get(name); x != "" {
			v.Values[name] = x
		}
	}
	if v.Values["target"] == "" && v.Values["publicity"] != "" {
		v.Values["target"] = v.Values["publicity"] + "/" + v.Values["candidate"]
	}
	return v
}

// paperField is one field of the 代录 form, as paper.html's blocks draw it:
// its label, hint, what was typed and what is wrong with it.
type paperField struct {
	// Name is the form field's; ID the element's (file-<name> for files).
	Name, ID, Label, Hint string
	// Type is an input's type, or "textarea", "select" (Options),
	// "checkbox" (On: the value it sends) or "file".
	Type     string
	Max      int
	Required bool
	Options  []string
	On       string
	Value    string
	Problem  string
}

// Field is the form's field name, of type typ, with what was typed and
// its problem.
func (v *paperView) Field(name, label, typ string, max int, required bool, hint string) paperField {
	id := name
	if typ == "file" {
		id = "file-" + name
	}
	return paperField{Name: name, ID: id, Label: label, Hint: hint, Type: typ, Max: max, Required: required,
		Value: v.Values[name], Problem: v.Problems[name]}
}

// Choice is a required select of options.
func (v *paperView) Choice(name, label string, options []string) paperField {
	f := v.Field(name, label, "select", 0, true, "")
	f.Options = options
	return f
}

// Check is a checkbox that sends on when ticked.
func (v *paperView) Check(name, on, label string) paperField {
	f := v.Field(name, label, "checkbox", 0, false, "")
	f.On = on
	return f
}
