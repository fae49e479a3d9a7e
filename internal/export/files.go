package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// File modes of the output: it holds personal information.
const (
	dirMode  = 0o700
	fileMode = 0o600
)

// maxNameBytes bounds an exported file's name, well inside the 255 bytes
// file systems allow (a 100-character Chinese name is 300 bytes).
const maxNameBytes = 200

// fileResult is one file of a submission, or of one of its supplements,
// as exported.
type fileResult struct {
	n       int // 1-based, within the manifest or supplement it is listed in
	file    submission.File
	name    string // exported name, within its folder; "" if nothing was written
	missing bool
	size    int64
	sum     string
	ok      bool
	problem string // for 校验结果 when !ok
	// origin is 0 for the original's files, n for the n-th supplement's;
	// superseded marks a file a later supplement replaced (by is that
	// supplement's n): see archive.Case.Materials.
	origin     int
	superseded bool
	by         int
}

// identityState says what became of a submission's identity.
type identityState int

const (
	identityNone     identityState = iota // the manifest has none
	identitySealed                        // no Sealer given
	identityOpen                          // decrypted
	identityWrongKey                      // sealed under another key
	identityDamaged                       // does not decrypt
)

type identityResult struct {
	state identityState
	raw   json.RawMessage
}

// exportOne writes one submission's folder: its manifest, identity and
// files, and its supplements (exportSupplements).
func (e *exporter) exportOne(ctx context.Context, it *item) error {
	m := it.m
	it.dir = e.folder(it)
	if err := writeWhole(e.sink, it.dir+"/manifest.json", it.raw); err != nil {
		return err
	}
	if err := e.openIdentity(it); err != nil {
		return err
	}
	if err := e.readStage(ctx, it); err != nil {
		return err
	}
	if err := e.readSupplements(ctx, it); err != nil {
		return err
	}
	prefix := strings.TrimSuffix(it.key, "manifest.json")
	used := map[string]bool{"manifest.json": true, "identity.json": true, strings.ToLower(MaterialsName): true}
	for _, s := range it.sups {
		used[strings.ToLower(supplementDir(s.n))] = true
	}
	files, err := e.copyFiles(ctx, it, m.Files, prefix, it.dir, "", "受理时", used)
	if err != nil {
		return err
	}
	it.files = files
	return e.exportSupplements(ctx, it)
}

// copyFiles copies the files of a manifest or supplement (stored under
// prefix) into the folder dir, checking each against its recorded size and
// SHA-256 and recording what differs as a mismatch of it. labelPrefix
// starts the files' names for people ("补正1/"), and when says when
// they were recorded ("受理时"); used holds the names taken in dir.
func (e *exporter) copyFiles(ctx context.Context, it *item, files []submission.File, prefix, dir, labelPrefix, when string, used map[string]bool) ([]fileResult, error) {
	out := make([]fileResult, 0, len(files))
	for i, f := range files {
		r := fileResult{n: i + 1, file: f}
		label := labelPrefix + fmt.Sprintf("%02d %s", r.n, submission.SanitizeFileName(f.Name))
		expected := sizeAndSum(f.Size, strings.ToLower(f.SHA256))
		if !strings.HasPrefix(f.Key, prefix) || storage.ValidKey(f.Key) != nil {
			r.problem = label + " 存储位置不属于本件"
			e.mismatch(it, label, f.Key, expected, "存储位置 "+f.Key+" 不属于本件，未导出")
			out = append(out, r)
			continue
		}
		slot := f.Field
		if it.kind == submission.KindApplication {
			slot = submission.SlotLabel(f.Field)
		}
		if it.kind == submission.KindReport {
			slot = submission.ReportSlotLabel(f.Field)
		}
		name := uniqueName(fileName(r.n, slot, f.Name), used)
		size, sum, err := e.copyFile(ctx, f.Key, dir+"/"+name)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			r.missing = true
			r.problem = label + " 文件缺失"
			e.mismatch(it, label, f.Key, expected, "文件缺失")
		case err != nil:
			return nil, err
		default:
			r.name, r.size, r.sum = name, size, sum
			e.rep.Files++
			e.rep.Bytes += size
			r.ok = size == f.Size && strings.EqualFold(sum, f.SHA256)
			if !r.ok {
				r.problem = label + " 与" + when + "不符（" + sizeAndSum(size, sum) + "）"
				e.mismatch(it, label, f.Key, expected, sizeAndSum(size, sum))
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// folder returns the submission's folder, unique among those of this
// export: <kind>/<date>_<REFERENCE>, or for an application
// application/<call>/<credit code>_<name>/v<N>_<date>_<REFERENCE>.
func (e *exporter) folder(it *item) string {
	if it.app != nil {
		return e.applicationFolder(it.app)
	}
	return e.uniqueDir(it.kind + "/" + it.m.ReceivedAt.In(e.o.Location).Format("2006-01-02") + "_" + submission.SanitizeFileName(it.ref))
}

// uniqueDir returns rel (relative to Out, slash-separated), or rel with
// ~2, ~3 … appended, whichever no other folder of this export has taken
// (compared case-insensitively), and takes it.
func (e *exporter) uniqueDir(rel string) string {
	name := rel
	for i := 2; e.dirs[strings.ToLower(name)]; i++ {
		name = fmt.Sprintf("%s~%d", rel, i)
	}
	e.dirs[strings.ToLower(name)] = true
	return name
}

// openIdentity decrypts the identity into identity.json when a Sealer is
// given.
func (e *exporter) openIdentity(it *item) error {
	switch {
	case it.m.Identity == nil:
		it.identity.state = identityNone
		return nil
	case e.o.Sealer == nil:
		it.identity.state = identitySealed
		return nil
	}
	var raw json.RawMessage
	if err := e.o.Sealer.Open(it.m.Reference, it.m.Identity, &raw); err != nil {
		reason := "数据损坏"
		it.identity.state = identityDamaged
		if errors.Is(err, submission.ErrWrongKey) {
			reason = "密钥不符"
			it.identity.state = identityWrongKey
		}
		e.rep.IdentityErrors = append(e.rep.IdentityErrors, IdentityError{Kind: it.kind, Reference: it.ref, Reason: reason})
		return nil
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, raw, "", "  "); err != nil {
		pretty.Reset()
		pretty.Write(raw)
	}
	pretty.WriteByte('\n')
	if err := writeWhole(e.sink, it.dir+"/identity.json", pretty.Bytes()); err != nil {
		return err
	}
	it.identity = identityResult{state: identityOpen, raw: raw}
	e.rep.Identities++
	return nil
}

// copyFile streams a stored object to the new file rel of the export,
// returning its size and SHA-256. A missing object gives an error matching
// storage.ErrNotFound and writes nothing.
func (e *exporter) copyFile(ctx context.Context, key, rel string) (int64, string, error) {
	rc, _, err := e.o.Store.Get(ctx, key)
	if err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return 0, "", err
		}
		return 0, "", fmt.Errorf("读取文件 %s 出错：%w", key, err)
	}
	defer rc.Close()
	f, err := e.sink.create(rel)
	if err != nil {
		return 0, "", err
	}
	h := sha256.New()
	w := &writeErr{w: f}
	n, err := io.Copy(io.MultiWriter(w, h), &ctxReader{ctx: ctx, r: rc})
	if err != nil {
		f.discard()
		if w.err != nil {
			return 0, "", w.err // the sink's error says where
		}
		return 0, "", fmt.Errorf("读取文件 %s 出错：%w", key, err)
	}
	if err := f.Close(); err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// writeErr remembers a write failure, to tell the output's failures from
// the store's.
type writeErr struct {
	w   io.Writer
	err error
}

func (w *writeErr) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	if err != nil {
		w.err = err
	}
	return n, err
}

// ctxReader stops reading once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// fileName is an exported file's name: <NN>_<field>_<sanitised name>; for
// an application, field is the slot's Chinese label.
func fileName(n int, field, name string) string {
	prefix := fmt.Sprintf("%02d_%s_", n, fitBytes(submission.SanitizeFileName(field), 40))
	return prefix + fitBytes(submission.SanitizeFileName(name), maxNameBytes-len(prefix))
}

// fitBytes shortens name to at most max bytes of UTF-8, keeping a short
// extension.
func fitBytes(name string, max int) string {
	if len(name) <= max {
		return name
	}
	ext := path.Ext(name)
	if len(ext) > 16 || len(ext) >= max {
		ext = ""
	}
	base := strings.TrimSuffix(name, ext)
	for len(base)+len(ext) > max {
		_, size := utf8.DecodeLastRuneInString(base)
		base = base[:len(base)-size]
	}
	return base + ext
}

// uniqueName returns name, or name with ~2, ~3 … before its extension,
// whichever is not yet used (compared case-insensitively, as some file
// systems do), and marks it used.
func uniqueName(name string, used map[string]bool) string {
	ext := path.Ext(name)
	base := strings.TrimSuffix(name, ext)
	out := name
	for i := 2; used[strings.ToLower(out)]; i++ {
		out = fmt.Sprintf("%s~%d%s", base, i, ext)
	}
	used[strings.ToLower(out)] = true
	return out
}

func sizeAndSum(size int64, sum string) string {
	return fmt.Sprintf("%d 字节，SHA-256 %s", size, sum)
}
