package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/zhongmou/award/site"
	"github.com/zhongmou/award/workday"
)

// buildFlags are the flags shared by build and serve.
type buildFlags struct {
	content, out, theme, static, config, holidays string
	drafts, future, expired                       bool
	// rebuilds: the output is written again and again (award serve), and
	// remembers what it wrote (diskOutput).
	rebuilds bool
}

func (f *buildFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.content, "content", defaultContent, "网站内容（Markdown）所在`目录`（make dist 生成的程序在没有此目录时用内置的内容）")
	fs.StringVar(&f.out, "out", "public", "生成的网站写入此`目录`")
	fs.StringVar(&f.theme, "theme", defaultTheme, "主题`目录`（其中有 layouts/、static/；make dist 生成的程序在没有此目录时用内置的主题）")
	fs.StringVar(&f.static, "static", "static", "原样复制到网站的文件所在`目录`（不存在时跳过）")
	fs.StringVar(&f.config, "config", defaultConfig, "网站配置`文件`（不存在时用默认值）")
	fs.StringVar(&f.holidays, "holidays", defaultHolidays, "节假日安排`文件`（国务院办公厅通知），用于按工作日计算期限")
	fs.BoolVar(&f.drafts, "drafts", false, "包含草稿（draft: true 的页面）")
	fs.BoolVar(&f.future, "future", false, "包含发布时间（publishDate）未到的页面")
	fs.BoolVar(&f.expired, "expired", false, "包含已过期（expiryDate 已过）的页面")
}

// options turns the flags into build options writing to a disk output.
func (f *buildFlags) options() (site.Options, error) {
	cfg, err := loadSiteConfig(f.config)
	if err != nil {
		return site.Options{}, err
	}
	var dirs [2]fs.FS
	for i, d := range [...]struct{ dir, def string }{{f.content, defaultContent}, {f.theme, defaultTheme}} {
		if st, err := os.Stat(d.dir); err == nil && st.IsDir() {
			dirs[i] = newDiskDir(d.dir)
		} else if b, ok := builtInDir(d.dir, d.def); ok {
			dirs[i] = b // make dist: the program's own copy
		} else {
			return site.Options{}, fmt.Errorf("找不到目录 %s：请在代码仓库根目录运行 award，或用 -content、-theme 指定目录", d.dir)
		}
	}
	cal, err := loadCalendar(f.holidays)
	if err != nil {
		return site.Options{}, err
	}
	o := site.Options{
		Calendar: cal,
		Content:  dirs[0], Theme: dirs[1], Config: cfg,
		Output: newDiskOutput(f.out, f.rebuilds), Drafts: f.drafts, Future: f.future, Expired: f.expired,
		ContentLabel: filepath.ToSlash(filepath.Clean(f.content)), ThemeLabel: filepath.ToSlash(filepath.Clean(f.theme)),
		ConfigLabel: filepath.ToSlash(filepath.Clean(f.config)),
	}
	if st, err := os.Stat(f.static); err == nil && st.IsDir() {
		o.Static = os.DirFS(f.static)
	}
	return o, nil
}

// loadCalendar reads the holiday schedule.
func loadCalendar(name string) (*workday.Calendar, error) {
	data, err := readSource(name, defaultHolidays)
	if err != nil {
		return nil, fmt.Errorf("读取节假日安排 %s 出错：%w（用 -holidays 指定文件）", name, err)
	}
	cal, err := workday.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s：%w", name, err)
	}
	return cal, nil
}

// loadSiteConfig reads the site configuration; a missing file means defaults
// (those of the built-in site.yaml in a program built by make dist).
func loadSiteConfig(name string) (site.Config, error) {
	data, err := readSource(name, defaultConfig)
	if errors.Is(err, os.ErrNotExist) {
		data = nil
	} else if err != nil {
		return site.Config{}, fmt.Errorf("读取站点配置出错：%w", err)
	}
	cfg, err := site.ParseConfig(data)
	if err != nil {
		return site.Config{}, fmt.Errorf("%s：%w", name, err)
	}
	return cfg, nil
}

// buildAbout is award build's help paragraph.
const buildAbout = `把 content/ 中的 Markdown 用主题 themes/default/ 生成网站，写入 public/（可直接交给 nginx 等
静态网站服务器）。只写入内容有变化的文件，删除不再需要的文件。来源有问题（页头格式、日期、
站内链接、公示期不足等）时列出全部问题（文件:行号：问题），不写入任何文件，以非零状态结束。`

// buildGCPercent is the collector's target during award build unless the
// GOGC environment variable sets one. A build's peak memory is about twice
// its live heap at Go's default of 100: at 80, a 10,000-page build peaks
// about 8 % lower for about 4 % more time (award build, measured on
// 2 cores), memory being the scarcer of the two on a county's server.
const buildGCPercent = 80

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("award build", "[参数]", buildAbout, stderr)
	var f buildFlags
	f.register(fs)
	publish := fs.String("publish", "", publishUsage)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	o, err := f.options()
	if err != nil {
		return err
	}
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(buildGCPercent))
	}
	rep, err := site.Build(ctx, o)
	if err != nil {
		return err
	}
	printReport(stdout, rep, f.out)
	if *publish != "" {
		return publishBuild(ctx, *publish, f.out, stdout)
	}
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
