// Command consolebench measures the console's inbox and search over a
// real MinIO holding -n submissions (default 10,000: half applications,
// half objections, every third moved to 已受理), written in parallel
// through the archive's own API. It signs a clerk (秘书处) in with a real
// HTTP client and times the inbox's first page, a filtered view and a
// search (p50/p95 over -reps requests each), and the first inbox page
// after a restart: a new archive and console over the same store, nothing
// in memory. The peer is the floor: the bare store listings any inbox over
// this store needs (objections/, applications/, status/), timed in the
// same run. Each goal is recorded through bench/goals.
//
//	AWARD_MINIO_BIN=bin/minio go run ./bench/consolebench [-n 10000] [-reps 50]
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/zhongmou/award/bench/goals"
	"github.com/zhongmou/award/console"
	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/storage/miniotest"
	"github.com/zhongmou/award/submission"
	"github.com/zhongmou/award/workday"
)

func main() {
	n := flag.Int("n", 10000, "submissions to generate")
	reps := flag.Int("reps", 50, "requests per measured view")
	workers := flag.Int("workers", 16, "parallel writers while generating")
	flag.Parse()
	if err := run(*n, *reps, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "consolebench:", err)
		os.Exit(1)
	}
}

// keys are the bench's archive keys (fixed: nothing here is secret).
var (
	sealKey   = bytes.Repeat([]byte{7}, 32)
	recordKey = bytes.Repeat([]byte{0x5a}, 32)
)

// instance is one console process: an archive, a staff directory and a
// console server over the shared store, with nothing carried over.
type instance struct {
	arch *archive.Archive
	dir  *staff.Directory
	ts   *httptest.Server
}

func newInstance(store storage.Store, cal *workday.Calendar) (*instance, error) {
	sealer, err := submission.NewSealer(sealKey)
	if err != nil {
		return nil, err
	}
	signer, err := submission.NewSigner(recordKey)
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	arch := archive.New(store, sealer, ledger.New(store, signer, time.Now), archive.DefaultConfig(), archive.Options{Log: log})
	dir := staff.NewDirectory(store, sealer, time.Now)
	srv, err := console.New(console.DefaultConfig(), console.Deps{Archive: arch, Staff: dir, Log: log,
		Townships: []string{"韩寺镇", "官渡镇", "刘集镇"}, Calendar: cal})
	if err != nil {
		return nil, err
	}
	return &instance{arch: arch, dir: dir, ts: httptest.NewServer(srv)}, nil
}

func run(n, reps, workers int) error {
	ctx := context.Background()
	fmt.Printf("consolebench: %s %s/%s, %d CPUs, n=%d, reps=%d\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), n, reps)
	srv, stop, err := miniotest.StartMain()
	if err != nil {
		return err
	}
	defer stop()
	store, err := storage.NewS3Store(ctx, storage.S3Config{Endpoint: srv.Endpoint, Bucket: "console", AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Insecure: true})
	if err != nil {
		return err
	}
	cal, err := workday.Load(os.DirFS("."), "holidays.yaml")
	if err != nil {
		return fmt.Errorf("run from the repository's root: %w", err)
	}
	first, err := newInstance(store, cal)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := generate(ctx, first.arch, n, workers); err != nil {
		return err
	}
	fmt.Printf("generated %d submissions in %.1f s (%d writers)\n", n, time.Since(start).Seconds(), workers)

	name := "benchclerk"
	c, password, secret, err := signIn(first, name)
	if err != nil {
		return err
	}
	floor, err := timeFloor(ctx, store, reps, false)
	if err != nil {
		return err
	}
	fmt.Printf("floor (List objections/, applications/, status/, one after another): p50 %s p95 %s\n", ms(floor[0]), ms(floor[1]))
	par, err := timeFloor(ctx, store, reps, true)
	if err != nil {
		return err
	}
	fmt.Printf("floor (the same three listings at once): p50 %s p95 %s\n", ms(par[0]), ms(par[1]))
	peer := "store listings " + ms(floor[1]) + " serial, " + ms(par[1]) + " at once"
	// warm: the first view after generating reads what this process has
	// not read yet
	if _, err := get(c, first.ts.URL+"/staff/"); err != nil {
		return err
	}
	views := []struct{ name, path string }{
		{"inbox first page", "/staff/"},
		{"filtered view (applications at 已受理)", "/staff/?" + url.Values{"kind": {"application"}, "stage": {submission.StageAccepted}}.Encode()},
		{"search (organisation name)", "/staff/?" + url.Values{"q": {"第4321食品"}}.Encode()},
	}
	for _, v := range views {
		p, err := timeView(c, first.ts.URL+v.path, reps)
		if err != nil {
			return err
		}
		fmt.Printf("%s: p50 %s p95 %s\n", v.name, ms(p[0]), ms(p[1]))
		goals.Record(os.Stdout, goals.Result{Bench: "consolebench", Name: fmt.Sprintf("console %s p95, %d submissions, MinIO", v.name, n),
			Figure: ms(p[1]), Peer: peer, Goal: "≤ 100 ms", Met: p[1] <= 100*time.Millisecond})
	}
	first.ts.Close()

	// restart: a new archive, directory and console over the same store
	second, err := newInstance(store, cal)
	if err != nil {
		return err
	}
	defer second.ts.Close()
	c2 := newClient()
	if err := login(c2, second.ts.URL, name, password, secret, 2); err != nil {
		return err
	}
	t0 := time.Now()
	if _, err := get(c2, second.ts.URL+"/staff/"); err != nil {
		return err
	}
	restart := time.Since(t0)
	fmt.Printf("first inbox page after a restart: %s\n", ms(restart))
	goals.Record(os.Stdout, goals.Result{Bench: "consolebench", Name: fmt.Sprintf("console first inbox page after a restart, %d submissions, MinIO", n),
		Figure: ms(restart), Peer: peer, Goal: "≤ 2 s", Met: restart <= 2*time.Second})
	return nil
}

// generate commits n submissions through the archive with workers writers:
// even ones objections, odd ones applications of three townships, every
// third then moved to 已受理 by a status event.
func generate(ctx context.Context, a *archive.Archive, n, workers int) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := addOne(ctx, a, i); err != nil {
					errs <- fmt.Errorf("submission %d: %w", i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

var townships = []string{"韩寺镇", "官渡镇", "刘集镇"}

func addOne(ctx context.Context, a *archive.Archive, i int) error {
	kind := submission.KindObjection
	if i%2 == 1 {
		kind = submission.KindApplication
	}
	up, err := a.Begin(ctx, kind)
	if err != nil {
		return err
	}
	st, err := up.Put(ctx, strings.NewReader(fmt.Sprintf("%%PDF-1.4 file of %d", i)), "application/pdf")
	if err != nil {
		return err
	}
	var cm archive.Commitment
	if kind == submission.KindObjection {
		f := submission.ObjectionFields{Publicity: "2026-candidates", PublicityTitle: "第三届县长质量奖候选名单公示", Candidate: fmt.Sprintf("c%d", i%40),
			CandidateName: fmt.Sprintf("中牟县第%d食品有限公司", i%40), CandidateCreditCode: fmt.Sprintf("91410122MA%08d", i%40), ObjectorType: "individual",
			Statement: "该企业2025年曾发生质量事故。", Consent: "yes", Notice: "2026-11"}
		cm = archive.Commitment{Fields: f.Map(), Identity: submission.ObjectorIdentity{Type: "individual", Name: "王秀英", IDNumber: "11010519491231002X", Phone: "13912345678"},
			Files: []submission.File{{Field: "evidence", Name: "证据.pdf", Key: st.Key, Size: st.Size, SHA256: st.SHA256, Type: "application/pdf"}}}
	} else {
		f := submission.ApplicationFields{Call: "2026-call", CallTitle: "第三届县长质量奖申报", OrgName: fmt.Sprintf("中牟县第%d食品有限公司", i), CreditCode: fmt.Sprintf("91410122MA%08d", i),
			OrgKind: "企业", Township: townships[i%3], Address: "中牟县某路1号", LittleGiant: "no"}
		if i%4 == 1 {
			f.MissingSlots = "honors"
		}
		for j := range f.Declarations {
			f.Declarations[j], f.DeclarationTexts[j] = "none", "情形"+string(rune('一'+j))
		}
		cm = archive.Commitment{Fields: f.Map(), Identity: submission.ApplicantIdentity{LegalRepresentative: "李建国", ContactName: "赵敏", Phone: "13800001111", Email: "zhaomin@example.com"},
			Files: []submission.File{{Field: submission.SlotSelfAssessment, Name: "自评报告.pdf", Key: st.Key, Size: st.Size, SHA256: st.SHA256, Type: "application/pdf"}}}
	}
	m, _, err := up.Commit(ctx, cm)
	if err != nil {
		return err
	}
	if i%3 == 0 {
		_, err = a.AppendEvent(ctx, submission.Status{Reference: m.Reference, Stage: submission.StageAccepted, Operator: "bench", At: time.Now()}, 0)
	}
	return err
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// get fetches a page, which must answer 200, and returns its body.
func get(c *http.Client, u string) (string, error) {
	resp, err := c.Get(u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return string(body), err
}

// post posts form with the CSRF token of the page at path; it must answer
// 303.
func post(c *http.Client, base, path string, form url.Values) error {
	page, err := get(c, base+path)
	if err != nil {
		return err
	}
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		return fmt.Errorf("%s: no CSRF token", path)
	}
	form.Set("csrf", m[1])
	resp, err := c.PostForm(base+path, form)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("POST %s: %s %.300s", path, resp.Status, body)
	}
	return nil
}

// login signs in with a TOTP code of step steps from now (a code is taken
// once, so each sign-in uses a later step; the directory accepts a step
// or two of drift).
func login(c *http.Client, base, name, password, secret string, step int) error {
	code, err := totp.GenerateCode(secret, time.Now().Add(time.Duration(step-1)*30*time.Second))
	if err != nil {
		return err
	}
	return post(c, base, "/staff/login", url.Values{"name": {name}, "password": {password}, "otp": {code}})
}

// signIn makes a 秘书处 account and signs a client in, setting its own
// password; it returns the password and TOTP secret for a later sign-in.
func signIn(in *instance, name string) (c *http.Client, password, secret string, err error) {
	_, initial, uri, err := in.dir.Add(context.Background(), name, staff.Secretariat, "")
	if err != nil {
		return nil, "", "", err
	}
	u, err := url.Parse(uri)
	if err != nil {
		return nil, "", "", err
	}
	secret = u.Query().Get("secret")
	c = newClient()
	if err := login(c, in.ts.URL, name, initial, secret, 1); err != nil {
		return nil, "", "", err
	}
	password = "一句只有我知道的话-秋天的稻田"
	if err := post(c, in.ts.URL, "/staff/password", url.Values{"old": {initial}, "new": {password}, "again": {password}}); err != nil {
		return nil, "", "", err
	}
	return c, password, secret, nil
}

// timeView is p50 and p95 of reps GETs of u.
func timeView(c *http.Client, u string, reps int) ([2]time.Duration, error) {
	ds := make([]time.Duration, 0, reps)
	for range reps {
		t0 := time.Now()
		if _, err := get(c, u); err != nil {
			return [2]time.Duration{}, err
		}
		ds = append(ds, time.Since(t0))
	}
	return quantiles(ds), nil
}

// timeFloor is p50 and p95 of the three listings any inbox needs, one
// after another or (parallel) all at once.
func timeFloor(ctx context.Context, store storage.Store, reps int, parallel bool) ([2]time.Duration, error) {
	ds := make([]time.Duration, 0, reps)
	for range reps {
		t0 := time.Now()
		var wg sync.WaitGroup
		errs := make([]error, 3)
		for i, p := range []string{"objections/", "applications/", "status/"} {
			list := func() { _, errs[i] = store.List(ctx, p) }
			if parallel {
				wg.Go(list)
			} else {
				list()
			}
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return [2]time.Duration{}, err
			}
		}
		ds = append(ds, time.Since(t0))
	}
	return quantiles(ds), nil
}

func quantiles(ds []time.Duration) [2]time.Duration {
	slices.Sort(ds)
	q := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	return [2]time.Duration{q(0.50), q(0.95)}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
