package site

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestCallTemplates: the real call notice links the 申报表 and 承诺书
// templates (DOCX and PDF) that lie beside it in content/notices/, and the
// build publishes each in the notice's own folder, byte for byte.
func TestCallTemplates(t *testing.T) {
	_, out := buildRepo(t, repoConfig(t), os.DirFS("../themes/default"))
	page, _ := out.File("notices/2026-call/index.html")
	for _, name := range []string{"申报表模板.docx", "申报表模板.pdf", "承诺书模板.docx", "承诺书模板.pdf"} {
		src, err := os.ReadFile("../content/notices/" + name)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := out.File("notices/2026-call/" + name)
		if !ok || !bytes.Equal(got, src) {
			t.Errorf("notices/2026-call/%s not published as content/notices/%s (present: %v)", name, name, ok)
		}
		if !bytes.Contains(page, []byte(`href="`+pathEscape(name)+`"`)) {
			t.Errorf("the call notice does not link %s", name)
		}
	}
	for _, want := range []string{"网上申报", "纸质报送", "仍在纸面上完成"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the call notice does not say %q", want)
		}
	}
}

// pathEscape is how the Markdown renderer escapes a link's non-ASCII.
func pathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c < 0x80 {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + strings.ToUpper(string("0123456789abcdef"[c>>4])+string("0123456789abcdef"[c&15])))
	}
	return b.String()
}

// TestSessionAttachment: in the development server, a body edit that
// links a file lying beside the page publishes the file at the link's
// address at once (the partial rebuild plans it too).
func TestSessionAttachment(t *testing.T) {
	content := fstest.MapFS{
		"notices/a.md":   {Data: []byte("---\ntitle: 甲\ndate: 2026-01-01\n---\n甲。\n")},
		"notices/表.docx": {Data: []byte("PK form")},
	}
	cfg, err := ParseConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	theme := fstest.MapFS{"layouts/_default/single.html": {Data: []byte("{{ .Page.Content }}")}, "layouts/_default/list.html": {Data: []byte("list")}}
	out := NewMemOutput()
	sess, err := NewSession(Options{Content: content, Theme: theme, Config: cfg, Output: out, ContentLabel: "content"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, cfg.Location())
	if _, err := sess.Build(context.Background(), Change{Full: true}, now); err != nil {
		t.Fatal(err)
	}
	if _, ok := out.File("notices/a/表.docx"); ok {
		t.Fatal("an attachment nobody links is published in the page's folder")
	}
	content["notices/a.md"] = &fstest.MapFile{Data: []byte("---\ntitle: 甲\ndate: 2026-01-01\n---\n甲，见[申报表](表.docx)。\n")}
	rep, err := sess.Build(context.Background(), Change{Content: []string{"notices/a.md"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Partial {
		t.Error("the body edit was not a partial rebuild; this test means to cover that path")
	}
	if got, ok := out.File("notices/a/表.docx"); !ok || string(got) != "PK form" {
		t.Errorf("after the edit notices/a/表.docx = %q (present %v), want the file beside the page", got, ok)
	}
}
