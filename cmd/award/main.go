// Command award builds and serves the 中牟县县长质量奖 website.
//
//	award build [flags]   build content/ through themes/default into public/
//	award serve [flags]   build, then serve the site and the intake on ADDR (default 127.0.0.1:8080)
//	award intake [flags]  run the intake alone
//	award export [flags]  export submissions for the secretariat
//	award status [flags]  record a submission's next stage, shown on its receipt
//	award audit verify    verify the stored record (MACs, files, the ledger)
//	award staff add|passwd|totp|disable|list  manage the console's accounts
//	award publicity draft|result  draft the candidate publicity or its result notice from the records
//	award winners draft  draft the winners' pages and the 获奖通报 from the records
//
// Run "award <command> -h" for a command's flags. Help, flags and errors
// are Chinese (flags.go); -h ends with status 0, and so does a server
// stopped by Ctrl-C or SIGTERM (exitCode).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first Ctrl-C the program shuts down (requests in flight
	// may take up to 30 s); a second one ends it at once.
	context.AfterFunc(ctx, stop)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	interrupted := ctx.Err() != nil
	stop()
	os.Exit(exitCode(err, interrupted, os.Stderr))
}

// exitCode says how the process ends after run: 0 when it succeeded, when
// help was asked for (-h), and when Ctrl-C or SIGTERM stopped a command
// that ended cleanly (a server shut down: `make run` then ends without
// make's "Error 1"); else 1, with the error printed to stderr.
func exitCode(err error, interrupted bool, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		if interrupted {
			fmt.Fprintln(stderr, "已停止。")
		}
		return 0
	case interrupted && errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "已停止。")
		return 0
	}
	fmt.Fprintln(stderr, "award:", err)
	return 1
}

const usage = `用法：award <命令> [参数]

命令：
  build      由 content/ 生成网站，写入 public/
  serve      生成网站，并同受理服务一起提供（默认 http://127.0.0.1:8080，环境变量 ADDR；make run 即此命令）
  intake     只运行受理服务（网上申报和异议；需要 award build 生成的 public/windows.json）
  export     为秘书处从存储中下载申报和异议，核验后写出 汇总.xlsx
  status     记录一件申报或异议的下一个办理阶段（已受理、核查中……），回执页面即时显示
  audit      核验存储中的记录：award audit verify（核验记录是否被改动、删除或遗漏）
  staff      管理工作人员账号：award staff add|passwd|totp|disable|list
  publicity  draft|result：由记录生成候选组织名单公示草稿或公示结果草稿（content/publicity/、content/notices/）
  winners    draft：由记录生成获奖组织页面和获奖通报草稿（content/winners/、content/notices/）

运行 award <命令> -h 查看该命令的参数，如 award build -h。
`

// run dispatches a command line; it is main without the process around it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("请给出命令，如 award serve")
	}
	switch args[0] {
	case "build":
		return runBuild(ctx, args[1:], stdout, stderr)
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "intake":
		return runIntake(ctx, args[1:], stdout, stderr)
	case "export":
		return runExport(ctx, args[1:], stdout, stderr)
	case "status":
		return runStatus(ctx, args[1:], stdout, stderr)
	case "audit":
		return runAudit(ctx, args[1:], stdout, stderr)
	case "staff":
		return runStaff(ctx, args[1:], stdout, stderr)
	case "publicity":
		return runPublicity(ctx, args[1:], stdout, stderr)
	case "winners":
		return runWinners(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("没有命令 %q：可用的命令见上", args[0])
}
