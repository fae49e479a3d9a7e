package faults

import (
	"io"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/storage/miniotest"
)

// The conformance tests of /api/uploads/ (tus 1.0.0: core, creation,
// termination, expiration): tus-js-client, a client nobody here wrote,
// driven in Node by internal/browsertest/tus/upload.mjs against the real
// award intake binary, through faults injected from outside — a cut
// connection, a killed intake, a second replica, a stale offset — and the
// protocol's headers and refusals checked with raw requests. Every upload
// that completes is then claimed by an objection (a `staged` field), and
// storage reconciled against its receipt as in the other fault tests.

// retryDelays are tus-js-client's delays between retries in these tests:
// about 20 s in all, ample for an intake to restart.
var retryDelays = []int{0, 200, 500, 1000, 1000, 2000, 2000, 3000, 3000, 5000}

// resumingHead returns the 200 to a HEAD that tus-js-client resumed
// from last, and the offset of the PATCH it sent next. (An earlier HEAD may
// have raced with the server still storing what a cut request brought: the
// PATCH after it then got 409, and tus-js-client asked again.)
func resumingHead(t *testing.T, run tusRun) (head tusEvent, patchOffset string) {
	t.Helper()
	found := false
	for i, e := range run.events {
		if e.Event != "response" || e.Method != "HEAD" || e.Status != http.StatusOK {
			continue
		}
		head, patchOffset, found = e, "", true
		for _, n := range run.events[i+1:] {
			if n.Event == "request" && n.Method == "PATCH" {
				patchOffset = n.Offset
				break
			}
		}
	}
	if !found {
		t.Fatal("tus-js-client never got a 200 to a HEAD")
	}
	return head, patchOffset
}

func atoi(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// finish claims a completed upload with an objection, checks the upload
// is gone afterwards, and reconciles storage.
func finish(t *testing.T, view objectStore, claimOn string, others []string, id string, data []byte, faults int) {
	t.Helper()
	o := claimStaged(t, claimOn, id, "evidence.pdf", data)
	for _, addr := range append([]string{claimOn}, others...) {
		if st, _ := headOffset(t, "http://"+addr+"/api/uploads/"+id); st != http.StatusNotFound {
			t.Errorf("HEAD of a claimed upload on %s: %d, want 404 (removed once its submission committed)", addr, st)
		}
	}
	if left, err := view.list("uploads/"); err != nil || len(left) > 0 {
		t.Errorf("objects left under uploads/ after the claim: %v (err %v)", left, err)
	}
	if sv, ok := view.(s3View); ok {
		if left := uploadObjects(t, sv, ""); len(left) > 0 {
			t.Errorf("left under uploads/ after the claim: %v", left)
		}
	}
	f := figures{faults: faults}
	outs := []outcome{o}
	f.count(outs)
	reconcile(t, view, outs, nil, &f)
	f.log(t)
}

func TestTusResumeAfterCutConnection(t *testing.T) {
	tc := tusNode(t)
	srv := miniotest.Start(t)
	dir := t.TempDir()
	writeManifest(t, dir)
	p := startIntake(t, dir, s3Env(srv)...)
	data := evidence(12<<20, 800)
	src := writeSource(t, dir, "evidence.pdf", data)
	px := startProxy(t, p.addr)
	const cutAt = 5 << 20
	px.cutAfter(cutAt)

	// The first retry waits half a second, time for the server to store
	// what the cut PATCH brought. (Sooner, the HEAD may still say 0, the
	// PATCH from 0 gets 409 and tus-js-client asks again: correct too, but
	// it races the cut PATCH for the part at offset 0.)
	run := tc.run(map[string]any{"file": src, "endpoint": px.URL() + "/api/uploads/",
		"metadata": tusMetadata("evidence.pdf"), "retryDelays": append([]int{500}, retryDelays[1:]...)}, nil)
	run.log(t, "through a connection cut after 5 MiB")
	select {
	case <-px.cut:
	default:
		t.Fatal("the proxy never cut the connection")
	}
	done, ok := run.last("success")
	if run.err != nil || !ok {
		t.Fatalf("tus-js-client did not finish after the cut: %v", run.err)
	}
	// It resumed from what the server kept of the cut PATCH: everything
	// that arrived (the proxy passed cutAt bytes, the POST's and PATCH's
	// headers among them), not from 0 and not from a segment boundary.
	head, patchAt := resumingHead(t, run)
	off := atoi(head.Offset)
	if off <= 0 || off > cutAt || off < cutAt-64<<10 {
		t.Errorf("HEAD after the cut: Upload-Offset %q; want what arrived before the cut, within 64 KiB below %d", head.Offset, cutAt)
	}
	if patchAt != head.Offset {
		t.Errorf("tus-js-client's PATCH after the HEAD was at %q, not at the HEAD's offset %q", patchAt, head.Offset)
	}
	if n := len(run.responses("POST")); n != 1 {
		t.Errorf("%d POSTs: the upload was created again instead of resumed", n)
	}
	t.Logf("cut after %d bytes from the client; resumed at offset %d of %d", cutAt, off, len(data))
	finish(t, newS3View(t, srv), p.addr, nil, uploadID(t, done.URL), data, 1)
}

func TestTusResumeAfterIntakeKilled(t *testing.T) {
	tc := tusNode(t)
	dir := t.TempDir()
	writeManifest(t, dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	// The directory store (AWARD_DATA_DIR); a file of one segment and 8 MiB.
	env := []string{"AWARD_MAX_FILE_BYTES=268435456", "AWARD_MAX_REQUEST_BYTES=536870912"}
	p := startIntakeOn(t, dir, addr, env...)
	seg := int64(archive.StagedSegment)
	data := evidence(int(seg+8<<20), 900)
	src := writeSource(t, dir, "evidence.pdf", data)
	px := startProxy(t, addr)
	px.holdFrom(seg + 2<<20) // the second segment has begun

	urls := make(chan string, 1)
	result := make(chan tusRun, 1)
	go func() {
		result <- tc.run(map[string]any{"file": src, "endpoint": px.URL() + "/api/uploads/",
			"metadata": tusMetadata("evidence.pdf"), "retryDelays": retryDelays}, func(e tusEvent, _ io.Writer) {
			if e.Event == "url" { // after the POST, and after every HEAD
				select {
				case urls <- e.URL:
				default:
				}
			}
		})
	}()
	var u string
	select {
	case u = <-urls:
	case r := <-result:
		r.log(t, "before the kill")
		t.Fatal("tus-js-client ended before creating the upload")
	case <-time.After(30 * time.Second):
		t.Fatal("no upload created within 30s")
	}
	id := uploadID(t, u)
	waitChan(t, "the upload held in its second segment", px.held, 30*time.Second)
	direct := "http://" + addr + "/api/uploads/" + id
	waitFor(t, "the first segment stored", 20*time.Second, func() bool {
		st, off := headOffset(t, direct)
		return st == http.StatusOK && off == seg
	})
	p.kill() // SIGKILL in the middle of the PATCH
	px.endHold()
	restarted := time.Now()
	p = startIntakeOn(t, dir, addr, env...) // same data directory, same port
	t.Logf("intake killed during the PATCH (first segment stored) and restarted on %s in %v", addr, time.Since(restarted).Round(time.Millisecond))

	var run tusRun
	select {
	case run = <-result:
	case <-time.After(90 * time.Second):
		t.Fatal("tus-js-client did not end within 90s")
	}
	run.log(t, "across a killed intake")
	done, ok := run.last("success")
	if run.err != nil || !ok {
		t.Fatalf("tus-js-client did not finish after the restart: %v", run.err)
	}
	if done.URL != u {
		t.Errorf("finished %s, not the upload it began (%s)", done.URL, u)
	}
	head, patchAt := resumingHead(t, run)
	if atoi(head.Offset) != seg || patchAt != head.Offset {
		t.Errorf("after the restart: HEAD offset %q, PATCH at %q; want both %d (the segment stored before the kill)", head.Offset, patchAt, seg)
	}
	if n := len(run.responses("POST")); n != 1 {
		t.Errorf("%d POSTs: the upload was created again instead of resumed", n)
	}
	finish(t, dirView{root: filepath.Join(dir, "data")}, p.addr, nil, id, data, 1)
}

func TestTusResumeOnOtherReplica(t *testing.T) {
	tc := tusNode(t)
	srv := miniotest.Start(t)
	dir := t.TempDir()
	writeManifest(t, dir)
	a := startIntake(t, dir, s3Env(srv)...)
	b := startIntake(t, dir, s3Env(srv)...)
	data := evidence(20<<20, 1000)
	src := writeSource(t, dir, "evidence.pdf", data)
	// One address for both, as behind a load balancer: first to A.
	lb := startProxy(t, a.addr)
	const chunk = 4 << 20
	opts := func(extra map[string]any) map[string]any {
		o := map[string]any{"file": src, "endpoint": lb.URL() + "/api/uploads/", "metadata": tusMetadata("evidence.pdf"),
			"chunkSize": chunk, "retryDelays": retryDelays, "urlStorage": filepath.Join(dir, "tus-urls.json")}
		for k, v := range extra {
			o[k] = v
		}
		return o
	}

	// The first client stops after two chunks (the laptop is closed); it
	// remembers the upload URL in its URL storage.
	run1 := tc.run(opts(map[string]any{"stopAfter": 2 * chunk}), nil)
	run1.log(t, "on replica A, stopped after 8 MiB")
	stopped, ok := run1.last("stopped")
	if run1.err != nil || !ok || run1.has("success") {
		t.Fatalf("first client: want it stopped part-way: %v", run1.err)
	}
	if stopped.Accepted != 2*chunk {
		t.Errorf("first client stopped with %d bytes accepted, want %d", stopped.Accepted, 2*chunk)
	}
	onA := len(lb.backends())

	// A new client process, through the same address now served by B,
	// finds the upload in its storage and resumes it there.
	lb.setBackend(b.addr)
	run2 := tc.run(opts(map[string]any{"resume": true}), nil)
	run2.log(t, "resumed on replica B")
	done, ok := run2.last("success")
	if run2.err != nil || !ok {
		t.Fatalf("second client did not finish on replica B: %v", run2.err)
	}
	if prev, _ := run2.last("previous"); prev.Count != 1 || len(prev.URLs) != 1 || prev.URLs[0] != stopped.URL {
		t.Errorf("second client found previous uploads %v, want just %s", prev.URLs, stopped.URL)
	}
	if done.URL != stopped.URL {
		t.Errorf("second client finished %s, not the upload begun on A (%s)", done.URL, stopped.URL)
	}
	if n := len(run2.responses("POST")); n != 0 {
		t.Errorf("second client created %d new uploads instead of resuming", n)
	}
	head, patchAt := resumingHead(t, run2)
	if atoi(head.Offset) != 2*chunk || patchAt != head.Offset {
		t.Errorf("on replica B: HEAD offset %q, PATCH at %q; want both %d, what replica A stored", head.Offset, patchAt, 2*chunk)
	}
	conns := lb.backends()
	if onA == 0 || len(conns) == onA || slices.ContainsFunc(conns[:onA], func(s string) bool { return s != a.addr }) ||
		slices.ContainsFunc(conns[onA:], func(s string) bool { return s != b.addr }) {
		t.Errorf("connections went to %v; want the first %d to A (%s), the rest to B (%s)", conns, onA, a.addr, b.addr)
	}
	id := uploadID(t, done.URL)
	if st, off := headOffset(t, "http://"+a.addr+"/api/uploads/"+id); st != http.StatusOK || off != int64(len(data)) {
		t.Errorf("replica A sees the upload B completed: %d offset %d, want 200 offset %d", st, off, len(data))
	}
	// Claimed through A, the replica that did not complete it.
	finish(t, newS3View(t, srv), a.addr, []string{b.addr}, id, data, 1)
}

func TestTusStaleOffset(t *testing.T) {
	tc := tusNode(t)
	srv := miniotest.Start(t)
	dir := t.TempDir()
	writeManifest(t, dir)
	a := startIntake(t, dir, s3Env(srv)...)
	b := startIntake(t, dir, s3Env(srv)...)
	data := evidence(5<<20+512<<10, 1100)
	src := writeSource(t, dir, "evidence.pdf", data)

	uA := tusCreate(t, a.addr, int64(len(data)), tusMetadata("evidence.pdf"))
	id := uploadID(t, uA)
	uB := "http://" + b.addr + "/api/uploads/" + id
	if resp, body := tusPatch(t, uA, 0, data[:1<<20]); resp.StatusCode != http.StatusNoContent || resp.Header.Get("Upload-Offset") != "1048576" {
		t.Fatalf("first MiB on A: %d offset %q %s", resp.StatusCode, resp.Header.Get("Upload-Offset"), body)
	}
	// tus-js-client resumes on B (HEAD: 1 MiB) and is held there while
	// another writer gets ahead on A; its PATCH at 1 MiB is then stale.
	// Small chunks, so that the server can answer 409 without cutting the
	// connection under a body it does not want.
	raced := false
	run := tc.run(map[string]any{"file": src, "uploadUrl": uB, "metadata": tusMetadata("evidence.pdf"),
		"chunkSize": 128 << 10, "holdAfterHead": true, "retryDelays": retryDelays}, func(e tusEvent, stdin io.Writer) {
		if e.Event != "held" {
			return
		}
		if e.Offset != "1048576" {
			t.Errorf("held after a HEAD with offset %q, want 1048576", e.Offset)
		}
		if resp, body := tusPatch(t, uA, 1<<20, data[1<<20:5<<20]); resp.StatusCode != http.StatusNoContent || resp.Header.Get("Upload-Offset") != "5242880" {
			t.Errorf("the other writer's PATCH on A: %d offset %q %s", resp.StatusCode, resp.Header.Get("Upload-Offset"), body)
		}
		// Raw: a PATCH with the old offset, on either replica, is 409.
		for _, u := range []string{uA, uB} {
			resp, body := tusPatch(t, u, 1<<20, data[1<<20:1<<20+64<<10])
			if resp.StatusCode != http.StatusConflict {
				t.Errorf("PATCH with a stale offset on %s: %d %s, want 409", u, resp.StatusCode, body)
			}
			if st, off := headOffset(t, u); st != http.StatusOK || off != 5<<20 {
				t.Errorf("HEAD after the stale PATCH on %s: %d offset %d, want 200 offset %d", u, st, off, 5<<20)
			}
		}
		raced = true
		io.WriteString(stdin, "go\n")
	})
	run.log(t, "with a stale offset")
	if !raced {
		t.Fatal("tus-js-client never held after its HEAD")
	}
	done, ok := run.last("success")
	if run.err != nil || !ok {
		t.Fatalf("tus-js-client did not finish: %v", run.err)
	}
	// What tus-js-client saw: its PATCH at 1 MiB answered 409, then a HEAD
	// at 5 MiB and the rest from there.
	var stale, reheaded, resumed bool
	var lastPatch string
	for _, e := range run.events {
		switch {
		case e.Event == "request" && e.Method == "PATCH":
			lastPatch = e.Offset
			resumed = resumed || (reheaded && e.Offset == "5242880")
		case e.Event == "response" && e.Method == "PATCH" && e.Status == http.StatusConflict:
			stale = stale || lastPatch == "1048576"
		case e.Event == "response" && e.Method == "HEAD" && stale:
			reheaded = reheaded || (e.Status == http.StatusOK && e.Offset == "5242880")
		}
	}
	if !stale || !reheaded || !resumed {
		t.Errorf("tus-js-client: PATCH at 1 MiB answered 409: %v; then HEAD at 5 MiB: %v; then PATCH from 5 MiB: %v", stale, reheaded, resumed)
	}
	finish(t, newS3View(t, srv), b.addr, []string{a.addr}, uploadID(t, done.URL), data, 1)
}

// hasHan reports whether s has Chinese characters (the intake's messages).
func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

func headerList(h string) []string {
	var out []string
	for _, v := range strings.Split(h, ",") {
		out = append(out, strings.TrimSpace(v))
	}
	return out
}

func TestTusProtocol(t *testing.T) {
	srv := miniotest.Start(t)
	dir := t.TempDir()
	writeManifest(t, dir)
	p := startIntake(t, dir, s3Env(srv)...)
	view := newS3View(t, srv)
	base := "http://" + p.addr + "/api/uploads/"
	meta := tusMetadata("evidence.pdf")
	create := func(length int64, meta map[string]string, hdr map[string]string) (*http.Response, []byte) {
		t.Helper()
		h := map[string]string{"Upload-Length": strconv.FormatInt(length, 10), "Upload-Metadata": encodeMetadata(meta)}
		for k, v := range hdr {
			h[k] = v
		}
		return tusDo(t, http.MethodPost, base, h, nil)
	}
	wantProblem := func(what string, resp *http.Response, body []byte, status int, code string) {
		t.Helper()
		c, msg := problemCode(body)
		if resp.StatusCode != status || (code != "" && c != code) || !hasHan(msg) {
			t.Errorf("%s: %d %s; want %d with a problem%s and a message in Chinese", what, resp.StatusCode, body, status, map[bool]string{true: " " + code, false: ""}[code != ""])
		}
	}

	// OPTIONS: the server's capabilities, without Tus-Resumable.
	resp, body := tusDo(t, http.MethodOptions, base, map[string]string{"Tus-Resumable": ""}, nil)
	ext := headerList(resp.Header.Get("Tus-Extension"))
	if resp.StatusCode != http.StatusNoContent && resp.StatusCode != http.StatusOK {
		t.Errorf("OPTIONS: %d %s", resp.StatusCode, body)
	}
	if !slices.Contains(headerList(resp.Header.Get("Tus-Version")), "1.0.0") || resp.Header.Get("Tus-Resumable") != "1.0.0" {
		t.Errorf("OPTIONS: Tus-Version %q, Tus-Resumable %q; want 1.0.0", resp.Header.Get("Tus-Version"), resp.Header.Get("Tus-Resumable"))
	}
	for _, e := range []string{"creation", "termination", "expiration"} {
		if !slices.Contains(ext, e) {
			t.Errorf("OPTIONS: Tus-Extension %q lacks %s", resp.Header.Get("Tus-Extension"), e)
		}
	}
	maxSize := atoi(resp.Header.Get("Tus-Max-Size"))
	if maxSize <= 0 {
		t.Errorf("OPTIONS: Tus-Max-Size %q, want a positive number", resp.Header.Get("Tus-Max-Size"))
	}

	// Every other request without Tus-Resumable: 1.0.0 is 412.
	someID := "aaaaaaaaaaaaaaaaaaaaaaaaaa"
	for _, c := range []struct{ method, url, version string }{
		{http.MethodPost, base, ""}, {http.MethodPost, base, "0.2.2"}, {http.MethodHead, base + someID, ""},
		{http.MethodPatch, base + someID, ""}, {http.MethodDelete, base + someID, ""},
	} {
		resp, _ := tusDo(t, c.method, c.url, map[string]string{"Tus-Resumable": c.version, "Upload-Length": "100", "Upload-Metadata": encodeMetadata(meta),
			"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}, nil)
		if resp.StatusCode != http.StatusPreconditionFailed || !slices.Contains(headerList(resp.Header.Get("Tus-Version")), "1.0.0") {
			t.Errorf("%s with Tus-Resumable %q: %d, Tus-Version %q; want 412 with Tus-Version 1.0.0", c.method, c.version, resp.StatusCode, resp.Header.Get("Tus-Version"))
		}
	}

	// Creation refusals.
	resp, body = tusDo(t, http.MethodPost, base, map[string]string{"Upload-Metadata": encodeMetadata(meta)}, nil)
	wantProblem("POST without Upload-Length", resp, body, http.StatusBadRequest, "")
	resp, body = tusDo(t, http.MethodPost, base, map[string]string{"Upload-Defer-Length": "1", "Upload-Metadata": encodeMetadata(meta)}, nil)
	wantProblem("POST with Upload-Defer-Length", resp, body, http.StatusBadRequest, "")
	resp, body = create(0, meta, nil)
	wantProblem("POST with Upload-Length 0", resp, body, http.StatusBadRequest, "")
	resp, body = create(100, map[string]string{"kind": "lottery", "field": "evidence", "filename": "a.pdf"}, nil)
	wantProblem("POST of an unknown kind", resp, body, http.StatusBadRequest, "")
	resp, body = create(100, map[string]string{"kind": "objection", "field": "nonsense", "filename": "a.pdf"}, nil)
	wantProblem("POST of an unknown field", resp, body, http.StatusBadRequest, "")
	resp, body = create(1<<40, meta, nil)
	wantProblem("POST of 1 TiB", resp, body, http.StatusRequestEntityTooLarge, "")
	resp, body = create(100, meta, map[string]string{"Origin": "http://evil.example"})
	wantProblem("POST from another origin", resp, body, http.StatusForbidden, "")
	if left := uploadObjects(t, view, ""); len(left) > 0 {
		t.Errorf("refused creations left objects: %v", left)
	}

	// Creation, HEAD, PATCH, stale and wrong PATCHes.
	data := evidence(2<<20, 1200)
	n := int64(len(data))
	before := time.Now()
	resp, body = create(n, meta, map[string]string{"Origin": "http://" + p.addr})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusCreated || !strings.HasPrefix(loc, "/api/uploads/") || !archive.ValidStagedID(strings.TrimPrefix(loc, "/api/uploads/")) {
		t.Fatalf("POST: %d Location %q %s; want 201 with /api/uploads/<26 lower-case base32 characters>", resp.StatusCode, loc, body)
	}
	if resp.Header.Get("Tus-Resumable") != "1.0.0" {
		t.Errorf("POST: Tus-Resumable %q", resp.Header.Get("Tus-Resumable"))
	}
	expires, err := http.ParseTime(resp.Header.Get("Upload-Expires"))
	if err != nil || expires.Before(before.Add(23*time.Hour)) || expires.After(before.Add(25*time.Hour)) {
		t.Errorf("POST: Upload-Expires %q (%v); want an HTTP date 24 h ahead", resp.Header.Get("Upload-Expires"), err)
	}
	u := "http://" + p.addr + loc
	id := strings.TrimPrefix(loc, "/api/uploads/")

	head := func(what string, wantOffset int64) {
		t.Helper()
		resp, _ := tusDo(t, http.MethodHead, u, nil, nil)
		if resp.StatusCode != http.StatusOK || atoi(resp.Header.Get("Upload-Offset")) != wantOffset || atoi(resp.Header.Get("Upload-Length")) != n ||
			resp.Header.Get("Upload-Expires") == "" || !strings.Contains(resp.Header.Get("Cache-Control"), "no-store") || resp.Header.Get("Tus-Resumable") != "1.0.0" {
			t.Errorf("HEAD %s: %d Upload-Offset %q Upload-Length %q Upload-Expires %q Cache-Control %q Tus-Resumable %q; want 200, %d, %d, a date, no-store, 1.0.0",
				what, resp.StatusCode, resp.Header.Get("Upload-Offset"), resp.Header.Get("Upload-Length"), resp.Header.Get("Upload-Expires"),
				resp.Header.Get("Cache-Control"), resp.Header.Get("Tus-Resumable"), wantOffset, n)
		}
		if e, err := http.ParseTime(resp.Header.Get("Upload-Expires")); err != nil || !e.Equal(expires) {
			t.Errorf("HEAD %s: Upload-Expires %q, want the creation's %s", what, resp.Header.Get("Upload-Expires"), expires.Format(http.TimeFormat))
		}
	}
	head("after creation", 0)
	resp, body = tusDo(t, http.MethodPatch, u, map[string]string{"Content-Type": "application/octet-stream", "Upload-Offset": "0"}, data[:64<<10])
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("PATCH with Content-Type application/octet-stream: %d %s, want 415", resp.StatusCode, body)
	}
	head("after a PATCH of the wrong type", 0)
	resp, body = tusPatch(t, u, 0, data[:1<<20])
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Upload-Offset") != "1048576" || resp.Header.Get("Upload-Expires") == "" || resp.Header.Get("Tus-Resumable") != "1.0.0" {
		t.Errorf("PATCH of the first MiB: %d Upload-Offset %q Upload-Expires %q %s; want 204, 1048576, a date", resp.StatusCode,
			resp.Header.Get("Upload-Offset"), resp.Header.Get("Upload-Expires"), body)
	}
	head("after the first MiB", 1<<20)
	for _, off := range []int64{0, 2 << 20} {
		resp, body = tusPatch(t, u, off, data[:64<<10])
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("PATCH at offset %d (stored: 1 MiB): %d %s, want 409", off, resp.StatusCode, body)
		}
	}
	head("after stale PATCHes", 1<<20)

	// The form refuses it while incomplete, and keeps it.
	status, body := postStaged(t, p.addr, id)
	if status == http.StatusCreated || status < 400 || !strings.Contains(string(body), "尚未上传完成") {
		t.Errorf("objection with an incomplete staged upload: %d %s; want a refusal saying 尚未上传完成", status, body)
	}
	head("after a refused form", 1<<20)

	resp, body = tusPatch(t, u, 1<<20, data[1<<20:])
	if resp.StatusCode != http.StatusNoContent || atoi(resp.Header.Get("Upload-Offset")) != n {
		t.Errorf("PATCH of the rest: %d offset %q %s", resp.StatusCode, resp.Header.Get("Upload-Offset"), body)
	}
	head("complete", n)
	resp, body = tusPatch(t, u, n, []byte("x"))
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("PATCH past Upload-Length: %d %s, want 413", resp.StatusCode, body)
	}
	head("after a PATCH past its length", n)

	// Termination.
	resp, body = tusDo(t, http.MethodDelete, u, nil, nil)
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Tus-Resumable") != "1.0.0" {
		t.Errorf("DELETE: %d %s, want 204", resp.StatusCode, body)
	}
	if st, _ := headOffset(t, u); st != http.StatusNotFound {
		t.Errorf("HEAD after DELETE: %d, want 404", st)
	}
	if resp, _ := tusPatch(t, u, n, []byte("x")); resp.StatusCode != http.StatusNotFound {
		t.Errorf("PATCH after DELETE: %d, want 404", resp.StatusCode)
	}
	if left := uploadObjects(t, view, id+"/"); len(left) > 0 {
		t.Errorf("DELETE left %v", left)
	}
	resp, _ = tusDo(t, http.MethodDelete, u, nil, nil)
	t.Logf("a second DELETE: %d", resp.StatusCode)
	for _, bad := range []string{someID, "not-an-id", strings.ToUpper(id)} {
		if st, _ := headOffset(t, base+bad); st != http.StatusNotFound {
			t.Errorf("HEAD of unknown upload %q: %d, want 404", bad, st)
		}
	}

	// A PATCH longer than the upload is refused.
	short := tusCreate(t, p.addr, 64<<10, meta)
	resp, body = tusPatch(t, short, 0, data[:64<<10+1])
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("PATCH of 64 KiB + 1 to an upload of 64 KiB: %d %s, want 413", resp.StatusCode, body)
	}

	// Renamed programs: refused after their first chunk, nothing kept.
	programs := map[string][]byte{
		"ELF": append([]byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00\x01\x00\x00\x00"), make([]byte, 64<<10)...),
		"PE":  append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8\x00\x00\x00\x00\x00\x00\x00\x40\x00"), make([]byte, 64<<10)...),
	}
	for _, name := range []string{"ELF", "PE"} {
		prog := programs[name]
		u := tusCreate(t, p.addr, 1<<20, tusMetadata("x.pdf"))
		id := uploadID(t, u)
		resp, body := tusPatch(t, u, 0, prog)
		wantProblem(name+" program named x.pdf", resp, body, http.StatusUnsupportedMediaType, "unsupported_type")
		if st, _ := headOffset(t, u); st != http.StatusNotFound {
			t.Errorf("HEAD of the refused %s upload: %d, want 404 (deleted)", name, st)
		}
		if left := uploadObjects(t, view, id+"/"); len(left) > 0 {
			t.Errorf("the refused %s upload left %v", name, left)
		}
	}
	// The short upload's leftovers belong to it; remove it and check the
	// store is clean.
	tusDo(t, http.MethodDelete, short, nil, nil)
	if left := uploadObjects(t, view, ""); len(left) > 0 {
		t.Errorf("left under uploads/: %v", left)
	}
}

func TestTusExpiration(t *testing.T) {
	srv := miniotest.Start(t)
	dir := t.TempDir()
	writeManifest(t, dir)
	view := newS3View(t, srv)
	// Uploads expire 2 s after creation; this intake's janitor does not
	// sweep during the test.
	p := startIntake(t, dir, append(s3Env(srv), "AWARD_UPLOAD_EXPIRY=2s", "AWARD_JANITOR_EVERY=1h")...)
	data := evidence(256<<10, 1300)
	complete := tusCreate(t, p.addr, int64(len(data)), tusMetadata("evidence.pdf"))
	if resp, body := tusPatch(t, complete, 0, data); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("PATCH: %d %s", resp.StatusCode, body)
	}
	partial := tusCreate(t, p.addr, int64(len(data)), tusMetadata("evidence.pdf"))
	resp, body := tusPatch(t, partial, 0, data[:64<<10])
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("PATCH: %d %s", resp.StatusCode, body)
	}
	expires, err := http.ParseTime(resp.Header.Get("Upload-Expires"))
	if err != nil || time.Until(expires) > 3*time.Second {
		t.Fatalf("Upload-Expires %q (%v), want about 2 s ahead", resp.Header.Get("Upload-Expires"), err)
	}
	time.Sleep(time.Until(expires) + 1500*time.Millisecond) // the header is to the second

	for _, u := range []string{complete, partial} {
		if st, _ := headOffset(t, u); st != http.StatusGone {
			t.Errorf("HEAD of an expired upload: %d, want 410", st)
		}
	}
	if resp, body := tusPatch(t, partial, 64<<10, data[64<<10:]); resp.StatusCode != http.StatusGone {
		t.Errorf("PATCH of an expired upload: %d %s, want 410", resp.StatusCode, body)
	}
	status, body := postStaged(t, p.addr, uploadID(t, complete))
	if status == http.StatusCreated || status < 400 || !strings.Contains(string(body), "已过期") {
		t.Errorf("objection with an expired staged upload: %d %s; want a refusal saying 已过期", status, body)
	}
	if left := uploadObjects(t, view, ""); len(left) == 0 {
		t.Fatal("nothing under uploads/ before the sweep: the test proves nothing")
	}

	// An intake whose janitor sweeps removes them. The first is stopped
	// cleanly, handing the janitor's lease back (killed, its lease of three
	// hours would keep any other janitor out until it expired).
	p.signal(t, syscall.SIGTERM)
	<-p.exited
	p = startIntake(t, dir, append(s3Env(srv), "AWARD_JANITOR_EVERY=1s", "AWARD_JANITOR_AFTER=1s")...)
	waitFor(t, "expired uploads swept", 20*time.Second, func() bool { return len(uploadObjects(t, view, "")) == 0 })
	for _, u := range []string{complete, partial} {
		u = "http://" + p.addr + "/api/uploads/" + uploadID(t, u)
		if st, _ := headOffset(t, u); st != http.StatusNotFound {
			t.Errorf("HEAD of a swept upload: %d, want 404", st)
		}
	}
}
