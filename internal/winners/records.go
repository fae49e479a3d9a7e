package winners

import (
	"context"
	"fmt"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/submission"
)

// Records is the Register over an archive's applications and the current
// windows manifest's calls and winners.
type Records struct {
	Archive *archive.Archive
	// Manifest is the current windows manifest (nil: none yet).
	Manifest func() *schedule.Manifest
	Config   Config
}

// Winners reads the applications at 获奖 and builds the register.
func (r Records) Winners(ctx context.Context) ([]Entry, error) {
	cases, err := r.Archive.Applications(ctx)
	if err != nil {
		return nil, fmt.Errorf("winners: %w", err)
	}
	var m *schedule.Manifest
	if r.Manifest != nil {
		m = r.Manifest()
	}
	var site []schedule.Winner
	if m != nil {
		site = m.Winners
	}
	return Build(r.Config, FromCases(cases, m), site), nil
}

// FromCases are the applications at 获奖 among cases, with their call's
// session and year from m; an application whose call is no longer in m
// takes the year of its 获奖 event and session 0.
func FromCases(cases []*archive.Case, m *schedule.Manifest) []Awarded {
	var out []Awarded
	for _, c := range cases {
		if c.Manifest.Kind != submission.KindApplication || c.Current.Code != submission.StageAwarded {
			continue
		}
		f := c.Manifest.Application()
		a := Awarded{Reference: c.Manifest.Reference, OrgName: f.OrgName, CreditCode: f.CreditCode}
		var call *schedule.Call
		if m != nil {
			call = m.Call(f.Call)
		}
		if call != nil {
			a.Session, a.AwardYear = call.Session, call.Year
		} else {
			for _, ev := range c.Events {
				if ev.Stage == submission.StageAwarded {
					a.AwardYear = ev.At.Year()
				}
			}
		}
		out = append(out, a)
	}
	return out
}
