package console

import (
	"strconv"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/submission"
)

// noticeView is a one-time notice (一次性告知) as the case page and the
// 补正告知书 show it.
type noticeView struct {
	// Seq is the number of the event that issued it (the print path's);
	// IssuedAt when; Note its public note.
	Seq      int
	IssuedAt time.Time
	Note     string
	Items    []noticeItem
	// WorkingDays and Deadline are what the notice gave (Deadline as a
	// Chinese date); Due is the last day now, extended or not.
	WorkingDays int
	Deadline    string
	Due         string
	Extension   *extensionView
	// Supplements answered it, oldest first.
	Supplements []supplementView
	// Open: a supplement is taken now; else Closed says why not.
	Open   bool
	Closed string
}

// noticeItem is one item of a notice.
type noticeItem struct {
	N      int
	Kind   string // 材料 or 填报内容
	Label  string
	Reason string
	// Supplied: a supplement to this notice answered it.
	Supplied bool
}

// extensionView is a notice's one extension.
type extensionView struct {
	From, To    string // Chinese dates
	WorkingDays int
	Note        string
	At          time.Time
}

// supplementView is a supplement that answered a notice.
type supplementView struct {
	Origin     string // 补正 n
	ReceivedAt time.Time
	Items      string // what it brought, in words
}

// noticeView is n as the pages show it, with the case c it belongs to.
// Whether it is open is asked of the case (the latest notice only).
func (s *Server) noticeView(c *archive.Case, n *archive.Notice) *noticeView {
	v := &noticeView{Seq: n.Seq, IssuedAt: n.IssuedAt, Note: n.Note, WorkingDays: n.WorkingDays,
		Deadline: archive.ChineseDate(n.Deadline), Due: archive.ChineseDate(n.Due())}
	supplied := n.Supplied()
	for i, it := range n.Items {
		v.Items = append(v.Items, noticeItem{N: i + 1, Kind: itemKind(it), Label: it.Label, Reason: it.Reason, Supplied: supplied[it.Key()]})
	}
	if x := n.Extension; x != nil {
		v.Extension = &extensionView{From: archive.ChineseDate(x.From), To: archive.ChineseDate(x.To), WorkingDays: x.WorkingDays,
			Note: n.ExtensionNote, At: n.ExtendedAt}
	}
	for _, sup := range n.Supplements {
		v.Supplements = append(v.Supplements, supplementView{Origin: archive.OriginLabel(c.SupplementNumber(sup.Reference)),
			ReceivedAt: sup.ReceivedAt, Items: suppliedItems(c.Manifest.Kind, sup)})
	}
	if latest := c.Notice(); latest != nil && latest.Seq == n.Seq {
		if _, err := c.AcceptsSupplement(s.now(), s.loc); err != nil {
			v.Closed = err.Error()
		} else {
			v.Open = true
		}
	}
	return v
}

// noticeAt is the notice the event seq of c issued, nil when that event
// issued none: the latest as Case.Notice gives it, an earlier one built
// the same way.
func noticeAt(c *archive.Case, seq int) *archive.Notice {
	if n := c.Notice(); n != nil && n.Seq == seq {
		return n
	}
	var n *archive.Notice
	for _, st := range c.Events {
		switch {
		case st.Seq == seq && st.Correction != nil:
			n = &archive.Notice{Seq: st.Seq, IssuedAt: st.At, Correction: *st.Correction}
			if !st.Internal {
				n.Note = st.Note
			}
		case n != nil && st.Extension != nil && st.Extension.Notice == seq:
			n.Extension, n.ExtendedAt = st.Extension, st.At
			if !st.Internal {
				n.ExtensionNote = st.Note
			}
		}
	}
	if n != nil {
		for _, sup := range c.Supplements {
			if sup.Notice == seq {
				n.Supplements = append(n.Supplements, sup)
			}
		}
	}
	return n
}

func itemKind(it submission.CorrectionItem) string {
	if it.Field != "" {
		return "填报内容"
	}
	return "材料"
}

// noticeOptions are the items a notice to a submission of kind may name,
// in form order: an application's document slots, then its correctable
// fields; an objection's evidence (补充证据).
func noticeOptions(kind string) []submission.CorrectionItem {
	if kind == submission.KindReport {
		var out []submission.CorrectionItem
		for _, sl := range submission.ReportSlots() {
			out = append(out, submission.CorrectionItem{Slot: sl.Name, Label: sl.Label})
		}
		return out
	}
	if kind != kindApplication {
		return []submission.CorrectionItem{{Slot: submission.EvidenceSlot, Label: submission.SlotLabelOf(kind, submission.EvidenceSlot)}}
	}
	var out []submission.CorrectionItem
	for _, sl := range submission.ApplicationSlots() {
		out = append(out, submission.CorrectionItem{Slot: sl.Name, Label: sl.Label})
	}
	for _, f := range submission.CorrectableFields() {
		out = append(out, submission.CorrectionItem{Field: f.Name, Label: f.Label})
	}
	return out
}

// suppliedItems says what a supplement brought: each slot with its number
// of files, then each corrected field, by label.
func suppliedItems(kind string, sup *submission.Supplement) string {
	var parts []string
	count := map[string]int{}
	var slots []string
	for _, f := range sup.Files {
		if count[f.Field] == 0 {
			slots = append(slots, f.Field)
		}
		count[f.Field]++
	}
	for _, sl := range slots {
		parts = append(parts, submission.SlotLabelOf(kind, sl)+"（"+strconv.Itoa(count[sl])+" 个文件）")
	}
	for _, f := range submission.CorrectableFields() {
		if _, ok := sup.Fields[f.Name]; ok {
			parts = append(parts, f.Label)
		}
	}
	return strings.Join(parts, "、")
}
