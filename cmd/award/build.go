package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/zhongmou/award/site"
	"github.com/zhongmou/award/workday"
)

// buildFlags are the flags shared by build and serve.
type buildFlags struct {
	content, out, theme, static, config, holidays string
	drafts, future, expired                       bool
}

func (f *buildFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.content, "content", "content", "content `dir`ectory (Markdown)")
	fs.StringVar(&f.out, "out", "public", "output `dir`ectory")
	fs.StringVar(&f.theme, "theme", "themes/default", "theme `dir`ectory (layouts/, static/)")
	fs.StringVar(&f.static, "static", "static", "`dir`ectory of files copied as they are (skipped if missing)")
	fs.StringVar(&f.config, "config", "site.yaml", "site configuration `file` (defaults apply if missing)")
	fs.StringVar(&f.holidays, "holidays", "holidays.yaml", "holiday schedule `file` (State Council notices) for working-day windows")
	fs.BoolVar(&f.drafts, "drafts", false, "include drafts")
	fs.BoolVar(&f.future, "future", false, "include pages whose publishDate is in the future")
	fs.BoolVar(&f.expired, "expired", false, "include pages whose expiryDate has passed")
}

// options turns the flags into build options writing to a disk output.
func (f *buildFlags) options() (site.Options, error) {
	cfg, err := loadSiteConfig(f.config)
	if err != nil {
		return site.Options{}, err
	}
	for _, d := range []string{f.content, f.theme} {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return site.Options{}, fmt.Errorf("找不到目录 %s：请在代码仓库根目录运行 award，或用 -content、-theme 指定目录", d)
		}
	}
	cal, err := loadCalendar(f.holidays)
	if err != nil {
		return site.Options{}, err
	}
	o := site.Options{
		Calendar: cal,
		Content:  os.DirFS(f.content), Theme: os.DirFS(f.theme), Config: cfg,
		Output: newDiskOutput(f.out), Drafts: f.drafts, Future: f.future, Expired: f.expired,
		ContentLabel: filepath.ToSlash(filepath.Clean(f.content)), ThemeLabel: filepath.ToSlash(filepath.Clean(f.theme)),
	}
	if st, err := os.Stat(f.static); err == nil && st.IsDir() {
		o.Static = os.DirFS(f.static)
	}
	return o, nil
}

// loadCalendar reads the holiday schedule.
func loadCalendar(name string) (*workday.Calendar, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("读取节假日安排 %s 出错：%w（用 -holidays 指定文件）", name, err)
	}
	cal, err := workday.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s：%w", name, err)
	}
	return cal, nil
}

// loadSiteConfig reads the site configuration; a missing file means defaults.
func loadSiteConfig(name string) (site.Config, error) {
	data, err := os.ReadFile(name)
	if errors.Is(err, os.ErrNotExist) {
		data = nil
	} else if err != nil {
		return site.Config{}, fmt.Errorf("读取站点配置出错：%w", err)
	}
	cfg, err := site.ParseConfig(data)
	if err != nil {
		return site.Config{}, fmt.Errorf("%s: %w", name, err)
	}
	return cfg, nil
}

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("award build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f buildFlags
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	o, err := f.options()
	if err != nil {
		return err
	}
	rep, err := site.Build(ctx, o)
	if err != nil {
		return err
	}
	printReport(stdout, rep, f.out)
	return nil
}

// printReport writes a build report a clerk can read.
func printReport(w io.Writer, r *site.Report, out string) {
	fmt.Fprintf(w, "已生成 %s（用时 %s）：内容页 %d 个，列表页 %d 个；写入 %d 个文件，未变 %d 个，删除 %d 个\n",
		out, r.Duration.Round(time.Millisecond), r.Pages, r.Lists, r.Written, r.Unchanged, len(r.Removed))
	if len(r.Skipped) > 0 {
		var parts []string
		for i, s := range r.Skipped {
			if i == 10 {
				parts = append(parts, fmt.Sprintf("等（共 %d 个）", len(r.Skipped)))
				break
			}
			parts = append(parts, s.File+" ("+skipReason(s.Reason)+")")
		}
		fmt.Fprintf(w, "未发布 %d 个：%s\n", len(r.Skipped), strings.Join(parts, "，"))
	}
	for _, p := range r.Warnings {
		fmt.Fprintf(w, "提醒：%s\n", p)
	}
}

func skipReason(r string) string {
	switch r {
	case "draft":
		return "草稿；加 -drafts 可包含"
	case "future":
		return "发布时间未到；加 -future 可包含"
	case "expired":
		return "已过期；加 -expired 可包含"
	}
	return r
}
