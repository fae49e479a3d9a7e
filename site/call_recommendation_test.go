package site

import (
	"context"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/zhongmou/award/schedule"
)

// TestCallRecommendation: a call's recommendation: online reaches the
// intake's windows.json and its page says the township recommends
// online; a call without it (upload, the default) says the applicant
// uploads the stamped 推荐意见, and its manifest entry carries no mode.
func TestCallRecommendation(t *testing.T) {
	content := repoContent(t)
	content["notices/online-call.md"] = &fstest.MapFile{Data: []byte("---\ntitle: 网上推荐的申报通知\ndate: 2026-11-20T09:00:00\ntype: call\n" +
		"id: call-online\nsession: 8\nyear: 2026\nopens: 2026-11-20T09:00:00\ncloses: 2026-12-31\nrecommendation: online\n---\n通知正文。\n")}
	cfg := repoConfig(t)
	out := NewMemOutput()
	if _, err := Build(context.Background(), Options{Content: content, Theme: os.DirFS("../themes/default"), Config: cfg, Output: out,
		Now: time.Date(2026, 11, 25, 12, 0, 0, 0, cfg.Location()), ContentLabel: "content", Calendar: repoCalendar(t)}); err != nil {
		t.Fatal(err)
	}
	data, ok := out.File(schedule.ManifestName)
	if !ok {
		t.Fatal("no windows manifest")
	}
	m, err := schedule.DecodeManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	if c := m.Call("call-online"); c == nil || !c.RecommendsOnline() {
		t.Fatalf("call-online in the manifest: %+v", c)
	}
	if c := m.Call("call-2026"); c == nil || c.Recommendation != "" {
		t.Fatalf("call-2026 in the manifest: %+v", c)
	}
	for name, want := range map[string]string{"notices/online-call/index.html": "在网上对申报材料进行初审、推荐", "notices/2026-call/index.html": "申报单位上传所在乡镇人民政府（街道办事处）"} {
		page, ok := out.File(name)
		if !ok {
			t.Fatalf("%s missing", name)
		}
		if !strings.Contains(string(page), `id="recommendation"`) || !strings.Contains(string(page), want) {
			t.Errorf("%s does not say %q", name, want)
		}
	}
}
