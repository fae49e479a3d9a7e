package drafts

import (
	"context"
	"errors"
	"html"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/site"
	"github.com/zhongmou/award/submission"
	"github.com/zhongmou/award/workday"
)

// repoContent is the repository's content tree in memory, with extra files.
func repoContent(t *testing.T, extra map[string][]byte) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS("../../content"), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(os.DirFS("../../content"), p)
		m[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range extra {
		m[name] = &fstest.MapFile{Data: data}
	}
	return m
}

func buildSite(t *testing.T, content fs.FS, drafts bool, day ...int) (*site.MemOutput, error) {
	t.Helper()
	data, err := os.ReadFile("../../site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := site.ParseConfig(data)
	if err != nil {
		t.Fatal(err)
	}
	out := site.NewMemOutput()
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	if len(day) == 3 {
		now = time.Date(day[0], time.Month(day[1]), day[2], 10, 0, 0, 0, now.Location())
	}
	_, err = site.Build(context.Background(), site.Options{
		Content: content, Theme: os.DirFS("../../themes/default"), Config: cfg, Output: out,
		Calendar: calendar(t), Drafts: drafts, Workers: 2,
		Now: now,
	})
	return out, err
}

func testApplications() []Application {
	mk := func(ref, day, stage, name, code, industry, township string) Application {
		at, _ := time.Parse(time.RFC3339, day+"T09:00:00+08:00")
		return Application{Reference: ref, ReceivedAt: at, Stage: stage, Fields: submission.ApplicationFields{
			Call: "call-2026", OrgName: name, CreditCode: code, Industry: industry, Township: township}}
	}
	return []Application{
		mk("K7M2-QX9D", "2026-03-05", submission.StageCandidate, "中牟县生成食品有限公司", "91410122MA00J8NW0M", "食品制造业", "雁鸣湖镇"),
		mk("M3P4-AB7C", "2026-03-06", submission.StageCandidate, "中牟县生成机械有限公司", "91410122MA0E24W21B", "通用设备制造业", "姚家镇"),
		mk("N5R6-CD8E", "2026-03-07", submission.StageNotAwarded, "中牟县生成合作社", "93410122MAKDT1JD35", "农业", "狼城岗镇"),
	}
}

// TestDraftPublicityBuilds: the generated publicity builds with the site's
// own content and theme (as a draft only when drafts are built), its page
// shows the window from start to the computed end and links each candidate
// to the objection form, windows.json carries the references, and the build
// still refuses a list whose candidate ids repeat.
func TestDraftPublicityBuilds(t *testing.T) {
	call := schedule.Call{ID: "call-2026", Title: "关于开展第七届中牟县县长质量奖申报工作的通知", Session: 7, Year: 2026}
	d, err := Publicity(testApplications(), PublicityOptions{Call: call, ID: "pub-2026-generated",
		Start: workday.D(2026, 11, 20), Calendar: calendar(t), Provenance: Provenance{GeneratedBy: "clerk1"}})
	if err != nil {
		t.Fatal(err)
	}
	content := repoContent(t, map[string][]byte{d.Name: d.Data})

	// Not a draft build: the page is left out, and its window is not in the manifest.
	out, err := buildSite(t, content, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := out.File("publicity/pub-2026-generated/index.html"); ok {
		t.Error("a draft publicity was published by a build without drafts")
	}
	if m := manifest(t, out); m.Publicity("pub-2026-generated") != nil {
		t.Error("a draft's window is in windows.json")
	}

	out, err = buildSite(t, content, true)
	if err != nil {
		t.Fatal(err)
	}
	page, ok := out.File("publicity/pub-2026-generated/index.html")
	if !ok {
		t.Fatalf("no page for the generated publicity; outputs: %v", out.Names()[:10])
	}
	text := html.UnescapeString(string(page))
	for _, want := range []string{
		"2026年11月20日至2026年11月26日（5个工作日）",
		"/api/objections/new?candidate=c01&publicity=pub-2026-generated",
		"/api/objections/new?candidate=c02&publicity=pub-2026-generated",
		"对中牟县生成食品有限公司提出异议", "对中牟县生成机械有限公司提出异议",
		"91410122MA00J8NW0M", "91410122MA0E24W21B",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the publicity page lacks %q", want)
		}
	}
	if strings.Contains(text, "中牟县生成合作社") {
		t.Error("an application not at 候选 is on the list")
	}
	p := manifest(t, out).Publicity("pub-2026-generated")
	if p == nil || len(p.Candidates) != 2 || p.Candidates[0].Reference != "K7M2-QX9D" || p.Candidates[1].Reference != "M3P4-AB7C" {
		t.Fatalf("windows.json: %+v", p)
	}
	if p.LastDay != workday.D(2026, 11, 26) || p.WorkingDays != 5 {
		t.Errorf("window %v–%v (%d days)", p.FirstDay, p.LastDay, p.WorkingDays)
	}

	// The same page with a candidate id repeated is refused.
	dup := strings.Replace(string(d.Data), "  - id: c02\n", "  - id: c01\n", 1)
	_, err = buildSite(t, repoContent(t, map[string][]byte{d.Name: []byte(dup)}), true)
	var be *site.BuildError
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "候选组织 id \"c01\" 与第1个重复") {
		t.Fatalf("a repeated candidate id: %v", err)
	}
}

// TestDraftResultAndWinnersBuild: the result notice and the winners' drafts
// build with the site (drafts included), the winners under their session.
func TestDraftResultAndWinnersBuild(t *testing.T) {
	apps := testApplications()
	call := schedule.Call{ID: "call-2026", Session: 7, Year: 2026}
	d, err := Publicity(apps, PublicityOptions{Call: call, Start: workday.D(2026, 11, 20), Calendar: calendar(t)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := buildSite(t, repoContent(t, map[string][]byte{d.Name: d.Data}), true)
	if err != nil {
		t.Fatal(err)
	}
	pub := manifest(t, out).Publicity(PublicityID("call-2026"))
	if pub == nil {
		t.Fatal("no generated publicity in windows.json")
	}
	apps[1].Stage = submission.StageCandidacyRevoked
	res, err := Result(apps, ResultOptions{Publicity: *pub, Provenance: Provenance{Date: workday.D(2026, 11, 27)}})
	if err != nil {
		t.Fatal(err)
	}
	apps[0].Stage = submission.StageAwarded
	wins, err := Winners(apps, WinnersOptions{Call: call, Provenance: Provenance{Date: workday.D(2026, 11, 30)}})
	if err != nil {
		t.Fatal(err)
	}
	extra := map[string][]byte{d.Name: d.Data, res.Name: res.Data}
	for _, w := range wins {
		extra[w.Name] = w.Data
	}
	out, err = buildSite(t, repoContent(t, extra), true, 2026, 12, 1)
	if err != nil {
		t.Fatal(err)
	}
	notice, ok := out.File("notices/pub-call-2026-candidates-result/index.html")
	if !ok {
		var names []string
		for _, n := range out.Names() {
			if strings.HasPrefix(n, "notices/") {
				names = append(names, n)
			}
		}
		t.Fatalf("no result notice page; notices: %v", names)
	}
	text := string(notice)
	if !strings.Contains(text, "中牟县生成食品有限公司") || !strings.Contains(text, "取消候选资格的组织（1个）") {
		t.Errorf("result notice:\n%s", text)
	}
	if _, ok := out.File("winners/call-2026-91410122ma00j8nw0m/index.html"); !ok {
		t.Error("no winner page")
	}
	session, _ := out.File("winners/session-7/index.html")
	if !strings.Contains(string(session), "中牟县生成食品有限公司") {
		t.Error("the winner is not on its session's list")
	}
}

func manifest(t *testing.T, out *site.MemOutput) *schedule.Manifest {
	t.Helper()
	data, ok := out.File(schedule.ManifestName)
	if !ok {
		t.Fatal("no windows.json")
	}
	m, err := schedule.DecodeManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
