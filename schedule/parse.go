package schedule

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/zhongmou/award/ident"
	"github.com/zhongmou/award/workday"
)

// Rules are what parsing a window needs from its surroundings.
type Rules struct {
	// Calendar counts working days; a window it does not cover is refused.
	Calendar *workday.Calendar
	// Location is the zone of dates and times without an offset.
	Location *time.Location
	// ParseTime reads a date-time as the site does (no offset: Location).
	ParseTime func(string) (time.Time, error)
	// CloseTime is the time of day a publicity window closes on its last day,
	// "HH:MM"; "" or "24:00" means the end of the day.
	CloseTime string
}

// FieldError is a problem with one front-matter field. Line counts from the
// first line of the front matter (1-based), 0 if unknown.
type FieldError struct {
	Field string
	Line  int
	Msg   string
}

func (e FieldError) Error() string { return e.Field + "：" + e.Msg }

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// fields collects field errors and finds their lines in the YAML tree.
type fields struct {
	root *yaml.Node
	errs []FieldError
}

func newFields(fm []byte) (*fields, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(fm, &doc); err != nil {
		return nil, err
	}
	f := &fields{root: &doc}
	if len(doc.Content) > 0 {
		f.root = doc.Content[0]
	}
	return f, nil
}

// fail records a problem with the field at path (keys and indices).
func (f *fields) fail(msg string, path ...any) {
	f.errs = append(f.errs, FieldError{Field: fieldName(path), Line: nodeLine(f.root, path), Msg: msg})
}

func fieldName(path []any) string {
	var b strings.Builder
	for _, p := range path {
		switch v := p.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		}
	}
	return b.String()
}

// nodeLine finds the line of the value at path, or of the deepest part found.
func nodeLine(n *yaml.Node, path []any) int {
	line := 0
	for _, p := range path {
		if n == nil {
			break
		}
		var next *yaml.Node
		switch v := p.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == v {
						line = n.Content[i].Line
						next = n.Content[i+1]
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && v < len(n.Content) {
				next = n.Content[v]
				line = next.Line
			}
		}
		n = next
	}
	return line
}

type publicityFM struct {
	Title       string `yaml:"title"`
	ID          string `yaml:"id"`
	Session     int    `yaml:"session"`
	Start       string `yaml:"start"`
	End         string `yaml:"end"`
	WorkingDays *int   `yaml:"workingDays"`
	CloseTime   string `yaml:"closeTime"`
	Candidates  []struct {
		ID         string `yaml:"id"`
		Name       string `yaml:"name"`
		CreditCode string `yaml:"creditCode"`
		Industry   string `yaml:"industry"`
		Township   string `yaml:"township"`
		Summary    string `yaml:"summary"`
		Reference  string `yaml:"reference"`
	} `yaml:"candidates"`
}

// ParsePublicity reads and checks a publicity page's front matter: a stable
// id; start (a date); either workingDays (≥ 5; the last day is computed) or
// end (a date; the span must hold ≥ 5 working days); candidates, each with a
// unique id, name, valid credit code, industry and township. Every problem is
// returned, each naming its field.
func ParsePublicity(fm []byte, r Rules) (*Publicity, []FieldError) {
	f, err := newFields(fm)
	if err != nil {
		return nil, []FieldError{{Field: "front matter", Msg: err.Error()}}
	}
	var v publicityFM
	if err := f.root.Decode(&v); err != nil {
		return nil, []FieldError{{Field: "front matter", Msg: err.Error()}}
	}
	p := &Publicity{ID: v.ID, Title: v.Title, Session: v.Session}
	if !idPattern.MatchString(v.ID) {
		f.fail("公示需要稳定的 id，只用小写字母、数字和连字符，如 pub-2026-candidates", "id")
	}
	start, err := workday.ParseDate(strings.TrimSpace(v.Start))
	if err != nil {
		f.fail("公示开始日期 start "+errText(v.Start == "", "缺失，请写成 2026-11-20", err), "start")
	}
	closeH, closeM, err := parseClock(firstNonEmpty(v.CloseTime, r.CloseTime))
	if err != nil {
		f.fail(err.Error(), "closeTime")
	}
	switch {
	case err != nil || start.IsZero():
	case v.WorkingDays != nil && v.End != "":
		f.fail("workingDays 和 end 只能写一个：写 workingDays 由系统计算截止日，或写 end 由系统核对工作日数", "end")
	case v.WorkingDays != nil:
		n := *v.WorkingDays
		if n < MinWorkingDays {
			f.fail(fmt.Sprintf("公示期不得少于%d个工作日（《管理办法》第十七条），现为%d个", MinWorkingDays, n), "workingDays")
			break
		}
		last, err := r.Calendar.NthWorkingDay(start, n)
		if err != nil {
			f.fail(err.Error(), "workingDays")
			break
		}
		p.LastDay, p.WorkingDays = last, n
	case v.End != "":
		end, err := workday.ParseDate(strings.TrimSpace(v.End))
		if err != nil {
			f.fail("公示截止日期 end "+err.Error(), "end")
			break
		}
		if end.Before(start) {
			f.fail("截止日期早于开始日期", "end")
			break
		}
		n, err := r.Calendar.CountWorkingDays(start, end)
		if err != nil {
			f.fail(err.Error(), "end")
			break
		}
		if n < MinWorkingDays {
			f.fail(fmt.Sprintf("%s至%s只有%d个工作日，公示期不得少于%d个工作日（《管理办法》第十七条）", start.Chinese(), end.Chinese(), n, MinWorkingDays), "end")
			break
		}
		p.LastDay, p.WorkingDays = end, n
	default:
		f.fail(fmt.Sprintf("请写 workingDays（不少于%d）或 end（截止日期）", MinWorkingDays), "workingDays")
	}
	if p.WorkingDays > 0 {
		p.FirstDay = start
		p.Opens = start.Start(r.Location)
		p.Closes = p.LastDay.Start(r.Location).Add(time.Duration(closeH)*time.Hour + time.Duration(closeM)*time.Minute)
	}
	if len(v.Candidates) == 0 {
		f.fail("公示名单 candidates 中没有候选组织", "candidates")
	}
	seen := map[string]int{}
	for i, c := range v.Candidates {
		cand := Candidate{ID: strings.TrimSpace(c.ID), Name: strings.TrimSpace(c.Name),
			CreditCode: ident.NormalizeCreditCode(c.CreditCode), Industry: strings.TrimSpace(c.Industry),
			Township: strings.TrimSpace(c.Township), Summary: strings.TrimSpace(c.Summary),
			Reference: strings.TrimSpace(c.Reference)}
		switch j, dup := seen[cand.ID]; {
		case !idPattern.MatchString(cand.ID):
			f.fail("候选组织需要稳定的 id，只用小写字母、数字和连字符，如 c01", "candidates", i, "id")
		case dup:
			f.fail(fmt.Sprintf("候选组织 id %q 与第%d个重复", cand.ID, j+1), "candidates", i, "id")
		default:
			seen[cand.ID] = i
		}
		if cand.Name == "" {
			f.fail("缺少组织名称", "candidates", i, "name")
		}
		if err := ident.CheckCreditCode(cand.CreditCode); err != nil {
			f.fail(err.Error(), "candidates", i, "creditCode")
		}
		if cand.Industry == "" {
			f.fail("缺少所属行业", "candidates", i, "industry")
		}
		if cand.Township == "" {
			f.fail("缺少所在乡镇（街道）", "candidates", i, "township")
		}
		p.Candidates = append(p.Candidates, cand)
	}
	if len(f.errs) > 0 {
		return nil, f.errs
	}
	return p, nil
}

type callFM struct {
	Title   string `yaml:"title"`
	ID      string `yaml:"id"`
	Session int    `yaml:"session"`
	Year    int    `yaml:"year"`
	Opens   string `yaml:"opens"`
	Closes  string `yaml:"closes"`
	// Recommendation: online or upload (the default).
	Recommendation string `yaml:"recommendation"`
}

// ParseCall reads and checks a call's front matter: id, session (届), year,
// opens and closes (date-times; a closes without a time means the end of
// that day), closes after opens; recommendation online or upload (the
// default, kept as "").
func ParseCall(fm []byte, r Rules) (*Call, []FieldError) {
	f, err := newFields(fm)
	if err != nil {
		return nil, []FieldError{{Field: "front matter", Msg: err.Error()}}
	}
	var v callFM
	if err := f.root.Decode(&v); err != nil {
		return nil, []FieldError{{Field: "front matter", Msg: err.Error()}}
	}
	c := &Call{ID: v.ID, Title: v.Title, Session: v.Session, Year: v.Year}
	if !idPattern.MatchString(v.ID) {
		f.fail("申报通知需要稳定的 id，只用小写字母、数字和连字符，如 call-2026", "id")
	}
	if v.Session < 1 {
		f.fail("请写明第几届，如 session: 7", "session")
	}
	if v.Year < 2000 {
		f.fail("请写明评选年度，如 year: 2026", "year")
	}
	opens, err := r.ParseTime(v.Opens)
	if err != nil || opens.IsZero() {
		f.fail("申报开始时间 opens "+errText(v.Opens == "", "缺失，请写成 2026-03-02T09:00:00", err), "opens")
	}
	closes, err := r.ParseTime(v.Closes)
	if err != nil || closes.IsZero() {
		f.fail("申报截止时间 closes "+errText(v.Closes == "", "缺失，请写成 2026-04-30T17:30:00", err), "closes")
	} else if len(strings.TrimSpace(v.Closes)) == len("2006-01-02") {
		closes = closes.AddDate(0, 0, 1) // a date alone: to the end of that day
	}
	if !opens.IsZero() && !closes.IsZero() && !closes.After(opens) {
		f.fail("申报截止时间必须晚于开始时间", "closes")
	}
	c.Opens, c.Closes = opens, closes
	switch rec := strings.TrimSpace(v.Recommendation); rec {
	case "", RecommendationUpload:
		// The applicant uploads the stamped 推荐意见: as before.
	case RecommendationOnline:
		c.Recommendation = rec
	default:
		f.fail("推荐方式 recommendation 只能是 online（乡镇在工作台初审、推荐）或 upload（申报单位上传盖章的推荐意见，默认）", "recommendation")
	}
	if len(f.errs) > 0 {
		return nil, f.errs
	}
	return c, nil
}

func errText(missing bool, missingText string, err error) string {
	if missing || err == nil {
		return missingText
	}
	return err.Error()
}

func firstNonEmpty(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

// parseClock reads "HH:MM" (00:00–24:00); "" is 24:00.
func parseClock(s string) (h, m int, err error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "24:00" {
		return 24, 0, nil
	}
	hs, ms, ok := strings.Cut(s, ":")
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if !ok || err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 || h+m == 0 {
		return 0, 0, fmt.Errorf("截止时刻 %q 无效，请写成 17:30 的形式（默认 24:00，即当天结束）", s)
	}
	return h, m, nil
}
