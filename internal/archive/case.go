package archive

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/zhongmou/award/submission"
)

// ReceivedLabel is how the stage of a submission with no event yet reads
// to its submitter: received, not yet accepted.
const ReceivedLabel = "已收件（待受理）"

// Case is a submission with its handling: what the console's case page and
// the receipt show.
type Case struct {
	Manifest *submission.Manifest
	// Events are the submission's status records, oldest first (see
	// Statuses for which are passed over). They hold the operator and
	// internal notes: show the submitter only Public and Status.
	Events []submission.Status
	// Current is the stage of the latest event; received when none.
	Current submission.Stage
	// Seq is the highest event number stored, 0 when there is none (or only
	// records from before numbered events): what AppendEvent takes as
	// after.
	Seq int
	// Supplements are what the submitter sent in answer to notices, oldest
	// first (see Materials, Notice).
	Supplements []*submission.Supplement
}

// Case reads the committed submission with the reference and its events;
// an unknown reference gives an error matching ErrNotFound.
func (a *Archive) Case(ctx context.Context, ref string) (*Case, error) {
	m, err := a.Find(ctx, ref)
	if err != nil {
		return nil, err
	}
	return a.CaseOf(ctx, m)
}

// CaseOf is Case for a manifest the caller has read already.
func (a *Archive) CaseOf(ctx context.Context, m *submission.Manifest) (*Case, error) {
	evs, seq, err := a.events(ctx, m.Kind, m.Reference)
	if err != nil {
		return nil, err
	}
	sups, err := a.supplements(ctx, m.Reference)
	if err != nil {
		return nil, err
	}
	c := &Case{Manifest: m, Events: evs, Seq: seq, Supplements: sups}
	c.Current, _ = submission.StageOf(m.Kind, submission.StageReceived)
	if len(evs) > 0 {
		c.Current, _ = submission.StageOfStatus(m.Kind, evs[len(evs)-1])
	}
	return c, nil
}

// Next are the stages the case may move to now.
func (c *Case) Next() []submission.Stage { return submission.Next(c.Manifest.Kind, c.Current.Code) }

// Latest is the latest event, nil when there is none.
func (c *Case) Latest() *submission.Status {
	if len(c.Events) == 0 {
		return nil
	}
	return &c.Events[len(c.Events)-1]
}

// PublicEvent is what the submitter may see of an event: the stage, when,
// what it did besides (Detail), and the note unless it is internal; never
// who recorded it.
type PublicEvent struct {
	Stage submission.Stage
	// Detail says, in words, what an event did besides its stage: a
	// notice's items and deadline, a supplement received, a deadline
	// extended, a receipt link replaced; "" for a plain move.
	Detail string
	Note   string
	At     time.Time
}

// Public is the case's history as the submitter may see it, oldest first.
func (c *Case) Public() []PublicEvent {
	out := make([]PublicEvent, 0, len(c.Events))
	for _, st := range c.Events {
		out = append(out, c.public(st))
	}
	return out
}

// Status is the case's current stage as the submitter may see it: the
// latest event (Public), or, with none, received (ReceivedLabel) at the
// time the submission was received.
func (c *Case) Status() PublicEvent {
	if st := c.Latest(); st != nil {
		return c.public(*st)
	}
	return PublicEvent{Stage: submission.Stage{Code: submission.StageReceived, Label: ReceivedLabel}, At: c.Manifest.ReceivedAt}
}

func (c *Case) public(st submission.Status) PublicEvent {
	s, _ := submission.StageOfStatus(c.Manifest.Kind, st)
	e := PublicEvent{Stage: s, At: st.At, Detail: c.detail(st)}
	if !st.Internal {
		e.Note = st.Note
	}
	return e
}

// detail says what an event did besides its stage (PublicEvent.Detail).
func (c *Case) detail(st submission.Status) string {
	switch {
	case st.Correction != nil:
		labels := make([]string, len(st.Correction.Items))
		for i, it := range st.Correction.Items {
			labels[i] = it.Label
		}
		return fmt.Sprintf("一次性告知需补正 %d 项：%s；补正期限至 %s", len(labels), strings.Join(labels, "、"), chineseDate(st.Correction.Deadline))
	case st.Supplement != "":
		return fmt.Sprintf("收到补正材料（%s）", OriginLabel(c.SupplementNumber(st.Supplement)))
	case st.Extension != nil:
		return fmt.Sprintf("补正期限由 %s 延长至 %s", chineseDate(st.Extension.From), chineseDate(st.Extension.To))
	case st.Receipt != nil:
		return "回执链接已重新发放，原链接停止使用"
	case st.Review != nil:
		return "乡镇（街道）初审：材料齐全、内容真实、合法合规；" + st.Review.RecommendationLabel()
	}
	return ""
}

// chineseDate writes YYYY-MM-DD as 2026年12月9日; anything else as it is.
func chineseDate(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// ChineseDate writes a notice's date (YYYY-MM-DD) as people read it:
// 2026年12月9日.
func ChineseDate(d string) string { return chineseDate(d) }

// TokenHash is the hash of the case's current receipt token: the latest
// reissued one's, else the manifest's.
func (c *Case) TokenHash() string {
	h := c.Manifest.TokenHash
	for _, st := range c.Events {
		if st.Receipt != nil {
			h = st.Receipt.TokenHash
		}
	}
	return h
}

// TokenMatches reports whether token is the case's current receipt token;
// a replaced one no longer is.
func (c *Case) TokenMatches(token string) bool {
	return token != "" && submission.TokenMatches(token, c.TokenHash())
}
