package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/zhongmou/award/console"
	"github.com/zhongmou/award/intake"
	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/notify"
	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/schedule"
)

// serviceConfig is intake.yaml: the intake's and the archive's settings at
// the top level, the console's under staff:, the mail relay's under smtp:.
type serviceConfig struct {
	intake.Config `yaml:",inline"`
	Staff         console.Config    `yaml:"staff"`
	SMTP          notify.SMTPConfig `yaml:"smtp"`
	// drafts is the site beside the console (award serve on the same
	// machine): generated drafts are written into its content directory
	// and previewed with its theme. nil: they are downloaded.
	drafts *console.DraftSite `yaml:"-"`
}

// loadServiceConfig reads intake.yaml (a missing file is fine) over the
// defaults, then the environment.
func loadServiceConfig(file string) (serviceConfig, error) {
	cfg := serviceConfig{Config: intake.DefaultConfig(), Staff: console.DefaultConfig()}
	if err := archive.ReadConfigFile(file, &cfg, true); err != nil {
		return serviceConfig{}, fmt.Errorf("受理服务配置 %w", err)
	}
	if err := cfg.Config.Finish(os.Getenv); err != nil {
		return serviceConfig{}, err
	}
	if err := cfg.Staff.ApplyEnv(os.Getenv); err != nil {
		return serviceConfig{}, err
	}
	cfg.Staff.TrustProxy = cfg.Staff.TrustProxy || cfg.TrustProxy
	cfg.Staff.Reports = cfg.Reports // one reports configuration, the intake's
	if cfg.Staff.Contact == "" {
		cfg.Staff.Contact = cfg.Contact // one contact, the intake's, unless staff: sets its own
	}
	if err := cfg.SMTP.ApplyEnv(os.Getenv); err != nil {
		return serviceConfig{}, err
	}
	return cfg, nil
}

// startConsole starts the secretariat's console on its own listener
// (cfg.Staff.Addr, STAFF_ADDR) beside the intake, over the same archive,
// with the mail outbox (sending through cfg.SMTP when a relay is set;
// otherwise messages wait in the outbox until one is). It returns the
// console's address and a channel that gives the console's end.
func startConsole(ctx context.Context, cfg serviceConfig, arch *archive.Archive, in *intake.Server, log *slog.Logger, now func() time.Time, stdout io.Writer) (string, <-chan error, error) {
	ln, err := net.Listen("tcp", cfg.Staff.Addr)
	if err != nil {
		return "", nil, fmt.Errorf("秘书处工作台无法在 %s 上监听：%w（端口可能已被占用，可设置 STAFF_ADDR=127.0.0.1:8091 换一个）", cfg.Staff.Addr, err)
	}
	var sender notify.Notifier
	if cfg.SMTP.Host != "" {
		if err := cfg.SMTP.Check(); err != nil {
			ln.Close()
			return "", nil, err
		}
		smtp, err := notify.NewSMTP(cfg.SMTP)
		if err != nil {
			ln.Close()
			return "", nil, err
		}
		sender = smtp
	} else {
		fmt.Fprintln(stdout, "未配置发信服务器（AWARD_SMTP_HOST）：通知邮件先存在发件箱里，配置后自动发出")
	}
	outbox := notify.NewOutbox(arch.Store(), arch.Sealer(), sender, now, log)
	if in != nil {
		if err := in.Registerer().Register(outbox); err != nil {
			ln.Close()
			return "", nil, fmt.Errorf("登记邮件监控指标出错：%w", err)
		}
	}
	cal, err := loadCalendar(cfg.Holidays)
	if err != nil {
		ln.Close()
		return "", nil, err
	}
	srv, err := console.New(cfg.Staff, console.Deps{Archive: arch, Staff: staff.NewDirectory(arch.Store(), arch.Sealer(), now),
		Outbox: outbox, Log: log, Now: now, Townships: mustTownships(cfg.Townships, log), Calendar: cal,
		Windows: consoleWindows(cfg.Manifest, log), Site: cfg.drafts, Limits: &cfg.Limits})
	if err != nil {
		ln.Close()
		return "", nil, err
	}
	if sender != nil {
		go outbox.Run(ctx, cfg.Staff.MailEvery)
	}
	go srv.Run(ctx)
	addr := ln.Addr().String()
	done := make(chan error, 1)
	go func() { done <- serveUntilDone(ctx, ln, srv, cfg.Config) }()
	return addr, done, nil
}

// mustTownships is townships.yaml's list, or none (logged) when it cannot
// be read: the console then offers no township filter.
func mustTownships(file string, log *slog.Logger) []string {
	t, err := loadTownships(file)
	if err != nil {
		log.Warn("townships not read; the inbox has no township filter", "err", err)
	}
	return t
}

// consoleWindows is the windows manifest (windows.json) for the console:
// objection outcomes find the candidate's application on it, paper
// submissions their window. nil (logged) when it cannot be read: outcomes
// then go by credit code alone.
func consoleWindows(file string, log *slog.Logger) console.Windows {
	if file == "" {
		return nil
	}
	w, err := schedule.OpenManifest(os.DirFS(filepath.Dir(file)), filepath.Base(file), 2*time.Second)
	if err != nil {
		log.Warn("windows manifest not read; the console works without it", "file", file, "err", err)
		return nil
	}
	return w
}
