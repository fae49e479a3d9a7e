package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/drafts"
	"github.com/zhongmou/award/internal/drafts/contentdir"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/site"
	"github.com/zhongmou/award/workday"
)

const publicityUsage = `用法：award publicity draft -call 申报通知编号 [-start 日期] [-out 目录]
      award publicity result -publicity 公示编号 [-date 日期] [-out 目录]

子命令：
  draft   由记录生成候选组织名单公示草稿（申报处于“候选”阶段的组织）：content/publicity/<编号>.md
  result  公示期满后生成候选组织公示结果草稿：content/notices/<公示编号>-result.md
`

const winnersUsage = `用法：award winners draft -call 申报通知编号 [-date 日期] [-out 目录]

子命令：
  draft   由记录生成获奖组织页面草稿（申报处于“获奖”阶段的组织）和获奖通报草稿：
          content/winners/<申报通知>-<统一社会信用代码>.md、content/notices/<申报通知>-winners.md
`

// runPublicity is award publicity draft|result.
func runPublicity(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, publicityUsage)
		return errors.New("请给出子命令：draft 或 result")
	}
	switch args[0] {
	case "draft":
		return runDraft(ctx, "publicity draft", args[1:], stdout, stderr)
	case "result":
		return runDraft(ctx, "publicity result", args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, publicityUsage)
		return nil
	}
	fmt.Fprint(stderr, publicityUsage)
	return fmt.Errorf("未知的子命令 %q：只有 draft 和 result", args[0])
}

// runWinners is award winners draft.
func runWinners(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "draft":
			return runDraft(ctx, "winners draft", args[1:], stdout, stderr)
		case "help", "-h", "-help", "--help":
			fmt.Fprint(stdout, winnersUsage)
			return nil
		}
	}
	fmt.Fprint(stderr, winnersUsage)
	return errors.New("请给出子命令：draft")
}

// runDraft generates the drafts of one command from the stored records
// and the built site's windows.json, writes them into the content
// directory (never over a file) and records the action in the audit log.
func runDraft(ctx context.Context, cmd string, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("award "+cmd, "[参数]", "", stderr)
	var inf intakeFlags
	inf.register(fs)
	out := fs.String("out", "content", "写入此内容`目录`（其下的 publicity/、notices/、winners/）")
	public := fs.String("public", "public", "已生成网站的`目录`，从其中的 windows.json 读取申报通知和公示")
	config := fs.String("config", "site.yaml", "网站配置`文件`（读取公示截止时刻和联系方式）")
	holidays := fs.String("holidays", "holidays.yaml", "节假日安排`文件`")
	operator := fs.String("operator", os.Getenv("USER"), "生成人`姓名`，写入草稿的 generatedBy 和操作记录（默认 $USER）")
	todayFlag := fs.String("today", "", "把此`日期`当作今天（演示和测试用）")
	var call, publicity, start, date, id *string
	switch cmd {
	case "publicity draft":
		call = fs.String("call", "", "申报通知`编号`，如 call-2026（必填）")
		start = fs.String("start", "", "公示开始`日期`，如 2026-11-20（默认下一个工作日）；截止日按节假日安排计算5个工作日")
		id = fs.String("id", "", "公示`编号`（默认 pub-<申报通知编号>-candidates）")
	case "publicity result":
		publicity = fs.String("publicity", "", "公示`编号`，如 pub-call-2026-candidates（必填）")
		date = fs.String("date", "", "发布`日期`（默认今天；须在公示期结束之后）")
	case "winners draft":
		call = fs.String("call", "", "申报通知`编号`，如 call-2026（必填）")
		date = fs.String("date", "", "发布`日期`（默认今天）")
	}
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("多余的参数：%s", strings.Join(fs.Args(), " "))
	}
	switch {
	case call != nil && strings.TrimSpace(*call) == "":
		return errors.New("请用 -call 给出申报通知编号，如 call-2026")
	case publicity != nil && strings.TrimSpace(*publicity) == "":
		return errors.New("请用 -publicity 给出公示编号")
	case strings.TrimSpace(*operator) == "":
		return errors.New("请用 -operator 注明生成人")
	}
	if st, err := os.Stat(*out); err != nil || !st.IsDir() {
		return fmt.Errorf("找不到内容目录 %s：请在代码仓库根目录运行，或用 -out 指定", *out)
	}
	mdata, err := os.ReadFile(filepath.Join(*public, schedule.ManifestName))
	if err != nil {
		return fmt.Errorf("读取 %s 出错：%w（请先运行 award build，或用 -public 指定已生成网站的目录）", filepath.Join(*public, schedule.ManifestName), err)
	}
	windows, err := schedule.DecodeManifest(mdata)
	if err != nil {
		return err
	}
	sdata, err := os.ReadFile(*config)
	if err != nil {
		return fmt.Errorf("读取网站配置 %s 出错：%w", *config, err)
	}
	scfg, err := site.ParseConfig(sdata)
	if err != nil {
		return fmt.Errorf("%s：%w", *config, err)
	}
	cal, err := loadCalendar(*holidays)
	if err != nil {
		return err
	}
	a, err := openVerifier(ctx, inf.config, stderr)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(scfg.TimeZone)
	if err != nil {
		loc = time.Local
	}
	today := workday.DateOf(time.Now().In(loc))
	if *todayFlag != "" {
		if today, err = optionalDate(*todayFlag); err != nil {
			return fmt.Errorf("-today：%w", err)
		}
	}
	req := drafts.Request{Windows: windows, Calendar: cal, CloseTime: scfg.PublicityCloseTime,
		Contact: drafts.ContactLines(scfg.Footer.Address, scfg.Footer.Phone), GeneratedBy: strings.TrimSpace(*operator), Today: today}
	switch cmd {
	case "publicity draft":
		req.Kind, req.Call, req.ID = drafts.KindPublicity, strings.TrimSpace(*call), strings.TrimSpace(*id)
		if req.Start, err = optionalDate(*start); err != nil {
			return fmt.Errorf("-start：%w", err)
		}
	case "publicity result":
		req.Kind, req.Publicity = drafts.KindResult, strings.TrimSpace(*publicity)
		if req.Date, err = optionalDate(*date); err != nil {
			return fmt.Errorf("-date：%w", err)
		}
	case "winners draft":
		req.Kind, req.Call = drafts.KindWinners, strings.TrimSpace(*call)
		if req.Date, err = optionalDate(*date); err != nil {
			return fmt.Errorf("-date：%w", err)
		}
	}
	cases, err := a.Applications(ctx)
	if err != nil {
		return fmt.Errorf("读取申报记录出错：%w", err)
	}
	apps, err := drafts.FromCases(cases, a.Signer().Verify)
	if err != nil {
		return err
	}
	ds, err := req.Generate(apps)
	if err != nil {
		return err
	}
	if err := contentdir.Write(*out, ds); err != nil {
		return err
	}
	var names []string
	for _, d := range ds {
		names = append(names, filepath.ToSlash(filepath.Join(*out, d.Name)))
	}
	if _, err := a.Audit(ctx, archive.AuditRecord{Time: time.Now(), Operator: req.GeneratedBy, Action: "draft-generate",
		Details: map[string]string{"via": "award " + cmd, "kind": req.Kind, "call": req.Call, "publicity": req.Publicity,
			"files": strings.Join(names, ",")}}); err != nil {
		return fmt.Errorf("草稿已写入，但审计记录写入失败：%w", err)
	}
	for _, n := range names {
		fmt.Fprintf(stdout, "已生成草稿 %s\n", n)
	}
	fmt.Fprintln(stdout, "草稿（draft: true）不会发布：请用 award build -drafts 或秘书处工作台的“审核发布”预览，核对无误后由秘书处账号发布。")
	return nil
}

// optionalDate reads a date flag; "" is the zero date.
func optionalDate(s string) (workday.Date, error) {
	if s = strings.TrimSpace(s); s == "" {
		return workday.Date{}, nil
	}
	d, err := workday.ParseDate(s)
	if err != nil {
		return d, fmt.Errorf("无法识别的日期 %q，请写成 2026-11-20", s)
	}
	return d, nil
}
