package intake

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// getJSON fetches a receipt as a program does.
func getJSON[T any](t *testing.T, url string) T {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d", url, resp.StatusCode)
	}
	return decode[T](t, resp)
}

type receiptJSON struct {
	Reference string          `json:"reference"`
	Status    *receiptStatus  `json:"status"`
	History   []receiptStatus `json:"history"`
}

// testReceiptStage: an objection with an email (sealed with the rest of
// the identity) reads 已收件（待受理） until the secretariat records an
// event; then its receipt, page and JSON, shows the current stage in plain
// Chinese with its public note and a short history, and never an internal
// note or who recorded an event.
func testReceiptStage(t *testing.T, store storage.Store) {
	e := newEnv(t, store, nil)
	f := goodFields()
	f["email"] = "zhangsan@example.com"
	got := decode[objectionResponse](t, e.post(f, []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json"))
	if got.Reference == "" {
		t.Fatal("objection with an email refused")
	}
	ctx := context.Background()
	m, err := e.srv.archive.Find(ctx, got.Reference)
	if err != nil {
		t.Fatal(err)
	}
	id, err := e.srv.archive.OpenObjector(m)
	if err != nil || id.Email != "zhangsan@example.com" || id.IDNumber != "11010519491231002X" || id.Type != submission.ObjectorIndividual {
		t.Errorf("sealed identity %+v %v", id, err)
	}
	url := e.http.URL + got.Receipt

	r := getJSON[receiptJSON](t, url)
	if s := r.Status; s == nil || s.Stage != "received" || s.Label != "已收件（待受理）" || s.State != s.Label || s.At != "2026-11-25T10:00:00+08:00" || len(r.History) != 0 {
		t.Errorf("receipt before any event: %+v %+v", r.Status, r.History)
	}
	if page := getBody(t, url, http.StatusOK); !strings.Contains(page, "已收件（待受理）") || strings.Contains(page, "办理记录") {
		t.Errorf("receipt page before any event does not read 已收件（待受理）:\n%s", page)
	}

	events := []submission.Status{
		{Reference: got.Reference, Stage: submission.StageAccepted, Note: "材料齐全，予以受理。", Operator: "王科员"},
		{Reference: got.Reference, Stage: submission.StageInvestigating, Note: "内部：异议人系竞争对手员工", Internal: true, Operator: "王科员"},
	}
	for i, st := range events {
		e.setNow(duringPublicity.Add(time.Duration(i+1) * time.Hour))
		if _, err := e.srv.archive.AppendEvent(ctx, st, i); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(raw)
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	for what, body := range map[string]string{"page": page, "JSON": string(raw)} {
		for _, secret := range []string{"竞争对手", "王科员", "zhangsan@example.com", "13800138000"} {
			if strings.Contains(body, secret) {
				t.Errorf("receipt %s shows %q", what, secret)
			}
		}
	}
	r = getJSON[receiptJSON](t, url)
	if s := r.Status; s == nil || s.Stage != "investigating" || s.Label != "核查中" || s.State != "核查中" || s.Note != "" || s.At != "2026-11-25T12:00:00+08:00" {
		t.Errorf("receipt status %+v", r.Status)
	}
	if len(r.History) != 2 || r.History[0].Stage != "investigating" || r.History[1].Label != "已受理" || r.History[1].Note != "材料齐全，予以受理。" {
		t.Errorf("receipt history %+v", r.History)
	}
	for _, want := range []string{"核查中", "办理记录", "已受理", "材料齐全，予以受理。", "已收件"} {
		if !strings.Contains(page, want) {
			t.Errorf("receipt page lacks %q:\n%s", want, page)
		}
	}
}

// TestObjectionEmail: the email is optional, and checked when given.
func TestObjectionEmail(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	for _, bad := range []string{"zhangsan", "张三 <zhangsan@example.com>", "zhangsan@localhost", strings.Repeat("a", 90) + "@example.com"} {
		f := goodFields()
		f["email"] = bad
		resp := e.post(f, []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(decode[apiError](t, resp).Error.Fields["email"], "电子邮箱") {
			t.Errorf("email %q: status %d, want 400 naming the email", bad, resp.StatusCode)
		}
	}
	e.assertNothingStored()
	page := getBody(t, e.http.URL+"/api/objections/new", http.StatusOK)
	if !strings.Contains(page, "电子邮箱（选填，用于接收办理进度通知）") || !strings.Contains(page, `name="email" type="email"`) {
		t.Errorf("objection form has no optional email field")
	}
}
