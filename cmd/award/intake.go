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
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/zhongmou/award/intake"
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
		if err != nil {
			return nil, fmt.Errorf("open S3 storage %s: %w", cfg.S3.Endpoint, err)
		}
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
	key, created, err := cfg.IdentityKeyBytes(create)
	if err != nil {
		return nil, err
	}
	if created {
		log.Warn("created a new identity key; keep a copy, without it sealed identities cannot be read", "file", cfg.IdentityKeyFile)
	}
	return submission.NewSealer(key)
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
	return intake.New(cfg, intake.Deps{Store: store, Windows: windows, Sealer: sealer, Log: log, Calendar: cal, Townships: townships, Now: now})
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
	return serveUntilDone(ctx, ln, srv)
}

// maxHeaderBytes bounds a request's header.
const maxHeaderBytes = 64 << 10

// serveUntilDone serves h on ln until ctx is done, then shuts down,
// letting requests in flight finish within a deadline. Headers must arrive
// within 10 seconds and stay under 64 KiB; an idle keep-alive connection
// is closed after 2 minutes. There is no overall read or write timeout,
// since an application may upload a gigabyte over a slow line: a stalled
// body is dropped by the intake instead (intake.Config.StallTimeout).
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler) error {
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
