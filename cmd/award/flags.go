package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"
)

// newFlagSet returns the flag set of one command ("award build"), whose
// help and errors are Chinese: synopsis follows the command's name on the
// help's 用法 line ("[参数]"), about is the paragraph below it. The set
// never exits the process (ContinueOnError) and never prints by itself:
// parseFlags does.
func newFlagSet(name, synopsis, about string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "用法：%s %s\n\n", name, synopsis)
		if about != "" {
			fmt.Fprintf(w, "%s\n\n", strings.TrimRight(about, "\n"))
		}
		fmt.Fprintln(w, "参数：")
		printDefaults(fs)
	}
	return fs
}

// parseFlags parses args with fs. -h (or -help) prints the help to stdout
// and returns flag.ErrHelp, which main treats as success. Any other
// problem is returned in Chinese, naming the flag and pointing at
// "<command> -h"; nothing is printed, and the flag package's English
// message is never shown.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	out, usage := fs.Output(), fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.SetOutput(out)
	fs.Usage = usage
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		fs.Usage()
		fs.SetOutput(out)
		return flag.ErrHelp
	}
	return fmt.Errorf("%s（运行 %s -h 查看全部参数）", flagErrorText(err), fs.Name())
}

// The flag package's error messages (Go's flag.go, failf), matched to say
// them in Chinese.
var (
	flagUndefined = regexp.MustCompile(`^flag provided but not defined: (-\S*)$`)
	flagSyntax    = regexp.MustCompile(`^bad flag syntax: (.*)$`)
	flagNoValue   = regexp.MustCompile(`^flag needs an argument: (-\S*)$`)
	flagBadBool   = regexp.MustCompile(`^invalid boolean value (".*") for (-\S*): (.*)$`)
	flagBoolValue = regexp.MustCompile(`^invalid boolean flag (\S*): (.*)$`)
	flagBadValue  = regexp.MustCompile(`(?s)^invalid value (".*") for flag (-\S*): (.*)$`)
)

// flagErrorText says a parse error of the flag package in Chinese; an
// error it does not know is returned as it is.
func flagErrorText(err error) string {
	msg := err.Error()
	if m := flagUndefined.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("没有参数 %s（请检查拼写；参数以一个短横线开头，如 -out）", m[1])
	}
	if m := flagSyntax.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("参数写法有误：%s（应写成 -名称 值 或 -名称=值）", m[1])
	}
	if m := flagNoValue.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("参数 %s 后面缺少取值", m[1])
	}
	if m := flagBadBool.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("参数 %s 的值 %s 无效：只能是 true 或 false（不写值即为 true）", m[2], m[1])
	}
	if m := flagBoolValue.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("参数 -%s 的值无效：只能是 true 或 false（不写值即为 true）", m[1])
	}
	if m := flagBadValue.FindStringSubmatch(msg); m != nil {
		why := m[3]
		switch why {
		case "parse error":
			why = "格式不对"
		case "value out of range":
			why = "超出范围"
		}
		return fmt.Sprintf("参数 %s 的值 %s 无效：%s", m[2], m[1], why)
	}
	return msg
}

// printDefaults lists fs's flags as flag.PrintDefaults does, with the
// default value said in Chinese (（默认 public）) and without the
// package's English "(default …)".
func printDefaults(fs *flag.FlagSet) {
	w := fs.Output()
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		if zh, ok := flagTypeNames[name]; ok {
			name = zh
		}
		line := "  -" + f.Name
		if name != "" {
			line += " " + name
		}
		if len(line) <= 4 { // "  -x": the usage fits on the same line
			line += "\t"
		} else {
			line += "\n    \t"
		}
		line += strings.ReplaceAll(usage, "\n", "\n    \t")
		if def := f.DefValue; !isZeroFlagValue(f, def) {
			line += "（默认 " + def + "）"
		}
		fmt.Fprintln(w, line)
	})
}

// flagTypeNames names, in Chinese, the value a flag takes when its usage
// does not name it with backquotes (flag.UnquoteUsage gives the type).
var flagTypeNames = map[string]string{
	"value": "值", "string": "文字", "int": "整数", "uint": "整数", "float": "数", "duration": "时长（如 30s、10m）",
}

// isZeroFlagValue reports whether def is the zero value of f's type, not
// worth saying as a default (as the flag package decides).
func isZeroFlagValue(f *flag.Flag, def string) bool {
	switch def {
	case "", "false", "0", "0s", "[]":
		return true
	}
	typ := reflect.TypeOf(f.Value)
	var z reflect.Value
	if typ.Kind() == reflect.Pointer {
		z = reflect.New(typ.Elem())
	} else {
		z = reflect.Zero(typ)
	}
	if v, ok := z.Interface().(flag.Value); ok {
		defer func() { _ = recover() }()
		return def == v.String()
	}
	return false
}
