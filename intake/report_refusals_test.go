package intake

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// reportFormToken opens the report form, as a browser does, and returns
// its csrf token.
func (e *testEnv) reportFormToken() string {
	e.t.Helper()
	m := csrfField.FindStringSubmatch(getBody(e.t, e.http.URL+"/api/reports/new?call=report-2026", http.StatusOK))
	if m == nil {
		e.t.Fatal("the report form has no csrf field")
	}
	return m[1]
}

// assertReportKept checks that a browser refusal answered status with the
// report form again (saying want, when given), the entries of goodReport in
// it, and stored nothing.
func assertReportKept(t *testing.T, e *testEnv, resp *http.Response, status int, want string) {
	t.Helper()
	page := readAll(t, resp)
	if resp.StatusCode != status {
		t.Errorf("status %d, want %d", resp.StatusCode, status)
	}
	for _, s := range []string{want, "填写的内容已保留", `name="creditCode"`, `value="` + winnerCode + `"`, `value="612.5"`, `value="80,000"`,
		"质量信用体系建设", `value="王五"`, `value="zhiliang@example.com"`} {
		if !strings.Contains(page, s) {
			t.Errorf("the form shown again lacks %q:\n%s", s, page)
		}
	}
	e.assertNothingStored()
}

// TestReportRefusalsKeepEntries: every refusal of a browser's report —
// a forged, missing or foreign token, a file of the wrong type, a body
// that breaks off or is too large, a client that stalls — shows the
// report form again with what was typed, and stores nothing.
func TestReportRefusalsKeepEntries(t *testing.T) {
	t.Run("forged, missing and foreign tokens", func(t *testing.T) {
		e := newReportEnv(t)
		other := newReportEnv(t)
		for _, tok := range []string{"1.x", "", other.reportFormToken()} {
			f := goodReport()
			f["csrf"] = tok
			assertReportKept(t, e, e.report(f, reportFiles(), ""), http.StatusForbidden, "没有保存任何内容")
		}
		// Without the token's field at all, and from another site.
		body, ct := multipartBody(t, goodReport(), reportFiles())
		assertReportKept(t, e, e.send("/api/reports", body, ct, ""), http.StatusForbidden, "没有保存任何内容")
		f := goodReport()
		f["csrf"] = e.reportFormToken()
		body, ct = multipartBody(t, f, reportFiles())
		req, _ := http.NewRequest(http.MethodPost, e.http.URL+"/api/reports", body)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Origin", "https://evil.example")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if page := readAll(t, resp); resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "没有保存任何内容") {
			t.Errorf("cross-origin report: %d %s", resp.StatusCode, page)
		}
		e.assertNothingStored()
	})
	t.Run("a program renamed to PDF", func(t *testing.T) {
		e := newReportEnv(t)
		f := goodReport()
		f["csrf"] = e.reportFormToken()
		exe := append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0}, 512)...)
		resp := e.report(f, []upload{{"selfAssessmentReport", "自评报告.pdf", exe}, {"vouchers", "发票.png", pngBytes}}, "")
		assertReportKept(t, e, resp, http.StatusUnsupportedMediaType, "自评报告")
	})
	t.Run("a body that breaks off", func(t *testing.T) {
		e := newReportEnv(t)
		f := goodReport()
		f["csrf"] = e.reportFormToken()
		body, ct := multipartBody(t, f, reportFiles())
		b, _ := io.ReadAll(body)
		// The fields, then the end of the body within the first file's part header.
		cut := bytes.Index(b, []byte("filename="))
		assertReportKept(t, e, e.send("/api/reports", bytes.NewReader(b[:cut]), ct, ""), http.StatusBadRequest, "")
	})
	t.Run("a body over the request limit", func(t *testing.T) {
		e := newReportEnv(t, func(c *Config) { c.Limits.ApplicationMaxRequestBytes = 256 << 10 })
		f := goodReport()
		f["csrf"] = e.reportFormToken()
		body, ct := multipartBody(t, f, []upload{{"selfAssessmentReport", "自评报告.pdf", bigPDF(1 << 20)}})
		// Of unknown length, it is read up to the limit: the fields are kept.
		req, _ := http.NewRequest(http.MethodPost, e.http.URL+"/api/reports", io.NopCloser(body))
		req.Header.Set("Content-Type", ct)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		assertReportKept(t, e, resp, http.StatusRequestEntityTooLarge, "超过256 KB的上限")
		// Declared too long, it is refused before anything is read.
		resp = e.report(f, []upload{{"selfAssessmentReport", "自评报告.pdf", bigPDF(1 << 20)}}, "")
		if page := readAll(t, resp); resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(page, "超过256 KB的上限") {
			t.Errorf("declared too long: %d %s", resp.StatusCode, page)
		}
		e.assertNothingStored()
	})
	t.Run("not multipart at all", func(t *testing.T) {
		e := newReportEnv(t)
		resp := e.send("/api/reports", strings.NewReader(`{"call":"report-2026"}`), "application/json", "application/json")
		if got := decode[apiError](t, resp); resp.StatusCode != http.StatusBadRequest || got.Error.Message == "" {
			t.Errorf("JSON body: %d %+v", resp.StatusCode, got.Error)
		}
		e.assertNothingStored()
	})
	t.Run("a client that stalls", func(t *testing.T) {
		e := newReportEnv(t, func(c *Config) { c.StallTimeout = 300 * time.Millisecond })
		f := goodReport()
		f["csrf"] = e.reportFormToken()
		body, ct := multipartBody(t, f, []upload{{"selfAssessmentReport", "自评报告.pdf", bigPDF(4 << 20)}})
		pr, pw := io.Pipe()
		defer pw.Close()
		go func() { io.CopyN(pw, body, 1<<20) }() // the fields and part of the file, then nothing
		req, _ := http.NewRequest(http.MethodPost, e.http.URL+"/api/reports", pr)
		req.Header.Set("Content-Type", ct)
		req.ContentLength = -1
		done := make(chan *http.Response, 1)
		go func() {
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
			}
			done <- resp
		}()
		select {
		case resp := <-done:
			if resp != nil {
				assertReportKept(t, e, resp, http.StatusBadRequest, "没有保存")
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a stalled report was not dropped")
		}
	})
}

// TestReportContactMarkedInvalid: a refused contact is marked on its input
// as the other fields are, with the entries kept.
func TestReportContactMarkedInvalid(t *testing.T) {
	e := newReportEnv(t)
	f := goodReport()
	f["csrf"], f["phone"] = e.reportFormToken(), "12345"
	page := readAll(t, e.report(f, reportFiles(), ""))
	if !strings.Contains(page, `value="12345" maxlength="20" required autocomplete="tel" aria-invalid="true"`) || !strings.Contains(page, "电话号码格式不正确") {
		t.Errorf("the phone is not marked:\n%s", page)
	}
	e.assertNothingStored()
}
