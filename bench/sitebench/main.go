// Command sitebench compares a full build of a generated site by award with
// one by Hugo, and reports the Markdown floor both stand on.
//
//	go run ./bench/sitebench [-pages 10000] [-runs 3] [-seed 1] [-award PATH] [-hugo PATH] [-dirs DIR,DIR] [-keep]
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
// under $TMPDIR (default /tmp), and both builds write there. To compare file
// systems in one run (Hugo's time depends much more on the file system than
// award's does), -dirs lists several parent folders, say
// -dirs /dev/shm,/tmp for tmpfs and the ordinary disk: each gets its own
// corpus, builds, table and goals, in turn. On ext4, leave a minute or two
// after removing many files (a previous sitebench's cleanup, say) before
// measuring: creating files right after mass deletion is several times
// slower there.
//
// Every goal is also recorded through bench/goals, once per place: wall
// time and peak RSS against Hugo's, and award's wall time against the
// Markdown floor (site.NewMarkdown() on GOMAXPROCS goroutines, ≤ 4×).
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
	"github.com/zhongmou/award/bench/goals"
)

const (
	module      = "github.com/zhongmou/award"
	hugoVersion = "v0.165.0"
	wallGoal    = 0.25 // award wall time / Hugo wall time
	rssGoal     = 0.20 // award peak RSS / Hugo peak RSS
	floorGoal   = 4.0  // award wall time / the site.NewMarkdown() floor
)

type config struct {
	pages, runs     int
	seed            int64
	award, hugo     string
	keep            bool
	dirs            []string // parent folders of the places measured; "" is $TMPDIR
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
	dirs := fs.String("dirs", "", "comma-separated `folders` to measure in, in turn, each with its own corpus and outputs (default $TMPDIR)")
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
	c.dirs = []string{""}
	if *dirs != "" {
		c.dirs = nil
		for _, d := range strings.Split(*dirs, ",") {
			if d = strings.TrimSpace(d); d != "" {
				c.dirs = append(c.dirs, d)
			}
		}
	}
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

	// The corpus, in memory; each place gets a copy on disk.
	start := time.Now()
	files := corpus.Generate(c.pages, c.seed)
	generated := time.Since(start)
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
	if now := time.Now(); now.Before(corpus.Cutoff) {
		c.future = true
		fmt.Fprintf(w, "note: the clock (%s) is before the corpus's last dates; building with -future / --buildFuture\n", now.Format(time.RFC3339))
	}

	// The tools.
	env := childEnv()
	if c.award == "" {
		c.award = c.path("bin/award")
		start := time.Now()
		// The caller's environment: on a fresh machine go build may have to
		// download the modules go.sum pins (the proxy is off for the
		// measured builds only).
		cmd := exec.CommandContext(ctx, "go", "build", "-o", c.award, "./cmd/award")
		cmd.Dir = c.root
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
	hugoCfg, err := os.ReadFile(c.path("bench/hugo.toml"))
	if err != nil {
		return err
	}

	// The builds, in each place in turn.
	var places []placeResult
	failed := false
	for _, dir := range c.dirs {
		pr, err := c.benchPlace(ctx, w, env, dir, files, hugoCfg, published, drafts, total, generated)
		if err != nil {
			return err
		}
		failed = failed || pr.failed
		places = append(places, pr)
	}

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
	for _, pr := range places {
		if pr.award.ok > 0 && len(fl) == 3 {
			fmt.Fprintf(w, "  award median wall / site.NewMarkdown() floor: %.1f×%s\n", pr.award.wall.Seconds()/fl[2].median.Seconds(), pr.suffix())
		}
	}

	// The goals, per place.
	fmt.Fprintln(w)
	for _, pr := range places {
		var floor time.Duration
		if len(fl) == 3 {
			floor = fl[2].median
		}
		if err := pr.record(w, floor); err != nil {
			return err
		}
	}
	if failed {
		return errors.New("some builds failed or wrote unexpected output (see FAILED above)")
	}
	return nil
}

// placeResult is what the builds in one place measured.
type placeResult struct {
	dir, fs     string // the parent folder as given ("" for $TMPDIR) and its file system
	award, hugo agg
	failed      bool
}

// suffix names the place after a figure, when places are named.
func (pr placeResult) suffix() string {
	if pr.dir == "" {
		return ""
	}
	return " (" + pr.label() + ")"
}

// label is the place as goal names give it: "tmpfs /dev/shm".
func (pr placeResult) label() string {
	dir := pr.dir
	if dir == "" {
		dir = os.TempDir()
	}
	if pr.fs == "" {
		return dir
	}
	return pr.fs + " " + dir
}

// record prints the place's goals through bench/goals: wall time and peak
// RSS against Hugo's of the same run, and wall time against the floor.
func (pr placeResult) record(w io.Writer, floor time.Duration) error {
	a, h := pr.award, pr.hugo
	where := ", " + pr.label()
	var rs []goals.Result
	if a.ok > 0 && h.ok > 0 {
		wall := a.wall.Seconds() / h.wall.Seconds()
		rs = append(rs, goals.Result{Bench: "sitebench", Name: "full build wall time" + where,
			Figure: fmt.Sprintf("%.3f× Hugo (%s)", wall, fmtDur(a.wall)), Peer: "hugo " + fmtDur(h.wall),
			Goal: fmt.Sprintf("≤ %.2f of Hugo", wallGoal), Met: wall <= wallGoal})
		if a.rss > 0 && h.rss > 0 {
			rss := float64(a.rss) / float64(h.rss)
			rs = append(rs, goals.Result{Bench: "sitebench", Name: "full build peak RSS" + where,
				Figure: fmt.Sprintf("%.3f× Hugo (%s)", rss, fmtKiB(a.rss)), Peer: "hugo " + fmtKiB(h.rss),
				Goal: fmt.Sprintf("≤ %.2f of Hugo", rssGoal), Met: rss <= rssGoal})
		}
	} else {
		rs = append(rs, goals.Result{Bench: "sitebench", Name: "full build wall time" + where,
			Figure: "no good run", Goal: fmt.Sprintf("≤ %.2f of Hugo", wallGoal)})
	}
	if a.ok > 0 && floor > 0 {
		m := a.wall.Seconds() / floor.Seconds()
		rs = append(rs, goals.Result{Bench: "sitebench", Name: "full build wall time / Markdown floor" + where,
			Figure: fmt.Sprintf("%.1f× (%s)", m, fmtDur(a.wall)), Peer: "site.NewMarkdown() floor " + fmtDur(floor),
			Goal: fmt.Sprintf("≤ %.0f× the floor", floorGoal), Met: m <= floorGoal})
	}
	for _, r := range rs {
		if err := goals.Record(w, r); err != nil {
			return err
		}
	}
	return nil
}

// benchPlace writes the corpus under dir (a fresh temporary folder there;
// "" means $TMPDIR), makes the builds there, prints their table and
// summary, and removes the folder unless -keep.
func (c *config) benchPlace(ctx context.Context, w io.Writer, env []string, dir string, files []corpus.File,
	hugoCfg []byte, published, drafts int, total int64, generated time.Duration) (placeResult, error) {
	pr := placeResult{dir: dir}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return pr, err
		}
	}
	tmp, err := os.MkdirTemp(dir, "sitebench-")
	if err != nil {
		return pr, err
	}
	pr.fs = fsType(tmp)
	defer func() {
		if c.keep {
			fmt.Fprintf(w, "\nkept %s\n", tmp)
			return
		}
		os.RemoveAll(tmp)
	}()
	c.tmp = tmp
	if dir != "" {
		fmt.Fprintf(w, "\nplace:  %s\n", pr.label())
	}
	start := time.Now()
	c.content = filepath.Join(c.tmp, "content")
	if err := corpus.WriteDir(c.content, files); err != nil {
		return pr, fmt.Errorf("write corpus: %w", err)
	}
	fmt.Fprintf(w, "temp:   %s (corpus and outputs)\n", c.tmp)
	fmt.Fprintf(w, "corpus: %d files (%d pages: %d published, %d drafts; %d _index.md), %s, generated in %s\n",
		len(files), c.pages, published, drafts, len(files)-c.pages, fmtMB(total), fmtDur(generated+time.Since(start)))
	c.hugoSD = filepath.Join(c.tmp, "hugo-site")
	if err := os.MkdirAll(c.hugoSD, 0o755); err != nil {
		return pr, err
	}
	if err := os.WriteFile(filepath.Join(c.hugoSD, "hugo.toml"), hugoCfg, 0o644); err != nil {
		return pr, err
	}

	// The builds, alternating which tool goes first.
	fmt.Fprintf(w, "\nrun  tool   wall      cpu       peak RSS    files  html   pages  output\n")
	var results []runResult
	for r := 1; r <= c.runs; r++ {
		order := []string{"award", "hugo"}
		if r%2 == 0 {
			order = []string{"hugo", "award"}
		}
		for _, tool := range order {
			if err := ctx.Err(); err != nil {
				return pr, err
			}
			res := c.build(ctx, env, tool, r, published)
			results = append(results, res)
			fmt.Fprintf(w, "%-4d %-6s %-9s %-9s %-11s %-6d %-6d %-6d %s\n", r, tool, fmtDur(res.Wall), fmtDur(res.CPU),
				fmtKiB(res.MaxRSS), res.out.Files, res.out.HTML, res.out.Pages, fmtMB(res.out.Bytes))
			if res.err != nil {
				pr.failed = true
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
	pr.award, pr.hugo = summary(w, results)
	return pr, nil
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

// agg is one tool's figures over its good runs in one place.
type agg struct {
	wall, cpu time.Duration // medians
	rss       int64         // the largest peak RSS, KiB
	files     int
	html      int
	ok        int // good runs
}

// summary prints the medians, the ratios award/Hugo and the goals, and
// returns award's and Hugo's figures.
func summary(w io.Writer, results []runResult) (award, hugo agg) {
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
		return *a, *h
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
	return *a, *h
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

// childEnv is the environment of the measured builds: this one, with the Go
// module proxy off (no build may reach the network, Hugo's module lookups
// included) and no Hugo settings leaking in from the caller's environment.
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
