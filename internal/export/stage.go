package export

import (
	"context"
	"fmt"
	"strings"

	"github.com/zhongmou/award/submission"
)

// stageReceived is the 办理阶段 of a submission without a status record:
// received and not yet accepted, as its receipt says.
const stageReceived = "已收件（待受理）"

// readStage sets the submission's 办理阶段 from its latest status record,
// when Options.Statuses is given. The State of a record is its stage's
// label, in old records and new ones alike.
func (e *exporter) readStage(ctx context.Context, it *item) error {
	if e.o.Statuses == nil {
		return nil
	}
	sts, err := e.o.Statuses(ctx, it.ref)
	if err != nil {
		return fmt.Errorf("读取 %s 的办理记录出错：%w", it.ref, err)
	}
	it.stage = stageReceived
	if len(sts) > 0 && strings.TrimSpace(sts[0].State) != "" {
		it.stage = strings.TrimSpace(sts[0].State)
	}
	if it.kind != submission.KindApplication {
		return nil
	}
	for i := range sts { // latest first
		if st, ok := submission.StageOfStatus(it.kind, sts[i]); ok && st.Code == submission.StageRecommended {
			it.recommended = &sts[i]
			break
		}
	}
	return nil
}

// reviewColumns are the 初审、推荐 columns of the 申报 sheets (Art. 17(3)):
// who reviewed and recommended, when, and the answers with how the stamped
// 推荐意见 came; none without Options.Statuses.
func (e *exporter) reviewColumns() []column {
	if e.o.Statuses == nil {
		return nil
	}
	return []column{
		{"初审推荐人", 18, func(it *item) any {
			switch st := it.recommended; {
			case st == nil:
				return ""
			case st.Review != nil:
				return strings.TrimSpace(st.Review.Township + " " + st.Review.Reviewer)
			default:
				return st.Operator
			}
		}},
		{"初审推荐时间", 20, func(it *item) any {
			if it.recommended == nil {
				return ""
			}
			return it.recommended.At.In(e.o.Location).Format(timeLayout)
		}},
		{"初审意见", 50, func(it *item) any { return reviewText(it.recommended) }},
	}
}

// reviewText is the 初审意见 cell: the three answers with their notes and
// how the 推荐意见 came (the uploaded scan's name and SHA-256); for a move
// recorded without a review (a call whose applicants upload the stamped
// 推荐意见), that it was recorded so.
func reviewText(st *submission.Status) string {
	switch {
	case st == nil:
		return ""
	case st.Review == nil:
		return "办理阶段记录（推荐意见由申报单位上传）"
	}
	s := st.Review.Summary() + "；" + st.Review.RecommendationLabel()
	if f := st.Review.File; f != nil {
		s += fmt.Sprintf("（%s，SHA-256 %s）", f.Name, f.SHA256)
	}
	return s
}

// stageColumn is the 办理阶段 column, or none without Options.Statuses.
func (e *exporter) stageColumn() []column {
	if e.o.Statuses == nil {
		return nil
	}
	return []column{{"办理阶段", 16, func(it *item) any { return it.stage }}}
}
