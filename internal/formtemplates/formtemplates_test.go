package formtemplates

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zhongmou/award/intake"
	"github.com/zhongmou/award/internal/testserver"
)

var update = flag.Bool("update", false, "rewrite the committed files under "+Dir+" from the code")

// root is the repository root, from this package's folder.
const root = "../.."

// TestCommittedFilesCurrent: the files beside the call notice are exactly
// what the code makes (go generate ./internal/formtemplates rewrites them),
// and making them twice gives the same bytes.
func TestCommittedFilesCurrent(t *testing.T) {
	files := Files()
	if len(files) != 4 {
		t.Fatalf("Files made %d files, want 4 (DOCX and PDF of two forms)", len(files))
	}
	again := Files()
	for name, data := range files {
		if !bytes.Equal(data, again[name]) {
			t.Errorf("%s differs between two runs: the output is not reproducible", name)
		}
		path := filepath.Join(root, Dir, name)
		if *update {
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%v: run go generate ./internal/formtemplates", err)
			continue
		}
		if !bytes.Equal(got, data) {
			t.Errorf("%s is not what the code makes: run go generate ./internal/formtemplates (never edit it by hand)", path)
		}
	}
}

// formWords are what each form must say: the online form's facts, the
// signatures, Art. 14's situations.
var formWords = map[string][]string{
	"申报表模板": {"中牟县县长质量奖申报表", "组织全称", "统一社会信用代码", "组织类型", "成立日期", "所属行业", "所在乡镇（街道）", "详细地址",
		"法定代表人（负责人）", "联系人", "联系电话", "电子邮箱", "专精特新", "开始实施卓越", "推荐单位", "内部公示", "营业收入（万元）",
		"所在地市场", "初审意见", "秘书处", "资格审核意见", "（组织公章）"},
	"承诺书模板": append([]string{"中牟县县长质量奖申报承诺书", "完整、真实、准确、合法", "法定代表人（负责人）签字", "申报组织（公章）",
		"第二十四条", "第三十条"}, intake.DeclarationTexts()...),
}

// TestDOCX: each DOCX is a ZIP whose parts are well-formed XML, whose
// content types and relationships name parts that exist, laid out on A4,
// holding the form's words.
func TestDOCX(t *testing.T) {
	for _, d := range Docs() {
		data := DOCX(d)
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("%s.docx: %v", d.Name, err)
		}
		parts := map[string]string{}
		for i, f := range zr.File {
			if i == 0 && f.Name != "[Content_Types].xml" {
				t.Errorf("%s.docx: first entry %s, want [Content_Types].xml", d.Name, f.Name)
			}
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			parts[f.Name] = string(b)
			dec := xml.NewDecoder(bytes.NewReader(b))
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Errorf("%s.docx %s: not well-formed XML: %v", d.Name, f.Name, err)
					break
				}
			}
		}
		for _, m := range regexp.MustCompile(`PartName="/([^"]+)"`).FindAllStringSubmatch(parts["[Content_Types].xml"], -1) {
			if _, ok := parts[m[1]]; !ok {
				t.Errorf("%s.docx: [Content_Types].xml names %s, which is missing", d.Name, m[1])
			}
		}
		for rels, dir := range map[string]string{"_rels/.rels": "", "word/_rels/document.xml.rels": "word/"} {
			for _, m := range regexp.MustCompile(`Target="([^"]+)"`).FindAllStringSubmatch(parts[rels], -1) {
				if _, ok := parts[dir+m[1]]; !ok {
					t.Errorf("%s.docx: %s points at %s, which is missing", d.Name, rels, dir+m[1])
				}
			}
		}
		doc := parts["word/document.xml"]
		if !strings.Contains(doc, `<w:pgSz w:w="11906" w:h="16838"/>`) {
			t.Errorf("%s.docx: page is not A4", d.Name)
		}
		text := strings.Join(regexp.MustCompile(`<w:t[^>]*>([^<]*)</w:t>`).FindAllString(doc, -1), "")
		text = regexp.MustCompile(`<[^>]+>`).ReplaceAllString(text, "")
		for _, w := range formWords[d.Name] {
			if !strings.Contains(text, w) {
				t.Errorf("%s.docx lacks %q", d.Name, w)
			}
		}
	}
}

// TestPDF: each PDF passes qpdf's structural check, uses only the
// predefined STSong-Light (not embedded, per pdffonts), and its text, as
// poppler's pdftotext extracts it, holds the form's words. The Debian
// tools (qpdf, poppler-utils) are needed; without them the test skips,
// and with CI=true it fails.
func TestPDF(t *testing.T) {
	for _, tool := range []string{"qpdf", "pdffonts", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			testserver.Missing(t, tool+" not found: apt-get install qpdf poppler-utils poppler-data")
		}
	}
	dir := t.TempDir()
	for _, d := range Docs() {
		file := filepath.Join(dir, d.Name+".pdf")
		if err := os.WriteFile(file, PDF(d), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("qpdf", "--check", file).CombinedOutput(); err != nil || !strings.Contains(string(out), "No syntax or stream encoding errors") {
			t.Errorf("qpdf --check %s.pdf: %v\n%s", d.Name, err, out)
		}
		out, err := exec.Command("pdffonts", file).CombinedOutput()
		if err != nil {
			t.Fatalf("pdffonts: %v\n%s", err, out)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if f := strings.Fields(lines[len(lines)-1]); len(lines) != 3 || len(f) < 8 || f[0] != "STSong-Light" || strings.Join(f[1:4], " ") != "CID Type 0" || f[4] != "UniGB-UCS2-H" || f[5] != "no" || f[7] != "yes" {
			t.Errorf("%s.pdf fonts, want STSong-Light alone (CID Type 0, UniGB-UCS2-H, not embedded, with a ToUnicode map):\n%s", d.Name, out)
		}
		out, err = exec.Command("pdftotext", "-enc", "UTF-8", file, "-").CombinedOutput()
		if err != nil {
			t.Fatalf("pdftotext: %v\n%s", err, out)
		}
		text := strings.Join(strings.Fields(string(out)), "")
		for _, w := range formWords[d.Name] {
			w = strings.Join(strings.Fields(w), "")
			// A long cell wraps, and pdftotext may read a neighbouring
			// cell between its lines: look for its two ends.
			parts := []string{w}
			if r := []rune(w); len(r) > 24 {
				parts = []string{string(r[:20]), string(r[len(r)-5:])}
			}
			for _, p := range parts {
				if !strings.Contains(text, p) {
					t.Errorf("%s.pdf text lacks %q (of %q); got:\n%s", d.Name, p, w, out)
				}
			}
		}
		if !strings.Contains(text, "第1页共") {
			t.Errorf("%s.pdf has no page numbers", d.Name)
		}
		picture(t, file, d.Name+"-pdf")
	}
}

// artifacts is where the tests leave pictures of the forms' pages
// (git-ignored), for people to look at.
const artifacts = root + "/artifacts/forms"

// picture renders the pages of a PDF to artifacts/forms/NAME-N.png with
// poppler's pdftoppm, when it is there.
func picture(t *testing.T, pdf, name string) {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		return
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "80", "-png", pdf, filepath.Join(artifacts, name)).CombinedOutput(); err != nil {
		t.Errorf("pdftoppm %s: %v\n%s", pdf, err, out)
	}
}

// TestDOCXInLibreOffice opens each DOCX in LibreOffice (Debian's
// libreoffice-writer-nogui) and prints it to PDF: it must come out on A4
// pages with the form's words and page numbers. LibreOffice is large and
// not installed by make test, so without it the test skips.
func TestDOCXInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		testserver.Missing(t, "soffice not found: make test installs it (apt-get install --no-install-recommends libreoffice-writer-nogui)")
	}
	for _, tool := range []string{"pdfinfo", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			testserver.Missing(t, tool+" not found: make test installs it (apt-get install poppler-utils)")
		}
	}
	dir := t.TempDir()
	args := []string{"--headless", "--norestore", "-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--convert-to", "pdf", "--outdir", filepath.Join(dir, "out")}
	for _, d := range Docs() {
		file := filepath.Join(dir, d.Name+".docx")
		if err := os.WriteFile(file, DOCX(d), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, file)
	}
	if out, err := exec.Command(soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	for _, d := range Docs() {
		pdf := filepath.Join(dir, "out", d.Name+".pdf")
		info, err := exec.Command("pdfinfo", pdf).CombinedOutput()
		if err != nil {
			t.Errorf("%s.docx did not print: %v\n%s", d.Name, err, info)
			continue
		}
		if !regexp.MustCompile(`Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)`).Match(info) {
			t.Errorf("%s.docx printed on other than A4:\n%s", d.Name, info)
		}
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", pdf, "-").CombinedOutput()
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(string(out)), "")
		for _, w := range formWords[d.Name] {
			r := []rune(strings.Join(strings.Fields(w), ""))
			if len(r) > 24 {
				r = r[:20]
			}
			if !strings.Contains(text, string(r)) {
				t.Errorf("%s.docx as LibreOffice prints it lacks %q", d.Name, string(r))
			}
		}
		if !strings.Contains(text, "第1页共") {
			t.Errorf("%s.docx printed without page numbers", d.Name)
		}
		picture(t, pdf, d.Name+"-docx")
	}
}

// TestWrap: lines keep within the width, Latin runs stay whole and
// closing punctuation never starts a line.
func TestWrap(t *testing.T) {
	text := "申报组织应当对申报材料的完整性、真实性、准确性负责，按GB/T 19580编写自评报告。"
	for _, width := range []float64{60, 100, 130, 200} {
		lines := wrap(text, 10, width, width)
		if strings.Join(lines, "") != strings.ReplaceAll(text, " ", "") && strings.Join(lines, " ") != text && !strings.Contains(strings.Join(lines, ""), "19580") {
			t.Errorf("width %v: lines %q lose text", width, lines)
		}
		for _, l := range lines {
			r := []rune(l)
			if strings.ContainsRune(closing, r[0]) {
				t.Errorf("width %v: line %q starts with closing punctuation", width, l)
			}
			if w := textWidth(l, 10); w > width+10 { // one hanging mark at most
				t.Errorf("width %v: line %q is %v wide", width, l, w)
			}
		}
		if j := strings.Join(lines, "|"); strings.Contains(j, "GB|") || strings.Contains(j, "195|") {
			t.Errorf("width %v: a Latin run was split: %q", width, lines)
		}
	}
}
