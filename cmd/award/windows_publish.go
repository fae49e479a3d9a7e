package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/winpub"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/storage"
)

// publishUsage is the help of award build's -publish flag.
const publishUsage = "生成后把期限清单（windows.json）的版本记入此受理服务配置`文件`（如 intake.yaml）所指的存储，供多台受理服务器的 /readyz 核对各自的副本是否最新（单台部署不需要）"

// publishWindowsFile records the windows manifest at path in the store
// (winpub.Publish, generated at the file's modification time): only a
// newer, different version is written.
func publishWindowsFile(ctx context.Context, store storage.Store, path string) (winpub.Record, bool, error) {
	st, err := os.Stat(path)
	if err != nil {
		return winpub.Record{}, false, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return winpub.Record{}, false, err
	}
	return winpub.Publish(ctx, store, data, st.ModTime())
}

// publishBuild is award build -publish: it opens the store the service
// configuration names and records the build's windows manifest there.
func publishBuild(ctx context.Context, configFile, out string, stdout io.Writer) error {
	scfg, err := loadServiceConfig(configFile)
	if err != nil {
		return err
	}
	store, err := archive.OpenStore(ctx, scfg.Config.Config)
	if err != nil {
		return fmt.Errorf("记录期限清单版本：%w", err)
	}
	rec, wrote, err := publishWindowsFile(ctx, store, filepath.Join(out, schedule.ManifestName))
	if err != nil {
		return fmt.Errorf("记录期限清单版本出错：%w", err)
	}
	if wrote {
		fmt.Fprintf(stdout, "已在存储中记录期限清单版本 %s\n", rec.Version)
	} else {
		fmt.Fprintf(stdout, "存储中的期限清单版本 %s（未变或更新，不改）\n", rec.Version)
	}
	return nil
}

// publishWindowsLoop (award serve) records the windows manifest at path in
// the store now and after every rebuild that changes it (checked every
// interval), until ctx is done.
func publishWindowsLoop(ctx context.Context, store storage.Store, path string, interval time.Duration, log *slog.Logger) {
	var last time.Time
	var size int64 = -1
	for {
		if st, err := os.Stat(path); err == nil && (!st.ModTime().Equal(last) || st.Size() != size) {
			if rec, wrote, err := publishWindowsFile(ctx, store, path); err != nil {
				log.Warn("windows manifest not recorded in the store", "err", err)
			} else {
				last, size = st.ModTime(), st.Size()
				if wrote {
					log.Info("windows manifest recorded in the store", "version", rec.Version)
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}
