// Command sitebench compares a full build of a generated site by award with
// one by Hugo, and reports the Markdown floor both stand on.
//
//	go run ./bench/sitebench [-pages 10000] [-runs 3] [-seed 1] [-award PATH] [-hugo PATH] [-keep]
//
// It generates a corpus of Chinese pages (package bench/corpus) into a
// temporary folder, builds bin/award (unless -award is given), and then, for
// each run, makes a clean full build with each tool into a fresh output
// folder: award through bench/themes/award with bench/site.yaml, Hugo
// through bench/themes/hugo with bench/hugo.toml. For every build it measures
// the child process's wall time, CPU time (user+sys) and peak RSS, and checks
// the output (exit status 0, at least -pages HTML files, one page per
// published content file, the feed, sitemap.xml, robots.txt and 404.html
// present). It prints the medians and the ratios award/Hugo against the
// goals (wall ≤ 0.25, peak RSS ≤ 0.20), then the time goldmark alone takes
// to convert every body, in process.
//
// Run it from the repository. Nothing uses the network; the temporary
// folder (with every build's output, some 120 MB each for 10,000 pages) is
// removed at the end unless -keep is given. The temporary folder is made
// under $TMPDIR (default /tmp), and both builds write there: set TMPDIR to
// compare file systems (Hugo's time depends much more on the file system
// than award's does). On ext4, leave a minute or two after removing many
// files (a previous sitebench's cleanup, say) before measuring: creating
// files right after mass deletion is several times slower there.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/zhongmou/award/bench/corpus"
)

const (
	module      = "github.com/zhongmou/award"
	hugoVersion = "v0.165.0"
	wallGoal    = 0.25 // award wall time / Hugo wall time
	rssGoal     = 0.20 // award peak RSS / Hugo peak RSS
)

type config struct {
	pages, runs     int
	seed            int64
	award, hugo     string
	keep            bool
	timeout         time.Duration
	root            string // repository root
	tmp             string
	content, hugoSD string   // corpus folder, Hugo site folder
	future          bool     // the clock is before the corpus's dates end
	awardArgs       []string // extra arguments award build needs
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sitebench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.IntVar(&c.pages, "pages", 10000, "number of content pages to generate")
	fs.IntVar(&c.runs, "runs", 3, "clean builds per tool")
	fs.Int64Var(&c.seed, "seed", 1, "corpus seed")
	fs.StringVar(&c.award, "award", "", "award binary to measure (default: build bin/award from ./cmd/award)")
	fs.StringVar(&c.hugo, "hugo", "bin/hugo", "Hugo binary (relative paths from the repository root)")
	fs.BoolVar(&c.keep, "keep", false, "keep the temporary folder (corpus, outputs)")
	fs.DurationVar(&c.timeout, "timeout", 10*time.Minute, "limit for each build")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if c.pages < 1 || c.runs < 1 || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "sitebench: -pages and -runs must be at least 1, and no arguments are taken")
		return 2
	}
	if err := c.locate(); err != nil {
		fmt.Fprintln(stderr, "sitebench:", err)
		return 2
	}
	if st, err := os.Stat(c.hugo); err != nil || st.IsDir() {
		fmt.Fprintf(stderr, "sitebench: Hugo not found at %s\n"+
			"Install Hugo %s into the repository's bin/ (from the repository root):\n"+
			"    GOBIN=$(pwd)/bin go install github.com/gohugoio/hugo@%s\n"+
			"or pass -hugo PATH.\n", c.hugo, hugoVersion, hugoVersion)
		return 2
	}
	tmp, err := os.MkdirTemp("", "sitebench-")
	if err != nil {
		fmt.Fprintln(stderr, "sitebench:", err)
		return 1
	}
	c.tmp = tmp
	defer func() {
		if c.keep {
			fmt.Fprintf(stdout, "\nkept %s\n", tmp)
			return
		}
		os.RemoveAll(tmp)
	}()
	if err := c.bench(ctx, stdout); err != nil {
		fmt.Fprintln(stdout, "\nsitebench:", err)
		return 1
	}
	return 0
}

// locate finds the repository root and makes the tool paths absolute.
func (c *config) locate() error {
	dir, err := os.Getwd()
	if err != nil {
		return err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(b), "module "+module+"\n") {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return fmt.Errorf("run sitebench inside the %s repository", module)
		}
		dir = parent
	}
	c.root = dir
	if !filepath.IsAbs(c.hugo) {
		c.hugo = filepath.Join(c.root, c.hugo)
	}
	if c.award != "" {
		if c.award, err = filepath.Abs(c.award); err != nil {
			return err
		}
	}
	return nil
}

func (c *config) path(rel string) string { return filepath.Join(c.root, filepath.FromSlash(rel)) }

func (c *config) bench(ctx context.Context, w io.Writer) error {
	fmt.Fprintf(w, "sitebench: %d pages, seed %d, %d runs; %s/%s, %d CPUs, GOMAXPROCS %d, %s\n",
		c.pages, c.seed, c.runs, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())

	// The corpus.
	start := time.Now()
	files := corpus.Generate(c.pages, c.seed)
	c.content = filepath.Join(c.tmp, "content")
	if err := corpus.WriteDir(c.content, files); err != nil {
		return fmt.Errorf("write corpus: %w", err)
	}
	var total, bodyBytes int64
	drafts := 0
	bodies := make([][]byte, 0, len(files))
	for _, f := range files {
		total += int64(len(f.Data))
		b := corpus.Body(f.Data)
		bodyBytes += int64(len(b))
		bodies = append(bodies, b)
		if corpus.IsDraft(f.Data) {
			drafts++
		}
	}
	published := c.pages - drafts
	fmt.Fprintf(w, "temp:   %s (corpus and outputs)\n", c.tmp)
	fmt.Fprintf(w, "corpus: %d files (%d pages: %d published, %d drafts; %d _index.md), %s, generated in %s\n",
		len(files), c.pages, published, drafts, len(files)-c.pages, fmtMB(total), fmtDur(time.Since(start)))
	if now := time.Now(); now.Before(corpus.Cutoff) {
		c.future = true
		fmt.Fprintf(w, "note: the clock (%s) is before the corpus's last dates; building with -future / --buildFuture\n", now.Format(time.RFC3339))
	}

	// The tools.
	env := childEnv()
	if c.award == "" {
		c.award = c.path("bin/award")
		start := time.Now()
		cmd := exec.CommandContext(ctx, "go", "build", "-o", c.award, "./cmd/award")
		cmd.Dir, cmd.Env = c.root, env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build -o bin/award ./cmd/award: %v\n%s", err, out)
		}
		fmt.Fprintf(w, "award:  %s (go build ./cmd/award, %s)\n", c.award, fmtDur(time.Since(start)))
	} else {
		fmt.Fprintf(w, "award:  %s\n", c.award)
	}
	// award build may want a holiday schedule (-holidays, default
	// holidays.yaml in the working directory): give it the repository's.
	help, _ := exec.CommandContext(ctx, c.award, "build", "-h").CombinedOutput()
	if strings.Contains(string(help), "-holidays") {
		c.awardArgs = append(c.awardArgs, "-holidays", c.path("holidays.yaml"))
	}
	if len(c.awardArgs) > 0 {
		fmt.Fprintf(w, "        award build also gets: %s\n", strings.Join(c.awardArgs, " "))
	}
	ver, err := exec.CommandContext(ctx, c.hugo, "version").Output()
	if err != nil {
		return fmt.Errorf("%s version: %v", c.hugo, err)
	}
	fmt.Fprintf(w, "hugo:   %s (%s)\n", c.hugo, strings.TrimSpace(string(ver)))
	c.hugoSD = filepath.Join(c.tmp, "hugo-site")
	if err := os.MkdirAll(c.hugoSD, 0o755); err != nil {
		return err
	}
	cfg, err := os.ReadFile(c.path("bench/hugo.toml"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(c.hugoSD, "hugo.toml"), cfg, 0o644); err != nil {
		return err
	}

	// The builds, alternating which tool goes first.
	fmt.Fprintf(w, "\nrun  tool   wall      cpu       peak RSS    files  html   pages  output\n")
	var results []runResult
	failed := false
	for r := 1; r <= c.runs; r++ {
		order := []string{"award", "hugo"}
		if r%2 == 0 {
			order = []string{"hugo", "award"}
		}
		for _, tool := range order {
			if err := ctx.Err(); err != nil {
				return err
			}
			res := c.build(ctx, env, tool, r, published)
			results = append(results, res)
			fmt.Fprintf(w, "%-4d %-6s %-9s %-9s %-11s %-6d %-6d %-6d %s\n", r, tool, fmtDur(res.Wall), fmtDur(res.CPU),
				fmtKiB(res.MaxRSS), res.out.Files, res.out.HTML, res.out.Pages, fmtMB(res.out.Bytes))
			if res.err != nil {
				failed = true
				fmt.Fprintf(w, "     FAILED: %v\n", res.err)
				if s := strings.TrimSpace(res.stderr + res.stdout); s != "" {
					fmt.Fprintln(w, tail(s, 40))
				}
			} else if r == 1 && tool == "award" {
				if line, _, _ := strings.Cut(strings.TrimSpace(res.stdout), "\n"); line != "" {
					fmt.Fprintf(w, "     award: %s\n", line)
				}
			}
		}
	}
	summary(w, results)

	// The Markdown floor, in this process.
	fl, err := markdownFloor(ctx, bodies, c.runs)
	if err != nil {
		return fmt.Errorf("markdown floor: %w", err)
	}
	fmt.Fprintf(w, "\nMarkdown floor, in process: convert all %d bodies (front matter stripped, %s), median of %d\n",
		len(bodies), fmtMB(bodyBytes), c.runs)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, f := range fl {
		fmt.Fprintf(tw, "  %s\t%d goroutine%s\t%s\t%.0f pages/s\t%.1f MB/s\n", f.name, f.workers, plural(f.workers),
			fmtDur(f.median), float64(len(bodies))/f.median.Seconds(), float64(bodyBytes)/1e6/f.median.Seconds())
	}
	tw.Flush()
	if aw := medianWall(results, "award"); aw > 0 && len(fl) == 3 {
		fmt.Fprintf(w, "  award median wall / site.NewMarkdown() floor: %.1f×\n", aw.Seconds()/fl[2].median.Seconds())
	}
	if failed {
		return errors.New("some builds failed or wrote unexpected output (see FAILED above)")
	}
	return nil
}

// build makes one clean build with one tool into a fresh folder.
func (c *config) build(ctx context.Context, env []string, tool string, run, published int) runResult {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	res := runResult{tool: tool, run: run}
	flushFS()
	out := filepath.Join(c.tmp, fmt.Sprintf("out-%s-%d", tool, run))
	var feed string
	var err error
	switch tool {
	case "award":
		feed = "atom.xml"
		args := []string{"build", "-content", c.content, "-out", out,
			"-theme", c.path("bench/themes/award"), "-config", c.path("bench/site.yaml")}
		args = append(args, c.awardArgs...)
		if c.future {
			args = append(args, "-future")
		}
		// The temporary folder as working directory: award would copy a
		// static/ folder found there.
		res.usage, res.stdout, res.stderr, err = runChild(ctx, c.tmp, env, c.award, args...)
	case "hugo":
		feed = "index.xml"
		cache := filepath.Join(c.tmp, fmt.Sprintf("hugo-cache-%d", run))
		args := []string{"--quiet", "--noBuildLock", "--source", c.hugoSD, "--contentDir", c.content,
			"--destination", out, "--themesDir", c.path("bench/themes"), "--theme", "hugo", "--cacheDir", cache}
		if c.future {
			args = append(args, "--buildFuture")
		}
		res.usage, res.stdout, res.stderr, err = runChild(ctx, c.tmp, env, c.hugo, args...)
	}
	// Outputs stay until the end: deleting thousands of files slows the
	// creation of the next build's files on ext4 for a minute or more (its
	// inode allocator skips recently deleted inodes one by one).
	if err != nil {
		res.err = fmt.Errorf("%s build: %w", tool, err)
		return res
	}
	res.out, err = scanOutput(out, feed)
	switch {
	case err != nil:
		res.err = fmt.Errorf("scan output: %w", err)
	case res.out.HTML < c.pages:
		res.err = fmt.Errorf("%d HTML files, want at least %d", res.out.HTML, c.pages)
	case res.out.Pages != published:
		res.err = fmt.Errorf("%d content pages written, want %d (one per published page)", res.out.Pages, published)
	case len(res.out.Missing) > 0:
		res.err = fmt.Errorf("missing %s", strings.Join(res.out.Missing, ", "))
	}
	return res
}

// summary prints the medians, the ratios award/Hugo and the goals.
func summary(w io.Writer, results []runResult) {
	type agg struct {
		wall, cpu time.Duration
		rss       int64
		files     int
		html      int
		ok        int
	}
	aggs := map[string]*agg{}
	for _, tool := range []string{"award", "hugo"} {
		a := &agg{rss: -1}
		var walls, cpus []time.Duration
		for _, r := range results {
			if r.tool != tool || r.err != nil {
				continue
			}
			a.ok++
			walls, cpus = append(walls, r.Wall), append(cpus, r.CPU)
			if r.MaxRSS > a.rss {
				a.rss = r.MaxRSS
			}
			a.files, a.html = r.out.Files, r.out.HTML
		}
		a.wall, a.cpu = median(walls), median(cpus)
		aggs[tool] = a
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "tool\tmedian wall\tmedian CPU\tmax peak RSS\tfiles written (html)\tgood runs")
	for _, tool := range []string{"award", "hugo"} {
		a := aggs[tool]
		if a.ok == 0 {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t0\n", tool)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d (%d)\t%d\n", tool, fmtDur(a.wall), fmtDur(a.cpu), fmtKiB(a.rss), a.files, a.html, a.ok)
	}
	tw.Flush()
	a, h := aggs["award"], aggs["hugo"]
	if a.ok == 0 || h.ok == 0 {
		fmt.Fprintln(w, "ratios award/Hugo: n/a (a tool has no good run)")
		return
	}
	wall := a.wall.Seconds() / h.wall.Seconds()
	cpu := a.cpu.Seconds() / h.cpu.Seconds()
	fmt.Fprintf(w, "\nratios award/Hugo:\n")
	fmt.Fprintf(w, "  wall  %.3f  (goal ≤ %.2f: %s)\n", wall, wallGoal, met(wall <= wallGoal))
	fmt.Fprintf(w, "  CPU   %.3f\n", cpu)
	if a.rss > 0 && h.rss > 0 {
		rss := float64(a.rss) / float64(h.rss)
		fmt.Fprintf(w, "  RSS   %.3f  (goal ≤ %.2f: %s)\n", rss, rssGoal, met(rss <= rssGoal))
	} else {
		fmt.Fprintf(w, "  RSS   n/a (peak RSS is not measured on %s)\n", runtime.GOOS)
	}
}

func medianWall(results []runResult, tool string) time.Duration {
	var ds []time.Duration
	for _, r := range results {
		if r.tool == tool && r.err == nil {
			ds = append(ds, r.Wall)
		}
	}
	return median(ds)
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// childEnv is the environment of the builds: this one, with the Go module
// proxy off (go build must not reach the network) and no Hugo settings
// leaking in from the caller's environment.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "GOPROXY" || strings.HasPrefix(k, "HUGO_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GOPROXY=off")
}
