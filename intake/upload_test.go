package intake

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhongmou/award/storage"
)

// tusDo sends one protocol request to the test intake.
func (e *testEnv) tusDo(method, path string, header map[string]string, body io.Reader) *http.Response {
	e.t.Helper()
	if !strings.HasPrefix(path, "http") {
		path = e.http.URL + path
	}
	req, _ := http.NewRequest(method, path, body)
	req.Header.Set("Tus-Resumable", "1.0.0")
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp
}

func tusMetadata(pairs ...string) string {
	var out []string
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, pairs[i]+" "+base64.StdEncoding.EncodeToString([]byte(pairs[i+1])))
	}
	return strings.Join(out, ",")
}

// stage creates an upload of data for kind's field and returns its
// location (a path).
func (e *testEnv) stage(kind, field, name string, length int) string {
	e.t.Helper()
	resp := e.tusDo("POST", "/api/uploads/", map[string]string{"Upload-Length": strconv.Itoa(length),
		"Upload-Metadata": tusMetadata("kind", kind, "field", field, "filename", name)}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("Location") == "" {
		e.t.Fatalf("create: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return resp.Header.Get("Location")
}

func (e *testEnv) patch(loc string, offset int, data []byte) *http.Response {
	e.t.Helper()
	return e.tusDo("PATCH", loc, map[string]string{"Content-Type": "application/offset+octet-stream",
		"Upload-Offset": strconv.Itoa(offset)}, bytes.NewReader(data))
}

func (e *testEnv) offset(loc string) (int, int) {
	e.t.Helper()
	resp := e.tusDo("HEAD", loc, nil, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return -1, resp.StatusCode
	}
	n, _ := strconv.Atoi(resp.Header.Get("Upload-Offset"))
	return n, resp.StatusCode
}

// bothStores runs test on the local directory and on a real MinIO.
func bothStores(t *testing.T, test func(t *testing.T, store storage.Store)) {
	t.Run("dir", func(t *testing.T) { test(t, dirStore(t)) })
	t.Run("s3", func(t *testing.T) { test(t, s3Store(t, minioServer(t))) })
}

func stagedID(loc string) string { return loc[strings.LastIndex(loc, "/")+1:] }

func TestUploadProtocol(t *testing.T) {
	bothStores(t, func(t *testing.T, store storage.Store) {
		e := newEnv(t, store, nil)

		resp := e.tusDo("OPTIONS", "/api/uploads/", map[string]string{"Tus-Resumable": ""}, nil)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Tus-Version") != "1.0.0" ||
			resp.Header.Get("Tus-Extension") != "creation,termination,expiration" || resp.Header.Get("Tus-Max-Size") == "" {
			t.Errorf("OPTIONS: %d %v", resp.StatusCode, resp.Header)
		}
		resp = e.tusDo("POST", "/api/uploads/", map[string]string{"Tus-Resumable": "", "Upload-Length": "10"}, nil)
		resp.Body.Close()
		if resp.StatusCode != http.StatusPreconditionFailed || resp.Header.Get("Tus-Version") != "1.0.0" {
			t.Errorf("without Tus-Resumable: %d", resp.StatusCode)
		}

		// Refused creations store nothing.
		for name, h := range map[string]map[string]string{
			"no length":      {"Upload-Metadata": tusMetadata("kind", "objection", "field", "evidence", "filename", "a.pdf")},
			"deferred":       {"Upload-Defer-Length": "1", "Upload-Metadata": tusMetadata("kind", "objection", "field", "evidence", "filename", "a.pdf")},
			"unknown field":  {"Upload-Length": "10", "Upload-Metadata": tusMetadata("kind", "objection", "field", "license", "filename", "a.pdf")},
			"too large":      {"Upload-Length": strconv.Itoa(256<<10 + 1), "Upload-Metadata": tusMetadata("kind", "objection", "field", "evidence", "filename", "a.pdf")},
			"traversal name": {"Upload-Length": "10", "Upload-Metadata": tusMetadata("kind", "objection", "field", "evidence", "filename", "../../a.pdf")},
		} {
			resp := e.tusDo("POST", "/api/uploads/", h, nil)
			p := decode[apiError](t, resp)
			if resp.StatusCode/100 != 4 || p.Error.Message == "" {
				t.Errorf("%s: %d %+v", name, resp.StatusCode, p)
			}
		}
		e.assertNothingStored()

		// Created, written in two requests, the second from the offset a HEAD
		// gave; a stale offset gets 409 and changes nothing.
		loc := e.stage("objection", "evidence", "处罚决定书.pdf", len(pdfBytes))
		if !strings.HasPrefix(loc, "/api/uploads/") {
			t.Fatalf("Location %q", loc)
		}
		resp = e.tusDo("HEAD", loc, nil, nil)
		resp.Body.Close()
		if resp.Header.Get("Upload-Offset") != "0" || resp.Header.Get("Upload-Length") != strconv.Itoa(len(pdfBytes)) ||
			resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Upload-Expires") == "" {
			t.Errorf("HEAD: %v", resp.Header)
		}
		if exp, err := http.ParseTime(resp.Header.Get("Upload-Expires")); err != nil || exp.Sub(duringPublicity) != 24*time.Hour {
			t.Errorf("Upload-Expires %q: %v", resp.Header.Get("Upload-Expires"), err)
		}
		resp = e.patch(loc, 0, pdfBytes[:20])
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Upload-Offset") != "20" {
			t.Fatalf("first PATCH: %d %q", resp.StatusCode, resp.Header.Get("Upload-Offset"))
		}
		resp = e.patch(loc, 0, pdfBytes[:20])
		resp.Body.Close()
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("stale offset: %d, want 409", resp.StatusCode)
		}
		resp = e.tusDo("PATCH", loc, map[string]string{"Content-Type": "application/octet-stream", "Upload-Offset": "20"}, bytes.NewReader(pdfBytes[20:]))
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("wrong content type: %d", resp.StatusCode)
		}
		if n, _ := e.offset(loc); n != 20 {
			t.Fatalf("offset after refusals %d, want 20", n)
		}
		resp = e.patch(loc, 20, append(append([]byte{}, pdfBytes[20:]...), "more"...))
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("past the length: %d", resp.StatusCode)
		}
		if n, _ := e.offset(loc); n != len(pdfBytes) {
			t.Errorf("offset %d, want %d (what fits is kept)", n, len(pdfBytes))
		}

		// Termination.
		resp = e.tusDo("DELETE", loc, nil, nil)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Errorf("DELETE: %d", resp.StatusCode)
		}
		if _, st := e.offset(loc); st != http.StatusNotFound {
			t.Errorf("HEAD after DELETE: %d", st)
		}
		e.assertNothingStored()
	})
}

// A renamed program is refused after its first bytes, and nothing of it
// stays.
func TestUploadSniffed(t *testing.T) {
	bothStores(t, func(t *testing.T, store storage.Store) {
		e := newEnv(t, store, nil)
		loc := e.stage("objection", "evidence", "决定书.pdf", len(exeBytes))
		resp := e.patch(loc, 0, exeBytes)
		p := decode[apiError](t, resp)
		if resp.StatusCode != http.StatusUnsupportedMediaType || p.Error.Code != "unsupported_type" || !strings.Contains(p.Error.Message, "决定书.pdf") {
			t.Errorf("renamed program: %d %+v", resp.StatusCode, p)
		}
		if _, st := e.offset(loc); st != http.StatusNotFound {
			t.Errorf("HEAD after refusal: %d", st)
		}
		e.assertNothingStored()
	})
}

// Two writes at the same offset (two replicas, a retry): exactly one
// counts, the other gets 409, and the bytes are the winner's.
func TestUploadConcurrentWrites(t *testing.T) {
	bothStores(t, func(t *testing.T, store storage.Store) {
		e := newEnv(t, store, nil)
		data := append(append([]byte{}, pdfBytes...), bytes.Repeat([]byte("x"), 4096)...)
		loc := e.stage("objection", "evidence", "a.pdf", len(data))
		var wg sync.WaitGroup
		codes := make([]int, 4)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp := e.patch(loc, 0, data)
				resp.Body.Close()
				codes[i] = resp.StatusCode
			}()
		}
		wg.Wait()
		won := 0
		for _, c := range codes {
			switch c {
			case http.StatusNoContent:
				won++
			case http.StatusConflict:
			default:
				t.Errorf("status %d", c)
			}
		}
		if won != 1 {
			t.Errorf("%d writes counted (%v), want 1", won, codes)
		}
		if n, _ := e.offset(loc); n != len(data) {
			t.Errorf("offset %d, want %d", n, len(data))
		}
		rd, _, err := e.srv.archive.OpenStaged(t.Context(), stagedID(loc))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rd)
		rd.Close()
		if !bytes.Equal(got, data) {
			t.Error("the staged bytes are not what was sent")
		}
		// Only the winner's data object remains besides the records.
		var data0 int
		for _, k := range e.keys() {
			if strings.Contains(k, "/data/") {
				data0++
			}
		}
		if data0 != 1 {
			t.Errorf("%d data objects, want 1: %v", data0, e.keys())
		}
	})
}

// A connection dropped mid-PATCH keeps what arrived.
func TestUploadKeepsWhatArrived(t *testing.T) {
	bothStores(t, func(t *testing.T, store storage.Store) {
		e := newEnv(t, store, nil)
		data := append(append([]byte{}, pdfBytes...), bytes.Repeat([]byte("y"), 100<<10)...)
		loc := e.stage("objection", "evidence", "a.pdf", len(data))
		pr, pw := io.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			req, _ := http.NewRequest("PATCH", e.http.URL+loc, pr)
			req.Header.Set("Tus-Resumable", "1.0.0")
			req.Header.Set("Content-Type", "application/offset+octet-stream")
			req.Header.Set("Upload-Offset", "0")
			req.ContentLength = int64(len(data))
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
		half := len(data) / 2
		pw.Write(data[:half])
		time.Sleep(200 * time.Millisecond) // let the server read it
		pw.CloseWithError(io.ErrUnexpectedEOF)
		<-done
		var n int
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if n, _ = e.offset(loc); n == half {
				break
			}
		}
		if n != half {
			t.Fatalf("offset after the drop %d, want %d", n, half)
		}
		resp := e.patch(loc, n, data[n:])
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Upload-Offset") != strconv.Itoa(len(data)) {
			t.Fatalf("resume: %d %s", resp.StatusCode, resp.Header.Get("Upload-Offset"))
		}
	})
}

// The form names staged uploads: a refusal keeps them (and shows them
// again); the fixed form takes them with their SHA-256, then they are
// gone. Unfinished, foreign and unknown ones are refused on their field.
func TestStagedForm(t *testing.T) {
	bothStores(t, func(t *testing.T, store storage.Store) {
		e := newEnv(t, store, nil)
		loc := e.stage("objection", "evidence", "处罚决定书.pdf", len(pdfBytes))
		resp := e.patch(loc, 0, pdfBytes)
		resp.Body.Close()
		id := stagedID(loc)

		unfinished := e.stage("objection", "evidence", "半截.pdf", len(pdfBytes))
		resp = e.patch(unfinished, 0, pdfBytes[:10])
		resp.Body.Close()
		foreign := e.stage("application", "license", "执照.pdf", len(pdfBytes))
		resp = e.patch(foreign, 0, pdfBytes)
		resp.Body.Close()
		for name, tc := range map[string]struct{ id, says string }{
			"unfinished": {stagedID(unfinished), "尚未上传完成"},
			"foreign":    {stagedID(foreign), "不是在本表单中上传的"},
			"unknown":    {"aaaaaaaaaaaaaaaaaaaaaaaaaa", "已不在服务器上"},
		} {
			f := goodFields()
			f["staged"] = tc.id
			resp := e.post(f, nil, "application/json")
			p := decode[apiError](t, resp)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(p.Error.Fields["evidence"]+p.Error.Fields["staged"], tc.says) {
				t.Errorf("%s: %d %+v", name, resp.StatusCode, p)
			}
		}

		// Refused for a field: the staged file stays, and the page shows it.
		f := goodFields()
		f["staged"] = id
		f["statement"] = "太短"
		resp = e.post(f, nil, "text/html")
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("short statement: %d", resp.StatusCode)
		}
		if n, _ := e.offset(loc); n != len(pdfBytes) {
			t.Fatalf("the refusal lost the staged file: offset %d", n)
		}
		if !bytes.Contains(page, []byte(id)) || !bytes.Contains(page, []byte("处罚决定书.pdf")) {
			t.Errorf("the form shown again does not list the staged file")
		}

		// Refused by the check made at the first file (an unknown candidate):
		// the fields after the staged one are kept too.
		f["candidate"] = "c99"
		f["statement"] = goodFields()["statement"]
		resp = e.post(f, nil, "text/html")
		page, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound || !bytes.Contains(page, []byte(id)) || !bytes.Contains(page, []byte("处罚决定书为证")) {
			t.Errorf("unknown candidate: %d; staged listed %v, statement kept %v", resp.StatusCode, bytes.Contains(page, []byte(id)), bytes.Contains(page, []byte("处罚决定书为证")))
		}
		f["candidate"] = "c01"

		// Fixed: taken, with its hash; then removed.
		f["statement"] = goodFields()["statement"]
		resp = e.post(f, nil, "application/json")
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("with the staged file: %d %+v", resp.StatusCode, decode[apiError](t, resp))
		}
		got := decode[objectionResponse](t, resp)
		if len(got.Files) != 1 || got.Files[0].Name != "处罚决定书.pdf" || got.Files[0].SHA256 != sha(pdfBytes) || got.Files[0].Size != int64(len(pdfBytes)) {
			t.Errorf("files %+v", got.Files)
		}
		if _, st := e.offset(loc); st != http.StatusNotFound {
			t.Errorf("staged upload after commit: HEAD %d, want 404", st)
		}
	})
}

// Unclaimed uploads expire: 410, then the janitor removes them.
func TestUploadExpiry(t *testing.T) {
	bothStores(t, func(t *testing.T, store storage.Store) {
		e := newEnv(t, store, nil)
		loc := e.stage("objection", "evidence", "a.pdf", len(pdfBytes))
		resp := e.patch(loc, 0, pdfBytes[:10])
		resp.Body.Close()
		e.setNow(duringPublicity.Add(24*time.Hour + time.Second))
		if _, st := e.offset(loc); st != http.StatusGone {
			t.Errorf("HEAD after expiry: %d, want 410", st)
		}
		rep, err := e.srv.archive.Sweep(t.Context(), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Staged != 1 {
			t.Errorf("swept %d staged uploads, want 1", rep.Staged)
		}
		for _, k := range e.keys() {
			if strings.HasPrefix(k, "uploads/") {
				t.Errorf("left after the sweep: %s", k)
			}
		}
	})
}

// Creating uploads has its own budget per client: past it, 429 with
// Retry-After, and nothing stored.
func TestUploadRateLimit(t *testing.T) {
	e := newEnv(t, dirStore(t), func(c *Config) { c.RateLimits.Upload = "2/1h,2" })
	e.stage("objection", "evidence", "a.pdf", len(pdfBytes))
	e.stage("objection", "evidence", "b.pdf", len(pdfBytes))
	before := len(e.keys())
	resp := e.tusDo("POST", "/api/uploads/", map[string]string{"Upload-Length": strconv.Itoa(len(pdfBytes)),
		"Upload-Metadata": tusMetadata("kind", "objection", "field", "evidence", "filename", "c.pdf")}, nil)
	p := decode[apiError](t, resp)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(p.Error.Message, "上传文件过于频繁") {
		t.Errorf("third creation: %d %q %+v", resp.StatusCode, resp.Header.Get("Retry-After"), p)
	}
	if len(e.keys()) != before {
		t.Errorf("a refused creation stored something")
	}
}

// The bytes counter counts what a PATCH stored: a stale offset (409)
// stores nothing, whatever the server's offset.
func TestUploadBytesCounted(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	counted := func() string {
		m := regexp.MustCompile(`award_received_bytes_total\{kind="upload"\} (\S+)`).FindStringSubmatch(getBody(t, e.http.URL+"/metrics", http.StatusOK))
		if m == nil {
			return ""
		}
		return m[1]
	}
	loc := e.stage("objection", "evidence", "a.pdf", len(pdfBytes))
	resp := e.patch(loc, 0, pdfBytes[:20])
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || counted() != "20" {
		t.Fatalf("PATCH of 20 bytes: %d, counted %s", resp.StatusCode, counted())
	}
	resp = e.patch(loc, 0, pdfBytes[:20])
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict || counted() != "20" {
		t.Errorf("stale PATCH: %d, counted %s, want 409 and still 20", resp.StatusCode, counted())
	}
}

// A PATCH that stalls is dropped after StallTimeout; what arrived is
// kept, and the answer (408) tells the page's script to resume.
func TestUploadStalledPatch(t *testing.T) {
	e := newEnv(t, dirStore(t), func(c *Config) { c.StallTimeout = 300 * time.Millisecond })
	data := append(append([]byte{}, pdfBytes...), bytes.Repeat([]byte("z"), 100<<10)...)
	loc := e.stage("objection", "evidence", "a.pdf", len(data))
	pr, pw := io.Pipe()
	defer pw.Close()
	req, _ := http.NewRequest("PATCH", e.http.URL+loc, pr)
	req.Header.Set("Tus-Resumable", "1.0.0")
	req.Header.Set("Content-Type", "application/offset+octet-stream")
	req.Header.Set("Upload-Offset", "0")
	req.ContentLength = int64(len(data))
	type result struct {
		resp *http.Response
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		done <- result{resp, err}
	}()
	half := len(data) / 2
	if _, err := pw.Write(data[:half]); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("stalled PATCH: %v, want an answer", r.err)
		}
		p := decode[apiError](t, r.resp)
		if r.resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(p.Error.Message, "已保存") ||
			r.resp.Header.Get("Upload-Offset") != strconv.Itoa(half) {
			t.Errorf("stalled PATCH: %d offset %q %+v; want 408, %d and a message that the bytes are kept",
				r.resp.StatusCode, r.resp.Header.Get("Upload-Offset"), p, half)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a stalled PATCH was not dropped")
	}
	if n, _ := e.offset(loc); n != half {
		t.Errorf("offset after the stall %d, want %d", n, half)
	}
}

// A writer that lost the claim at an offset may leave its data object
// there (killed before removing it): the part's record then says which
// bytes count.
func TestUploadStrayData(t *testing.T) {
	bothStores(t, func(t *testing.T, store storage.Store) {
		e := newEnv(t, store, nil)
		loc := e.stage("objection", "evidence", "a.pdf", len(pdfBytes))
		resp := e.patch(loc, 0, pdfBytes)
		resp.Body.Close()
		stray := "uploads/" + stagedID(loc) + "/data/0000000000000000-22222222"
		if _, err := store.Put(t.Context(), stray, strings.NewReader("stray"), storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
		if n, _ := e.offset(loc); n != len(pdfBytes) {
			t.Errorf("offset %d, want %d", n, len(pdfBytes))
		}
		rd, _, err := e.srv.archive.OpenStaged(t.Context(), stagedID(loc))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rd)
		rd.Close()
		if !bytes.Equal(got, pdfBytes) {
			t.Errorf("read %d bytes %.10q, want the winner's", len(got), got)
		}
	})
}
