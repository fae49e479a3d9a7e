package intake

import (
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhongmou/award/ident"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/submission"
)

// objectionForm is an objection as submitted (multipart fields of
// POST /api/objections).
type objectionForm struct {
	Publicity    string // publicity id from the manifest
	Candidate    string // candidate id on that publicity
	ObjectorType string // individual | organization
	Name         string // the person's or organisation's name
	IDNumber     string // individual: 身份证号码
	CreditCode   string // organisation: 统一社会信用代码
	Phone        string
	Email        string // optional: for news of the handling
	Statement    string // the facts
	Consent      string // "yes": the privacy notice is accepted
}

func parseObjectionForm(v url.Values) objectionForm {
	return objectionForm{
		Publicity: trimmed(v, "publicity"), Candidate: trimmed(v, "candidate"),
		ObjectorType: trimmed(v, "objectorType"), Name: trimmed(v, "name"),
		IDNumber: ident.NormalizeIDNumber(v.Get("idNumber")), CreditCode: ident.NormalizeCreditCode(v.Get("creditCode")),
		Phone: normalizePhone(v.Get("phone")), Email: trimmed(v, "email"), Statement: strings.TrimSpace(v.Get("statement")), Consent: trimmed(v, "consent"),
	}
}

// target finds the publicity and candidate the objection is about and
// checks that the window is open by the server's clock.
func (f *objectionForm) target(m *schedule.Manifest, now time.Time) (*schedule.Publicity, *schedule.Candidate, *problem) {
	if f.Publicity == "" || f.Candidate == "" {
		return nil, nil, invalid(map[string]string{"candidate": "请选择异议针对的候选组织。"})
	}
	var pub *schedule.Publicity
	if m != nil {
		pub = m.Publicity(f.Publicity)
	}
	if pub == nil {
		return nil, nil, &problem{Status: http.StatusNotFound, Code: "not_found",
			Message: "找不到这份公示。请从网站公示页面进入异议表单。", Fields: map[string]string{"candidate": "找不到这份公示"}}
	}
	cand := pub.Candidate(f.Candidate)
	if cand == nil {
		return nil, nil, &problem{Status: http.StatusNotFound, Code: "not_found",
			Message: "这份公示名单中没有所选的候选组织。请从公示页面重新选择。", Fields: map[string]string{"candidate": "名单中没有这个候选组织"}}
	}
	switch pub.StateAt(now) {
	case schedule.NotStarted:
		return nil, nil, &problem{Status: http.StatusForbidden, Code: "window_closed",
			Message: "公示尚未开始，暂不受理异议。公示期：" + pub.Period() + "。"}
	case schedule.Closed:
		return nil, nil, &problem{Status: http.StatusForbidden, Code: "window_closed",
			Message: "公示期已结束，不再受理异议。公示期：" + pub.Period() + "。如有疑问，请联系秘书处。"}
	}
	return pub, cand, nil
}

var (
	mobilePattern   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	landlinePattern = regexp.MustCompile(`^0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?$`)
)

func normalizePhone(s string) string {
	s = strings.NewReplacer(" ", "", "\u3000", "", "－", "-", "—", "-", "（", "", "）", "", "(", "", ")", "").Replace(strings.TrimSpace(s))
	return strings.TrimPrefix(strings.TrimPrefix(s, "+86"), "86-")
}

// validate checks every field and returns what is wrong with each, all at
// once (一次性告知), or nil.
func (f *objectionForm) validate(lim Limits, today time.Time) map[string]string {
	errs := map[string]string{}
	switch f.ObjectorType {
	case submission.ObjectorIndividual:
		if n := utf8.RuneCountInString(f.Name); n < 2 || n > 50 {
			errs["name"] = "请填写您的真实姓名（2至50个字）。"
		}
		if f.IDNumber == "" {
			errs["idNumber"] = "请填写身份证号码。"
		} else if err := ident.CheckIDNumber(f.IDNumber, today); err != nil {
			errs["idNumber"] = err.Error() + "。"
		}
	case submission.ObjectorOrganization:
		if n := utf8.RuneCountInString(f.Name); n < 2 || n > 100 {
			errs["name"] = "请填写单位全称（2至100个字）。"
		}
		if f.CreditCode == "" {
			errs["creditCode"] = "请填写统一社会信用代码。"
		} else if err := ident.CheckCreditCode(f.CreditCode); err != nil {
			errs["creditCode"] = err.Error() + "。"
		}
	default:
		errs["objectorType"] = "请选择以个人还是单位名义提出异议。"
	}
	switch {
	case f.Phone == "":
		errs["phone"] = "请填写联系电话，便于秘书处核实。"
	case !mobilePattern.MatchString(f.Phone) && !landlinePattern.MatchString(f.Phone):
		errs["phone"] = "电话号码格式不正确：请填写11位手机号码，或带区号的固定电话，如 0371-62196035。"
	}
	if f.Email != "" && !validEmail(f.Email) {
		errs["email"] = "电子邮箱格式不正确，请核对，如 zhangsan@example.com；不需要接收通知的，可以不填。"
	}
	switch n := utf8.RuneCountInString(f.Statement); {
	case n < lim.StatementMin:
		errs["statement"] = fmt.Sprintf("请写明异议的具体事实和理由，至少%d个字（现为%d个字）。", lim.StatementMin, n)
	case n > lim.StatementMax:
		errs["statement"] = fmt.Sprintf("异议事实和理由请控制在%d个字以内（现为%d个字）；更多内容可作为证明材料上传。", lim.StatementMax, n)
	}
	if f.Consent != "yes" {
		errs["consent"] = "请阅读个人信息处理说明，并勾选同意后提交。"
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// identity is what is sealed: the objector's personal identifiers.
func (f *objectionForm) identity() submission.ObjectorIdentity {
	id := submission.ObjectorIdentity{Type: f.ObjectorType, Name: f.Name, Phone: f.Phone, Email: f.Email}
	if f.ObjectorType == submission.ObjectorIndividual {
		id.IDNumber = f.IDNumber
	} else {
		id.CreditCode = f.CreditCode
	}
	return id
}

// maxEmail bounds an email address (the forms' maxlength).
const maxEmail = 100

// validEmail reports whether s is one plain address (user@host.tld), as
// mail.ParseAddress reads it, with nothing around it.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && len(s) <= maxEmail && strings.Contains(s[strings.LastIndex(s, "@")+1:], ".")
}
