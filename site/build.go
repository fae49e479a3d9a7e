package site

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"sync"
	"time"

	"github.com/yuin/goldmark"

	"github.com/zhongmou/award/workday"
)

// Options says what to build and where.
type Options struct {
	// Content is the content tree (Markdown pages and their resources).
	Content fs.FS
	// Theme is the theme's root, holding layouts/ and optionally static/.
	Theme fs.FS
	// Static, if set, holds files copied to the output root as they are
	// (over the theme's static files).
	Static fs.FS
	// Config is the site configuration (see ParseConfig).
	Config Config
	// Output receives the built files.
	Output Output
	// Now is the moment the build treats as the present; zero means time.Now().
	Now time.Time
	// FixedClock says Now is a pinned clock (award serve -now, for
	// demonstrations and training): .Site.FixedClock is then true, and the
	// theme's scripts show windows as of Now rather than the reader's clock.
	FixedClock bool
	// Drafts, Future and Expired include pages that are drafts, have a
	// publishDate after Now, or an expiryDate at or before Now.
	Drafts, Future, Expired bool
	// ContentLabel and ThemeLabel prefix file names in problems, so that a
	// message names the file as the person sees it ("content", "themes/default").
	ContentLabel, ThemeLabel string
	// ConfigLabel names the configuration's file in problems and warnings
	// about it; "" means "site.yaml".
	ConfigLabel string
	// Calendar is the working-day calendar that publicity windows are
	// counted on; required when the content has publicity pages.
	Calendar *workday.Calendar
	// Workers bounds parallelism; 0 means GOMAXPROCS.
	Workers int
}

// Report says what a build did.
type Report struct {
	Pages     int // content pages published
	Lists     int // list pages (sections, home, tags), counting each paginated page
	Written   int // files written because their bytes changed
	Unchanged int // files left alone because their bytes were the same
	Removed   []string
	Skipped   []Skipped
	Warnings  []*Problem
	Duration  time.Duration
	// Rendered counts the outputs rendered; a session's body-only edit
	// renders only what shows the edited pages (Partial is then true).
	Rendered int
	Partial  bool
	// WrittenNames lists the files written, for the development server
	// (a stylesheet-only change is swapped in without a reload).
	WrittenNames []string
	// fastPath names the session's fast path that made the build ("body",
	// "title", "graph"); "" for the full path.
	fastPath string
}

// Skipped is a content file left out of the build, and why.
type Skipped struct {
	File   string
	Reason string // "draft", "future" (publishDate after now) or "expired"
}

// Build builds the site. On any problem in the sources it returns a
// *BuildError listing them all, and writes nothing.
func Build(ctx context.Context, o Options) (*Report, error) {
	start := time.Now()
	if o.Now.IsZero() {
		o.Now = start
	}
	if o.Config.loc == nil {
		if err := o.Config.normalize(); err != nil {
			return nil, err
		}
	}
	b := &builder{opts: o, cfg: &o.Config, report: &Report{}, md: NewMarkdown()}
	if err := b.build(ctx); err != nil {
		return nil, err
	}
	b.report.Duration = time.Since(start)
	return b.report, nil
}

// builder carries one build's state.
type builder struct {
	opts   Options
	cfg    *Config
	report *Report
	md     goldmark.Markdown
	probs  problems
	theme  *theme

	pages     []*Page // every published page read from content, all kinds
	pending   []*Page // publicity and call pages left out only as future: their windows go into windows.json
	resources []sourceFile
	site      *Site
	// unpublished holds the pages left out of this build (drafts, future,
	// expired) by their path, so that a link to one names the cause.
	unpublished map[string]*Page

	// In a session:
	sess   *Session
	change Change

	buffers   bufferPool // what pages are rendered into
	writtenMu sync.Mutex // guards report.WrittenNames
	jobs      []job      // every output of the build
	// byName indexes jobs whose first element is byNameFirst (jobIndex).
	byName      map[string]*job
	byNameFirst *job
	search      *searchIndex
	// searchTouched: in a session, the index files that changed since the
	// last build, when its index was carried over (reindex); nil when the
	// index was built anew.
	searchTouched map[string]bool
}

// loadTheme compiles the theme, or in a session reuses it unless it changed.
func (b *builder) loadTheme() error {
	if s := b.sess; s != nil && s.theme != nil && !b.change.Theme && !b.change.Full {
		s.theme.cache.Clear() // partialCached results belong to one build
		b.theme = s.theme
		return nil
	}
	th, err := loadTheme(b.opts.Theme, templateFuncs(b.cfg))
	if err != nil {
		if b.sess != nil {
			b.sess.theme = nil // load it again next time
		}
		var p *Problem
		if errors.As(err, &p) {
			p.File = joinLabel(b.opts.ThemeLabel, p.File)
			return &BuildError{Problems: []*Problem{p}}
		}
		return err
	}
	b.theme = th
	if b.sess != nil {
		th.kept, th.own = newKeptParts(), ownPartials(th)
		b.sess.theme = th
	}
	return nil
}

func (b *builder) contentName(file string) string { return joinLabel(b.opts.ContentLabel, file) }

func joinLabel(label, file string) string {
	if label == "" {
		return file
	}
	return label + "/" + file
}

// removeStale removes the outputs that are none of jobs', and reports them.
func (b *builder) removeStale(jobs []job) error {
	keep := make(map[string]bool, len(jobs))
	for _, j := range jobs {
		keep[j.name] = true
	}
	removed, err := b.opts.Output.RemoveExcept(keep)
	if err != nil {
		return fmt.Errorf("remove stale output: %w", err)
	}
	b.report.Removed = removed
	return nil
}

func (b *builder) build(ctx context.Context) error {
	if err := b.loadTheme(); err != nil {
		return err
	}
	if err := b.load(ctx); err != nil {
		return err
	}
	if err := b.probs.err(); err != nil {
		return err
	}
	b.structure()
	b.checkIdentifiers()
	if err := b.renderBodies(ctx); err != nil {
		return err
	}
	jobs := b.plan()
	jobs = append(jobs, b.attachmentJobs(jobs)...)
	b.jobs = jobs
	b.checkLinks(jobs, b.linkChecked(jobs))
	b.checkGovMark(jobs)
	if err := b.probs.err(); err != nil {
		return err
	}
	b.releaseLinks()
	render := b.selectChanged(jobs) // in a session, what the change affects (affected.go)
	b.report.Rendered = len(render)
	if err := b.write(ctx, render); err != nil {
		return err
	}
	if err := b.probs.err(); err != nil {
		return err
	}
	b.report.Unchanged += len(jobs) - len(render)
	if !b.keepsAllNames(b.jobIndex(jobs)) {
		if err := b.removeStale(jobs); err != nil {
			return err
		}
	}
	sort.Slice(b.report.Skipped, func(i, j int) bool { return b.report.Skipped[i].File < b.report.Skipped[j].File })
	return nil
}
