package intake

// docSlot is one kind of document an application carries (Art. 13, 14,
// 17(2)–(3) of the measures; the materials list of the guide).
type docSlot struct {
	Name     string // form field
	Label    string // what the applicant reads
	Hint     string
	Required bool // always required (littleGiantCert: required when claimed)
	MaxFiles int
	MaxBytes int64
	Types    []string
}

var (
	scanTypes   = []string{typePDF, typeOFD, typeJPEG, typePNG, typeTIFF}
	reportTypes = []string{typePDF, typeOFD, typeDOCX, typeDOC}
	tableTypes  = []string{typePDF, typeOFD, typeXLSX, typeXLS, typeJPEG, typePNG, typeTIFF}
)

// applicationSlots are the document slots, in the order of the form and of
// the receipt's 收件清单.
func applicationSlots() []docSlot {
	return []docSlot{
		{"applicationForm", "申报表", "签字并加盖公章后扫描上传。", true, 1, 50 << 20, scanTypes},
		{"selfAssessment", "自评报告", "按《卓越绩效评价准则》（GB/T 19580）的结构编写，包含近3年的相关数据和信息。", true, 1, 300 << 20, append(append([]string{}, reportTypes...), scanTypes[2:]...)},
		{"recommendation", "推荐意见", "所在乡镇人民政府（街道办事处）或县级有关主管部门盖章的推荐意见。", true, 1, 50 << 20, scanTypes},
		{"internalPublicity", "内部公示证明", "在本组织内部公示不少于5个工作日的证明（公示照片、公示文件等）。", true, 5, 50 << 20, scanTypes},
		{"license", "营业执照或登记证书", "营业执照，或事业单位、社会组织的登记证书。", true, 1, 50 << 20, scanTypes},
		{"commitment", "承诺书", "法定代表人签字的申报材料真实性承诺书。", true, 1, 50 << 20, scanTypes},
		{"financials", "财务报表（近3年）", "近3年经审计的财务报表及纳税证明。", true, 6, 300 << 20, tableTypes},
		{"creditReport", "信用报告", "“信用中国”网站打印的信用报告。", true, 1, 50 << 20, scanTypes},
		{"littleGiantCert", "专精特新“小巨人”证书", "申报时选择了专精特新“小巨人”企业的，须上传证书。", false, 1, 50 << 20, scanTypes},
		{"supporting", "证实性材料", "荣誉、专利、认证证书等，可上传多份。", false, 20, 300 << 20, DefaultAllowedTypes()},
	}
}
