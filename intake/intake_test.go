package intake

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
	"github.com/zhongmou/award/workday"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// During the example publicity (20–26 November 2026).
var duringPublicity = time.Date(2026, 11, 25, 10, 0, 0, 0, shanghai)

type fixedWindows struct{ m *schedule.Manifest }

func (f fixedWindows) Current() *schedule.Manifest { return f.m }

func testManifest() *schedule.Manifest {
	first, last := workday.D(2026, 11, 20), workday.D(2026, 11, 26)
	return &schedule.Manifest{Version: schedule.ManifestVersion, TimeZone: "Asia/Shanghai", Calls: []schedule.Call{{
		ID: "call-2026", Title: "第八届申报通知（示例）", Session: 8, Year: 2026,
		Opens: time.Date(2026, 11, 2, 9, 0, 0, 0, shanghai), Closes: time.Date(2026, 12, 18, 17, 30, 0, 0, shanghai),
	}}, Publicities: []schedule.Publicity{{
		ID: "pub-2026", Title: "第七届候选组织名单公示（示例）", FirstDay: first, LastDay: last, WorkingDays: 5,
		Opens: first.Start(shanghai), Closes: last.AddDays(1).Start(shanghai),
		Candidates: []schedule.Candidate{{ID: "c01", Name: "中牟县示例食品有限公司", CreditCode: "91410122MA00J8NW0M"}},
	}}}
}

// testEnv is an intake server over a given store, with a settable clock.
type testEnv struct {
	t     *testing.T
	store storage.Store
	srv   *Server
	http  *httptest.Server
	mu    sync.Mutex
	now   time.Time
}

func newEnv(t *testing.T, store storage.Store, tweak func(*Config)) *testEnv {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Limits.MaxFileBytes = 256 << 10
	cfg.Limits.MaxRequestBytes = 1 << 20
	cfg.Limits.MaxFiles = 3
	cfg.RateLimits = RateLimits{Submit: "off", Receipt: "off"} // security_test.go turns them on
	if tweak != nil {
		tweak(&cfg)
	}
	sealer, err := submission.NewSealer(bytes.Repeat([]byte{42}, 32))
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, store: store, now: duringPublicity}
	e.srv, err = New(cfg, Deps{Archive: archive.New(store, sealer, testLedger(t, store, e.clock), cfg.Config, archive.Options{Now: e.clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}), Windows: fixedWindows{testManifest()},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: e.clock, Calendar: testCalendar(t),
		Townships: []string{"青年路街道", "韩寺镇", "姚家镇"}})
	if err != nil {
		t.Fatal(err)
	}
	e.http = httptest.NewServer(e.srv)
	t.Cleanup(e.http.Close)
	return e
}

func (e *testEnv) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *testEnv) setNow(t time.Time) {
	e.mu.Lock()
	e.now = t
	e.mu.Unlock()
}

// keys lists every object in the store.
func (e *testEnv) keys() []string {
	e.t.Helper()
	infos, err := e.store.List(context.Background(), "")
	if err != nil {
		e.t.Fatal(err)
	}
	var ks []string
	for _, i := range infos {
		ks = append(ks, i.Key)
	}
	return ks
}

func (e *testEnv) assertNothingStored() {
	e.t.Helper()
	if ks := e.keys(); len(ks) > 0 {
		e.t.Errorf("a rejected request left objects behind: %v", ks)
	}
}

type upload struct {
	field, name string
	data        []byte
}

var (
	pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	pngBytes = append(append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"), make([]byte, 64)...),
		"\x00\x00\x00\x00IEND\xaeB`\x82"...)
	exeBytes = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), bytes.Repeat([]byte{0}, 200)...)
)

func goodFields() map[string]string {
	return map[string]string{
		"publicity": "pub-2026", "candidate": "c01", "objectorType": "individual",
		"name": "张三", "idNumber": "11010519491231002X", "phone": "13800138000",
		"statement": "该组织在2025年发生过产品质量责任事故，有当地市场监管部门的处罚决定书为证。", "consent": "yes",
	}
}

// multipartBody writes fields (sorted: declaration1…9 in order) and then
// the files, as a browser posts a form.
func multipartBody(t *testing.T, fields map[string]string, files []upload) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	writeFieldsSorted(w, fields)
	for _, f := range files {
		h := textproto.MIMEHeader{}
		// As browsers do: the name in UTF-8, only quotes and backslashes escaped.
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename="%s"`, f.field, strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(f.name)))
		h.Set("Content-Type", "application/pdf") // what a client claims; the intake sniffs
		p, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = p.Write(f.data)
	}
	_ = w.Close()
	return &buf, w.FormDataContentType()
}

func (e *testEnv) post(fields map[string]string, files []upload, accept string) *http.Response {
	e.t.Helper()
	body, ct := multipartBody(e.t, e.withToken(fields, accept), files)
	return e.send("/api/objections", body, ct, accept)
}

func (e *testEnv) send(path string, body io.Reader, ct, accept string) *http.Response {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.http.URL+path, body)
	req.Header.Set("Content-Type", ct)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp
}

type apiError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

func decode[T any](t *testing.T, resp *http.Response) T {
	t.Helper()
	defer resp.Body.Close()
	var v T
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatalf("decode %d response: %v", resp.StatusCode, err)
	}
	return v
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func dirStore(t *testing.T) storage.Store {
	s, err := storage.NewDirStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// runIntakeSuite runs the HTTP tests against one storage backend.
func runIntakeSuite(t *testing.T, newStore func(t *testing.T) storage.Store) {
	t.Run("good objection", func(t *testing.T) { testGoodObjection(t, newStore(t)) })
	t.Run("browser flow and receipt", func(t *testing.T) { testBrowserFlow(t, newStore(t)) })
	t.Run("rejections leave nothing", func(t *testing.T) { testRejections(t, newStore) })
	t.Run("client disconnects mid-upload", func(t *testing.T) { testDisconnect(t, newStore(t)) })
	t.Run("sweep removes an interrupted submission", func(t *testing.T) { testSweep(t, newStore(t)) })
	t.Run("receipt shows the stage", func(t *testing.T) { testReceiptStage(t, newStore(t)) })
}

func TestIntakeDirStore(t *testing.T) { runIntakeSuite(t, dirStore) }

func testGoodObjection(t *testing.T, store storage.Store) {
	e := newEnv(t, store, nil)
	resp := e.post(goodFields(), []upload{{"evidence", "处罚决定书.pdf", pdfBytes}, {"evidence", "现场照片.png", pngBytes}}, "application/json")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d: %s", resp.StatusCode, decode[apiError](t, resp).Error.Message)
	}
	got := decode[objectionResponse](t, resp)
	if submission.NormalizeReference(got.Reference) != got.Reference || got.Token == "" {
		t.Errorf("reference %q token %q", got.Reference, got.Token)
	}
	if got.ReceivedAt != "2026-11-25T10:00:00+08:00" {
		t.Errorf("receivedAt %q", got.ReceivedAt)
	}
	if len(got.Files) != 2 || got.Files[0].Name != "处罚决定书.pdf" || got.Files[0].SHA256 != sha(pdfBytes) ||
		got.Files[1].Size != int64(len(pngBytes)) || got.Files[1].SHA256 != sha(pngBytes) {
		t.Errorf("files %+v", got.Files)
	}
	// The store holds the manifest and both files, and nothing in flight.
	keys := strings.Join(e.keys(), " ")
	ref := strings.ToLower(got.Reference)
	want := fmt.Sprintf("ledger/000000000001.json objections/%s/files/001 objections/%s/files/002 objections/%s/manifest.json", ref, ref, ref)
	if keys != want {
		t.Errorf("stored %q, want %q", keys, want)
	}
	rd, _, err := store.Get(context.Background(), "objections/"+ref+"/files/001")
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := io.ReadAll(rd)
	rd.Close()
	if !bytes.Equal(stored, pdfBytes) {
		t.Error("stored file differs from the upload")
	}
	rd, _, _ = store.Get(context.Background(), "objections/"+ref+"/manifest.json")
	raw, _ := io.ReadAll(rd)
	rd.Close()
	for _, secret := range []string{"张三", "11010519491231002X", "13800138000"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("manifest holds %q in the clear", secret)
		}
	}
	m, err := submission.DecodeManifest(raw)
	if err != nil {
		t.Fatal(err)
	}
	var id submission.ObjectorIdentity
	if err := e.srv.archive.Sealer().Open(m.Reference, m.Identity, &id); err != nil || id.IDNumber != "11010519491231002X" || id.Name != "张三" {
		t.Errorf("sealed identity: %v %+v", err, id)
	}
	if m.Fields["candidateName"] != "中牟县示例食品有限公司" || m.Files[0].Type != typePDF || m.Files[1].Type != typePNG {
		t.Errorf("manifest %+v", m)
	}
}

func testBrowserFlow(t *testing.T, store storage.Store) {
	e := newEnv(t, store, nil)
	f := goodFields()
	delete(f, "publicity")
	delete(f, "candidate")
	f["target"] = "pub-2026/c01"
	resp := e.post(f, []upload{{"evidence", "a.pdf", pdfBytes}}, "text/html")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d, want 303", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "/api/receipts/") || !strings.Contains(loc, "?token=") {
		t.Fatalf("Location %q", loc)
	}
	page := getBody(t, e.http.URL+loc, http.StatusOK)
	for _, want := range []string{"异议受理回执", "受理编号", sha(pdfBytes), "a.pdf", "2026年11月25日 10:00:00", "中牟县示例食品有限公司"} {
		if !strings.Contains(page, want) {
			t.Errorf("receipt lacks %q", want)
		}
	}
	if strings.Contains(page, "张三") || strings.Contains(page, "11010519491231002X") {
		t.Error("receipt shows the objector's identity")
	}
	if !strings.Contains(page, `<meta name="robots" content="noindex">`) {
		t.Error("the receipt may be indexed by search engines")
	}
	ref, _, _ := strings.Cut(strings.TrimPrefix(loc, "/api/receipts/"), "?")
	getBody(t, e.http.URL+"/api/receipts/"+ref+"?token=wrong", http.StatusNotFound)
	getBody(t, e.http.URL+"/api/receipts/"+ref, http.StatusNotFound)
	getBody(t, e.http.URL+"/api/receipts/ZZZZ-ZZZZ?token=x", http.StatusNotFound)
	// The form page offers the open publicity's candidates.
	form := getBody(t, e.http.URL+"/api/objections/new?publicity=pub-2026&candidate=c01", http.StatusOK)
	if !strings.Contains(form, `value="pub-2026/c01" selected`) || !strings.Contains(form, "个人信息处理说明") {
		t.Error("form lacks the preselected candidate or the privacy notice")
	}
	if strings.Contains(form, "noindex") || !strings.Contains(form, `<meta name="description" content="公示期内`) {
		t.Error("the blank form should be indexable, with a description")
	}
	// A wrong ID number re-shows the form with an error summary linking to the field.
	f["idNumber"] = "110105194912310021"
	resp = e.post(f, []upload{{"evidence", "a.pdf", pdfBytes}}, "text/html")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), `href="#f-idNumber"`) ||
		!strings.Contains(string(b), "身份证号码有误，请对照身份证逐位核对") || !strings.Contains(string(b), `value="张三"`) {
		t.Errorf("status %d; error page:\n%s", resp.StatusCode, b)
	}
	if !strings.Contains(string(b), "noindex") {
		t.Error("a form shown again with the person's entries may be indexed")
	}
}

func getBody(t *testing.T, url string, status int) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != status {
		t.Errorf("GET %s = %d, want %d", url, resp.StatusCode, status)
	}
	return string(b)
}

func testRejections(t *testing.T, newStore func(t *testing.T) storage.Store) {
	pdf := []upload{{"evidence", "a.pdf", pdfBytes}}
	with := func(k, v string) map[string]string {
		f := goodFields()
		if v == "" {
			delete(f, k)
		} else {
			f[k] = v
		}
		return f
	}
	org := goodFields()
	org["objectorType"], org["name"], org["creditCode"] = "organization", "某某有限公司", "91410122MA00J8NW0X"
	cases := []struct {
		name   string
		fields map[string]string
		files  []upload
		now    time.Time
		status int
		code   string
		field  string
	}{
		{"window closed", goodFields(), pdf, time.Date(2026, 11, 27, 0, 0, 0, 0, shanghai), 403, "window_closed", ""},
		{"window not started", goodFields(), pdf, time.Date(2026, 11, 19, 23, 59, 0, 0, shanghai), 403, "window_closed", ""},
		{"unknown candidate", with("candidate", "c99"), pdf, duringPublicity, 404, "not_found", "candidate"},
		{"unknown publicity", with("publicity", "pub-1999"), pdf, duringPublicity, 404, "not_found", "candidate"},
		{"bad ID number", with("idNumber", "110105194912310021"), pdf, duringPublicity, 400, "invalid", "idNumber"},
		{"bad credit code", org, pdf, duringPublicity, 400, "invalid", "creditCode"},
		{"bad phone", with("phone", "12345"), pdf, duringPublicity, 400, "invalid", "phone"},
		{"short statement", with("statement", "不同意"), pdf, duringPublicity, 400, "invalid", "statement"},
		{"no consent", with("consent", ""), pdf, duringPublicity, 400, "invalid", "consent"},
		{"missing evidence", goodFields(), nil, duringPublicity, 400, "invalid", "evidence"},
		{"exe renamed .pdf", goodFields(), []upload{{"evidence", "证据.pdf", exeBytes}}, duringPublicity, 415, "unsupported_type", "evidence"},
		{"good file then exe", goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}, {"evidence", "b.pdf", exeBytes}}, duringPublicity, 415, "unsupported_type", "evidence"},
		{"empty file", goodFields(), []upload{{"evidence", "a.pdf", nil}}, duringPublicity, 400, "invalid", "evidence"},
		{"oversize file", goodFields(), []upload{{"evidence", "big.pdf", bigPDF(300 << 10)}}, duringPublicity, 413, "too_large", "evidence"},
		{"request too large", goodFields(), []upload{
			{"evidence", "1.pdf", bigPDF(250 << 10)},
			{"evidence", "2.pdf", bigPDF(250 << 10)},
			{"evidence", "3.pdf", bigPDF(250 << 10)},
			{"evidence", "4.pdf", bigPDF(250 << 10)},
			{"evidence", "5.pdf", bigPDF(250 << 10)},
		}, duringPublicity, 413, "too_large", ""},
		{"too many files", goodFields(), []upload{{"evidence", "1.pdf", pdfBytes}, {"evidence", "2.pdf", pdfBytes}, {"evidence", "3.pdf", pdfBytes}, {"evidence", "4.pdf", pdfBytes}}, duringPublicity, 413, "too_large", "evidence"},
		{"unknown file field", goodFields(), []upload{{"other", "a.pdf", pdfBytes}}, duringPublicity, 400, "invalid", "other"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, newStore(t), nil)
			e.setNow(c.now)
			resp := e.post(c.fields, c.files, "application/json")
			got := decode[apiError](t, resp)
			if resp.StatusCode != c.status || got.Error.Code != c.code {
				t.Errorf("status %d %q, want %d %q (%s)", resp.StatusCode, got.Error.Code, c.status, c.code, got.Error.Message)
			}
			if got.Error.Message == "" {
				t.Error("no message for the person")
			}
			if c.field != "" && got.Error.Fields[c.field] == "" {
				t.Errorf("no message for field %s: %+v", c.field, got.Error.Fields)
			}
			e.assertNothingStored()
		})
	}
}

// testDisconnect sends half a request body and drops the connection.
func testDisconnect(t *testing.T, store storage.Store) {
	e := newEnv(t, store, func(c *Config) { c.Limits.MaxFileBytes = 64 << 20; c.Limits.MaxRequestBytes = 128 << 20 })
	pr, pw := io.Pipe()
	body, ct := multipartBody(t, e.withToken(goodFields(), ""), []upload{{"evidence", "a.pdf", bigPDF(20 << 20)}})
	req, _ := http.NewRequest(http.MethodPost, e.http.URL+"/api/objections", pr)
	req.Header.Set("Content-Type", ct)
	req.ContentLength = -1
	done := make(chan error, 1)
	go func() {
		_, err := http.DefaultClient.Do(req)
		done <- err
	}()
	// Send the fields and 12 MB of the file, then vanish.
	if _, err := io.CopyN(pw, body, 12<<20); err != nil {
		t.Fatal(err)
	}
	pw.CloseWithError(fmt.Errorf("client went away"))
	<-done
	deadline := time.Now().Add(10 * time.Second)
	for len(e.keys()) > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	e.assertNothingStored()
}

// testSweep leaves an in-flight record and a file as a crash would, and
// checks that the janitor removes them but never a committed submission.
func testSweep(t *testing.T, store storage.Store) {
	e := newEnv(t, store, nil)
	resp := e.post(goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")
	committed := decode[objectionResponse](t, resp)
	ctx := context.Background()
	rec := submission.Inflight{Reference: "ABCD-EFGH", Kind: "objection", Started: duringPublicity.Add(-3 * time.Hour),
		Keys: []string{submission.FileKey("objection", "ABCD-EFGH", 1)}}
	data, _ := json.Marshal(rec)
	if _, err := store.Put(ctx, submission.InflightKey(rec.Reference), bytes.NewReader(data), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Put(ctx, rec.Keys[0], bytes.NewReader(pdfBytes), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	// A record written just now is alive, however long ago its upload
	// started: long uploads rewrite their record as they go.
	e.setNow(time.Now())
	if rep, err := e.srv.archive.Sweep(ctx, time.Hour); err != nil || rep.Inflight+rep.Objects != 0 {
		t.Fatalf("a freshly written in-flight record was swept: %+v, %v", rep, err)
	}
	e.setNow(time.Now().Add(3 * time.Hour))
	rep, err := e.srv.archive.Sweep(ctx, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Inflight != 1 || rep.Objects != 1 {
		t.Errorf("sweep %+v, want 1 record and 1 object", rep)
	}
	ref := strings.ToLower(committed.Reference)
	if got := strings.Join(e.keys(), " "); got != "ledger/000000000001.json objections/"+ref+"/files/001 objections/"+ref+"/manifest.json" {
		t.Errorf("after sweep: %s", got)
	}
}

func TestDetectType(t *testing.T) {
	ofd := []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x07\x00\x00\x00OFD.xml<ofd:OFD/>")
	zip := []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05\x00\x00\x00a.txtabc")
	cases := map[string][]byte{typePDF: pdfBytes, typePNG: pngBytes, "": exeBytes, typeOFD: ofd}
	for want, b := range cases {
		if got := detectType(b); got != want {
			t.Errorf("detectType(%q…) = %q, want %q", b[:8], got, want)
		}
	}
	if got := detectType(zip); got != "" {
		t.Errorf("a plain zip detected as %q", got)
	}
	if got := detectType([]byte("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>")); got != "" {
		t.Errorf("svg detected as %q", got)
	}
}

func testCalendar(t *testing.T) *workday.Calendar {
	t.Helper()
	data, err := os.ReadFile("../holidays.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cal, err := workday.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// TestRetentionPurge checks that the janitor deletes an objection once its
// retention has passed (an open objection: 3 years after the year of its
// last handling, to the second in China Standard Time), not a second
// before, and not before RetentionDays after its receipt either.
func TestRetentionPurge(t *testing.T) {
	for _, c := range []struct {
		name  string
		days  int
		purge bool
	}{{"the rule decides", 30, true}, {"the floor decides", 2000, false}} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, dirStore(t), func(cfg *Config) { cfg.RetentionDays = c.days })
			resp := e.post(goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("status %d", resp.StatusCode)
			}
			resp.Body.Close()
			ctx := context.Background()
			cst := time.FixedZone("CST", 8*3600)
			until := time.Date(duringPublicity.In(cst).Year()+4, 1, 1, 0, 0, 0, 0, cst)
			e.setNow(until.Add(-time.Second))
			if rep, err := e.srv.archive.Sweep(ctx, time.Hour); err != nil || rep.Purged != 0 || len(e.keys()) != 3 {
				t.Fatalf("purged before its retention ended: %+v %v %v", rep, err, e.keys())
			}
			e.setNow(until)
			rep, err := e.srv.archive.Sweep(ctx, time.Hour)
			if !c.purge {
				if err != nil || rep.Purged != 0 {
					t.Fatalf("purged before RetentionDays after its receipt: %+v %v", rep, err)
				}
				return
			}
			if err != nil || rep.Purged != 1 {
				t.Fatalf("sweep after its retention: %+v %v", rep, err)
			}
			// Only the ledger remains: the commit and the purge.
			if got := strings.Join(e.keys(), " "); got != "ledger/000000000001.json ledger/000000000002.json" {
				t.Errorf("after the purge: %s", got)
			}
		})
	}
}

// bigPDF is a whole PDF of about n bytes: padding between its header and
// its trailer.
func bigPDF(n int) []byte {
	b := append([]byte("%PDF-1.4\n"), make([]byte, n)...)
	return append(b, "\ntrailer << /Root 1 0 R >>\n%%EOF\n"...)
}

// TestReceiptShowsStatus checks that the secretariat's latest status update
// shows on the receipt, for the holder of the token only.
func TestReceiptShowsStatus(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	resp := e.post(goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")
	got := decode[objectionResponse](t, resp)
	ctx := context.Background()
	for i, st := range []string{"核实中", "已办结"} {
		at := duringPublicity.Add(time.Duration(i+1) * time.Hour)
		data, _ := json.Marshal(submission.Status{Reference: got.Reference, State: st, Note: "备注" + st, Operator: "王科员", At: at})
		if _, err := e.store.Put(ctx, submission.StatusKey(got.Reference, at), bytes.NewReader(data), storage.PutOptions{IfAbsent: true}); err != nil {
			t.Fatal(err)
		}
	}
	page := getBody(t, e.http.URL+got.Receipt, http.StatusOK)
	if !strings.Contains(page, "已办结") || !strings.Contains(page, "备注已办结") || strings.Contains(page, "王科员") {
		t.Errorf("receipt does not show the latest status (or shows the operator):\n%s", page)
	}
}
