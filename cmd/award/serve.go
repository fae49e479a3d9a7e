package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/zhongmou/award/console"
	"github.com/zhongmou/award/intake"
	"github.com/zhongmou/award/schedule"
)

// defaultAddr is where serve listens unless ADDR or -addr says otherwise.
const defaultAddr = "127.0.0.1:8080"

// serveAbout is award serve's help paragraph.
const serveAbout = `生成网站（同 award build），在 ADDR（默认 ` + defaultAddr + `）上提供网站和受理服务，秘书处工作台另在
STAFF_ADDR 上；监视 content/、主题、site.yaml 和 holidays.yaml，改动后自动重新生成，打开的页面自动刷新。
按 Ctrl-C 停止（正常退出）。日志：终端上每件事一行中文，否则（或 -log json）每行一个 JSON 对象。`

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("award serve", "[参数]", serveAbout, stderr)
	var f buildFlags
	f.register(fs)
	var inf intakeFlags
	inf.register(fs)
	addr := defaultAddr
	if env := os.Getenv("ADDR"); env != "" {
		addr = env
	}
	fs.StringVar(&addr, "addr", addr, "网站和受理服务的监听`地址`（环境变量 ADDR）")
	var staffAddr string
	fs.StringVar(&staffAddr, "staff-addr", "", staffAddrUsage)
	var noWatch bool
	fs.BoolVar(&noWatch, "no-watch", false, "不监视来源文件的改动（不自动重新生成）")
	logFormat := fs.String("log", logAuto, logFlagUsage)
	var fixedNow string
	fs.StringVar(&fixedNow, "now", "", "把此`时刻`当作现在，如 2026-11-24T10:00:00+08:00（演示、培训和测试申报期、公示期用；make run NOW=…）")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	log, err := newLogger(stderr, *logFormat)
	if err != nil {
		return err
	}
	f.rebuilds = true
	o, err := f.options()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("无法在 %s 上监听：%w（端口可能已被占用，可设置 ADDR=127.0.0.1:8081 换一个）", addr, err)
	}
	defer ln.Close()
	// Links and feeds point at this server, under the configured base path.
	local, err := o.Config.WithBaseURL("http://" + ln.Addr().String() + o.Config.BasePath())
	if err != nil {
		return err
	}
	o.Config = local
	dev := &devServer{flags: f, opts: o, hub: newLiveHub(), stdout: stdout, stderr: stderr}
	if fixedNow != "" {
		if dev.now, err = time.Parse(time.RFC3339, fixedNow); err != nil {
			return fmt.Errorf("-now %q：请写成 2026-11-25T10:00:00+08:00 的形式", fixedNow)
		}
		dev.opts.FixedClock = true
	}
	if err := dev.start(ctx); err != nil {
		return err
	}
	scfg, err := loadServiceConfig(inf.config)
	if err != nil {
		return err
	}
	if staffAddr != "" {
		scfg.Staff.Addr = staffAddr
	}
	if scfg.Staff.PublicURL == "" {
		scfg.Staff.PublicURL = local.BaseURL // receipt links in mail point here
	}
	scfg.Holidays = f.holidays // the intake's and the console's calendar
	if scfg.Contact == intake.DefaultConfig().Contact && local.Footer.Phone != "" {
		// Unset: the secretariat as the site's footer names it.
		who := local.Footer.Sponsor
		if who == "" {
			who = scfg.Contact
		}
		scfg.Contact = who + "，联系电话 " + local.Footer.Phone
		scfg.Staff.Contact = scfg.Contact
	}
	// The console writes the drafts it generates into content/ and
	// previews them with the site's theme; the watcher rebuilds.
	scfg.drafts = &console.DraftSite{Content: f.content, Theme: o.Theme, Static: o.Static, Config: o.Config}
	if _, builtIn := builtInDir(f.content, defaultContent); builtIn {
		// The built-in content (make dist) cannot be written: the console
		// offers its drafts for download, as beside award intake.
		scfg.drafts = nil
	}
	// The intake and the console both read the windows of this build.
	scfg.Manifest = filepath.Join(f.out, schedule.ManifestName)
	icfg := scfg.Config
	icfg.BasePath, icfg.SiteTitle = local.BasePath(), local.Title
	in, arch, err := newIntake(ctx, icfg, log, true, dev.now)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var now func() time.Time
	if !dev.now.IsZero() {
		now = func() time.Time { return dev.now }
	}
	staffAddr, consoleDone, err := startConsole(ctx, scfg, arch, in, log, now, stdout)
	if err != nil {
		return err
	}
	janitorDone := runJanitor(ctx, arch, icfg.JanitorEvery, icfg.JanitorAfter)
	defer waitJanitor(cancel, janitorDone)
	go publishWindowsLoop(ctx, arch.Store(), scfg.Manifest, 2*time.Second, log)
	watching := ""
	if !noWatch && f.usesBuiltIn() {
		fmt.Fprintln(stdout, "使用程序内置的网站内容或主题（make dist 生成）：不监视改动。要修改网站，请把 content/ 和 themes/default/ 放在当前目录后重新启动")
	} else if !noWatch {
		if err := dev.watch(ctx); err != nil {
			return err
		}
		watching = "；修改 content/、主题或配置后自动重新生成，浏览器自动刷新"
	}
	fmt.Fprintf(stdout, "网站和受理服务已在 %s 运行；秘书处工作台在 http://%s/staff/（按 Ctrl-C 停止）%s\n", local.BaseURL, staffAddr, watching)
	h := oneOrigin(siteHeaders(siteHandler(f.out, local.BasePath(), local.BasePath()+"_award/live.js")), in, local.BasePath())
	setMemoryLimit(icfg, log)
	return serveBoth(ctx, cancel, func() error {
		return serveUntilDone(ctx, ln, endStreams(ctx, dev.routes(h, local.BasePath())), icfg)
	}, consoleDone)
}

// endStreams ends event streams (the pages' live-reload connections) when
// ctx is done, so that shutting down does not wait for open pages to go.
func endStreams(ctx context.Context, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
			rctx, cancel := context.WithCancel(r.Context())
			defer cancel()
			stop := context.AfterFunc(ctx, cancel)
			defer stop()
			r = r.WithContext(rctx)
		}
		next.ServeHTTP(w, r)
	})
}

// oneOrigin serves the site and, under the base path's /api/ and at
// /healthz, /readyz and /metrics, the intake.
func oneOrigin(site, intake http.Handler, basePath string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", site)
	// The console has its own listener (STAFF_ADDR): never here, whatever
	// the site holds.
	notHere := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.Clone(r.Context())
		r.URL.Path = basePath + "_award/staff-is-not-here" // the site's own 404 page
		site.ServeHTTP(w, r)
	})
	mux.Handle("/staff/", notHere)
	if basePath != "/" {
		mux.Handle(basePath+"staff/", notHere)
	}
	prefix := strings.TrimSuffix(basePath, "/")
	mux.Handle(basePath+"api/", http.StripPrefix(prefix, intake))
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		mux.Handle(p, intake)
	}
	return mux
}

// siteHeaders sets on the site's answers the security headers the intake
// sets on its own (intake.ContentSecurityPolicy): only same-origin scripts
// and styles — the live-reload script is a same-origin file, and the
// overlay it shows sets element.style from script, which the policy
// allows — no framing by other sites, no MIME sniffing, and only the
// origin as referrer when leaving the site.
func siteHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", intake.ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "SAMEORIGIN")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		next.ServeHTTP(w, r)
	})
}

// siteHandler serves the built site from dir under basePath, answering
// unknown paths with the site's 404.html. With a live script URL, HTML
// pages get the live-reload script (only as served: the files on disk are
// what award build writes).
func siteHandler(dir, basePath, liveScript string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, basePath) {
			if r.URL.Path == "/" {
				http.Redirect(w, r, basePath, http.StatusFound)
				return
			}
			serveNotFound(w, dir, liveScript)
			return
		}
		rel := strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(basePath, "/"))
		target := filepath.Join(dir, filepath.FromSlash(rel))
		st, err := os.Stat(target)
		if err == nil && st.IsDir() {
			if !strings.HasSuffix(r.URL.Path, "/") {
				http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
				return
			}
			target = filepath.Join(target, "index.html")
			st, err = os.Stat(target)
		}
		if err != nil || st.IsDir() {
			serveNotFound(w, dir, liveScript)
			return
		}
		if liveScript != "" && strings.HasSuffix(target, ".html") {
			page, err := os.ReadFile(target)
			if err != nil {
				serveNotFound(w, dir, liveScript)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			_, _ = w.Write(injectLive(page, liveScript))
			return
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = rel
		files.ServeHTTP(w, r2)
	})
	return mux
}

func serveNotFound(w http.ResponseWriter, dir, liveScript string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	if b, err := os.ReadFile(filepath.Join(dir, "404.html")); err == nil {
		if liveScript != "" {
			b = injectLive(b, liveScript)
		}
		w.Write(b)
		return
	}
	io.WriteString(w, "<!DOCTYPE html><title>页面未找到</title><p>页面未找到。</p>")
}
