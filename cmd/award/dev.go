package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/site"
)

// devServer is award serve's build side: one site.Session, rebuilt on every
// batch of changes, announcing each result to the open pages.
type devServer struct {
	now    time.Time // a fixed clock (serve -now), zero for the real one
	flags  buildFlags
	opts   site.Options
	sess   *site.Session
	hub    *liveHub
	stdout io.Writer
	stderr io.Writer
}

// start runs the first build. If it fails but an earlier build's output is
// there, that output is served with the problems shown over it.
func (d *devServer) start(ctx context.Context) error {
	sess, err := site.NewSession(d.opts)
	if err != nil {
		return err
	}
	d.sess = sess
	rep, err := sess.Build(ctx, site.Change{Full: true}, d.now)
	if err != nil {
		if _, statErr := os.Stat(filepath.Join(d.flags.out, schedule.ManifestName)); statErr != nil {
			return err
		}
		fmt.Fprintf(d.stderr, "%v\n仍在提供上次生成成功的网站；改正后自动重新生成。\n", err)
		d.hub.failed(err)
		return nil
	}
	printReport(d.stdout, rep, d.flags.out)
	return nil
}

// watch starts watching the sources and rebuilding on change.
func (d *devServer) watch(ctx context.Context) error {
	w, err := newWatcher(d.flags.content, d.flags.theme, d.flags.config, d.flags.holidays)
	if err != nil {
		return fmt.Errorf("无法监视来源文件的改动：%w（可加 -no-watch 关闭监视）", err)
	}
	batches := make(chan batch)
	errs := make(chan error, 8)
	go w.run(ctx, batches, errs)
	go func() {
		defer w.close()
		for {
			select {
			case <-ctx.Done():
				return
			case err := <-errs:
				fmt.Fprintf(d.stderr, "监视文件出错：%v\n", err)
			case b := <-batches:
				d.rebuild(ctx, b)
			}
		}
	}()
	return nil
}

// rebuild builds after one batch; builds never overlap (one goroutine).
func (d *devServer) rebuild(ctx context.Context, b batch) {
	change := site.Change{Content: b.content, Theme: b.theme}
	if b.config {
		o, err := d.flags.options()
		if err == nil {
			o.Config, err = o.Config.WithBaseURL(d.opts.Config.BaseURL)
			o.FixedClock = d.opts.FixedClock
		}
		if err != nil {
			fmt.Fprintf(d.stderr, "%v\n", err)
			d.hub.failed(err)
			return
		}
		sess, err := site.NewSession(o)
		if err != nil {
			d.hub.failed(err)
			return
		}
		d.opts, d.sess = o, sess
		change = site.Change{Full: true}
	}
	rep, err := d.sess.Build(ctx, change, d.now)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return
		}
		fmt.Fprintf(d.stderr, "%v\n上次生成成功的网站仍在提供；改正后自动重新生成。\n", err)
		d.hub.failed(err)
		return
	}
	fmt.Fprintf(d.stdout, "重新生成（用时 %s）：渲染 %d 个，写入 %d 个文件\n", rep.Duration.Round(time.Millisecond), rep.Rendered, rep.Written)
	d.hub.built(rep)
}

// routes adds the live-reload endpoints under the base path.
func (d *devServer) routes(h http.Handler, basePath string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.Handle(basePath+"_award/events", d.hub)
	mux.HandleFunc(basePath+"_award/live.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(liveJS)
	})
	return mux
}
