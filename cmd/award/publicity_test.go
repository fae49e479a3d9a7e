package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
	"github.com/zhongmou/award/workday"
)

// storeApplication commits an application as the intake does
// (commitManifest).
func storeApplication(t *testing.T, store storage.Store, ref, name, code, industry, township string, at time.Time) {
	t.Helper()
	f := submission.ApplicationFields{Call: "call-2026", OrgName: name, CreditCode: code, Industry: industry, Township: township,
		Address: "中牟县某路1号"}
	commitManifest(t, store, &submission.Manifest{Version: submission.Version, Kind: submission.KindApplication, Reference: ref,
		TokenHash: submission.HashToken("tok-" + ref), ReceivedAt: at, Fields: f.Map(), Files: []submission.File{}})
}

func writeWindows(t *testing.T, dir string, m *schedule.Manifest) {
	t.Helper()
	data, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, schedule.ManifestName), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPublicityDraftCommands runs a round's pages from the command line:
// the candidate publicity from the applications at 候选, a refusal to
// overwrite it, the result notice once one candidacy is revoked, and the
// winners' pages and 获奖通报; each audited.
func TestPublicityDraftCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWARD_DATA_DIR", filepath.Join(dir, "data"))
	t.Setenv("AWARD_S3_ENDPOINT", "")
	t.Setenv("AWARD_RECORD_KEY_FILE", "")
	t.Setenv("AWARD_RECORD_KEY", base64.StdEncoding.EncodeToString(ledgertest.Key))
	store, err := storage.NewDirStore(filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	storeApplication(t, store, "K7M2-QX9D", "中牟县命令食品有限公司", "91410122MA00J8NW0M", "食品制造业", "雁鸣湖镇", time.Date(2026, 3, 5, 9, 0, 0, 0, loc))
	storeApplication(t, store, "M3P4-AB7C", "中牟县命令机械有限公司", "91410122MA0E24W21B", "通用设备制造业", "姚家镇", time.Date(2026, 3, 6, 9, 0, 0, 0, loc))
	storeApplication(t, store, "N5R6-CD8E", "中牟县命令合作社", "93410122MAKDT1JD35", "农业", "狼城岗镇", time.Date(2026, 3, 7, 9, 0, 0, 0, loc))
	cfgArgs := []string{"-intake-config", filepath.Join(dir, "none.yaml")}
	toCandidate := []string{"accepted", "recommended", "qualified", "material-review", "site-review", "overall-review", "candidate"}
	for _, ref := range []string{"K7M2-QX9D", "M3P4-AB7C"} {
		for _, s := range toCandidate {
			var out bytes.Buffer
			if err := run(context.Background(), append([]string{"status"}, append(cfgArgs, "-ref", ref, "-stage", s, "-operator", "王科员")...), &out, io.Discard); err != nil {
				t.Fatalf("status %s %s: %v", ref, s, err)
			}
		}
	}
	content, public := filepath.Join(dir, "content"), filepath.Join(dir, "public")
	for _, d := range []string{content, public} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	call := schedule.Call{ID: "call-2026", Title: "关于开展第七届中牟县县长质量奖申报工作的通知", Session: 7, Year: 2026,
		Opens: time.Date(2026, 3, 2, 9, 0, 0, 0, loc), Closes: time.Date(2026, 4, 30, 17, 30, 0, 0, loc)}
	writeWindows(t, public, &schedule.Manifest{Version: schedule.ManifestVersion, TimeZone: "Asia/Shanghai", Calls: []schedule.Call{call}, Publicities: []schedule.Publicity{}})
	common := []string{"-out", content, "-public", public, "-config", "../../site.yaml", "-holidays", "../../holidays.yaml", "-operator", "王科员", "-today", "2026-11-18"}
	draft := func(sub []string, args ...string) (string, error) {
		var out bytes.Buffer
		full := append(append(append(append([]string{}, sub...), cfgArgs...), common...), args...)
		err := run(context.Background(), full, &out, io.Discard)
		return out.String(), err
	}
	pubCmd, resCmd, winCmd := []string{"publicity", "draft"}, []string{"publicity", "result"}, []string{"winners", "draft"}

	for _, c := range []struct {
		sub  []string
		args []string
		want string
	}{
		{pubCmd, nil, "-call"},
		{pubCmd, []string{"-call", "call-2099"}, "（windows.json）中没有编号为 \"call-2099\" 的申报通知"},
		{pubCmd, []string{"-call", "call-2026", "-start", "2026-11-17"}, "早于今天"},
		{pubCmd, []string{"-call", "call-2026", "-start", "2026-13-01"}, "-start"},
		{resCmd, nil, "-publicity"},
		{winCmd, []string{"-call", "call-2026"}, "没有处于“获奖”阶段的申报"},
	} {
		if _, err := draft(c.sub, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: %v, want an error saying %q", c.sub, c.args, err, c.want)
		}
	}

	out, err := draft(pubCmd, "-call", "call-2026", "-start", "2026-11-20")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(content, "publicity", "pub-call-2026-candidates.md")
	if !strings.Contains(out, "已生成草稿 "+filepath.ToSlash(file)) {
		t.Errorf("output: %s", out)
	}
	page, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"draft: true", "generatedBy: 王科员", "  - id: c01\n    reference: K7M2-QX9D\n    name: 中牟县命令食品有限公司",
		"  - id: c02\n    reference: M3P4-AB7C", "2026年11月20日至2026年11月26日（5个工作日）"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the publicity draft lacks %q:\n%s", want, page)
		}
	}
	for _, never := range []string{"中牟县命令合作社", "中牟县某路1号"} {
		if strings.Contains(string(page), never) {
			t.Errorf("the publicity draft holds %q", never)
		}
	}
	// Never over an existing page.
	if _, err := draft(pubCmd, "-call", "call-2026", "-start", "2026-11-23"); err == nil || !strings.Contains(err.Error(), "已有同名文件") {
		t.Errorf("a second draft over the first: %v", err)
	}
	if again, _ := os.ReadFile(file); !bytes.Equal(again, page) {
		t.Error("the first draft was changed")
	}

	// The window as the build would publish it; one candidacy revoked, one awarded.
	p := schedule.Publicity{ID: "pub-call-2026-candidates", Title: "第七届中牟县县长质量奖候选组织名单公示", Session: 7,
		URL: "/publicity/pub-call-2026-candidates/", FirstDay: workday.D(2026, 11, 20), LastDay: workday.D(2026, 11, 26), WorkingDays: 5,
		Opens: time.Date(2026, 11, 20, 0, 0, 0, 0, loc), Closes: time.Date(2026, 11, 27, 0, 0, 0, 0, loc),
		Candidates: []schedule.Candidate{
			{ID: "c01", Reference: "K7M2-QX9D", Name: "中牟县命令食品有限公司", CreditCode: "91410122MA00J8NW0M", Industry: "食品制造业", Township: "雁鸣湖镇"},
			{ID: "c02", Reference: "M3P4-AB7C", Name: "中牟县命令机械有限公司", CreditCode: "91410122MA0E24W21B", Industry: "通用设备制造业", Township: "姚家镇"},
		}}
	writeWindows(t, public, &schedule.Manifest{Version: schedule.ManifestVersion, TimeZone: "Asia/Shanghai", Calls: []schedule.Call{call}, Publicities: []schedule.Publicity{p}})
	for ref, stage := range map[string]string{"K7M2-QX9D": "candidacy-revoked", "M3P4-AB7C": "awarded"} {
		var o bytes.Buffer
		if err := run(context.Background(), append([]string{"status"}, append(cfgArgs, "-ref", ref, "-stage", stage, "-operator", "王科员")...), &o, io.Discard); err != nil {
			t.Fatalf("status %s %s: %v", ref, stage, err)
		}
	}
	if _, err := draft(resCmd, "-publicity", "pub-call-2026-candidates", "-date", "2026-11-26"); err == nil || !strings.Contains(err.Error(), "公示期结束后") {
		t.Errorf("a result notice inside the window: %v", err)
	}
	if _, err := draft(resCmd, "-publicity", "pub-call-2026-candidates", "-date", "2026-11-27"); err != nil {
		t.Fatal(err)
	}
	notice, err := os.ReadFile(filepath.Join(content, "notices", "pub-call-2026-candidates-result.md"))
	if err != nil {
		t.Fatal(err)
	}
	stays, removed, _ := strings.Cut(string(notice), "## 二、取消候选资格的组织（1个）")
	if !strings.Contains(stays, "中牟县命令机械有限公司") || strings.Contains(stays, "中牟县命令食品有限公司") || !strings.Contains(removed, "中牟县命令食品有限公司") {
		t.Errorf("result notice:\n%s", notice)
	}

	if _, err := draft(winCmd, "-call", "call-2026", "-date", "2026-12-28"); err != nil {
		t.Fatal(err)
	}
	winner, err := os.ReadFile(filepath.Join(content, "winners", "call-2026-91410122ma0e24w21b.md"))
	if err != nil || !strings.Contains(string(winner), "type: winner\nsession: 7\nawardYear: 2026") {
		t.Errorf("winner page: %s %v", winner, err)
	}
	if _, err := os.Stat(filepath.Join(content, "notices", "call-2026-winners.md")); err != nil {
		t.Error(err)
	}

	// Each generation is in the audit log.
	infos, err := store.List(context.Background(), "audit/log/")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, in := range infos {
		rc, _, err := store.Get(context.Background(), in.Key)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if bytes.Contains(data, []byte(`"draft-generate"`)) {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d draft-generate audit records, want 3", n)
	}
}
