package submission

import (
	"fmt"
	"strconv"
	"strings"
)

// KindReport is a winner's annual filing in a report call (年度报告):
// the self-assessment report of Art. 29 of the Measures (《自评报告》, per
// GB/T 19580 and GB/Z 19579) with its summary figures, and the use of the
// prize (奖金使用情况) by the purposes Art. 24 names, with vouchers. It is
// stored as reports/<ref>/manifest.json through the archive like an
// application; its identity (the contact's name, phone and email) is an
// ApplicantIdentity without a legal representative.
const KindReport = "report"

// The slots of a report, by name.
const (
	SlotSelfAssessmentReport = "selfAssessmentReport"
	SlotVouchers             = "vouchers"
)

// reportSlots are a report's document slots, in form order.
var reportSlots = []Slot{
	{SlotSelfAssessmentReport, "自评报告", "按《卓越绩效评价准则》（GB/T 19580）和《卓越绩效评价准则实施指南》（GB/Z 19579）开展自评后形成的《自评报告》，PDF、OFD 或 Word（DOCX）文件。", true, 1, 300 << 20, []string{TypePDF, TypeOFD, TypeDOCX}},
	{SlotVouchers, "奖金使用凭证", "奖金使用情况的凭证（合同、发票、付款记录等的扫描件或照片），可上传多份；填写了使用金额的必须上传。", false, 20, 50 << 20, []string{TypePDF, TypeOFD, TypeJPEG, TypePNG}},
}

// ReportSlots returns the document slots of a report, in form order: a
// copy, which the caller may change. The vouchers are required when any
// amount of the fund use is above zero (ReportFields.FundTotal).
func ReportSlots() []Slot {
	out := make([]Slot, len(reportSlots))
	for i, s := range reportSlots {
		s.Types = append([]string(nil), s.Types...)
		out[i] = s
	}
	return out
}

// ReportSlotLabel is a report slot's label, or the name for one it does
// not know.
func ReportSlotLabel(name string) string {
	for _, s := range reportSlots {
		if s.Name == name {
			return s.Label
		}
	}
	return name
}

// FundPurpose is one of the purposes the prize may be used for (Art. 24
// of the Measures): Key is the form field and the stored key of its
// amount, Label what people read.
type FundPurpose struct {
	Key, Label string
}

// FundOther is the purpose 其他, whose amount needs a 说明 (FundOtherNote).
const FundOther = "fundOther"

// FundPurposes are the eight purposes of Art. 24, in its order.
var FundPurposes = []FundPurpose{
	{"fundPublicity", "质量宣传"},
	{"fundBrand", "品牌建设"},
	{"fundMethods", "先进质量管理方法推广与分享"},
	{"fundTraining", "质量管理人员培训和奖励"},
	{"fundResearch", "质量攻关"},
	{"fundLabs", "质量检验机构和实验室建设"},
	{"fundCharity", "质量公益活动"},
	{FundOther, "其他"},
}

// ReportFields are a report's fields that are not personal identifiers.
// Amounts are whole yuan written as digits ("120000"); "" is 0.
type ReportFields struct {
	Call, CallTitle string // the report call's id in windows.json and its title
	Year            string // the year the call is for
	OrgName         string
	CreditCode      string // 统一社会信用代码, as in the winner register
	// Session and AwardYear are the winner's award (届次, 获奖年度), as the
	// winner register has it.
	Session, AwardYear string
	// Score is the self-assessment score, 0–1000 on the GB/T 19580 scale
	// (自评得分); Revenue and ProfitTax are 营业收入 and 利税总额 in 万元.
	Score, Revenue, ProfitTax string
	// Fund are the amounts by purpose (FundPurposes' order), in yuan;
	// FundOtherNote says what 其他 was.
	Fund          [8]string
	FundOtherNote string
	Consent       string
	Notice        string
}

func (f *ReportFields) pairs() []pair {
	p := []pair{
		{"call", &f.Call}, {"callTitle", &f.CallTitle}, {"year", &f.Year}, {"orgName", &f.OrgName},
		{"creditCode", &f.CreditCode}, {"session", &f.Session}, {"awardYear", &f.AwardYear},
		{"score", &f.Score}, {"revenue", &f.Revenue}, {"profitTax", &f.ProfitTax},
		{"fundOtherNote", &f.FundOtherNote}, {"consent", &f.Consent}, {"notice", &f.Notice},
	}
	for i, fp := range FundPurposes {
		p = append(p, pair{fp.Key, &f.Fund[i]})
	}
	return p
}

// Map is f as a manifest stores it.
func (f ReportFields) Map() map[string]string { return toMap(f.pairs()) }

// Report reads the manifest's fields as a report's.
func (m *Manifest) Report() ReportFields {
	var f ReportFields
	fromMap(m.Fields, f.pairs())
	return f
}

// Amounts are the fund use by purpose in yuan (0 for an empty or unreadable
// amount, which the intake never stores).
func (f ReportFields) Amounts() [8]int64 {
	var out [8]int64
	for i, s := range f.Fund {
		out[i], _ = ParseYuan(s)
	}
	return out
}

// FundTotal is the sum of the amounts.
func (f ReportFields) FundTotal() int64 {
	var t int64
	for _, a := range f.Amounts() {
		t += a
	}
	return t
}

// ParseYuan reads an amount in whole yuan: digits, optionally with
// thousands separators (120,000 or 120，000) and a trailing 元; "" is 0.
// A negative, fractional or non-numeric amount is an error.
func ParseYuan(s string) (int64, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "元"))
	s = strings.NewReplacer(",", "", "，", "", " ", "").Replace(s)
	if s == "" {
		return 0, nil
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("amount %q: not whole yuan", s)
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > 1e12 {
		return 0, fmt.Errorf("amount %q: too large", s)
	}
	return n, nil
}

// FormatYuan writes an amount with thousands separators: 320,000.
func FormatYuan(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
