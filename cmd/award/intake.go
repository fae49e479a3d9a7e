package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/zhongmou/award/console"
	"github.com/zhongmou/award/intake"
	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/budget"
	"github.com/zhongmou/award/internal/connguard"
	"github.com/zhongmou/award/internal/pagechrome"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/storage"
)

// intakeFlags are the flags of the intake, shared by intake and serve.
type intakeFlags struct {
	config string
}

func (f *intakeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.config, "intake-config", "intake.yaml", "受理服务配置`文件`（不存在时用默认值；AWARD_* 环境变量优先）")
}

// loadIntakeConfig reads the intake configuration file and environment.
// The file may hold the console's and the mail relay's settings too.
func loadIntakeConfig(file string) (intake.Config, error) {
	cfg, err := loadServiceConfig(file)
	return cfg.Config, err
}

// openArchive opens the configured archive (storage and keys); create
// allows making missing key files (award serve, for make run). With S3
// storage, the uploads' buffers are bounded by the intake's memory budget.
func openArchive(ctx context.Context, cfg intake.Config, log *slog.Logger, o archive.Options) (*archive.Archive, error) {
	o.Log = log
	a, err := archive.Open(ctx, cfg.Config, o)
	if err != nil {
		return nil, err
	}
	if s, ok := a.Store().(*storage.S3Store); ok {
		if 2*s.PartSize() > cfg.Memory.PartBuffers {
			return nil, fmt.Errorf("受理服务配置有误：memory.partBuffers（AWARD_MEM_PART_BUFFERS，%d 字节）须至少容纳两个 s3.partSize（%d 字节）的分块，请调大前者或调小后者", cfg.Memory.PartBuffers, s.PartSize())
		}
		s.LimitMemory(budget.New("upload small buffers", cfg.Memory.SmallBuffers, cfg.Memory.Wait),
			budget.New("upload part buffers", cfg.Memory.PartBuffers, cfg.Memory.Wait))
	}
	return a, nil
}

// newIntake builds the intake server over the windows manifest at
// cfg.Manifest and the page chrome beside it (pagechrome.Name in the same
// directory: both are outputs of one site build).
func newIntake(ctx context.Context, cfg intake.Config, log *slog.Logger, devKey bool, fixedNow time.Time) (*intake.Server, *archive.Archive, error) {
	var now func() time.Time
	if !fixedNow.IsZero() {
		now = func() time.Time { return fixedNow }
	}
	arch, err := openArchive(ctx, cfg, log, archive.Options{CreateKeys: devKey, Now: now})
	if err != nil {
		return nil, nil, err
	}
	windows, err := schedule.OpenManifest(os.DirFS(filepath.Dir(cfg.Manifest)), filepath.Base(cfg.Manifest), 2*time.Second)
	if err != nil {
		return nil, nil, fmt.Errorf("读取申报和公示期限清单 %s 出错：%w（请先运行 award build）", cfg.Manifest, err)
	}
	// The site's header and footer, from the same build as the manifest;
	// until there is one the intake's pages show plain ones (it warns).
	chrome := pagechrome.Open(os.DirFS(filepath.Dir(cfg.Manifest)), 2*time.Second)
	cal, err := loadCalendar(cfg.Holidays)
	if err != nil {
		return nil, nil, err
	}
	townships, err := loadTownships(cfg.Townships)
	if err != nil {
		return nil, nil, err
	}
	srv, err := intake.New(cfg, intake.Deps{Archive: arch, Windows: windows, Chrome: chrome,
		Log: log, Calendar: cal, Townships: townships, Now: now})
	if err != nil {
		return nil, nil, err
	}
	return srv, arch, nil
}

// loadTownships reads the county's townships and sub-districts.
func loadTownships(name string) ([]string, error) {
	data, err := readSource(name, defaultTownships)
	if err != nil {
		return nil, fmt.Errorf("读取乡镇（街道）名单 %s 出错：%w", name, err)
	}
	var v struct {
		Townships []string `yaml:"townships"`
	}
	if err := yaml.Unmarshal(data, &v); err != nil || len(v.Townships) == 0 {
		return nil, fmt.Errorf("乡镇（街道）名单 %s 格式有误：%v", name, err)
	}
	return v.Townships, nil
}

// logFlagUsage is the help of the -log flag of intake and serve.
const logFlagUsage = "日志`格式`：auto（终端上每件事一行中文，否则 JSON）、json（每行一个 JSON 对象，供日志收集）或 text（总是中文）；时间均为北京时间（+08:00）"

// staffAddrUsage is the help of the -staff-addr flag of intake and serve.
const staffAddrUsage = "秘书处工作台的监听`地址`（默认取环境变量 STAFF_ADDR，其次 intake.yaml 的 staff.addr，再次 " + console.DefaultAddr + "）"

// runIntake runs the intake alone.
func runIntake(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("award intake", "[参数]", "只运行受理服务（网上提交申报和异议）和秘书处工作台，不生成、不提供网站页面：\n读取 award build 生成的 public/windows.json 和 public/_award/chrome.json，生成后自动重新读取。", stderr)
	var f intakeFlags
	f.register(fs)
	addr := defaultAddr
	if env := os.Getenv("ADDR"); env != "" {
		addr = env
	}
	fs.StringVar(&addr, "addr", addr, "监听`地址`（环境变量 ADDR）")
	var staffAddr string
	fs.StringVar(&staffAddr, "staff-addr", "", staffAddrUsage)
	logFormat := fs.String("log", logAuto, logFlagUsage)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	scfg, err := loadServiceConfig(f.config)
	if err != nil {
		return err
	}
	if staffAddr != "" {
		scfg.Staff.Addr = staffAddr
	}
	cfg := scfg.Config
	log, err := newLogger(stderr, *logFormat)
	if err != nil {
		return err
	}
	srv, arch, err := newIntake(ctx, cfg, log, false, time.Time{})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("无法在 %s 上监听：%w", addr, err)
	}
	defer ln.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	staffAddr, consoleDone, err := startConsole(ctx, scfg, arch, srv, log, nil, stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "受理服务已在 http://%s 运行；秘书处工作台在 http://%s/staff/（按 Ctrl-C 停止）\n", ln.Addr(), staffAddr)
	janitorDone := runJanitor(ctx, arch, cfg.JanitorEvery, cfg.JanitorAfter)
	setMemoryLimit(cfg, log)
	err = serveBoth(ctx, cancel, func() error { return serveUntilDone(ctx, ln, srv, cfg) }, consoleDone)
	waitJanitor(cancel, janitorDone)
	return err
}

// runJanitor runs the archive's janitor until ctx is done; the channel is
// closed when it has ended (its lease handed back).
func runJanitor(ctx context.Context, arch *archive.Archive, every, after time.Duration) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		arch.RunJanitor(ctx, every, after)
	}()
	return done
}

// waitJanitor ends the janitor and waits (10 s at most) for it to hand its
// lease back, so that another replica's janitor takes over at its next look
// rather than when the lease expires.
func waitJanitor(cancel context.CancelFunc, done <-chan struct{}) {
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
	}
}

// serveBoth runs the public listener's serve until it ends, and ends the
// console with it; an early end of the console ends both.
func serveBoth(ctx context.Context, cancel context.CancelFunc, serve func() error, consoleDone <-chan error) error {
	errc := make(chan error, 1)
	go func() { errc <- serve() }()
	var err error
	select {
	case err = <-errc:
		cancel()
		if cerr := <-consoleDone; err == nil {
			err = cerr
		}
	case err = <-consoleDone:
		cancel()
		if serr := <-errc; err == nil {
			err = serr
		}
		if err == nil && ctx.Err() == nil {
			err = fmt.Errorf("秘书处工作台已停止")
		}
	}
	return err
}

// maxHeaderBytes bounds a request's header.
const maxHeaderBytes = 64 << 10

// serveUntilDone serves h on ln until ctx is done, then shuts down,
// letting requests in flight finish within a deadline. Headers must arrive
// within 10 seconds and stay under 64 KiB; an idle keep-alive connection
// is closed after 2 minutes. The listener refuses connections over
// cfg.Connections (in all, and per client unless behind a trusted proxy),
// and a request's body must arrive within cfg.Connections.BodyTimeout,
// which uploads move forward while bytes flow (intake.Config.StallTimeout):
// there is no overall read or write timeout, since an application may
// upload a gigabyte over a slow line.
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler, cfg intake.Config) error {
	limits := connguard.Limits{Total: cfg.Connections.Max, PerClient: cfg.Connections.PerClient, IPv6Prefix: cfg.ClientIPv6Prefix}
	if cfg.TrustProxy {
		limits.PerClient = 0 // every connection is the proxy's
	}
	ln = connguard.Listen(ln, limits)
	h = connguard.ReadDeadlines(h, cfg.Connections.BodyTimeout)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: maxHeaderBytes, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("停止服务时出错（30 秒内未处理完的请求被中断）：%w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// setMemoryLimit gives the Go runtime the configured soft memory limit,
// unless the environment sets GOMEMLIMIT, so that the collector works
// harder before the process nears the unit's MemoryMax.
func setMemoryLimit(cfg intake.Config, log *slog.Logger) {
	if os.Getenv("GOMEMLIMIT") != "" || cfg.Memory.SoftLimit <= 0 {
		return
	}
	debug.SetMemoryLimit(cfg.Memory.SoftLimit)
	log.Info("memory limit set", "bytes", cfg.Memory.SoftLimit)
}
