package export

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// Supplements (补正). A submitter who was sent a one-time notice answers it
// with supplements, each its own record beside the original
// (submission.Supplement, supplements/<of>/<ref>/manifest.json), which
// never changes. The export writes every supplement of a submission it
// exports into the submission's folder, as 补正<n>/ with its record
// (manifest.json) and its files, copied and checked exactly like the
// original's; n counts the supplements by receipt time as the archive does
// (archive.Case.Supplements, 补正 n). Which files are current follows
// archive.Case.Materials: per slot, the newest supplement's files replace
// the earlier ones. Replaced files are exported all the same — nothing a
// submitter handed in is left out — and marked as replaced in the
// submission's MaterialsName, in 汇总.xlsx's 材料来源 and file listings.

// MaterialsName is the file in the folder of a submission with
// supplements that lists its materials: the current ones (the original's
// and the supplements' merged, each with its origin 原件 / 补正 n and its
// date) and those replaced, with where each was exported.
const MaterialsName = "材料清单.txt"

// supplementDir is the folder of a submission's n-th supplement, inside
// the submission's folder.
func supplementDir(n int) string { return fmt.Sprintf("补正%d", n) }

// supplement is one supplement of a submission being exported.
type supplement struct {
	n     int // 补正 n
	key   string
	raw   []byte // its record as stored
	s     *submission.Supplement
	dir   string // relative to the export's root, slash-separated
	files []fileResult
}

// listSupplements lists the records of every supplement in storage, by
// the reference of the submission each supplements; files and other
// objects under supplements/ are passed over.
func (e *exporter) listSupplements(ctx context.Context) error {
	e.supKeys = map[string][]string{}
	if len(e.subs) == 0 {
		return nil
	}
	infos, err := e.o.Store.List(ctx, "supplements/")
	if err != nil {
		return fmt.Errorf("列出存储中的补正材料出错：%w", err)
	}
	for _, info := range infos {
		if of, _, ok := submission.SupplementOf(info.Key); ok {
			e.supKeys[of] = append(e.supKeys[of], info.Key)
		}
	}
	return nil
}

// readSupplements reads the submission's supplement records, numbers them
// as the archive does (by receipt time, then reference; a record that
// cannot be read or lies elsewhere than its references say is no
// supplement to the archive either: it is reported as a mismatch and not
// numbered). With Options.Signer, verifyRecords has already verified the
// records (ledger.Verify checks supplements like manifests: MAC, ledger,
// deletion); a record that finding passed over and whose MAC does not
// verify is a finding (ledger.ManifestChanged) all the same.
func (e *exporter) readSupplements(ctx context.Context, it *item) error {
	for _, key := range e.supKeys[it.ref] {
		_, own, _ := submission.SupplementOf(key)
		raw, err := e.readManifest(ctx, key)
		if errors.Is(err, storage.ErrNotFound) {
			continue // removed since the listing
		}
		if err != nil {
			return err
		}
		label := "补正记录 " + own
		s, err := submission.DecodeSupplement(raw)
		switch {
		case err != nil:
			it.problems = append(it.problems, label+" 无法读取")
			e.mismatch(it, label, key, "可读的补正记录", "无法读取（"+err.Error()+"），其中的文件未导出")
			continue
		case s.Of != it.ref || s.Reference != own:
			it.problems = append(it.problems, label+" 与存储位置不符")
			e.mismatch(it, label, key, "补正 "+it.ref+" 的补正记录 "+own, "记载的是 "+s.Of+" 的补正记录 "+s.Reference+"，其中的文件未导出")
			continue
		}
		it.sups = append(it.sups, &supplement{key: key, raw: raw, s: s})
	}
	slices.SortStableFunc(it.sups, func(x, y *supplement) int {
		return cmp.Or(x.s.ReceivedAt.Compare(y.s.ReceivedAt), strings.Compare(x.s.Reference, y.s.Reference))
	})
	sups := make([]*submission.Supplement, len(it.sups))
	for i, s := range it.sups {
		s.n = i + 1
		s.dir = it.dir + "/" + supplementDir(s.n)
		sups[i] = s.s
		if e.o.Signer == nil || slices.ContainsFunc(e.rep.Findings, func(f ledger.Finding) bool { return f.Key == s.key }) {
			continue
		}
		if err := e.o.Signer.Verify(s.s); err != nil {
			f := ledger.Finding{Kind: ledger.ManifestChanged, Reference: it.ref, Key: s.key,
				Detail: fmt.Sprintf("补正材料记录（%s，补正编号 %s）：%s", archive.OriginLabel(s.n), s.s.Reference, err)}
			e.rep.Findings = append(e.rep.Findings, f)
			it.problems = append(it.problems, f.Kind.Label()+"（"+f.Detail+"）")
		}
	}
	it.cs = &archive.Case{Manifest: it.m, Supplements: sups}
	return nil
}

// exportSupplements writes each supplement of the submission into its
// folder: its record as manifest.json and its files, checked like the
// original's; then marks the replaced files and writes MaterialsName.
func (e *exporter) exportSupplements(ctx context.Context, it *item) error {
	for _, s := range it.sups {
		if err := writeWhole(e.sink, s.dir+"/manifest.json", s.raw); err != nil {
			return err
		}
		prefix := strings.TrimSuffix(s.key, "manifest.json")
		files, err := e.copyFiles(ctx, it, s.s.Files, prefix, s.dir, supplementDir(s.n)+"/", "收到时", map[string]bool{"manifest.json": true})
		if err != nil {
			return err
		}
		s.files = files
		e.rep.Supplements++
		for _, r := range files {
			if r.name != "" {
				e.rep.SupplementFiles++
			}
		}
	}
	e.markSuperseded(it)
	if len(it.sups) == 0 {
		return nil
	}
	return writeWhole(e.sink, it.dir+"/"+MaterialsName, []byte(e.materialsListing(it)))
}

// markSuperseded sets the origin of every file of the submission and
// whether, and by which supplement, it was replaced, by
// archive.Case.Materials.
func (e *exporter) markSuperseded(it *item) {
	if it.cs == nil {
		return
	}
	mats := it.cs.Materials()
	i := 0
	mark := func(rs []fileResult) {
		for j := range rs {
			if i < len(mats) {
				rs[j].origin, rs[j].superseded, rs[j].by = mats[i].Origin, mats[i].Superseded, mats[i].SupersededBy
			}
			i++
		}
	}
	mark(it.files)
	for _, s := range it.sups {
		mark(s.files)
	}
}

// allFiles are the submission's files as exported: the original's, then
// each supplement's.
func (it *item) allFiles() []fileResult {
	out := slices.Clone(it.files)
	for _, s := range it.sups {
		out = append(out, s.files...)
	}
	return out
}

// receivedDate is a date as the materials' origins are shown: 2026-12-03.
func (e *exporter) receivedDate(origin int, it *item) string {
	t := it.m.ReceivedAt
	if origin > 0 && origin <= len(it.sups) {
		t = it.sups[origin-1].s.ReceivedAt
	}
	return t.In(e.o.Location).Format("2006-01-02")
}

// originCounts describes files by origin, in order of origin: "1 份（原件）、
// 2 份（补正 1）".
func originCounts(rs []fileResult) string {
	count := map[int]int{}
	var origins []int
	for _, r := range rs {
		if count[r.origin] == 0 {
			origins = append(origins, r.origin)
		}
		count[r.origin]++
	}
	slices.Sort(origins)
	parts := make([]string, len(origins))
	for i, o := range origins {
		parts[i] = fmt.Sprintf("%d 份（%s）", count[o], archive.OriginLabel(o))
	}
	return strings.Join(parts, "、")
}

// slotMaterials is one slot's part of the 材料来源 cell: "1 份（补正 2，
// 2026-12-02）；已替换 1 份（原件）、1 份（补正 1）", "" for a slot without
// files.
func (e *exporter) slotMaterials(it *item, field string) string {
	var current, replaced []fileResult
	for _, r := range it.allFiles() {
		switch {
		case r.file.Field != field:
		case r.superseded:
			replaced = append(replaced, r)
		default:
			current = append(current, r)
		}
	}
	if len(current) == 0 {
		return ""
	}
	byOrigin := map[int]int{}
	var origins []int
	for _, r := range current {
		if byOrigin[r.origin] == 0 {
			origins = append(origins, r.origin)
		}
		byOrigin[r.origin]++
	}
	slices.Sort(origins)
	parts := make([]string, len(origins))
	for i, o := range origins {
		parts[i] = fmt.Sprintf("%d 份（%s，%s）", byOrigin[o], archive.OriginLabel(o), e.receivedDate(o, it))
	}
	text := strings.Join(parts, "、")
	if len(replaced) > 0 {
		text += "；已替换 " + originCounts(replaced)
	}
	return text
}

// materialsText is the 材料来源 cell: the current materials — the
// original's files with the supplements' over them, the newest winning
// per slot (archive.Case.Materials) — one slot a line with the number of
// files, their origin (原件 / 补正 n) and the date received, and the
// files replaced. An application lists every slot of the form as 申报材料
// does (不适用 / 未提交 for a slot without files); an objection its
// evidence.
func (e *exporter) materialsText(it *item) string {
	if it.kind == submission.KindApplication {
		var files []submission.File
		for _, r := range it.allFiles() {
			if !r.superseded {
				files = append(files, r.file)
			}
		}
		return slotLines(it.m.Application(), files, func(field string, _ int) string { return e.slotMaterials(it, field) })
	}
	var fields []string
	for _, r := range it.allFiles() {
		if !slices.Contains(fields, r.file.Field) {
			fields = append(fields, r.file.Field)
		}
	}
	lines := make([]string, 0, len(fields))
	for _, field := range fields {
		lines = append(lines, submission.SlotLabelOf(it.kind, field)+"："+e.slotMaterials(it, field))
	}
	if len(lines) == 0 {
		return "无"
	}
	return strings.Join(lines, "\n")
}

// correction is one corrected field as shown: "成立日期：2018-03-16，补正 1
// （2026-12-01）；原填 2018-03-15".
func (e *exporter) correction(it *item, fc archive.FieldCorrection) string {
	was := "原未填"
	if strings.TrimSpace(fc.Was) != "" {
		was = "原填 " + fc.Was
	}
	return fmt.Sprintf("%s：%s，%s（%s）；%s", fc.Label, fc.Value, archive.OriginLabel(fc.Origin), e.receivedDate(fc.Origin, it), was)
}

// correctionsText is the 更正内容 cell: the fields supplements corrected,
// each with its newest value, its origin and date and the original value
// (archive.Case.FieldCorrections); "" when none was.
func (e *exporter) correctionsText(it *item) string {
	if it.cs == nil {
		return ""
	}
	var lines []string
	for _, fc := range it.cs.FieldCorrections() {
		lines = append(lines, e.correction(it, fc))
	}
	return strings.Join(lines, "\n")
}

// supplementsText is the 补正记录 cell: each supplement with its
// reference, when it was received and its folder, then its files (number,
// slot, name, size, SHA-256, and whether a later supplement replaced it)
// and corrected fields; "" for a submission without supplements.
func (e *exporter) supplementsText(it *item) string {
	var lines []string
	for _, s := range it.sups {
		lines = append(lines, fmt.Sprintf("%s（补正编号 %s）%s 收到，存放于 %s/：", archive.OriginLabel(s.n), s.s.Reference,
			s.s.ReceivedAt.In(e.o.Location).Format(timeLayout), supplementDir(s.n)))
		for _, r := range s.files {
			lines = append(lines, fileLine(it.kind, r, true))
		}
		var names []string
		for name := range s.s.Fields {
			names = append(names, name)
		}
		slices.SortFunc(names, func(a, b string) int { return cmp.Compare(fieldIndex(a), fieldIndex(b)) })
		for _, name := range names {
			lines = append(lines, "更正 "+fieldLabel(name)+"："+s.s.Fields[name])
		}
	}
	return strings.Join(lines, "\n")
}

// fileLine is one file of a listing: number, [slot], name, size, SHA-256
// and, when a later supplement replaced it, which.
func fileLine(kind string, r fileResult, withSlot bool) string {
	line := fmt.Sprintf("%02d ", r.n)
	if withSlot {
		line += "[" + submission.SlotLabelOf(kind, r.file.Field) + "] "
	}
	line += submission.SanitizeFileName(r.file.Name) + "，" + submission.FileSize(r.file.Size) + "，SHA-256 " + strings.ToLower(r.file.SHA256)
	return line + replacedNote(r)
}

// replacedNote is "（已被补正 2 替换）" for a replaced file, else "".
func replacedNote(r fileResult) string {
	if !r.superseded {
		return ""
	}
	return "（已被" + archive.OriginLabel(r.by) + " 替换）"
}

// fieldLabel is a correctable field's label, or its name.
func fieldLabel(name string) string {
	if f, ok := submission.CorrectableFieldByName(name); ok {
		return f.Label
	}
	return name
}

// fieldIndex is a field's place among the correctable fields; others come
// last.
func fieldIndex(name string) int {
	for i, f := range submission.CorrectableFields() {
		if f.Name == name {
			return i
		}
	}
	return len(submission.CorrectableFields())
}

// materialsListing is the text of MaterialsName: where each part of the
// submission came from, its current materials and those replaced, each
// file with where it was exported, its size, SHA-256 and check, and the
// corrected fields.
func (e *exporter) materialsListing(it *item) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("材料清单：%s（原件及补正材料）", it.ref)
	line("")
	line("原件：%s 收到，受理记录 manifest.json", it.m.ReceivedAt.In(e.o.Location).Format(timeLayout))
	for _, s := range it.sups {
		line("%s：%s 收到，补正编号 %s，补正记录 %s/manifest.json", archive.OriginLabel(s.n),
			s.s.ReceivedAt.In(e.o.Location).Format(timeLayout), s.s.Reference, supplementDir(s.n))
	}
	file := func(r fileResult) {
		where := r.name
		if where == "" {
			where = "（未导出）"
		} else if r.origin > 0 {
			where = supplementDir(r.origin) + "/" + where
		}
		check := "校验一致"
		if r.problem != "" {
			check = "校验不一致：" + r.problem
		}
		line("  %s：%s（%s，%s 收到；%s，SHA-256 %s；%s）%s", submission.SlotLabelOf(it.kind, r.file.Field), where,
			archive.OriginLabel(r.origin), e.receivedDate(r.origin, it), submission.FileSize(r.file.Size), strings.ToLower(r.file.SHA256), check, replacedNote(r))
	}
	var current, replaced []fileResult
	for _, r := range it.allFiles() {
		if r.superseded {
			replaced = append(replaced, r)
		} else {
			current = append(current, r)
		}
	}
	order := func(rs []fileResult) {
		if it.kind == submission.KindApplication {
			slices.SortStableFunc(rs, func(x, y fileResult) int {
				return cmp.Compare(submission.SlotIndex(x.file.Field), submission.SlotIndex(y.file.Field))
			})
		}
	}
	order(current)
	order(replaced)
	line("")
	line("现行材料（原件与补正材料合并，同一项材料以最新补正的为准）：")
	for _, r := range current {
		file(r)
	}
	if len(current) == 0 {
		line("  （无）")
	}
	if len(replaced) > 0 {
		line("")
		line("已被替换的材料（照原样导出，供查对）：")
		for _, r := range replaced {
			file(r)
		}
	}
	if fcs := it.cs.FieldCorrections(); len(fcs) > 0 {
		line("")
		line("更正的填报内容：")
		for _, fc := range fcs {
			line("  %s", e.correction(it, fc))
		}
	}
	return b.String()
}
