package site

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/zhongmou/award/bench/corpus"
)

// TestSessionEqualsCleanBuild is the equivalence property of incremental
// builds: after any sequence of edits — body and front-matter edits, new,
// deleted and renamed pages, tag and weight changes, drafts, list titles,
// template edits, untouched saves, bursts — the session's output equals a
// clean build of the same sources byte for byte, and a failing build (a
// deletion that breaks links, say) fails the same way in both and writes
// nothing.
func TestSessionEqualsCleanBuild(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	steps := 50
	if testing.Short() {
		seeds, steps = seeds[:1], 15
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { runEquivalence(t, seed, steps) })
	}
}

func runEquivalence(t *testing.T, seed uint64, steps int) {
	content := corpusFS(80, int64(seed))
	for name, text := range windowPages {
		content[name] = &fstest.MapFile{Data: []byte(text)}
	}
	theme := defaultTheme(t)
	cfg, err := ParseConfig([]byte("paginate: 4\nfeedLimit: 5\nsummaryLength: 40\n"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, cfg.Location())
	opts := Options{Content: content, Theme: theme, Config: cfg, Calendar: repoCalendar(t), ContentLabel: "content"}
	inc := NewMemOutput()
	so := opts
	so.Output = inc
	sess, err := NewSession(so)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sess.Build(context.Background(), Change{Full: true}, now); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 99))
	partials := 0
	defer func() {
		if partials == 0 && steps >= 15 {
			t.Errorf("no step took the body-only path: the property tested only full renders")
		}
	}()
	for step := 0; step < steps; step++ {
		before := snapshot(inc)
		savedContent, savedTheme := maps.Clone(content), maps.Clone(theme)
		change, what := mutate(rng, content, theme)
		rep, incErr := sess.Build(context.Background(), change, now)
		if incErr == nil && rep.Partial {
			partials++
		}
		clean := NewMemOutput()
		co := opts
		co.Output, co.Now = clean, now
		_, cleanErr := Build(context.Background(), co)
		switch {
		case (incErr == nil) != (cleanErr == nil):
			t.Fatalf("step %d (%s): incremental error %v, clean error %v", step, what, incErr, cleanErr)
		case cleanErr != nil:
			if incErr.Error() != cleanErr.Error() {
				t.Fatalf("step %d (%s): errors differ:\nincremental: %v\nclean: %v", step, what, incErr, cleanErr)
			}
			if after := snapshot(inc); !sameFiles(before, after) {
				t.Fatalf("step %d (%s): a failed incremental build changed the output", step, what)
			}
			// Undo the edit, as the clerk would, and check the session recovers.
			maps.Copy(content, savedContent)
			for k := range content {
				if _, ok := savedContent[k]; !ok {
					delete(content, k)
				}
			}
			maps.Copy(theme, savedTheme)
			if _, err := sess.Build(context.Background(), change, now); err != nil {
				t.Fatalf("step %d (%s): undoing the edit did not fix the build: %v", step, what, err)
			}
			if diff := compareOutputs(inc, clean0(t, opts, now)); diff != "" {
				t.Fatalf("step %d (%s): after the undo, output differs from a clean build: %s", step, what, diff)
			}
			continue
		}
		if diff := compareOutputs(inc, clean); diff != "" {
			t.Fatalf("step %d (%s): incremental output differs from a clean build: %s", step, what, diff)
		}
	}
}

// clean0 builds the sources from scratch.
func clean0(t *testing.T, opts Options, now time.Time) *MemOutput {
	t.Helper()
	out := NewMemOutput()
	opts.Output, opts.Now = out, now
	if _, err := Build(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	return out
}

func snapshot(m *MemOutput) map[string][]byte {
	out := map[string][]byte{}
	for _, n := range m.Names() {
		b, _ := m.File(n)
		out[n] = b
	}
	return out
}

func sameFiles(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for n, x := range a {
		if !bytes.Equal(x, b[n]) {
			return false
		}
	}
	return true
}

func compareOutputs(inc, clean *MemOutput) string {
	a, b := snapshot(inc), snapshot(clean)
	var diffs []string
	for n, x := range b {
		y, ok := a[n]
		switch {
		case !ok:
			diffs = append(diffs, "missing "+n)
		case !bytes.Equal(x, y):
			diffs = append(diffs, "stale "+n)
		}
	}
	for n := range a {
		if _, ok := b[n]; !ok {
			diffs = append(diffs, "extra "+n)
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 5 {
		diffs = append(diffs[:5], fmt.Sprintf("… %d in all", len(diffs)))
	}
	return strings.Join(diffs, ", ")
}

var (
	titleLine = regexp.MustCompile(`(?m)^title: .*$`)
	dateLine  = regexp.MustCompile(`(?m)^date: .*$`)
	// tagLine is an item of a front matter list: in the corpus, whose
	// pages all have tags, the first is the first tag.
	tagLine = regexp.MustCompile(`(?m)^  - .*$`)
	// extraHeading is a heading with an anchor that mutate adds and removes.
	extraHeading = regexp.MustCompile(`\n## 补充\d \{#(extra-\d)\}\n`)
)

// windowPages are a publicity and a call page added to the equivalence
// test's corpus. Their windows open after its now (2026-11-25 10:00), so
// that a window-date edit can make them future pages, whose windows are in
// windows.json although the pages are not on the site.
var windowPages = map[string]string{
	"publicity/window-pub.md": "---\ntitle: 候选组织名单公示\ndate: 2026-11-20T09:00:00\ntype: publicity\nid: pub-eq\n" +
		"start: 2026-12-01\nworkingDays: 5\ncandidates:\n" +
		"  - {id: c01, name: 示例甲公司, creditCode: 91410122MA00J8NW0M, industry: 食品制造业, township: 雁鸣湖镇}\n---\n公示正文。\n",
	"notices/window-call.md": "---\ntitle: 申报通知\ndate: 2026-11-20T09:00:00\ntype: call\nid: call-eq\nsession: 8\nyear: 2026\n" +
		"opens: 2026-12-01T09:00:00\ncloses: 2026-12-31\n---\n通知正文。\n",
}

// windowDates are what a window-date edit sets: published, future before
// the windows open, future at the publicity's start (the latest allowed),
// and after both open (the build fails).
var windowDates = []string{"2026-11-20T09:00:00", "2026-11-28T09:00:00", "2026-12-01T00:00:00", "2026-12-01T09:30:00"}

// replaceFirstTag replaces the first tag of a corpus page by tag, or
// drops it when tag is "".
func replaceFirstTag(page, tag string) string {
	loc := tagLine.FindStringIndex(page)
	if loc == nil {
		return page
	}
	line := ""
	if tag != "" {
		line = "  - " + tag
	}
	return page[:loc[0]] + line + page[loc[1]:]
}

// publishedPage is the first page, in name order, of content whose name
// starts with prefix and that is not a draft; "" if none is.
func publishedPage(content fstest.MapFS, prefix string) string {
	for _, name := range slices.Sorted(maps.Keys(content)) {
		if strings.HasPrefix(name, prefix) && !corpus.IsDraft(content[name].Data) {
			return name
		}
	}
	return ""
}

// mutate applies one random edit and returns the change a watcher would report.
func mutate(rng *rand.Rand, content, theme fstest.MapFS) (Change, string) {
	var pages, lists, windows []string
	for name, f := range content {
		if strings.HasSuffix(name, "_index.md") {
			lists = append(lists, name)
		} else if strings.HasSuffix(name, ".md") {
			pages = append(pages, name)
			if bytes.Contains(f.Data, []byte("\ntype: publicity\n")) || bytes.Contains(f.Data, []byte("\ntype: call\n")) {
				windows = append(windows, name)
			}
		}
	}
	sort.Strings(pages)
	sort.Strings(lists)
	sort.Strings(windows)
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	edit := func(name string, f func(string) string) {
		content[name] = &fstest.MapFile{Data: []byte(f(string(content[name].Data)))}
	}
	var anchored []string // pages with an extraHeading
	for _, name := range pages {
		if extraHeading.Match(content[name].Data) {
			anchored = append(anchored, name)
		}
	}
	n := rng.IntN(124)
	switch {
	case n >= 110 && n < 114: // a heading with an anchor, in the body
		name, k := pick(pages), rng.IntN(3)
		edit(name, func(s string) string { return s + fmt.Sprintf("\n## 补充%d {#extra-%d}\n\n补充内容。\n", k, k) })
		return Change{Content: []string{name}}, "heading " + name
	case n >= 114 && n < 118: // a link to an anchor: one that exists, when any does
		from, to, frag := pick(pages), pick(pages), "extra-9"
		if len(anchored) > 0 {
			to = pick(anchored)
			frag = extraHeading.FindStringSubmatch(string(content[to].Data))[1]
		}
		edit(from, func(s string) string {
			return s + fmt.Sprintf("\n见[补充](/%s/#%s)。\n", strings.TrimSuffix(to, ".md"), frag)
		})
		return Change{Content: []string{from}}, "anchor link " + from + " → " + to + "#" + frag
	case n >= 118 && n < 121: // the anchored headings taken out of a body: links to them break
		list := anchored
		var linked []string // anchored pages some page links to by anchor
		for _, name := range anchored {
			needle := "(/" + strings.TrimSuffix(name, ".md") + "/#extra-"
			for _, f := range content {
				if strings.Contains(string(f.Data), needle) {
					linked = append(linked, name)
					break
				}
			}
		}
		if len(linked) > 0 {
			list = linked
		}
		if len(list) == 0 {
			list = pages
		}
		name := pick(list)
		edit(name, func(s string) string { return extraHeading.ReplaceAllString(s, "\n") })
		return Change{Content: []string{name}}, "headings out " + name
	case n >= 121: // a link to no page, in the body
		name := pick(pages)
		edit(name, func(s string) string { return s + "\n见[旧页面](/notices/nowhere/)。\n" })
		return Change{Content: []string{name}}, "broken link " + name
	case n < 30: // body edit
		name := pick(pages)
		edit(name, func(s string) string { return s + fmt.Sprintf("\n补充说明第%d条。\n", rng.IntN(1000)) })
		return Change{Content: []string{name}}, "body " + name
	case n < 38: // two body edits at once
		a, b := pick(pages), pick(pages)
		edit(a, func(s string) string { return s + "\n又及。\n" })
		edit(b, func(s string) string { return s + "\n再及。\n" })
		return Change{Content: []string{a, b}}, "burst " + a + " " + b
	case n < 46: // title edit
		name := pick(pages)
		edit(name, func(s string) string {
			return titleLine.ReplaceAllString(s, fmt.Sprintf("title: \"修订标题%d\"", rng.IntN(1000)))
		})
		return Change{Content: []string{name}}, "title " + name
	case n < 54: // date edit (reorders lists)
		name := pick(pages)
		edit(name, func(s string) string {
			return dateLine.ReplaceAllString(s, fmt.Sprintf("date: 2025-%02d-%02dT08:00:00", 1+rng.IntN(12), 1+rng.IntN(28)))
		})
		return Change{Content: []string{name}}, "date " + name
	case n >= 57 && n < 60: // a tag changed: to another tag, a new one (a new term page), or one dropped
		name := pick(pages)
		tag := pick([]string{"卓越绩效", "标准化", "新设标签", fmt.Sprintf("新设标签%d", rng.IntN(5)), ""})
		edit(name, func(s string) string { return replaceFirstTag(s, tag) })
		return Change{Content: []string{name}}, "tag " + tag + " " + name
	case n < 60: // weight
		name := pick(pages)
		edit(name, func(s string) string {
			return strings.Replace(s, "---\n", fmt.Sprintf("---\nweight: %d\n", 1+rng.IntN(3)), 1)
		})
		return Change{Content: []string{name}}, "weight " + name
	case n < 68: // new page linking to an existing one
		target := pick(pages)
		name := fmt.Sprintf("%s/new%04d.md", strings.Split(target, "/")[0], rng.IntN(10000))
		content[name] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: 新增页面\ndate: 2026-10-01T09:00:00\ntags: [新增]\n---\n新增内容，见[相关页面](/%s/)。\n", strings.TrimSuffix(target, ".md")))}
		return Change{Content: []string{name}}, "add " + name
	case n < 75: // delete (may break links: then both builds must fail)
		name := pick(pages)
		delete(content, name)
		return Change{Content: []string{name}}, "delete " + name
	case n < 80: // rename
		name := pick(pages)
		to := strings.TrimSuffix(name, ".md") + "-renamed.md"
		content[to] = content[name]
		delete(content, name)
		return Change{Content: []string{name, to}}, "rename " + name
	case n < 85: // draft toggle
		name := pick(pages)
		edit(name, func(s string) string { return strings.Replace(s, "---\n", "---\ndraft: true\n", 1) })
		return Change{Content: []string{name}}, "draft " + name
	case n < 90: // list title
		name := pick(lists)
		edit(name, func(s string) string { return titleLine.ReplaceAllString(s, "title: 栏目新名") })
		return Change{Content: []string{name}}, "list title " + name
	case n < 95: // template edit: a page or list template, or the header or footer partial (every page and the intake's chrome)
		name := pick([]string{"layouts/_default/single.html", "layouts/_default/list.html", "layouts/partials/header.html", "layouts/partials/footer.html"})
		text := string(theme[name].Data)
		mark := fmt.Sprintf("<i hidden>%d</i>", rng.IntN(1000))
		if at := strings.LastIndex(text, "{{ end }}"); at >= 0 && rng.IntN(2) == 0 {
			text = text[:at] + mark + text[at:] // inside a definition: shows
		} else {
			text += mark
		}
		theme[name] = &fstest.MapFile{Data: []byte(text)}
		return Change{Theme: true}, "template " + name
	case n < 100 || len(windows) == 0: // saved without change
		name := pick(pages)
		return Change{Content: []string{name}}, "touch " + name
	default: // a window page's date: published, future, or too late
		name, date := pick(windows), pick(windowDates)
		edit(name, func(s string) string { return dateLine.ReplaceAllString(s, "date: "+date) })
		return Change{Content: []string{name}}, "window date " + date + " " + name
	}
}

// TestSessionBodyEditLinks: a body edit checks the edited page's links,
// and every page's when the edit changed the page's anchors: a link
// elsewhere to a heading the edit took away fails the build, as in a clean
// build.
func TestSessionBodyEditLinks(t *testing.T) {
	content := corpusFS(80, 3)
	cfg, _ := ParseConfig(nil)
	opts := Options{Content: content, Theme: defaultTheme(t), Config: cfg, Calendar: repoCalendar(t)}
	so := opts
	so.Output = NewMemOutput()
	sess, err := NewSession(so)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, cfg.Location())
	var published []string
	for _, name := range slices.Sorted(maps.Keys(content)) {
		if strings.HasPrefix(name, "notices/p") && !corpus.IsDraft(content[name].Data) {
			published = append(published, name)
		}
	}
	from, to := published[0], published[1]
	steps := []struct {
		what, file, add string
		drop            bool
		wantErr         string
	}{
		{what: "a heading with an anchor", file: to, add: "\n## 补充1 {#extra-1}\n\n补充内容。\n"},
		{what: "a link to it", file: from, add: fmt.Sprintf("\n见[补充](/%s/#extra-1)。\n", strings.TrimSuffix(to, ".md"))},
		{what: "the heading taken out", file: to, drop: true, wantErr: "#extra-1"},
		{what: "a link to no page", file: from, add: "\n见[旧页面](/notices/nowhere/)。\n", wantErr: "/notices/nowhere/"},
	}
	if _, err := sess.Build(context.Background(), Change{Full: true}, now); err != nil {
		t.Fatal(err)
	}
	for _, st := range steps {
		saved := content[st.file].Data
		data := string(saved) + st.add
		if st.drop {
			data = extraHeading.ReplaceAllString(string(saved), "\n")
		}
		content[st.file] = &fstest.MapFile{Data: []byte(data)}
		rep, err := sess.Build(context.Background(), Change{Content: []string{st.file}}, now)
		_, cleanErr := Build(context.Background(), func() Options { o := opts; o.Output, o.Now = NewMemOutput(), now; return o }())
		if st.wantErr == "" {
			if err != nil || cleanErr != nil {
				t.Fatalf("%s: session %v, clean %v", st.what, err, cleanErr)
			}
			if !rep.Partial {
				t.Fatalf("%s: not a partial build", st.what)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), st.wantErr) {
			t.Fatalf("%s: session build error %v, want one naming %s (clean: %v, partial %v)", st.what, err, st.wantErr, cleanErr, rep != nil && rep.Partial)
		}
		if cleanErr == nil || cleanErr.Error() != err.Error() {
			t.Fatalf("%s: session error %v, clean error %v", st.what, err, cleanErr)
		}
		content[st.file] = &fstest.MapFile{Data: saved}
		if _, err := sess.Build(context.Background(), Change{Content: []string{st.file}}, now); err != nil {
			t.Fatalf("%s undone: %v", st.what, err)
		}
	}
}

// TestSessionBodyEditRendersLittle checks the fast path: a body edit renders
// the page, the list pages showing it, the home page and the feeds.
func TestSessionBodyEditRendersLittle(t *testing.T) {
	content := corpusFS(200, 5)
	sess, out, _, now, full := builtSession(t, content, os.DirFS("../bench/themes/award"))
	name := "notices/p00010.md"
	if _, ok := content[name]; !ok {
		t.Fatal("the corpus has no " + name + ": pick another page")
	}
	content[name] = &fstest.MapFile{Data: append(bytes.Clone(content[name].Data), "\n新增一句。\n"...)}
	rep, err := sess.Build(context.Background(), Change{Content: []string{name}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Partial || rep.Rendered > 20 || rep.Written < 1 {
		t.Errorf("body edit: partial=%v, rendered %d of %d outputs, wrote %d", rep.Partial, rep.Rendered, full.Rendered, rep.Written)
	}
	page, _ := out.File("notices/p00010/index.html")
	if !bytes.Contains(page, []byte("新增一句。")) {
		t.Error("the edited page was not rewritten")
	}
}

// TestSessionMixedBatchEqualsCleanBuild covers the batch the body-edit fast
// path declines although every file in it is a body edit or unchanged: a
// body edit saved together with an untouched section page and an untouched
// draft (an editor's "save all"). The session compares the page graphs and
// renders what the edit affects, and its output, search index included,
// equals a clean build's.
func TestSessionMixedBatchEqualsCleanBuild(t *testing.T) {
	content := corpusFS(200, 5)
	sess, out, opts, now, full := builtSession(t, content, os.DirFS("../bench/themes/award"))
	var draft string
	for _, n := range slices.Sorted(maps.Keys(content)) {
		if corpus.IsDraft(content[n].Data) {
			draft = n
			break
		}
	}
	name := "notices/p00010.md"
	if _, ok := content[name]; !ok || draft == "" {
		t.Fatal("the corpus has no " + name + " or no draft: pick others")
	}
	content[name] = &fstest.MapFile{Data: append(bytes.Clone(content[name].Data), "\n独一无二的新增语句。\n"...)}
	rep, err := sess.Build(context.Background(), Change{Content: []string{name, "notices/_index.md", draft}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Partial || rep.Rendered >= full.Rendered {
		t.Errorf("mixed batch: partial=%v, rendered %d of %d outputs", rep.Partial, rep.Rendered, full.Rendered)
	}
	if diff := compareOutputs(out, clean0(t, opts, now)); diff != "" {
		t.Errorf("output differs from a clean build: %s", diff)
	}
}

// TestSessionTemplateEditRendersItsPages: an edit to one entry template
// renders the outputs of that template (and the few outputs no template
// makes), not the lists; an edit to a partial, or a template added,
// renders everything. Each time the output equals a clean build's.
func TestSessionTemplateEditRendersItsPages(t *testing.T) {
	content := corpusFS(200, 5)
	theme := treeCopy(t, "../bench/themes/award")
	sess, out, opts, now, full := builtSession(t, content, theme)
	edit := func(name, mark string) *Report {
		t.Helper()
		old := ""
		if f := theme[name]; f != nil {
			old = string(f.Data)
		}
		theme[name] = &fstest.MapFile{Data: []byte(old + mark)}
		rep, err := sess.Build(context.Background(), Change{Theme: true}, now)
		if err != nil {
			t.Fatal(err)
		}
		if diff := compareOutputs(out, clean0(t, opts, now)); diff != "" {
			t.Fatalf("after editing %s, output differs from a clean build: %s", name, diff)
		}
		return rep
	}
	// single.html fills in the base layout: text after its definitions is
	// ignored, so the mark goes inside one.
	single := "layouts/_default/single.html"
	theme[single] = &fstest.MapFile{Data: []byte(strings.Replace(string(theme[single].Data), "</article>", "<i hidden>mark</i></article>", 1))}
	rep, err := sess.Build(context.Background(), Change{Theme: true}, now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := compareOutputs(out, clean0(t, opts, now)); diff != "" {
		t.Fatalf("after editing %s, output differs from a clean build: %s", single, diff)
	}
	if !rep.Partial || rep.Rendered >= full.Rendered || rep.Written < 150 {
		t.Errorf("single.html edited: partial=%v, rendered %d of %d outputs, wrote %d", rep.Partial, rep.Rendered, full.Rendered, rep.Written)
	}
	page, _ := out.File("notices/p00010/index.html")
	list, _ := out.File("notices/index.html")
	if !bytes.Contains(page, []byte("<i hidden>mark</i>")) || bytes.Contains(list, []byte("<i hidden>mark</i>")) {
		t.Error("the edit is missing from a page, or shows on a list")
	}
	for _, name := range []string{"layouts/partials/pageitem.html", "layouts/_default/extra.html"} {
		if rep := edit(name, "<i hidden>edited</i>"); rep.Rendered != full.Rendered {
			t.Errorf("%s: rendered %d of %d outputs, want all", name, rep.Rendered, full.Rendered)
		}
	}
}

// TestSessionTitleEdit: a title edit renders the page and what shows its
// title, the search index included, and equals a clean build; a title
// edit that moves a page among pages of the same date (titles break the
// tie) also equals a clean build, the list in its new order.
func TestSessionTitleEdit(t *testing.T) {
	content := corpusFS(200, 5)
	for _, n := range []string{"tie-a", "tie-b"} {
		content["notices/"+n+".md"] = &fstest.MapFile{Data: []byte("---\ntitle: " + map[string]string{"tie-a": "甲", "tie-b": "乙"}[n] + "\ndate: 2026-11-20T09:00:00\n---\n同一时刻发布的两页之一。\n")}
	}
	sess, out, opts, now, full := builtSession(t, content, os.DirFS("../bench/themes/award"))
	retitle := func(name, title string) *Report {
		t.Helper()
		content[name] = &fstest.MapFile{Data: titleLine.ReplaceAll(content[name].Data, []byte("title: "+title))}
		rep, err := sess.Build(context.Background(), Change{Content: []string{name}}, now)
		if err != nil {
			t.Fatal(err)
		}
		if diff := compareOutputs(out, clean0(t, opts, now)); diff != "" {
			t.Fatalf("after retitling %s, output differs from a clean build: %s", name, diff)
		}
		return rep
	}
	rep := retitle("notices/p00010.md", "\"独一无二的新标题\"")
	if !rep.Partial || rep.Rendered > 40 || rep.Written < 2 {
		t.Errorf("title edit: partial=%v, rendered %d of %d outputs, wrote %d", rep.Partial, rep.Rendered, full.Rendered, rep.Written)
	}
	page, _ := out.File("notices/p00010/index.html")
	if !bytes.Contains(page, []byte("独一无二的新标题")) {
		t.Error("the retitled page does not show its new title")
	}
	order := func(first, second string) {
		t.Helper()
		list := string(snapshot(out)["notices/index.html"])
		if a, b := strings.Index(list, ">"+first+"<"), strings.Index(list, ">"+second+"<"); a < 0 || b < 0 || a > b {
			t.Errorf("the section list does not show %s before %s (at %d and %d)", first, second, a, b)
		}
	}
	order("乙", "甲")                  // U+4E59 < U+7532
	retitle("notices/tie-a.md", "丙") // U+4E19: now before 乙
	order("丙", "乙")
}

// TestSessionListing: the session's listing, edited by the files a change
// names, is the listing a fresh walk makes, in the walk's order: after new
// files (a page in a new folder, a resource whose name a walk visits after
// a folder although it sorts before it as a string), an editor's leftover, a deletion, a folder removed by name
// and a folder added by name.
func TestSessionListing(t *testing.T) {
	content := corpusFS(40, 7)
	cfg, _ := ParseConfig(nil)
	sess, err := NewSession(Options{Content: content, Theme: os.DirFS("../bench/themes/award"), Config: cfg, Output: NewMemOutput()})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, cfg.Location())
	page := func(title string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\ntitle: " + title + "\ndate: 2026-10-01T09:00:00\n---\n正文。\n")}
	}
	steps := []struct {
		what  string
		apply func() []string // the names the change gives
	}{
		{"full", func() []string { return nil }},
		{"new pages", func() []string {
			content["notices/zz-new.md"] = page("新")
			content["notices.txt"] = &fstest.MapFile{Data: []byte("附件")} // a walk visits it after notices/…, before which it sorts as a string
			content["notices-x/a.md"] = page("新栏目")
			return []string{"notices/zz-new.md", "notices.txt", "notices-x/a.md"}
		}},
		{"leftover", func() []string {
			content["notices/.zz-new.md.swp"] = &fstest.MapFile{Data: []byte("x")}
			return []string{"notices/.zz-new.md.swp"}
		}},
		{"deletion", func() []string {
			delete(content, "notices/zz-new.md")
			return []string{"notices/zz-new.md"}
		}},
		{"folder removed", func() []string {
			delete(content, "notices-x/a.md")
			return []string{"notices-x"}
		}},
		{"folder added", func() []string {
			content["added/a.md"] = page("甲")
			content["added/b.md"] = page("乙")
			return []string{"added"}
		}},
	}
	for _, st := range steps {
		names := st.apply()
		change := Change{Content: names, Full: names == nil}
		if _, err := sess.Build(context.Background(), change, now); err != nil {
			t.Fatalf("%s: %v", st.what, err)
		}
		want, err := listContent(content)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(sess.files, want) {
			t.Fatalf("%s: the session lists\n%v\nwant\n%v", st.what, sess.files, want)
		}
	}
}

// builtSession starts a session over content and theme with the default
// configuration (the search index on) and makes its first build. It
// returns the session, its output, its options (for clean0), the build
// time and the first build's report.
func builtSession(t *testing.T, content fs.FS, theme fs.FS) (*Session, *MemOutput, Options, time.Time, *Report) {
	t.Helper()
	cfg, _ := ParseConfig(nil)
	return builtSessionConfig(t, content, theme, cfg)
}

// builtSessionConfig is builtSession with the configuration cfg.
func builtSessionConfig(t *testing.T, content fs.FS, theme fs.FS, cfg Config) (*Session, *MemOutput, Options, time.Time, *Report) {
	t.Helper()
	opts := Options{Content: content, Theme: theme, Config: cfg}
	out := NewMemOutput()
	so := opts
	so.Output = out
	sess, err := NewSession(so)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, cfg.Location())
	full, err := sess.Build(context.Background(), Change{Full: true}, now)
	if err != nil {
		t.Fatal(err)
	}
	return sess, out, opts, now, full
}

// TestSessionSearchReindex: a rebuild that keeps the pages and their order
// carries the search index over, re-indexing the pages whose text changed
// and rendering only the index files that changed; one that moves a page
// builds it anew. Each time the output equals a clean build's.
func TestSessionSearchReindex(t *testing.T) {
	content := corpusFS(200, 5)
	sess, out, opts, now, _ := builtSession(t, content, os.DirFS("../bench/themes/award"))
	name := "notices/p00010.md"
	orig := string(content[name].Data)
	step := func(what, text string) {
		t.Helper()
		content[name] = &fstest.MapFile{Data: []byte(text)}
		if _, err := sess.Build(context.Background(), Change{Content: []string{name}}, now); err != nil {
			t.Fatal(err)
		}
		if diff := compareOutputs(out, clean0(t, opts, now)); diff != "" {
			t.Fatalf("%s: output differs from a clean build: %s", what, diff)
		}
	}
	// A weight and a new first sentence (so a new summary): the full path,
	// the same documents.
	fm, body, _ := strings.Cut(strings.TrimPrefix(orig, "---\n"), "\n---\n")
	step("weight and body", "---\n"+fm+"\nweight: 2\n---\n独一无二的检索用语。"+body)
	touched := sess.last.searchTouched
	if touched == nil {
		t.Fatal("the index was built anew, not carried over")
	}
	search := 0
	for _, j := range sess.last.jobs {
		if j.kind == jobSearch {
			search++
		}
	}
	if len(touched) == 0 || len(touched) >= search/2 {
		t.Errorf("%d of %d index files marked changed", len(touched), search)
	}
	// A new date moves the page among the newest-first documents; a new page
	// and a deleted one renumber those after them. The index is carried over
	// each time.
	step("date", dateLine.ReplaceAllString(orig, "date: 2026-11-24T09:00:00"))
	if sess.last.searchTouched == nil {
		t.Error("date: the index was built anew")
	}
	build := func(what string, names ...string) {
		t.Helper()
		rebuildEqualsClean(t, sess, out, opts, now, what, names...)
		if sess.last.searchTouched == nil {
			t.Errorf("%s: the index was built anew", what)
		}
	}
	content["notices/zz-added.md"] = &fstest.MapFile{Data: []byte("---\ntitle: 新增检索页\ndate: 2026-09-15T09:00:00\n---\n又一句独一无二的检索用语。\n")}
	build("new page", "notices/zz-added.md")
	gone := unlinkedPage(content, "policy/p") // a published page no page links to
	if gone == "" {
		t.Fatal("every policy page is linked to: pick another section")
	}
	delete(content, gone)
	build("deletion", gone)
	// The oldest page comes and goes: only the last document shard changes.
	oldest := "notices/zz-oldest.md"
	content[oldest] = &fstest.MapFile{Data: []byte("---\ntitle: 最早的一页\ndate: 2001-01-01T09:00:00\n---\n早年的检索用语。\n")}
	build("oldest added", oldest)
	delete(content, oldest)
	build("oldest deleted", oldest)
}

// unlinkedPage returns the first published page whose file starts with
// prefix and whose address no content file names, or "".
func unlinkedPage(content fstest.MapFS, prefix string) string {
	for _, n := range slices.Sorted(maps.Keys(content)) {
		if !strings.HasPrefix(n, prefix) || corpus.IsDraft(content[n].Data) {
			continue
		}
		needle, linked := "/"+strings.TrimSuffix(n, ".md")+"/", false
		for _, f := range content {
			linked = linked || strings.Contains(string(f.Data), needle)
		}
		if !linked {
			return n
		}
	}
	return ""
}

// rebuildEqualsClean builds sess after the named content files changed and
// fails t unless its output equals a clean build's.
func rebuildEqualsClean(t *testing.T, sess *Session, out *MemOutput, opts Options, now time.Time, what string, names ...string) {
	t.Helper()
	if _, err := sess.Build(context.Background(), Change{Content: names}, now); err != nil {
		t.Fatal(err)
	}
	if diff := compareOutputs(out, clean0(t, opts, now)); diff != "" {
		t.Fatalf("%s: output differs from a clean build: %s", what, diff)
	}
}

// TestSessionBenchThemeEqualsClean: with the benchmark's theme (what
// livebench and the session benchmarks measure), session builds after tag
// edits (another tag, a new one, none), a date edit and a title edit equal
// clean builds.
func TestSessionBenchThemeEqualsClean(t *testing.T) {
	content := corpusFS(1000, 1)
	sess, out, opts, now, _ := builtSessionConfig(t, content, treeCopy(t, "../bench/themes/award"), benchConfig(t))
	names := []string{publishedPage(content, "notices/p"), publishedPage(content, "policy/p")}
	if slices.Contains(names, "") {
		t.Fatalf("the corpus has no published page in notices/ or policy/: %q", names)
	}
	for i, name := range names {
		for _, tag := range []string{"新标签甲", "卓越绩效", "新标签乙", ""} {
			content[name] = &fstest.MapFile{Data: []byte(replaceFirstTag(string(content[name].Data), tag))}
			rebuildEqualsClean(t, sess, out, opts, now, fmt.Sprintf("tag %q on %s", tag, name), name)
		}
		content[name] = &fstest.MapFile{Data: dateLine.ReplaceAll(content[name].Data, fmt.Appendf(nil, "date: 2025-0%d-11T09:00:00", 1+i))}
		rebuildEqualsClean(t, sess, out, opts, now, "date of "+name, name)
		content[name] = &fstest.MapFile{Data: titleLine.ReplaceAll(content[name].Data, fmt.Appendf(nil, "title: \"新标题%d\"", i))}
		rebuildEqualsClean(t, sess, out, opts, now, "title of "+name, name)
	}
}
