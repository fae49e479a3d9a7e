// Command pagebench scores the real site's pages with Lighthouse (from the
// npm registry, pinned in bench/lighthouse, run against Debian's chromium):
// the home page, a notice, a publicity list and both forms, on a phone
// (Lighthouse's default: simulated slow 4G and a mid-range CPU) and on a
// desktop. It builds award, serves the repository's site on loopback with
// the clock inside the example publicity, and prints the four category
// scores with the main timings per page, against the goals of issue 7: 100
// accessibility, ≥ 95 performance, best practices and SEO. Run it from the
// repository (make bench).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pagebench:", err)
		os.Exit(1)
	}
}

// pages are the pages scored, as the issue names them; the application
// form is scored while the example call is open (a second server with the
// clock in April 2026), the rest during the example publicity.
var pages = []struct {
	name, path string
	inCall     bool
}{
	{"首页", "", false},
	{"通知", "notices/2026-training/", false},
	{"公示名单", "publicity/2026-candidates/", false},
	{"异议表单", "api/objections/new?publicity=pub-2026-candidates&candidate=c01", false},
	{"申报表单", "api/applications/new?call=call-2026", true},
}

// callClock is a moment inside the example call (2 March – 30 April 2026).
const callClock = "2026-04-01T10:00:00+08:00"

// categories are Lighthouse's four scores, in the order printed.
var categories = []string{"performance", "accessibility", "best-practices", "seo"}

// chromeFlags keep Chromium headless and off the network (this machine's
// network is closed; the site is on loopback).
const chromeFlags = "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run " +
	"--disable-background-networking --disable-component-update --disable-sync --disable-default-apps"

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("pagebench", flag.ContinueOnError)
	lighthouse := fs.String("lighthouse", "bench/lighthouse/node_modules/.bin/lighthouse", "Lighthouse command (make bench installs it)")
	chromium := fs.String("chromium", "/usr/bin/chromium", "Chromium binary")
	now := fs.String("now", "2026-11-25T10:00:00+08:00", "the served site's clock (inside the example publicity and call)")
	keep := fs.Bool("keep", false, "keep the Lighthouse reports in the temporary folder")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, p := range []string{*lighthouse, *chromium} {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("%w (make bench installs Lighthouse with npm ci in bench/lighthouse, and Debian's chromium)", err)
		}
	}
	dir, err := os.MkdirTemp("", "pagebench-")
	if err != nil {
		return err
	}
	if !*keep {
		defer os.RemoveAll(dir)
	}
	bin := filepath.Join(dir, "award")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/award")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building award: %w", err)
	}
	url, stop, err := serve(bin, filepath.Join(dir, "publicity"), *now)
	if err != nil {
		return err
	}
	defer stop()
	callURL, stopCall, err := serve(bin, filepath.Join(dir, "call"), callClock, "-future")
	if err != nil {
		return err
	}
	defer stopCall()

	fmt.Fprintf(stdout, "Lighthouse %s, %s; site served by award on loopback, clock %s (application form: %s)\n",
		version(*lighthouse), chromiumVersion(*chromium), *now, callClock)
	fmt.Fprintf(stdout, "%-8s %-8s %5s %5s %5s %5s %9s %9s %7s %6s %9s\n", "page", "device", "perf", "a11y", "best", "seo", "FCP", "LCP", "TBT", "CLS", "bytes")
	var missed []string
	for _, device := range []string{"mobile", "desktop"} {
		for _, pg := range pages {
			base := url
			if pg.inCall {
				base = callURL
			}
			r, err := score(ctx, *lighthouse, *chromium, base+pg.path, device, filepath.Join(dir, device+"-"+strings.ReplaceAll(pg.name, "/", "")+".json"))
			if err != nil {
				return fmt.Errorf("%s (%s): %w", pg.name, device, err)
			}
			fmt.Fprintf(stdout, "%-8s %-8s %5.0f %5.0f %5.0f %5.0f %7.0fms %7.0fms %5.0fms %6.3f %9.0f\n", pg.name, device,
				r.scores[0], r.scores[1], r.scores[2], r.scores[3], r.fcp, r.lcp, r.tbt, r.cls, r.bytes)
			for i, c := range categories {
				goal := 95.0
				if c == "accessibility" {
					goal = 100
				}
				if r.scores[i] < goal {
					missed = append(missed, fmt.Sprintf("%s (%s) %s %.0f < %.0f: %s", pg.name, device, c, r.scores[i], goal, strings.Join(r.failing[c], "; ")))
				}
			}
		}
	}
	if len(missed) == 0 {
		fmt.Fprintln(stdout, "goals (accessibility 100; performance, best practices, SEO ≥ 95): met on every page and device")
	} else {
		fmt.Fprintln(stdout, "goals NOT met:")
		for _, m := range missed {
			fmt.Fprintln(stdout, "  "+m)
		}
	}
	if *keep {
		fmt.Fprintln(stdout, "reports in", dir)
	}
	return nil
}

// result is what pagebench keeps of one Lighthouse report.
type result struct {
	scores             [4]float64 // 0–100, in the order of categories
	fcp, lcp, tbt, cls float64    // ms, ms, ms, unitless
	bytes              float64    // total transferred
	failing            map[string][]string
}

// score runs Lighthouse once and reads its JSON report.
func score(ctx context.Context, lighthouse, chromium, url, device, report string) (*result, error) {
	args := []string{url, "--quiet", "--output=json", "--output-path=" + report,
		"--only-categories=" + strings.Join(categories, ","), "--chrome-flags=" + chromeFlags}
	if device == "desktop" {
		args = append(args, "--preset=desktop")
	}
	cmd := exec.CommandContext(ctx, lighthouse, args...)
	cmd.Env = append(os.Environ(), "CHROME_PATH="+chromium)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("lighthouse: %w\n%s", err, out)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		return nil, err
	}
	var rep struct {
		Categories map[string]struct {
			Score     *float64 `json:"score"`
			AuditRefs []struct {
				ID     string  `json:"id"`
				Weight float64 `json:"weight"`
			} `json:"auditRefs"`
		} `json:"categories"`
		Audits map[string]struct {
			Score        *float64 `json:"score"`
			NumericValue float64  `json:"numericValue"`
			Title        string   `json:"title"`
		} `json:"audits"`
		RuntimeError *struct{ Message string } `json:"runtimeError"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("reading the report: %w", err)
	}
	if rep.RuntimeError != nil && rep.RuntimeError.Message != "" {
		return nil, errors.New("lighthouse: " + rep.RuntimeError.Message)
	}
	r := &result{failing: map[string][]string{}}
	for i, c := range categories {
		cat, ok := rep.Categories[c]
		if !ok || cat.Score == nil {
			return nil, fmt.Errorf("the report has no %s score", c)
		}
		r.scores[i] = *cat.Score * 100
		for _, ref := range cat.AuditRefs {
			if a := rep.Audits[ref.ID]; ref.Weight > 0 && a.Score != nil && *a.Score < 1 {
				r.failing[c] = append(r.failing[c], fmt.Sprintf("%s (%.2f)", a.Title, *a.Score))
			}
		}
	}
	r.fcp = rep.Audits["first-contentful-paint"].NumericValue
	r.lcp = rep.Audits["largest-contentful-paint"].NumericValue
	r.tbt = rep.Audits["total-blocking-time"].NumericValue
	r.cls = rep.Audits["cumulative-layout-shift"].NumericValue
	r.bytes = rep.Audits["total-byte-weight"].NumericValue
	return r, nil
}

// serve runs award (bin) serving the repository's site, writing into dir,
// with the clock at now; stop ends it.
func serve(bin, dir, now string, extra ...string) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	args := append([]string{"serve", "-addr", addr, "-staff-addr", "127.0.0.1:0", "-no-watch", "-now", now, "-out", filepath.Join(dir, "public"),
		"-intake-config", filepath.Join(dir, "none.yaml")}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "AWARD_DATA_DIR="+filepath.Join(dir, "data"),
		"AWARD_IDENTITY_KEY_FILE="+filepath.Join(dir, "data", "identity.key"))
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop = func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}
	url = "http://" + addr + "/"
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(url + "readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url, stop, nil
			}
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, errors.New("award serve did not become ready in 30 s")
		}
	}
}

func version(lighthouse string) string {
	out, err := exec.Command(lighthouse, "--version").Output()
	if err != nil {
		return "(version unknown)"
	}
	return strings.TrimSpace(string(out))
}

func chromiumVersion(chromium string) string {
	out, err := exec.Command(chromium, "--version").Output()
	if err != nil {
		return "Chromium (version unknown)"
	}
	return strings.TrimSpace(string(out))
}
