package intake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/budget"
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
	// begin begins the upload in the archive; nil: a new submission of
	// kind (Archive.Begin). A supplement's is Archive.BeginSupplement.
	begin func(ctx context.Context) (*archive.Upload, error)
	// unlisted, when set, is the answer to a file in a field that is not
	// one of slots; nil: the generic one.
	unlisted func(field string) *problem
	// early checks the text fields read before the first file, so that a
	// closed window or an unknown candidate is refused before any file is
	// read. It may return nil to let the upload proceed.
	early func(values url.Values) *problem
	// guard checks the form token and the honeypot (formGuard): before the
	// first file and at the end of the form.
	guard func(values url.Values) *problem
}

// received is one request's submission while it is read: its upload in
// the archive, the text fields, the files stored. It holds nothing of the
// server's but its share of the form-text budget, given back by release.
type received struct {
	up     *archive.Upload
	values url.Values
	files  []submission.File
	// textBytes counts the request's text field bytes; held is what it
	// holds of formText until release.
	textBytes, held int64
	formText        *budget.Pool
	// completedAt is when the body's last part arrived: the moment that
	// decides whether the submission came within its window.
	completedAt time.Time
	// headers bounds what the multipart reader reads for a part's header.
	headers *headerGuard
	// pending are the staged uploads the post named, copied once it has
	// arrived; staged are those copied, removed once it commits.
	pending []pendingStaged
	staged  []string
}

// release gives back the request's share of the form-text budget. It may
// be called on a nil received and more than once.
func (rc *received) release() {
	if rc == nil || rc.held == 0 {
		return
	}
	rc.formText.Release(rc.held)
	rc.held = 0
}

// discard removes whatever the submission stored (see archive.Upload).
// A received of receiveText stored nothing.
func (rc *received) discard() {
	if rc != nil && rc.up != nil {
		rc.up.Discard()
	}
}

// receive begins an upload in the archive (a fresh reference, by
// form.begin), then reads the multipart body part by part: text fields
// into values, files streamed straight to storage with their SHA-256, type
// sniffed from content and checked before any byte is stored. On any
// failure it discards what it stored and returns the problem, with the
// text fields read so far when there are any.
func (s *Server) receive(r *http.Request, form intakeForm) (*received, *problem) {
	mr, headers, release, err := partReader(r)
	if err != nil {
		return nil, errNotMultipart
	}
	defer release()
	form.guard = s.formGuard(r)
	begin := form.begin
	if begin == nil {
		begin = func(ctx context.Context) (*archive.Upload, error) { return s.archive.Begin(ctx, form.kind) }
	}
	up, err := begin(r.Context())
	if err != nil {
		return nil, asProblem(s.log, err)
	}
	rc := &received{up: up, values: url.Values{}, formText: s.formText, headers: headers}
	if p := s.readParts(r.Context(), rc, mr, form); p != nil {
		rc.discard()
		return rc, p // the values read so far, to show the form again
	}
	return rc, nil
}

// receiveText reads only the text fields of a post refused before its
// body was read (submitGate), so that the form can be shown again with the
// person's entries; it begins no upload and stores nothing. With
// skipFiles, file parts are read through and thrown away, so that the
// fields after them are kept too; without, reading stops at the first file
// part (a flood's files are not read at all). It stops, keeping what it
// has, at the end of the body or any error.
func (s *Server) receiveText(r *http.Request, skipFiles bool) *received {
	rc := &received{values: url.Values{}, formText: s.formText}
	mr, headers, release, err := partReader(r)
	if err != nil {
		return rc
	}
	defer release()
	rc.headers = headers
	for n := 0; n < maxParts; n++ {
		headers.limit(maxPartHeaderBytes)
		part, err := mr.NextPart()
		headers.unlimit()
		if err != nil {
			return rc
		}
		if part.FileName() != "" {
			if !skipFiles {
				return rc
			}
			if _, err := io.Copy(io.Discard, part); err != nil {
				return rc
			}
			continue
		}
		if s.readField(r.Context(), rc, part, part.FormName()) != nil {
			return rc
		}
	}
	return rc
}

func (s *Server) readParts(ctx context.Context, rc *received, mr *multipart.Reader, form intakeForm) *problem {
	ps := &partState{counts: map[string]int{}}
	for n := 0; ; n++ {
		rc.headers.limit(maxPartHeaderBytes)
		part, err := mr.NextPart()
		rc.headers.unlimit()
		if err == io.EOF {
			rc.completedAt = s.now()
			if form.guard != nil {
				if p := form.guard(rc.values); p != nil {
					return p
				}
			}
			return s.copyStaged(ctx, rc)
		}
		if err != nil {
			return readProblem(err)
		}
		if n >= maxParts {
			return &problem{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: "表单内容过多，请检查后重新提交。"}
		}
		name := part.FormName()
		if part.FileName() == "" {
			if p := s.readField(ctx, rc, part, name); p != nil {
				return p
			}
			if name == stagedField {
				if p := s.stagedPart(ctx, rc, form, ps, rc.values[stagedField][len(rc.values[stagedField])-1]); p != nil {
					s.readRestText(ctx, rc, mr, n)
					return p
				}
			}
			continue
		}
		slot, p := ps.admit(rc, form, name)
		if p != nil {
			return p
		}
		if p := s.storeFile(ctx, rc, part, name, slot); p != nil {
			return p
		}
	}
}

// readRestText reads on, after a refusal decided at a text part (a staged
// upload's), the text fields that follow — up to the first file part, the
// end, or any error — so that the form shown again keeps every entry and
// every staged upload the post named. n parts have been read.
func (s *Server) readRestText(ctx context.Context, rc *received, mr *multipart.Reader, n int) {
	for n++; n < maxParts; n++ {
		rc.headers.limit(maxPartHeaderBytes)
		part, err := mr.NextPart()
		rc.headers.unlimit()
		if err != nil || part.FileName() != "" {
			return
		}
		if s.readField(ctx, rc, part, part.FormName()) != nil {
			return
		}
	}
}

// partState is what reading a form's parts keeps between them: the files
// taken per slot, and whether the guard and the early check have run.
type partState struct {
	counts             map[string]int
	earlyDone, guarded bool
}

// admit decides whether a file for field may be read now: the field is one
// of the form's slots, the form's token and honeypot and its early check
// pass (run before the first file), and the slot has room for one more.
func (ps *partState) admit(rc *received, form intakeForm, field string) (fileSlot, *problem) {
	slot, ok := form.slots[field]
	if !ok && form.unlisted != nil {
		return slot, form.unlisted(field)
	}
	if !ok {
		return slot, invalid(map[string]string{field: "不接受这个文件栏目，请通过网页表单提交。"})
	}
	if !ps.guarded && form.guard != nil {
		ps.guarded = true
		if p := form.guard(rc.values); p != nil {
			return slot, p
		}
	}
	if !ps.earlyDone && form.early != nil {
		ps.earlyDone = true
		if p := form.early(rc.values); p != nil {
			return slot, p
		}
	}
	ps.counts[field]++
	if ps.counts[field] > slot.maxCount {
		return slot, &problem{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
			Message: fmt.Sprintf("文件数量超过上限：此栏最多%d个文件。请合并或删减后重新提交。", slot.maxCount),
			Fields:  map[string]string{field: fmt.Sprintf("最多%d个文件", slot.maxCount)}}
	}
	return slot, nil
}

// readField reads one text field, bounded, as valid UTF-8, within what is
// left of the request's own bound (Limits.MaxFormTextBytes). A request's
// first freeTextBytes of text are its own (bounded in all by the number of
// connections); past them, the bytes a field may hold are first taken
// from the process's form-text budget: what the field did not use is given
// back at once, the rest when the request ends (release). So an ordinary
// form never waits for the budget, and a refused one still has its
// entries to show again.
func (s *Server) readField(ctx context.Context, rc *received, part *multipart.Part, name string) *problem {
	left := s.cfg.Limits.MaxFormTextBytes - rc.textBytes
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
		if err := rc.formText.Acquire(ctx, rest); err != nil {
			return asProblem(s.log, err)
		}
		var more []byte
		more, err = io.ReadAll(io.LimitReader(part, rest))
		rc.formText.Release(rest - int64(len(more)))
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

// storeFile streams one file part into the archive (storeStream), once
// its name is found safe.
func (s *Server) storeFile(ctx context.Context, rc *received, part *multipart.Part, field string, slot fileSlot) *problem {
	display := submission.SanitizeFileName(part.FileName())
	if unsafeName(rawFileName(part)) {
		return invalid(map[string]string{field: "文件名“" + display + "”含有不允许的字符（路径符号 / \\ 、“..” 或控制字符），请把文件改为普通的名称后重新上传。"})
	}
	return s.storeStream(ctx, rc, wholeReads{part}, field, display, slot)
}

// storeStream streams one file, from a form's part or a staged upload,
// into the archive: its type sniffed from its first bytes and checked
// before anything is stored, its content checked on the way (zip bombs,
// truncation), its size bounded.
func (s *Server) storeStream(ctx context.Context, rc *received, src io.Reader, field, display string, slot fileSlot) *problem {
	head := make([]byte, sniffBytes)
	n, err := io.ReadFull(src, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return readProblem(err)
	}
	head = head[:n]
	if n == 0 {
		return invalid(map[string]string{field: "文件“" + display + "”是空文件，请选择正确的文件。"})
	}
	typ := detectType(head)
	if !contains(slot.types, typ) {
		text, _ := refusedTypeText(display, slot.types)
		return fileRefused(field, text)
	}
	check, err := submission.NewContentCheck(typ)
	if err != nil {
		return asProblem(s.log, err)
	}
	defer check.Close()
	body := &limitedReader{r: io.TeeReader(io.MultiReader(bytes.NewReader(head), src), check), left: slot.maxBytes}
	start := time.Now()
	stored, err := rc.up.Put(ctx, body, typ)
	s.metrics.storageSeconds.WithLabelValues("put").Observe(time.Since(start).Seconds())
	if err != nil {
		switch {
		case body.over:
			return &problem{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
				Message: fmt.Sprintf("文件“%s”超过单个文件%s的上限，请压缩或拆分后重新提交。", display, sizeText(slot.maxBytes)),
				Fields:  map[string]string{field: fmt.Sprintf("“%s”超过%s", display, sizeText(slot.maxBytes))}}
		case body.readErr != nil:
			return readProblem(body.readErr)
		}
		return asProblem(s.log, err)
	}
	if why := check.Verdict(); why != "" {
		return fileRefused(field, "“"+display+"”"+why+"，没有保存。请检查文件后重新上传。")
	}
	rc.files = append(rc.files, submission.File{Field: field, Name: display, Key: stored.Key, Size: stored.Size,
		SHA256: stored.SHA256, Type: typ})
	s.metrics.bytes.WithLabelValues(rc.up.Kind()).Add(float64(stored.Size))
	return nil
}

// limitedReader counts what passes and fails past a limit, noting whether
// it did and any error of the body, so that a failed Put can be told for
// the person.
type limitedReader struct {
	r       io.Reader
	left    int64
	n       int64
	over    bool
	readErr error
}

var errTooLarge = errors.New("file exceeds its size limit")

func (l *limitedReader) Read(p []byte) (int, error) {
	if rest := l.left - l.n + 1; int64(len(p)) > rest { // one byte past tells
		p = p[:max(rest, 1)]
	}
	n, err := l.r.Read(p)
	if n > 0 {
		l.n += int64(n)
		if l.n > l.left {
			l.over = true
			return 0, errTooLarge
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

// commit commits the submission in the archive: the manifest with its
// typed fields, the sealed identity and the files, as of when its last part
// arrived. It returns the receipt token.
func (s *Server) commit(ctx context.Context, rc *received, fields map[string]string, identity any) (*submission.Manifest, string, *problem) {
	m, token, err := rc.up.Commit(ctx, archive.Commitment{ReceivedAt: rc.completedAt, Fields: fields, Identity: identity, Files: rc.files})
	if err != nil {
		return nil, "", asProblem(s.log, err)
	}
	return m, token, nil
}

// trimmed returns a form value with surrounding space removed.
func trimmed(v url.Values, name string) string { return strings.TrimSpace(v.Get(name)) }
