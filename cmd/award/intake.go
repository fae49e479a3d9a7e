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

	"github.com/zhongmou/award/intake"
	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/internal/budget"
	"github.com/zhongmou/award/internal/connguard"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// intakeFlags are the flags of the intake, shared by intake and serve.
type intakeFlags struct {
	config string
}

func (f *intakeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.config, "intake-config", "intake.yaml", "受理服务配置`文件`（不存在时用默认值；AWARD_* 环境变量优先）")
}

// loadIntakeConfig reads the intake configuration file and environment.
func loadIntakeConfig(file string) (intake.Config, error) {
	return intake.LoadConfig(file, os.Getenv)
}

// openStore opens the configured storage: S3 when AWARD_S3_ENDPOINT is set,
// else the local directory.
func openStore(ctx context.Context, cfg intake.Config) (storage.Store, error) {
	if cfg.S3.Endpoint != "" {
		s, err := storage.NewS3Store(ctx, cfg.S3)
		if errors.Is(err, storage.ErrSSENotConfirmed) {
			return nil, fmt.Errorf("已设置 AWARD_S3_SSE=1（要求存储加密保存），但存储服务 %s 没有确认它加密了测试对象，可能以明文保存材料，因此不启动。"+
				"请在存储服务上配置加密（MinIO：设置 KMS 密钥，如 MINIO_KMS_SECRET_KEY），或在确认存储另有加密措施后关闭 AWARD_S3_SSE。详情：%w", cfg.S3.Endpoint, err)
		}
		if err != nil {
			return nil, fmt.Errorf("open S3 storage %s: %w", cfg.S3.Endpoint, err)
		}
		if 2*s.PartSize() > cfg.Memory.PartBuffers {
			return nil, fmt.Errorf("intake config: memory.partBuffers (%d) must hold two parts of s3.partSize (%d)", cfg.Memory.PartBuffers, s.PartSize())
		}
		s.LimitMemory(budget.New("upload small buffers", cfg.Memory.SmallBuffers, cfg.Memory.Wait),
			budget.New("upload part buffers", cfg.Memory.PartBuffers, cfg.Memory.Wait))
		return s, nil
	}
	s, err := storage.NewDirStore(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("open storage %s: %w", cfg.DataDir, err)
	}
	return s, nil
}

// openSealer returns the identity sealer from the configured key; create
// allows making a key file when there is none (award serve, for make run).
func openSealer(cfg intake.Config, log *slog.Logger, create bool) (*submission.Sealer, error) {
	key, info, err := cfg.IdentityKeyBytes(create)
	if err != nil {
		return nil, err
	}
	warnKey(log, info, "身份密钥", "丢失后已加密的身份信息无法读出")
	return submission.NewSealer(key)
}

// openSigner returns the record signer from the configured record keys
// (the current one and the old ones kept for verification); create allows
// making the key file when there is none (award serve, for make run).
func openSigner(cfg intake.Config, log *slog.Logger, create bool) (*submission.Signer, error) {
	key, old, info, err := cfg.RecordKeyBytes(create)
	if err != nil {
		return nil, err
	}
	warnKey(log, info, "记录密钥", "丢失后无法再核验已有的记录是否被改动")
	return submission.NewSigner(key, old...)
}

// warnKey logs, in Chinese for the person starting the service, that a key
// file was just created (and must be backed up) or lies at the old default
// place inside the data directory (and must be moved).
func warnKey(log *slog.Logger, info intake.KeyInfo, what, loss string) {
	if info.Created {
		log.Warn("已新建"+what+"文件：请立即另行备份（不要和数据放在一起），"+loss, "file", info.File)
	}
	if info.Legacy {
		log.Warn(what+"还在旧的默认位置 "+info.File+"（数据目录内，备份数据时会连同密钥一起带走）：请停止服务后执行 "+
			"mkdir -p -m 700 keys && mv "+info.File+" "+intake.DefaultIdentityKeyFile+"，再启动", "file", info.File)
	}
}

// newIntake builds the intake server over the manifest at manifestPath.
func newIntake(ctx context.Context, cfg intake.Config, log *slog.Logger, devKey bool, fixedNow time.Time) (*intake.Server, error) {
	store, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	sealer, err := openSealer(cfg, log, devKey)
	if err != nil {
		return nil, err
	}
	signer, err := openSigner(cfg, log, devKey)
	if err != nil {
		return nil, err
	}
	windows, err := schedule.OpenManifest(os.DirFS(filepath.Dir(cfg.Manifest)), filepath.Base(cfg.Manifest), 2*time.Second)
	if err != nil {
		return nil, fmt.Errorf("读取申报和公示期限清单 %s 出错：%w（请先运行 award build）", cfg.Manifest, err)
	}
	cal, err := loadCalendar(cfg.Holidays)
	if err != nil {
		return nil, err
	}
	townships, err := loadTownships(cfg.Townships)
	if err != nil {
		return nil, err
	}
	var now func() time.Time
	if !fixedNow.IsZero() {
		now = func() time.Time { return fixedNow }
	}
	return intake.New(cfg, intake.Deps{Store: store, Windows: windows, Sealer: sealer, Ledger: ledger.New(store, signer, now),
		Log: log, Calendar: cal, Townships: townships, Now: now})
}

// loadTownships reads the county's townships and sub-districts.
func loadTownships(name string) ([]string, error) {
	data, err := os.ReadFile(name)
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

// runIntake runs the intake alone.
func runIntake(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("award intake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f intakeFlags
	f.register(fs)
	addr := defaultAddr
	if env := os.Getenv("ADDR"); env != "" {
		addr = env
	}
	fs.StringVar(&addr, "addr", addr, "listen `address` (env ADDR)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadIntakeConfig(f.config)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	srv, err := newIntake(ctx, cfg, log, false, time.Time{})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("无法在 %s 上监听：%w", addr, err)
	}
	fmt.Fprintf(stdout, "受理服务已在 http://%s 运行（按 Ctrl-C 停止）\n", ln.Addr())
	go srv.RunJanitor(ctx, cfg.JanitorEvery, cfg.JanitorAfter)
	setMemoryLimit(cfg, log)
	return serveUntilDone(ctx, ln, srv, cfg)
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
		return fmt.Errorf("shut down: %w", err)
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
