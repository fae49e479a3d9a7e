// Package export writes the secretariat's copy of the submissions the intake
// received: for each objection or application a folder with its manifest,
// its files (checked against the SHA-256 and size recorded when they were
// received) and, when the identity key is given, the submitter's decrypted
// identity; a spreadsheet 汇总.xlsx with one row per submission; the
// verification report 校验报告.txt; and one record per export in the
// storage's append-only audit log.
//
// Run writes this into a directory (award export); WriteZIP streams the
// same files, under the same names, as one ZIP (the staff console's
// download). Both go through one path, the exporter writing into a sink.
//
// A submission's supplements (补正, answers to a one-time notice) go into
// its folder as 补正<n>/, with their records and files checked like the
// original's, and a 材料清单.txt listing the merged materials with each
// file's origin (原件 / 补正 n) and date; see MaterialsName.
//
// Objections go to objection/<date>_<reference>/. Applications are kept as
// versions: an organisation (统一社会信用代码) may apply to a call again, each
// time under a new reference, so they go to
// application/<call>/<credit code>_<name>/v<N>_<date>_<reference>/, numbered
// by receipt time, with 最新版本.txt naming the latest; 汇总.xlsx has every
// version on the 申报 sheet and the latest ones on 申报-最新.
//
// The output holds personal information: files are created private to the
// owner (0600, directories 0700). Identities never go to the audit log or
// the report.
package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// Options say what to export and where.
type Options struct {
	Store storage.Store
	// Sealer opens the sealed identities; nil leaves them sealed (the
	// spreadsheet then says 未解密 and no identity.json is written). An
	// export with identities is one that is given the Sealer: without it
	// (the zero Options) none are included.
	Sealer *submission.Sealer
	// Signer holds the record keys: with it the export also verifies the
	// stored record (MACs and ledger, package ledger) of what it exports and
	// reports Findings. award export always gives it; nil skips the check.
	Signer *submission.Signer
	// Statuses lists a submission's status records, latest first, as
	// (*archive.Archive).Statuses does: the 办理阶段 column shows the
	// State of the first, or 已收件（待受理） when there is none. nil leaves
	// the column out.
	Statuses func(ctx context.Context, ref string) ([]submission.Status, error)
	// Out is the directory Run writes into, created if missing. It must be
	// empty unless Force is set; with Force, what an earlier export wrote
	// there (the kind folders, 汇总.xlsx and 校验报告.txt) is removed first,
	// nothing else. WriteZIP takes neither.
	Out   string
	Force bool
	// Kind is "objection", "application" or "" for both.
	Kind string
	// Publicity keeps only the objections whose publicity
	// (ObjectionFields.Publicity) is this id, and Call only the
	// applications whose call (ApplicationFields.Call) is this id.
	// Each selects within its kind: given one without the other (and Kind
	// empty), only that kind is exported; given both, the objections to
	// the publicity and the applications to the call. Publicity with Kind
	// "application", or Call with Kind "objection", is refused.
	Publicity string
	Call      string
	// From and To bound ReceivedAt: From inclusive, To exclusive; zero
	// means unbounded.
	From, To time.Time
	// Now is the clock of the audit record; nil means time.Now.
	Now func() time.Time
	// Operator is who exports, for the audit log. Required.
	Operator string
	// Reason is why, for the audit log and the report (the console asks
	// for one when identities are included); optional.
	Reason string
	// Client is the client's address when the export is asked for over
	// the network (the console), for the audit log; "" for the command.
	Client string
	// Location is the time zone of the spreadsheet and the folder dates;
	// nil means Asia/Shanghai.
	Location *time.Location
}

// Kinds that can be exported, in the order they are written.
var kinds = []string{submission.KindObjection, submission.KindApplication, submission.KindReport}

// SummaryName is the spreadsheet's file name at the export's root.
const SummaryName = "汇总.xlsx"

// ReportName is the verification report's file name at the export's root:
// what was exported and what the checks found, in words.
const ReportName = "校验报告.txt"

// Errors Run returns, to match with errors.Is.
var (
	// ErrMismatch: a file differs from its manifest or is missing, or a
	// manifest cannot be read. Everything else was still exported.
	ErrMismatch = errors.New("校验不一致")
	// ErrIdentity: an identity could not be decrypted (another key, or
	// damaged data). Everything else was still exported.
	ErrIdentity = errors.New("身份信息无法解密")
	// ErrRecords: the stored record does not prove itself (Report.Findings:
	// a manifest or status record changed, a submission deleted, the ledger
	// broken). Everything else was still exported.
	ErrRecords = errors.New("防篡改核验发现问题")
	// ErrOutNotEmpty: Out exists and is not empty, and Force is not set.
	ErrOutNotEmpty = errors.New("导出目录已存在且不为空")
)

// Report says what an export did.
type Report struct {
	Out     string // absolute path of the export directory; "" for a ZIP
	Summary string // path of 汇总.xlsx; in a ZIP, its entry name
	Report  string // path of 校验报告.txt; in a ZIP, its entry name
	// Submissions lists what was exported, by kind then receipt time.
	Submissions []Exported
	ByKind      map[string]int // number of submissions by kind
	Files       int            // files written, supplements' included (missing ones not counted)
	Bytes       int64          // their total size
	// Supplements is the number of supplement records exported with the
	// submissions, and SupplementFiles the files of theirs written (part
	// of Files).
	Supplements     int
	SupplementFiles int
	Identities      int // identities decrypted into identity.json
	// Mismatches are the files that differ from their manifest or
	// supplement record or are missing, and manifests and supplement
	// records that cannot be read.
	Mismatches []Mismatch
	// IdentityErrors are the submissions whose identity could not be
	// decrypted although a Sealer was given.
	IdentityErrors []IdentityError
	// Findings are what the verification of the stored record found
	// (Options.Signer): about the ledger, the submissions exported (their
	// manifests, status records and supplement records), and submissions
	// of the kinds exported that were deleted.
	Findings []ledger.Finding
	// Audit is the record appended to the audit log, under AuditKey.
	Audit    Audit
	AuditKey string
}

// Exported is one exported submission.
type Exported struct {
	Kind      string
	Reference string
	Dir       string // folder, relative to the export's root (slash-separated)
	// Files counts the files its manifest and its supplements list;
	// Supplements its supplements (补正1/ … in Dir).
	Files       int
	Supplements int
}

// Mismatch is a stored file that is not what its manifest records.
type Mismatch struct {
	Kind      string
	Reference string
	File      string // for people: "02 扫描件.jpg", "补正1/01 推荐意见.pdf", or "manifest.json"
	Key       string // storage key
	Expected  string // "1234 字节，SHA-256 …"
	Got       string // the same as found, or "文件缺失"
}

func (m Mismatch) String() string {
	return fmt.Sprintf("%s %s：应为 %s，实为 %s", m.Reference, m.File, m.Expected, m.Got)
}

// IdentityError is an identity that could not be decrypted.
type IdentityError struct {
	Kind      string
	Reference string
	Reason    string // 密钥不符 / 数据损坏
}

// Run exports the submissions Options select into the directory Out. It
// returns the report also when err is non-nil, unless nothing was done. A
// mismatched or missing file, an unreadable manifest, an identity that
// cannot be decrypted or a finding of the record's verification is
// recorded and the export goes on; Run then ends with an error matching
// ErrMismatch, ErrIdentity or ErrRecords. Other failures (storage
// unavailable, disk full) stop the export. Whenever Out was touched an
// audit record is appended, also after a failure.
func Run(ctx context.Context, o Options) (*Report, error) {
	if strings.TrimSpace(o.Out) == "" {
		return nil, errors.New("请指定导出目录")
	}
	if err := o.prepare(); err != nil {
		return nil, err
	}
	out, err := prepareOut(o.Out, o.Force)
	if err != nil {
		return nil, err
	}
	e := newExporter(o, dirSink{root: out}, out)
	_, err = e.export(ctx)
	return e.rep, err
}

// prepare checks the options and fills in the defaults.
func (o *Options) prepare() error {
	if err := o.check(); err != nil {
		return err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		o.Location = shanghai()
	}
	o.Operator = strings.TrimSpace(o.Operator)
	o.Reason = strings.TrimSpace(o.Reason)
	return nil
}

func newExporter(o Options, s sink, out string) *exporter {
	return &exporter{o: o, sink: s, out: out, rep: &Report{Out: out, ByKind: map[string]int{}}, dirs: map[string]bool{}}
}

// export runs the export into e's sink and appends its audit record.
// stopped is why it stopped before the end or without a record (nil when
// it ran to the end and the record was written); err is what Run and
// WriteZIP return: stopped, or the problems recorded on the way.
func (e *exporter) export(ctx context.Context) (stopped, err error) {
	runErr := e.run(ctx)
	auditErr := e.writeAudit(ctx, runErr)
	if runErr != nil || auditErr != nil {
		err := errors.Join(runErr, auditErr)
		return err, err
	}
	var errs []error
	if n := len(e.rep.Mismatches); n > 0 {
		errs = append(errs, fmt.Errorf("%w：%d 处（其余内容已导出，详见汇总表“校验结果”列）", ErrMismatch, n))
	}
	if n := len(e.rep.IdentityErrors); n > 0 {
		errs = append(errs, fmt.Errorf("%w：%d 份", ErrIdentity, n))
	}
	if n := len(e.rep.Findings); n > 0 {
		errs = append(errs, fmt.Errorf("%w：%d 处（其余内容已导出；处理办法见运维手册“防篡改核验”）", ErrRecords, n))
	}
	return nil, errors.Join(errs...)
}

func (o *Options) check() error {
	if o.Store == nil {
		return errors.New("没有指定存储")
	}
	if strings.TrimSpace(o.Operator) == "" {
		return errors.New("请注明导出人（用于导出记录）")
	}
	if o.Kind != "" && !slices.Contains(kinds, o.Kind) {
		return fmt.Errorf("不认识的类别 %q：应为 objection（异议）、application（申报）或 report（年度报告）", o.Kind)
	}
	if o.Kind == submission.KindApplication && o.Publicity != "" {
		return errors.New("公示编号只用于筛选异议，不能与类别 application（申报）同用")
	}
	if o.Kind == submission.KindObjection && o.Call != "" {
		return errors.New("申报通知编号只用于筛选申报，不能与类别 objection（异议）同用")
	}
	if !o.From.IsZero() && !o.To.IsZero() && !o.From.Before(o.To) {
		return errors.New("起始时间应早于截止时间")
	}
	return nil
}

func (o *Options) kinds() []string {
	if o.Kind != "" {
		return []string{o.Kind}
	}
	return kinds
}

// keep says whether a submission of a kind is selected.
func (o *Options) keep(kind string, m *submission.Manifest) bool {
	switch kind {
	case submission.KindObjection:
		if o.Publicity != "" && m.Objection().Publicity != o.Publicity || o.Publicity == "" && o.Call != "" {
			return false
		}
	case submission.KindApplication:
		if o.Call != "" && m.Application().Call != o.Call || o.Call == "" && o.Publicity != "" {
			return false
		}
	default:
		if o.Publicity != "" && m.Objection().Publicity != o.Publicity || o.Call != "" && m.Application().Call != o.Call {
			return false
		}
	}
	if !o.From.IsZero() && m.ReceivedAt.Before(o.From) {
		return false
	}
	if !o.To.IsZero() && !m.ReceivedAt.Before(o.To) {
		return false
	}
	return true
}

func shanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600) // Shanghai has had no DST since 1991
}

// prepareOut makes dir an empty directory to export into and returns its
// absolute path.
func prepareOut(dir string, force bool) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("导出目录 %s：%w", dir, err)
	}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(abs, 0o700); err != nil {
			return "", fmt.Errorf("无法创建导出目录：%w", err)
		}
		return abs, nil
	case err != nil:
		return "", fmt.Errorf("导出目录：%w", err)
	case !fi.IsDir():
		return "", fmt.Errorf("导出目录 %s 已存在，但不是目录", abs)
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return "", fmt.Errorf("导出目录：%w", err)
	}
	if len(entries) == 0 {
		return abs, nil
	}
	if !force {
		return "", fmt.Errorf("%w：%s（请换一个目录，或确认后加 -force 覆盖上次导出的内容）", ErrOutNotEmpty, abs)
	}
	for _, name := range append(slices.Clone(kinds), SummaryName, ReportName) {
		if err := os.RemoveAll(filepath.Join(abs, name)); err != nil {
			return "", fmt.Errorf("无法清除上次导出的内容：%w", err)
		}
	}
	return abs, nil
}

// exporter is one run of Run or WriteZIP.
type exporter struct {
	o    Options
	sink sink
	out  string // Run's directory, for the report and the audit record; "" for a ZIP
	zip  bool   // WriteZIP's
	rep  *Report
	dirs map[string]bool // folder names used, lower-cased
	subs []*item
	apps applications
	// supKeys are the supplement records in storage, by the reference of
	// the submission each supplements (listSupplements).
	supKeys map[string][]string
}

// item is one submission being exported.
type item struct {
	kind  string
	key   string // manifest key
	ref   string // reference, from the key
	raw   []byte // manifest as stored
	m     *submission.Manifest
	dir   string // relative to the export's root, slash-separated
	stage string // 办理阶段, when Options.Statuses is given
	// recommended is the latest event that moved an application to 初审通过
	// (已推荐), with the township's review when it was recorded in the
	// console; nil when none (or without Options.Statuses).
	recommended *submission.Status
	files       []fileResult
	identity    identityResult
	problems    []string    // for 校验结果, besides the files'
	app         *appVersion // applications: the version it is
	// sups are its supplements, oldest first (补正 1 …), and cs the case
	// they make with the manifest, for archive.Case.Materials and
	// FieldCorrections.
	sups []*supplement
	cs   *archive.Case
}

// maxManifestBytes bounds how much of a manifest is read.
const maxManifestBytes = 16 << 20

func (e *exporter) run(ctx context.Context) error {
	for _, kind := range e.o.kinds() {
		items, err := e.collect(ctx, kind)
		if err != nil {
			return err
		}
		e.subs = append(e.subs, items...)
	}
	e.apps.number()
	if err := e.verifyRecords(ctx); err != nil {
		return err
	}
	if err := e.listSupplements(ctx); err != nil {
		return err
	}
	for _, it := range e.subs {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("导出中断：%w", err)
		}
		if err := e.exportOne(ctx, it); err != nil {
			return err
		}
		e.rep.Submissions = append(e.rep.Submissions, Exported{Kind: it.kind, Reference: it.ref, Dir: it.dir,
			Files: len(it.allFiles()), Supplements: len(it.sups)})
		e.rep.ByKind[it.kind]++
	}
	if err := e.writeLatestNotes(); err != nil {
		return err
	}
	path, err := e.writeSummary()
	if err != nil {
		return err
	}
	e.rep.Summary = path
	return e.writeReport()
}

// collect lists the manifests of one kind, reads them, keeps those the
// options select and sorts them by receipt time.
func (e *exporter) collect(ctx context.Context, kind string) ([]*item, error) {
	prefix := kind + "s/"
	infos, err := e.o.Store.List(ctx, prefix)
	if err != nil {
		return nil, fmt.Errorf("列出存储中的%s出错：%w", kindName(kind), err)
	}
	var items []*item
	for _, info := range infos {
		parts := strings.Split(strings.TrimPrefix(info.Key, prefix), "/")
		if len(parts) != 2 || parts[1] != "manifest.json" {
			continue
		}
		it := &item{kind: kind, key: info.Key, ref: strings.ToUpper(parts[0])}
		if r := submission.NormalizeReference(parts[0]); r != "" {
			it.ref = r
		}
		raw, err := e.readManifest(ctx, info.Key)
		if errors.Is(err, storage.ErrNotFound) {
			continue // removed since the listing
		}
		if err != nil {
			return nil, err
		}
		m, err := submission.DecodeManifest(raw)
		if err != nil {
			e.mismatch(it, "manifest.json", info.Key, "可读的受理记录", "无法读取（"+err.Error()+"）")
			continue
		}
		if kind == submission.KindApplication {
			// Every application counts for the numbering of versions,
			// whatever the options select.
			it.app = e.apps.note(it.ref, m)
		}
		if !e.o.keep(kind, m) {
			continue
		}
		it.raw, it.m = raw, m
		if it.app != nil {
			it.app.it = it
		}
		if m.Reference != it.ref {
			it.problems = append(it.problems, "受理记录中的编号与存储位置不符")
			e.mismatch(it, "manifest.json", info.Key, "受理编号 "+it.ref, "受理编号 "+m.Reference)
		}
		if m.Kind != kind {
			it.problems = append(it.problems, "受理记录中的类别与存储位置不符")
			e.mismatch(it, "manifest.json", info.Key, "类别 "+kind, "类别 "+m.Kind)
		}
		items = append(items, it)
	}
	slices.SortFunc(items, func(a, b *item) int {
		if c := a.m.ReceivedAt.Compare(b.m.ReceivedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ref, b.ref)
	})
	return items, nil
}

func (e *exporter) readManifest(ctx context.Context, key string) ([]byte, error) {
	rc, _, err := e.o.Store.Get(ctx, key)
	if err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("读取受理记录 %s 出错：%w", key, err)
	}
	defer rc.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(rc, maxManifestBytes)); err != nil {
		return nil, fmt.Errorf("读取受理记录 %s 出错：%w", key, err)
	}
	return buf.Bytes(), nil
}

func (e *exporter) mismatch(it *item, file, key, expected, got string) {
	e.rep.Mismatches = append(e.rep.Mismatches, Mismatch{Kind: it.kind, Reference: it.ref, File: file, Key: key, Expected: expected, Got: got})
}

func kindName(kind string) string {
	switch kind {
	case submission.KindObjection:
		return "异议"
	case submission.KindApplication:
		return "申报"
	case submission.KindReport:
		return "年度报告"
	}
	return kind
}
