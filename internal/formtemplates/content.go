package formtemplates

import "github.com/zhongmou/award/intake"

const (
	dateBlank = "____年__月__日"
	signLine  = "法定代表人（负责人）签字：____________　　　　（组织公章）"
)

// ApplicationForm is the 申报表: the facts the online form asks
// (intake's application form: organisation, credit code, kind, founding
// date, 专精特新“小巨人”, industry, township, address, people to contact,
// recommender, 卓越绩效 since, internal publicity), the three years'
// figures Art. 13(3) weighs, the account of the organisation's quality
// management Art. 13(2) and (4) ask for, and the opinions of the
// applicant, the local market supervision office and the recommender that
// Art. 17(2) and (3) require, each to be signed and stamped.
func ApplicationForm() Doc {
	l := func(text string) Cell { return Cell{Text: text, Head: true, Align: Center} }
	v := func(text string, span int) Cell { return Cell{Text: text, Span: span} }
	const h = 30 // a one-line row
	return Doc{
		Name:  "申报表模板",
		Title: "中牟县县长质量奖申报表",
		Blocks: []Block{
			Para{Text: "申报届次：第____届（________年）　　　　受理编号：____________（由秘书处填写）", Small: true},
			Heading{Text: "一、申报组织基本情况"},
			Table{Cols: []float64{2.2, 2.8, 2.0, 3.0}, Rows: []Row{
				{Cells: []Cell{l("组织全称\n（与营业执照或\n登记证书一致）"), v("", 3)}, MinHeight: 44},
				{Cells: []Cell{l("统一社会信用代码"), v("", 3)}, MinHeight: h},
				{Cells: []Cell{l("组织类型"), v("□企业　□事业单位　□社会组织　□其他组织", 3)}, MinHeight: h},
				{Cells: []Cell{l("成立日期"), v(dateBlank, 1), l("所属行业"), v("", 1)}, MinHeight: h},
				{Cells: []Cell{l("所在乡镇（街道）"), v("", 1), l("合法运营年限"), v("______年", 1)}, MinHeight: h},
				{Cells: []Cell{l("详细地址"), v("", 3)}, MinHeight: h},
				{Cells: []Cell{l("法定代表人\n（负责人）"), v("", 1), l("联系电话"), v("", 1)}, MinHeight: h},
				{Cells: []Cell{l("联系人"), v("", 1), l("手机号码"), v("", 1)}, MinHeight: h},
				{Cells: []Cell{l("电子邮箱"), v("", 3)}, MinHeight: h},
				{Cells: []Cell{l("专精特新\n“小巨人”企业"), v("□是（认定文件或证书编号：________________）　□否\n（按合法运营2年以上申报的，须为专精特新“小巨人”企业）", 3)}, MinHeight: 44},
				{Cells: []Cell{l("开始实施卓越\n绩效模式的日期"), v(dateBlank+"（须已实施1年以上）", 3)}, MinHeight: 40},
				{Cells: []Cell{l("推荐单位"), v("□所在乡镇人民政府（街道办事处）：________________\n□县级有关主管部门：________________", 3)}, MinHeight: 44},
				{Cells: []Cell{l("内部公示"), v("自"+dateBlank+"至"+dateBlank+"，共____个工作日（不少于5个工作日）\n公示范围：________________　公示结果：□无异议　□有异议，已处理", 3)}, MinHeight: 44},
			}},
			Heading{Text: "二、近3年主要经营指标"},
			Table{Cols: []float64{3.4, 2.2, 2.2, 2.2}, Rows: []Row{
				{Cells: []Cell{l("指标"), l("________年"), l("________年"), l("________年")}, MinHeight: h},
				{Cells: []Cell{l("营业收入（万元）"), v("", 1), v("", 1), v("", 1)}, MinHeight: h},
				{Cells: []Cell{l("利润总额（万元）"), v("", 1), v("", 1), v("", 1)}, MinHeight: h},
				{Cells: []Cell{l("上缴税金（万元）"), v("", 1), v("", 1), v("", 1)}, MinHeight: h},
				{Cells: []Cell{l("总资产（万元）"), v("", 1), v("", 1), v("", 1)}, MinHeight: h},
				{Cells: []Cell{l("总资产贡献率（%）"), v("", 1), v("", 1), v("", 1)}, MinHeight: h},
				{Cells: []Cell{l("研发投入（万元）"), v("", 1), v("", 1), v("", 1)}, MinHeight: h},
				{Cells: []Cell{l("从业人员（人）"), v("", 1), v("", 1), v("", 1)}, MinHeight: h},
				{Cells: []Cell{l("质量水平、创新能力等指标在省内、市内同行业的位次"), v("", 3)}, MinHeight: 44},
			}},
			Para{Text: "按近3个完整会计年度填写，与所附财务报表一致。从事非盈利性业务的组织，可不填经营指标，在下栏说明本组织的社会贡献及其在行业中的位次。", Small: true},
			Heading{Text: "三、组织简介与质量管理情况"},
			Table{Cols: []float64{2.2, 7.8}, Rows: []Row{
				{Cells: []Cell{l("组织概况"), {Text: "（主要产品或服务、规模、市场地位等，500字以内）", Top: true}}, MinHeight: 150},
				{Cells: []Cell{l("质量管理\n情况"), {Text: "（推行卓越绩效模式等先进质量管理方法的做法、成效及示范推广价值，详见自评报告）", Top: true}}, MinHeight: 170},
				{Cells: []Cell{l("质量基础\n与品牌"), {Text: "（标准、计量、检验检测、认证认可等质量基础；获得的商标、品牌、省级以上专利奖等荣誉，高新技术企业、“专精特新”企业、工程质量奖等称号）", Top: true}}, MinHeight: 150},
				{Cells: []Cell{l("社会贡献\n与诚信"), {Text: "（履行社会责任、公益活动、诚信记录和社会声誉等）", Top: true}}, MinHeight: 110},
			}},
			Heading{Text: "四、审核推荐意见"},
			Table{Cols: []float64{2.2, 7.8}, Rows: []Row{
				{Cells: []Cell{l("申报组织\n意见"), {Text: "本组织自愿申报中牟县县长质量奖，已在本组织内部公示不少于5个工作日，对本表及所附申报材料的完整性、真实性、准确性负责。\n\n" + signLine + "\n" + dateBlank, Top: true}}, MinHeight: 130},
				{Cells: []Cell{l("所在地市场\n监督管理部门\n初审意见"), {Text: "（对申报材料的完整性、真实性、准确性、合法性进行初审的意见）\n\n\n\n负责人签字：____________　　　　（盖章）\n" + dateBlank, Top: true}}, MinHeight: 130},
				{Cells: []Cell{l("推荐单位\n意见"), {Text: "（所在乡镇人民政府（街道办事处）同意报送的意见，或县级有关主管部门的推荐意见）\n\n\n\n负责人签字：____________　　　　（盖章）\n" + dateBlank, Top: true}}, MinHeight: 130},
				{Cells: []Cell{l("秘书处\n资格审核意见"), {Text: "（由中牟县县长质量奖评定委员会秘书处填写）\n\n\n\n经办人：____________　　　　（盖章）\n" + dateBlank, Top: true}}, MinHeight: 120},
			}},
			Heading{Text: "填表说明"},
			Para{Text: "1．本表依据《中牟县县长质量奖管理办法》第十三条、第十七条制定，由申报组织如实填写；填写不下的，可另附页。", Small: true},
			Para{Text: "2．网上申报的，本表所填内容应与网上申报填写的信息一致；本表经法定代表人（负责人）签字、加盖组织公章后，扫描（或拍照）成 PDF、OFD、JPEG 或 PNG 文件，上传到申报表一项。", Small: true},
			Para{Text: "3．所在地市场监督管理部门初审意见和推荐单位意见可以在本表中签署，也可以另行出具并盖章。推荐意见按申报通知的要求上传或报送。", Small: true},
			Para{Text: "4．以纸质材料申报的，将签字盖章后的本表连同其他申报材料，在申报截止时间前报送所在地市场监督管理部门。", Small: true},
			Para{Text: "5．本表和其他申报材料仅用于县长质量奖评定工作，评审机构和人员依法保守申报组织的商业和技术秘密（办法第二十六条）。", Small: true},
		},
	}
}

// Commitment is the 承诺书 the legal representative signs: that the
// organisation meets Art. 13(1), that the materials are complete, true,
// accurate and lawful (Art. 17(2)), a statement on each of the nine
// situations of Art. 14, the internal publicity, cooperation with the
// review, the winners' duties (Art. 24, 29, 30) and the consequences of
// fraud (Art. 14(7)).
func Commitment() Doc {
	rows := []Row{{Cells: []Cell{{Text: "序号", Head: true, Align: Center}, {Text: "《管理办法》第十四条所列情形（近3年）", Head: true, Align: Center}, {Text: "本组织情况", Head: true, Align: Center}}, MinHeight: 28}}
	// The nine situations of Art. 14, word for word as the online
	// application form declares them, so that paper and online applicants
	// declare the same.
	for i, d := range intake.DeclarationTexts() {
		rows = append(rows, Row{Cells: []Cell{
			{Text: string(rune('1' + i)), Align: Center},
			{Text: d},
			{Text: "□属实　□不属实", Align: Center},
		}, MinHeight: 34})
	}
	return Doc{
		Name:  "承诺书模板",
		Title: "中牟县县长质量奖申报承诺书",
		Blocks: []Block{
			Para{Text: "中牟县县长质量奖评定委员会秘书处："},
			Para{Text: "本组织________________________（统一社会信用代码：__________________）自愿申报第____届中牟县县长质量奖，现郑重承诺如下：", Indent: true},
			Para{Text: "一、本组织是在中牟县行政区域内设立的法人或者其他组织，已取得国家规定应取得的相关证照或资质，合法运营3年以上（专精特新“小巨人”企业2年以上），实施卓越绩效模式管理1年以上（《中牟县县长质量奖管理办法》第十三条第（一）项、第（二）项）。", Indent: true},
			Para{Text: "二、本组织提交的申报表、自评报告及其他全部申报材料完整、真实、准确、合法，不存在虚构、隐瞒、伪造、篡改等情况；自评报告中的数据和信息与本组织实际情况一致，可以提供原始凭证核实（第十七条）。", Indent: true},
			Para{Text: "三、对《管理办法》第十四条所列近3年内不得申报的九种情形，本组织逐项说明如下（在对应的□内打“√”）：", Indent: true},
			Table{Cols: []float64{0.8, 6.7, 2.5}, Rows: rows},
			Para{Text: "四、本组织已在内部公示申报情况不少于5个工作日，公示无异议（或异议已妥善处理）。", Indent: true, Space: 6},
			Para{Text: "五、本组织同意评定委员会秘书处和评审组为评定工作核实有关情况，如实提供相关资料，配合材料评审和现场评审。", Indent: true},
			Para{Text: "六、本组织如获得县长质量奖，将按规定把奖金用于质量建设，不挪作他用（第二十四条）；宣传获奖荣誉时标明获奖时间（第三十条）；在获奖有效期内每年开展卓越绩效自评并形成自评报告（第二十九条）。", Indent: true},
			Para{Text: "七、本组织如违反上述承诺，或在评定活动中存在弄虚作假等违规行为，自愿接受取消申报资格、候选资格或者撤销奖励等处理，近3年内不再申报，并依法承担相应责任。", Indent: true},
			Para{Text: "法定代表人（负责人）签字：____________", Align: Right, Space: 28},
			Para{Text: "申报组织（公章）", Align: Right, Space: 12},
			Para{Text: dateBlank, Align: Right, Space: 12},
			Heading{Text: "说明"},
			Para{Text: "1．本承诺书由法定代表人（负责人）签字并加盖组织公章。网上申报的，扫描（或拍照）成 PDF、OFD、JPEG 或 PNG 文件，上传到承诺书一项；以纸质材料申报的，随其他申报材料报送所在地市场监督管理部门。", Small: true},
			Para{Text: "2．第三项九种情形与网上申报时逐项声明的内容相同，两处应当一致。某项不属实的，依照《管理办法》第十四条不得申报。", Small: true},
		},
	}
}
