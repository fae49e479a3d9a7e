package console

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

func dirStore(t testing.TB) storage.Store {
	t.Helper()
	s, err := storage.NewDirStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestClerkFlow: a clerk signs in, finds the new objection in the inbox,
// opens it, sees the identity only with a reason, moves it to 核查中; the
// stage is stored, audited and queued as mail to the objector, with no
// identity anywhere but the identity view.
func TestClerkFlow(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	m := e.addObjection()
	clerk := e.signIn("zhangli", staff.Secretariat, "")

	resp, inbox := clerk.get("/staff/")
	if resp.StatusCode != http.StatusOK || !strings.Contains(inbox, m.Reference) || !strings.Contains(inbox, "中牟县某某食品有限公司") {
		t.Fatalf("inbox: %d, reference or candidate missing:\n%s", resp.StatusCode, inbox)
	}
	for _, secret := range []string{objector.Name, objector.IDNumber, objector.Phone, objector.Email} {
		if strings.Contains(inbox, secret) {
			t.Fatalf("inbox shows the objector's %q", secret)
		}
	}
	_, page := clerk.get("/staff/cases/" + m.Reference)
	if !strings.Contains(page, "该企业2025年曾发生质量事故") || !strings.Contains(page, "证据.pdf") || !strings.Contains(page, m.Files[0].SHA256) {
		t.Fatalf("case page lacks the statement, the file or its SHA-256:\n%s", page)
	}
	if strings.Contains(page, objector.Name) || strings.Contains(page, objector.IDNumber) {
		t.Fatal("case page shows the identity before a reason was given")
	}
	resp, page = clerk.post("/staff/cases/"+m.Reference+"/identity", url.Values{"reason": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity || strings.Contains(page, objector.Name) {
		t.Fatalf("identity without a reason: %d", resp.StatusCode)
	}
	resp, page = clerk.post("/staff/cases/"+m.Reference+"/identity", url.Values{"reason": {"核实异议人身份，准备电话联系"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, objector.Name) || !strings.Contains(page, objector.IDNumber) {
		t.Fatalf("identity with a reason: %d\n%s", resp.StatusCode, page)
	}
	views := e.audits("identity-view")
	if len(views) != 1 || views[0].Operator != "zhangli" || views[0].Reference != m.Reference || !strings.Contains(detailText(views[0].Details), "核实异议人身份") || views[0].From == "" {
		t.Fatalf("identity view audit: %+v", views)
	}

	// received → accepted → investigating.
	for i, stage := range []string{submission.StageAccepted, submission.StageInvestigating} {
		resp, body := clerk.post("/staff/cases/"+m.Reference+"/events", url.Values{"stage": {stage}, "note": {"已登记"}, "after": {strconv.Itoa(i)}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("move to %s: %d\n%s", stage, resp.StatusCode, body)
		}
	}
	c, err := e.arch.Case(context.Background(), m.Reference)
	if err != nil || c.Current.Code != submission.StageInvestigating || c.Seq != 2 {
		t.Fatalf("case after two moves: %+v %v", c, err)
	}
	if n := len(e.audits("stage")); n != 2 {
		t.Fatalf("%d stage audits, want 2", n)
	}
	_, page = clerk.get("/staff/cases/" + m.Reference)
	if !strings.Contains(page, "当前阶段：<strong>核查中</strong>") {
		t.Fatalf("case page does not show 核查中:\n%s", page)
	}
	pending, _, _, err := e.outbox.Counts(context.Background())
	if err != nil || pending != 2 {
		t.Fatalf("outbox: %d pending (%v), want the two stage mails", pending, err)
	}
	for _, secret := range []string{objector.Name, objector.IDNumber, objector.Phone, objector.Email} {
		if strings.Contains(e.logs.String(), secret) {
			t.Fatalf("the log holds the objector's %q", secret)
		}
	}
}
