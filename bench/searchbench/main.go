// Command searchbench measures the site search on the 10,000-page benchmark
// corpus against its peer, Pagefind (from the npm registry, pinned in
// bench/pagefind, with Chinese segmentation), in the same run:
//
//   - index build: award build with the index against the same build
//     without it, one right after the other (the median of the pairs'
//     differences is the index's cost), on disk and in memory, and
//     pagefind over the built site; wall time and peak memory;
//   - index size on disk;
//   - one query in real headless Chromium with an empty cache: the bytes the
//     browser fetches (as a host that compresses text would send them: the
//     files Pagefind already compresses count as they are), for queries that
//     are 2–6 character runs of Chinese text taken from the pages, and how
//     many of those queries find nothing although the text is on a page.
//
// Both are served by a plain file server on loopback without a Content
// Security Policy, since Pagefind needs WebAssembly, which the site's CSP
// forbids. Run it from the repository (make bench).
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode"

	"github.com/chromedp/chromedp"
	"github.com/zhongmou/award/bench/corpus"
	"github.com/zhongmou/award/bench/goals"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "searchbench:", err)
		os.Exit(1)
	}
}

type bench struct {
	dir, award, pagefind, chromium string
	pages, runs, queries           int
	out                            io.Writer
	log                            requestLog
}

// requestLog records the paths the file server is asked for: the bytes of a
// query are counted where they are served, which sees what workers fetch too.
type requestLog struct {
	mu    sync.Mutex
	paths []string
}

func (l *requestLog) add(p string) {
	l.mu.Lock()
	l.paths = append(l.paths, p)
	l.mu.Unlock()
}

func (l *requestLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.paths
	l.paths = nil
	return p
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	b := &bench{out: stdout}
	fl := flag.NewFlagSet("searchbench", flag.ContinueOnError)
	fl.IntVar(&b.pages, "pages", 10000, "generated pages")
	fl.IntVar(&b.runs, "runs", 5, "pairs of builds, without and with the index (medians are reported)")
	fl.IntVar(&b.queries, "queries", 20, "queries in the browser, per engine")
	fl.StringVar(&b.pagefind, "pagefind", "bench/pagefind/node_modules/@pagefind/linux-x64/bin/pagefind_extended", "Pagefind binary (make bench installs it)")
	fl.StringVar(&b.chromium, "chromium", "/usr/bin/chromium", "Chromium binary")
	keep := fl.Bool("keep", false, "keep the temporary folder")
	memConfig := fl.String("membuild", "", "(used by searchbench itself) build -content into memory with this configuration `file`, print the wall time in ns")
	memContent := fl.String("content", "", "(with -membuild) the content `folder`")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *memConfig != "" {
		return memBuildHere(ctx, *memConfig, *memContent, stdout)
	}
	for _, p := range []string{b.pagefind, b.chromium} {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("%w (make bench installs Pagefind with npm ci in bench/pagefind, and Debian's chromium)", err)
		}
	}
	var err error
	if b.dir, err = os.MkdirTemp("", "searchbench-"); err != nil {
		return err
	}
	if !*keep {
		defer os.RemoveAll(b.dir)
	} else {
		fmt.Fprintln(stdout, "working in", b.dir)
	}
	files := corpus.Generate(b.pages, 1)
	if err := corpus.WriteDir(filepath.Join(b.dir, "content"), files); err != nil {
		return err
	}
	conf, err := os.ReadFile("bench/site.yaml")
	if err != nil {
		return err
	}
	for name, on := range map[string]string{"with.yaml": "true", "without.yaml": "false"} {
		c := bytes.Replace(conf, []byte("search: false"), []byte("search: "+on), 1)
		if err := os.WriteFile(filepath.Join(b.dir, name), c, 0o644); err != nil {
			return err
		}
	}
	b.award = filepath.Join(b.dir, "award")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", b.award, "./cmd/award").CombinedOutput(); err != nil {
		return fmt.Errorf("building award: %w\n%s", err, out)
	}

	// Builds: alternate with and without the index, the last one with it;
	// the same pair in this process into memory, for the index's own cost.
	configs := []string{"without.yaml", "with.yaml"}
	disk := map[string][]measure{}
	mem := map[string][]time.Duration{}
	for i := 0; i < b.runs; i++ {
		for _, c := range configs {
			d, err := b.memBuild(ctx, c)
			if err != nil {
				return err
			}
			mem[c] = append(mem[c], d)
		}
		for _, c := range configs {
			m, err := b.build(ctx, c, i)
			if err != nil {
				return err
			}
			disk[c] = append(disk[c], m)
		}
	}
	with, without := disk["with.yaml"], disk["without.yaml"]
	memWith, memWithout := mem["with.yaml"], mem["without.yaml"]
	public := b.public(configs[len(configs)-1], b.runs-1) // the last build's, with the index
	ourSize, ourFiles, err := treeSize(filepath.Join(public, "search"))
	if err != nil {
		return err
	}
	pf, err := timed(ctx, b.pagefind, "--site", public, "--output-subdir", "_pagefind")
	if err != nil {
		return fmt.Errorf("pagefind: %w", err)
	}
	pfSize, pfFiles, err := treeSize(filepath.Join(public, "_pagefind"))
	if err != nil {
		return err
	}
	mw, mwo := medianOf(with), medianOf(without)
	// The index's cost is the median of each pair's difference: a pair's
	// two builds run one after the other, so that a slow spell of the disk
	// (ext4 here varies by a second from build to build) falls on both.
	var diskCosts, memCosts []time.Duration
	for i := range b.runs {
		diskCosts = append(diskCosts, with[i].wall-without[i].wall)
		memCosts = append(memCosts, memWith[i]-memWithout[i])
	}
	diskCost, memCost := medianDur(diskCosts), medianDur(memCosts)
	fmt.Fprintf(stdout, "search index on %d generated pages (%d HTML files), %d pairs of builds without and with it, medians:\n", b.pages, countHTML(public), b.runs)
	fmt.Fprintf(stdout, "  award build with index    %6.2f s  %4d MiB peak\n", mw.wall.Seconds(), mw.rssKiB>>10)
	fmt.Fprintf(stdout, "  award build without index %6.2f s  %4d MiB peak   → index costs %.2f s of the build (median of the pairs' differences: %s)\n",
		mwo.wall.Seconds(), mwo.rssKiB>>10, diskCost.Seconds(), secondsList(diskCosts))
	fmt.Fprintf(stdout, "  in memory (site.Build into site.MemOutput, a process of its own): with index %6.2f s, without %6.2f s → index costs %.2f s (%s)\n",
		medianDur(memWith).Seconds(), medianDur(memWithout).Seconds(), memCost.Seconds(), secondsList(memCosts))
	if err := goals.Record(stdout, goals.Result{
		Bench: "searchbench", Name: fmt.Sprintf("search index cost of a %d-page build, on disk / in memory", b.pages),
		Figure: fmt.Sprintf("%.2f s on disk (%.2f×)", diskCost.Seconds(), diskCost.Seconds()/memCost.Seconds()),
		Peer:   fmt.Sprintf("%.2f s in memory", memCost.Seconds()),
		Goal:   "≤ 1.10× the in-memory cost", Met: float64(diskCost) <= 1.10*float64(memCost),
	}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "  pagefind %s over the built site  %6.2f s  %4d MiB peak (one run)\n", pagefindVersion(b.pagefind), pf.wall.Seconds(), pf.rssKiB>>10)
	fmt.Fprintf(stdout, "  index size: award %.1f MiB in %d files; pagefind %.1f MiB in %d files\n",
		float64(ourSize)/(1<<20), ourFiles, float64(pfSize)/(1<<20), pfFiles)

	qs := pickQueries(files, b.queries)
	ours, theirs, err := b.browse(ctx, public, qs)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "one query, empty cache, %d queries (2–6 Chinese characters from the pages), bytes as a compressing host sends them:\n", len(qs))
	for _, e := range []struct {
		name string
		r    []queryResult
	}{{"award", ours}, {"pagefind", theirs}} {
		var total, data []int
		misses := 0
		for _, r := range e.r {
			total = append(total, r.bytes)
			data = append(data, r.indexBytes)
			if r.found == 0 {
				misses++
			}
		}
		fmt.Fprintf(stdout, "  %-8s median %6.1f KiB (index data %6.1f KiB, the rest script/wasm), max %6.1f KiB; found nothing for %d of %d\n",
			e.name, kib(medianInt(total)), kib(medianInt(data)), kib(slices.Max(total)), misses, len(e.r))
	}
	for i, q := range qs {
		if ours[i].found == 0 || theirs[i].found == 0 {
			fmt.Fprintf(stdout, "  query %q: award %d results, pagefind %d\n", q, ours[i].found, theirs[i].found)
		}
	}
	return nil
}

type measure struct {
	wall   time.Duration
	rssKiB int64
}

// build builds the corpus into a new folder, public-<run>-<config> (award
// writes only changed files, which would make one build's time depend on
// the last), after the file system has written out what the builds before
// left. As in sitebench, no output is deleted before the end: deleting
// thousands of files slows the next build's file creation on ext4 for a
// minute or more (its inode allocator skips the freed inodes one by one),
// which would be measured instead of the index.
func (b *bench) build(ctx context.Context, config string, run int) (measure, error) {
	syscall.Sync()
	return timed(ctx, b.award, "build", "-content", filepath.Join(b.dir, "content"), "-theme", "bench/themes/award",
		"-config", filepath.Join(b.dir, config), "-static", filepath.Join(b.dir, "none"), "-out", b.public(config, run))
}

// public is the output folder of one build.
func (b *bench) public(config string, run int) string {
	return filepath.Join(b.dir, fmt.Sprintf("public-%d-%s", run, strings.TrimSuffix(config, ".yaml")))
}

// timed runs a command and returns its wall time and peak resident memory.
func timed(ctx context.Context, name string, args ...string) (measure, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return measure{}, fmt.Errorf("%s: %w\n%s", filepath.Base(name), err, out.String())
	}
	m := measure{wall: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.rssKiB = ru.Maxrss
	}
	return m, nil
}

func medianOf(ms []measure) measure {
	s := slices.Clone(ms)
	slices.SortFunc(s, func(a, b measure) int { return int(a.wall - b.wall) })
	return s[len(s)/2]
}

func medianDur(v []time.Duration) time.Duration {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// secondsList is durations as "0.52 0.61 …" seconds.
func secondsList(v []time.Duration) string {
	f := make([]string, len(v))
	for i, d := range v {
		f[i] = fmt.Sprintf("%.2f", d.Seconds())
	}
	return strings.Join(f, " ")
}

func medianInt(v []int) int {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

func kib(n int) float64 { return float64(n) / 1024 }

func treeSize(dir string) (size int64, files int, err error) {
	err = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		size += info.Size()
		files++
		return nil
	})
	return size, files, err
}

func countHTML(dir string) int {
	n := 0
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
			n++
		}
		return nil
	})
	return n
}

// pickQueries takes n runs of 2–6 Chinese characters from the bodies of
// random published pages (deterministically).
func pickQueries(files []corpus.File, n int) []string {
	r := rand.New(rand.NewPCG(7, 7))
	var qs []string
	for tries := 0; len(qs) < n && tries < 100*n; tries++ {
		f := files[r.IntN(len(files))]
		if !strings.HasSuffix(f.Path, ".md") || strings.HasSuffix(f.Path, "_index.md") || corpus.IsDraft(f.Data) {
			continue
		}
		var runs [][]rune
		var cur []rune
		for _, c := range string(corpus.Body(f.Data)) {
			if unicode.Is(unicode.Han, c) {
				cur = append(cur, c)
				continue
			}
			if len(cur) >= 2 {
				runs = append(runs, cur)
			}
			cur = nil
		}
		if len(runs) == 0 {
			continue
		}
		run := runs[r.IntN(len(runs))]
		size := min(2+r.IntN(5), len(run))
		start := r.IntN(len(run) - size + 1)
		if q := string(run[start : start+size]); !slices.Contains(qs, q) {
			qs = append(qs, q)
		}
	}
	return qs
}

type queryResult struct {
	found      int // results the engine reports
	bytes      int // everything fetched for the query, compressed as a host would send it
	indexBytes int // of which the index's data (not its script or wasm)
}

// Harness pages: the smallest page that runs each engine's own script for
// the query in the address.
const (
	ourPage = `<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><link rel="icon" href="data:,"><title>award search</title>
<form data-search-index="/search/"><input name="q"></form><div id="search-results"></div>
<script src="/js/search.js"></script></html>`
	theirPage = `<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><link rel="icon" href="data:,"><title>pagefind search</title>
<script type="module">
const q = new URLSearchParams(location.search).get("q");
const pf = await import("/_pagefind/pagefind.js");
const r = await pf.search(q);
const data = await Promise.all(r.results.slice(0, 20).map(x => x.data()));
window.__done = {count: r.results.length, urls: data.map(d => d.url)};
</script></html>`
)

// browse serves public on loopback and runs every query through both
// engines in headless Chromium, each in a fresh browser context (empty cache).
func (b *bench) browse(ctx context.Context, public string, qs []string) (ours, theirs []queryResult, err error) {
	js, err := os.ReadFile("themes/default/static/js/search.js")
	if err != nil {
		return nil, nil, err
	}
	for name, data := range map[string][]byte{"js/search.js": js, "bench-award.html": []byte(ourPage), "bench-pagefind.html": []byte(theirPage)} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(public, name)), 0o755); err != nil {
			return nil, nil, err
		}
		if err := os.WriteFile(filepath.Join(public, name), data, 0o644); err != nil {
			return nil, nil, err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	files := http.FileServer(http.Dir(public))
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.log.add(r.URL.Path)
		files.ServeHTTP(w, r)
	})}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String() + "/"

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(b.chromium), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(filepath.Join(b.dir, "chromium")), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true))
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(browser); err != nil {
		return nil, nil, err
	}
	for _, q := range qs {
		o, err := b.query(browser, public, base+"bench-award.html?q="+url.QueryEscape(q),
			`(function () { const t = document.getElementById("search-results").innerText;
			   if (t.includes("共找到")) return document.querySelectorAll("#search-results li").length ? +t.match(/共找到 (\d+)/)[1] : 0;
			   if (t.includes("没有找到")) return 0; return -1; })()`)
		if err != nil {
			return nil, nil, fmt.Errorf("award, %q: %w", q, err)
		}
		p, err := b.query(browser, public, base+"bench-pagefind.html?q="+url.QueryEscape(q), `window.__done ? window.__done.count : -1`)
		if err != nil {
			return nil, nil, fmt.Errorf("pagefind, %q: %w", q, err)
		}
		ours, theirs = append(ours, o), append(theirs, p)
	}
	return ours, theirs, nil
}

// query opens page in a new browser context, waits until done (a JS
// expression) gives the result count (≥ 0), and adds up what was served
// meanwhile (the harness page aside).
func (b *bench) query(browser context.Context, public, page, done string) (queryResult, error) {
	tab, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	defer cancel()
	b.log.take()
	tab, cancelTimeout := context.WithTimeout(tab, 60*time.Second)
	defer cancelTimeout()
	if err := chromedp.Do(tab, chromedp.Navigate(page)); err != nil {
		return queryResult{}, err
	}
	var r queryResult
	for {
		n, err := chromedp.Run(tab, chromedp.Evaluate[int](done))
		if err != nil {
			return r, err
		}
		if n >= 0 {
			r.found = n
			break
		}
		if tab.Err() != nil {
			return r, errors.New("no answer in 60 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, name := range b.log.take() {
		if strings.HasPrefix(name, "/bench-") {
			continue // the harness page
		}
		n, err := servedSize(filepath.Join(public, filepath.FromSlash(strings.TrimPrefix(name, "/"))))
		if errors.Is(err, fs.ErrNotExist) {
			continue // a 404 costs a few bytes
		}
		if err != nil {
			return r, err
		}
		r.bytes += n
		if !strings.HasSuffix(name, ".js") && !strings.Contains(name, "wasm") {
			r.indexBytes += n
		}
	}
	return r, nil
}

// servedSize is a file's size as a host that compresses text sends it:
// gzip at the default level, unless the file is compressed already (as
// Pagefind's index files are).
func servedSize(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) || strings.Contains(filepath.Base(path), "wasm") {
		return len(data), nil
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	return min(buf.Len(), len(data)), nil
}

func pagefindVersion(bin string) string {
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return "(version unknown)"
	}
	return strings.TrimSpace(string(out))
}
