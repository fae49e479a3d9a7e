package console

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/drafts/contentdir"
	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/site"
	"github.com/zhongmou/award/submission"
)

// draftCall is the call the drafts tests generate from.
var draftCall = schedule.Call{ID: "call-2026", Title: "关于开展第七届中牟县县长质量奖申报工作的通知", Session: 7, Year: 2026,
	Opens: time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC), Closes: time.Date(2026, 4, 30, 9, 30, 0, 0, time.UTC)}

// withDrafts restarts e's console with the windows manifest and, when
// content is not "", the site beside it (the repository's theme and
// configuration, content copied to content).
func (e *env) withDrafts(content string, twoPerson bool) {
	e.t.Helper()
	cfg := DefaultConfig()
	cfg.Publishing.TwoPerson = twoPerson
	d := Deps{Archive: e.arch, Staff: e.dir, Outbox: e.outbox, Now: e.clock.now, Calendar: testCalendar(e.t),
		Windows: fixedWindows{&schedule.Manifest{Calls: []schedule.Call{draftCall}}}}
	if content != "" {
		data, err := os.ReadFile("../site.yaml")
		if err != nil {
			e.t.Fatal(err)
		}
		scfg, err := site.ParseConfig(data)
		if err != nil {
			e.t.Fatal(err)
		}
		d.Site = &DraftSite{Content: content, Theme: os.DirFS("../themes/default"), Config: scfg}
	}
	srv, err := New(cfg, d)
	if err != nil {
		e.t.Fatal(err)
	}
	e.srv = srv
	e.ts = httptest.NewServer(srv)
	e.t.Cleanup(e.ts.Close)
}

// copyContent copies the repository's content/ into a temporary directory.
func copyContent(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "content")
	src := os.DirFS("../content")
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// addCandidate commits an application of call-2026 with its industry and
// moves it to stage (through the flow).
func (e *env) addCandidate(org, credit, industry, township, stage string) *submission.Manifest {
	e.t.Helper()
	ctx := context.Background()
	up, err := e.arch.Begin(ctx, submission.KindApplication)
	if err != nil {
		e.t.Fatal(err)
	}
	f := submission.ApplicationFields{Call: draftCall.ID, CallTitle: draftCall.Title, OrgName: org, CreditCode: credit,
		OrgKind: "企业", Industry: industry, Township: township, Address: "中牟县某路1号"}
	m, _, err := up.Commit(ctx, archive.Commitment{Fields: f.Map(),
		Identity: submission.ApplicantIdentity{LegalRepresentative: "李建国", ContactName: "赵敏", Phone: "13800001111", Email: "zhaomin@example.com"},
		Files:    []submission.File{}})
	if err != nil {
		e.t.Fatal(err)
	}
	e.clock.add(time.Second)
	e.toStage(m.Reference, submission.StageCandidate)
	if stage != submission.StageCandidate {
		if _, err := e.arch.AppendEvent(ctx, submission.Status{Reference: m.Reference, Stage: stage, Operator: "王科员"}, 7); err != nil {
			e.t.Fatal(err)
		}
	}
	return m
}

func generateForm(kind, call, start, action string) url.Values {
	return url.Values{"kind": {kind}, "call": {call}, "start": {start}, "action": {action}}
}

// TestDraftPublicityGeneratePreviewPublish: a clerk generates the
// candidate publicity into content/ (the end of the window shown first),
// cannot generate it over itself, previews it as the site shows it and,
// under the two-person rule, only another clerk publishes it, once, and
// only the page previewed. Each step is audited.
func TestDraftPublicityGeneratePreviewPublish(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	content := copyContent(t)
	e.withDrafts(content, true)
	a := e.addCandidate("中牟县工作台食品有限公司", "91410122MA00J8NW0M", "食品制造业", "韩寺镇", submission.StageCandidate)
	b := e.addCandidate("中牟县工作台机械有限公司", "91410122MA0E24W21B", "通用设备制造业", "官渡镇", submission.StageCandidate)
	e.addCandidate("中牟县工作台物流有限公司", "91410122MAU87AW67U", "道路运输业", "官渡镇", submission.StageNotAwarded)
	clerk := e.signIn("clerk1", staff.Secretariat, "")

	resp, body := clerk.get("/staff/drafts")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "生成公示") || !strings.Contains(body, draftCall.Title) {
		t.Fatalf("drafts page: %d %s", resp.StatusCode, body)
	}
	resp, body = clerk.post("/staff/drafts", generateForm("publicity", "call-2026", "2026-12-07", "end"))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "公示期为2026年12月7日至2026年12月11日，共5个工作日") {
		t.Fatalf("end of the window: %d %s", resp.StatusCode, body)
	}
	file := filepath.Join(content, "publicity", "pub-call-2026-candidates.md")
	if _, err := os.Stat(file); err == nil {
		t.Fatal("计算截止日 wrote a file")
	}
	resp, body = clerk.post("/staff/drafts", generateForm("publicity", "call-2026", "2026-11-30", "generate"))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "早于今天") || !strings.Contains(body, `value="2026-11-30"`) {
		t.Errorf("a start in the past: %d", resp.StatusCode)
	}
	resp, _ = clerk.post("/staff/drafts", generateForm("publicity", "call-2026", "2026-12-07", "generate"))
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "made=publicity%2Fpub-call-2026-candidates.md") {
		t.Fatalf("generate: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	page, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"draft: true", "generatedBy: clerk1", "reference: " + a.Reference, "reference: " + b.Reference, "2026年12月7日至2026年12月11日（5个工作日）"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("draft lacks %q", want)
		}
	}
	for _, never := range []string{"中牟县工作台物流有限公司", "赵敏", "13800001111", "中牟县某路1号"} {
		if strings.Contains(string(page), never) {
			t.Errorf("draft holds %q", never)
		}
	}
	if n := len(e.audits(actionDraftGenerate)); n != 1 {
		t.Errorf("%d generate audit records", n)
	}
	resp, body = clerk.post("/staff/drafts", generateForm("publicity", "call-2026", "2026-12-08", "generate"))
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "已有同名文件") {
		t.Errorf("generating over the draft: %d", resp.StatusCode)
	}
	if again, _ := os.ReadFile(file); !bytes.Equal(again, page) {
		t.Error("the draft was overwritten")
	}

	// Listed, previewed as the site shows it.
	_, body = clerk.get("/staff/drafts")
	listed := body
	if !strings.Contains(body, "content/publicity/pub-call-2026-candidates.md") || !strings.Contains(body, `href="/staff/preview/publicity/pub-call-2026-candidates/"`) ||
		!strings.Contains(body, "须由他人发布") {
		t.Fatalf("drafts list:\n%s", body)
	}
	resp, body = clerk.get("/staff/preview/publicity/pub-call-2026-candidates/")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "2026年12月7日至2026年12月11日") ||
		!strings.Contains(body, "对中牟县工作台食品有限公司提出异议") || !strings.Contains(body, `href="/staff/preview/css/site.css"`) {
		t.Fatalf("preview: %d %s", resp.StatusCode, truncate(body, 2000))
	}
	resp, _ = clerk.get("/staff/preview/css/site.css")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Errorf("preview stylesheet: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if n := len(e.audits(actionDraftPreview)); n != 1 {
		t.Errorf("%d preview audit records, want 1 (the page, not its stylesheet)", n)
	}

	// Publishing: not by the one who generated it; not a page changed since; once.
	sum := contentdir.Sum(page)
	if strings.Contains(listed, `name="sha256"`) {
		t.Errorf("the one who generated the draft is offered to publish it under the two-person rule")
	}
	resp, body = clerk.post("/staff/drafts/publish", url.Values{"name": {"publicity/pub-call-2026-candidates.md"}, "sha256": {sum}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "须由另一位秘书处工作人员审核发布") {
		t.Errorf("publishing one's own draft under the two-person rule: %d", resp.StatusCode)
	}
	other := e.signIn("clerk2", staff.Secretariat, "")
	// Another clerk's list posts the SHA-256 of the page as it was read.
	if _, listed := other.get("/staff/drafts"); !strings.Contains(listed, `name="sha256" value="`+sum+`"`) {
		t.Errorf("the publish form does not carry the page's SHA-256")
	}
	resp, body = other.post("/staff/drafts/publish", url.Values{"name": {"publicity/pub-call-2026-candidates.md"}, "sha256": {strings.Repeat("0", 64)}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "已被修改") {
		t.Errorf("publishing a page other than the one previewed: %d", resp.StatusCode)
	}
	resp, _ = other.post("/staff/drafts/publish", url.Values{"name": {"../site.yaml"}, "sha256": {sum}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("publishing outside the drafts' sections: %d", resp.StatusCode)
	}
	resp, _ = other.post("/staff/drafts/publish", url.Values{"name": {"publicity/pub-call-2026-candidates.md"}, "sha256": {sum}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d", resp.StatusCode)
	}
	published, _ := os.ReadFile(file)
	if strings.Contains(string(published), "draft: true") || !strings.Contains(string(published), "generatedBy: clerk1") ||
		len(published) != len(page)-len("draft: true\n") {
		t.Errorf("published page:\n%s", published)
	}
	recs := e.audits(actionDraftPublish)
	if len(recs) != 1 || recs[0].Operator != "clerk2" {
		t.Errorf("publish audit: %+v", recs)
	}
	resp, _ = other.post("/staff/drafts/publish", url.Values{"name": {"publicity/pub-call-2026-candidates.md"}, "sha256": {sum}})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("publishing twice: %d", resp.StatusCode)
	}
}

// TestDraftRoles: only the secretariat generates, previews and publishes;
// no session sees nothing; a POST without the session's token is refused
// and writes nothing.
func TestDraftRoles(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	content := copyContent(t)
	e.withDrafts(content, false)
	e.addCandidate("中牟县工作台食品有限公司", "91410122MA00J8NW0M", "食品制造业", "韩寺镇", submission.StageCandidate)
	rts := []route{{"GET", "/staff/drafts"}, {"POST", "/staff/drafts"}, {"POST", "/staff/drafts/publish"}, {"GET", "/staff/preview/"}}
	form := generateForm("publicity", "call-2026", "2026-12-07", "generate")
	for _, who := range []struct {
		name     string
		role     staff.Role
		township string
	}{{"town1", staff.Township, "韩寺镇"}, {"rev1", staff.Reviewer, ""}, {"aud1", staff.Auditor, ""}} {
		c := e.signIn(who.name, who.role, who.township)
		c.get("/staff/password")
		for _, rt := range rts {
			resp, body := c.do(rt, form)
			// A GET says why; a POST is refused before its form is read
			// (a stale token answers 403 too).
			if resp.StatusCode != http.StatusForbidden || (rt.method == "GET" && !strings.Contains(body, "没有权限")) || strings.Contains(body, "生成公示") {
				t.Errorf("%s %s %s: %d", who.name, rt.method, rt.path, resp.StatusCode)
			}
		}
	}
	anon := e.client()
	for _, rt := range rts {
		resp, body := anon.do(rt, form)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/staff/login") || strings.Contains(body, "生成公示") {
			t.Errorf("no session %s %s: %d %s", rt.method, rt.path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	clerk := e.signIn("clerk1", staff.Secretariat, "")
	clerk.get("/staff/drafts")
	bad := generateForm("publicity", "call-2026", "2026-12-07", "generate")
	bad.Set("csrf", "not-the-token")
	if resp, _ := clerk.post("/staff/drafts", bad); resp.StatusCode != http.StatusForbidden {
		t.Errorf("no CSRF token: %d", resp.StatusCode)
	}
	if entries, _ := os.ReadDir(filepath.Join(content, "publicity")); len(entries) != 2 {
		t.Errorf("publicity/ holds %d files after refused posts, want the 2 it had", len(entries))
	}
	if n := len(e.audits(actionDraftGenerate)); n != 0 {
		t.Errorf("%d generate records after refusals", n)
	}
	// Forms a clerk can get wrong keep what was chosen and say what to do.
	winners := url.Values{"kind": {"winners"}, "call": {"call-2026"}, "date": {"2026-12-28"}}
	for _, c := range []struct {
		form       url.Values
		want, kept string
	}{
		{generateForm("publicity", "", "2026-12-09", "generate"), "请选择申报通知", `value="2026-12-09"`},
		{generateForm("publicity", "call-2099", "2026-12-09", "generate"), "没有编号为 &#34;call-2099&#34; 的申报通知", `value="2026-12-09"`},
		{generateForm("publicity", "call-2026", "12/07/2026", "generate"), "公示开始日期无法识别", `value="12/07/2026"`},
		{winners, "没有处于“获奖”阶段的申报", `<select id="win-call" name="call" required>
      <option value="call-2026" selected>`},
		{winners, "没有处于“获奖”阶段的申报", `value="2026-12-28"`},
		{url.Values{"kind": {"result"}, "publicity": {"pub-none"}, "date": {"2026-12-28"}}, "没有编号为 &#34;pub-none&#34; 的公示", `value="2026-12-28"`},
	} {
		resp, body := clerk.post("/staff/drafts", c.form)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.want) || !strings.Contains(body, c.kept) {
			t.Errorf("%v: %d, want 422 saying %q and keeping %q", c.form, resp.StatusCode, c.want, c.kept)
		}
	}
	// The publicity form's call is not chosen by a winners form's.
	if _, body := clerk.post("/staff/drafts", winners); strings.Contains(body, `<select id="pub-call" name="call" required>
      <option value="call-2026" selected>`) {
		t.Error("a refused winners form chose the publicity form's call")
	}

	// A publish without the session's token leaves the draft a draft.
	if resp, _ := clerk.post("/staff/drafts", generateForm("publicity", "call-2026", "2026-12-07", "generate")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("generate: %d", resp.StatusCode)
	}
	name := "publicity/pub-call-2026-candidates.md"
	page, err := os.ReadFile(filepath.Join(content, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	if resp, _ := clerk.post("/staff/drafts/publish", url.Values{"csrf": {"not-the-token"}, "name": {name}, "sha256": {contentdir.Sum(page)}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("publish with a forged token: %d", resp.StatusCode)
	}
	if again, _ := os.ReadFile(filepath.Join(content, filepath.FromSlash(name))); !bytes.Equal(again, page) {
		t.Error("a publish with a forged token changed the draft")
	}
	if n := len(e.audits(actionDraftPublish)); n != 0 {
		t.Errorf("%d publish records after a forged token", n)
	}
	// What the page says was made or published is only a draft's name.
	if _, body := clerk.get("/staff/drafts?" + url.Values{"made": {"../site.yaml", name}, "published": {"../../etc/passwd"}}.Encode()); strings.Contains(body, "site.yaml") ||
		strings.Contains(body, "passwd") || !strings.Contains(body, "已生成草稿：content/"+name+"。") {
		t.Errorf("a hostile made= or published= is shown:\n%s", body)
	}
}

// TestDraftDownload: without a content directory the drafts are
// downloaded, the winners' as a ZIP; nothing is listed; audited.
func TestDraftDownload(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	e.withDrafts("", false)
	e.addCandidate("中牟县工作台食品有限公司", "91410122MA00J8NW0M", "食品制造业", "韩寺镇", submission.StageAwarded)
	e.addCandidate("中牟县工作台机械有限公司", "91410122MA0E24W21B", "通用设备制造业", "官渡镇", submission.StageCandidate)
	clerk := e.signIn("clerk1", staff.Secretariat, "")
	_, body := clerk.get("/staff/drafts")
	if !strings.Contains(body, "以 .md 文件下载") || strings.Contains(body, "待审核发布的草稿") {
		t.Errorf("download mode page:\n%s", body)
	}
	resp, body := clerk.post("/staff/drafts", generateForm("publicity", "call-2026", "2026-12-07", "generate"))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/markdown") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "pub-call-2026-candidates.md") ||
		!strings.Contains(body, "name: 中牟县工作台机械有限公司") || strings.Contains(body, "中牟县工作台食品有限公司") {
		t.Fatalf("download: %d %v\n%s", resp.StatusCode, resp.Header, body)
	}
	resp, body = clerk.post("/staff/drafts", url.Values{"kind": {"winners"}, "call": {"call-2026"}, "date": {"2026-12-28"}})
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("winners download: %d %v", resp.StatusCode, resp.Header)
	}
	zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if strings.Contains(string(data), "中牟县工作台机械有限公司") {
			t.Errorf("%s names a candidate that did not win", f.Name)
		}
	}
	if strings.Join(names, " ") != "content/winners/call-2026-91410122ma00j8nw0m.md content/notices/call-2026-winners.md" {
		t.Errorf("zip holds %v", names)
	}
	if n := len(e.audits(actionDraftDownload)); n != 2 {
		t.Errorf("%d download audit records, want 2", n)
	}
	resp, _ = clerk.get("/staff/preview/")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("preview without a content directory: %d", resp.StatusCode)
	}
}
