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

	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/site"
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
	rep, err := site.Build(ctx, o)
	if err != nil {
		return err
	}
	printReport(stdout, rep, f.out)
	icfg, err := loadIntakeConfig(inf.config)
	if err != nil {
		return err
	}
	icfg.Manifest = filepath.Join(f.out, schedule.ManifestName)
	icfg.BasePath, icfg.SiteTitle = local.BasePath(), local.Title
	in, err := newIntake(ctx, icfg, slog.New(slog.NewJSONHandler(stderr, nil)))
	if err != nil {
		return err
	}
	go in.RunJanitor(ctx, 10*time.Minute, 2*time.Hour)
	fmt.Fprintf(stdout, "网站和受理服务已在 %s 运行（按 Ctrl-C 停止）\n", local.BaseURL)
	return serveUntilDone(ctx, ln, oneOrigin(siteHandler(f.out, local.BasePath()), in, local.BasePath()))
}

// oneOrigin serves the site and, under the base path's /api/ and at
// /healthz, /readyz and /metrics, the intake.
func oneOrigin(site, intake http.Handler, basePath string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", site)
	prefix := strings.TrimSuffix(basePath, "/")
	mux.Handle(basePath+"api/", http.StripPrefix(prefix, intake))
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		mux.Handle(p, intake)
	}
	return mux
}

// siteHandler serves the built site from dir under basePath, answering
// unknown paths with the site's 404.html.
func siteHandler(dir, basePath string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, basePath) {
			if r.URL.Path == "/" {
				http.Redirect(w, r, basePath, http.StatusFound)
				return
			}
			serveNotFound(w, dir)
			return
		}
		rel := strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(basePath, "/"))
		target := filepath.Join(dir, filepath.FromSlash(rel))
		if st, err := os.Stat(target); err != nil || (st.IsDir() && !exists(filepath.Join(target, "index.html"))) {
			serveNotFound(w, dir)
			return
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = rel
		files.ServeHTTP(w, r2)
	})
	return mux
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func serveNotFound(w http.ResponseWriter, dir string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	if b, err := os.ReadFile(filepath.Join(dir, "404.html")); err == nil {
		w.Write(b)
		return
	}
	io.WriteString(w, "<!DOCTYPE html><title>页面未找到</title><p>页面未找到。</p>")
}
