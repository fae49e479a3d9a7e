package intake

import (
	"context"
	"errors"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/submission"
)

// stagedField is the form field naming a staged upload by id: a file sent
// ahead of the form through /api/uploads/. It may repeat.
const stagedField = "staged"

// stagedPart takes the staged upload id into the submission as a file of
// its slot, admitted like a file part (the slot is the form's, room
// left). The upload must be complete, unexpired and sent for this kind of
// form. Its bytes are copied once the whole post has arrived (copyStaged),
// so that they do not count in when it arrived. It stays staged until the
// submission commits (removeStaged), so a refused form keeps it.
func (s *Server) stagedPart(ctx context.Context, rc *received, form intakeForm, ps *partState, id string) *problem {
	st, offset, err := s.archive.StagedUpload(ctx, id)
	if err == nil && offset != st.Length {
		err = archive.ErrStagedIncomplete
	}
	field := st.Field
	if _, ok := form.slots[field]; !ok {
		// The problem is shown on a field the form has.
		field = stagedField
		if names := slices.Sorted(maps.Keys(form.slots)); len(names) > 0 {
			field = names[0]
		}
	}
	if err != nil {
		if stagedProblem(err) == nil {
			return asProblem(s.log, err)
		}
		return invalid(map[string]string{field: stagedFieldMessage(err, st.Name, s.archive.UploadExpiry())})
	}
	if st.Kind != form.kind || slices.ContainsFunc(rc.pending, func(p pendingStaged) bool { return p.id == id }) {
		return invalid(map[string]string{field: "文件“" + st.Name + "”不是在本表单中上传的，或重复提交了，请移除后重新选择。"})
	}
	if field != st.Field && form.unlisted != nil {
		return form.unlisted(st.Field)
	}
	slot, p := ps.admit(rc, form, st.Field)
	if p != nil {
		return p
	}
	rc.pending = append(rc.pending, pendingStaged{id: id, name: st.Name, field: st.Field, slot: slot})
	return nil
}

// pendingStaged is a staged upload a post named, admitted, to be copied.
type pendingStaged struct {
	id, name, field string
	slot            fileSlot
}

// copyStaged copies the staged uploads the post named into the archive,
// each read through the same checks as a file part (storeStream), with
// its SHA-256.
func (s *Server) copyStaged(ctx context.Context, rc *received) *problem {
	for _, ps := range rc.pending {
		rd, _, err := s.archive.OpenStaged(ctx, ps.id)
		if err != nil {
			if stagedProblem(err) == nil {
				return asProblem(s.log, err)
			}
			return invalid(map[string]string{ps.field: stagedFieldMessage(err, ps.name, s.archive.UploadExpiry())})
		}
		p := s.storeStream(ctx, rc, rd, ps.field, ps.name, ps.slot)
		rd.Close()
		if p != nil {
			return p
		}
		rc.staged = append(rc.staged, ps.id)
	}
	return nil
}

// stagedFieldMessage says, on the slot's field, why a staged upload named
// in the form cannot be taken.
func stagedFieldMessage(err error, name string, expiry time.Duration) string {
	file := "所选文件"
	if name != "" {
		file = "文件“" + name + "”"
	}
	switch {
	case errors.Is(err, archive.ErrStagedIncomplete):
		return file + "尚未上传完成，请等待上传完成后再提交。"
	case errors.Is(err, archive.ErrStagedExpired):
		return file + "已过期（上传后保留" + durationText(expiry) + "），请重新选择。"
	default:
		return file + "已不在服务器上（可能已取消或已清除），请重新选择。"
	}
}

// removeStaged removes the staged uploads a committed submission took;
// what it cannot remove expires.
func (s *Server) removeStaged(rc *received) {
	if rc == nil || len(rc.staged) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, id := range rc.staged {
		if err := s.archive.RemoveStaged(ctx, id); err != nil {
			s.log.Warn("staged upload not removed after commit; it expires", "id", id, "err", err)
		}
	}
}

// stagedFile is a staged upload as a refused form shows it again, under
// its slot, so that the person sends the form again without choosing or
// uploading it again.
type stagedFile struct {
	ID, Field, Name string
	Size            int64
	SizeText        string
}

// stagedView is the part of a form's view about staged uploads.
type stagedView struct {
	// UploadsURL is where the page's script sends files ahead of the form
	// (data-uploads); UploadExpiry says how long they are kept unclaimed.
	UploadsURL, UploadExpiry string
	// Staged are the staged uploads the refused post named, still there.
	Staged []stagedFile
}

func (v *stagedView) stagedPart() *stagedView { return v }

// stagedViewer is a form view with a stagedView.
type stagedViewer interface{ stagedPart() *stagedView }

// newStagedView is the endpoint and expiry part of a form's view.
func (s *Server) newStagedView() stagedView {
	u := s.URL("upload", "id", "x")
	return stagedView{UploadsURL: u[:len(u)-1], UploadExpiry: durationText(s.archive.UploadExpiry())}
}

// fillStaged lists in a refused form's view the staged uploads its post
// named (values) that are still there and complete, in their order.
func (s *Server) fillStaged(ctx context.Context, view formView, values url.Values) {
	sv, ok := view.(stagedViewer)
	if !ok || len(values[stagedField]) == 0 {
		return
	}
	v := sv.stagedPart()
	v.Staged = nil
	for _, id := range values[stagedField] {
		st, offset, err := s.archive.StagedUpload(ctx, id)
		if err != nil || offset != st.Length || slices.ContainsFunc(v.Staged, func(f stagedFile) bool { return f.ID == id }) {
			continue
		}
		v.Staged = append(v.Staged, stagedFile{ID: st.ID, Field: st.Field, Name: st.Name, Size: st.Length, SizeText: submission.FileSize(st.Length)})
	}
}

// durationText says a duration in whole hours or minutes.
func durationText(d time.Duration) string {
	if d >= time.Hour && d%time.Hour == 0 {
		return strconv.Itoa(int(d/time.Hour)) + "小时"
	}
	return strconv.Itoa(int((d+time.Minute-1)/time.Minute)) + "分钟"
}
