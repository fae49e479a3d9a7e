package intake

import (
	"testing"
	"time"

	"github.com/zhongmou/award/workday"
)

// A postmark decides by its date alone: the first day of a window that
// opens at 09:00 and the last day of one that closes at 17:30 are in time.
func TestPaperWithin(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	opens := time.Date(2026, 11, 2, 9, 0, 0, 0, sh)
	closes := time.Date(2026, 11, 28, 17, 30, 0, 0, sh)
	in := func(d workday.Date) bool {
		at := within(d, sh, opens)
		return !at.Before(opens) && at.Before(closes)
	}
	for d, want := range map[workday.Date]bool{
		{Year: 2026, Month: 11, Day: 1}: false, {Year: 2026, Month: 11, Day: 2}: true,
		{Year: 2026, Month: 11, Day: 28}: true, {Year: 2026, Month: 11, Day: 29}: false,
	} {
		if got := in(d); got != want {
			t.Errorf("postmarked %s: in time %v, want %v", d, got, want)
		}
	}
}
