package archive

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhongmou/award/submission"
)

// Errors about notices and supplements, to match with errors.Is; their
// text is for the clerk or the submitter.
var (
	// ErrNoticeClosed: the submission takes no supplement now: it has no
	// notice, its handling has moved on, or the deadline has passed.
	ErrNoticeClosed = errors.New("现在不接收补正材料")
	// ErrNotInNotice: a supplement carries a slot or field the notice does
	// not name.
	ErrNotInNotice = errors.New("补正材料只能是补正告知中列明的项目")
	// ErrNotice: a notice or extension that cannot be recorded as it is.
	ErrNotice = errors.New("补正告知不完整")
)

// Bounds of a notice.
const (
	MaxNoticeItems    = 40
	MaxReasonRunes    = 500
	MaxNoticeDays     = 60 // working days
	DefaultNoticeDays = 5
)

// Notice is a one-time notice as the case stands: the event that issued it,
// its items, its deadline (extended or not) and the supplements that
// answered it.
type Notice struct {
	// Seq is the number of the event that issued it; IssuedAt its time;
	// Note its public note (its internal one is left out).
	Seq      int
	IssuedAt time.Time
	Note     string
	submission.Correction
	// Extension is the deadline's extension, nil when there was none;
	// ExtendedAt and ExtensionNote its event's time and note.
	Extension     *submission.Extension
	ExtendedAt    time.Time
	ExtensionNote string
	// Supplements answered it, oldest first.
	Supplements []*submission.Supplement
}

// Due is the last day to answer (YYYY-MM-DD): the extended deadline, if
// any.
func (n *Notice) Due() string {
	if n.Extension != nil {
		return n.Extension.To
	}
	return n.Deadline
}

// Ends is the moment the period ends: midnight after the Due day, in loc.
func (n *Notice) Ends(loc *time.Location) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, n.Due(), loc)
	if err != nil {
		return time.Time{}
	}
	return d.AddDate(0, 0, 1)
}

// Supplied reports, by item key (CorrectionItem.Key), the items some
// supplement to this notice answered.
func (n *Notice) Supplied() map[string]bool {
	got := map[string]bool{}
	for _, s := range n.Supplements {
		for _, f := range s.Files {
			got["slot:"+f.Field] = true
		}
		for name := range s.Fields {
			got["field:"+name] = true
		}
	}
	return got
}

// Covers checks that files and fields are all items of the notice,
// naming the first that is not.
func (n *Notice) Covers(files []submission.File, fields map[string]string) error {
	named := map[string]bool{}
	for _, it := range n.Items {
		named[it.Key()] = true
	}
	for _, f := range files {
		if !named["slot:"+f.Field] {
			return fmt.Errorf("%w（“%s”不在其中）", ErrNotInNotice, submission.SlotLabel(f.Field))
		}
	}
	for name := range fields {
		if !named["field:"+name] {
			return fmt.Errorf("%w（“%s”不在其中）", ErrNotInNotice, name)
		}
	}
	return nil
}

// Notice is the case's latest notice, nil when it never had one.
func (c *Case) Notice() *Notice {
	var n *Notice
	for _, st := range c.Events {
		switch {
		case st.Correction != nil:
			n = &Notice{Seq: st.Seq, IssuedAt: st.At, Correction: *st.Correction}
			if !st.Internal {
				n.Note = st.Note
			}
		case n != nil && st.Extension != nil && st.Extension.Notice == n.Seq:
			n.Extension, n.ExtendedAt = st.Extension, st.At
			if !st.Internal {
				n.ExtensionNote = st.Note
			}
		}
	}
	if n != nil {
		for _, s := range c.Supplements {
			if s.Notice == n.Seq {
				n.Supplements = append(n.Supplements, s)
			}
		}
	}
	return n
}

// AcceptsSupplement returns the notice a supplement received at t answers:
// the case must be at correction or corrected, by its latest notice, and t
// before the end of the deadline day in loc. Otherwise the error matches
// ErrNoticeClosed and says why.
func (c *Case) AcceptsSupplement(t time.Time, loc *time.Location) (*Notice, error) {
	n := c.Notice()
	switch {
	case n == nil:
		return nil, fmt.Errorf("%w：本件没有补正告知", ErrNoticeClosed)
	case c.Current.Code != submission.StageCorrection && c.Current.Code != submission.StageCorrected:
		return n, fmt.Errorf("%w：本件已进入“%s”阶段", ErrNoticeClosed, c.Current.Label)
	case !t.Before(n.Ends(loc)):
		return n, fmt.Errorf("%w：补正期限已于 %s 届满", ErrNoticeClosed, n.Due())
	}
	return n, nil
}

// checkNotice checks a notice as a clerk issues it.
func checkNotice(kind string, n *submission.Correction) error {
	if len(n.Items) == 0 {
		return fmt.Errorf("%w：请至少列明一项需要补正的材料或内容", ErrNotice)
	}
	if len(n.Items) > MaxNoticeItems {
		return fmt.Errorf("%w：一份告知最多列 %d 项", ErrNotice, MaxNoticeItems)
	}
	seen := map[string]bool{}
	for i := range n.Items {
		it := &n.Items[i]
		it.Reason = strings.TrimSpace(it.Reason)
		switch {
		case (it.Slot == "") == (it.Field == ""):
			return fmt.Errorf("%w：第 %d 项须是一项材料或一个填报内容", ErrNotice, i+1)
		case it.Slot != "" && !slotOf(kind, it.Slot):
			return fmt.Errorf("%w：没有“%s”这项材料", ErrNotice, it.Slot)
		case it.Field != "" && !fieldOf(kind, it.Field):
			return fmt.Errorf("%w：“%s”不是可以补正的填报内容", ErrNotice, it.Field)
		case it.Reason == "":
			return fmt.Errorf("%w：请写明“%s”需要补正的原因", ErrNotice, it.Label)
		case utf8.RuneCountInString(it.Reason) > MaxReasonRunes:
			return fmt.Errorf("%w：“%s”的原因请控制在 %d 字以内", ErrNotice, it.Label, MaxReasonRunes)
		case seen[it.Key()]:
			return fmt.Errorf("%w：“%s”列了两次", ErrNotice, it.Label)
		}
		seen[it.Key()] = true
	}
	if n.WorkingDays < 1 || n.WorkingDays > MaxNoticeDays {
		return fmt.Errorf("%w：补正期限须为 1 至 %d 个工作日", ErrNotice, MaxNoticeDays)
	}
	if _, err := time.Parse(time.DateOnly, n.Deadline); err != nil {
		return fmt.Errorf("%w：补正期限的日期无法识别", ErrNotice)
	}
	return nil
}

// checkExtension checks an extension of the case's latest notice.
func checkExtension(c *Case, x *submission.Extension) error {
	n := c.Notice()
	switch {
	case n == nil || n.Seq != x.Notice:
		return fmt.Errorf("%w：要延长的补正告知已不是本件最新的告知，请刷新页面", ErrNotice)
	case c.Current.Code != submission.StageCorrection && c.Current.Code != submission.StageCorrected:
		return fmt.Errorf("%w：本件已进入“%s”阶段，补正期限不能再延长", ErrNotice, c.Current.Label)
	case n.Extension != nil:
		return fmt.Errorf("%w：补正期限已延长过一次（至 %s），不能再延长", ErrNotice, n.Extension.To)
	case x.From != n.Deadline:
		return fmt.Errorf("%w：原补正期限不符，请刷新页面", ErrNotice)
	}
	if _, err := time.Parse(time.DateOnly, x.To); err != nil || x.To <= x.From {
		return fmt.Errorf("%w：延长后的期限须晚于原期限 %s", ErrNotice, x.From)
	}
	return nil
}

func slotOf(kind, slot string) bool {
	if kind == submission.KindObjection {
		return slot == submission.EvidenceSlot
	}
	if kind == submission.KindReport {
		return submission.ReportSlotLabel(slot) != slot
	}
	_, ok := submission.SlotByName(slot)
	return ok
}

func fieldOf(kind, field string) bool {
	_, ok := submission.CorrectableFieldByName(field)
	return ok && kind == submission.KindApplication
}
