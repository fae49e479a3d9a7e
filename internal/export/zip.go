package export

import (
	"archive/zip"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// zipUTF8 is the general purpose flag bit saying that an entry's name is
// UTF-8 (APPNOTE.TXT 4.4.4, bit 11; "language encoding flag").
const zipUTF8 = 0x800

// WriteZIP exports the submissions Options select as one ZIP written to w:
// the same files, under the same names, as Run writes into a directory
// (folders, manifests, files, 最新版本.txt, 汇总.xlsx, 校验报告.txt, and
// identity.json only when Options.Sealer is given — without it, the
// default, no identity is included). Options.Out and Force are refused.
//
// The ZIP is streamed: each stored file is copied into its entry as it is
// read, so memory does not grow with the files' sizes (汇总.xlsx, which
// has a row per submission, is built in memory first). Entry names are
// UTF-8 with the UTF-8 flag set; entries are deflated (fastest level),
// dated by Options.Now, and ZIP64 is used where sizes need it.
//
// It returns the report and error Run would, with Report.Out empty and
// Summary and Report the entries' names, and appends the same audit
// record (AuditOptions.ZIP set). When the export stops (storage
// unavailable, w failing, the audit record not written) the ZIP is left
// unfinished, without its central directory, so that no one takes it for
// a whole export; an HTTP handler should then abort the response rather
// than end it normally. Mismatches, identities that do not decrypt and the
// record's findings do not stop it: the ZIP is finished and the error
// matches ErrMismatch, ErrIdentity or ErrRecords, as Run's does.
func WriteZIP(ctx context.Context, w io.Writer, o Options) (*Report, error) {
	if o.Out != "" || o.Force {
		return nil, errors.New("ZIP 导出不写入目录：不能指定导出目录或覆盖选项")
	}
	if w == nil {
		return nil, errors.New("没有指定 ZIP 的输出")
	}
	if err := o.prepare(); err != nil {
		return nil, err
	}
	zw := zip.NewWriter(w)
	// The fastest deflate: most of an export is PDFs and images, which
	// hardly compress, and the console should not spend seconds of CPU
	// per hundred megabytes on them.
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	e := newExporter(o, &zipSink{zw: zw, modified: o.Now()}, "")
	e.zip = true
	stopped, err := e.export(ctx)
	if stopped != nil {
		return e.rep, err
	}
	if cerr := zw.Close(); cerr != nil {
		return e.rep, errors.Join(fmt.Errorf("无法写入 ZIP（下载可能已中断）：%w", cerr), err)
	}
	return e.rep, err
}

// zipSink writes the export's files as the entries of a ZIP.
type zipSink struct {
	zw       *zip.Writer
	modified time.Time
}

func (z *zipSink) display(rel string) string { return rel }

func (z *zipSink) create(rel string) (sinkFile, error) {
	if err := checkRel(rel); err != nil {
		return nil, err
	}
	h := &zip.FileHeader{Name: rel, Method: zip.Deflate, Modified: z.modified, Flags: zipUTF8}
	h.SetMode(fileMode)
	w, err := z.zw.CreateHeader(h)
	if err != nil {
		return nil, zipError(err)
	}
	return zipFile{w: w}, nil
}

// zipFile is one entry being written; the next create ends it.
type zipFile struct{ w io.Writer }

func (z zipFile) Write(p []byte) (int, error) {
	n, err := z.w.Write(p)
	if err != nil {
		err = zipError(err)
	}
	return n, err
}

func (zipFile) Close() error { return nil }
func (zipFile) discard()     {}

func zipError(err error) error {
	return fmt.Errorf("无法写入 ZIP（下载可能已中断）：%w", err)
}
