package archive_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// TestRetentionDecide: how long each kind is kept, by its outcome, to the
// first moment of a year in China Standard Time.
func TestRetentionDecide(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	ev := func(_, stage, when string) submission.Status {
		return submission.Status{Stage: stage, At: at(when)}
	}
	caseOf := func(kind, received string, fields map[string]string, evs ...submission.Status) *archive.Case {
		c := &archive.Case{Manifest: &submission.Manifest{Kind: kind, Reference: "ABCD-EFGH", ReceivedAt: at(received), Fields: fields}, Events: evs}
		c.Current, _ = submission.StageOf(kind, submission.StageReceived)
		if len(evs) > 0 {
			c.Current, _ = submission.StageOf(kind, evs[len(evs)-1].Stage)
		}
		return c
	}
	outcome := func(result, when string) submission.Status {
		s := ev(submission.KindObjection, result, when)
		s.Outcome = &submission.ObjectionOutcome{Result: result, Note: "核查结论"}
		return s
	}
	app, obj := submission.KindApplication, submission.KindObjection
	r := archive.DefaultRetention()
	won0 := r
	won0.WonYears = 0
	for _, c := range []struct {
		name string
		r    archive.Retention
		c    *archive.Case
		want string
		rule string
	}{
		{"won in 2026: valid to 2028, then 10 years", r, caseOf(app, "2026-04-01 10:00", nil,
			ev(app, submission.StageCandidate, "2026-06-01 10:00"), ev(app, submission.StageAwarded, "2026-06-22 10:00")), "2039-01-01 00:00", "获奖"},
		{"won, no years after the validity", won0, caseOf(app, "2026-04-01 10:00", nil, ev(app, submission.StageAwarded, "2026-12-31 23:59")), "2029-01-01 00:00", "2028"},
		{"not awarded: 3 years after the round", r, caseOf(app, "2026-04-01 10:00", nil, ev(app, submission.StageNotAwarded, "2026-07-01 10:00")), "2030-01-01 00:00", "评选结束"},
		{"handled into the next year", r, caseOf(app, "2026-12-30 10:00", nil, ev(app, submission.StageAccepted, "2027-01-04 09:00")), "2031-01-01 00:00", "2027"},
		{"never handled: from its receipt", r, caseOf(app, "2026-03-02 08:00", nil), "2030-01-01 00:00", "2026"},
		{"objection: 3 years after its outcome", r, caseOf(obj, "2026-12-28 10:00", nil,
			ev(obj, submission.StageAccepted, "2026-12-29 10:00"), outcome(submission.StageUnsubstantiated, "2027-01-05 10:00")), "2031-01-01 00:00", "异议办结"},
		{"objection still open: from its last handling", r, caseOf(obj, "2026-06-09 10:00", nil, ev(obj, submission.StageInvestigating, "2026-06-10 10:00")), "2030-01-01 00:00", "异议最后办理"},
		{"report on an award of 2026", r, caseOf("report", "2027-03-01 10:00", map[string]string{"awardYear": "2026"}), "2039-01-01 00:00", "年度报告"},
		{"report without its award year: its receipt's", r, caseOf("report", "2027-03-01 10:00", nil), "2040-01-01 00:00", "2029"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := c.r.Decide(c.c, cst)
			if got := d.Until.In(cst).Format("2006-01-02 15:04"); got != c.want || !strings.Contains(d.Rule, c.rule) {
				t.Errorf("until %s (%s), want %s (%s)", got, d.Rule, c.want, c.rule)
			}
		})
	}
}

// TestRetentionNotices: each form states its own period, from the
// configuration.
func TestRetentionNotices(t *testing.T) {
	r := archive.Retention{ValidityYears: 3, WonYears: 10, OtherYears: 2, ObjectionYears: 4, ReportYears: 0}
	for _, c := range []struct{ got, want string }{
		{r.ApplicationNotice(), "获奖的，保存至获奖有效期（3年）届满后10年；未获奖的，保存至评选结束当年年底后2年。"},
		{r.ObjectionNotice(), "保存至异议办理完结当年年底后4年，"},
		{r.ReportNotice(), "保存至获奖有效期届满，期满后删除"},
	} {
		if !strings.Contains(c.got, c.want) {
			t.Errorf("%q lacks %q", c.got, c.want)
		}
	}
}

// TestRetentionConfig: the periods come from the file and the environment;
// a negative one is refused.
func TestRetentionConfig(t *testing.T) {
	cfg := archive.DefaultConfig()
	env := map[string]string{"AWARD_VALIDITY_YEARS": "5", "AWARD_RETENTION_WON_YEARS": "20", "AWARD_RETENTION_OTHER_YEARS": "1",
		"AWARD_RETENTION_OBJECTION_YEARS": "2", "AWARD_RETENTION_REPORT_YEARS": "7"}
	if err := cfg.ApplyEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if want := (archive.Retention{ValidityYears: 5, WonYears: 20, OtherYears: 1, ObjectionYears: 2, ReportYears: 7}); cfg.Retention != want {
		t.Errorf("retention %+v, want %+v", cfg.Retention, want)
	}
	cfg.Retention.OtherYears = -1
	if err := cfg.Check(); err == nil || !strings.Contains(err.Error(), "不能为负数") {
		t.Errorf("a negative period: %v", err)
	}
}

// TestRetentionPurgesWinnersLater: the janitor keeps an application that
// won until its validity and 10 years more have passed, to the second, on
// both stores; one that did not win goes 3 years after its round.
func TestRetentionPurgesWinnersLater(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	for _, b := range ledgertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			store, _ := b.New(t)
			ctx := context.Background()
			now := time.Date(2026, 4, 1, 10, 0, 0, 0, cst)
			a := newArchive(t, store, func() time.Time { return now })
			won, lost := commitApplication(t, a), commitApplication(t, a)
			stages := []string{submission.StageAccepted, submission.StageRecommended, submission.StageQualified, submission.StageMaterialReview,
				submission.StageSiteReview, submission.StageOverallReview, submission.StageCandidate}
			for _, m := range []*submission.Manifest{won, lost} {
				last := submission.StageAwarded
				if m == lost {
					last = submission.StageNotAwarded
				}
				for i, st := range append(stages, last) {
					if _, err := a.AppendEvent(ctx, submission.Status{Reference: m.Reference, Stage: st, Operator: "王科员"}, i); err != nil {
						t.Fatal(err)
					}
				}
			}
			present := func(m *submission.Manifest) bool {
				_, err := a.Find(ctx, m.Reference)
				return err == nil
			}
			// A console's inbox snapshot, which holds both: gone with the
			// first purge.
			snapshot := archive.InboxSnapshotPrefix + "000000000016.json.gz"
			if _, err := store.Put(ctx, snapshot, strings.NewReader("snapshot"), storage.PutOptions{}); err != nil {
				t.Fatal(err)
			}
			for i, c := range []struct {
				at        time.Time
				won, lost bool
			}{
				{time.Date(2030, 1, 1, 0, 0, 0, 0, cst).Add(-time.Second), true, true},
				{time.Date(2030, 1, 1, 0, 0, 0, 0, cst), true, false},
				{time.Date(2039, 1, 1, 0, 0, 0, 0, cst).Add(-time.Second), true, false},
				{time.Date(2039, 1, 1, 0, 0, 0, 0, cst), false, false},
			} {
				now = c.at
				if _, err := a.Sweep(ctx, time.Hour); err != nil {
					t.Fatal(err)
				}
				if present(won) != c.won || present(lost) != c.lost {
					t.Errorf("at %s: won kept %v (want %v), not awarded kept %v (want %v)", c.at, present(won), c.won, present(lost), c.lost)
				}
				_, _, err := store.Get(ctx, snapshot)
				if kept := err == nil; kept != (i == 0) {
					t.Errorf("at %s: the inbox snapshot kept %v (%v), want %v", c.at, kept, err, i == 0)
				}
			}
			verifyClean(t, a, 16) // the handling records stay
		})
	}
}

// TestEnvErrorsChinese: a setting that cannot be read says so in Chinese,
// naming the variable, its value and what it should be.
func TestEnvErrorsChinese(t *testing.T) {
	for env, want := range map[string]string{
		"AWARD_RETENTION_WON_YEARS": `环境变量 AWARD_RETENTION_WON_YEARS="十年" 无效：应为不小于 0 的整数（年数）`,
		"AWARD_JANITOR_EVERY":       `环境变量 AWARD_JANITOR_EVERY="十年" 无效：应为一段时间，写法如 10m 或 2h（s 秒、m 分、h 小时）`,
	} {
		cfg := archive.DefaultConfig()
		err := cfg.ApplyEnv(func(k string) string {
			if k == env {
				return "十年"
			}
			return ""
		})
		if err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %s", env, err, want)
		}
	}
}
