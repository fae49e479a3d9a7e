package console

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"

	"github.com/zhongmou/award/intake"
	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/submission"
	"github.com/zhongmou/award/workday"
)

// letterTypes are what the scan of a paper letter may be.
var letterTypes = []string{submission.TypePDF, submission.TypeOFD, submission.TypeJPEG, submission.TypePNG}

// paperFile is a file of the 代录 form, its type read from its first bytes
// and the whole of it checked, not yet stored.
type paperFile struct {
	field, name, typ string
	fh               *multipart.FileHeader
}

// paperCreate registers a paper objection or application (代录): the same
// typed fields as the online forms, checked by the intake's own rules
// (intake.PaperCheck) with the window decided by the postmark or hand-in
// date; the scan of the letter (required) and the files, their types read
// from their content. Anything wrong re-renders the form with what was
// typed and nothing is stored; else it is stored through the archive as
// the same record as an online one (Begin, Put, Commit: identity sealed,
// Channel paper, Postmarked), audited, and the clerk lands on its case
// page. Secretariat only.
func (s *Server) paperCreate(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	form := r.PostForm
	v := s.paperForm(form.Get("kind"), form)
	today := workday.DateOf(s.now().In(s.loc))
	postmarked, err := workday.ParseDate(form.Get("postmarked"))
	switch {
	case form.Get("postmarked") == "":
		v.Problems["postmarked"] = "请填写信封上的邮戳日期（当面送达的填送达日期），如 " + today.String() + "。"
	case err != nil:
		v.Problems["postmarked"] = "邮戳（送达）日期应写成 " + today.String() + " 的形式。"
	case postmarked.After(today):
		v.Problems["postmarked"] = "邮戳（送达）日期不能晚于今天（" + today.Chinese() + "）。"
	}
	files := s.paperFiles(r.MultipartForm, v)
	if _, ok := v.Problems["postmarked"]; !ok {
		check := intake.PaperCheck{Limits: s.limits, Calendar: s.calendar, Townships: s.townships, Location: s.loc, Today: s.now()}
		var res intake.PaperResult
		if v.Kind == kindObjection {
			res = check.Objection(form, s.manifest(), postmarked, len(files))
		} else {
			var fs []submission.File
			for _, f := range files {
				fs = append(fs, submission.File{Field: f.field, Name: f.name, Type: f.typ})
			}
			res = check.Application(form, s.manifest(), postmarked, fs)
		}
		for k, p := range res.Problems {
			if _, ok := v.Problems[k]; !ok {
				v.Problems[k] = p
			}
		}
		if len(v.Problems) == 0 && res.Message == "" {
			s.paperStore(w, r, me, v, postmarked, res, files)
			return
		}
		v.Message = res.Message
	}
	if v.Message == "" {
		v.Message = fmt.Sprintf("有 %d 处需要修改，见下面各栏的提示；没有登记任何内容。", len(v.Problems))
	} else {
		v.Message += "没有登记任何内容。"
	}
	s.render(w, r, me, http.StatusUnprocessableEntity, "paper.html", "代录纸质"+v.KindLabel, v)
}

// paperStore stores a checked paper submission and its files.
func (s *Server) paperStore(w http.ResponseWriter, r *http.Request, me *who, v *paperView, postmarked workday.Date, res intake.PaperResult, files []paperFile) {
	ctx := r.Context()
	up, err := s.archive.Begin(ctx, v.Kind)
	if err != nil {
		s.fail(w, r, me, err)
		return
	}
	stored := make([]submission.File, 0, len(files))
	for _, f := range files {
		sf, err := putPaperFile(r, up, f)
		if err != nil {
			up.Discard()
			s.fail(w, r, me, err)
			return
		}
		stored = append(stored, sf)
	}
	m, _, err := up.Commit(ctx, archive.Commitment{Fields: res.Fields, Identity: res.Identity, Files: stored})
	if err != nil {
		up.Discard()
		s.fail(w, r, me, err)
		return
	}
	s.audit(r, me, "paper", m.Reference, map[string]any{"kind": v.Kind, "postmarked": postmarked.String(), "files": len(stored)})
	http.Redirect(w, r, Prefix+"cases/"+m.Reference+"?done=paper", http.StatusSeeOther)
}

// putPaperFile stores one file of the 代录 form.
func putPaperFile(r *http.Request, up *archive.Upload, f paperFile) (submission.File, error) {
	src, err := f.fh.Open()
	if err != nil {
		return submission.File{}, err
	}
	defer src.Close()
	st, err := up.Put(r.Context(), src, f.typ)
	if err != nil {
		return submission.File{}, err
	}
	return submission.File{Field: f.field, Name: f.name, Key: st.Key, Size: st.Size, SHA256: st.SHA256, Type: f.typ}, nil
}

// paperFiles reads the form's files — the letter's scan first, then the
// evidence (objections) or each slot's (applications) — their types from
// their first bytes, and notes in v what is wrong with any: a missing
// scan, an empty file, a type or size the slot does not take, too many, a
// file cut off or a malformed document (inspect).
func (s *Server) paperFiles(mf *multipart.Form, v *paperView) []paperFile {
	type slot struct {
		name, label string
		types       []string
		max         int
		maxBytes    int64
	}
	slots := []slot{{submission.LetterSlot, submission.LetterLabel, letterTypes, 5, s.limits.MaxFileBytes}}
	if v.Kind == kindObjection {
		slots = append(slots, slot{submission.EvidenceSlot, submission.EvidenceLabel, s.limits.AllowedTypes, s.limits.MaxFiles, s.limits.MaxFileBytes})
	} else {
		for _, sl := range submission.ApplicationSlots() {
			slots = append(slots, slot{sl.Name, sl.Label, sl.Types, sl.MaxFiles, sl.MaxBytes})
		}
	}
	var out []paperFile
	for _, sl := range slots {
		var fhs []*multipart.FileHeader
		if mf != nil {
			fhs = mf.File[sl.name]
		}
		if len(fhs) > sl.max {
			v.Problems[sl.name] = fmt.Sprintf("“%s”最多 %d 个文件（现为 %d 个）。", sl.label, sl.max, len(fhs))
			continue
		}
		for _, fh := range fhs {
			name := submission.SanitizeFileName(fh.Filename)
			switch typ, why, err := inspect(fh, sl.types); {
			case err != nil:
				v.Problems[sl.name] = "“" + name + "”读不出来，请重新选择。"
			case fh.Size == 0:
				v.Problems[sl.name] = "“" + name + "”是空文件，请重新扫描。"
			case fh.Size > sl.maxBytes:
				v.Problems[sl.name] = fmt.Sprintf("“%s”超过单个文件%s的上限，请压缩或拆分。", name, submission.FileSize(sl.maxBytes))
			case !slices.Contains(sl.types, typ):
				v.Problems[sl.name] = strings.TrimSuffix(intake.RefusedTypeText(name, sl.types), "。") + "。"
			case why != "":
				v.Problems[sl.name] = "“" + name + "”" + why + "，请重新扫描或选择文件。"
			default:
				out = append(out, paperFile{field: sl.name, name: name, typ: typ, fh: fh})
			}
		}
	}
	if mf == nil || len(mf.File[submission.LetterSlot]) == 0 {
		v.Problems[submission.LetterSlot] = "请上传纸质来件的扫描件（" + v.KindLabel + "书及信封，PDF、OFD、JPG 或 PNG）。"
	}
	return out
}

// inspect reads a form file's type from its first bytes and, when it is
// one of types, checks the whole file as the intake checks an upload
// (submission.ContentCheck): why says what is wrong with it, "" when
// nothing is.
func inspect(fh *multipart.FileHeader, types []string) (typ, why string, err error) {
	f, err := fh.Open()
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	head := make([]byte, submission.SniffBytes)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", "", err
	}
	head = head[:n]
	if typ = submission.DetectType(bytes.Clone(head)); !slices.Contains(types, typ) {
		return typ, "", nil
	}
	check, err := submission.NewContentCheck(typ)
	if err != nil {
		return "", "", err
	}
	defer check.Close()
	if _, err := io.Copy(check, io.MultiReader(bytes.NewReader(head), f)); err != nil {
		return "", "", err
	}
	return typ, check.Verdict(), nil
}
