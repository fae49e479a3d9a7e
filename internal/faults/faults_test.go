package faults

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/zhongmou/award/storage/miniotest"
	"github.com/zhongmou/award/submission"
)

func TestMinioKilledDuringUploads(t *testing.T) {
	srv := miniotest.Start(t)
	dir := t.TempDir()
	writeManifest(t, dir)
	p := startIntake(t, dir, append(s3Env(srv), "AWARD_JANITOR_EVERY=1s", "AWARD_JANITOR_AFTER=2s")...)
	view := newS3View(t, srv)
	var f figures

	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	datas := evidenceFiles(24, 4, 100)
	done := make(chan []outcome)
	var acked atomic.Int32
	go func() { done <- uploadAllCount(ctx, newClient(), []string{p.addr}, datas, 15*time.Millisecond, &acked) }()

	// Kill MinIO once some uploads are acknowledged and others in flight.
	for start := time.Now(); acked.Load() < 3 && time.Since(start) < 5*time.Second; {
		time.Sleep(10 * time.Millisecond)
	}
	seen := inflightKeys(t, view)
	srv.Kill()
	f.faults++
	down := waitReadyz(t, p.addr, http.StatusServiceUnavailable, 10*time.Second)
	t.Logf("MinIO killed; /readyz 503 after %v", down.Round(time.Millisecond))
	time.Sleep(2 * time.Second)
	srv.Restart(t)
	up := waitReadyz(t, p.addr, http.StatusOK, 15*time.Second)
	t.Logf("MinIO restarted; /readyz 200 after %v (same intake process)", up.Round(time.Millisecond))

	var outs []outcome
	select {
	case outs = <-done:
	case <-time.After(50 * time.Second):
		t.Fatal("uploads did not all end within 50s")
	}
	f.count(outs)
	checkOutcomes(t, outs)
	for i, o := range outs {
		if o.status == 0 && ctx.Err() != nil {
			t.Errorf("upload %d got no answer before the test's deadline: %v", i, o.err)
		}
	}
	seen = append(seen, inflightKeys(t, view)...)
	// A commit that had claimed its upload when MinIO died failed, and
	// could not clear what it left: by design the janitor leaves that
	// until the claim is 10 minutes old (waitSwept checks each one).
	swept := waitSwept(t, view, outs, 20*time.Second)
	t.Logf("janitor swept the in-flight records %v after the last answer", swept.Round(time.Millisecond))
	time.Sleep(3 * time.Second) // one more sweep for orphans older than JANITOR_AFTER
	reconcile(t, view, outs, seen, &f)
	f.log(t)
}

func TestIntakeKilledMidUpload(t *testing.T) {
	srv := miniotest.Start(t)
	dir := t.TempDir()
	writeManifest(t, dir)
	// The first intake must not sweep its own upload in flight (its janitor
	// judges age by the record's start); the restarted one sweeps soon.
	p := startIntake(t, dir, append(s3Env(srv), "AWARD_JANITOR_EVERY=1s", "AWARD_JANITOR_AFTER=1h")...)
	env := append(s3Env(srv), "AWARD_JANITOR_EVERY=1s", "AWARD_JANITOR_AFTER=2s")
	view := newS3View(t, srv)
	var f figures

	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	data := evidence(40<<20, 200)
	done := make(chan outcome, 1)
	go func() { done <- post(ctx, newClient(), p.addr, data, 10*time.Millisecond) }()

	// Wait until the first 8 MiB part has gone to MinIO: a multipart
	// upload is open under the file key.
	var keys []string
	deadline := time.Now().Add(20 * time.Second)
	for {
		keys = inflightKeys(t, view)
		if len(keys) > 0 {
			if n, _ := view.incomplete(keys[0]); n > 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no multipart upload in progress within 20s (in-flight keys %v)", keys)
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.kill()
	f.faults++
	o := <-done
	outs := []outcome{o}
	f.count(outs)
	checkOutcomes(t, outs)
	if o.acked() {
		t.Fatalf("an upload cut by SIGKILL was acknowledged: %s", o.reference)
	}
	ref := strings.TrimSuffix(strings.TrimPrefix(keys[0], "objections/"), "/files/001")
	if _, err := view.get(submission.ManifestKey(submission.KindObjection, ref)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("partial submission %s visible: manifest get err %v", ref, err)
	}
	n, _ := view.incomplete(keys[0])
	t.Logf("intake killed: client saw %v; left behind: in-flight record for %s, %d incomplete upload(s) under %s", o.err, ref, n, keys[0])

	startIntake(t, dir, env...)
	swept := waitNoInflight(t, view, 15*time.Second)
	t.Logf("the restarted intake's janitor swept it within %v", swept.Round(time.Millisecond))
	reconcile(t, view, outs, keys, &f)
	f.log(t)
}

func TestSigtermUnderLoad(t *testing.T) {
	srv := miniotest.Start(t)
	dir := t.TempDir()
	writeManifest(t, dir)
	p := startIntake(t, dir, s3Env(srv)...)
	view := newS3View(t, srv)
	var f figures

	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	datas := evidenceFiles(16, 4, 300)
	done := make(chan []outcome)
	go func() { done <- uploadAll(ctx, newClient(), []string{p.addr}, datas, 20*time.Millisecond) }()

	time.Sleep(700 * time.Millisecond)
	p.signal(t, syscall.SIGTERM)
	f.faults++
	sent := time.Now()
	// The listener must close promptly: poll until a dial is refused.
	var refusedAfter time.Duration
	for {
		c, err := net.DialTimeout("tcp", p.addr, 2*time.Second)
		if err != nil {
			refusedAfter = time.Since(sent)
			t.Logf("new connections refused %v after SIGTERM: %v", refusedAfter.Round(time.Millisecond), err)
			break
		}
		c.Close()
		if time.Since(sent) > 10*time.Second {
			t.Fatalf("new connections still accepted 10s after SIGTERM")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if refusedAfter > 2*time.Second {
		t.Errorf("new connections accepted for %v after SIGTERM", refusedAfter.Round(time.Millisecond))
	}
	late := post(ctx, &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}, p.addr, evidence(1<<20, 399), 0)
	if late.acked() || late.status != 0 {
		t.Errorf("a submission sent after SIGTERM was answered %d", late.status)
	}

	outs := <-done
	select {
	case <-p.exited:
	case <-time.After(35 * time.Second):
		t.Fatal("intake did not exit within 35s of SIGTERM")
	}
	t.Logf("intake exited %v after SIGTERM: %v", time.Since(sent).Round(time.Millisecond), p.err)
	if p.err != nil {
		t.Errorf("intake exit after SIGTERM: %v", p.err)
	}
	f.count(outs)
	checkOutcomes(t, outs)
	for i, o := range outs {
		if !o.acked() {
			t.Errorf("upload %d in flight at SIGTERM was not finished: status %d %s %v", i, o.status, o.code, o.err)
		}
	}
	reconcile(t, view, outs, nil, &f)
	f.log(t)
}

func TestTwoReplicas(t *testing.T) {
	srv := miniotest.Start(t)
	dir := t.TempDir()
	writeManifest(t, dir)
	a := startIntake(t, dir, s3Env(srv)...)
	b := startIntake(t, dir, s3Env(srv)...)
	view := newS3View(t, srv)
	var f figures

	for _, p := range []*intakeProc{a, b} {
		body := get(t, "http://"+p.addr+"/api/objections/new?publicity="+publicity+"&candidate=c01", "")
		if !strings.Contains(body, "故障注入测试公示") || !strings.Contains(body, "示例公司") {
			t.Errorf("replica %s does not show the open publicity", p.addr)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	client := newClient()
	datas := evidenceFiles(32, 4, 500)
	outs := uploadAll(ctx, client, []string{a.addr, b.addr}, datas, 0)
	f.count(outs)
	checkOutcomes(t, outs)
	for i, o := range outs {
		if !o.acked() {
			t.Errorf("upload %d refused under normal load: %d %s %v", i, o.status, o.code, o.err)
			continue
		}
		other := []*intakeProc{b, a}[i%2]
		body := get(t, "http://"+other.addr+"/api/receipts/"+o.reference+"?token="+o.token, "application/json")
		if !strings.Contains(body, o.files[0].SHA256) {
			t.Errorf("receipt %s from the other replica does not show the file's SHA-256", o.reference)
		}
	}
	reconcile(t, view, outs, nil, &f)
	f.log(t)
}

func get(t *testing.T, url, accept string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Errorf("GET %s: %v", url, err)
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

func TestDiskFull(t *testing.T) {
	dir := t.TempDir()
	mnt := filepath.Join(dir, "data")
	if err := os.Mkdir(mnt, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", mnt).CombinedOutput(); err != nil {
		msg := fmt.Sprintf("cannot mount an 8 MiB tmpfs (needs root and mount(2)): %v %s", err, out)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", mnt, err, out)
		}
	})
	writeManifest(t, dir)
	p := startIntake(t, dir) // AWARD_DATA_DIR is dir/data, the tmpfs
	view := dirView{root: mnt}
	var f figures
	f.faults++

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := newClient()
	var outs []outcome
	for i := range 5 {
		outs = append(outs, post(ctx, client, p.addr, evidence(3<<20, uint64(600+i)), 0))
	}
	// and some at once, when the disk is already full
	outs = append(outs, uploadAll(ctx, client, []string{p.addr}, evidenceFiles(4, 4, 700), 0)...)
	f.count(outs)
	checkOutcomes(t, outs)
	full := 0
	for i, o := range outs {
		switch {
		case o.acked():
		case o.status == http.StatusServiceUnavailable && o.code == "unavailable":
			full++
		default:
			t.Errorf("upload %d: want 201 or 503 unavailable, got %d %q %v", i, o.status, o.code, o.err)
		}
	}
	if full == 0 {
		t.Errorf("no upload was refused with 503 unavailable on a full disk")
	}
	// Nothing half-written, before any janitor sweep: a refused request
	// cleans up after itself.
	tmp, _ := view.list(".tmp/")
	if len(tmp) > 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
	reconcile(t, view, outs, nil, &f)
	f.log(t)
}
