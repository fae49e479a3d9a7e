package console

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/submission"
	"github.com/zhongmou/award/workday"
)

var (
	paperPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	shanghai = func() *time.Location { l, _ := time.LoadLocation("Asia/Shanghai"); return l }()
)

// paperWindows: a publicity 2026-11-20 … 11-26 and a call that closed
// 2026-11-28 17:30, both closed on the console's clock (2026-12-01).
func paperWindows() *schedule.Manifest {
	first, last := workday.Date{Year: 2026, Month: 11, Day: 20}, workday.Date{Year: 2026, Month: 11, Day: 26}
	return &schedule.Manifest{
		Calls: []schedule.Call{{ID: "2026-call", Title: "第三届县长质量奖申报", Session: 3, Year: 2026,
			Opens: time.Date(2026, 11, 2, 9, 0, 0, 0, shanghai), Closes: time.Date(2026, 11, 28, 17, 30, 0, 0, shanghai)}},
		Publicities: []schedule.Publicity{{ID: "2026-candidates", Title: "第三届县长质量奖候选名单公示", Session: 3,
			FirstDay: first, LastDay: last, WorkingDays: 5, Opens: first.Start(shanghai), Closes: last.AddDays(1).Start(shanghai),
			Candidates: []schedule.Candidate{{ID: "c1", Name: "中牟县某某食品有限公司", CreditCode: "91410122MA44XXXX1X"}}}},
	}
}

type paperUpload struct {
	field, name string
	data        []byte
}

// postPaper posts the 代录 form as multipart, with the client's CSRF token
// unless fields set one.
func (c *client) postPaper(fields map[string]string, files []paperUpload) (*http.Response, string) {
	c.e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if _, ok := fields["csrf"]; !ok {
		mw.WriteField("csrf", c.csrf)
	}
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile(f.field, f.name)
		w.Write(f.data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.e.ts.URL+"/staff/paper", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	if m := csrfField.FindSubmatch(body.Bytes()); m != nil {
		c.csrf = string(m[1])
	}
	return resp, body.String()
}

func paperObjection(postmarked string) map[string]string {
	return map[string]string{"kind": "objection", "postmarked": postmarked, "target": "2026-candidates/c1", "objectorType": "individual",
		"name": "刘桂兰", "idNumber": "11010519491231002X", "phone": "13700001234", "email": "liuguilan@example.com",
		"statement": "该企业2025年有产品抽检不合格的记录，附抽检通报复印件。", "consent": "yes"}
}

// stored are the committed submissions and the in-flight records.
func (e *env) stored() (manifests, inflight int) {
	e.t.Helper()
	for _, prefix := range []string{"objections/", "applications/", "inflight/"} {
		infos, err := e.store.List(context.Background(), prefix)
		if err != nil {
			e.t.Fatal(err)
		}
		for _, in := range infos {
			switch {
			case prefix == "inflight/":
				inflight++
			case strings.HasSuffix(in.Key, "/manifest.json"):
				manifests++
			}
		}
	}
	return
}

// TestPaperObjection: a paper objection postmarked within the publicity is
// registered after it closed, as the same record as an online one, marked
// 纸质, its identity sealed, audited; one postmarked after it, or with
// something wrong, is refused with what was typed kept and nothing stored.
func TestPaperObjection(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	e.srv.windows = fixedWindows{paperWindows()}
	clerk := e.signIn("dailu", staff.Secretariat, "")
	resp, page := clerk.get("/staff/paper")
	if resp.StatusCode != 200 || !strings.Contains(page, `enctype="multipart/form-data"`) || !strings.Contains(page, "中牟县某某食品有限公司（91410122MA44XXXX1X）") {
		t.Fatalf("form: %d\n%s", resp.StatusCode, page)
	}
	letter := paperUpload{"letter", "异议信.pdf", paperPDF}
	refusals := []struct {
		name   string
		change func(map[string]string) map[string]string
		files  []paperUpload
		want   string
	}{
		{"late", func(f map[string]string) map[string]string { f["postmarked"] = "2026-11-27"; return f }, []paperUpload{letter}, "不在公示期"},
		{"future", func(f map[string]string) map[string]string { f["postmarked"] = "2026-12-02"; return f }, []paperUpload{letter}, "不能晚于今天"},
		{"no postmark", func(f map[string]string) map[string]string { delete(f, "postmarked"); return f }, []paperUpload{letter}, "请填写信封上的邮戳日期"},
		{"no letter", func(f map[string]string) map[string]string { return f }, []paperUpload{{"evidence", "通报.pdf", paperPDF}}, "请上传纸质来件的扫描件"},
		{"letter not a scan", func(f map[string]string) map[string]string { return f }, []paperUpload{{"letter", "信.txt", []byte("just text")}}, "不是可接受的格式"},
		{"letter named .pdf, not a PDF", func(f map[string]string) map[string]string { return f }, []paperUpload{{"letter", "信.pdf", []byte("just text")}}, "“信.pdf”：文件内容不是PDF（可能改过扩展名或已损坏），请换用正确的文件。"},
		{"letter cut off", func(f map[string]string) map[string]string { return f }, []paperUpload{{"letter", "信.pdf", paperPDF[:len(paperPDF)-7]}}, "不完整（PDF 文件缺少结尾"},
		{"too many letters", func(f map[string]string) map[string]string { return f }, slices.Repeat([]paperUpload{letter}, 6), "最多 5 个文件（现为 6 个）"},
		{"bad ID number", func(f map[string]string) map[string]string { f["idNumber"] = "110105194912310021"; return f }, []paperUpload{letter}, "身份证"},
		{"short statement", func(f map[string]string) map[string]string { f["statement"] = "不行"; return f }, []paperUpload{letter}, "至少"},
	}
	for _, r := range refusals {
		resp, body := clerk.postPaper(r.change(paperObjection("2026-11-25")), r.files)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, r.want) || !strings.Contains(body, "没有登记任何内容") {
			t.Fatalf("%s: %d, want 422 saying %q\n%s", r.name, resp.StatusCode, r.want, body)
		}
		if !strings.Contains(body, `value="刘桂兰"`) || !strings.Contains(body, "附抽检通报复印件") && r.name != "short statement" {
			t.Fatalf("%s: what was typed is not kept", r.name)
		}
		if m, in := e.stored(); m != 0 || in != 0 {
			t.Fatalf("%s: %d manifests, %d in flight stored", r.name, m, in)
		}
	}
	if n := len(e.audits("paper")); n != 0 {
		t.Fatalf("%d paper audits after refusals", n)
	}

	resp, body := clerk.postPaper(paperObjection("2026-11-26"), []paperUpload{letter, {"evidence", "抽检通报.pdf", paperPDF}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("register: %d\n%s", resp.StatusCode, body)
	}
	ref := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/staff/cases/"), "?done=paper")
	m, err := e.arch.Find(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	f := m.Objection()
	if f.Channel != submission.ChannelPaper || f.Postmarked != "2026-11-26" || f.Publicity != "2026-candidates" || f.Candidate != "c1" ||
		f.CandidateCreditCode != "91410122MA44XXXX1X" || f.PublicityTitle != "第三届县长质量奖候选名单公示" || !m.ReceivedAt.Equal(e.clock.now()) {
		t.Fatalf("fields %+v, received %v", f, m.ReceivedAt)
	}
	if len(m.Files) != 2 || m.Files[0].Field != submission.LetterSlot || m.Files[1].Field != submission.EvidenceSlot || m.Files[0].SHA256 == "" || m.Files[0].Type != submission.TypePDF {
		t.Fatalf("files %+v", m.Files)
	}
	raw, _ := m.Encode()
	for _, secret := range []string{"刘桂兰", "11010519491231002X", "13700001234", "liuguilan@example.com"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Fatalf("the manifest holds %q in the clear", secret)
		}
	}
	id, err := e.arch.OpenObjector(m)
	if err != nil || id.Name != "刘桂兰" || id.IDNumber != "11010519491231002X" {
		t.Fatalf("identity %+v %v", id, err)
	}
	recs := e.audits("paper")
	if len(recs) != 1 || recs[0].Reference != ref || recs[0].Operator != "dailu" {
		t.Fatalf("audit %+v", recs)
	}
	_, page = clerk.get("/staff/cases/" + ref + "?done=paper")
	if !strings.Contains(page, "纸质（代录）") || !strings.Contains(page, "2026-11-26") || !strings.Contains(page, "纸质来件扫描件") || !strings.Contains(page, "纸质异议已登记") {
		t.Fatalf("case page:\n%s", page)
	}
	_, page = clerk.get("/staff/")
	if !strings.Contains(page, `<span class="tag">纸质</span>`) || strings.Contains(page, "刘桂兰") {
		t.Fatal("the inbox does not mark the paper objection, or shows its objector")
	}
	for _, rec := range e.audits("") {
		if b, _ := jsonOf(rec); strings.Contains(b, "刘桂兰") || strings.Contains(b, "11010519491231002X") {
			t.Fatalf("an audit record holds the identity: %s", b)
		}
	}
}

// TestPaperApplication: a paper application postmarked before the call
// closed is registered after, checked by the intake's rules (a missing
// required slot is named), with its slots' files and the letter.
func TestPaperApplication(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	e.srv.windows = fixedWindows{paperWindows()}
	clerk := e.signIn("dailushenbao", staff.Secretariat, "")
	resp, page := clerk.get("/staff/paper?kind=application")
	if resp.StatusCode != 200 || !strings.Contains(page, `name="declaration9"`) || !strings.Contains(page, "第三届县长质量奖申报") {
		t.Fatalf("form: %d", resp.StatusCode)
	}
	fields := map[string]string{
		"kind": "application", "postmarked": "2026-11-27", "call": "2026-call", "orgName": "中牟县示例食品有限公司", "creditCode": "91410122MA00J8NW0M",
		"orgKind": "企业", "established": "2018-05-20", "littleGiant": "no", "industry": "食品制造业", "township": "韩寺镇",
		"address": "中牟县示例大道88号", "legalRepresentative": "李四", "contactName": "王五", "phone": "0371-62196035",
		"email": "zhiliang@example.com", "recommender": "韩寺镇人民政府", "excellenceSince": "2023-01-01",
		"internalPublicityStart": "2026-11-16", "internalPublicityEnd": "2026-11-20", "consent": "yes",
	}
	for i := 1; i <= submission.Declarations; i++ {
		fields["declaration"+strconv.Itoa(i)] = "none"
	}
	files := []paperUpload{{"letter", "封面.pdf", paperPDF}}
	for _, sl := range submission.ApplicationSlots() {
		if sl.RequiredFor(false) {
			files = append(files, paperUpload{sl.Name, sl.Name + ".pdf", paperPDF})
		}
	}
	late := map[string]string{}
	for k, v := range fields {
		late[k] = v
	}
	late["postmarked"] = "2026-11-29"
	if resp, body := clerk.postPaper(late, files); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "不在申报期") {
		t.Fatalf("late: %d\n%s", resp.StatusCode, body)
	}
	resp, body := clerk.postPaper(fields, files[:len(files)-1])
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请上传") || !strings.Contains(body, `value="中牟县示例食品有限公司"`) {
		t.Fatalf("a required slot missing: %d\n%s", resp.StatusCode, body)
	}
	if m, in := e.stored(); m != 0 || in != 0 {
		t.Fatalf("refused, yet %d manifests, %d in flight", m, in)
	}
	resp, body = clerk.postPaper(fields, files)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("register: %d\n%s", resp.StatusCode, body)
	}
	ref := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/staff/cases/"), "?done=paper")
	m, err := e.arch.Find(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	f := m.Application()
	if f.Channel != submission.ChannelPaper || f.Postmarked != "2026-11-27" || f.Call != "2026-call" || f.OrgName != "中牟县示例食品有限公司" || f.InternalPublicityWorkingDays != "5" || len(m.Files) != len(files) {
		t.Fatalf("fields %+v, %d files", f, len(m.Files))
	}
	if id, err := e.arch.OpenApplicant(m); err != nil || id.ContactName != "王五" {
		t.Fatalf("identity %+v %v", id, err)
	}
	if len(e.audits("paper")) != 1 {
		t.Fatal("not audited")
	}
}

// TestPaperRoles: only the secretariat registers paper submissions; a
// post without the session's CSRF token is refused.
func TestPaperRoles(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	e.srv.windows = fixedWindows{paperWindows()}
	for _, role := range []staff.Role{staff.Township, staff.Reviewer, staff.Auditor} {
		township := ""
		if role == staff.Township {
			township = "韩寺镇"
		}
		c := e.signIn("paper-"+string(role), role, township)
		if resp, _ := c.get("/staff/paper"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("%s GET: %d", role, resp.StatusCode)
		}
		if resp, _ := c.postPaper(paperObjection("2026-11-25"), []paperUpload{{"letter", "x.pdf", paperPDF}}); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("%s POST: %d", role, resp.StatusCode)
		}
	}
	clerk := e.signIn("paperclerk", staff.Secretariat, "")
	clerk.get("/staff/paper")
	f := paperObjection("2026-11-25")
	f["csrf"] = "x"
	if resp, _ := clerk.postPaper(f, []paperUpload{{"letter", "x.pdf", paperPDF}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("without CSRF: %d", resp.StatusCode)
	}
	if m, in := e.stored(); m != 0 || in != 0 {
		t.Fatalf("%d manifests, %d in flight", m, in)
	}
	if resp, _ := e.client().get("/staff/paper"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("signed out: %d", resp.StatusCode)
	}
}

// TestPaperHostile: what was typed comes back escaped, never as markup; a
// candidate not on the publicity's list, a file name reaching out of its
// folder, a body over the limit and a post without a session are refused
// or made harmless, and a refusal stores nothing.
func TestPaperHostile(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	e.srv.windows = fixedWindows{paperWindows()}
	clerk := e.signIn("paperhostile", staff.Secretariat, "")
	clerk.get("/staff/paper")
	f := paperObjection("2026-11-25")
	f["name"] = `"><script>alert(1)</script>`
	f["statement"] = `</textarea><img src=x onerror=alert(1)>该企业2025年有产品抽检不合格的记录。`
	resp, body := clerk.postPaper(f, nil)
	if resp.StatusCode != http.StatusUnprocessableEntity || strings.Contains(body, "<script>alert(1)") || strings.Contains(body, "<img src=x") ||
		!strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(body, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Fatalf("hostile values: %d\n%s", resp.StatusCode, body)
	}
	f = paperObjection("2026-11-25")
	f["target"] = "2026-candidates/c9"
	if resp, body := clerk.postPaper(f, []paperUpload{{"letter", "x.pdf", paperPDF}}); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "没有登记任何内容") || !strings.Contains(body, `value="刘桂兰"`) {
		t.Fatalf("a candidate not on the list: %d\n%s", resp.StatusCode, body)
	}
	if m, in := e.stored(); m != 0 || in != 0 {
		t.Fatalf("refused, yet %d manifests, %d in flight", m, in)
	}
	if resp, _ := e.client().postPaper(paperObjection("2026-11-25"), []paperUpload{{"letter", "x.pdf", paperPDF}}); resp.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(resp.Header.Get("Location"), "/staff/login") {
		t.Fatalf("signed out POST: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// A body over the limit: refused as a whole, in words for the clerk.
	limits := e.srv.limits
	e.srv.limits.ApplicationMaxRequestBytes = 4 << 10
	e.srv.routes()
	resp, body = clerk.postPaper(paperObjection("2026-11-25"), []paperUpload{{"letter", "x.pdf", bytes.Repeat([]byte("x"), 8<<10)}})
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "代录纸质来件") || strings.Contains(body, "推荐意见每份不超过 50 MB），") {
		t.Fatalf("over the limit: %d\n%s", resp.StatusCode, body)
	}
	e.srv.limits = limits
	e.srv.routes()
	if m, in := e.stored(); m != 0 || in != 0 {
		t.Fatalf("refused, yet %d manifests, %d in flight", m, in)
	}
	resp, body = clerk.postPaper(paperObjection("2026-11-25"), []paperUpload{{"letter", `..\..\etc/<passwd>.pdf`, paperPDF}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("register: %d\n%s", resp.StatusCode, body)
	}
	m, err := e.arch.Find(context.Background(), strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/staff/cases/"), "?done=paper"))
	if err != nil {
		t.Fatal(err)
	}
	if name := m.Files[0].Name; strings.ContainsAny(name, `/\<>`) || strings.Contains(name, "..") {
		t.Fatalf("stored file name %q", name)
	}
}

func jsonOf(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
