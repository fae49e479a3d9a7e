package export

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/zhongmou/award/submission"
)

// TestExportReview: the 申报 sheet's 初审、推荐 columns show who reviewed
// and recommended (the township and the account), when, and the three
// answers with how the stamped 推荐意见 came, the scan's name and SHA-256.
func TestExportReview(t *testing.T) {
	fx := newFixture(t)
	fx.add(submission.KindApplication, "REVW-2345", t1, applicationFields("2026-apply", codeA, "郑州市某某食品有限公司", ""),
		contact("赵六", "13700000000"), testFile{"selfAssessment", "自评报告.pdf", "report"})
	rv := &submission.TownshipReview{Complete: true, True: true, Lawful: true, CompleteNote: "逐项核对", Township: "韩寺镇", Reviewer: "hansi",
		At: t2, Recommendation: submission.RecommendationUploaded,
		File: &submission.File{Field: "recommendation", Name: "推荐意见.png", Key: "applications/revw-2345/attachments/00", SHA256: "ab12", Size: 4, Type: submission.TypePNG}}
	fx.statuses["REVW-2345"] = []submission.Status{ // latest first
		{Reference: "REVW-2345", Stage: submission.StageQualified, State: "资格审核通过", Operator: "mishu", At: t3, Seq: 3},
		{Reference: "REVW-2345", Stage: submission.StageRecommended, State: "初审通过（已推荐）", Operator: "hansi", At: t2, Seq: 2, Review: rv},
		{Reference: "REVW-2345", Stage: submission.StageAccepted, State: "已受理", Operator: "mishu", At: t1, Seq: 1},
	}
	rep, err := Run(context.Background(), fx.options(filepath.Join(t.TempDir(), "导出")))
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(rep.Summary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("申报")
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	r := rows[1]
	if r[col["办理阶段"]] != "资格审核通过" || r[col["初审推荐人"]] != "韩寺镇 hansi" || r[col["初审推荐时间"]] != "2026-11-22 10:00:00" {
		t.Errorf("row %q", r)
	}
	want := "材料齐全：是（逐项核对）；内容真实：是；合法合规：是；乡镇（街道）在工作台上传盖章推荐意见（推荐意见.png，SHA-256 ab12）"
	if got := r[col["初审意见"]]; got != want {
		t.Errorf("初审意见 %q, want %q", got, want)
	}
	if strings.Contains(strings.Join(r[col["初审推荐人"]:], ""), "赵六") {
		t.Error("the review columns name the applicant's contact")
	}
}
