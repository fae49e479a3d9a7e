// Package drafts writes the site's pages that follow from the records, so
// that nothing is typed again by hand (《管理办法》第十七条第（八）项、第（九）项,
// 第二十三条): the candidate publicity (候选组织名单公示, type publicity), its
// result notice (候选组织公示结果), the winners' pages (type winner) and the
// notice of the winners (获奖通报). It is pure: records in, Markdown bytes
// out; it reads no store and writes no file. Every page it writes is a
// draft (draft: true): publishing is a separate step by a member of the
// secretariat (the console's 审核发布).
//
// What goes on a page is only what the site shows of an organisation (its
// name, 统一社会信用代码, industry and township, taken from the application's
// typed fields) and the application's reference, never an identity, an
// objector or an objection's content.
package drafts

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/zhongmou/award/ident"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/submission"
	"github.com/zhongmou/award/workday"
)

// Sections of the content tree the drafts go to.
const (
	SectionPublicity = "publicity"
	SectionNotices   = "notices"
	SectionWinners   = "winners"
)

// Award is the award's name as the pages write it.
const Award = "中牟县县长质量奖"

// Secretariat signs the pages.
const Secretariat = "中牟县县长质量奖评定委员会秘书处"

// Application is an application as the drafts read it: its reference, when
// it was received, its current stage (a submission stage code) and its typed
// fields.
type Application struct {
	Reference  string                       `json:"reference"`
	ReceivedAt time.Time                    `json:"receivedAt"`
	Stage      string                       `json:"stage"`
	Fields     submission.ApplicationFields `json:"fields"`
}

// ApplicationOf reads an application's manifest at its current stage.
func ApplicationOf(m *submission.Manifest, stage string) Application {
	return Application{Reference: m.Reference, ReceivedAt: m.ReceivedAt, Stage: stage, Fields: m.Application()}
}

// Draft is a generated page: Name is its path under the content
// directory ("publicity/pub-call-2026-candidates.md"), Data its bytes.
type Draft struct {
	Name string
	Data []byte
}

// ErrNone is returned when no application is at the stage a draft lists.
var ErrNone = errors.New("没有符合条件的申报")

// atStage returns the applications of the call at the stage, in the order
// they were received, checking that each organisation appears once.
func atStage(apps []Application, call, stage string) ([]Application, error) {
	var out []Application
	for _, a := range apps {
		if a.Stage == stage && a.Fields.Call == call {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(x, y Application) int {
		return cmp.Or(x.ReceivedAt.Compare(y.ReceivedAt), strings.Compare(x.Reference, y.Reference))
	})
	seen := map[string]string{}
	for _, a := range out {
		code := ident.NormalizeCreditCode(a.Fields.CreditCode)
		if err := ident.CheckCreditCode(code); err != nil {
			return nil, fmt.Errorf("申报 %s（%s）的统一社会信用代码有误：%w", a.Reference, a.Fields.OrgName, err)
		}
		if other, dup := seen[code]; dup {
			return nil, fmt.Errorf("组织 %s（%s）有两份申报都在此阶段：%s 和 %s；请先在控制台处理其中一份", a.Fields.OrgName, code, other, a.Reference)
		}
		seen[code] = a.Reference
		for _, f := range []struct{ what, v string }{{"组织名称", a.Fields.OrgName}, {"所属行业", a.Fields.Industry}, {"所在乡镇（街道）", a.Fields.Township}} {
			if strings.TrimSpace(f.v) == "" {
				return nil, fmt.Errorf("申报 %s 缺少%s，无法生成页面", a.Reference, f.what)
			}
		}
	}
	return out, nil
}

// Session is 第七届 for 7: the session in Chinese numerals (1–99).
func Session(n int) string { return "第" + numeral(n) + "届" }

func numeral(n int) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n <= 0 || n >= 100:
		return fmt.Sprint(n)
	case n < 10:
		return digits[n]
	case n == 10:
		return "十"
	case n < 20:
		return "十" + digits[n%10]
	case n%10 == 0:
		return digits[n/10] + "十"
	default:
		return digits[n/10] + "十" + digits[n%10]
	}
}

// frontMatter writes YAML front matter in the order given, each value a
// scalar quoted as YAML needs; nested lists of maps are written by the
// caller through raw lines.
type frontMatter struct{ b strings.Builder }

func (f *frontMatter) line(key string, v any) {
	fmt.Fprintf(&f.b, "%s: %s\n", key, scalar(v))
}

func (f *frontMatter) raw(s string) { f.b.WriteString(s) }

func (f *frontMatter) bytes(body string) []byte {
	return []byte("---\n" + f.b.String() + "---\n\n" + body)
}

// scalar is v as a YAML scalar: plain when YAML reads it back as the same
// string, else quoted.
func scalar(v any) string {
	switch x := v.(type) {
	case int:
		return fmt.Sprint(x)
	case bool:
		return fmt.Sprint(x)
	case string:
		out, err := yaml.Marshal(x)
		if err != nil {
			return fmt.Sprintf("%q", x)
		}
		return strings.TrimSuffix(string(out), "\n")
	}
	return fmt.Sprint(v)
}

// dateTime is the start of a day as front matter writes a date.
func dateTime(d workday.Date) string { return d.String() + "T00:00:00" }

// Provenance is what a draft records of how it was made.
type Provenance struct {
	// GeneratedBy is the account (console) or the operator (command line)
	// that generated the draft; written as generatedBy so that the
	// two-person rule can tell who may publish it.
	GeneratedBy string
	// Date is the page's date (its publish time, day precision); required.
	Date workday.Date
}

func (p Provenance) write(f *frontMatter) {
	f.line("draft", true)
	if p.GeneratedBy != "" {
		f.line("generatedBy", p.GeneratedBy)
	}
}

// PublicityOptions say what the candidate publicity is.
type PublicityOptions struct {
	Call schedule.Call
	// ID is the publicity's id; default pub-<call id>-candidates.
	ID string
	// Start is the first day of the window; Calendar counts its working
	// days (schedule.MinWorkingDays).
	Start    workday.Date
	Calendar *workday.Calendar
	// CloseTime is the site's publicityCloseTime ("HH:MM"; "" or "24:00":
	// the end of the day), for the text only.
	CloseTime string
	// Contact is the secretariat's address and telephone as the page writes
	// them (lines); none: the section is left out.
	Contact []string
	Provenance
}

// PublicityID is the default id of a call's candidate publicity.
func PublicityID(call string) string { return "pub-" + call + "-candidates" }

// Window is the publicity's window as the options make it: its last day.
func (o *PublicityOptions) Window() (last workday.Date, err error) {
	if o.Calendar == nil {
		return last, errors.New("没有载入节假日安排（holidays.yaml），无法计算公示截止日")
	}
	if o.Start.IsZero() {
		return last, errors.New("请选择公示开始日期")
	}
	last, err = o.Calendar.NthWorkingDay(o.Start, schedule.MinWorkingDays)
	if err != nil {
		return last, fmt.Errorf("公示期从%s起算5个工作日：%w", o.Start.Chinese(), err)
	}
	return last, nil
}

// Publicity writes the candidate publicity of the applications at stage
// candidate (候选) of the call: candidates c01, c02 … in the order the
// applications were received, each with its reference. It refuses a call
// with none, and a window the calendar does not cover.
func Publicity(apps []Application, o PublicityOptions) (*Draft, error) {
	cands, err := atStage(apps, o.Call.ID, submission.StageCandidate)
	if err != nil {
		return nil, err
	}
	if len(cands) == 0 {
		return nil, fmt.Errorf("申报通知 %s 没有处于“候选”阶段的申报：%w", o.Call.ID, ErrNone)
	}
	last, err := o.Window()
	if err != nil {
		return nil, err
	}
	id := cmp.Or(o.ID, PublicityID(o.Call.ID))
	session := Session(o.Call.Session)
	period := fmt.Sprintf("%s至%s%s（%d个工作日）", o.Start.Chinese(), last.Chinese(), closeText(o.CloseTime), schedule.MinWorkingDays)
	date := o.Date
	if date.IsZero() || date.After(o.Start) {
		date = o.Start
	}
	var f frontMatter
	f.line("title", session+Award+"候选组织名单公示")
	f.line("date", dateTime(date))
	f.line("type", "publicity")
	f.line("id", id)
	f.line("session", o.Call.Session)
	f.raw("start: " + o.Start.String() + "\n")
	f.line("workingDays", schedule.MinWorkingDays)
	f.line("summary", fmt.Sprintf("%s%s候选组织名单，公示时间为%s。", session, Award, period))
	o.Provenance.write(&f)
	f.raw("candidates:\n")
	for i, a := range cands {
		fmt.Fprintf(&f.b, "  - id: %s\n", CandidateID(i))
		fmt.Fprintf(&f.b, "    reference: %s\n", scalar(a.Reference))
		fmt.Fprintf(&f.b, "    name: %s\n", scalar(strings.TrimSpace(a.Fields.OrgName)))
		fmt.Fprintf(&f.b, "    creditCode: %s\n", scalar(ident.NormalizeCreditCode(a.Fields.CreditCode)))
		fmt.Fprintf(&f.b, "    industry: %s\n", scalar(strings.TrimSpace(a.Fields.Industry)))
		fmt.Fprintf(&f.b, "    township: %s\n", scalar(strings.TrimSpace(a.Fields.Township)))
	}
	var body strings.Builder
	fmt.Fprintf(&body, "根据《%s管理办法》有关规定，经组织自愿申报、申报推荐、资格审核、材料评审、现场评审和综合评审，%s评定委员会提出%s%s候选组织名单（共%d个），现予公示，接受社会各界监督。\n\n",
		Award, Award, session, Award, len(cands))
	fmt.Fprintf(&body, "## 一、公示时间\n\n%s。工作日不含星期六、星期日和法定节假日，按国务院办公厅节假日安排通知确定。\n\n", period)
	body.WriteString("## 二、异议的提出\n\n公示期内，任何单位和个人对候选组织有异议的，可以向" + Award + "评定委员会秘书处提出：可以通过本页名单中各候选组织的“提出异议”链接在线提交，也可以书面提出。\n\n")
	body.WriteString("（一）异议应当写明异议所针对的候选组织、具体事实和理由，并提交相关证明材料。\n\n")
	body.WriteString("（二）在线提交的，按表单要求填写身份信息、事实和理由并上传证明材料，提交后即获得受理回执；在线提交即视为书面提出，不需要另行寄送纸质材料，也不需要签名或盖章。\n\n")
	body.WriteString("（三）书面异议可以邮寄或者当面递交至秘书处：以单位名义提出的，应当写明单位名称、地址、联系人和联系电话，并加盖单位公章；以个人名义提出的，应当署真实姓名、写明联系电话并由本人签名。邮寄的，以寄出邮戳日期为准，请在公示期内寄出。\n\n")
	body.WriteString("（四）秘书处对异议人的身份信息予以保密，不向被举报的组织或者其他无关人员透露。\n\n")
	body.WriteString("（五）候选组织被举报并经查实有违法违规情形的，取消候选资格（《管理办法》第十七条第（八）项）。\n\n")
	if len(o.Contact) > 0 {
		body.WriteString("## 三、联系方式\n\n" + Secretariat + "\n\n")
		for _, l := range o.Contact {
			body.WriteString(l + "\n\n")
		}
	}
	body.WriteString("公示内容仅包括候选组织名称、统一社会信用代码、所属行业和所在乡镇（街道）等基本信息；申报材料依法保密，不予公开。\n\n")
	body.WriteString(Secretariat + "\n\n" + date.Chinese() + "\n")
	return &Draft{Name: SectionPublicity + "/" + id + ".md", Data: f.bytes(body.String())}, nil
}

// CandidateID is the id of the i-th candidate (0-based) of a generated list.
func CandidateID(i int) string { return fmt.Sprintf("c%02d", i+1) }

func closeText(close string) string {
	close = strings.TrimSpace(close)
	if close == "" || close == "24:00" {
		return ""
	}
	return close
}

// ResultOptions say what the result notice is.
type ResultOptions struct {
	// Publicity is the publicity as published (windows.json, or the page
	// parsed by schedule.ParsePublicity).
	Publicity schedule.Publicity
	Provenance
}

// Outcome is what became of one candidate.
type Outcome struct {
	Candidate schedule.Candidate
	// Application is the candidate's application ("" when none was found).
	Application string
	Revoked     bool
}

// Outcomes matches each candidate of the publicity to its application
// (by reference when the list carries one, else by credit code among the
// call's applications) and reads whether its candidacy was revoked
// (取消候选资格). It refuses a candidate with no application, or whose
// application is at a stage before 候选.
func Outcomes(p schedule.Publicity, apps []Application) ([]Outcome, error) {
	var out []Outcome
	for _, c := range p.Candidates {
		a, err := findApplication(c, apps)
		if err != nil {
			return nil, err
		}
		switch a.Stage {
		case submission.StageCandidate, submission.StageAwarded, submission.StageNotAwarded:
			out = append(out, Outcome{Candidate: c, Application: a.Reference})
		case submission.StageCandidacyRevoked:
			out = append(out, Outcome{Candidate: c, Application: a.Reference, Revoked: true})
		default:
			label := a.Stage
			if s, ok := submission.StageOf(submission.KindApplication, a.Stage); ok {
				label = s.Label
			}
			return nil, fmt.Errorf("候选组织 %s %s 的申报 %s 处于“%s”阶段，不是候选：请先核对记录", c.ID, c.Name, a.Reference, label)
		}
	}
	return out, nil
}

func findApplication(c schedule.Candidate, apps []Application) (Application, error) {
	if c.Reference != "" {
		ref := submission.NormalizeReference(c.Reference)
		for _, a := range apps {
			if a.Reference == ref {
				return a, nil
			}
		}
		return Application{}, fmt.Errorf("候选组织 %s %s 的申报 %s 在记录中找不到", c.ID, c.Name, c.Reference)
	}
	var found []Application
	code := ident.NormalizeCreditCode(c.CreditCode)
	for _, a := range apps {
		if ident.NormalizeCreditCode(a.Fields.CreditCode) == code {
			found = append(found, a)
		}
	}
	// Of several versions, the one that reached 候选 or beyond.
	for _, a := range slices.Backward(found) {
		switch a.Stage {
		case submission.StageCandidate, submission.StageAwarded, submission.StageNotAwarded, submission.StageCandidacyRevoked:
			return a, nil
		}
	}
	if len(found) > 0 {
		return found[len(found)-1], nil
	}
	return Application{}, fmt.Errorf("候选组织 %s %s（%s）在记录中找不到对应的申报", c.ID, c.Name, code)
}

// ResultName is where a publicity's result notice goes.
func ResultName(publicity string) string { return SectionNotices + "/" + publicity + "-result.md" }

// Result writes the result notice (候选组织公示结果) of the publicity: who
// stays on the list, and who was removed under Art. 17(8) because an
// objection against it was found true. It names no objector and says
// nothing of an objection but its effect.
func Result(apps []Application, o ResultOptions) (*Draft, error) {
	p := o.Publicity
	outs, err := Outcomes(p, apps)
	if err != nil {
		return nil, err
	}
	if o.Date.IsZero() {
		return nil, errors.New("请给出公示结果的发布日期")
	}
	if !p.LastDay.IsZero() && !o.Date.After(p.LastDay) {
		return nil, fmt.Errorf("公示期到%s结束，公示结果须在公示期结束后发布（现为%s）", p.LastDay.Chinese(), o.Date.Chinese())
	}
	var stay, removed []Outcome
	for _, x := range outs {
		if x.Revoked {
			removed = append(removed, x)
		} else {
			stay = append(stay, x)
		}
	}
	title := strings.TrimSuffix(strings.TrimSuffix(p.Title, "公示"), "名单")
	if title == "" {
		title = Session(p.Session) + Award + "候选组织"
	}
	title += "名单公示结果"
	var f frontMatter
	f.line("title", title)
	f.line("date", dateTime(o.Date))
	f.line("type", "notice")
	f.line("publicity", p.ID)
	f.line("summary", fmt.Sprintf("%s期满，%d个候选组织经公示通过%s。", p.Title, len(stay), removedSummary(len(removed))))
	o.Provenance.write(&f)
	f.raw("tags:\n  - 公示\n")
	var b strings.Builder
	what := p.Title
	if p.URL != "" {
		what = "[" + p.Title + "](" + p.URL + ")"
	}
	window := ""
	if !p.FirstDay.IsZero() {
		window = "于" + p.Period() + "向社会公示，"
	}
	fmt.Fprintf(&b, "%s%s公示期已满。现将公示结果公布如下。\n\n", what, window)
	fmt.Fprintf(&b, "## 一、经公示通过的候选组织（%d个）\n\n", len(stay))
	if len(stay) == 0 {
		b.WriteString("无。\n\n")
	} else {
		b.WriteString("| 序号 | 组织名称 | 统一社会信用代码 | 所属行业 | 所在乡镇（街道） |\n|---|---|---|---|---|\n")
		for i, x := range stay {
			c := x.Candidate
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", i+1, cell(c.Name), cell(c.CreditCode), cell(c.Industry), cell(c.Township))
		}
		b.WriteString("\n以上组织将按照《管理办法》第十七条第（九）项提交县政府研究审议确定获奖组织。\n\n")
	}
	fmt.Fprintf(&b, "## 二、取消候选资格的组织（%d个）\n\n", len(removed))
	if len(removed) == 0 {
		b.WriteString("公示期内没有候选组织因异议查实被取消候选资格。\n\n")
	} else {
		b.WriteString("公示期内，下列候选组织被举报并经查实有违法违规情形，依据《" + Award + "管理办法》第十七条第（八）项“候选组织若被举报并经查实有违法违规情形的，取消候选资格”的规定，取消其候选资格：\n\n")
		b.WriteString("| 序号 | 组织名称 | 统一社会信用代码 | 依据 |\n|---|---|---|---|\n")
		for i, x := range removed {
			c := x.Candidate
			fmt.Fprintf(&b, "| %d | %s | %s | 《管理办法》第十七条第（八）项 |\n", i+1, cell(c.Name), cell(c.CreditCode))
		}
		b.WriteString("\n")
	}
	b.WriteString("秘书处对异议人的身份信息予以保密。\n\n")
	b.WriteString(Secretariat + "\n\n" + o.Date.Chinese() + "\n")
	return &Draft{Name: ResultName(p.ID), Data: f.bytes(b.String())}, nil
}

func removedSummary(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("，%d个组织被取消候选资格", n)
}

// cell is text fit for a Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", "｜", "\n", " ", "\r", "").Replace(strings.TrimSpace(s))
}

// WinnersOptions say what the winners' pages are.
type WinnersOptions struct {
	Call schedule.Call
	Provenance
}

// WinnerName is where an awarded organisation's page goes: by call and
// credit code, so that a second draft of the same winner finds the first.
func WinnerName(call, creditCode string) string {
	return SectionWinners + "/" + call + "-" + strings.ToLower(ident.NormalizeCreditCode(creditCode)) + ".md"
}

// NoticeName is where a call's 获奖通报 goes.
func NoticeName(call string) string { return SectionNotices + "/" + call + "-winners.md" }

// Winners writes a page for each application of the call at stage awarded
// (获奖), with an empty body for the experience the winner shares
// (《管理办法》第二十三条), and the notice of the winners (获奖通报), last.
func Winners(apps []Application, o WinnersOptions) ([]Draft, error) {
	won, err := atStage(apps, o.Call.ID, submission.StageAwarded)
	if err != nil {
		return nil, err
	}
	if len(won) == 0 {
		return nil, fmt.Errorf("申报通知 %s 没有处于“获奖”阶段的申报：%w", o.Call.ID, ErrNone)
	}
	if o.Date.IsZero() {
		return nil, errors.New("请给出发布日期")
	}
	if o.Call.Session < 1 || o.Call.Year < 2000 {
		return nil, fmt.Errorf("申报通知 %s 没有写明届次和年度，无法生成获奖组织页面", o.Call.ID)
	}
	session := Session(o.Call.Session)
	var out []Draft
	for _, a := range won {
		var f frontMatter
		f.line("title", strings.TrimSpace(a.Fields.OrgName))
		f.line("date", dateTime(o.Date))
		f.line("type", "winner")
		f.line("session", o.Call.Session)
		f.line("awardYear", o.Call.Year)
		f.line("industry", strings.TrimSpace(a.Fields.Industry))
		f.line("township", strings.TrimSpace(a.Fields.Township))
		f.line("reference", a.Reference)
		f.line("summary", fmt.Sprintf("%d年获%s%s。", o.Call.Year, session, Award))
		o.Provenance.write(&f)
		body := fmt.Sprintf("%s%d年获%s%s。\n\n", strings.TrimSpace(a.Fields.OrgName), o.Call.Year, session, Award) +
			"<!-- 获奖组织分享的成功经验（《管理办法》第二十三条）：请与获奖组织确认后在此撰写，如质量管理做法、取得的成效等；宣传获奖荣誉须标明获奖时间（第三十条）。 -->\n"
		out = append(out, Draft{Name: WinnerName(o.Call.ID, a.Fields.CreditCode), Data: f.bytes(body)})
	}
	var f frontMatter
	f.line("title", "关于"+session+Award+"获奖组织的通报")
	f.line("date", dateTime(o.Date))
	f.line("type", "notice")
	f.line("summary", fmt.Sprintf("%s%s评定结果：%d个组织获奖。", session, Award, len(won)))
	o.Provenance.write(&f)
	f.raw("tags:\n  - 获奖通报\n")
	var b strings.Builder
	fmt.Fprintf(&b, "根据《%s管理办法》第十七条，经组织自愿申报、申报推荐、资格审核、材料评审、现场评审、综合评审和向社会公示，提交县政府研究审议，确定以下%d个组织获得%s%s（%d年度）：\n\n", Award, len(won), session, Award, o.Call.Year)
	b.WriteString("| 序号 | 组织名称 | 所属行业 | 所在乡镇（街道） |\n|---|---|---|---|\n")
	for i, a := range won {
		fmt.Fprintf(&b, "| %d | %s | %s | %s |\n", i+1, cell(a.Fields.OrgName), cell(a.Fields.Industry), cell(a.Fields.Township))
	}
	b.WriteString("\n获奖组织应持续实施卓越绩效模式等先进质量管理方法，按照秘书处的推广计划，参与质量公益活动，分享组织成功经验（《管理办法》第二十三条）。获奖组织可以在有关活动中宣传获得" + Award + "的荣誉，但必须标明获奖时间（《管理办法》第三十条）。\n\n")
	b.WriteString(Secretariat + "\n\n" + o.Date.Chinese() + "\n")
	out = append(out, Draft{Name: NoticeName(o.Call.ID), Data: f.bytes(b.String())})
	return out, nil
}

// ContactLines are the secretariat's address and telephone as a publicity
// writes them (the site's footer); empty values are left out.
func ContactLines(address, phone string) []string {
	var out []string
	if address = strings.TrimSpace(address); address != "" {
		out = append(out, "地址："+address)
	}
	if phone = strings.TrimSpace(phone); phone != "" {
		out = append(out, "联系电话："+phone)
	}
	return out
}
