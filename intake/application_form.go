package intake

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/zhongmou/award/ident"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/submission"
	"github.com/zhongmou/award/workday"
)

// orgKinds are the kinds of organisation that may apply: legal persons or
// other organisations (Art. 13(1) as revised).
var orgKinds = []string{"企业", "事业单位", "社会组织", "其他组织"}

// applicationForm is an application as submitted (multipart fields of
// POST /api/applications; files come in the slots of applicationSlots).
type applicationForm struct {
	Call                   string
	OrgName                string
	CreditCode             string
	OrgKind                string
	Established            string // date
	LittleGiant            string // yes | no
	Industry               string
	Township               string
	Address                string
	LegalRepresentative    string
	ContactName            string
	Phone                  string
	Email                  string
	Recommender            string
	ExcellenceSince        string // date
	InternalPublicityStart string // date
	InternalPublicityEnd   string // date
	Declarations           [submission.Declarations]string
	Consent                string
}

func parseApplicationForm(v url.Values) applicationForm {
	f := applicationForm{
		Call: trimmed(v, "call"), OrgName: trimmed(v, "orgName"), CreditCode: ident.NormalizeCreditCode(v.Get("creditCode")),
		OrgKind: trimmed(v, "orgKind"), Established: trimmed(v, "established"), LittleGiant: trimmed(v, "littleGiant"),
		Industry: trimmed(v, "industry"), Township: trimmed(v, "township"), Address: trimmed(v, "address"),
		LegalRepresentative: trimmed(v, "legalRepresentative"), ContactName: trimmed(v, "contactName"),
		Phone: normalizePhone(v.Get("phone")), Email: trimmed(v, "email"), Recommender: trimmed(v, "recommender"),
		ExcellenceSince: trimmed(v, "excellenceSince"), InternalPublicityStart: trimmed(v, "internalPublicityStart"),
		InternalPublicityEnd: trimmed(v, "internalPublicityEnd"), Consent: trimmed(v, "consent"),
	}
	for i := range f.Declarations {
		f.Declarations[i] = trimmed(v, "declaration"+strconv.Itoa(i+1))
	}
	return f
}

// hasFields reports whether the organisation's fields were sent (a browser
// sends them before the files).
func (f *applicationForm) hasFields() bool { return f.OrgName != "" || f.CreditCode != "" }

// call finds the named call and checks that it is open by the server's clock.
func (f *applicationForm) call(m *schedule.Manifest, now time.Time) (*schedule.Call, *problem) {
	if f.Call == "" {
		return nil, invalid(map[string]string{"call": "请从申报通知页面进入申报表，以确定申报哪一届。"})
	}
	var c *schedule.Call
	if m != nil {
		c = m.Call(f.Call)
	}
	if c == nil {
		return nil, &problem{Status: http.StatusNotFound, Code: "not_found", Message: "找不到这份申报通知。请从网站的申报通知页面进入。",
			Fields: map[string]string{"call": "找不到这份申报通知"}}
	}
	switch c.StateAt(now) {
	case schedule.NotStarted:
		return nil, &problem{Status: http.StatusForbidden, Code: "window_closed", Message: "申报尚未开始。申报时间：" + c.Period() + "。"}
	case schedule.Closed:
		return nil, &problem{Status: http.StatusForbidden, Code: "window_closed", Message: "申报已截止，不再受理。申报时间：" + c.Period() + "。如有疑问，请联系秘书处。"}
	}
	return c, nil
}

// checks are the results of validating an application.
type checks struct {
	fields      map[string]string // what to correct
	ineligible  map[string]string // why the organisation may not apply
	eligibility string            // the conditions met, in words
	pubDays     int               // working days of the internal publicity
}

// validate checks every field and the eligibility conditions of Art. 13
// against the call's closing date, all at once (一次性告知).
func (f *applicationForm) validate(c *schedule.Call, cal *workday.Calendar, townships []string, loc *time.Location, today workday.Date) checks {
	errs := map[string]string{}
	need := func(name, value, msg string, min, max int) {
		if n := utf8.RuneCountInString(value); n < min || n > max {
			errs[name] = msg
		}
	}
	need("orgName", f.OrgName, "请填写组织全称（与营业执照或登记证书一致，2至100个字）。", 2, 100)
	if f.CreditCode == "" {
		errs["creditCode"] = "请填写统一社会信用代码。"
	} else if err := ident.CheckCreditCode(f.CreditCode); err != nil {
		errs["creditCode"] = err.Error() + "。"
	}
	if !contains(orgKinds, f.OrgKind) {
		errs["orgKind"] = "请选择组织类型：企业、事业单位、社会组织或其他组织。"
	}
	established, estErr := workday.ParseDate(f.Established)
	if estErr != nil || established.After(today) {
		errs["established"] = "请填写成立日期（营业执照上的成立日期），如 2018-05-20。"
	}
	if f.LittleGiant != "yes" && f.LittleGiant != "no" {
		errs["littleGiant"] = "请选择是否为专精特新“小巨人”企业。"
	}
	need("industry", f.Industry, "请填写所属行业（2至50个字）。", 2, 50)
	if !contains(townships, f.Township) {
		errs["township"] = "请从列表中选择所在乡镇（街道）。"
	}
	need("address", f.Address, "请填写详细地址（5至200个字）。", 5, 200)
	need("legalRepresentative", f.LegalRepresentative, "请填写法定代表人（负责人）姓名。", 2, 50)
	checkContact(errs, f.ContactName, f.Phone)
	if !validEmail(f.Email) {
		errs["email"] = "请填写有效的电子邮箱，如 zhiliang@example.com。"
	}
	need("recommender", f.Recommender, "请填写推荐单位：所在乡镇人民政府（街道办事处）或县级有关主管部门。", 2, 50)
	excellence, excErr := workday.ParseDate(f.ExcellenceSince)
	if excErr != nil || excellence.After(today) {
		errs["excellenceSince"] = "请填写开始实施卓越绩效模式的日期，如 2023-01-01。"
	}
	ch := checks{fields: errs, ineligible: map[string]string{}}
	start, err1 := workday.ParseDate(f.InternalPublicityStart)
	end, err2 := workday.ParseDate(f.InternalPublicityEnd)
	switch {
	case err1 != nil:
		errs["internalPublicityStart"] = "请填写内部公示开始日期，如 2026-03-10。"
	case err2 != nil:
		errs["internalPublicityEnd"] = "请填写内部公示结束日期，如 2026-03-16。"
	case end.Before(start):
		errs["internalPublicityEnd"] = "内部公示结束日期早于开始日期，请核对。"
	case end.After(today):
		errs["internalPublicityEnd"] = "内部公示应在申报前结束（《管理办法》第十七条第（二）项），请在公示期满后再申报。"
	default:
		n, err := cal.CountWorkingDays(start, end)
		switch {
		case err != nil:
			errs["internalPublicityEnd"] = err.Error()
		case n < schedule.MinWorkingDays:
			errs["internalPublicityEnd"] = fmt.Sprintf("%s至%s只有%d个工作日；内部公示不得少于%d个工作日（《管理办法》第十七条第（二）项）。", start.Chinese(), end.Chinese(), n, schedule.MinWorkingDays)
		default:
			ch.pubDays = n
		}
	}
	for i, d := range f.Declarations {
		if d != "none" {
			errs["declaration"+strconv.Itoa(i+1)] = "请逐项确认第十四条所列情形：" + declarations[i]
		}
	}
	if f.Consent != "yes" {
		errs["consent"] = "请阅读个人信息处理说明，并勾选同意后提交。"
	}
	if c == nil || estErr != nil || excErr != nil {
		return ch
	}
	// Eligibility (Art. 13), counted to the day the call closes.
	closing := workday.DateOf(c.Closes.Add(-time.Nanosecond).In(loc))
	years, months := age(established, closing)
	minYears := 3
	if f.LittleGiant == "yes" {
		minYears = 2
	}
	if years < minYears {
		msg := fmt.Sprintf("截至申报截止日%s，成立%d年%d个月，不满%d年：申报单位应合法运营3年以上（《管理办法》第十三条第（一）项）", closing.Chinese(), years, months, minYears)
		if minYears == 3 && years >= 2 {
			msg += "；专精特新“小巨人”企业可放宽至2年以上，如是，请选择“是”并上传证书"
		}
		ch.ineligible["established"] = msg + "。"
	}
	if ey, _ := age(excellence, closing); ey < 1 {
		ch.ineligible["excellenceSince"] = fmt.Sprintf("截至申报截止日%s，实施卓越绩效模式不满1年（《管理办法》第十三条第（二）项）。", closing.Chinese())
	}
	ch.eligibility = fmt.Sprintf("运营满%d年（%d年%d个月）；实施卓越绩效模式满1年（自%s）；已获推荐：%s", minYears, years, months, excellence.Chinese(), f.Recommender)
	return ch
}

// age is the whole years and months from since to at.
func age(since, at workday.Date) (years, months int) {
	m := (at.Year-since.Year)*12 + int(at.Month) - int(since.Month)
	if at.Day < since.Day {
		m--
	}
	if m < 0 {
		return 0, 0
	}
	return m / 12, m % 12
}

// identity is what is sealed: the people of an application.
func (f *applicationForm) identity() submission.ApplicantIdentity {
	return submission.ApplicantIdentity{LegalRepresentative: f.LegalRepresentative, ContactName: f.ContactName, Phone: f.Phone, Email: f.Email}
}

// checkContact checks a form's contact name (2 to 50 characters) and phone
// (a mobile number, or a landline with its area code) into errs.
func checkContact(errs map[string]string, name, phone string) {
	if n := utf8.RuneCountInString(name); n < 2 || n > 50 {
		errs["contactName"] = "请填写联系人姓名。"
	}
	switch {
	case phone == "":
		errs["phone"] = "请填写联系电话。"
	case !mobilePattern.MatchString(phone) && !landlinePattern.MatchString(phone):
		errs["phone"] = "电话号码格式不正确：请填写11位手机号码，或带区号的固定电话，如 0371-62196035。"
	}
}
