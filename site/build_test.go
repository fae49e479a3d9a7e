package site

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want/ sections of testdata/*.txtar from the current output")

// TestBuildGolden runs every testdata/*.txtar case. A case holds its inputs
// and expectations as files:
//
//	site.yaml             the site configuration (optional)
//	now                   the build's present moment, RFC 3339 (default 2026-11-25T10:00:00+08:00)
//	flags                 any of: drafts future expired
//	content/...           the content tree
//	theme/...             the theme (default: the files of testdata/theme.txtar)
//	static/...            the site's static files
//	want/NAME             output NAME must equal this exactly
//	contains/NAME         every non-empty line must occur in output NAME
//	lacks/NAME            no non-empty line may occur in output NAME
//	absent                every non-empty line names an output that must not exist
//	error                 the build must fail, its message holding every non-empty line
//	report                every non-empty line must occur in the formatted report
func TestBuildGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	theme, err := txtar.ParseFile("testdata/theme.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		if filepath.Base(file) == "theme.txtar" {
			continue
		}
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			runGolden(t, file, theme)
		})
	}
}

func runGolden(t *testing.T, file string, theme *txtar.Archive) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	content, themeFS, static := fstest.MapFS{}, fstest.MapFS{}, fstest.MapFS{}
	var cfgText []byte
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	var o Options
	for _, f := range ar.Files {
		switch {
		case f.Name == "site.yaml":
			cfgText = f.Data
		case f.Name == "now":
			now, err = time.Parse(time.RFC3339, strings.TrimSpace(string(f.Data)))
			if err != nil {
				t.Fatal(err)
			}
		case f.Name == "flags":
			for _, fl := range strings.Fields(string(f.Data)) {
				switch fl {
				case "drafts":
					o.Drafts = true
				case "future":
					o.Future = true
				case "expired":
					o.Expired = true
				default:
					t.Fatalf("unknown flag %q", fl)
				}
			}
		case strings.HasPrefix(f.Name, "content/"):
			content[strings.TrimPrefix(f.Name, "content/")] = &fstest.MapFile{Data: f.Data}
		case strings.HasPrefix(f.Name, "theme/"):
			themeFS[strings.TrimPrefix(f.Name, "theme/")] = &fstest.MapFile{Data: f.Data}
		case strings.HasPrefix(f.Name, "static/"):
			static[strings.TrimPrefix(f.Name, "static/")] = &fstest.MapFile{Data: f.Data}
		}
	}
	if len(themeFS) == 0 {
		for _, f := range theme.Files {
			themeFS[f.Name] = &fstest.MapFile{Data: f.Data}
		}
	}
	cfg, err := ParseConfig(cfgText)
	if err != nil {
		t.Fatal(err)
	}
	out := NewMemOutput()
	o.Content, o.Theme, o.Static, o.Config, o.Output, o.Now = content, themeFS, static, cfg, out, now
	o.ContentLabel, o.ThemeLabel = "content", "theme"
	o.Calendar = repoCalendar(t)
	rep, buildErr := Build(context.Background(), o)

	wantErr := section(ar, "error")
	switch {
	case wantErr != nil && buildErr == nil:
		t.Fatalf("build succeeded; want an error holding:\n%s", wantErr)
	case wantErr != nil:
		var be *BuildError
		if !errors.As(buildErr, &be) {
			t.Errorf("error is %T, want *BuildError: %v", buildErr, buildErr)
		}
		for _, l := range lines(wantErr) {
			if !strings.Contains(buildErr.Error(), l) {
				t.Errorf("error lacks %q; got:\n%v", l, buildErr)
			}
		}
		if names := out.Names(); len(names) > 0 {
			t.Errorf("a failed build wrote %d files, want none: %v", len(names), names)
		}
		return
	case buildErr != nil:
		t.Fatalf("build: %v", buildErr)
	}
	if want := section(ar, "report"); want != nil {
		got := formatReport(rep)
		for _, l := range lines(want) {
			if !strings.Contains(got, l) {
				t.Errorf("report lacks %q; got:\n%s", l, got)
			}
		}
	}
	for _, name := range lines(section(ar, "absent")) {
		if _, ok := out.File(name); ok {
			t.Errorf("output %s exists; want it absent", name)
		}
	}
	changed := false
	for i, f := range ar.Files {
		kind, name, ok := strings.Cut(f.Name, "/")
		if !ok || (kind != "want" && kind != "contains" && kind != "lacks") {
			continue
		}
		got, exists := out.File(name)
		if !exists {
			t.Errorf("output %s missing; have:\n%s", name, strings.Join(out.Names(), "\n"))
			continue
		}
		switch kind {
		case "want":
			if *update && string(got) != string(f.Data) {
				ar.Files[i].Data = got
				changed = true
				continue
			}
			if string(got) != string(f.Data) {
				t.Errorf("output %s differs.\n--- got\n%s\n--- want\n%s", name, got, f.Data)
			}
		case "contains":
			for _, l := range lines(f.Data) {
				if !strings.Contains(string(got), l) {
					t.Errorf("output %s lacks %q; got:\n%s", name, l, got)
				}
			}
		case "lacks":
			for _, l := range lines(f.Data) {
				if strings.Contains(string(got), l) {
					t.Errorf("output %s holds %q; it must not:\n%s", name, l, got)
				}
			}
		}
	}
	if changed {
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("updated %s", file)
	}
}

func section(ar *txtar.Archive, name string) []byte {
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

func lines(b []byte) []string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// formatReport renders a report for "report" expectations.
func formatReport(r *Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "pages: %d\nlists: %d\n", r.Pages, r.Lists)
	var skipped []string
	for _, s := range r.Skipped {
		skipped = append(skipped, "skipped: "+s.File+" "+s.Reason)
	}
	sort.Strings(skipped)
	for _, s := range skipped {
		b.WriteString(s + "\n")
	}
	for _, w := range r.Warnings {
		b.WriteString("warning: " + w.Error() + "\n")
	}
	return b.String()
}
