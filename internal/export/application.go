package export

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhongmou/award/ident"
	"github.com/zhongmou/award/submission"
)

// Applications (申报). An organisation that applies to a call again does so
// under a new reference; nothing is overwritten. The export groups an
// organisation's applications to one call by its 统一社会信用代码 and numbers
// them 1, 2, … by receipt time: the highest is the latest (最新).
//
// Versions are numbered over every readable application in storage, whatever
// the time filters select, so that a version keeps its number in every
// export and "最新" means the latest received, not merely the latest in
// this export.

// Names in the application folders.
const (
	// LatestName is the file in an organisation's folder that names the
	// folder of its latest version.
	LatestName = "最新版本.txt"
	// latestSheet is the sheet of the latest versions only.
	latestSheet = "申报-最新"

	noCall       = "未注明申报通知"
	noCreditCode = "未填信用代码"
	noOrgName    = "未填组织名称"
)

// appVersion is one application as the numbering sees it.
type appVersion struct {
	ref     string
	at      time.Time
	orgName string
	group   *appGroup
	n       int   // 1-based, by receipt time within the group
	it      *item // nil when the options do not select it
}

// appGroup is one organisation's applications to one call.
type appGroup struct {
	call       string
	creditCode string // normalised; "" if none was given
	versions   []*appVersion
	dir        string // its folder, relative to Out, once made
}

// applications are all the applications read, by group.
type applications struct {
	groups   map[string]*appGroup
	callDirs map[string]string // call → its folder, once made
}

// note records an application for the numbering.
func (a *applications) note(ref string, m *submission.Manifest) *appVersion {
	f := m.Application()
	call := strings.TrimSpace(f.Call)
	code := ident.NormalizeCreditCode(f.CreditCode)
	key := call + "\x00" + code
	if code == "" {
		// Without a credit code nothing says which applications are the
		// same organisation's: each stands alone.
		key += "\x00" + ref
	}
	if a.groups == nil {
		a.groups = map[string]*appGroup{}
	}
	g := a.groups[key]
	if g == nil {
		g = &appGroup{call: call, creditCode: code}
		a.groups[key] = g
	}
	v := &appVersion{ref: ref, at: m.ReceivedAt, orgName: strings.TrimSpace(f.OrgName), group: g}
	g.versions = append(g.versions, v)
	return v
}

// number numbers every group's versions by receipt time, then reference.
func (a *applications) number() {
	for _, g := range a.groups {
		slices.SortFunc(g.versions, func(x, y *appVersion) int {
			if c := x.at.Compare(y.at); c != 0 {
				return c
			}
			return strings.Compare(x.ref, y.ref)
		})
		for i, v := range g.versions {
			v.n = i + 1
		}
	}
}

// latest is the group's latest version, exported or not.
func (g *appGroup) latest() *appVersion { return g.versions[len(g.versions)-1] }

// exported are the group's versions in this export, latest first.
func (g *appGroup) exported() []*appVersion {
	var vs []*appVersion
	for i := len(g.versions) - 1; i >= 0; i-- {
		if g.versions[i].it != nil {
			vs = append(vs, g.versions[i])
		}
	}
	return vs
}

// applicationFolder makes the folders of an application's version:
// application/<call>/<credit code>_<name>/v<N>_<date>_<REFERENCE>.
func (e *exporter) applicationFolder(v *appVersion) string {
	g := v.group
	if g.dir == "" {
		g.dir = e.uniqueDir(e.callDir(g.call) + "/" + orgFolderName(g))
	}
	return e.uniqueDir(g.dir + "/" + e.versionName(v))
}

// callDir is the folder of a call's applications. Calls whose ids differ
// only in case, or in characters a file name cannot hold, get folders of
// their own (~2 …).
func (e *exporter) callDir(call string) string {
	if d, ok := e.apps.callDirs[call]; ok {
		return d
	}
	if e.apps.callDirs == nil {
		e.apps.callDirs = map[string]string{}
	}
	d := e.uniqueDir(submission.KindApplication + "/" + segment(call, noCall))
	e.apps.callDirs[call] = d
	return d
}

// orgFolderName is <credit code>_<name>, the name being the one of the
// organisation's latest application (it may have been renamed).
func orgFolderName(g *appGroup) string {
	return cutBytes(segment(g.creditCode, noCreditCode)+"_"+segment(g.latest().orgName, noOrgName), maxNameBytes)
}

// versionName is a version's folder name, v<N>_<date>_<REFERENCE>.
func (e *exporter) versionName(v *appVersion) string {
	return fmt.Sprintf("v%d_%s_%s", v.n, v.at.In(e.o.Location).Format("2006-01-02"), submission.SanitizeFileName(v.ref))
}

// segment makes a form value one safe folder name: slashes and what file
// systems refuse become _, at most maxNameBytes bytes; empty gives
// fallback.
func segment(s, fallback string) string {
	s = strings.TrimSpace(strings.NewReplacer("/", "_", "\\", "_").Replace(s))
	if strings.Trim(s, ". ") == "" {
		return fallback
	}
	return cutBytes(submission.SanitizeFileName(s), maxNameBytes)
}

// cutBytes shortens s to at most max bytes of UTF-8, not ending in a dot
// or a space (which some file systems drop).
func cutBytes(s string, max int) string {
	for len(s) > max {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return strings.TrimRight(s, ". ")
}

// writeLatestNotes writes 最新版本.txt into the folder of every
// organisation exported: the name of its latest version's folder, and if
// that version is not in this export, a line saying so.
func (e *exporter) writeLatestNotes() error {
	for _, g := range e.apps.groups {
		if g.dir == "" {
			continue
		}
		latest, newest := g.latest(), g.exported()[0]
		text := path.Base(newest.it.dir) + "\n"
		if latest != newest {
			text = e.versionName(latest) + "\n" +
				fmt.Sprintf("（第%d版不在本次导出范围内；本次导出中最新的是 %s）\n", latest.n, path.Base(newest.it.dir))
		}
		if err := writeWhole(e.sink, g.dir+"/"+LatestName, []byte(text)); err != nil {
			return err
		}
	}
	return nil
}

// applicationRows orders the application rows: by call, organisations by
// their first application in this export, each organisation's versions
// latest first. latest has only each organisation's latest version in
// this export.
func applicationRows(items []*item) (all, latest []*item) {
	var groups []*appGroup
	var alone []*item // without version information (not expected)
	for _, it := range items {
		switch {
		case it.app == nil:
			alone = append(alone, it)
		case !slices.Contains(groups, it.app.group):
			groups = append(groups, it.app.group)
		}
	}
	first := func(g *appGroup) *appVersion { vs := g.exported(); return vs[len(vs)-1] }
	slices.SortStableFunc(groups, func(a, b *appGroup) int {
		fa, fb := first(a), first(b)
		return cmp.Or(strings.Compare(a.call, b.call), fa.at.Compare(fb.at), strings.Compare(fa.ref, fb.ref))
	})
	for _, g := range groups {
		for i, v := range g.exported() {
			all = append(all, v.it)
			if i == 0 {
				latest = append(latest, v.it)
			}
		}
	}
	return append(all, alone...), append(latest, alone...)
}

// applicationColumns are the columns of the 申报 and 申报-最新 sheets.
func (e *exporter) applicationColumns() []column {
	field := func(get func(submission.ApplicationFields) string) func(*item) any {
		return func(it *item) any { return get(it.m.Application()) }
	}
	cols := []column{
		{"受理编号", 12, func(it *item) any { return it.ref }},
		{"版本", 14, func(it *item) any { return versionText(it) }},
		{"收到时间", 20, func(it *item) any { return it.m.ReceivedAt.In(e.o.Location).Format(timeLayout) }},
	}
	return append(append(append(cols, e.stageColumn()...), []column{
		{"申报通知", 30, field(func(f submission.ApplicationFields) string { return titleAndID(f.CallTitle, f.Call) })},
		{"组织名称", 30, field(func(f submission.ApplicationFields) string { return f.OrgName })},
		{"统一社会信用代码", 22, field(func(f submission.ApplicationFields) string { return f.CreditCode })},
		{"组织类型", 10, field(func(f submission.ApplicationFields) string { return f.OrgKind })},
		{"成立日期", 12, field(func(f submission.ApplicationFields) string { return f.Established })},
		{"专精特新“小巨人”", 10, field(func(f submission.ApplicationFields) string { return yesNo(f.LittleGiant) })},
		{"所属行业", 16, field(func(f submission.ApplicationFields) string { return f.Industry })},
		{"所在乡镇（街道）", 16, field(func(f submission.ApplicationFields) string { return f.Township })},
		{"地址", 30, field(func(f submission.ApplicationFields) string { return f.Address })},
		{"推荐单位", 24, field(func(f submission.ApplicationFields) string { return f.Recommender })},
		{"卓越绩效实施起始", 12, field(func(f submission.ApplicationFields) string { return f.ExcellenceSince })},
		{"内部公示", 26, field(internalPublicity)},
		{"资格审核", 40, field(func(f submission.ApplicationFields) string { return f.Eligibility })},
		{"申报材料", 34, func(it *item) any { return slotsText(it.m.Application(), it.m.Files) }},
		{"法定代表人", 12, func(it *item) any { return identityField(it, "legalRepresentative") }},
		{"联系人", 12, func(it *item) any { return identityField(it, "contactName") }},
		{"电话", 16, func(it *item) any { return identityField(it, "phone") }},
		{"邮箱", 24, func(it *item) any { return identityField(it, "email") }},
		{"校验结果", 30, func(it *item) any { return checkText(it) }},
		// The supplements' (补正) columns, after the original's.
		{"材料来源", 44, func(it *item) any { return e.materialsText(it) }},
		{"更正内容", 36, func(it *item) any { return e.correctionsText(it) }},
		{"补正记录", 60, func(it *item) any { return e.supplementsText(it) }},
		{"来件方式", 22, field(func(f submission.ApplicationFields) string { return channelText(f.Channel, f.Postmarked) })},
	}...), e.reviewColumns()...)
}

// versionText is the 版本 cell: 第2版（最新）, 第1版, or for the latest
// version in this export when a later one is not in it, 第2版（最新为第3版，
// 不在本次导出范围内）.
func versionText(it *item) string {
	v := it.app
	if v == nil {
		return ""
	}
	g := v.group
	switch {
	case v == g.latest():
		return fmt.Sprintf("第%d版（最新）", v.n)
	case g.exported()[0] == v:
		return fmt.Sprintf("第%d版（最新为第%d版，不在本次导出范围内）", v.n, g.latest().n)
	}
	return fmt.Sprintf("第%d版", v.n)
}

func yesNo(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes":
		return "是"
	case "no":
		return "否"
	}
	return s
}

// internalPublicity is "2026-10-08 至 2026-10-14，5个工作日".
func internalPublicity(f submission.ApplicationFields) string {
	start, end := strings.TrimSpace(f.InternalPublicityStart), strings.TrimSpace(f.InternalPublicityEnd)
	days := strings.TrimSpace(f.InternalPublicityWorkingDays)
	var s string
	switch {
	case start != "" && end != "":
		s = start + " 至 " + end
	case start != "":
		s = start + " 起"
	case end != "":
		s = "至 " + end
	}
	if days != "" {
		if s != "" {
			s += "，"
		}
		s += days + "个工作日"
	}
	return s
}

// Texts of the 申报材料 cell for a slot without files.
const (
	// textNotApplicable: the organisation did not have to give any (an
	// optional slot, or 专精特新“小巨人”证书 of one that does not claim to be
	// a 小巨人 enterprise).
	textNotApplicable = "不适用"
	// textMissing: a slot it had to give, without files (the intake
	// refuses such an application: only a damaged or hand-made record).
	textMissing = "未提交"
)

// slotsText is the 申报材料 cell: every slot of the form in order, one a
// line, with the number of files received, or 不适用 for a slot the
// organisation did not need — one the intake recorded in MissingSlots
// (optional slots not given), or one its rule (Slot.RequiredFor, given
// the 小巨人 answer) does not require — or 未提交 for one it needed. Files
// of fields that are no slot follow, with their counts.
func slotsText(f submission.ApplicationFields, files []submission.File) string {
	return slotLines(f, files, func(_ string, n int) string { return fmt.Sprintf("%d 份", n) })
}

// slotLines lists the slots as slotsText does, describing a slot or other
// field with n > 0 files by describe(field, n).
func slotLines(f submission.ApplicationFields, files []submission.File, describe func(field string, n int) string) string {
	count := map[string]int{}
	var others []string
	for _, file := range files {
		if _, ok := submission.SlotByName(file.Field); !ok && count[file.Field] == 0 {
			others = append(others, file.Field)
		}
		count[file.Field]++
	}
	optional := map[string]bool{}
	for name := range strings.FieldsFuncSeq(f.MissingSlots, func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
		optional[strings.TrimSpace(name)] = true
	}
	littleGiant := strings.EqualFold(strings.TrimSpace(f.LittleGiant), "yes")
	var lines []string
	for _, sl := range submission.ApplicationSlots() {
		var v string
		switch n := count[sl.Name]; {
		case n > 0:
			v = describe(sl.Name, n)
		case optional[sl.Name] || !sl.RequiredFor(littleGiant):
			v = textNotApplicable
		default:
			v = textMissing
		}
		lines = append(lines, sl.Label+"："+v)
	}
	slices.Sort(others)
	for _, name := range others {
		lines = append(lines, name+"："+describe(name, count[name]))
	}
	return strings.Join(lines, "\n")
}
