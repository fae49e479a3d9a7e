package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
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

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("award serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f buildFlags
	f.register(fs)
	var inf intakeFlags
	inf.register(fs)
	addr := defaultAddr
	if env := os.Getenv("ADDR"); env != "" {
		addr = env
	}
	fs.StringVar(&addr, "addr", addr, "listen `address` (env ADDR)")
	var staffAddr string
	fs.StringVar(&staffAddr, "staff-addr", "", "the secretariat's console's listen `address` (default: STAFF_ADDR, else intake.yaml's staff.addr, else "+console.DefaultAddr+")")
	var noWatch bool
	fs.BoolVar(&noWatch, "no-watch", false, "do not watch the sources for changes")
	var fixedNow string
	fs.StringVar(&fixedNow, "now", "", "pretend it is this moment (RFC 3339), for demonstrations and tests of windows")
	if err := fs.Parse(args); err != nil {
		return err
	}
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
	// The intake and the console both read the windows of this build.
	scfg.Manifest = filepath.Join(f.out, schedule.ManifestName)
	icfg := scfg.Config
	icfg.BasePath, icfg.SiteTitle = local.BasePath(), local.Title
	in, arch, err := newIntake(ctx, icfg, slog.New(slog.NewJSONHandler(stderr, nil)), true, dev.now)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var now func() time.Time
	if !dev.now.IsZero() {
		now = func() time.Time { return dev.now }
	}
	staffAddr, consoleDone, err := startConsole(ctx, scfg, arch, in, slog.New(slog.NewJSONHandler(stderr, nil)), now, stdout)
	if err != nil {
		return err
	}
	go arch.RunJanitor(ctx, icfg.JanitorEvery, icfg.JanitorAfter)
	if !noWatch {
		if err := dev.watch(ctx); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "网站和受理服务已在 %s 运行；秘书处工作台在 http://%s/staff/（按 Ctrl-C 停止）；修改 content/、主题或配置后自动重新生成，浏览器自动刷新\n", local.BaseURL, staffAddr)
	h := oneOrigin(siteHeaders(siteHandler(f.out, local.BasePath(), local.BasePath()+"_award/live.js")), in, local.BasePath())
	setMemoryLimit(icfg, slog.New(slog.NewJSONHandler(stderr, nil)))
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
