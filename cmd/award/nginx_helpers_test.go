package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/site"
)

// The nginx tests run Debian's nginx on loopback with a configuration
// generated from the real deploy/nginx-award.conf, in front of the real site
// (built from the repository's content) and the real intake (in process).

// nginxBin returns the nginx the tests run (env AWARD_NGINX, else Debian's
// /usr/sbin/nginx). Without it the tests skip, or fail when CI=true: make
// test installs it.
func nginxBin(t *testing.T) string {
	t.Helper()
	p := os.Getenv("AWARD_NGINX")
	if p == "" {
		p = "/usr/sbin/nginx"
	}
	if _, err := exec.LookPath(p); err != nil {
		msg := "nginx not found at " + p + ": install Debian's nginx (make test does), or set AWARD_NGINX"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// nginxConfSource returns the configuration under test: the repository's
// deploy/nginx-award.conf, or the file named by env AWARD_NGINX_CONF (for
// instance a server's own copy, or `git show HEAD:deploy/nginx-award.conf`).
func nginxConfSource(t *testing.T) (name, src string) {
	t.Helper()
	name = os.Getenv("AWARD_NGINX_CONF")
	if name == "" {
		name = "../../deploy/nginx-award.conf"
	}
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return name, string(b)
}

// nginxStmt is one directive of an nginx configuration: its name and
// arguments (quotes removed), the blocks it is in (outermost first, each
// written as its name and arguments, e.g. "location /zlj/api/"), and where
// it is in the text: from its first word to its ';' or '{', and for a block
// to just after its '}'.
type nginxStmt struct {
	blocks     []string
	name       string
	args       []string
	start, end int
	blockEnd   int
}

func (s nginxStmt) in(block string) bool {
	return len(s.blocks) > 0 && s.blocks[len(s.blocks)-1] == block
}

// parseNginx splits an nginx configuration into its directives: words
// separated by blanks, '...' and "..." quoting (with backslash escapes), #
// comments to the end of the line, and ';', '{', '}'.
func parseNginx(src string) ([]nginxStmt, error) {
	var (
		out   []nginxStmt
		words []string
		start = -1
		open  []int // indexes in out of the blocks open
		stack []string
	)
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == ';' || c == '{':
			if len(words) == 0 {
				return nil, fmt.Errorf("offset %d: %q without a directive", i, c)
			}
			s := nginxStmt{blocks: append([]string(nil), stack...), name: words[0], args: words[1:], start: start, end: i + 1}
			out = append(out, s)
			if c == '{' {
				open = append(open, len(out)-1)
				stack = append(stack, strings.Join(words, " "))
			}
			words, start = nil, -1
			i++
		case c == '}':
			if len(words) != 0 || len(open) == 0 {
				return nil, fmt.Errorf("offset %d: unexpected '}'", i)
			}
			out[open[len(open)-1]].blockEnd = i + 1
			open, stack = open[:len(open)-1], stack[:len(stack)-1]
			i++
		default:
			if start < 0 {
				start = i
			}
			var w strings.Builder
			if c == '\'' || c == '"' {
				i++
				for i < len(src) && src[i] != c {
					if src[i] == '\\' && i+1 < len(src) {
						i++
					}
					w.WriteByte(src[i])
					i++
				}
				if i == len(src) {
					return nil, errors.New("unterminated quote")
				}
				i++
			} else {
				for i < len(src) && !strings.ContainsRune(" \t\r\n;{}#", rune(src[i])) {
					w.WriteByte(src[i])
					i++
				}
			}
			words = append(words, w.String())
		}
	}
	if len(words) != 0 || len(open) != 0 {
		return nil, errors.New("unexpected end of the configuration")
	}
	return out, nil
}

// nginxRun says how a production configuration is turned into one that
// runs in a test.
type nginxRun struct {
	listen   string // the loopback address nginx listens on
	upstream string // the intake's address
	public   string // the built site, for /opt/award/public
	logs     string // the directory for access and error logs
	// bodyTimeout, when set, replaces the value of every client_body_timeout
	// (the production value is the file's; a test waits seconds, not a minute).
	bodyTimeout string
}

// productionPublic is where the configuration expects the built site.
const productionPublic = "/opt/award/public"

// rewriteNginx rewrites only what must change to run the configuration on
// loopback: the port-80 redirect server is removed; the TLS server listens
// on r.listen in plain HTTP (IPv6 listens, ssl_* and http2 directives
// dropped); the upstream points at r.upstream; root and alias paths under
// /opt/award/public point into r.public; logs go to r.logs; and with
// r.bodyTimeout, client_body_timeout is shortened. Everything else is the
// file as it is.
func rewriteNginx(src string, r nginxRun) (string, error) {
	stmts, err := parseNginx(src)
	if err != nil {
		return "", err
	}
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	dropped := -1 // blockEnd of the block being dropped
	listens, upstreams, timeouts := 0, 0, 0
	for _, s := range stmts {
		if s.start < dropped {
			continue
		}
		set := func(text string) { edits = append(edits, edit{s.start, s.end, text}) }
		switch {
		case s.name == "server" && len(s.blocks) == 0 && s.blockEnd > 0:
			for _, c := range stmts {
				if c.start > s.start && c.start < s.blockEnd && c.name == "listen" && c.in("server") && len(c.args) > 0 &&
					(c.args[0] == "80" || strings.HasSuffix(c.args[0], ":80")) {
					edits = append(edits, edit{s.start, s.blockEnd, "# (test: the port-80 redirect server is removed)"})
					dropped = s.blockEnd
					break
				}
			}
		case s.name == "listen":
			if len(s.args) > 0 && strings.HasPrefix(s.args[0], "[") {
				set("")
				continue
			}
			listens++
			set("listen " + r.listen + ";")
		case strings.HasPrefix(s.name, "ssl_") || s.name == "http2":
			set("")
		case s.name == "server" && len(s.blocks) > 0 && strings.HasPrefix(s.blocks[len(s.blocks)-1], "upstream "):
			if upstreams++; upstreams == 1 {
				set("server " + r.upstream + ";")
			} else {
				set("")
			}
		case s.name == "root" || s.name == "alias":
			if len(s.args) != 1 || !strings.HasPrefix(s.args[0], productionPublic) {
				return "", fmt.Errorf("%s %v: the test knows only paths under %s", s.name, s.args, productionPublic)
			}
			set(s.name + " " + r.public + strings.TrimPrefix(s.args[0], productionPublic) + ";")
		case s.name == "access_log" || s.name == "error_log":
			if len(s.args) > 0 && s.args[0] != "off" {
				set(s.name + " " + strings.Join(append([]string{filepath.Join(r.logs, path.Base(s.args[0]))}, s.args[1:]...), " ") + ";")
			}
		case s.name == "client_body_timeout" && r.bodyTimeout != "":
			timeouts++
			set("client_body_timeout " + r.bodyTimeout + "; # (test: shortened)")
		}
	}
	if listens != 1 {
		return "", fmt.Errorf("%d listen directives left to serve on loopback, want 1", listens)
	}
	if upstreams == 0 {
		return "", errors.New("no upstream server to point at the intake")
	}
	if r.bodyTimeout != "" && timeouts == 0 {
		return "", errors.New("the configuration sets no client_body_timeout (nginx's default is 60s)")
	}
	out := src
	for i := len(edits) - 1; i >= 0; i-- {
		out = out[:edits[i].start] + edits[i].text + out[edits[i].end:]
	}
	return out, nil
}

// basePathOf returns the site's base path in the configuration: the
// location whose alias is the built site's root.
func basePathOf(stmts []nginxStmt) (string, error) {
	for _, s := range stmts {
		if s.name == "alias" && len(s.args) == 1 && strings.TrimSuffix(s.args[0], "/") == productionPublic {
			loc := strings.Fields(s.blocks[len(s.blocks)-1])
			if loc[0] == "location" && len(loc) == 2 {
				return loc[1], nil
			}
		}
	}
	return "", fmt.Errorf("no location with alias %s/", productionPublic)
}

// nginxSite is nginx running the generated configuration in front of the
// real site and intake.
type nginxSite struct {
	origin string      // http://127.0.0.1:PORT
	url    string      // origin + base path
	base   string      // e.g. /zlj/
	stmts  []nginxStmt // of the production file under test
	logs   string      // nginx's logs: error.log, award-access.log
}

// nginxOptions adjust the stack under nginx for one test.
type nginxOptions struct {
	bodyTimeout string // see nginxRun.bodyTimeout
	submitRate  string // the intake's AWARD_RATE_SUBMIT, when set
}

// startNginxSite builds the repository's site for the base path of the
// configuration under test, starts the intake on loopback (clock fixed
// inside the example publicity, 20–26 November 2026, and configured as in
// the runbook behind nginx: AWARD_TRUST_PROXY=1, AWARD_PUBLIC_ORIGIN), and
// runs nginx with the generated configuration in front of both. Everything
// stops with the test.
func startNginxSite(t *testing.T, o nginxOptions) *nginxSite {
	t.Helper()
	bin := nginxBin(t)
	name, src := nginxConfSource(t)
	stmts, err := parseNginx(src)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	base, err := basePathOf(stmts)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	dir := t.TempDir()
	ns := &nginxSite{base: base, stmts: stmts, logs: filepath.Join(dir, "logs")}
	port := freeLoopbackPort(t)
	ns.origin = "http://127.0.0.1:" + strconv.Itoa(port)
	ns.url = ns.origin + base
	now, _ := time.Parse(time.RFC3339, "2026-11-25T10:00:00+08:00")
	ctx, cancel := context.WithCancel(context.Background())

	// The site, built as award build does, for this origin and base path.
	pub, opts := buildSiteAt(t, ctx, dir, ns.url, now)

	// The intake, as award intake runs it, with the clock fixed.
	t.Setenv("AWARD_DATA_DIR", filepath.Join(dir, "data"))
	t.Setenv("AWARD_IDENTITY_KEY_FILE", filepath.Join(dir, "data", "identity.key"))
	t.Setenv("AWARD_TOWNSHIPS", "../../townships.yaml")
	t.Setenv("AWARD_TRUST_PROXY", "1")
	t.Setenv("AWARD_PUBLIC_ORIGIN", ns.origin)
	if o.submitRate != "" {
		t.Setenv("AWARD_RATE_SUBMIT", o.submitRate)
	}
	ln, done := startIntakeAt(t, ctx, dir, pub, opts, now, nil)
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(40 * time.Second):
			t.Error("the intake did not stop")
		}
	})

	// nginx, with the generated configuration in a minimal http{} (as in
	// Debian's /etc/nginx/nginx.conf: mime types, sendfile, gzip, and its
	// default worker_connections).
	conf, err := rewriteNginx(src, nginxRun{listen: "127.0.0.1:" + strconv.Itoa(port), upstream: ln.Addr().String(),
		public: pub, logs: ns.logs, bodyTimeout: o.bodyTimeout})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	runNginx(t, bin, name, dir, ns.logs, conf, ns.url, nil)
	return ns
}

// buildSiteAt builds the repository's site into dir/public as award build
// does, for siteURL, with the clock at now; it returns the folder and the
// options.
func buildSiteAt(t *testing.T, ctx context.Context, dir, siteURL string, now time.Time) (string, site.Options) {
	t.Helper()
	pub := filepath.Join(dir, "public")
	f := buildFlags{content: "../../content", out: pub, theme: "../../themes/default", static: filepath.Join(dir, "none"),
		config: "../../site.yaml", holidays: "../../holidays.yaml"}
	opts, err := f.options()
	if err != nil {
		t.Fatal(err)
	}
	if opts.Config, err = opts.Config.WithBaseURL(siteURL); err != nil {
		t.Fatal(err)
	}
	sess, err := site.NewSession(opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sess.Build(ctx, site.Change{Full: true}, now); err != nil {
		t.Fatal(err)
	}
	return pub, opts
}

// startIntakeAt starts the intake as award intake runs it (the settings
// from the environment, the manifest of pub, the clock at now) on a
// loopback port, its handler wrapped by wrap when not nil; it returns the
// listener and the channel its serve's end is sent on.
func startIntakeAt(t *testing.T, ctx context.Context, dir, pub string, opts site.Options, now time.Time, wrap func(http.Handler) http.Handler) (net.Listener, chan error) {
	t.Helper()
	icfg, err := loadIntakeConfig(filepath.Join(dir, "none.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	icfg.Manifest = filepath.Join(pub, schedule.ManifestName)
	icfg.Holidays = "../../holidays.yaml"
	icfg.BasePath, icfg.SiteTitle = opts.Config.BasePath(), opts.Config.Title
	in, _, err := newIntake(ctx, icfg, slog.New(slog.NewJSONHandler(io.Discard, nil)), true, now)
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = in
	if wrap != nil {
		h = wrap(in)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- serveUntilDone(ctx, ln, h, icfg) }()
	return ln, done
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// nginxProcAttr is how nginx is started (see nginx_procattr_linux_test.go).
var nginxProcAttr *syscall.SysProcAttr

// freeLoopbackPort returns a TCP port free on 127.0.0.1 a moment ago.
func freeLoopbackPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// serverOf returns the top-level server block that holds the location
// (e.g. "location /zlj/api/"), or ok false.
func serverOf(stmts []nginxStmt, location string) (server nginxStmt, ok bool) {
	for _, l := range stmts {
		if l.name != "location" || strings.Join(append([]string{l.name}, l.args...), " ") != location {
			continue
		}
		for _, s := range stmts {
			if s.name == "server" && len(s.blocks) == 0 && s.start < l.start && l.start < s.blockEnd {
				return s, true
			}
		}
	}
	return nginxStmt{}, false
}

// effective returns the directives name that apply in the location as
// nginx inherits them: the location's own, else its server's, else the
// http level's (this file's top level).
func effective(stmts []nginxStmt, location, name string) []nginxStmt {
	server, _ := serverOf(stmts, location)
	levels := []func(nginxStmt) bool{
		func(s nginxStmt) bool { return s.in(location) && s.start > server.start && s.start < server.blockEnd },
		func(s nginxStmt) bool {
			return len(s.blocks) == 1 && s.start > server.start && s.start < server.blockEnd
		},
		func(s nginxStmt) bool { return len(s.blocks) == 0 },
	}
	for _, level := range levels {
		var found []nginxStmt
		for _, s := range stmts {
			if s.name == name && level(s) {
				found = append(found, s)
			}
		}
		if len(found) > 0 {
			return found
		}
	}
	return nil
}

// limitFor returns the smallest limit_conn that applies in the location
// with a zone keyed by the client's address; 0 when there is none.
func limitFor(stmts []nginxStmt, location string) int {
	keyed := map[string]bool{}
	for _, s := range stmts {
		if s.name == "limit_conn_zone" && len(s.args) >= 2 && (s.args[0] == "$binary_remote_addr" || s.args[0] == "$remote_addr") {
			for _, a := range s.args[1:] {
				if zone, ok := strings.CutPrefix(a, "zone="); ok {
					keyed[strings.SplitN(zone, ":", 2)[0]] = true
				}
			}
		}
	}
	n := 0
	for _, s := range effective(stmts, location, "limit_conn") {
		if len(s.args) != 2 || !keyed[s.args[0]] {
			continue
		}
		if v, err := strconv.Atoi(s.args[1]); err == nil && (n == 0 || v < n) {
			n = v
		}
	}
	return n
}

var nginxDuration = regexp.MustCompile(`^(\d+)(ms|s|m|h)?$`)

// nginxSeconds reads an nginx time such as 60s, 1m or 75 (seconds).
func nginxSeconds(v string) (time.Duration, bool) {
	m := nginxDuration.FindStringSubmatch(v)
	if m == nil {
		return 0, false
	}
	n, _ := strconv.Atoi(m[1])
	unit := map[string]time.Duration{"": time.Second, "s": time.Second, "ms": time.Millisecond, "m": time.Minute, "h": time.Hour}[m[2]]
	return time.Duration(n) * unit, true
}

// runNginx runs nginx on the configuration conf (generated from the file
// name) inside a minimal http{} in dir, logs in logs, until the test ends,
// and waits until it answers ready with 200 (through client; nil: the
// default client).
func runNginx(t *testing.T, bin, name, dir, logs, conf, ready string, client *http.Client) {
	t.Helper()
	if client == nil {
		client = http.DefaultClient
	}
	for _, d := range []string{logs, filepath.Join(dir, "temp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	user := ""
	if os.Geteuid() == 0 {
		// Workers would otherwise run as nobody, who cannot read the test's
		// temporary directories.
		user = "user root;\n"
	}
	temp := filepath.Join(dir, "temp")
	wrapper := fmt.Sprintf(`# generated by the nginx tests of cmd/award
%[1]sworker_processes 1;
pid %[2]s;
error_log %[3]s info;
events {
    worker_connections 768;
}
http {
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    gzip on;
    client_body_temp_path %[4]s/body;
    proxy_temp_path %[4]s/proxy;
    fastcgi_temp_path %[4]s/fastcgi;
    uwsgi_temp_path %[4]s/uwsgi;
    scgi_temp_path %[4]s/scgi;
    access_log %[5]s;
    include %[6]s;
}
`, user, filepath.Join(dir, "nginx.pid"), filepath.Join(logs, "error.log"), temp,
		filepath.Join(logs, "access.log"), filepath.Join(dir, "award.conf"))
	if err := os.WriteFile(filepath.Join(dir, "award.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(wrapper), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-e", filepath.Join(logs, "error.log")}
	if out, err := exec.Command(bin, append(args, "-t")...).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t on the configuration generated from %s: %v\n%s\n--- generated file:\n%s", name, err, out, conf)
	} else if bytes.Contains(out, []byte("[warn]")) {
		t.Errorf("nginx -t warns about the configuration generated from %s:\n%s", name, out)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, append(args, "-g", "daemon off;")...)
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	cmd.SysProcAttr = nginxProcAttr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM) // fast shutdown: held connections are closed
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Error("nginx did not stop on SIGTERM")
		}
		if t.Failed() {
			errs, _ := os.ReadFile(filepath.Join(logs, "error.log"))
			t.Logf("nginx output:\n%s\nerror.log (last 4 KB):\n%s", stderr.String(), tail(errs, 4<<10))

		}
	})
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-exited:
			t.Fatalf("nginx exited: %v\n%s", err, stderr.String())
		default:
		}
		resp, err := client.Get(ready)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not serve %s: %v", ready, err)
		}
	}
}
