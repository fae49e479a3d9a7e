// Command livebench measures live editing on a generated site: the time from
// a source file's write to the updated HTML on disk, under award serve and,
// in the same run, under hugo server (which writes to disk; with
// --disableFastRender, so that it too rebuilds what changed rather than
// only what a browser shows), for
//
//	(a) a body edit, (b) a title edit (lists change), (c) a new page,
//	(d) a template edit (award only: Hugo's full re-render is the same as (b)),
//	(e) a date edit (the page moves in its lists), (f) a tag edit (the page
//	gets a new tag: a new term page, the tag lists change),
//
// each repeated -edits times, and prints p50 and p95. Run it from the
// repository (make bench). Everything stays on loopback.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/zhongmou/award/bench/corpus"
	"github.com/zhongmou/award/bench/goals"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "livebench:", err)
		os.Exit(1)
	}
}

type bench struct {
	dir, root    string
	pages, edits int
	hugo         string
}

func run(ctx context.Context) error {
	b := &bench{}
	flag.IntVar(&b.pages, "pages", 10000, "generated pages")
	flag.IntVar(&b.edits, "edits", 10, "edits per kind")
	flag.StringVar(&b.hugo, "hugo", "bin/hugo", "hugo binary")
	keep := flag.Bool("keep", false, "keep the temporary folder")
	flag.Parse()
	var err error
	if b.root, err = os.Getwd(); err != nil {
		return err
	}
	if b.dir, err = os.MkdirTemp("", "livebench-"); err != nil {
		return err
	}
	if !*keep {
		defer os.RemoveAll(b.dir)
	}
	fmt.Printf("livebench: %d pages, %d edits per kind; temp %s\n", b.pages, b.edits, b.dir)
	results := map[string]map[string][]time.Duration{}
	for _, tool := range []string{"award", "hugo"} {
		res, err := b.measure(ctx, tool)
		if err != nil {
			return fmt.Errorf("%s: %w", tool, err)
		}
		results[tool] = res
	}
	fmt.Printf("\ntime from a file's write to its updated HTML on disk (p50 / p95):\n")
	for _, kind := range []string{"a body edit", "b title edit", "c new page", "d template edit", "e date edit", "f tag edit"} {
		line := fmt.Sprintf("  (%s)", kind)
		for _, tool := range []string{"award", "hugo"} {
			d := results[tool][kind]
			if len(d) == 0 {
				line += fmt.Sprintf("   %s: —", tool)
				continue
			}
			line += fmt.Sprintf("   %s: %s / %s", tool, pct(d, 0.5), pct(d, 0.95))
		}
		fmt.Println(line)
	}
	if a, h := results["award"]["a body edit"], results["hugo"]["a body edit"]; len(a) > 0 && len(h) > 0 {
		fmt.Printf("  body edit p50: award is %.1f× faster than hugo server\n", float64(pct(h, 0.5))/float64(pct(a, 0.5)))
	}
	// The goals of issue 21, each with hugo server's figure of this run.
	for _, g := range []struct {
		kind, name string
		limit      time.Duration
		goal       string
	}{
		{"a body edit", "body edit p50, write to HTML on disk", 15 * time.Millisecond, "≤ 15 ms"},
		{"b title edit", "title edit p50, write to HTML on disk", 30 * time.Millisecond, "≤ 30 ms"},
		{"c new page", "new page p50, write to HTML on disk", 30 * time.Millisecond, "≤ 30 ms"},
		{"e date edit", "date edit p50, write to HTML on disk", 30 * time.Millisecond, "≤ 30 ms"},
		{"f tag edit", "tag edit p50, write to HTML on disk", 30 * time.Millisecond, "≤ 30 ms"},
		{"d template edit", "template edit p50, write to HTML on disk", 500 * time.Millisecond, "≤ 0.5 s"},
	} {
		a := results["award"][g.kind]
		if len(a) == 0 {
			continue
		}
		peer := "hugo server —"
		if h := results["hugo"][g.kind]; len(h) > 0 {
			peer = "hugo server " + pct(h, 0.5).String()
		} else if h := results["hugo"]["b title edit"]; g.kind == "d template edit" && len(h) > 0 {
			peer = "hugo server " + pct(h, 0.5).String() + " (its full re-render, the title edit)"
		}
		if err := goals.Record(os.Stdout, goals.Result{Bench: "livebench", Name: g.name, Figure: pct(a, 0.5).String(),
			Peer: peer, Goal: g.goal, Met: pct(a, 0.5) <= g.limit}); err != nil {
			return err
		}
	}
	return nil
}

func pct(d []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(p*float64(len(s)-1)+0.5)].Round(100 * time.Microsecond)
}

// measure starts one tool's server on a fresh copy of the corpus and times
// the edits.
func (b *bench) measure(ctx context.Context, tool string) (map[string][]time.Duration, error) {
	site := filepath.Join(b.dir, tool)
	content := filepath.Join(site, "content")
	if err := corpus.WriteDir(content, corpus.Generate(b.pages, 1)); err != nil {
		return nil, err
	}
	theme := filepath.Join(site, "themes", tool)
	if err := os.CopyFS(theme, os.DirFS(filepath.Join(b.root, "bench/themes", tool))); err != nil {
		return nil, err
	}
	out := filepath.Join(site, "public")
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	var cmd *exec.Cmd
	switch tool {
	case "award":
		bin := filepath.Join(b.dir, "award-bin")
		if err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/award").Run(); err != nil {
			return nil, fmt.Errorf("build award: %w", err)
		}
		cmd = exec.CommandContext(ctx, bin, "serve", "-addr", addr, "-staff-addr", "127.0.0.1:0", "-content", content, "-theme", theme, "-out", out,
			"-config", filepath.Join(b.root, "bench/site.yaml"), "-holidays", filepath.Join(b.root, "holidays.yaml"),
			"-intake-config", filepath.Join(site, "none.yaml"))
		cmd.Env = append(os.Environ(), "AWARD_DATA_DIR="+filepath.Join(site, "data"), "AWARD_IDENTITY_KEY_FILE="+filepath.Join(site, "id.key"),
			"AWARD_TOWNSHIPS="+filepath.Join(b.root, "townships.yaml"))
	case "hugo":
		data, err := os.ReadFile(filepath.Join(b.root, "bench/hugo.toml"))
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(site, "hugo.toml"), data, 0o644); err != nil {
			return nil, err
		}
		host, port, _ := net.SplitHostPort(addr)
		// hugo server writes to disk by default (v0.165.0).
		cmd = exec.CommandContext(ctx, b.hugo, "server", "--source", site, "--destination", out,
			"--disableFastRender", "--bind", host, "--port", port, "--baseURL", "http://"+addr+"/", "--appendPort=false",
			"--theme", "hugo", "--themesDir", filepath.Join(site, "themes"), "--noBuildLock", "--cacheDir", filepath.Join(site, "cache"))
	}
	logf, err := os.Create(filepath.Join(site, "server.log"))
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	if err := waitUp("http://"+addr+"/", 120*time.Second); err != nil {
		return nil, fmt.Errorf("%w (see %s)", err, logf.Name())
	}
	time.Sleep(2 * time.Second) // let the watcher settle
	res := map[string][]time.Duration{}
	page := func(i int) string {
		sections := []string{"policy", "notices", "publicity", "winners"}
		return fmt.Sprintf("%s/p%05d.md", sections[i%4], 100+i*37)
	}
	outFor := func(p string) string { return filepath.Join(out, strings.TrimSuffix(p, ".md"), "index.html") }
	// One kind of edit at a time, each after the server has settled.
	var targets []string
	for i := 0; len(targets) < b.edits && i < 10*b.edits; i++ {
		if p := page(i); !corpusDraft(filepath.Join(content, p)) {
			targets = append(targets, p)
		}
	}
	for i, p := range targets {
		mark := fmt.Sprintf("正文标记%d%d", i, time.Now().UnixNano()%1e6)
		d, err := timeEdit(func() error { return appendFile(filepath.Join(content, p), "\n"+mark+"。\n") }, outFor(p), mark)
		if err != nil {
			return nil, fmt.Errorf("body edit: %w", err)
		}
		res["a body edit"] = append(res["a body edit"], d)
	}
	for i, p := range targets {
		mark := fmt.Sprintf("标题标记%d%d", i, time.Now().UnixNano()%1e6)
		d, err := timeEdit(func() error { return replaceTitle(filepath.Join(content, p), mark) }, outFor(p), mark)
		if err != nil {
			return nil, fmt.Errorf("title edit: %w", err)
		}
		res["b title edit"] = append(res["b title edit"], d)
	}
	for i := range targets {
		np := fmt.Sprintf("notices/new%03d.md", i)
		mark := fmt.Sprintf("新页面标记%d", i)
		d, err := timeEdit(func() error {
			return os.WriteFile(filepath.Join(content, np), []byte("---\ntitle: 新页面\ndate: 2026-10-01T09:00:00\n---\n"+mark+"。\n"), 0o644)
		}, outFor(np), mark)
		if err != nil {
			return nil, fmt.Errorf("new page: %w", err)
		}
		res["c new page"] = append(res["c new page"], d)
	}
	for i, p := range targets {
		day := fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%28)
		d, err := timeEdit(func() error { return replaceLine(filepath.Join(content, p), "date: ", "date: "+day+"T09:00:00") }, outFor(p), ">"+day+"</time>")
		if err != nil {
			return nil, fmt.Errorf("date edit: %w", err)
		}
		res["e date edit"] = append(res["e date edit"], d)
	}
	for i, p := range targets {
		mark := fmt.Sprintf("标签标记%d%d", i, time.Now().UnixNano()%1e6)
		d, err := timeEdit(func() error { return replaceLine(filepath.Join(content, p), "  - ", "  - "+mark) }, outFor(p), ">"+mark+"</a>")
		if err != nil {
			return nil, fmt.Errorf("tag edit: %w", err)
		}
		res["f tag edit"] = append(res["f tag edit"], d)
	}
	if tool == "award" {
		for i, p := range targets {
			mark := fmt.Sprintf("template-mark-%d", i)
			tpl := filepath.Join(theme, "layouts/_default/single.html")
			d, err := timeEdit(func() error { return markTemplate(tpl, mark) }, outFor(p), mark)
			if err != nil {
				return nil, fmt.Errorf("template edit: %w", err)
			}
			res["d template edit"] = append(res["d template edit"], d)
		}
	}
	return res, nil
}

// settle is the pause after each measured edit, longer than any rebuild
// here, so that no edit lands while the previous one is still building.
const settle = 2500 * time.Millisecond

// timeEdit makes an edit and waits for want to appear in the output file.
func timeEdit(edit func() error, output, want string) (time.Duration, error) {
	start := time.Now()
	if err := edit(); err != nil {
		return 0, err
	}
	deadline := start.Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(output); err == nil && strings.Contains(string(b), want) {
			d := time.Since(start)
			time.Sleep(settle) // let the server finish before the next edit
			return d, nil
		}
		time.Sleep(500 * time.Microsecond)
	}
	return 0, fmt.Errorf("%s never showed %q", output, want)
}

func appendFile(p, s string) error {
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(s)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func replaceTitle(p, title string) error {
	return replaceLine(p, "title: ", "title: \""+title+"\"")
}

// replaceLine replaces the first line of p that starts with prefix (a
// front matter line: the body's lines come after) by line.
func replaceLine(p, prefix, line string) error {
	b, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) {
			lines[i] = line
			return os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644)
		}
	}
	return fmt.Errorf("%s: no line starting %q", p, prefix)
}

func corpusDraft(p string) bool {
	b, err := os.ReadFile(p)
	return err != nil || corpus.IsDraft(b)
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitUp(url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("server at %s not up within %s", url, limit)
}

// markTemplate puts a visible marker at the end of the template's main block.
func markTemplate(p, mark string) error {
	b, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	s := string(b)
	i := strings.LastIndex(s, "{{ end }}")
	if i < 0 {
		return fmt.Errorf("%s: no {{ end }}", p)
	}
	return os.WriteFile(p, []byte(s[:i]+"<i hidden>"+mark+"</i>"+s[i:]), 0o644)
}
