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
// Run "award <command> -h" for a command's flags.
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
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "award:", err)
		}
		os.Exit(1)
	}
}

const usage = `usage: award <command> [flags]

commands:
  build   build the site from content/ into public/
  serve   build the site and serve it with the intake (default http://127.0.0.1:8080, env ADDR)
  intake  run the intake alone (objections; needs public/windows.json from a build)
  export  download submissions for the secretariat, verify them, write 汇总.xlsx
  status  record a submission's next stage (已受理, 核查中 …), shown on its receipt
  audit   verify the stored record: award audit verify (核验记录是否被改动、删除或遗漏)
  staff   manage the console's accounts: award staff add|passwd|totp|disable|list (管理工作人员账号)
  publicity  draft|result: 由记录生成候选组织名单公示草稿或公示结果草稿（content/publicity/、content/notices/）
  winners    draft: 由记录生成获奖组织页面和获奖通报草稿（content/winners/、content/notices/）
`

// run dispatches a command line; it is main without the process around it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
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
	return fmt.Errorf("unknown command %q", args[0])
}
