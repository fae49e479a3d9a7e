package submission

// Slot is one kind of document an application carries (Art. 13, 14,
// 17(2)–(3) of the measures; the materials list of the guide): the form's
// file field, what the applicant reads, and what it accepts.
type Slot struct {
	Name     string // the form's file field, and File.Field of its files
	Label    string // what the applicant and the secretariat read
	Hint     string // what to upload, shown under the field
	Required bool   // always required (littleGiantCert: required when claimed, see RequiredFor)
	MaxFiles int
	MaxBytes int64    // each file
	Types    []string // media types accepted, detected from content
}

// The slots of an application, by name.
const (
	SlotApplicationForm   = "applicationForm"
	SlotSelfAssessment    = "selfAssessment"
	SlotRecommendation    = "recommendation"
	SlotInternalPublicity = "internalPublicity"
	SlotLicense           = "license"
	SlotCommitment        = "commitment"
	SlotFinancials        = "financials"
	SlotCreditReport      = "creditReport"
	SlotLittleGiantCert   = "littleGiantCert"
	SlotSupporting        = "supporting"
)

var (
	scanTypes   = []string{TypePDF, TypeOFD, TypeJPEG, TypePNG, TypeTIFF}
	reportTypes = []string{TypePDF, TypeOFD, TypeDOCX, TypeDOC, TypeJPEG, TypePNG, TypeTIFF}
	tableTypes  = []string{TypePDF, TypeOFD, TypeXLSX, TypeXLS, TypeJPEG, TypePNG, TypeTIFF}
)

// applicationSlots is the one list of an application's document slots, in
// the order of the form, the receipt's 收件清单 and the export.
var applicationSlots = []Slot{
	{SlotApplicationForm, "申报表", "签字并加盖公章后扫描上传。", true, 1, 50 << 20, scanTypes},
	{SlotSelfAssessment, "自评报告", "按《卓越绩效评价准则》（GB/T 19580）的结构编写，包含近3年的相关数据和信息。", true, 1, 300 << 20, reportTypes},
	{SlotRecommendation, "推荐意见", "所在乡镇人民政府（街道办事处）或县级有关主管部门盖章的推荐意见。", true, 1, 50 << 20, scanTypes},
	{SlotInternalPublicity, "内部公示证明", "在本组织内部公示不少于5个工作日的证明（公示照片、公示文件等）。", true, 5, 50 << 20, scanTypes},
	{SlotLicense, "营业执照或登记证书", "营业执照，或事业单位、社会组织的登记证书。", true, 1, 50 << 20, scanTypes},
	{SlotCommitment, "承诺书", "法定代表人签字的申报材料真实性承诺书。", true, 1, 50 << 20, scanTypes},
	{SlotFinancials, "财务报表（近3年）", "近3年经审计的财务报表及纳税证明。", true, 6, 300 << 20, tableTypes},
	{SlotCreditReport, "信用报告", "“信用中国”网站打印的信用报告。", true, 1, 50 << 20, scanTypes},
	{SlotLittleGiantCert, "专精特新“小巨人”证书", "申报时选择了专精特新“小巨人”企业的，须上传证书。", false, 1, 50 << 20, scanTypes},
	{SlotSupporting, "证实性材料", "荣誉、专利、认证证书等，可上传多份。", false, 20, 300 << 20, DocumentTypes()},
}

// ApplicationSlots returns the document slots of an application, in form
// order: a copy, which the caller may change.
func ApplicationSlots() []Slot {
	out := make([]Slot, len(applicationSlots))
	for i, s := range applicationSlots {
		s.Types = append([]string(nil), s.Types...)
		out[i] = s
	}
	return out
}

// SlotByName returns the slot called name.
func SlotByName(name string) (Slot, bool) {
	for _, s := range applicationSlots {
		if s.Name == name {
			return s, true
		}
	}
	return Slot{}, false
}

// SlotLabel is the Chinese label of a slot ("license": "营业执照或登记证书"),
// or the name itself for a slot it does not know.
func SlotLabel(name string) string {
	if s, ok := SlotByName(name); ok {
		return s.Label
	}
	return name
}

// EvidenceLabel is what an objection's one document slot (EvidenceSlot)
// is called, as on the objection form.
const EvidenceLabel = "证明材料"

// SlotLabelOf is what people read for a file's slot in a submission of
// kind: an application slot's label, EvidenceLabel for an objection's
// evidence, else the field's name.
func SlotLabelOf(kind, slot string) string {
	switch {
	case slot == LetterSlot:
		return LetterLabel
	case kind == KindApplication:
		return SlotLabel(slot)
	case kind == KindReport:
		return ReportSlotLabel(slot)
	case slot == EvidenceSlot:
		return EvidenceLabel
	}
	return slot
}

// SlotIndex is a slot's place in the form; unknown slots come last.
func SlotIndex(name string) int {
	for i, s := range applicationSlots {
		if s.Name == name {
			return i
		}
	}
	return len(applicationSlots)
}

// RequiredFor reports whether the slot must be filled by an applicant who
// does (littleGiant) or does not claim to be a 专精特新“小巨人” enterprise.
func (s Slot) RequiredFor(littleGiant bool) bool {
	return s.Required || s.Name == SlotLittleGiantCert && littleGiant
}

// LetterSlot is the File.Field of the scan of a paper submission's letter
// (代录: the objection letter or the application's cover letter, with its
// envelope), LetterLabel what people read.
const (
	LetterSlot  = "letter"
	LetterLabel = "纸质来件扫描件"
)
