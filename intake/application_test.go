package intake

import (
	"bytes"
	"context"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

func goodApplication() map[string]string {
	f := map[string]string{
		"call": "call-2026", "orgName": "中牟县示例食品有限公司", "creditCode": "91410122MA00J8NW0M", "orgKind": "企业",
		"established": "2018-05-20", "littleGiant": "no", "industry": "食品制造业", "township": "韩寺镇",
		"address": "中牟县示例大道88号", "legalRepresentative": "李四", "contactName": "王五", "phone": "0371-62196035",
		"email": "zhiliang@example.com", "recommender": "韩寺镇人民政府", "excellenceSince": "2023-01-01",
		"internalPublicityStart": "2026-11-16", "internalPublicityEnd": "2026-11-20", "consent": "yes",
	}
	for i := 1; i <= 9; i++ {
		f["declaration"+strconv.Itoa(i)] = "none"
	}
	return f
}

// requiredSlots are the slots every application needs.
var requiredSlots = []string{"applicationForm", "selfAssessment", "recommendation", "internalPublicity", "license", "commitment", "financials", "creditReport"}

func allDocuments() []upload {
	var ups []upload
	for _, s := range requiredSlots {
		ups = append(ups, upload{s, s + ".pdf", pdfBytes})
	}
	return ups
}

func without(ups []upload, slot string) []upload {
	var out []upload
	for _, u := range ups {
		if u.field != slot {
			out = append(out, u)
		}
	}
	return out
}

func (e *testEnv) apply(fields map[string]string, files []upload, accept string) *http.Response {
	e.t.Helper()
	body, ct := multipartBody(e.t, e.withToken(fields, accept), files)
	return e.send("/api/applications", body, ct, accept)
}

type applicationReply struct {
	Reference string `json:"reference"`
	Receipt   string `json:"receipt"`
	Slots     []struct {
		Slot     string         `json:"slot"`
		Received bool           `json:"received"`
		Files    []responseFile `json:"files"`
	} `json:"slots"`
}

func TestApplications(t *testing.T) {
	t.Run("eligible, with a receipt listing every slot", func(t *testing.T) {
		e := newEnv(t, dirStore(t), nil)
		resp := e.apply(goodApplication(), append(allDocuments(), upload{"supporting", "专利证书.png", pngBytes}), "application/json")
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("status %d: %+v", resp.StatusCode, decode[apiError](t, resp).Error)
		}
		got := decode[applicationReply](t, resp)
		if len(got.Slots) != 10 {
			t.Fatalf("receipt lists %d slots, want all 10", len(got.Slots))
		}
		for _, s := range got.Slots {
			want := s.Slot != "littleGiantCert"
			if s.Received != want {
				t.Errorf("slot %s received=%v, want %v", s.Slot, s.Received, want)
			}
		}
		page := getBody(t, e.http.URL+got.Receipt, http.StatusOK)
		for _, want := range []string{"收件清单", "专精特新“小巨人”证书</th><td class=\"slot-state\" data-label=\"状态\">未提交", sha(pdfBytes), "中牟县示例食品有限公司"} {
			if !strings.Contains(page, want) {
				t.Errorf("receipt page lacks %q", want)
			}
		}
		m := loadManifest(t, e.store, got.Reference)
		if m.Fields["eligibility"] == "" || !strings.Contains(m.Fields["eligibility"], "运营满3年") ||
			m.Fields["declarationText8"] != declarations[7] || m.Fields["internalPublicityWorkingDays"] != "5" ||
			m.Fields["missingSlots"] != "littleGiantCert" {
			t.Errorf("manifest fields %v", m.Fields)
		}
		for _, secret := range []string{"李四", "王五", "0371-62196035", "zhiliang@example.com"} {
			if raw := rawManifest(t, e.store, got.Reference); strings.Contains(raw, secret) {
				t.Errorf("manifest holds %q in the clear", secret)
			}
		}
	})
	t.Run("two years is too young without 小巨人, enough with it", func(t *testing.T) {
		e := newEnv(t, dirStore(t), nil)
		young := goodApplication()
		young["established"] = "2024-06-01" // 2 years 6 months at 2026-12-18
		resp := e.apply(young, allDocuments(), "application/json")
		got := decode[apiError](t, resp)
		if resp.StatusCode != http.StatusBadRequest || got.Error.Code != "ineligible" ||
			!strings.Contains(got.Error.Fields["established"], "成立2年6个月，不满3年") || !strings.Contains(got.Error.Message, "小巨人") {
			t.Errorf("young organisation: %d %+v", resp.StatusCode, got.Error)
		}
		e.assertNothingStored()
		young["littleGiant"] = "yes"
		resp = e.apply(young, allDocuments(), "application/json")
		got = decode[apiError](t, resp)
		if resp.StatusCode != http.StatusBadRequest || got.Error.Fields["littleGiantCert"] == "" {
			t.Errorf("小巨人 without its certificate: %d %+v", resp.StatusCode, got.Error)
		}
		e.assertNothingStored()
		resp = e.apply(young, append(allDocuments(), upload{"littleGiantCert", "证书.pdf", pdfBytes}), "application/json")
		if resp.StatusCode != http.StatusCreated {
			t.Errorf("小巨人 with certificate: %d %+v", resp.StatusCode, decode[apiError](t, resp).Error)
		}
		younger := goodApplication()
		younger["established"], younger["littleGiant"] = "2025-01-10", "yes"
		resp = e.apply(younger, append(allDocuments(), upload{"littleGiantCert", "证书.pdf", pdfBytes}), "application/json")
		if got := decode[apiError](t, resp); resp.StatusCode != http.StatusBadRequest || got.Error.Code != "ineligible" {
			t.Errorf("under 2 years with 小巨人: %d %+v", resp.StatusCode, got.Error)
		}
	})
	t.Run("each missing slot, and all at once", func(t *testing.T) {
		e := newEnv(t, dirStore(t), nil)
		for _, slot := range requiredSlots {
			resp := e.apply(goodApplication(), without(allDocuments(), slot), "application/json")
			got := decode[apiError](t, resp)
			if resp.StatusCode != http.StatusBadRequest || got.Error.Fields[slot] == "" || len(got.Error.Fields) != 1 {
				t.Errorf("without %s: %d %+v", slot, resp.StatusCode, got.Error)
			}
		}
		resp := e.apply(goodApplication(), nil, "application/json")
		got := decode[apiError](t, resp)
		if len(got.Error.Fields) != len(requiredSlots) || !strings.Contains(got.Error.Message, "申报表、自评报告、推荐意见、内部公示证明、营业执照或登记证书、承诺书、财务报表（近3年）、信用报告") {
			t.Errorf("all missing: one answer should name all %d: %+v", len(requiredSlots), got.Error)
		}
		e.assertNothingStored()
	})
	t.Run("field errors", func(t *testing.T) {
		e := newEnv(t, dirStore(t), nil)
		cases := map[string][2]string{
			"creditCode":            {"creditCode", "91410122MA00J8NW0X"},
			"internalPublicityEnd":  {"internalPublicityEnd", "2026-11-19"}, // 16–19 November: 4 working days
			"township":              {"township", "火星街道"},
			"email":                 {"email", "not-an-email"},
			"declaration5":          {"declaration5", ""},
			"internalPublicityEnd ": {"internalPublicityEnd", "2026-11-30"}, // not over yet
		}
		for name, c := range cases {
			f := goodApplication()
			f[c[0]] = c[1]
			resp := e.apply(f, allDocuments(), "application/json")
			got := decode[apiError](t, resp)
			if resp.StatusCode != http.StatusBadRequest || got.Error.Fields[c[0]] == "" {
				t.Errorf("%s: %d %+v", name, resp.StatusCode, got.Error)
			}
		}
		e.assertNothingStored()
	})
	t.Run("window closed", func(t *testing.T) {
		e := newEnv(t, dirStore(t), nil)
		e.setNow(time.Date(2026, 12, 18, 17, 30, 0, 0, shanghai))
		resp := e.apply(goodApplication(), allDocuments(), "application/json")
		if got := decode[apiError](t, resp); resp.StatusCode != http.StatusForbidden || got.Error.Code != "window_closed" {
			t.Errorf("after closing: %d %+v", resp.StatusCode, got.Error)
		}
		e.assertNothingStored()
	})
	t.Run("a disallowed file in one slot stores nothing", func(t *testing.T) {
		e := newEnv(t, dirStore(t), nil)
		docs := without(allDocuments(), "license")
		docs = append(docs, upload{"license", "营业执照.pdf", exeBytes})
		resp := e.apply(goodApplication(), docs, "application/json")
		if got := decode[apiError](t, resp); resp.StatusCode != http.StatusUnsupportedMediaType || got.Error.Fields["license"] == "" {
			t.Errorf("exe as licence: %d %+v", resp.StatusCode, got.Error)
		}
		e.assertNothingStored()
	})
	t.Run("a re-submission is a new version", func(t *testing.T) {
		e := newEnv(t, dirStore(t), nil)
		var refs []string
		for i := 0; i < 2; i++ {
			resp := e.apply(goodApplication(), allDocuments(), "application/json")
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("submission %d: %d", i+1, resp.StatusCode)
			}
			refs = append(refs, decode[applicationReply](t, resp).Reference)
		}
		if refs[0] == refs[1] {
			t.Fatal("the re-submission reused the reference")
		}
		for _, r := range refs {
			if m := loadManifest(t, e.store, r); m.Fields["creditCode"] != "91410122MA00J8NW0M" {
				t.Errorf("version %s lost: %v", r, m.Fields)
			}
		}
	})
	t.Run("the form page", func(t *testing.T) {
		e := newEnv(t, dirStore(t), nil)
		page := getBody(t, e.http.URL+"/api/applications/new?call=call-2026", http.StatusOK)
		for _, want := range []string{"第八届申报通知（示例）", "2026年11月2日9:00至2026年12月18日17:30", declarations[7], "自评报告", "300 MB", "data-upload-progress", "个人信息处理说明", "韩寺镇"} {
			if !strings.Contains(page, want) {
				t.Errorf("form lacks %q", want)
			}
		}
	})
}

// TestLargeScanBoundedMemory sends a 300 MB self-assessment scan and checks
// that the heap stays far below the file's size while it streams to storage.
func TestLargeScanBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("300 MB upload")
	}
	e := newEnv(t, dirStore(t), func(c *Config) { c.Limits.ApplicationMaxRequestBytes = 400 << 20 })
	const scan = 300<<20 - 4096
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		f := goodApplication()
		writeFieldsSorted(mw, f)
		for _, d := range without(allDocuments(), "selfAssessment") {
			p, _ := mw.CreateFormFile(d.field, d.name)
			_, _ = p.Write(d.data)
		}
		p, _ := mw.CreateFormFile("selfAssessment", "自评报告扫描件.pdf")
		_, _ = p.Write(pdfBytes[:9])
		chunk := bytes.Repeat([]byte("scan"), 1<<18) // 1 MiB
		left := int64(scan - 9 - 7)
		for left > 0 {
			n := int64(len(chunk))
			if n > left {
				n = left
			}
			if _, err := p.Write(chunk[:n]); err != nil {
				pw.CloseWithError(err)
				return
			}
			left -= n
		}
		if _, err := p.Write([]byte("\n%%EOF\n")); err != nil {
			pw.CloseWithError(err)
			return
		}
		pw.CloseWithError(mw.Close())
	}()
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
			}
		}
	}()
	resp := e.send("/api/applications", pr, mw.FormDataContentType(), "application/json")
	close(stop)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d: %+v", resp.StatusCode, decode[apiError](t, resp).Error)
	}
	got := decode[applicationReply](t, resp)
	var size int64
	for _, s := range got.Slots {
		if s.Slot == "selfAssessment" && len(s.Files) == 1 {
			size = s.Files[0].Size
		}
	}
	if size != scan {
		t.Errorf("stored %d bytes of the scan, want %d", size, scan)
	}
	grew := int64(peak.Load()) - int64(base.HeapInuse)
	t.Logf("300 MB scan: heap in use grew by at most %.1f MiB", float64(grew)/(1<<20))
	if grew > 64<<20 {
		t.Errorf("heap grew by %.1f MiB while streaming a 300 MB file; the bound is 64 MiB", float64(grew)/(1<<20))
	}
}

func rawManifest(t *testing.T, store storage.Store, ref string) string {
	t.Helper()
	rd, _, err := store.Get(context.Background(), submission.ManifestKey(submission.KindApplication, ref))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	b, _ := io.ReadAll(rd)
	return string(b)
}

func loadManifest(t *testing.T, store storage.Store, ref string) *submission.Manifest {
	t.Helper()
	m, err := submission.DecodeManifest([]byte(rawManifest(t, store, ref)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestApplicationConsentAfterFiles sends the form in a browser's order: the
// consent box comes after the documents. The early check must not refuse it.
func TestApplicationConsentAfterFiles(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	f := goodApplication()
	delete(f, "consent")
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	writeFieldsSorted(w, f)
	for _, d := range allDocuments() {
		p, _ := w.CreateFormFile(d.field, d.name)
		_, _ = p.Write(d.data)
	}
	_ = w.WriteField("consent", "yes")
	_ = w.Close()
	resp := e.send("/api/applications", &buf, w.FormDataContentType(), "application/json")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("consent after the files: %d %+v", resp.StatusCode, decode[apiError](t, resp).Error)
	}
	resp.Body.Close()
}

// writeFieldsSorted writes the text fields in key order (declarations then
// come in their order).
func writeFieldsSorted(w *multipart.Writer, fields map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		_ = w.WriteField(k, fields[k])
	}
}
