package htmlcheck

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/testserver"
)

// checker returns java and vnu.jar; without them the test skips, or fails
// when CI=true (make test installs the jar; Debian's Java is a prerequisite).
func checker(t *testing.T) (java, jar string) {
	t.Helper()
	java, err := Java()
	if err == nil {
		jar, err = JarPath()
	}
	if err != nil {
		testserver.Missing(t, err.Error())
	}
	return java, jar
}

// TestCheckFindsErrors makes sure the checker really runs and its findings
// reach the caller with file and line: a page with a skipped heading level
// and a duplicate id must give two errors, a good page none.
func TestCheckFindsErrors(t *testing.T) {
	java, jar := checker(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.html")
	bad := filepath.Join(dir, "bad.html")
	page := func(body string) string {
		return "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>页</title>\n</head>\n<body>\n" + body + "\n</body>\n</html>\n"
	}
	if err := os.WriteFile(good, []byte(page("<h1>标题</h1>\n<h2>小标题</h2>")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(page("<h1>标题</h1>\n<h3 id=\"x\">小标题</h3>\n<p id=\"x\">段落</p>")), 0o644); err != nil {
		t.Fatal(err)
	}
	msgs, err := Check(context.Background(), java, jar, []string{good, bad})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 {
		t.Fatalf("want 2 errors in bad.html, got %d: %v", len(msgs), msgs)
	}
	for _, m := range msgs {
		if m.File != bad || m.Line < 9 || m.Message == "" {
			t.Errorf("finding without its place in bad.html: %+v", m)
		}
	}
}

// TestSiteHTML builds the real site (content/, themes/default, site.yaml)
// with the real award command and serves it with the intake on a fixed
// clock; every HTML file the build writes, and the intake's pages as the
// site serves them (both forms, a form re-shown with its errors, a receipt,
// the progress lookup, an error page), must pass the Nu HTML checker with
// zero errors. Each finding fails the test with its file, line and message.
func TestSiteHTML(t *testing.T) {
	java, jar := checker(t)
	if testing.Short() {
		t.Skip("builds the award command and runs the checker over the whole site")
	}
	root := moduleRoot(t)
	work := t.TempDir()
	award := filepath.Join(work, "award")
	gocmd, err := exec.LookPath("go") // go test puts its own go first on PATH
	if err != nil {
		t.Fatal(err)
	}
	build := exec.Command(gocmd, "build", "-o", award, "./cmd/award")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/award: %v\n%s", err, out)
	}
	pages := filepath.Join(work, "pages")

	// Inside the example publicity (20–26 November 2026): the site, the
	// objection form, its errors and its receipt.
	pub := serve(t, award, root, filepath.Join(work, "pub"), "2026-11-25T10:00:00+08:00")
	checked := htmlFiles(t, filepath.Join(work, "pub", "public"))
	c := newClient(t, pub)
	objection := c.get("api/objections/new?publicity=pub-2026-candidates&candidate=c01")
	c.save(pages, "objection-form.html", objection)
	c.save(pages, "objection-errors.html", c.post("api/objections", objection, nil, nil))
	receipt := c.post("api/objections", objection, map[string]string{
		"objectorType": "individual", "name": "张三", "idNumber": "11010519491231002X", "phone": "13800138000",
		"statement": "该组织在2025年发生过产品质量责任事故，有当地市场监管部门的处罚决定书为证。", "consent": "yes",
	}, map[string][]byte{"evidence": []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")})
	if !strings.Contains(receipt, "受理编号") {
		t.Fatalf("the objection was not received; the page says:\n%s", receipt)
	}
	c.save(pages, "objection-receipt.html", receipt)
	c.save(pages, "application-closed.html", c.get("api/applications/new?call=call-2026"))
	c.save(pages, "progress.html", c.get("api/progress"))
	c.save(pages, "receipt-unknown.html", c.get("api/receipts/ZLJ-0000-0000?token=x"))

	// Inside the call (March–April 2026): the application form and its errors.
	call := serve(t, award, root, filepath.Join(work, "call"), "2026-04-01T10:00:00+08:00", "-future")
	c = newClient(t, call)
	application := c.get("api/applications/new?call=call-2026")
	if !strings.Contains(application, `id="f-orgName"`) {
		t.Fatalf("the application form is not open on 2026-04-01:\n%s", application)
	}
	c.save(pages, "application-form.html", application)
	c.save(pages, "application-errors.html", c.post("api/applications", application, nil, nil))
	fields := map[string]string{"orgName": "中牟县示例食品有限公司", "creditCode": "91410122MA00J8NW0M",
		"orgKind": "企业", "established": "2018-05-20", "littleGiant": "no", "industry": "食品制造业", "township": "韩寺镇",
		"address": "中牟县示例大道88号", "recommender": "韩寺镇人民政府", "excellenceSince": "2023-01-01",
		"legalRepresentative": "李四", "contactName": "王五", "phone": "0371-62196035", "email": "zhiliang@example.com",
		"internalPublicityStart": "2026-03-16", "internalPublicityEnd": "2026-03-20", "consent": "yes"}
	for i := 1; i <= 9; i++ {
		fields[fmt.Sprintf("declaration%d", i)] = "none"
	}
	files := map[string][]byte{}
	for _, slot := range []string{"applicationForm", "selfAssessment", "recommendation", "internalPublicity", "license", "commitment", "financials", "creditReport"} {
		files[slot] = []byte("%PDF-1.4\n% " + slot + "\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	}
	appReceipt := c.post("api/applications", application, fields, files)
	if !strings.Contains(appReceipt, "收件清单") {
		t.Fatalf("the application was not received; the page says:\n%s", appReceipt)
	}
	c.save(pages, "application-receipt.html", appReceipt)

	checked = append(checked, htmlFiles(t, pages)...)
	if len(checked) < 40 {
		t.Fatalf("only %d HTML files to check: the build or the intake gave less than the site has", len(checked))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	msgs, err := Check(ctx, java, jar, checked)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		t.Errorf("%s:%d:%d: %s\n\t%s", rel(work, m.File), m.Line, m.Column, m.Message, strings.ReplaceAll(m.Extract, "\n", "⏎"))
	}
	t.Logf("%d HTML files checked, %d errors", len(checked), len(msgs))
}

func rel(base, file string) string {
	if r, err := filepath.Rel(base, file); err == nil {
		return r
	}
	return file
}

// moduleRoot is the directory above the working directory holding go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = up
	}
}

// serve runs award serve over the repository's site with its output, data
// and keys under dir and the clock fixed at now, and returns its address
// ("http://127.0.0.1:PORT/"); the server stops when the test ends.
func serve(t *testing.T, award, root, dir, now string, extra ...string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	args := append([]string{"serve", "-content", filepath.Join(root, "content"), "-theme", filepath.Join(root, "themes", "default"),
		"-config", filepath.Join(root, "site.yaml"), "-holidays", filepath.Join(root, "holidays.yaml"),
		"-static", filepath.Join(dir, "none"), "-out", filepath.Join(dir, "public"),
		"-intake-config", filepath.Join(dir, "none.yaml"), "-addr", addr, "-staff-addr", "127.0.0.1:0", "-no-watch", "-now", now}, extra...)
	cmd := exec.Command(award, args...)
	cmd.Env = append(os.Environ(), "AWARD_DATA_DIR="+filepath.Join(dir, "data"),
		"AWARD_IDENTITY_KEY_FILE="+filepath.Join(dir, "data", "identity.key"),
		"AWARD_TOWNSHIPS="+filepath.Join(root, "townships.yaml"))
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	url := "http://" + addr + "/"
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			return url
		}
		select {
		case <-exited:
			t.Fatalf("award serve exited:\n%s", log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("award serve did not come up:\n%s", log.String())
		}
	}
}

// htmlFiles lists the .html files under dir.
func htmlFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// client fetches the intake's pages as a browser would (cookies, Origin).
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func newClient(t *testing.T, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

func (c *client) get(path string) string {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.page(req, path)
}

// page sends req and returns the HTML page it ends on (path names it in a
// failure).
func (c *client) page(req *http.Request, path string) string {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("<!DOCTYPE html>")) {
		c.t.Fatalf("%s %s (%s) is not an HTML page:\n%s", req.Method, path, resp.Status, b)
	}
	return string(b)
}

var (
	hiddenInput    = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	selectedOption = regexp.MustCompile(`<select id="f-candidate" name="(target)"[^>]*>(?s:.*?)<option value="([^"]+)" selected>`)
)

// post submits the form of page (its hidden fields and chosen candidate,
// plus fields and files) to path, following the redirect to a receipt, and
// returns the page it ends on.
func (c *client) post(path, page string, fields map[string]string, files map[string][]byte) string {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, m := range hiddenInput.FindAllStringSubmatch(page, -1) {
		_ = w.WriteField(m[1], m[2])
	}
	if m := selectedOption.FindStringSubmatch(page); m != nil {
		_ = w.WriteField(m[1], m[2])
	}
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	for k, v := range files {
		f, err := w.CreateFormFile(k, k+".pdf")
		if err != nil {
			c.t.Fatal(err)
		}
		_, _ = f.Write(v)
	}
	_ = w.Close()
	req, err := http.NewRequest(http.MethodPost, c.base+path, &body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", strings.TrimSuffix(c.base, "/"))
	return c.page(req, path)
}

// save writes a fetched page into dir for the checker.
func (c *client) save(dir, name, page string) {
	c.t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(page), 0o644); err != nil {
		c.t.Fatal(fmt.Errorf("saving %s: %w", name, err))
	}
}
