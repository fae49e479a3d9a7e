package export

import (
	"context"
	"fmt"
	"strings"
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
	return nil
}

// stageColumn is the 办理阶段 column, or none without Options.Statuses.
func (e *exporter) stageColumn() []column {
	if e.o.Statuses == nil {
		return nil
	}
	return []column{{"办理阶段", 16, func(it *item) any { return it.stage }}}
}
