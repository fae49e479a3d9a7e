package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/staff"
)

const staffUsage = `用法：award staff <子命令> [参数]

子命令：
  add      新建账号：award staff add -name 账号名 -role secretariat|township|reviewer|auditor [-township 韩寺镇]
           显示初始密码和动态验证码的绑定二维码（只显示这一次），首次登录时须改密码
  passwd   重置密码：award staff passwd -name 账号名（显示新的初始密码，该账号已登录的会话全部失效）
  totp     换发动态验证码（手机丢失或更换时）：award staff totp -name 账号名
           显示新的绑定二维码（只显示这一次）；原验证器的验证码和该账号已登录的会话全部失效，密码不变
  disable  停用账号：award staff disable -name 账号名（该账号已登录的会话全部失效）
  list     列出全部账号及其角色、状态

每项改动都写入操作记录（审计日志），操作人由 -operator 给出（默认 $USER）。
需要存储的访问权和密钥（与 award export 相同的环境变量）；add 和 totp 还需要身份密钥。
运行 award staff add -h 查看参数。
`

// runStaff runs award staff's subcommands: the accounts of the console.
func runStaff(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, staffUsage)
		return errors.New("请给出子命令，如 award staff add")
	}
	switch args[0] {
	case "add", "passwd", "totp", "disable", "list":
		return runStaffCommand(ctx, args[0], args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, staffUsage)
		return nil
	}
	fmt.Fprint(stderr, staffUsage)
	return fmt.Errorf("不认识的子命令 %q", args[0])
}

// staffFlags are award staff's flags; each subcommand registers those it takes.
type staffFlags struct {
	inf                      intakeFlags
	name, role, township, op string
}

func runStaffCommand(ctx context.Context, sub string, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("award staff "+sub, "[参数]", "", stderr)
	var f staffFlags
	f.inf.register(fs)
	if sub != "list" {
		fs.StringVar(&f.name, "name", "", "账号`名`：字母、数字、汉字和 . - _，最多 32 个字符，不区分大小写（必填）")
		fs.StringVar(&f.op, "operator", os.Getenv("USER"), "操作人`姓名`，记入操作记录（默认 $USER）")
	}
	if sub == "add" {
		fs.StringVar(&f.role, "role", "", "`角色`：secretariat（秘书处）、township（乡镇（街道））、reviewer（评审员）、auditor（审计员）（必填）")
		fs.StringVar(&f.township, "township", "", "township 角色所属的`乡镇（街道）`，须是乡镇名单中的名称，如 韩寺镇")
	}
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("多余的参数 %q；参数都以 - 开头，如 -name", fs.Arg(0))
	}
	f.name, f.op = strings.TrimSpace(f.name), strings.TrimSpace(f.op)
	if sub != "list" {
		if f.name == "" {
			return errors.New("请用 -name 给出账号名")
		}
		if f.op == "" {
			return errors.New("请用 -operator 注明操作人")
		}
	}
	cfg, err := loadIntakeConfig(f.inf.config)
	if err != nil {
		return err
	}
	// Only add and totp seal a TOTP secret: the others do without the
	// identity key.
	needsKey := sub == "add" || sub == "totp"
	a, err := archive.Open(ctx, cfg.Config, archive.Options{Log: cliLogger(stderr), WithoutIdentityKey: !needsKey})
	if err != nil {
		return err
	}
	dir := staff.NewDirectory(a.Store(), a.Sealer(), nil)
	switch sub {
	case "add":
		return staffAdd(ctx, a, dir, f, cfg.Townships, stdout)
	case "passwd":
		return staffPasswd(ctx, a, dir, f, stdout)
	case "totp":
		return staffTOTP(ctx, a, dir, f, stdout)
	case "disable":
		return staffDisable(ctx, a, dir, f, stdout)
	}
	loc, err := time.LoadLocation(cfg.TimeZone)
	if err != nil {
		return fmt.Errorf("时区 %s：%w", cfg.TimeZone, err)
	}
	return staffList(ctx, dir, loc, stdout)
}

func staffAdd(ctx context.Context, a *archive.Archive, dir *staff.Directory, f staffFlags, townshipsFile string, stdout io.Writer) error {
	role := staff.Role(strings.TrimSpace(f.role))
	f.township = strings.TrimSpace(f.township)
	if !role.Valid() {
		return errors.New("请用 -role 给出角色：secretariat（秘书处）、township（乡镇（街道））、reviewer（评审员）或 auditor（审计员）")
	}
	if role == staff.Township {
		towns, err := loadTownships(townshipsFile)
		if err != nil {
			return err
		}
		if f.township == "" {
			return errors.New("township 角色要用 -township 给出所属乡镇（街道），如 -township 韩寺镇")
		}
		if !slices.Contains(towns, f.township) {
			return fmt.Errorf("乡镇名单 %s 中没有“%s”；请按名单填写：%s", townshipsFile, f.township, strings.Join(towns, "、"))
		}
	}
	acct, password, uri, err := dir.Add(ctx, f.name, role, f.township)
	if err != nil {
		return fmt.Errorf("新建账号 %s 未成功：%w", f.name, err)
	}
	details := map[string]string{"account": acct.Name, "role": string(acct.Role)}
	if acct.Township != "" {
		details["township"] = acct.Township
	}
	if err := writeStaffAudit(ctx, a, f.op, "account-add", details); err != nil {
		return fmt.Errorf("账号 %s 已建立，但%w；请用 award staff disable 停用后重建", acct.Name, err)
	}
	role = acct.Role
	where := ""
	if acct.Township != "" {
		where = "（" + acct.Township + "）"
	}
	fmt.Fprintf(stdout, "已建立账号 %s，角色：%s%s。\n\n", acct.Name, role.Label(), where)
	fmt.Fprintf(stdout, "初始密码（只显示这一次，请当面或另行安全转交本人；首次登录时须改为自己的密码）：\n\n    %s\n\n", password)
	writeTOTPEnrolment(stdout, uri)
	fmt.Fprintln(stdout, "初始密码和二维码都能用来登录，请勿截图外发，用完即清屏（clear）。")
	return nil
}

// writeTOTPEnrolment prints how to enrol an authenticator app with the
// otpauth URI: its QR code, then the URI itself for typing in by hand.
func writeTOTPEnrolment(stdout io.Writer, uri string) {
	fmt.Fprintln(stdout, "动态验证码：请本人用手机上的身份验证器（如 Microsoft Authenticator、Google 身份验证器、FreeOTP）扫描下面的二维码：")
	fmt.Fprintln(stdout)
	if err := writeQR(stdout, uri); err != nil {
		fmt.Fprintf(stdout, "（二维码画不出：%v）\n", err)
	}
	fmt.Fprintf(stdout, "\n扫不出时，可在验证器中手工添加下面的地址或其中 secret= 后面的密钥：\n\n    %s\n\n", uri)
}

func staffPasswd(ctx context.Context, a *archive.Archive, dir *staff.Directory, f staffFlags, stdout io.Writer) error {
	password, err := dir.ResetPassword(ctx, f.name)
	if err != nil {
		return fmt.Errorf("重置 %s 的密码未成功：%w", f.name, err)
	}
	acct, _ := staff.CanonicalName(f.name)
	if err := writeStaffAudit(ctx, a, f.op, "account-passwd", map[string]string{"account": acct}); err != nil {
		return fmt.Errorf("%s 的密码已重置，但%w", acct, err)
	}
	fmt.Fprintf(stdout, "已重置 %s 的密码，该账号已登录的会话全部失效；动态验证码不变。\n\n", acct)
	fmt.Fprintf(stdout, "新的初始密码（只显示这一次，请安全转交本人；登录后须改为自己的密码）：\n\n    %s\n", password)
	return nil
}

func staffTOTP(ctx context.Context, a *archive.Archive, dir *staff.Directory, f staffFlags, stdout io.Writer) error {
	uri, err := dir.ResetTOTP(ctx, f.name)
	if err != nil {
		return fmt.Errorf("换发 %s 的动态验证码未成功：%w", f.name, err)
	}
	acct, _ := staff.CanonicalName(f.name)
	if err := writeStaffAudit(ctx, a, f.op, "account-totp", map[string]string{"account": acct}); err != nil {
		return fmt.Errorf("%s 的动态验证码已换发（原验证码已失效），但%w；请再运行一次 award staff totp 换发", acct, err)
	}
	fmt.Fprintf(stdout, "已为 %s 换发动态验证码：原验证器中的验证码已失效，该账号已登录的会话全部失效；密码不变。\n\n", acct)
	writeTOTPEnrolment(stdout, uri)
	fmt.Fprintln(stdout, "二维码能用来登录，请勿截图外发，用完即清屏（clear）；旧手机上的条目可以删除。")
	return nil
}

func staffDisable(ctx context.Context, a *archive.Archive, dir *staff.Directory, f staffFlags, stdout io.Writer) error {
	if err := dir.Disable(ctx, f.name); err != nil {
		return fmt.Errorf("停用 %s 未成功：%w", f.name, err)
	}
	acct, _ := staff.CanonicalName(f.name)
	if err := writeStaffAudit(ctx, a, f.op, "account-disable", map[string]string{"account": acct}); err != nil {
		return fmt.Errorf("%s 已停用，但%w", acct, err)
	}
	fmt.Fprintf(stdout, "已停用账号 %s，其已登录的会话全部失效；操作记录保留。\n", acct)
	return nil
}

func staffList(ctx context.Context, dir *staff.Directory, loc *time.Location, stdout io.Writer) error {
	accts, err := dir.List(ctx)
	if err != nil {
		return fmt.Errorf("读取账号出错：%w", err)
	}
	if len(accts) == 0 {
		fmt.Fprintln(stdout, "还没有账号；用 award staff add -name 账号名 -role secretariat 建立第一个。")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "账号\t角色\t乡镇（街道）\t状态\t建立时间\t最近改动")
	for _, a := range accts {
		state := "正常"
		switch {
		case a.Disabled:
			state = "已停用"
		case a.MustChangePassword:
			state = "待本人改密码"
		}
		town := a.Township
		if town == "" {
			town = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", a.Name, a.Role.Label(), town, state,
			a.Created.In(loc).Format("2006-01-02 15:04"), a.Updated.In(loc).Format("2006-01-02 15:04"))
	}
	return tw.Flush()
}

// writeStaffAudit records an account change in the audit log; the details
// name the account, never a password or secret.
func writeStaffAudit(ctx context.Context, a *archive.Archive, operator, action string, details map[string]string) error {
	if _, err := a.Audit(ctx, archive.AuditRecord{Operator: operator, Action: action, Details: details}); err != nil {
		return fmt.Errorf("操作记录写入失败：%w", err)
	}
	return nil
}
