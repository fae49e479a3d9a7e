package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// usage is what one child process cost.
type usage struct {
	Wall   time.Duration
	CPU    time.Duration // user + system
	MaxRSS int64         // peak resident set, KiB; -1 if unknown
}

// runResult is one build by one tool.
type runResult struct {
	tool string
	run  int
	usage
	out    outputStats
	err    error  // the build failed or its output is not sane
	stdout string // the child's output, for messages
	stderr string
}

// runChild runs a command to its end and measures it.
func runChild(ctx context.Context, dir string, env []string, name string, args ...string) (usage, string, string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	u := usage{Wall: time.Since(start), MaxRSS: -1}
	if cmd.ProcessState != nil {
		u.CPU, u.MaxRSS = rusage(cmd.ProcessState)
	}
	return u, stdout.String(), stderr.String(), err
}

// outputStats describes a built site on disk.
type outputStats struct {
	Files int   // every file
	HTML  int   // *.html
	Pages int   // content pages: <section>/pNNNNN/index.html
	Bytes int64 // total size
	// Missing lists expected files that are absent.
	Missing []string
}

var contentPage = regexp.MustCompile(`^(policy|notices|publicity|winners)/p\d+/index\.html$`)

// scanOutput counts an output folder's files and checks that the files every
// build must write exist (feed is the site feed's name).
func scanOutput(dir, feed string) (outputStats, error) {
	var st outputStats
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		st.Files++
		st.Bytes += info.Size()
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if strings.HasSuffix(rel, ".html") {
			st.HTML++
		}
		if contentPage.MatchString(rel) {
			st.Pages++
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	for _, name := range []string{"index.html", "404.html", "sitemap.xml", "robots.txt", feed,
		"notices/index.html", "notices/page/2/index.html", "tags/index.html"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			st.Missing = append(st.Missing, name)
		}
	}
	return st, nil
}

// median returns the median of ds (the mean of the middle two for an even count).
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// tail returns at most the last n lines of s, indented.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("… (%d lines before)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return "    " + strings.Join(lines, "\n    ")
}

func fmtDur(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	default:
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
}

func fmtKiB(k int64) string {
	if k < 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MiB", float64(k)/1024)
}

func fmtMB(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }
