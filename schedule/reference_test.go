package schedule

import (
	"testing"
	"time"

	"github.com/zhongmou/award/workday"
)

// TestPublicityReference: a generated list's candidate carries its
// application's reference into the publicity (and so windows.json).
func TestPublicityReference(t *testing.T) {
	cal, err := workday.Parse([]byte("years:\n  - year: 2026\n    notice: n\n    holidays: []\n    workdays: []\n"))
	if err != nil {
		t.Fatal(err)
	}
	loc := time.FixedZone("CST", 8*3600)
	fm := []byte("id: pub-x\nstart: 2026-11-20\nworkingDays: 5\ncandidates:\n  - id: c01\n    reference: K7M2-QX9D\n    name: 某公司\n    creditCode: 91410122MA00J8NW0M\n    industry: 农业\n    township: 官渡镇\n")
	p, errs := ParsePublicity(fm, Rules{Calendar: cal, Location: loc})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if p.Candidates[0].Reference != "K7M2-QX9D" {
		t.Errorf("reference %q", p.Candidates[0].Reference)
	}
}
