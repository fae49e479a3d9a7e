package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/zhongmou/award/ident"
)

// fieldMessage types value into a field, leaves it (which fires change),
// and returns the browser's message for it ("" when there is none).
func fieldMessage(ctx context.Context, field, value string) (string, error) {
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.getElementById("f-`+field+`").value = "") === ""`)); err != nil {
		return "", err
	}
	err := chromedp.Do(ctx,
		chromedp.SendKeys("#f-"+field, value),
		chromedp.Focus("#f-phone"),
	)
	if err != nil {
		return "", err
	}
	return chromedp.Run(ctx, chromedp.Evaluate[string](`(document.getElementById("c-`+field+`") || {}).textContent || ""`))
}

// fileMessage chooses files for a file field and returns the browser's
// message for it once the files' first bytes have been read.
func fileMessage(ctx context.Context, field string, files []string) (string, error) {
	count := `(document.getElementById("f-` + field + `").getAttribute("data-checked") || "0")`
	before, err := chromedp.Run(ctx, chromedp.Evaluate[string](count))
	if err != nil {
		return "", err
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles("#f-"+field, files)); err != nil {
		return "", err
	}
	// The check runs once the files' first bytes are read: it then counts.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		now, err := chromedp.Run(ctx, chromedp.Evaluate[string](count))
		if err != nil {
			return "", err
		}
		if now != before {
			break
		}
		if time.Now().After(deadline) {
			return "", errors.New("the browser never checked the chosen files")
		}
	}
	return chromedp.Run(ctx, chromedp.Evaluate[string](`(document.getElementById("c-`+field+`") || {}).textContent || ""`))
}

// TestBrowserFormChecks checks, in real Chromium, that the forms' own
// checks say exactly what the server would: every ID number and credit code
// of a table gets the server's message (or none), files are judged by their
// first bytes, size and count, and a submit with a mistake shows the error
// summary without sending anything.
func TestBrowserFormChecks(t *testing.T) {
	ctx := browser(t)
	url := realSite(t)
	form := url + "api/objections/new?publicity=pub-2026-candidates&candidate=c01"
	if err := chromedp.Do(ctx, chromedp.Navigate(form), chromedp.WaitVisible("#f-idNumber")); err != nil {
		t.Fatal(err)
	}
	today := time.Now()
	serverID := func(v string) string {
		if err := ident.CheckIDNumber(ident.NormalizeIDNumber(v), today); err != nil {
			return err.Error() + "。"
		}
		return ""
	}
	ids := []string{
		"11010519491231002X", "11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ", "110105 19491231 002X",
		"110105194912310021", "11010519491231002", "110105194912310021X", "1101051949123100X2", "11010519491332002X",
		"11010518790101002X", "11010520990101002X", "110105194902300011", "11010519491231002中", "A1010519491231002X",
	}
	sawError, sawNone := false, false
	for _, v := range ids {
		got, err := fieldMessage(ctx, "idNumber", v)
		if err != nil {
			t.Fatal(err)
		}
		if want := serverID(v); got != want {
			t.Errorf("ID number %q: the browser says %q, the server %q", v, got, want)
		}
		sawError = sawError || got != ""
		sawNone = sawNone || got == ""
	}
	if !sawError || !sawNone {
		t.Errorf("the ID table should hold both valid and invalid numbers (error seen %v, none seen %v)", sawError, sawNone)
	}

	// Credit codes are checked when the objector is an organisation.
	if err := chromedp.Do(ctx, chromedp.Click(`input[name="objectorType"][value="organization"]`)); err != nil {
		t.Fatal(err)
	}
	codes := []string{
		"91410122MA00J8NW0M", "91410122ma00j8nw0m", "９１４１０１２２ＭＡ００Ｊ８ＮＷ０Ｍ", "91410122MA00J8NW0N",
		"91410122MA00J8NW0", "91410122MA00J8NWOM", "91410122MA00J8NW0I", "91410122MA0E24W21B", "93410122MAKDT1JD35",
	}
	for _, v := range codes {
		got, err := fieldMessage(ctx, "creditCode", v)
		if err != nil {
			t.Fatal(err)
		}
		want := ""
		if err := ident.CheckCreditCode(ident.NormalizeCreditCode(v)); err != nil {
			want = err.Error() + "。"
		}
		if got != want {
			t.Errorf("credit code %q: the browser says %q, the server %q", v, got, want)
		}
	}

	// Files, by their first bytes: what the server surely refuses is refused
	// with its message; what it may accept is left to it.
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	hostile := func(name string) string {
		p, err := filepath.Abs(filepath.Join("..", "..", "intake", "testdata", "hostile", name))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	types := "PDF、OFD、JPEG、PNG、TIFF、HEIC（手机照片）、Word（.docx）、Excel（.xlsx）、Word 97-2003（.doc）、Excel 97-2003（.xls）"
	pdf := write("证明.pdf", []byte("%PDF-1.4\n%%EOF\n"))
	big := filepath.Join(dir, "扫描件.pdf")
	if err := os.WriteFile(big, []byte("%PDF-1.4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 50<<20+1); err != nil { // sparse: one byte over the 50 MB limit
		t.Fatal(err)
	}
	many := make([]string, 11)
	for i := range many {
		many[i] = write("材料"+strconv.Itoa(i+1)+".pdf", []byte("%PDF-1.4\n"))
	}
	cases := []struct {
		name  string
		files []string
		want  string
	}{
		{"a PDF", []string{pdf}, ""},
		{"a PNG", []string{write("照片.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))}, ""},
		{"a JPEG", []string{write("照片.jpg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"))}, ""},
		{"a phone photo (HEIC)", []string{write("IMG_0001.HEIC", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"))}, ""},
		{"a truncated PDF (left to the server)", []string{hostile("truncated.pdf")}, ""},
		{"a ZIP bomb in a DOCX (left to the server)", []string{hostile("zipbomb.docx")}, ""},
		{"a program named .pdf", []string{hostile("renamed.exe.pdf")}, "“renamed.exe.pdf”：文件内容不是PDF（可能改过扩展名或已损坏），请换用正确的文件。"},
		{"a shell script named .pdf", []string{hostile("script.sh.pdf")}, "“script.sh.pdf”：文件内容不是PDF（可能改过扩展名或已损坏），请换用正确的文件。"},
		{"HTML named .pdf", []string{hostile("html-script.pdf")}, "“html-script.pdf”：文件内容不是PDF（可能改过扩展名或已损坏），请换用正确的文件。"},
		{"SVG named .pdf", []string{hostile("svg-script.pdf")}, "“svg-script.pdf”：文件内容不是PDF（可能改过扩展名或已损坏），请换用正确的文件。"},
		{"a GIF named .jpg", []string{hostile("gif-polyglot.jpg")}, "“gif-polyglot.jpg”：文件内容不是JPG（可能改过扩展名或已损坏），请换用正确的文件。"},
		{"a program named .exe", []string{write("setup.exe", []byte("MZ\x90\x00\x03\x00\x00\x00"))}, "“setup.exe”不是可接受的格式（" + types + "）"},
		{"an empty file", []string{write("空白.pdf", nil)}, "文件“空白.pdf”是空文件，请选择正确的文件。"},
		{"a file over 50 MB", []string{big}, "“扫描件.pdf”超过50 MB"},
		{"11 files", many, "最多10个文件"},
	}
	for _, c := range cases {
		got, err := fileMessage(ctx, "evidence", c.files)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%s: the browser says %q, want %q", c.name, got, c.want)
		}
	}

	// A submit with a wrong ID number and a program for evidence: the
	// summary names both, takes the focus, and nothing is sent.
	err := chromedp.Do(ctx,
		chromedp.Navigate(form),
		chromedp.WaitVisible("#f-name"),
		chromedp.SendKeys("#f-name", "张三"),
		chromedp.SendKeys("#f-idNumber", "110105194912310021"),
		chromedp.SendKeys("#f-phone", "13800138000"),
		chromedp.SendKeys("#f-statement", "该组织在2025年发生过产品质量责任事故，有当地市场监管部门的处罚决定书为证。"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fileMessage(ctx, "evidence", []string{hostile("renamed.exe.pdf")}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click("#f-consent"), chromedp.Click(`main form button[type="submit"]`)); err != nil {
		t.Fatal(err)
	}
	summary := waitText(t, ctx, "处需要修改")
	for _, want := range []string{"提交的内容有二处需要修改", "身份证号码有误，请对照身份证逐位核对", "“renamed.exe.pdf”：文件内容不是PDF（可能改过扩展名或已损坏）"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary lacks %q:\n%s", want, summary)
		}
	}
	state, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[location.pathname, (document.activeElement || {}).id || "",
		String(document.querySelectorAll('.error-summary a[href="#f-idNumber"], .error-summary a[href="#f-evidence"]').length)]`))
	if err != nil {
		t.Fatal(err)
	}
	if state[0] != "/api/objections/new" {
		t.Errorf("the form was sent (now at %s) although the browser found mistakes", state[0])
	}
	if state[1] != "error-summary" {
		t.Errorf("the summary does not take the focus (focused %q)", state[1])
	}
	if state[2] != "2" {
		t.Errorf("the summary should link to both fields; %s links", state[2])
	}
	axeCheck(t, ctx, "异议表单（浏览器检查出错误）")
}
