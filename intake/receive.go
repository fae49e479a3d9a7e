package intake

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// Bounds on the text parts of a form.
const (
	freeTextBytes = 32 << 10 // a request's text held outside the form-text budget
	maxFieldBytes = 64 << 10 // one text field
	maxParts      = 200      // parts of one request, files and fields together
)

// fileSlot says what a file field accepts.
type fileSlot struct {
	maxCount int
	maxBytes int64
	types    []string
}

// intakeForm is what a submission kind tells the receiver.
type intakeForm struct {
	kind  string
	slots map[string]fileSlot
	// early checks the text fields read before the first file, so that a
	// closed window or an unknown candidate is refused before any file is
	// read. It may return nil to let the upload proceed.
	early func(values url.Values) *problem
	// guard checks the form token and the honeypot (formGuard): before the
	// first file and at the end of the form.
	guard func(values url.Values) *problem
}

// received is a submission whose files are stored but not yet committed.
type received struct {
	s        *Server
	kind     string
	ref      string
	inflight submission.Inflight
	values   url.Values
	files    []submission.File
	written  []string // keys stored so far, for cleanup
	// textBytes counts the request's text field bytes; held is what it
	// holds of the form-text budget until release.
	textBytes, held int64
	// completedAt is when the body's last part arrived: the moment that
	// decides whether the submission came within its window.
	completedAt time.Time
	// headers bounds what the multipart reader reads for a part's header.
	headers *headerGuard
}

// release gives back the request's share of the form-text budget. It may
// be called on a nil received and more than once.
func (rc *received) release() {
	if rc == nil || rc.held == 0 {
		return
	}
	rc.s.formText.Release(rc.held)
	rc.held = 0
}

// receive reserves a reference, then reads the multipart body part by part:
// text fields into values, files streamed straight to storage with their
// SHA-256, type sniffed from content and checked before any byte is stored.
// On any failure it removes everything it stored and returns the problem,
// with the text fields read so far when there are any.
func (s *Server) receive(r *http.Request, form intakeForm) (*received, *problem) {
	mr, headers, err := partReader(r)
	if err != nil {
		return nil, errNotMultipart
	}
	form.guard = s.formGuard(r)
	rc := &received{s: s, kind: form.kind, values: url.Values{}}
	if p := rc.reserve(r.Context()); p != nil {
		return nil, p
	}
	rc.headers = headers
	if p := rc.readParts(r.Context(), mr, form); p != nil {
		rc.discard()
		return rc, p // the values read so far, to show the form again
	}
	return rc, nil
}

// reserve claims a fresh reference by writing its in-flight record.
func (rc *received) reserve(ctx context.Context) *problem {
	for range 5 {
		rc.ref = submission.NewReference()
		rc.inflight = submission.Inflight{Reference: rc.ref, Kind: rc.kind, Started: rc.s.now()}
		err := rc.saveInflight(ctx, true)
		if err == nil {
			return nil
		}
		if !errors.Is(err, storage.ErrExists) {
			return asProblem(rc.s.log, err)
		}
	}
	return errInternal
}

func (rc *received) saveInflight(ctx context.Context, fresh bool) error {
	data, err := jsonBytes(rc.inflight)
	if err != nil {
		return err
	}
	_, err = rc.s.store.Put(ctx, submission.InflightKey(rc.ref), bytes.NewReader(data), storage.PutOptions{IfAbsent: fresh, ContentType: "application/json"})
	return err
}

func (rc *received) readParts(ctx context.Context, mr *multipart.Reader, form intakeForm) *problem {
	counts := map[string]int{}
	earlyDone, guarded := false, false
	for n := 0; ; n++ {
		rc.headers.limit(maxPartHeaderBytes)
		part, err := mr.NextPart()
		rc.headers.unlimit()
		if err == io.EOF {
			rc.completedAt = rc.s.now()
			if form.guard != nil {
				return form.guard(rc.values)
			}
			return nil
		}
		if err != nil {
			return readProblem(err)
		}
		if n >= maxParts {
			return &problem{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: "表单内容过多，请检查后重新提交。"}
		}
		name := part.FormName()
		if part.FileName() == "" {
			if p := rc.readField(ctx, part, name); p != nil {
				return p
			}
			continue
		}
		slot, ok := form.slots[name]
		if !ok {
			return invalid(map[string]string{name: "不接受这个文件栏目，请通过网页表单提交。"})
		}
		if !guarded && form.guard != nil {
			guarded = true
			if p := form.guard(rc.values); p != nil {
				return p
			}
		}
		if !earlyDone && form.early != nil {
			earlyDone = true
			if p := form.early(rc.values); p != nil {
				return p
			}
		}
		counts[name]++
		if counts[name] > slot.maxCount {
			return &problem{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
				Message: fmt.Sprintf("文件数量超过上限：此栏最多%d个文件。请合并或删减后重新提交。", slot.maxCount),
				Fields:  map[string]string{name: fmt.Sprintf("最多%d个文件", slot.maxCount)}}
		}
		if p := rc.storeFile(ctx, part, name, slot); p != nil {
			return p
		}
	}
}

// readField reads one text field, bounded, as valid UTF-8, within what is
// left of the request's own bound (Limits.MaxFormTextBytes). A request's
// first freeTextBytes of text are its own (bounded in all by the number of
// connections); past them, the bytes a field may hold are first taken
// from the process's form-text budget: what the field did not use is given
// back at once, the rest when the request ends (release). So an ordinary
// form never waits for the budget, and a refused one still has its
// entries to show again.
func (rc *received) readField(ctx context.Context, part *multipart.Part, name string) *problem {
	left := rc.s.cfg.Limits.MaxFormTextBytes - rc.textBytes
	if left <= 0 {
		return &problem{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
			Message: "表单中的文字内容合计过多，请精简后重新提交。"}
	}
	want := min(int64(maxFieldBytes), left) + 1
	free := min(want, max(0, freeTextBytes-rc.textBytes))
	b, err := io.ReadAll(io.LimitReader(part, free))
	if err == nil && int64(len(b)) == free && free < want {
		// The field goes on past the request's own allowance.
		rest := want - free
		if err := rc.s.formText.Acquire(ctx, rest); err != nil {
			return asProblem(rc.s.log, err)
		}
		var more []byte
		more, err = io.ReadAll(io.LimitReader(part, rest))
		rc.s.formText.Release(rest - int64(len(more)))
		rc.held += int64(len(more))
		b = append(b, more...)
	}
	used := int64(len(b))
	rc.textBytes += used
	if err != nil {
		return readProblem(err)
	}
	if used > maxFieldBytes {
		return invalid(map[string]string{name: "内容过长，请精简后重新提交。"})
	}
	if used == want {
		return &problem{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
			Message: "表单中的文字内容合计过多，请精简后重新提交。"}
	}
	if !utf8.Valid(b) {
		return invalid(map[string]string{name: "含有无法识别的字符，请重新输入。"})
	}
	rc.values.Add(name, string(b))
	return nil
}

// storeFile streams one file part to storage.
func (rc *received) storeFile(ctx context.Context, part *multipart.Part, field string, slot fileSlot) *problem {
	display := submission.SanitizeFileName(part.FileName())
	if unsafeName(rawFileName(part)) {
		return invalid(map[string]string{field: "文件名“" + display + "”含有不允许的字符（路径符号 / \\ 、“..” 或控制字符），请把文件改为普通的名称后重新上传。"})
	}
	head := make([]byte, sniffBytes)
	n, err := io.ReadFull(part, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return readProblem(err)
	}
	head = head[:n]
	if n == 0 {
		return invalid(map[string]string{field: "文件“" + display + "”是空文件，请选择正确的文件。"})
	}
	typ := detectType(head)
	if !contains(slot.types, typ) {
		return &problem{Status: http.StatusUnsupportedMediaType, Code: "unsupported_type",
			Message: "文件“" + display + "”的格式不在接受范围内。可以上传：" + typeNames(slot.types) + "。",
			Fields:  map[string]string{field: "“" + display + "”不是可接受的格式（" + typeNames(slot.types) + "）"}}
	}
	key := submission.FileKey(rc.kind, rc.ref, len(rc.files)+1)
	rc.inflight.Keys = append(rc.inflight.Keys, key)
	if err := rc.saveInflight(ctx, false); err != nil {
		return asProblem(rc.s.log, err)
	}
	h := sha256.New()
	check, err := newFileCheck(typ)
	if err != nil {
		return asProblem(rc.s.log, err)
	}
	defer check.close()
	body := &limitedReader{r: io.TeeReader(io.MultiReader(bytes.NewReader(head), part), check), left: slot.maxBytes, h: h,
		touch: func() { rc.touch(ctx) }}
	start := time.Now()
	info, err := rc.s.store.Put(ctx, key, body, storage.PutOptions{ContentType: typ})
	rc.s.metrics.storageSeconds.WithLabelValues("put").Observe(time.Since(start).Seconds())
	if err != nil {
		switch {
		case body.over:
			return &problem{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
				Message: fmt.Sprintf("文件“%s”超过单个文件%s的上限，请压缩或拆分后重新提交。", display, sizeText(slot.maxBytes)),
				Fields:  map[string]string{field: fmt.Sprintf("“%s”超过%s", display, sizeText(slot.maxBytes))}}
		case body.readErr != nil:
			return readProblem(body.readErr)
		}
		return asProblem(rc.s.log, err)
	}
	rc.written = append(rc.written, key)
	if info.Size != body.n {
		return asProblem(rc.s.log, fmt.Errorf("store %s: stored %d bytes, read %d", key, info.Size, body.n))
	}
	if why := check.verdict(); why != "" {
		return &problem{Status: http.StatusUnsupportedMediaType, Code: "unsupported_type",
			Message: "文件“" + display + "”" + why + "，没有保存。请检查文件后重新上传。",
			Fields:  map[string]string{field: "“" + display + "”" + why}}
	}
	rc.files = append(rc.files, submission.File{Field: field, Name: display, Key: key, Size: body.n,
		SHA256: hex.EncodeToString(h.Sum(nil)), Type: typ})
	rc.s.metrics.bytes.WithLabelValues(rc.kind).Add(float64(body.n))
	return nil
}

// touch rewrites the in-flight record to show the upload is still alive.
func (rc *received) touch(ctx context.Context) {
	if err := rc.saveInflight(ctx, false); err != nil {
		rc.s.log.Warn("in-flight record not refreshed", "ref", rc.ref, "err", err)
	}
}

// discard removes whatever this submission stored. It runs even when the
// client has gone, with its own deadline.
func (rc *received) discard() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, k := range rc.inflight.Keys {
		if err := rc.s.store.Delete(ctx, k); err != nil {
			rc.s.log.Warn("cleanup failed; the janitor will retry", "key", k, "err", err)
			return // keep the in-flight record for the janitor
		}
		rc.s.abortIncomplete(ctx, k)
	}
	if err := rc.s.store.Delete(ctx, submission.InflightKey(rc.ref)); err != nil {
		rc.s.log.Warn("cleanup of in-flight record failed; the janitor will retry", "ref", rc.ref, "err", err)
	}
}

// limitedReader counts and hashes what passes and fails past a limit.
type limitedReader struct {
	r       io.Reader
	left    int64
	n       int64
	h       hash.Hash
	over    bool
	readErr error
	touch   func() // called every touchEvery bytes: the upload is alive
	touched int64
}

// touchEvery is how often a long upload rewrites its in-flight record, so
// that the janitor, which sweeps records not written for JanitorAfter,
// never takes a live upload for an interrupted one.
const touchEvery = 64 << 20

var errTooLarge = errors.New("file exceeds its size limit")

func (l *limitedReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if n > 0 {
		l.n += int64(n)
		l.h.Write(p[:n])
		if l.n > l.left {
			l.over = true
			return 0, errTooLarge
		}
		if l.touch != nil && l.n-l.touched >= touchEvery {
			l.touched = l.n
			l.touch()
		}
	}
	if err != nil && err != io.EOF {
		l.readErr = err
	}
	return n, err
}

// readProblem maps a failure to read the request body.
func readProblem(err error) *problem {
	if errors.Is(err, errPartHeaderTooLarge) {
		return &problem{Status: http.StatusBadRequest, Code: "invalid",
			Message: "提交格式不正确（表单某一部分的头部过长），本次提交没有保存任何内容。请通过网页表单提交。"}
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &problem{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
			Message: fmt.Sprintf("提交的内容合计超过%s的上限，请压缩文件或分次提交。", sizeText(mbe.Limit))}
	}
	return &problem{Status: http.StatusBadRequest, Code: "invalid",
		Message: "提交没有完整送达（网络中断或表单不完整），本次提交没有保存任何内容。请重新提交。"}
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	default:
		return fmt.Sprintf("%d KB", n>>10)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// commit signs and writes the manifest, the commit point, appends its
// ledger entry, and drops the in-flight record. It returns the receipt
// token.
func (rc *received) commit(ctx context.Context, fields map[string]string, identity *submission.Sealed) (*submission.Manifest, string, *problem) {
	token := submission.NewToken()
	m := &submission.Manifest{
		Version: submission.Version, Kind: rc.kind, Reference: rc.ref, TokenHash: submission.HashToken(token),
		ReceivedAt: rc.receivedAt(), Fields: fields, Identity: identity, Files: rc.files,
	}
	if err := rc.s.signManifest(m); err != nil {
		return nil, "", asProblem(rc.s.log, err)
	}
	data, err := m.Encode()
	if err != nil {
		return nil, "", asProblem(rc.s.log, err)
	}
	if _, err := rc.s.store.Put(ctx, submission.ManifestKey(rc.kind, rc.ref), bytes.NewReader(data),
		storage.PutOptions{IfAbsent: true, ContentType: "application/json"}); err != nil {
		return nil, "", asProblem(rc.s.log, err)
	}
	rc.s.recordCommit(ctx, m, data)
	if err := rc.s.store.Delete(context.WithoutCancel(ctx), submission.InflightKey(rc.ref)); err != nil {
		rc.s.log.Warn("in-flight record not removed; the janitor will", "ref", rc.ref, "err", err)
	}
	return m, token, nil
}

// trimmed returns a form value with surrounding space removed.
func trimmed(v url.Values, name string) string { return strings.TrimSpace(v.Get(name)) }

// receivedAt is the time a submission is recorded as received: when its
// last part arrived.
func (rc *received) receivedAt() time.Time {
	if rc.completedAt.IsZero() {
		return rc.s.now()
	}
	return rc.completedAt
}
