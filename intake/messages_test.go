package intake

import (
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
)

// summaryOf is the error summary of a form page shown again.
func summaryOf(t *testing.T, page string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<div class="error-summary".*?</div>`).FindString(page)
	if m == "" {
		t.Fatalf("no error summary:\n%s", page)
	}
	return m
}

// A file whose content is not what its name says is refused with the
// type its name promises, named as its ending spells it; said once in the
// summary (the heading only counts), once at the field.
func TestFileContentNotAsNamed(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	gif, err := os.ReadFile("testdata/hostile/gif-polyglot.jpg")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"证据.pdf", exeBytes, "“证据.pdf”：文件内容不是PDF（可能改过扩展名或已损坏），请换用正确的文件。"},
		{"现场照片.jpg", gif, "“现场照片.jpg”：文件内容不是JPG（可能改过扩展名或已损坏），请换用正确的文件。"},
		{"IMG_0001.JPEG", exeBytes, "“IMG_0001.JPEG”：文件内容不是JPEG（可能改过扩展名或已损坏），请换用正确的文件。"},
		{"合同.docx", exeBytes, "“合同.docx”：文件内容不是DOCX（可能改过扩展名或已损坏），请换用正确的文件。"},
		{"程序.exe", exeBytes, "“程序.exe”不是可接受的格式（" + typeNames(DefaultAllowedTypes()) + "）"},
	} {
		resp := e.post(goodFields(), []upload{{"evidence", c.name, c.data}}, "application/json")
		got := decode[apiError](t, resp)
		if resp.StatusCode != http.StatusUnsupportedMediaType || got.Error.Code != "unsupported_type" || got.Error.Fields["evidence"] != c.want {
			t.Errorf("%s: %d %s %q, want 415 unsupported_type %q", c.name, resp.StatusCode, got.Error.Code, got.Error.Fields["evidence"], c.want)
		}
		if got.Error.Message != "提交的内容有一处需要修改，请按提示改正后重新提交。" {
			t.Errorf("%s: the message repeats the field's: %q", c.name, got.Error.Message)
		}
		resp = e.post(goodFields(), []upload{{"evidence", c.name, c.data}}, "text/html")
		page := readAll(t, resp)
		summary := summaryOf(t, page)
		if n := strings.Count(summary, c.want); n != 1 {
			t.Errorf("%s: the summary says it %d times:\n%s", c.name, n, summary)
		}
		if n := strings.Count(page, c.want); n != 2 {
			t.Errorf("%s: the page says it %d times, want 2 (summary link, field)", c.name, n)
		}
		if strings.Contains(page, "格式不在接受范围内") {
			t.Errorf("%s: the page still says it a second way:\n%s", c.name, summary)
		}
	}
	e.assertNothingStored()
	// The content decides what a file is: a PDF named .png is a PDF.
	resp := e.post(goodFields(), []upload{{"evidence", "扫描件.png", pdfBytes}}, "application/json")
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("a PDF named .png: %d, want 201", resp.StatusCode)
	}
}

// A truncated file is said once too.
func TestBrokenFileSaidOnce(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	data, err := os.ReadFile("testdata/hostile/truncated.pdf")
	if err != nil {
		t.Fatal(err)
	}
	resp := e.post(goodFields(), []upload{{"evidence", "决定书.pdf", data}}, "text/html")
	page := readAll(t, resp)
	summary := summaryOf(t, page)
	if resp.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(summary, "<h2>提交的内容有一处需要修改") ||
		strings.Count(summary, "不完整") != 1 {
		t.Errorf("%d, summary:\n%s", resp.StatusCode, summary)
	}
}

// A staged upload (the page's script) gets the same words, in its
// message, which the script shows.
func TestStagedContentNotAsNamed(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	loc := e.stage("objection", "evidence", "决定书.pdf", len(exeBytes))
	got := decode[apiError](t, e.patch(loc, 0, exeBytes))
	if want := "“决定书.pdf”：文件内容不是PDF（可能改过扩展名或已损坏），请换用正确的文件。"; got.Error.Message != want || got.Error.Fields["evidence"] != want {
		t.Errorf("staged: %+v, want %q", got.Error, want)
	}
}

// A wrong check character of an ID number says exactly what
// ident.ErrIDNumberMistyped says, and not which digit.
func TestIDNumberMistypedMessage(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	f := goodFields()
	f["idNumber"] = "110105194912310021"
	got := decode[apiError](t, e.post(f, []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json"))
	if msg := got.Error.Fields["idNumber"]; !strings.HasPrefix(msg, "身份证号码有误，请对照身份证逐位核对") || strings.Contains(msg, "最后一位") {
		t.Errorf("idNumber: %q", msg)
	}
}

func TestRefusedTypeText(t *testing.T) {
	pdfOnly := []string{typePDF}
	if text, mismatch := refusedTypeText("a.PDF", pdfOnly); !mismatch || !strings.Contains(text, "文件内容不是PDF（可能改过扩展名或已损坏）") {
		t.Errorf("a.PDF: %q %v", text, mismatch)
	}
	// An ending the field does not take promises nothing acceptable.
	if text, mismatch := refusedTypeText("a.docx", pdfOnly); mismatch || text != "“a.docx”不是可接受的格式（PDF）" {
		t.Errorf("a.docx into a PDF field: %q %v", text, mismatch)
	}
	for _, name := range []string{"说明", "a.", ".pdf.exe"} {
		if _, mismatch := refusedTypeText(name, DefaultAllowedTypes()); mismatch {
			t.Errorf("%q: taken as a promise", name)
		}
	}
}
