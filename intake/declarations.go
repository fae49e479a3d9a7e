package intake

import "github.com/zhongmou/award/submission"

// declarationsVersion names the wording below; an application records it
// with each declaration's text.
const declarationsVersion = "2026-1"

// declarations are the nine situations of Art. 14 of the revised measures
// (as quoted in the drafting notes) that bar an organisation from applying
// if any occurred in the last 3 years. The applicant declares each one
// separately; the text shown is recorded verbatim with the answer.
var declarations = [submission.Declarations]string{
	"近3年不存在不符合国家产业、环保、质量、节能减排等政策的情况。",
	"不存在法律、法规规定应取得相关证照而未获得的情况。",
	"近3年未发生质量、安全、环境等责任事故。",
	"近3年不存在国家、省、市级监督抽查产品不合格，出口产品因质量问题导致国外索赔、退货、通报调查，或严重服务质量问题被证实的情况。",
	"近3年企业生产、经营未出现亏损。",
	"近3年未出现严重失信行为并被相关组织列入失信联合惩戒对象名单。",
	"参加县长质量奖评定活动不存在弄虚作假等违规行为。",
	"近3年没有拖欠农民工工资行为。",
	"近3年未发生其他严重违法、违规、违纪行为被处理的情况。",
}
