package export

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// dirFiles reads every file under root: slash-separated path → content.
func dirFiles(t *testing.T, root string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		b, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// zipFiles reads a ZIP's entries, checking each one's name: valid UTF-8
// marked as such, a clean relative path.
func zipFiles(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		if f.Flags&zipUTF8 == 0 || f.NonUTF8 || !utf8.ValidString(f.Name) {
			t.Errorf("%q: not marked UTF-8 (flags %#x)", f.Name, f.Flags)
		}
		if !fs.ValidPath(f.Name) || strings.Contains(f.Name, `\`) || checkRel(f.Name) != nil {
			t.Errorf("unsafe entry name %q", f.Name)
		}
		if f.Mode().Perm() != 0o600 || f.Method != zip.Deflate {
			t.Errorf("%q: mode %v, method %d", f.Name, f.Mode(), f.Method)
		}
		if _, dup := files[f.Name]; dup {
			t.Errorf("entry %q twice", f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc) // also checks the CRC
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		files[f.Name] = b
	}
	return files
}

// sheetRows reads every sheet of an xlsx.
func sheetRows(t *testing.T, data []byte) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		if out[name], err = f.GetRows(name); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func hashOf(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// The ZIP holds what the directory export writes: the same files under
// the same names with the same bytes (汇总.xlsx: the same cells, its
// package carrying its own creation time), on a directory store and on
// MinIO, and the same report.
func TestZIPEqualsDirectory(t *testing.T) {
	for _, b := range ledgertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			store, _ := b.New(t)
			fx := newFixtureOn(t, store)
			fx.standard()
			fx.versions()
			o := fx.options(filepath.Join(t.TempDir(), "导出"))
			dirRep, err := Run(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			o.Out = ""
			var buf bytes.Buffer
			zipRep, err := WriteZIP(context.Background(), &buf, o)
			if err != nil {
				t.Fatal(err)
			}
			inDir, inZIP := dirFiles(t, dirRep.Out), zipFiles(t, buf.Bytes())
			names := slices.Sorted(maps.Keys(inDir))
			if got := slices.Sorted(maps.Keys(inZIP)); !slices.Equal(got, names) {
				t.Fatalf("ZIP entries\n%q\ndirectory files\n%q", got, names)
			}
			for _, name := range names {
				if name == SummaryName {
					continue
				}
				if hashOf(inZIP[name]) != hashOf(inDir[name]) {
					t.Errorf("%s differs: %q / %q", name, inZIP[name], inDir[name])
				}
			}
			if a, b := sheetRows(t, inZIP[SummaryName]), sheetRows(t, inDir[SummaryName]); !maps.EqualFunc(a, b, func(x, y [][]string) bool {
				return slices.EqualFunc(x, y, slices.Equal)
			}) {
				t.Errorf("汇总.xlsx differs:\n%q\n%q", a, b)
			}
			for _, want := range []string{"objection/2026-11-21_K7M2-QX9D/identity.json", "objection/2026-11-22_A2B3-C4D5/01_evidence_扫描件.jpg",
				"application/2026-apply/" + codeA + "_郑州市某某食品股份有限公司/最新版本.txt", SummaryName, ReportName} {
				if _, ok := inZIP[want]; !ok {
					t.Errorf("no %s in the ZIP", want)
				}
			}
			if zipRep.Out != "" || zipRep.Summary != SummaryName || zipRep.Report != ReportName ||
				dirRep.Report != filepath.Join(dirRep.Out, ReportName) {
				t.Errorf("paths: ZIP %q %q %q, directory %q", zipRep.Out, zipRep.Summary, zipRep.Report, dirRep.Report)
			}
			if zipRep.Files != dirRep.Files || zipRep.Bytes != dirRep.Bytes || zipRep.Identities != dirRep.Identities ||
				!maps.Equal(zipRep.ByKind, dirRep.ByKind) || !slices.Equal(zipRep.Submissions, dirRep.Submissions) || zipRep.Files != 15 {
				t.Errorf("reports differ:\n%+v\n%+v", zipRep, dirRep)
			}
			if !zipRep.Audit.Options.ZIP || zipRep.Audit.Options.Out != "" || dirRep.Audit.Options.ZIP || zipRep.AuditKey == dirRep.AuditKey ||
				!slices.Equal(zipRep.Audit.References, dirRep.Audit.References) {
				t.Errorf("audit records %+v / %+v", zipRep.Audit, dirRep.Audit)
			}
			zr, _ := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if m := zr.File[0].Modified; !m.Equal(o.Now().Truncate(time.Second)) {
				t.Errorf("entry time %v", m)
			}
		})
	}
}

// Without the Sealer, as by default, no identity leaves in the ZIP; with
// it, each submission's does.
func TestZIPIdentities(t *testing.T) {
	fx := newFixture(t)
	fx.standard()
	fx.versions()
	secrets := []string{"张三", "11010519491231002X", "13812345678", "赵六", "法人赵六", "钱七"}
	o := fx.options("")
	o.Sealer = nil
	var buf bytes.Buffer
	rep, err := WriteZIP(context.Background(), &buf, o)
	if err != nil {
		t.Fatal(err)
	}
	files := zipFiles(t, buf.Bytes())
	for name, data := range files {
		if strings.HasSuffix(name, "/identity.json") {
			t.Errorf("%s in a ZIP without identities", name)
		}
		if name == SummaryName {
			continue
		}
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds %q", name, s)
			}
		}
	}
	rows := sheetRows(t, files[SummaryName])
	if r := rows["异议"][1]; r[6] != textSealed || r[7] != textSealed {
		t.Errorf("objection row %q", r)
	}
	if r := rows["申报"][1]; r[18] != textSealed || r[19] != textSealed {
		t.Errorf("application row %q", r)
	}
	for _, row := range slices.Concat(rows["异议"], rows["申报"]) {
		for _, cell := range row {
			for _, s := range secrets {
				if strings.Contains(cell, s) {
					t.Errorf("spreadsheet holds %q", s)
				}
			}
		}
	}
	if rep.Identities != 0 || rep.Audit.Options.Decrypt || !strings.Contains(string(files[ReportName]), "身份信息：未包含") {
		t.Errorf("report %+v\n%s", rep, files[ReportName])
	}

	// Asked for, with a reason: every identity, in identity.json and the sheet.
	o.Sealer, o.Reason = fx.sealer, "评审需要联系申报单位"
	buf.Reset()
	rep, err = WriteZIP(context.Background(), &buf, o)
	if err != nil {
		t.Fatal(err)
	}
	files = zipFiles(t, buf.Bytes())
	n := 0
	for name := range files {
		if strings.HasSuffix(name, "/identity.json") {
			n++
		}
	}
	var id map[string]string
	if err := json.Unmarshal(files["objection/2026-11-21_K7M2-QX9D/identity.json"], &id); err != nil || id["name"] != "张三" {
		t.Errorf("identity.json %v %q", err, id)
	}
	if n != 7 || rep.Identities != 7 || !rep.Audit.Options.Decrypt || rep.Audit.Options.Reason != "评审需要联系申报单位" {
		t.Errorf("%d identity.json, report %+v", n, rep)
	}
	if r := sheetRows(t, files[SummaryName])["异议"][1]; r[6] != "张三" {
		t.Errorf("objection row %q", r)
	}
	if !strings.Contains(string(files[ReportName]), "导出原因：评审需要联系申报单位") {
		t.Errorf("report:\n%s", files[ReportName])
	}
}

// The verification report says what the export holds and what its checks
// found.
func TestReportFile(t *testing.T) {
	fx := newFixture(t)
	fx.standard()
	ctx := context.Background()
	if _, err := fx.store.Put(ctx, "objections/k7m2-qx9d/files/002", strings.NewReader("tampered!"), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	o := fx.options(t.TempDir())
	o.Publicity, o.Call = "p2026", "2026-apply"
	rep, err := Run(ctx, o)
	if !errors.Is(err, ErrMismatch) {
		t.Fatalf("err %v", err)
	}
	text := readFile(t, rep.Report)
	for _, want := range []string{
		"导出时间：2026-11-28 09:02:03（Asia/Shanghai）", "导出人：李四", "导出范围：异议和申报；公示 p2026 的异议；申报通知 2026-apply 的申报",
		"导出 3 份（异议 2 份，申报 1 份），文件 5 个", "身份信息：已解密 3 份", "文件校验：不一致 1 处", "  K7M2-QX9D 02 证明材料.pdf：应为 24 字节",
		"防篡改核验：未进行", "最新版本.txt",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	for _, secret := range []string{"张三", "11010519491231002X", "13812345678", "赵六"} {
		if strings.Contains(text, secret) {
			t.Errorf("report holds %q", secret)
		}
	}
}

// The export fails the writer's way: the ZIP is left without its central
// directory (no reader takes it for whole), and the audit record says the
// export stopped.
func TestZIPWriterFails(t *testing.T) {
	fx := newFixture(t)
	fx.standard()
	w := &failingWriter{after: 600}
	rep, err := WriteZIP(context.Background(), w, fx.options(""))
	if err == nil || !strings.Contains(err.Error(), "无法写入 ZIP") || !errors.Is(err, errBroken) {
		t.Fatalf("err %v", err)
	}
	if rep == nil || rep.AuditKey == "" || !strings.Contains(rep.Audit.Error, "无法写入 ZIP") {
		t.Fatalf("report %+v", rep)
	}
	if _, err := zip.NewReader(bytes.NewReader(w.buf.Bytes()), int64(w.buf.Len())); err == nil {
		t.Error("the unfinished ZIP reads as a whole one")
	}

	// And when a stored file cannot be read.
	var buf bytes.Buffer
	o := fx.options("")
	o.Store = failingStore{Store: fx.store, key: "objections/a2b3-c4d5/files/001"}
	if _, err := WriteZIP(context.Background(), &buf, o); err == nil || !strings.Contains(err.Error(), "读取文件 objections/a2b3-c4d5/files/001 出错") {
		t.Fatalf("store failure: %v", err)
	}
	if _, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err == nil {
		t.Error("the unfinished ZIP reads as a whole one")
	}
}

func TestZIPOptionsChecked(t *testing.T) {
	fx := newFixture(t)
	for name, set := range map[string]func(*Options){
		"out":      func(o *Options) { o.Out = t.TempDir() },
		"force":    func(o *Options) { o.Force = true },
		"operator": func(o *Options) { o.Operator = "" },
		"kind":     func(o *Options) { o.Kind = "objections" },
	} {
		o := fx.options("")
		set(&o)
		if _, err := WriteZIP(context.Background(), io.Discard, o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if infos, _ := fx.store.List(context.Background(), "audit/"); len(infos) != 0 {
		t.Error("a refused export was recorded")
	}
}

func TestCheckRel(t *testing.T) {
	for _, ok := range []string{"a", "objection/2026-11-21_K7M2-QX9D/01_evidence_扫描件.jpg", "汇总.xlsx", "a/..b/c.."} {
		if err := checkRel(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "/etc/passwd", "../x", "a/../../x", "a//b", "a/./b", `a\b`, "a/", "a\x00b", "\xff.pdf"} {
		if err := checkRel(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

var errBroken = errors.New("connection reset")

// failingWriter takes after bytes, then fails.
type failingWriter struct {
	after int
	buf   bytes.Buffer
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.buf.Len()+len(p) > w.after {
		n := w.after - w.buf.Len()
		w.buf.Write(p[:n])
		return n, errBroken
	}
	return w.buf.Write(p)
}

// failingStore fails halfway through reading one object.
type failingStore struct {
	storage.Store
	key string
}

func (s failingStore) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	rc, info, err := s.Store.Get(ctx, key)
	if err != nil || key != s.key {
		return rc, info, err
	}
	return struct {
		io.Reader
		io.Closer
	}{io.MultiReader(io.LimitReader(rc, 3), iotestErrReader{}), rc}, info, nil
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("store unavailable") }

// A large file goes through the ZIP as it is read: by the time the export
// has read n bytes of it, nearly as many have reached the writer, and the
// heap stays far below the file's size.
func TestZIPStreamsLargeFile(t *testing.T) {
	const size = 48 << 20
	fx := newFixture(t)
	ctx := context.Background()
	key := submission.FileKey(submission.KindObjection, "BIGG-2222", 1)
	h := sha256.New()
	if _, err := fx.store.Put(ctx, key, io.TeeReader(io.LimitReader(newNoise(), size), h), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	m := &submission.Manifest{Version: submission.Version, Kind: submission.KindObjection, Reference: "BIGG-2222",
		TokenHash: submission.HashToken(submission.NewToken()), ReceivedAt: t1, Fields: objectionFields("p2026", "c01"),
		Files: []submission.File{{Field: "evidence", Name: "录像.mp4", Key: key, Size: size, SHA256: hex.EncodeToString(h.Sum(nil)), Type: "video/mp4"}}}
	data, _ := m.Encode()
	if _, err := fx.store.Put(ctx, submission.ManifestKey(submission.KindObjection, "BIGG-2222"), bytes.NewReader(data), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}

	out := &countingWriter{h: sha256.New()}
	watch := &watchStore{Store: fx.store, key: key, out: out, t: t}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	o := fx.options("")
	o.Store = watch
	rep, err := WriteZIP(ctx, out, o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Bytes != size || len(rep.Mismatches) != 0 {
		t.Fatalf("report %+v", rep)
	}
	if watch.checks < 10 {
		t.Errorf("only %d checks while reading", watch.checks)
	}
	if grow := watch.peak - before.HeapAlloc; watch.peak > before.HeapAlloc && grow > 24<<20 {
		t.Errorf("heap grew by %d MiB while streaming a %d MiB file", grow>>20, size>>20)
	}
	if out.n < size {
		t.Errorf("ZIP of %d bytes for a %d-byte file", out.n, size)
	}
}

// noise is an endless stream of bytes that do not compress.
type noise struct{ x uint64 }

func newNoise() *noise { return &noise{x: 0x9e3779b97f4a7c15} }

func (r *noise) Read(p []byte) (int, error) {
	for i := range p {
		r.x ^= r.x << 13
		r.x ^= r.x >> 7
		r.x ^= r.x << 17
		p[i] = byte(r.x >> 32)
	}
	return len(p), nil
}

// countingWriter counts and hashes what it is given, keeping nothing.
type countingWriter struct {
	n int64
	h io.Writer
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return w.h.Write(p)
}

// watchStore checks, as the export reads the object key, that what it
// read has reached out (less what deflate and the ZIP's buffer hold), and
// samples the heap.
type watchStore struct {
	storage.Store
	key    string
	out    *countingWriter
	t      *testing.T
	peak   uint64
	checks int
}

func (s *watchStore) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	rc, info, err := s.Store.Get(ctx, key)
	if err != nil || key != s.key {
		return rc, info, err
	}
	return &watchedReader{rc: rc, s: s}, info, nil
}

type watchedReader struct {
	rc   io.ReadCloser
	s    *watchStore
	read int64
	next int64
}

func (r *watchedReader) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	r.read += int64(n)
	if r.read >= r.next {
		r.next = r.read + 4<<20
		const slack = 2 << 20 // deflate's window and blocks, the ZIP's buffer
		if r.s.out.n < r.read-int64(len(p))-slack {
			r.s.t.Errorf("read %d bytes of the file, only %d written out", r.read, r.s.out.n)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		r.s.peak = max(r.s.peak, ms.HeapAlloc)
		r.s.checks++
	}
	return n, err
}

func (r *watchedReader) Close() error { return r.rc.Close() }
