package intake

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// A declared body over the form's maximum is refused with 413 before any
// byte of it is read: a client that waits for 100 Continue never gets it
// and never sends the body.
func TestDeclaredTooLargeRefusedFirst(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	for _, c := range []struct {
		path string
		max  int64
	}{{"/api/objections", e.srv.cfg.Limits.MaxRequestBytes}, {"/api/applications", e.srv.cfg.Limits.ApplicationMaxRequestBytes}} {
		for _, expect := range []bool{true, false} {
			conn, err := net.Dial("tcp", strings.TrimPrefix(e.http.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n"+
				"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\n", c.path, c.max+1)
			if expect {
				head += "Expect: 100-continue\r\n"
			}
			io.WriteString(conn, head+"\r\n")
			_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("%s expect=%v: no answer before the body: %v", c.path, expect, err)
			}
			body, _ := io.ReadAll(resp.Body)
			conn.Close()
			if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "too_large") || !resp.Close {
				t.Fatalf("%s expect=%v: %d close=%v %s, want 413 too_large and Connection: close", c.path, expect, resp.StatusCode, resp.Close, body)
			}
			if !strings.Contains(string(body), "上限") {
				t.Errorf("message does not name the limit: %s", body)
			}
		}
	}
	e.assertNothingStored()
}

// clockSwitch yields body in small reads and sets the intake's clock to at
// just before it hands over the last bytes, so that the body's last part
// arrives at that moment while its first parts arrived earlier.
type clockSwitch struct {
	body []byte
	tail int
	set  func()
	done bool
}

func (c *clockSwitch) Read(p []byte) (int, error) {
	if len(c.body) == 0 {
		return 0, io.EOF
	}
	n := min(len(c.body), 1024, len(p))
	if !c.done && len(c.body)-n < c.tail {
		c.done = true
		c.set()
	}
	n = copy(p, c.body[:n])
	c.body = c.body[n:]
	return n, nil
}

// lateBody is an objection whose target comes first, then 64 KiB of
// evidence, then the statement and the rest (as an API client may send
// them), so that the target is checked long before the last part.
func lateBody(t *testing.T) ([]byte, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	f := goodFields()
	w.WriteField("publicity", f["publicity"])
	w.WriteField("candidate", f["candidate"])
	part, _ := w.CreateFormFile("evidence", "证据.pdf")
	part.Write(bigPDF(64 << 10))
	for _, k := range []string{"objectorType", "name", "idNumber", "phone", "statement", "consent"} {
		w.WriteField(k, f[k])
	}
	w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

// Whether an objection is in time is decided by when its last part
// arrived: begun before the publicity closed and finished one nanosecond
// before, it is accepted; finished at the close, it is refused with the
// rule said, and nothing is stored. Likewise for applications at the
// call's close.
func TestWindowDecidedByLastPart(t *testing.T) {
	closes := testManifest().Publicities[0].Closes
	for _, c := range []struct {
		finish time.Time
		status int
	}{{closes.Add(-time.Nanosecond), http.StatusCreated}, {closes, http.StatusForbidden}} {
		e := newEnv(t, dirStore(t), nil)
		e.setNow(closes.Add(-time.Hour))
		body, ct := lateBody(t)
		req := httptest.NewRequest(http.MethodPost, "/api/objections",
			&clockSwitch{body: body, tail: 200, set: func() { e.setNow(c.finish) }})
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Accept", "application/json")
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		if rec.Code != c.status {
			t.Fatalf("finished at %v: %d %s, want %d", c.finish, rec.Code, rec.Body, c.status)
		}
		if c.status == http.StatusCreated {
			if !strings.Contains(rec.Body.String(), `"receivedAt":"`+c.finish.In(shanghai).Format(time.RFC3339)+`"`) {
				t.Errorf("receivedAt is not when the last part arrived: %s", rec.Body)
			}
			continue
		}
		if !strings.Contains(rec.Body.String(), "window_closed") || !strings.Contains(rec.Body.String(), "以全部内容上传完成的时间为准") {
			t.Errorf("late objection: %s", rec.Body)
		}
		e.assertNothingStored()
	}

	callCloses := testManifest().Calls[0].Closes
	e := newEnv(t, dirStore(t), nil)
	e.setNow(callCloses.Add(-time.Minute))
	body, ct := multipartBody(t, e.withToken(goodApplication(), "application/json"), allDocuments())
	raw, _ := io.ReadAll(body)
	req := httptest.NewRequest(http.MethodPost, "/api/applications", &clockSwitch{body: raw, tail: 200, set: func() { e.setNow(callCloses) }})
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Accept", "application/json")
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "申报期结束后才全部上传完成") {
		t.Fatalf("application finished at the close: %d %s", rec.Code, rec.Body)
	}
	e.assertNothingStored()
}

// The text fields of one request are bounded together, not only each.
func TestFormTextBoundedPerRequest(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	fields := goodFields()
	for i := range 5 {
		fields[fmt.Sprintf("extra%d", i)] = strings.Repeat("字", 20000) // 60,000 bytes each
	}
	resp := e.post(fields, []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")
	got := decode[apiError](t, resp)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(got.Error.Message, "文字内容合计过多") {
		t.Fatalf("300 KB of text fields: %d %+v", resp.StatusCode, got.Error)
	}
	e.assertNothingStored()
	if st := e.srv.formText.Stats(); st.InUse != 0 {
		t.Errorf("form-text budget not given back: %+v", st)
	}
}

// When the process's form-text budget is taken by requests in progress, a
// further request waits briefly, then gets 503 with Retry-After and its
// form back with the entries; once they end, the budget is free again.
func TestFormTextBudgetAcrossRequests(t *testing.T) {
	e := newEnv(t, dirStore(t), func(c *Config) {
		c.Memory.FormText = 256 << 10
		c.Memory.Wait = 300 * time.Millisecond
	})
	// Two slow posts hold 240 KB and 60 KB of text and stop sending: past
	// their own 32 KiB each, 236 KiB of the 256 KiB budget.
	var wg sync.WaitGroup
	var pipes []*io.PipeWriter
	for _, n := range []int{4, 1} {
		var held bytes.Buffer
		w := multipart.NewWriter(&held)
		for i := range n {
			w.WriteField(fmt.Sprintf("note%d", i), strings.Repeat("x", 60<<10))
		}
		pr, pw := io.Pipe()
		pipes = append(pipes, pw)
		req, _ := http.NewRequest(http.MethodPost, e.http.URL+"/api/objections", pr)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Accept", "application/json")
		wg.Go(func() {
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				resp.Body.Close()
			}
		})
		pw.Write(held.Bytes())
	}
	deadline := time.Now().Add(5 * time.Second)
	for e.srv.formText.Stats().InUse < 236<<10 {
		if time.Now().After(deadline) {
			t.Fatalf("the slow posts hold %d bytes", e.srv.formText.Stats().InUse)
		}
		time.Sleep(10 * time.Millisecond)
	}
	fields := goodFields()
	fields["statement"] = "该组织2025年发生过质量事故，" + strings.Repeat("有处罚决定书为证。", 10)
	fields["zNote"] = strings.Repeat("y", 40<<10) // sent last, past the request's own allowance
	resp := e.post(fields, []upload{{"evidence", "a.pdf", pdfBytes}}, "text/html")
	page := readAll(t, resp)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("while the budget is taken: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if !strings.Contains(page, "请在1分钟后重新提交") || !strings.Contains(page, "有处罚决定书为证。") {
		t.Errorf("the refusal does not keep the entries or say when to retry:\n%s", page)
	}
	for _, pw := range pipes {
		pw.CloseWithError(io.ErrUnexpectedEOF)
	}
	wg.Wait()
	deadline = time.Now().Add(5 * time.Second)
	for e.srv.formText.Stats().InUse != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("budget still held after the requests ended: %+v", e.srv.formText.Stats())
		}
		time.Sleep(10 * time.Millisecond)
	}
	e.assertNothingStored()
	resp = e.post(goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("after the budget is free: %d", resp.StatusCode)
	}
}

// IPv6 clients are limited by their /64 (configurable): two addresses of
// one prefix share a budget, another prefix has its own.
func TestRateLimitIPv6Prefix(t *testing.T) {
	for _, c := range []struct {
		prefix     int
		sameLimits bool
	}{{64, true}, {128, false}} {
		e := newEnv(t, dirStore(t), func(cfg *Config) {
			cfg.RateLimits.Submit = "1/1h,1"
			cfg.TrustProxy = true
			cfg.ClientIPv6Prefix = c.prefix
		})
		post := func(ip string) int {
			resp := e.sendWith(goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json", map[string]string{"X-Real-IP": ip})
			resp.Body.Close()
			return resp.StatusCode
		}
		if s := post("2001:db8:1:2::1"); s != http.StatusCreated {
			t.Fatalf("first: %d", s)
		}
		second := post("2001:db8:1:2:ffff:ffff:ffff:ffff")
		if c.sameLimits && second != http.StatusTooManyRequests || !c.sameLimits && second != http.StatusCreated {
			t.Errorf("/%d: same /64, other address: %d", c.prefix, second)
		}
		if s := post("2001:db8:1:3::1"); s != http.StatusCreated {
			t.Errorf("/%d: another /64: %d", c.prefix, s)
		}
	}
}

// The limiter's table stays within its bound under a flood of new
// clients, forgetting the least recently seen first.
func TestLimiterTableBounded(t *testing.T) {
	spec, _ := parseRate("1/1h,1")
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, shanghai)
	set := newLimiterSet(spec, func() time.Time { return now }, 1000)
	if ok, _ := set.allow("keep"); !ok {
		t.Fatal("first request of a client refused")
	}
	for i := range 5000 {
		set.allow(fmt.Sprintf("flood-%d", i))
		if i%100 == 0 {
			set.allow("keep") // seen often: stays remembered, and limited
		}
		if n := set.size(); n > 1000 {
			t.Fatalf("table holds %d clients, bound 1000", n)
		}
	}
	if ok, _ := set.allow("keep"); ok {
		t.Error("a client seen recently was forgotten: its budget was reset")
	}
}

// The forms say which moment decides whether a submission is in time.
func TestFormsStateTheWindowRule(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	if page := getBody(t, e.http.URL+"/api/objections/new?publicity=pub-2026&candidate=c01", http.StatusOK); !strings.Contains(page, "以全部内容（含证明材料）上传完成的时间为准") {
		t.Error("the objection form does not state the rule")
	}
	if page := getBody(t, e.http.URL+"/api/applications/new?call=call-2026", http.StatusOK); !strings.Contains(page, "以全部材料上传完成的时间为准") {
		t.Error("the application form does not state the rule")
	}
}

// countingReader counts what is read of it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// A part header of a megabyte is refused after at most 64 KiB of it has
// been read, instead of being gathered in memory (Go's multipart reader
// allows 10 MiB a part).
func TestPartHeaderBounded(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	var body bytes.Buffer
	body.WriteString("--b\r\nContent-Disposition: form-data; name=\"publicity\"\r\n\r\npub-2026\r\n--b\r\nX-Padding: ")
	body.WriteString(strings.Repeat("a", 1<<20))
	body.WriteString("\r\nContent-Disposition: form-data; name=\"candidate\"\r\n\r\nc01\r\n--b--\r\n")
	cr := &countingReader{r: &body}
	req := httptest.NewRequest(http.MethodPost, "/api/objections", cr)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	req.Header.Set("Accept", "application/json")
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "头部过长") {
		t.Fatalf("1 MB part header: %d %s", rec.Code, rec.Body)
	}
	if cr.n > 128<<10 {
		t.Errorf("read %d bytes of a 1 MB part header before refusing", cr.n)
	}
	e.assertNothingStored()
}
