package intake

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHostileUploads runs the corpus in testdata/hostile (see its gen.go)
// and hostile requests built here: each is refused with the right status
// and a message for the person, and leaves nothing stored.
func TestHostileUploads(t *testing.T) {
	files, err := filepath.Glob("testdata/hostile/*.*")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"zipbomb.docx": 415, "zipslip.docx": 415, "truncated.docx": 415, "ofdbomb.ofd": 415,
		"svg-script.pdf": 415, "html-script.pdf": 415, "gif-polyglot.jpg": 415, "truncated.pdf": 415,
		"truncated.jpg": 415, "renamed.exe.pdf": 415, "script.sh.pdf": 415,
	}
	seen := 0
	for _, f := range files {
		name := filepath.Base(f)
		if name == "gen.go" {
			continue
		}
		status, ok := want[name]
		if !ok {
			t.Errorf("corpus file %s has no expectation", name)
			continue
		}
		seen++
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, dirStore(t), func(c *Config) { c.Limits.MaxFileBytes = 1 << 20 })
			resp := e.post(goodFields(), []upload{{"evidence", name, data}}, "application/json")
			got := decode[apiError](t, resp)
			if resp.StatusCode != status || got.Error.Message == "" || got.Error.Fields["evidence"] == "" {
				t.Errorf("status %d %+v, want %d with a message for the evidence field", resp.StatusCode, got.Error, status)
			}
			e.assertNothingStored()
		})
	}
	if seen != len(want) {
		t.Errorf("ran %d corpus files, expected %d: regenerate with go run gen.go", seen, len(want))
	}

	cases := []struct {
		name   string
		body   func(e *testEnv) (io.Reader, string)
		status int
	}{
		{"path traversal in a file name", func(e *testEnv) (io.Reader, string) {
			return multipartBody(t, goodFields(), []upload{{"evidence", "../../etc/passwd.pdf", pdfBytes}})
		}, 400},
		{"control character in a file name", func(e *testEnv) (io.Reader, string) {
			return multipartBody(t, goodFields(), []upload{{"evidence", "a\x07b.pdf", pdfBytes}})
		}, 400},
		{"right-to-left override in a file name", func(e *testEnv) (io.Reader, string) {
			return multipartBody(t, goodFields(), []upload{{"evidence", "证据\u202Efdp.exe", pdfBytes}})
		}, 400},
		{"zero-byte file", func(e *testEnv) (io.Reader, string) {
			return multipartBody(t, goodFields(), []upload{{"evidence", "empty.pdf", nil}})
		}, 400},
		{"1,001 parts", func(e *testEnv) (io.Reader, string) {
			var buf bytes.Buffer
			fmt.Fprint(&buf, "--b\r\nContent-Disposition: form-data; name=\"publicity\"\r\n\r\npub-2026\r\n")
			for i := 0; i < 1001; i++ {
				fmt.Fprintf(&buf, "--b\r\nContent-Disposition: form-data; name=\"x%d\"\r\n\r\nv\r\n", i)
			}
			buf.WriteString("--b--\r\n")
			return &buf, "multipart/form-data; boundary=b"
		}, 413},
		{"an enormous part header", func(e *testEnv) (io.Reader, string) {
			var buf bytes.Buffer
			fmt.Fprintf(&buf, "--b\r\nContent-Disposition: form-data; name=\"statement\"\r\nX-Junk: %s\r\n\r\nv\r\n--b--\r\n", strings.Repeat("a", 2<<20))
			return &buf, "multipart/form-data; boundary=b"
		}, 413},
		{"invalid UTF-8 in a field", func(e *testEnv) (io.Reader, string) {
			f := goodFields()
			f["statement"] = "\xff\xfe该组织存在问题，有证据为证，请核实处理。"
			return multipartBody(t, f, []upload{{"evidence", "a.pdf", pdfBytes}})
		}, 400},
		{"not multipart at all", func(e *testEnv) (io.Reader, string) {
			return strings.NewReader(`{"publicity":"pub-2026"}`), "application/json"
		}, 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, dirStore(t), nil)
			body, ct := c.body(e)
			resp := e.send("/api/objections", body, ct, "application/json")
			got := decode[apiError](t, resp)
			if resp.StatusCode != c.status || got.Error.Message == "" {
				t.Errorf("status %d %+v, want %d with a message", resp.StatusCode, got.Error, c.status)
			}
			e.assertNothingStored()
		})
	}
}

// TestWholeDocumentsAccepted is the control: ordinary DOCX, XLSX-like and
// OFD files pass the ZIP checks.
func TestWholeDocumentsAccepted(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml":   `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>`,
	} {
		w, _ := zw.Create(name)
		io.WriteString(w, strings.Repeat(data, 3))
	}
	zw.Close()
	e := newEnv(t, dirStore(t), nil)
	resp := e.post(goodFields(), []upload{{"evidence", "说明.docx", buf.Bytes()}, {"evidence", "照片.png", pngBytes}}, "application/json")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("a whole DOCX and PNG: %d %+v", resp.StatusCode, decode[apiError](t, resp).Error)
	}
	resp.Body.Close()
}
