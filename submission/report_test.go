package submission

import "testing"

func TestReportFieldsAndYuan(t *testing.T) {
	for in, want := range map[string]int64{"": 0, "0": 0, "120000": 120000, "120,000": 120000, "120，000元": 120000, " 5 ": 5} {
		if got, err := ParseYuan(in); err != nil || got != want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"-5", "1.5", "五万", "1e5", "99999999999999"} {
		if _, err := ParseYuan(bad); err == nil {
			t.Errorf("ParseYuan(%q) accepted", bad)
		}
	}
	if FormatYuan(320000) != "320,000" || FormatYuan(0) != "0" || FormatYuan(1234567) != "1,234,567" {
		t.Errorf("FormatYuan: %s %s %s", FormatYuan(320000), FormatYuan(0), FormatYuan(1234567))
	}
	f := ReportFields{Call: "report-2026", CreditCode: "91410122MA00J8NW0M", AwardYear: "2025", Fund: [8]string{"1", "2", "", "", "", "", "", "7"}}
	m := &Manifest{Kind: KindReport, Fields: f.Map()}
	if got := m.Report(); got != f || got.FundTotal() != 10 || m.Fields["awardYear"] != "2025" || m.Fields["fundOther"] != "7" {
		t.Errorf("round trip %+v, fields %v", got, m.Fields)
	}
	if len(FundPurposes) != 8 || FundPurposes[7].Key != FundOther || SlotLabelOf(KindReport, SlotVouchers) != "奖金使用凭证" {
		t.Error("purposes or slots")
	}
	if _, ok := NewIdentity(KindReport).(*ApplicantIdentity); !ok {
		t.Error("a report's identity is not an ApplicantIdentity")
	}
}
