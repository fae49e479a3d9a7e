package console

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/notify"
	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/storage/miniotest"
	"github.com/zhongmou/award/submission"
)

// sentMail keeps what the outbox delivers.
type sentMail struct {
	mu   sync.Mutex
	msgs []notify.Message
}

func (s *sentMail) Send(_ context.Context, m notify.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
	return nil
}

func (s *sentMail) to(addr string) []notify.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []notify.Message
	for _, m := range s.msgs {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

// fixedWindows is a windows manifest that does not change.
type fixedWindows struct{ m *schedule.Manifest }

func (w fixedWindows) Current() *schedule.Manifest { return w.m }

// toCandidate moves an application through the flow to 候选 (or to stop,
// when given), as the secretariat records it.
func (e *env) toStage(ref, stop string) {
	e.t.Helper()
	path := []string{submission.StageAccepted, submission.StageRecommended, submission.StageQualified, submission.StageMaterialReview,
		submission.StageSiteReview, submission.StageOverallReview, submission.StageCandidate}
	for i, st := range path {
		if _, err := e.arch.AppendEvent(context.Background(), submission.Status{Reference: ref, Stage: st, Operator: "王科员"}, i); err != nil {
			e.t.Fatalf("%s to %s: %v", ref, st, err)
		}
		if st == stop {
			return
		}
	}
}

// investigate moves an objection to 核查中.
func (e *env) investigate(ref string) {
	e.t.Helper()
	for i, st := range []string{submission.StageAccepted, submission.StageInvestigating} {
		if _, err := e.arch.AppendEvent(context.Background(), submission.Status{Reference: ref, Stage: st, Operator: "王科员"}, i); err != nil {
			e.t.Fatal(err)
		}
	}
}

func (e *env) caseOf(ref string) *archive.Case {
	e.t.Helper()
	c, err := e.arch.Case(context.Background(), ref)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// candidatesManifest is a windows manifest with the test objections'
// publicity; reference, when not "", is its candidate c1's application.
func candidatesManifest(reference string) *schedule.Manifest {
	return &schedule.Manifest{Publicities: []schedule.Publicity{{ID: "2026-candidates", Title: "第三届县长质量奖候选名单公示", Session: 3,
		Candidates: []schedule.Candidate{{ID: "c1", Name: "中牟县某某食品有限公司", CreditCode: "91410122MA44XXXX1X", Reference: reference}}}},
		Calls: []schedule.Call{{ID: "2026-call", Title: "第三届县长质量奖申报", Session: 3, Year: 2026}}}
}

// TestOutcomeSubstantiated: 查实 on an objection records the outcome and
// moves the candidate's application from 候选 to 取消候选资格, both audited;
// the objector is mailed the outcome of the objection only, the applicant
// the revocation without the objection or the objector.
func TestOutcomeSubstantiated(t *testing.T) {
	for _, byReference := range []bool{true, false} {
		t.Run("reference="+strconv.FormatBool(byReference), func(t *testing.T) {
			mail := &sentMail{}
			e := newEnv(t, dirStore(t), mail)
			other := e.addApplication("中牟县另一家公司", "91410122MA55YYYY2Y", "韩寺镇")
			app := e.addApplication("中牟县某某食品有限公司", "91410122MA44XXXX1X", "韩寺镇")
			e.toStage(other.Reference, "")
			e.toStage(app.Reference, "")
			ref := ""
			if byReference {
				ref = app.Reference
			}
			e.srv.windows = fixedWindows{candidatesManifest(ref)}
			obj := e.addObjection()
			e.investigate(obj.Reference)

			clerk := e.signIn("chashi", staff.Secretariat, "")
			_, page := clerk.get("/staff/cases/" + obj.Reference)
			if !strings.Contains(page, "申报 "+app.Reference+" 同时由“候选”改为“取消候选资格”") {
				t.Fatalf("the case page does not say which application 查实 revokes:\n%s", page)
			}
			note := "经向市场监管部门核实，该企业2025年确有质量事故，异议属实。"
			resp, body := clerk.post("/staff/cases/"+obj.Reference+"/events", url.Values{"stage": {"substantiated"}, "note": {note}, "after": {"2"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("查实: %d\n%s", resp.StatusCode, body)
			}
			oc := e.caseOf(obj.Reference)
			last := oc.Latest()
			if oc.Current.Code != submission.StageSubstantiated || last.Outcome == nil || *last.Outcome != (submission.ObjectionOutcome{
				Result: submission.StageSubstantiated, Note: note, Publicity: "2026-candidates", Candidate: "c1", Application: app.Reference}) {
				t.Fatalf("objection: %s %+v", oc.Current.Code, last.Outcome)
			}
			ac := e.caseOf(app.Reference)
			if ac.Current.Code != submission.StageCandidacyRevoked || ac.Latest().RevokedBy != obj.Reference || ac.Latest().Note != archive.RevocationNote || ac.Latest().Operator != "chashi" {
				t.Fatalf("application: %s %+v", ac.Current.Code, ac.Latest())
			}
			if c := e.caseOf(other.Reference); c.Current.Code != submission.StageCandidate {
				t.Fatalf("another candidate moved: %s", c.Current.Code)
			}
			var audited []string
			for _, rec := range e.audits("stage") {
				audited = append(audited, rec.Reference)
			}
			if strings.Join(audited, " ") != app.Reference+" "+obj.Reference {
				t.Fatalf("stage audits: %v", audited)
			}
			_, page = clerk.get("/staff/cases/" + app.Reference)
			if !strings.Contains(page, "异议 <a href=\"/staff/cases/"+obj.Reference+"\">") {
				t.Fatal("the application's history does not link the objection")
			}

			if _, _, err := e.outbox.DeliverDue(context.Background()); err != nil {
				t.Fatal(err)
			}
			toObjector := mail.to(objector.Email)
			if len(toObjector) != 1 {
				t.Fatalf("%d mails to the objector", len(toObjector))
			}
			m := toObjector[0]
			text := m.Subject + "\n" + m.Body
			if !strings.Contains(m.Subject, "异议核查结论：查实") || !strings.Contains(text, note) || !strings.Contains(text, "《第三届县长质量奖候选名单公示》") {
				t.Fatalf("objector's mail:\n%s", text)
			}
			for _, other := range []string{app.Reference, "李建国", "赵敏", "13800001111", "zhaomin@example.com", objector.Name, objector.IDNumber, objector.Phone, objector.Email} {
				if strings.Contains(text, other) {
					t.Fatalf("the objector's mail holds %q:\n%s", other, text)
				}
			}
			toApplicant := mail.to("zhaomin@example.com")
			if len(toApplicant) != 1 || !strings.Contains(toApplicant[0].Body, archive.RevocationNote) || !strings.Contains(toApplicant[0].Subject, "取消候选资格") {
				t.Fatalf("applicant's mail: %+v", toApplicant)
			}
			for _, other := range []string{obj.Reference, objector.Name, objector.IDNumber, objector.Phone, objector.Email, "质量事故"} {
				if strings.Contains(toApplicant[0].Subject+toApplicant[0].Body, other) {
					t.Fatalf("the applicant's mail holds %q", other)
				}
			}
		})
	}
}

// TestOutcomeRefused: 查实 is not recorded — on neither case — when the
// note is missing, the application is not at 候选 or cannot be found; the
// page keeps what was typed and says why. 不属实 and 不予受理 move only
// the objection. Township, reviewer and auditor accounts get 403, a post
// without the CSRF token too.
func TestOutcomeRefused(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	app := e.addApplication("中牟县某某食品有限公司", "91410122MA44XXXX1X", "韩寺镇")
	e.toStage(app.Reference, submission.StageOverallReview)
	obj := e.addObjection()
	e.investigate(obj.Reference)
	clerk := e.signIn("jujue", staff.Secretariat, "")
	nothing := func(what string) {
		t.Helper()
		if c := e.caseOf(obj.Reference); c.Seq != 2 || c.Current.Code != submission.StageInvestigating {
			t.Fatalf("%s: objection at %s (%d)", what, c.Current.Code, c.Seq)
		}
		if c := e.caseOf(app.Reference); c.Seq != 6 {
			t.Fatalf("%s: application at %s (%d)", what, c.Current.Code, c.Seq)
		}
		if n := len(e.audits("stage")); n != 0 {
			t.Fatalf("%s: %d stage audits", what, n)
		}
	}
	_, page := clerk.get("/staff/cases/" + obj.Reference)
	if !strings.Contains(page, "都不在“候选”阶段") && !strings.Contains(page, "现在不能记为“查实”") {
		t.Fatalf("the page does not say 查实 cannot be recorded:\n%s", page)
	}
	resp, body := clerk.post("/staff/cases/"+obj.Reference+"/events", url.Values{"stage": {"substantiated"}, "after": {"2"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "须写明理由") {
		t.Fatalf("no note: %d", resp.StatusCode)
	}
	nothing("no note")
	note := "核查属实，记录在案备查。"
	resp, body = clerk.post("/staff/cases/"+obj.Reference+"/events", url.Values{"stage": {"substantiated"}, "note": {note}, "after": {"2"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "未作记录") || !strings.Contains(body, note) {
		t.Fatalf("not a candidate: %d\n%s", resp.StatusCode, body)
	}
	nothing("not a candidate")
	// The publicity names an application that is not at 候选.
	e.srv.windows = fixedWindows{candidatesManifest(app.Reference)}
	resp, body = clerk.post("/staff/cases/"+obj.Reference+"/events", url.Values{"stage": {"substantiated"}, "note": {note}, "after": {"2"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "目前是“综合评审”，不是“候选”") || !strings.Contains(body, note) {
		t.Fatalf("named, not a candidate: %d\n%s", resp.StatusCode, body)
	}
	nothing("named, not a candidate")
	// … or one that does not exist.
	e.srv.windows = fixedWindows{candidatesManifest("ZZZZ-ZZZZ")}
	resp, body = clerk.post("/staff/cases/"+obj.Reference+"/events", url.Values{"stage": {"substantiated"}, "note": {note}, "after": {"2"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "没有受理编号为 ZZZZ-ZZZZ 的申报") {
		t.Fatalf("unknown application: %d\n%s", resp.StatusCode, body)
	}
	nothing("unknown application")

	for _, role := range []staff.Role{staff.Township, staff.Reviewer, staff.Auditor} {
		township := ""
		if role == staff.Township {
			township = "韩寺镇"
		}
		c := e.signIn("role-"+string(role), role, township)
		c.get("/staff/")
		resp, _ := c.post("/staff/cases/"+obj.Reference+"/events", url.Values{"stage": {"unsubstantiated"}, "note": {note}, "after": {"2"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("%s: %d, want 403", role, resp.StatusCode)
		}
	}
	resp, _ = clerk.post("/staff/cases/"+obj.Reference+"/events", url.Values{"csrf": {"x"}, "stage": {"unsubstantiated"}, "note": {note}, "after": {"2"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("without CSRF: %d", resp.StatusCode)
	}
	nothing("roles and CSRF")

	// 不属实 moves only the objection, with its outcome.
	e.srv.windows = nil
	clerk.get("/staff/cases/" + obj.Reference)
	resp, _ = clerk.post("/staff/cases/"+obj.Reference+"/events", url.Values{"stage": {"unsubstantiated"}, "note": {"经核查，所述情况与事实不符。"}, "after": {"2"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("不属实: %d", resp.StatusCode)
	}
	if c := e.caseOf(obj.Reference); c.Current.Code != submission.StageUnsubstantiated || c.Latest().Outcome == nil ||
		c.Latest().Outcome.Result != submission.StageUnsubstantiated || c.Latest().Outcome.Application != app.Reference {
		t.Fatalf("不属实: %s %+v", c.Current.Code, c.Latest().Outcome)
	}
	if c := e.caseOf(app.Reference); c.Seq != 6 {
		t.Fatalf("不属实 moved the application: %s", c.Current.Code)
	}
	// 不予受理 from 已收件, with its outcome.
	obj2 := e.addObjection()
	clerk.get("/staff/cases/" + obj2.Reference)
	resp, _ = clerk.post("/staff/cases/"+obj2.Reference+"/events", url.Values{"stage": {"not-accepted"}, "note": {"异议超过公示期提出。"}, "after": {"0"}})
	if c := e.caseOf(obj2.Reference); resp.StatusCode != http.StatusSeeOther || c.Current.Code != submission.StageNotAccepted || c.Latest().Outcome == nil {
		t.Fatalf("不予受理: %d %s", resp.StatusCode, c.Current.Code)
	}
}

// TestOutcomeOnBothStores: the revocation is conditional on both stores:
// a candidacy moved meanwhile (another clerk) is not revoked twice, and
// the archive refuses an outcome on an application or a RevokedBy on an
// objection.
func TestOutcomeOnBothStores(t *testing.T) {
	for name, store := range map[string]func(testing.TB) storage.Store{"dir": dirStore, "minio": minioStore} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, store(t), nil)
			app := e.addApplication("中牟县某某食品有限公司", "91410122MA44XXXX1X", "韩寺镇")
			e.toStage(app.Reference, "")
			obj := e.addObjection()
			e.investigate(obj.Reference)
			ctx := context.Background()
			out := &submission.ObjectionOutcome{Result: submission.StageSubstantiated, Note: "属实", Application: app.Reference}
			if _, err := e.arch.AppendEvent(ctx, submission.Status{Reference: app.Reference, Stage: submission.StageAwarded, Operator: "x", Outcome: out}, 7); err == nil {
				t.Fatal("an outcome on an application was stored")
			}
			if _, err := e.arch.AppendEvent(ctx, submission.Status{Reference: obj.Reference, Stage: submission.StageSubstantiated, Operator: "x", RevokedBy: obj.Reference}, 2); err == nil {
				t.Fatal("a RevokedBy on an objection was stored")
			}
			ev, rev, err := e.arch.RecordOutcome(ctx, submission.Status{Reference: obj.Reference, Operator: "x", Outcome: out}, 2)
			if err != nil || rev == nil || rev.Seq != 8 || ev.Seq != 3 {
				t.Fatalf("RecordOutcome: %+v %+v %v", ev, rev, err)
			}
			// A second objection found 查实 on the same candidate: its
			// application is no longer at 候选; nothing is recorded.
			obj2 := e.addObjection()
			e.investigate(obj2.Reference)
			_, _, err = e.arch.RecordOutcome(ctx, submission.Status{Reference: obj2.Reference, Operator: "x", Outcome: out}, 2)
			if err == nil || !strings.Contains(err.Error(), "不是“候选”") {
				t.Fatalf("second 查实: %v", err)
			}
			if c := e.caseOf(obj2.Reference); c.Seq != 2 {
				t.Fatalf("second objection at %s", c.Current.Code)
			}
		})
	}
}

// minioStore is a fresh MinIO bucket.
func minioStore(t testing.TB) storage.Store {
	t.Helper()
	srv := miniotest.Start(t)
	store, err := storage.NewS3Store(context.Background(), storage.S3Config{Endpoint: srv.Endpoint, Bucket: "outcomes", AccessKey: srv.AccessKey,
		SecretKey: srv.SecretKey, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	return store
}
