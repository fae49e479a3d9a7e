package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// batch is what changed in one burst of file events.
type batch struct {
	content []string // content files (slash paths relative to the content folder)
	theme   bool     // anything in the theme
	config  bool     // site.yaml or holidays.yaml
}

// watcher turns file-system events under the content and theme folders and
// on the configuration files into batches: events are gathered until the
// files have been quiet for a moment (3 ms: an editor's atomic save, write
// a temporary file and rename it over, comes in one burst well inside it),
// so that such a save or a git checkout of many files gives one rebuild. A
// burst that outlasts the pause only costs another rebuild: each builds
// the files as they are then.
type watcher struct {
	w       *fsnotify.Watcher
	content string
	theme   string
	config  map[string]bool // absolute paths
	quiet   time.Duration   // a batch ends after this long without events
	longest time.Duration   // … or after this long in all
}

func newWatcher(content, theme string, config ...string) (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{w: fw, config: map[string]bool{}, quiet: 3 * time.Millisecond, longest: 250 * time.Millisecond}
	if w.content, err = filepath.Abs(content); err != nil {
		return nil, err
	}
	if w.theme, err = filepath.Abs(theme); err != nil {
		return nil, err
	}
	for _, dir := range []string{w.content, w.theme} {
		if err := w.addTree(dir); err != nil {
			fw.Close()
			return nil, err
		}
	}
	for _, c := range config {
		abs, err := filepath.Abs(c)
		if err != nil {
			return nil, err
		}
		w.config[abs] = true
		if err := fw.Add(filepath.Dir(abs)); err != nil {
			fw.Close()
			return nil, err
		}
	}
	return w, nil
}

// addTree watches dir and every folder below it.
func (w *watcher) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			if p != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return w.w.Add(p)
		}
		return nil
	})
}

func (w *watcher) close() error { return w.w.Close() }

// run sends a batch for every burst of changes until ctx is done.
func (w *watcher) run(ctx context.Context, out chan<- batch, errs chan<- error) {
	var cur *batch
	seen := map[string]bool{}
	var quiet, longest <-chan time.Time
	flush := func() {
		if cur != nil {
			select {
			case out <- *cur:
			case <-ctx.Done():
			}
		}
		cur, seen, quiet, longest = nil, map[string]bool{}, nil, nil
	}
	for {
		select {
		case <-ctx.Done():
			return
		case err, ok := <-w.w.Errors:
			if !ok {
				return
			}
			errs <- err
		case ev, ok := <-w.w.Events:
			if !ok {
				return
			}
			if !w.note(ev, &cur, seen) {
				continue
			}
			quiet = time.After(w.quiet)
			if longest == nil {
				longest = time.After(w.longest)
			}
		case <-quiet:
			flush()
		case <-longest:
			flush()
		}
	}
}

// note adds one event to the batch; it reports whether the event matters.
func (w *watcher) note(ev fsnotify.Event, cur **batch, seen map[string]bool) bool {
	name := ev.Name
	if ev.Op == fsnotify.Chmod || ignoredBase(filepath.Base(name)) {
		return false
	}
	if *cur == nil {
		*cur = &batch{}
	}
	b := *cur
	switch {
	case w.config[name]:
		b.config = true
	case within(name, w.theme):
		b.theme = true
		if ev.Has(fsnotify.Create) {
			if st, err := os.Stat(name); err == nil && st.IsDir() {
				_ = w.addTree(name)
			}
		}
	case within(name, w.content):
		if ev.Has(fsnotify.Create) {
			if st, err := os.Stat(name); err == nil && st.IsDir() {
				_ = w.addTree(name)
				// Files moved in with the folder send no events of their own.
				_ = filepath.WalkDir(name, func(p string, d fs.DirEntry, err error) error {
					if err == nil && !d.IsDir() {
						w.addContent(b, p, seen)
					}
					return nil
				})
			}
		}
		w.addContent(b, name, seen)
	default:
		return false
	}
	return true
}

func (w *watcher) addContent(b *batch, abs string, seen map[string]bool) {
	rel, err := filepath.Rel(w.content, abs)
	if err != nil {
		return
	}
	rel = filepath.ToSlash(rel)
	if !seen[rel] {
		seen[rel] = true
		b.content = append(b.content, rel)
	}
}

func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+string(filepath.Separator))
}

// ignoredBase matches the site package's rule for files that are not part
// of the site: hidden files and editor leftovers.
func ignoredBase(base string) bool {
	return strings.HasPrefix(base, ".") || strings.HasPrefix(base, "#") ||
		strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp") || strings.HasSuffix(base, ".tmp")
}
