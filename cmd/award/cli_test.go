package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
	"unicode"

	award "github.com/zhongmou/award"
	"github.com/zhongmou/award/internal/testserver"
)

// hasHan reports whether s holds a Chinese character.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// Every command's -h is Chinese: the 用法 line, the 参数 heading, each
// flag's description, defaults said as （默认 …）; none of the flag
// package's English, and -h is not an error (exit status 0).
func TestCommandHelpIsChinese(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"用法：award <命令>", "build", "serve", "status", "运行 award <命令> -h"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("award -h lacks %q:\n%s", want, out.String())
		}
	}
	commands := [][]string{
		{"build"}, {"serve"}, {"intake"}, {"export"}, {"status"}, {"audit", "verify"}, {"audit", "adopt"},
		{"staff", "add"}, {"staff", "passwd"}, {"staff", "list"}, {"publicity", "draft"}, {"publicity", "result"}, {"winners", "draft"},
	}
	flagLine := regexp.MustCompile(`^  -[a-z]`)
	for _, c := range commands {
		name := "award " + strings.Join(c, " ")
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), append(c, "-h"), &stdout, &stderr)
		if !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%s -h: %v; want flag.ErrHelp (exit status 0)", name, err)
		}
		if code := exitCode(err, false, io.Discard); code != 0 {
			t.Errorf("%s -h would exit %d", name, code)
		}
		help := stdout.String()
		if stderr.Len() > 0 {
			t.Errorf("%s -h wrote to stderr: %s", name, stderr.String())
		}
		if !strings.HasPrefix(help, "用法："+name) || !strings.Contains(help, "参数：") {
			t.Errorf("%s -h does not start with its 用法 line and list its 参数:\n%s", name, help)
		}
		for _, english := range []string{"Usage of", "(default", "usage:", "listen `address`", "directory"} {
			if strings.Contains(help, english) {
				t.Errorf("%s -h says %q:\n%s", name, english, help)
			}
		}
		lines := strings.Split(help, "\n")
		flags := 0
		for i, l := range lines {
			if !flagLine.MatchString(l) {
				continue
			}
			flags++
			desc := l
			if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "    \t") {
				desc += lines[i+1]
			}
			if !hasHan(desc) {
				t.Errorf("%s -h: flag described without Chinese: %q", name, desc)
			}
		}
		if flags == 0 {
			t.Errorf("%s -h lists no flags:\n%s", name, help)
		}
	}
	// The defaults are said in Chinese.
	var stdout bytes.Buffer
	_ = run(context.Background(), []string{"build", "-h"}, &stdout, io.Discard)
	if !strings.Contains(stdout.String(), "（默认 public）") || !strings.Contains(stdout.String(), "-content 目录") {
		t.Errorf("award build -h: defaults or value names not Chinese:\n%s", stdout.String())
	}
}

// A flag the command does not have, a missing value or a bad one is said
// in Chinese, naming the flag and the help to read; nothing English is
// printed.
func TestFlagErrorsAreChinese(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"build", "-contnet", "x"}, "没有参数 -contnet"},
		{[]string{"serve", "--bogus"}, "没有参数 -bogus"},
		{[]string{"intake", "-x"}, "没有参数 -x"},
		{[]string{"export", "-out"}, "参数 -out 后面缺少取值"},
		{[]string{"status", "-internal=maybe"}, "参数 -internal 的值 \"maybe\" 无效"},
		{[]string{"audit", "verify", "-nofiles"}, "没有参数 -nofiles"},
		{[]string{"staff", "add", "-rol", "x"}, "没有参数 -rol"},
		{[]string{"publicity", "draft", "-cal", "x"}, "没有参数 -cal"},
		{[]string{"build", "---x"}, "参数写法有误：---x"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), c.args, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v; want %q", c.args, err, c.want)
			continue
		}
		cmd := "award " + c.args[0]
		if c.args[0] == "audit" || c.args[0] == "staff" || c.args[0] == "publicity" {
			cmd += " " + c.args[1]
		}
		if !strings.Contains(err.Error(), "运行 "+cmd+" -h 查看全部参数") {
			t.Errorf("%v: %v; want the hint to run %s -h", c.args, err, cmd)
		}
		all := err.Error() + stdout.String() + stderr.String()
		for _, english := range []string{"flag provided", "needs an argument", "invalid", "bad flag", "Usage"} {
			if strings.Contains(all, english) {
				t.Errorf("%v: English %q shown: %s", c.args, english, all)
			}
		}
	}
	// An unknown command or subcommand, too.
	for _, args := range [][]string{{"frobnicate"}, {}} {
		err := run(context.Background(), args, io.Discard, io.Discard)
		if err == nil || !hasHan(err.Error()) {
			t.Errorf("%v: %v; want a Chinese error", args, err)
		}
	}
}

// flagErrorText knows each message of the flag package; an unknown one
// is kept.
func TestFlagErrorText(t *testing.T) {
	cases := map[string]string{
		"flag provided but not defined: -frob":                        "没有参数 -frob（请检查拼写",
		"bad flag syntax: ---x":                                       "参数写法有误：---x",
		"flag needs an argument: -out":                                "参数 -out 后面缺少取值",
		`invalid boolean value "ja" for -drafts: parse error`:         `参数 -drafts 的值 "ja" 无效：只能是 true 或 false`,
		"invalid boolean flag drafts: parse error":                    "参数 -drafts 的值无效",
		`invalid value "abc" for flag -n: parse error`:                `参数 -n 的值 "abc" 无效：格式不对`,
		`invalid value "99999999999" for flag -n: value out of range`: `参数 -n 的值 "99999999999" 无效：超出范围`,
		`invalid value "x" for flag -stage: 没有这个阶段`:                   `参数 -stage 的值 "x" 无效：没有这个阶段`,
		"something else": "something else",
	}
	for in, want := range cases {
		if got := flagErrorText(errors.New(in)); !strings.HasPrefix(got, want) {
			t.Errorf("flagErrorText(%q) = %q; want it to start with %q", in, got, want)
		}
	}
}

// exitCode: 0 for success, for -h and for a server stopped by Ctrl-C;
// 1 for an error, with the error printed.
func TestExitCode(t *testing.T) {
	cases := []struct {
		err         error
		interrupted bool
		want        int
		says        string
	}{
		{nil, false, 0, ""},
		{flag.ErrHelp, false, 0, ""},
		{nil, true, 0, "已停止"},
		{context.Canceled, true, 0, "已停止"},
		{context.Canceled, false, 1, "award: context canceled"},
		{errors.New("找不到目录 content"), false, 1, "award: 找不到目录 content"},
		{errors.New("无法在 x 上监听"), true, 1, "award: 无法在 x 上监听"},
	}
	for _, c := range cases {
		var stderr bytes.Buffer
		if got := exitCode(c.err, c.interrupted, &stderr); got != c.want || !strings.Contains(stderr.String(), c.says) {
			t.Errorf("exitCode(%v, %v) = %d, said %q; want %d, saying %q", c.err, c.interrupted, got, stderr.String(), c.want, c.says)
		}
	}
}

// The terminal log: one line per event, the time in +08:00, the level and
// the message in Chinese, the request log as a sentence; line breaks in
// values do not split the line.
func TestChineseLogLines(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(newZhHandler(&buf))
	at := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC) // 10:00 in Beijing
	h := log.Handler()
	rec := func(level slog.Level, msg string, args ...any) {
		r := slog.NewRecord(at, level, msg, 0)
		r.Add(args...)
		if err := h.Handle(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	rec(slog.LevelInfo, "request", "request_id", "r1", "method", "POST", "path", "/api/objections", "status", 303, "ms", 12, "bytes_in", 2048)
	rec(slog.LevelWarn, "mail not sent; will retry", "err", errors.New("dial tcp: refused\nagain"), "attempt", 2)
	rec(slog.LevelError, "something new", "reference", "K7M2-QX9D")
	h.WithAttrs([]slog.Attr{slog.String("file", "keys/record.key")}).WithGroup("g").Handle(context.Background(), slog.NewRecord(at, slog.LevelInfo, "memory limit set", 0))
	_ = log.Handler().Enabled(context.Background(), slog.LevelDebug)
	want := []string{
		"2026-11-24 10:00:00 信息 请求 POST /api/objections → 303（12 毫秒，请求体 2048 字节，请求编号 r1）",
		"2026-11-24 10:00:00 警告 邮件未能发出，稍后重试：错误=dial tcp: refused⏎again 次数=2",
		"2026-11-24 10:00:00 错误 something new：受理编号=K7M2-QX9D",
		"2026-11-24 10:00:00 信息 已设置内存上限：文件=keys/record.key",
	}
	got := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("log lines:\n%s\nwant %d lines", buf.String(), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d:\n got %s\nwant %s", i+1, got[i], want[i])
		}
	}
	if log.Enabled(context.Background(), slog.LevelDebug) {
		t.Error("debug records are written")
	}
	// Every message the services log in English has its Chinese.
	for msg, zh := range zhMessages {
		if !hasHan(zh) {
			t.Errorf("zhMessages[%q] = %q: not Chinese", msg, zh)
		}
	}
}

// The JSON log (not a terminal, or -log json) carries times in +08:00;
// -log says which of auto, json, text and refuses others in Chinese.
func TestLogFormats(t *testing.T) {
	var buf bytes.Buffer
	log, err := newLogger(&buf, logAuto) // a buffer is not a terminal: JSON
	if err != nil {
		t.Fatal(err)
	}
	log.Info("mail sent", "reference", "K7M2-QX9D")
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("auto to a non-terminal is not JSON: %v: %s", err, buf.String())
	}
	if ts, _ := rec["time"].(string); !strings.HasSuffix(ts[:min(len(ts), 40)], "+08:00") && !strings.Contains(ts, "+08:00") {
		t.Errorf("JSON time %q is not in +08:00", rec["time"])
	}
	if rec["msg"] != "mail sent" || rec["reference"] != "K7M2-QX9D" {
		t.Errorf("JSON record: %v", rec)
	}
	buf.Reset()
	if log, err = newLogger(&buf, logText); err != nil {
		t.Fatal(err)
	}
	log.Info("mail sent")
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d 信息 邮件已发出\n$`).MatchString(buf.String()) {
		t.Errorf("-log text: %q", buf.String())
	}
	if _, err := newLogger(&buf, "xml"); err == nil || !strings.Contains(err.Error(), "只能是 auto") {
		t.Errorf("-log xml: %v", err)
	}
	if isTerminal(&buf) {
		t.Error("a buffer is taken for a terminal")
	}
	f, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Error("a file is taken for a terminal")
	}
}

// award status where no store is configured (no S3, no storage directory)
// says so and what to set — not that the reference is unknown — and
// leaves no ./data behind; export and audit verify say the same.
func TestStatusWithoutStore(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, k := range []string{"AWARD_DATA_DIR", "AWARD_S3_ENDPOINT", "AWARD_RECORD_KEY", "AWARD_RECORD_KEY_FILE", "AWARD_IDENTITY_KEY", "AWARD_IDENTITY_KEY_FILE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	for _, args := range [][]string{
		{"status", "-ref", "K7M2-QX9D", "-stage", "accepted", "-operator", "王科员"},
		{"export", "-out", filepath.Join(dir, "导出"), "-operator", "王科员"},
		{"audit", "verify"},
	} {
		err := run(context.Background(), args, io.Discard, io.Discard)
		if err == nil {
			t.Fatalf("%v without a store: no error", args)
		}
		msg := err.Error()
		for _, want := range []string{"没有配置受理记录的存储", filepath.Join(dir, "data") + " 不存在", "AWARD_DATA_DIR", "AWARD_S3_ENDPOINT", "-intake-config"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%v: %q lacks %q", args, msg, want)
			}
		}
		if strings.Contains(msg, "没有受理编号") {
			t.Errorf("%v blames the reference: %s", args, msg)
		}
		for _, made := range []string{"data", "keys", "导出"} {
			if _, err := os.Stat(filepath.Join(dir, made)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%v created ./%s (%v)", args, made, err)
			}
		}
	}
	// A data directory that is there is opened as before (here: the
	// record key is what is missing next, not the store).
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"status", "-ref", "K7M2-QX9D", "-stage", "accepted", "-operator", "王科员"}, io.Discard, io.Discard)
	if err == nil || strings.Contains(err.Error(), "没有配置受理记录的存储") {
		t.Errorf("with ./data: %v", err)
	}
}

// builtInDir and readSource use the program's built-in copy only for a
// default path that is not on the disk.
func TestBuiltInSourcesOnlyWhenAbsent(t *testing.T) {
	saved := award.Defaults
	t.Cleanup(func() { award.Defaults = saved })
	award.Defaults = fstest.MapFS{
		"content/_index.md":               {Data: []byte("---\ntitle: 内置\n---\n")},
		"themes/default/layouts/404.html": {Data: []byte("404")},
		"holidays.yaml":                   {Data: []byte("built-in")},
	}
	dir := t.TempDir()
	t.Chdir(dir)
	if _, ok := builtInDir("content", defaultContent); !ok {
		t.Error("no ./content: the built-in content is not used")
	}
	if _, ok := builtInDir("./themes/default/", defaultTheme); !ok {
		t.Error("no ./themes/default: the built-in theme is not used")
	}
	if _, ok := builtInDir("other", defaultContent); ok {
		t.Error("-content other (given, absent) falls back to the built-in content")
	}
	if b, err := readSource("holidays.yaml", defaultHolidays); err != nil || string(b) != "built-in" {
		t.Errorf("readSource(holidays.yaml) = %q, %v; want the built-in copy", b, err)
	}
	if _, err := readSource("mine.yaml", defaultHolidays); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("readSource(mine.yaml): %v; want not found", err)
	}
	if _, err := readSource("site.yaml", defaultConfig); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("readSource(site.yaml) absent from both: %v", err)
	}
	writeTree(t, dir, map[string]string{"content/_index.md": "mine", "holidays.yaml": "on disk"})
	if _, ok := builtInDir("content", defaultContent); ok {
		t.Error("./content on the disk: the built-in content is used instead")
	}
	if b, _ := readSource("holidays.yaml", defaultHolidays); string(b) != "on disk" {
		t.Errorf("readSource(holidays.yaml) = %q; want the file on the disk", b)
	}
	award.Defaults = nil
	if err := os.RemoveAll(filepath.Join(dir, "content")); err != nil {
		t.Fatal(err)
	}
	if _, ok := builtInDir("content", defaultContent); ok {
		t.Error("a program built without the tag dist has built-in content")
	}
}

// buildAward builds the award program into a temporary folder, with the
// given build tags.
func buildAward(t *testing.T, tags ...string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the program (-short)")
	}
	bin := filepath.Join(t.TempDir(), "award")
	args := []string{"build", "-o", bin}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	cmd := exec.Command("go", append(args, ".")...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serveProcess runs the program bin as "award serve args…" in dir and
// returns it once it serves url, with its stdout and stderr collected.
func serveProcess(t *testing.T, bin, dir, url string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "AWARD_DATA_DIR=", "AWARD_S3_ENDPOINT=", "AWARD_IDENTITY_KEY_FILE=", "AWARD_RECORD_KEY_FILE=", "STAFF_ADDR=", "ADDR=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return cmd, &stdout, &stderr
		}
		if time.Now().After(deadline) {
			t.Fatalf("award serve did not come up: %v\n%s\n%s", err, stdout.String(), stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// interrupt sends cmd SIGINT (Ctrl-C) and waits for it to end.
func interrupt(t *testing.T, cmd *exec.Cmd) error {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("award serve did not stop on SIGINT")
		return nil
	}
}

// serveOneRequest builds the program, serves smallSite under /zlj/ with
// extra flags, asks it once for the objection form and stops it with
// SIGINT; it returns the program's output and how it ended.
func serveOneRequest(t *testing.T, extra ...string) (stdout, stderr *bytes.Buffer, err error) {
	t.Helper()
	bin := buildAward(t)
	root := smallSite(t)
	holidays, _ := filepath.Abs("../../holidays.yaml")
	townships, _ := filepath.Abs("../../townships.yaml")
	writeTree(t, root, map[string]string{"intake.yaml": "townships: " + townships + "\n"})
	addr := freeAddr(t)
	args := append([]string{"-content", "content", "-theme", "theme", "-holidays", holidays, "-addr", addr, "-staff-addr", "127.0.0.1:0", "-no-watch"}, extra...)
	cmd, stdout, stderr := serveProcess(t, bin, root, "http://"+addr+"/zlj/", args...)
	resp, err := http.Get("http://" + addr + "/zlj/api/objections/new")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return stdout, stderr, interrupt(t, cmd)
}

// Ctrl-C stops award serve with exit status 0 (so make run ends without
// "make: *** Error 1"); -log text logs each request as one Chinese line.
func TestServeStopsCleanlyOnInterrupt(t *testing.T) {
	stdout, stderr, err := serveOneRequest(t, "-log", "text")
	if err != nil {
		t.Fatalf("award serve ended with %v after SIGINT; want exit status 0\n%s\n%s", err, stdout.String(), stderr.String())
	}
	log := stderr.String()
	if !strings.Contains(log, "已停止。") {
		t.Errorf("no 已停止 on stderr:\n%s", log)
	}
	if !regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d 信息 请求 GET /api/objections/new → \d{3}（\d+ 毫秒`).MatchString(log) {
		t.Errorf("-log text: no Chinese request line for GET /api/objections/new:\n%s", log)
	}
	if strings.Contains(log, `"level"`) {
		t.Errorf("-log text wrote JSON:\n%s", log)
	}
}

// Not a terminal and no -log: JSON lines with times in +08:00.
func TestServeLogsJSONWhenNotATerminal(t *testing.T) {
	_, stderr, err := serveOneRequest(t)
	if err != nil {
		t.Fatalf("exit after SIGINT: %v", err)
	}
	found := false
	sc := bufio.NewScanner(strings.NewReader(stderr.String()))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var rec struct {
			Time, Msg, Path string
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("not JSON: %s", line)
			continue
		}
		if !strings.HasSuffix(rec.Time, "+08:00") {
			t.Errorf("time %q not in +08:00", rec.Time)
		}
		if rec.Msg == "request" && rec.Path == "/api/objections/new" {
			found = true
		}
	}
	if !found {
		t.Errorf("no JSON request record for /api/objections/new:\n%s", stderr.String())
	}
}

// A program built as make dist builds it (-tags dist) carries the site:
// in an empty folder, with no content/, theme, site.yaml, holidays.yaml
// or townships.yaml, award build makes the repository's site and award
// serve serves it with the intake's forms; a -content given and absent
// still fails.
func TestDistProgramBuildsAndServesWithoutRepository(t *testing.T) {
	bin := buildAward(t, "dist")
	dir := t.TempDir()
	cmd := exec.Command(bin, "build")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("award build in an empty folder: %v\n%s", err, out)
	}
	siteYAML, err := os.ReadFile("../../site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	title := regexp.MustCompile(`(?m)^title:\s*(.+)$`).FindSubmatch(siteYAML)
	home, err := os.ReadFile(filepath.Join(dir, "public", "index.html"))
	if err != nil {
		t.Fatalf("no public/index.html: %v\n%s", err, out)
	}
	if title == nil || !bytes.Contains(home, bytes.TrimSpace(bytes.Trim(title[1], `"`))) {
		t.Errorf("the home page does not carry site.yaml's title %q", title)
	}
	for _, page := range []string{"policy/measures/index.html", "windows.json", "_award/chrome.json"} {
		if _, err := os.Stat(filepath.Join(dir, "public", page)); err != nil {
			t.Errorf("built-in site: %v", err)
		}
	}
	cmd = exec.Command(bin, "build", "-content", "elsewhere")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "找不到目录 elsewhere") {
		t.Errorf("award build -content elsewhere: %v\n%s", err, out)
	}
	for _, absent := range []string{"content", "themes", "site.yaml", "holidays.yaml", "townships.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, absent)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s written beside the program", absent)
		}
	}
	addr := freeAddr(t)
	srv, stdout, stderr := serveProcess(t, bin, dir, "http://"+addr+"/", "-addr", addr, "-staff-addr", "127.0.0.1:0")
	for _, p := range []string{"/", "/policy/measures/", "/objection/"} {
		resp, err := http.Get("http://" + addr + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !hasHan(string(body)) {
			t.Errorf("GET %s = %d from the built-in site", p, resp.StatusCode)
		}
	}
	if err := interrupt(t, srv); err != nil {
		t.Errorf("exit after SIGINT: %v", err)
	}
	if !strings.Contains(stdout.String(), "使用程序内置的网站内容") {
		t.Errorf("serve does not say it uses the built-in site:\n%s\n%s", stdout.String(), stderr.String())
	}
}

// needMake skips a test without make, or fails it when CI=true.
func needMake(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		testserver.Missing(t, "make not found: apt-get install make")
	}
}

// make run runs the built program, not go run (which ends with status 1
// on Ctrl-C), and NOW= pins its clock with -now.
func TestMakeRunRecipe(t *testing.T) {
	needMake(t)
	dry := func(args ...string) string {
		cmd := exec.Command("make", append([]string{"-n", "-C", "../..", "run"}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make -n run: %v\n%s", err, out)
		}
		return string(out)
	}
	plain := dry()
	if strings.Contains(plain, "go run") || !strings.Contains(plain, "/bin/award serve") || strings.Contains(plain, "-now") {
		t.Errorf("make run:\n%s\nwant bin/award serve, without go run or -now", plain)
	}
	pinned := dry("NOW=2026-11-24T10:00:00+08:00")
	if !strings.Contains(pinned, "/bin/award serve -now 2026-11-24T10:00:00+08:00") {
		t.Errorf("make run NOW=…:\n%s\nwant award serve -now 2026-11-24T10:00:00+08:00", pinned)
	}
}

// Ctrl-C in make run: the terminal sends SIGINT to make and to the program
// (one process group); the program must exit 0, so that the recipe does not
// fail, and make must say nothing ("make: *** … Error 1" or "… Interrupt",
// which a shell between make and the program, dying of the signal, causes).
// Real make, the repository's Makefile and a real
// award program (built with the site built in, so that it runs in an
// empty folder); only the compile step of the recipe is replaced by a copy
// of that program (GO=a script), the rest is the recipe as it stands.
func TestMakeRunCtrlC(t *testing.T) {
	needMake(t)
	prebuilt := buildAward(t, "dist")
	dir := t.TempDir()
	fakeGo := filepath.Join(t.TempDir(), "go")
	writeTree(t, filepath.Dir(fakeGo), map[string]string{"go": "#!/bin/sh\n# make run's \"$(GO) build -o $(BIN)/award ./cmd/award\"\n[ \"$1 $2\" = \"build -o\" ] || exit 2\nmkdir -p \"$(dirname \"$3\")\" && cp " + prebuilt + " \"$3\"\n"})
	if err := os.Chmod(fakeGo, 0o755); err != nil {
		t.Fatal(err)
	}
	makefile, err := filepath.Abs("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	cmd := exec.Command("make", "-f", makefile, "run", "GO="+fakeGo, "ADDR="+addr, "NOW=2026-11-24T10:00:00+08:00")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "STAFF_ADDR=127.0.0.1:0", "AWARD_DATA_DIR=", "AWARD_S3_ENDPOINT=", "AWARD_IDENTITY_KEY_FILE=", "AWARD_RECORD_KEY_FILE=", "MAKEFLAGS=")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // a process group, as a terminal's job
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("make run did not come up: %v\n%s", err, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil { // Ctrl-C
		t.Fatal(err)
	}
	select {
	case err := <-done:
		// make itself gets the Ctrl-C too and, its child done, ends by
		// it (status 130 in a shell) as any program does; what must not
		// happen is the recipe failing: an exit status of its own.
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() != -1 {
			t.Errorf("make run ended with %v after Ctrl-C: the recipe failed\n%s", err, out.String())
		} else if err != nil && !strings.Contains(err.Error(), "signal: interrupt") {
			t.Errorf("make run ended with %v after Ctrl-C\n%s", err, out.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("make run did not stop on Ctrl-C\n%s", out.String())
	}
	if s := out.String(); strings.Contains(s, "Error") || strings.Contains(s, "Interrupt") || !strings.Contains(s, "已停止。") {
		t.Errorf("make run's output after Ctrl-C:\n%s\nwant 已停止。 and no make error", s)
	}
	if !strings.Contains(out.String(), "serve -now 2026-11-24T10:00:00+08:00") {
		t.Errorf("make run NOW=… did not pass -now:\n%s", out.String())
	}
}

// Every message the services log in English (a literal in a call of a
// logger's Info, Warn or Error outside tests) has its Chinese in
// zhMessages, so that the terminal log is Chinese throughout: a message
// added without one fails here, naming the file.
func TestEveryLoggedMessageHasChinese(t *testing.T) {
	call := regexp.MustCompile(`\b(?:log|Log|logger|s\.log|a\.log|l\.log|n\.log|o\.Log|cfg\.Log)\.(?:Info|Warn|Error)(?:Context)?\((?:ctx, |r\.Context\(\), )?"([^"]*)"`)
	root := "../.."
	found := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", "testdata", "bench", ".git", "bin", "public", "data":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range call.FindAllSubmatch(src, -1) {
			msg := string(m[1])
			found++
			if hasHan(msg) {
				continue // said in Chinese already
			}
			if _, ok := zhMessages[msg]; !ok {
				t.Errorf("%s logs %q, which zhMessages (logging.go) does not say in Chinese", path, msg)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 40 {
		t.Errorf("found only %d log calls: the pattern no longer matches the code", found)
	}
}
