// Package archive owns a stored submission's life, from the first byte an
// objector or applicant sends to its purge at the end of its retention
// period. The intake (HTTP), the export, the status command and the
// console all go through it; it imports, among the award's own packages,
// only storage and submission (and its ledger, below it).
//
// The contract of a submission's life:
//
//   - Begin reserves a fresh reference by writing its in-flight record
//     (inflight/<ref>.json) only if absent. From then on every object the
//     upload writes is listed in that record before it is written, so that
//     whatever a crash leaves can be found.
//   - Upload.Put stores one file under a generated key
//     (<kind>s/<ref>/files/NNN, never a name the sender chose), streaming
//     with bounded memory, and returns its size and SHA-256 computed on
//     the way. A long upload rewrites its in-flight record every 64 MiB so
//     that it is never taken for an interrupted one.
//   - Upload.Commit writes the manifest — typed fields, the identity sealed
//     with AES-256-GCM under the identity key, the files with their
//     SHA-256, the hash of the receipt token — signed with the record key,
//     only if absent (<kind>s/<ref>/manifest.json); then its entry in the
//     hash-chained ledger; then drops the in-flight record. The manifest is
//     the commit point: a submission exists exactly when its manifest does,
//     and nothing is half-stored.
//   - Upload.Discard removes everything the upload wrote, even when the
//     client has gone; what it cannot remove the janitor does.
//   - Find reads a committed submission by reference; Case reads it with
//     its handling: its events (status records) oldest first, its current
//     stage (submission.Stages) and the number of its latest event;
//     Statuses lists the events latest first. AppendEvent adds the next
//     event, numbered, written only if absent under
//     status/<ref>/<seq>.json, and only from the latest event the caller
//     saw (else ErrConflict) and along a move the stage allows (else
//     ErrStage); signed and recorded in the ledger; Options.OnEvent hears
//     of it. OpenIdentity decrypts a submitter's identity into its type.
//     Audit appends a record of what a member of the secretariat did.
//   - PutAttachment stores a file staff add to a committed case (a
//     township's stamped 推荐意见) under <kind>s/<ref>/attachments/, only
//     if absent, with its SHA-256; it belongs to the case once the event
//     naming it (Status.Review) is appended — a caller whose event is
//     refused removes it (RemoveAttachment). The manifest and its files
//     are never changed; Case.Attachments lists them.
//   - Sweep (the janitor, RunJanitor) removes what interrupted uploads
//     left, records in the ledger what a crash left unrecorded, and purges
//     submissions past RetentionDays (with their supplements and
//     attachments), recording each purge first; it never touches a
//     committed submission otherwise.
//
// Open builds an Archive from a Config (storage, keys, retention) with
// defaults, a file and environment overrides.
package archive

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// Archive is the stored submissions of one store. It is safe for
// concurrent use, and several Archives (replicas) may share one store.
type Archive struct {
	store  storage.Store
	sealer *submission.Sealer // nil: identities stay sealed (Open without the identity key)
	ledger *ledger.Ledger
	cfg    Config
	log    *slog.Logger
	now    func() time.Time
	loc    *time.Location // of the dates in the janitor's log
	// OnSweep, when set, is told what each janitor sweep did (metrics).
	OnSweep func(SweepReport)
	onEvent func(context.Context, *submission.Manifest, submission.Status)
}

// Options modify Open and New.
type Options struct {
	Log *slog.Logger
	// Now is the archive's clock; nil means time.Now.
	Now func() time.Time
	// CreateKeys lets Open create missing key files (award serve, for make
	// run); elsewhere a missing key is an error, never silently replaced.
	CreateKeys bool
	// WithoutIdentityKey opens the archive without the identity key:
	// identities stay sealed (award export -no-identity, award status).
	WithoutIdentityKey bool
	// Location is the time zone of dates in the log; nil: Asia/Shanghai.
	Location *time.Location
	// OnEvent, when set, is called by AppendEvent after each event is
	// stored and entered in the ledger, with the submission's manifest and
	// the event as stored, before AppendEvent returns (the console queues
	// the notifications of a stage change). It runs in the caller's
	// goroutine with its context; what it does cannot undo the event, so it
	// reports its own failures (logs them).
	OnEvent func(ctx context.Context, m *submission.Manifest, st submission.Status)
}

// Open opens the configured store and keys.
func Open(ctx context.Context, cfg Config, o Options) (*Archive, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	var sealer *submission.Sealer
	if !o.WithoutIdentityKey {
		var err error
		if sealer, err = cfg.OpenSealer(o.Log, o.CreateKeys); err != nil {
			return nil, err
		}
	}
	signer, err := cfg.OpenSigner(o.Log, o.CreateKeys)
	if err != nil {
		return nil, err
	}
	store, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return New(store, sealer, ledger.New(store, signer, o.Now), cfg, o), nil
}

// New is an Archive over parts opened by the caller.
func New(store storage.Store, sealer *submission.Sealer, lg *ledger.Ledger, cfg Config, o Options) *Archive {
	o = o.withDefaults()
	if cfg.UploadExpiry <= 0 {
		cfg.UploadExpiry = DefaultConfig().UploadExpiry
	}
	return &Archive{store: store, sealer: sealer, ledger: lg, cfg: cfg, log: o.Log, now: o.Now, loc: o.Location, onEvent: o.OnEvent}
}

func (o Options) withDefaults() Options {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
			o.Location = loc
		} else {
			o.Location = time.UTC
		}
	}
	return o
}

// Store is the store the archive keeps its objects in.
func (a *Archive) Store() storage.Store { return a.store }

// Ledger is the archive's ledger.
func (a *Archive) Ledger() *ledger.Ledger { return a.ledger }

// Sealer opens sealed identities; nil when opened WithoutIdentityKey.
func (a *Archive) Sealer() *submission.Sealer { return a.sealer }

// Signer is the record key that signs and verifies the archive's records.
func (a *Archive) Signer() *submission.Signer { return a.ledger.Signer() }

// Config is the archive's configuration.
func (a *Archive) Config() Config { return a.cfg }

// OpenStore opens the configured storage: S3 when S3.Endpoint is set,
// else the local directory; its errors say in Chinese what failed.
func OpenStore(ctx context.Context, cfg Config) (storage.Store, error) {
	if cfg.S3.Endpoint != "" {
		s, err := storage.NewS3Store(ctx, cfg.S3)
		if errors.Is(err, storage.ErrSSENotConfirmed) {
			return nil, fmt.Errorf("已设置 AWARD_S3_SSE=1（要求存储加密保存），但存储服务 %s 没有确认它加密了测试对象，可能以明文保存材料，因此不启动。"+
				"请在存储服务上配置加密（MinIO：设置 KMS 密钥，如 MINIO_KMS_SECRET_KEY），或在确认存储另有加密措施后关闭 AWARD_S3_SSE。详情：%w", cfg.S3.Endpoint, err)
		}
		if err != nil {
			return nil, fmt.Errorf("无法连接存储服务 %s：%w", cfg.S3.Endpoint, err)
		}
		return s, nil
	}
	s, err := storage.NewDirStore(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("无法打开存储目录 %s：%w", cfg.DataDir, err)
	}
	return s, nil
}

// OpenSealer returns the identity sealer from the configured key; create
// allows making a key file when there is none (award serve, for make run).
func (c *Config) OpenSealer(log *slog.Logger, create bool) (*submission.Sealer, error) {
	key, info, err := c.IdentityKeyBytes(create)
	if err != nil {
		return nil, err
	}
	warnKey(log, info, "身份密钥", "丢失后已加密的身份信息无法读出")
	return submission.NewSealer(key)
}

// OpenSigner returns the record signer from the configured record keys
// (the current one and the old ones kept for verification); create allows
// making the key file when there is none (award serve, for make run).
func (c *Config) OpenSigner(log *slog.Logger, create bool) (*submission.Signer, error) {
	key, old, info, err := c.RecordKeyBytes(create)
	if err != nil {
		return nil, err
	}
	warnKey(log, info, "记录密钥", "丢失后无法再核验已有的记录是否被改动")
	return submission.NewSigner(key, old...)
}

// warnKey logs, in Chinese for the person starting the service, that a key
// file was just created (and must be backed up) or lies at the old default
// place inside the data directory (and must be moved).
func warnKey(log *slog.Logger, info KeyInfo, what, loss string) {
	if log == nil {
		log = slog.Default()
	}
	if info.Created {
		log.Warn("已新建"+what+"文件：请立即另行备份（不要和数据放在一起），"+loss, "file", info.File)
	}
	if info.Legacy {
		log.Warn(what+"还在旧的默认位置 "+info.File+"（数据目录内，备份数据时会连同密钥一起带走）：请停止服务后执行 "+
			"mkdir -p -m 700 keys && mv "+info.File+" "+DefaultIdentityKeyFile+"，再启动", "file", info.File)
	}
}
