package faults

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/storage/miniotest"
	"github.com/zhongmou/award/submission"
	"github.com/zhongmou/award/workday"
)

var (
	awardBin string // built once in TestMain
	repoRoot string // working directory of award intake (holidays.yaml, townships.yaml)
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	wd, _ := os.Getwd()
	repoRoot = filepath.Dir(filepath.Dir(wd)) // internal/faults
	awardBin = filepath.Join(dir, "award")
	cmd := exec.Command("go", "build", "-o", awardBin, "./cmd/award")
	cmd.Dir = repoRoot
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "faults: build award:", err)
		return 1
	}
	return m.Run()
}

const (
	bucket    = "faults"
	publicity = "faults"
)

// writeManifest writes a windows.json whose publicity is open now.
func writeManifest(t *testing.T, dir string) string {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	today := workday.DateOf(time.Now().In(loc))
	m := schedule.Manifest{Version: schedule.ManifestVersion, TimeZone: "Asia/Shanghai",
		Publicities: []schedule.Publicity{{ID: publicity, Title: "故障注入测试公示", Session: 7,
			FirstDay: today.AddDays(-1), LastDay: today.AddDays(1), WorkingDays: 5,
			Opens: today.AddDays(-1).Start(loc), Closes: today.AddDays(2).Start(loc),
			Candidates: []schedule.Candidate{{ID: "c01", Name: "示例公司", CreditCode: "91410122MA00J8NW0M"}}}}}
	data, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "windows.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// intakeProc is one running `award intake`.
type intakeProc struct {
	cmd    *exec.Cmd
	addr   string
	log    string
	exited chan struct{}
	err    error // Wait's, once exited is closed
}

// s3Env is the intake's environment for the MinIO server s.
func s3Env(s miniotest.Server) []string {
	return []string{"AWARD_S3_ENDPOINT=" + s.Endpoint, "AWARD_S3_BUCKET=" + bucket, "AWARD_S3_ACCESS_KEY=" + s.AccessKey,
		"AWARD_S3_SECRET_KEY=" + s.SecretKey, "AWARD_S3_INSECURE=1"}
}

// identityKey is one sealing key shared by all intakes of a test run.
var identityKey = func() string {
	k := make([]byte, 32)
	rand.Read(k)
	return base64.StdEncoding.EncodeToString(k)
}()

// recordKey is the record key (manifest MACs, the ledger) shared by all
// intakes of a test run.
var recordKey = func() string {
	k := make([]byte, 32)
	rand.Read(k)
	return base64.StdEncoding.EncodeToString(k)
}()

// startIntake runs award intake with the given extra environment, waits
// until /readyz answers 200, and kills it when the test ends.
func startIntake(t *testing.T, dir string, env ...string) *intakeProc {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return startIntakeOn(t, dir, addr, env...)
}

// startIntakeOn is startIntake on a given address (an intake restarted
// where the previous one listened).
func startIntakeOn(t *testing.T, dir, addr string, env ...string) *intakeProc {
	t.Helper()
	var base []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWARD_") && !strings.HasPrefix(kv, "ADDR=") {
			base = append(base, kv)
		}
	}
	base = append(base, "AWARD_MANIFEST="+filepath.Join(dir, "windows.json"), "AWARD_IDENTITY_KEY="+identityKey, "AWARD_RECORD_KEY="+recordKey,
		"AWARD_DATA_DIR="+filepath.Join(dir, "data"), "AWARD_MAX_FILE_BYTES=67108864", "AWARD_MAX_REQUEST_BYTES=134217728")
	base = append(base, generousRates...)
	cmd := exec.Command(awardBin, "intake", "-addr", addr, "-staff-addr", "127.0.0.1:0", "-intake-config", filepath.Join(dir, "none.yaml"))
	cmd.Dir = repoRoot
	cmd.Env = append(base, env...)
	logf, err := os.CreateTemp(dir, "intake-*.log")
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &intakeProc{cmd: cmd, addr: addr, log: logf.Name(), exited: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			b, _ := os.ReadFile(p.log)
			if len(b) > 6000 {
				b = b[len(b)-6000:]
			}
			t.Logf("intake log %s (tail):\n%s", p.addr, b)
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			b, _ := os.ReadFile(p.log)
			t.Fatalf("intake exited while starting: %v\n%s", p.err, b)
		default:
		}
		if readyz(addr) == http.StatusOK {
			return p
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("intake not ready within 30s")
	return nil
}

// generousRates lifts any per-client rate limits the intake may enforce, so
// that the load of these tests is never refused with 429.
var generousRates = []string{"AWARD_RATE_SUBMIT=100000/1m,100000", "AWARD_RATE_RECEIPT=100000/1m,100000", "AWARD_RATE_UPLOAD=100000/1m,100000", "AWARD_RATE_REFUSAL=100000/1m,100000"}

func (p *intakeProc) kill() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// readyz returns the status of GET /readyz, or 0 if there was no answer.
func readyz(addr string) int {
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get("http://" + addr + "/readyz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitReadyz polls /readyz until it answers want.
func waitReadyz(t *testing.T, addr string, want int, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < within {
		if readyz(addr) == want {
			return time.Since(start)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("/readyz did not answer %d within %v", want, within)
	return 0
}

// evidence returns n bytes of PDF-headed random data.
func evidence(n int, seed uint64) []byte {
	buf := make([]byte, n)
	rng := mrand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), 7})
	_, _ = rng.Read(buf)
	copy(buf, "%PDF-1.4\n")
	copy(buf[len(buf)-7:], "\n%%EOF\n") // a whole PDF ends so
	return buf
}

// evidenceFiles returns n evidence files of 1 to maxMiB MiB (a little
// less each, so that no two are alike in size).
func evidenceFiles(n, maxMiB int, seed uint64) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = evidence((1+i%maxMiB)<<20-i*4096, seed+uint64(i))
	}
	return out
}

// fileReceipt is one file of a receipt.
type fileReceipt struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// outcome is what one client saw.
type outcome struct {
	status    int // 0: no answer (broken connection, refused, timeout)
	code      string
	reference string
	token     string
	files     []fileReceipt
	sent      []byte // the evidence
	err       error
}

func (o outcome) acked() bool { return o.status == http.StatusCreated }

// objectionFields are the text fields of a valid objection.
var objectionFields = [][2]string{
	{"publicity", publicity}, {"candidate", "c01"}, {"objectorType", "individual"}, {"name", "张三"},
	{"idNumber", "11010519491231002X"}, {"phone", "13800138000"},
	{"statement", "该组织存在拖欠农民工工资的情况，附有相关证明材料，请予以核实。"}, {"consent", "yes"},
}

// post sends one objection whose evidence is streamed in chunks of 64 KiB
// with pace between them, so that it is in flight for a while. A 201 must
// carry a receipt matching what was sent; anything else is an explicit
// refusal (status ≥ 400) or no answer.
func post(ctx context.Context, client *http.Client, addr string, data []byte, pace time.Duration) outcome {
	o := outcome{sent: data}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		var err error
		for _, f := range objectionFields {
			if err = mw.WriteField(f[0], f[1]); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		part, err := mw.CreateFormFile("evidence", "evidence.pdf")
		for off := 0; err == nil && off < len(data); off += 64 << 10 {
			end := min(off+64<<10, len(data))
			if _, err = part.Write(data[off:end]); err == nil && pace > 0 {
				select {
				case <-time.After(pace):
				case <-ctx.Done():
					err = ctx.Err()
				}
			}
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+"/api/objections", pr)
	if err != nil {
		o.err = err
		return o
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		pr.CloseWithError(err)
		o.err = err
		return o
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	pr.CloseWithError(errors.New("response received"))
	o.status = resp.StatusCode
	if err != nil {
		o.status, o.err = 0, fmt.Errorf("status %d, body cut: %w", resp.StatusCode, err)
		return o
	}
	if resp.StatusCode == http.StatusCreated {
		var r struct {
			Reference string        `json:"reference"`
			Token     string        `json:"token"`
			Files     []fileReceipt `json:"files"`
		}
		if err := json.Unmarshal(body, &r); err != nil || r.Reference == "" || r.Token == "" {
			o.err = fmt.Errorf("201 without a receipt: %s", body)
			return o
		}
		o.reference, o.token, o.files = r.Reference, r.Token, r.Files
		sum := sha256.Sum256(data)
		if len(r.Files) != 1 || r.Files[0].SHA256 != hex.EncodeToString(sum[:]) || r.Files[0].Size != int64(len(data)) {
			o.err = fmt.Errorf("receipt does not match what was sent: %s", body)
		}
		return o
	}
	var p struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &p)
	o.code = p.Error.Code
	if resp.StatusCode < 400 {
		o.err = fmt.Errorf("neither a receipt nor an error: status %d: %s", resp.StatusCode, body)
	}
	return o
}

// newClient is an HTTP client for one test's uploads.
func newClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: 64}}
}

// figures are what a test reports.
type figures struct {
	faults, attempted, acked, refused, broken, verified, lost int
	statuses                                                  map[string]int
}

func (f *figures) count(outs []outcome) {
	if f.statuses == nil {
		f.statuses = map[string]int{}
	}
	for _, o := range outs {
		f.attempted++
		switch {
		case o.acked():
			f.acked++
		case o.status >= 400:
			f.refused++
		default:
			f.broken++
		}
		k := fmt.Sprint(o.status)
		if o.code != "" {
			k += " " + o.code
		}
		f.statuses[k]++
	}
}

func (f *figures) log(t *testing.T) {
	t.Helper()
	t.Logf("figures: faults injected %d, submissions attempted %d, acknowledged %d, refused %d, broken %d, verified %d, lost %d; answers %v",
		f.faults, f.attempted, f.acked, f.refused, f.broken, f.verified, f.lost, f.statuses)
	if f.lost != 0 {
		t.Errorf("%d acknowledged submissions lost", f.lost)
	}
	if f.verified != f.acked {
		t.Errorf("verified %d of %d acknowledged", f.verified, f.acked)
	}
}

// checkOutcomes fails the test on any answer that is neither a receipt nor
// an explicit error, and on 429 (rate limits must not apply to these tests).
func checkOutcomes(t *testing.T, outs []outcome) {
	t.Helper()
	for i, o := range outs {
		if o.status != 0 && o.err != nil {
			t.Errorf("upload %d: %v", i, o.err)
		}
		if o.status == http.StatusTooManyRequests {
			t.Errorf("upload %d: 429: the intake rate-limits; set its rate env vars generously (generousRates)", i)
		}
	}
}

// objectStore is what reconciliation reads storage through.
type objectStore interface {
	get(key string) ([]byte, error) // error wrapping os.ErrNotExist if absent
	list(prefix string) ([]string, error)
	incomplete(key string) (int, error)
	// store opens the same storage as a storage.Store, for the ledger's
	// verification.
	store(t *testing.T) storage.Store
}

// s3View reads the bucket with minio-go directly.
type s3View struct {
	core *minio.Core
	srv  miniotest.Server
}

func newS3View(t *testing.T, s miniotest.Server) s3View {
	t.Helper()
	core, err := minio.NewCore(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	return s3View{core: core, srv: s}
}

func (v s3View) store(t *testing.T) storage.Store {
	t.Helper()
	st, err := storage.NewS3Store(context.Background(), storage.S3Config{Endpoint: v.srv.Endpoint, Bucket: bucket,
		AccessKey: v.srv.AccessKey, SecretKey: v.srv.SecretKey, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func (v s3View) get(key string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	obj, err := v.core.Client.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, err
	}
	defer obj.Close()
	b, err := io.ReadAll(obj)
	if minio.ToErrorResponse(err).Code == "NoSuchKey" {
		return nil, fmt.Errorf("%s: %w", key, os.ErrNotExist)
	}
	return b, err
}

func (v s3View) list(prefix string) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var keys []string
	for oi := range v.core.Client.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if oi.Err != nil {
			return nil, oi.Err
		}
		keys = append(keys, oi.Key)
	}
	return keys, nil
}

func (v s3View) incomplete(key string) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n := 0
	for u := range v.core.Client.ListIncompleteUploads(ctx, bucket, key, false) {
		if u.Err != nil {
			return 0, u.Err
		}
		if u.Key == key {
			n++
		}
	}
	return n, nil
}

// inflightKeys reads the in-flight records now in storage and returns the
// file keys they list.
func inflightKeys(t *testing.T, v objectStore) []string {
	t.Helper()
	recs, err := v.list("inflight/")
	if err != nil {
		t.Fatalf("list in-flight: %v", err)
	}
	var keys []string
	for _, k := range recs {
		b, err := v.get(k)
		if err != nil {
			continue // removed meanwhile
		}
		var rec submission.Inflight
		if json.Unmarshal(b, &rec) == nil {
			keys = append(keys, rec.Keys...)
		}
	}
	return keys
}

// waitNoInflight waits until no in-flight record remains (the janitor has
// swept), returning how long it took.
func waitNoInflight(t *testing.T, v objectStore, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		recs, err := v.list("inflight/")
		if err == nil && len(recs) == 0 {
			return time.Since(start)
		}
		if time.Since(start) > within {
			t.Errorf("in-flight records still there after %v: %v (err %v)", within, recs, err)
			return time.Since(start)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// reconcile checks storage against the receipts: every acknowledged
// submission has its manifest, token hash and files with the receipt's
// SHA-256 and size; no object lies under a prefix without a manifest; no
// in-flight record; no incomplete multipart upload under any file key known
// (extraKeys: keys from in-flight records seen during the test).
func reconcile(t *testing.T, v objectStore, outs []outcome, extraKeys []string, f *figures) {
	t.Helper()
	refs := map[string]bool{}
	for _, o := range outs {
		if !o.acked() {
			continue
		}
		if refs[o.reference] {
			t.Errorf("reference %s acknowledged twice", o.reference)
		}
		refs[o.reference] = true
		if err := verifyOne(v, o); err != nil {
			t.Errorf("acknowledged %s: %v", o.reference, err)
			f.lost++
			continue
		}
		f.verified++
	}
	keys, err := v.list("")
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	committed := map[string]bool{}
	for _, k := range keys {
		if strings.HasSuffix(k, "/manifest.json") {
			committed[strings.TrimSuffix(k, "manifest.json")] = true
		}
	}
	fileKeys := map[string]bool{}
	for _, k := range extraKeys {
		fileKeys[k] = true
	}
	for _, k := range keys {
		switch {
		case awaitingStaleClaim(k):
			t.Logf("left for the janitor's stale-claim timeout (a commit killed after its claim): %s", k)
		case strings.HasPrefix(k, "inflight/"):
			t.Errorf("in-flight record left: %s", k)
		case strings.HasPrefix(k, "objections/") || strings.HasPrefix(k, "applications/"):
			if i := strings.Index(k, "/files/"); i >= 0 {
				fileKeys[k] = true
				if !committed[k[:i+1]] {
					t.Errorf("object without a manifest: %s", k)
				}
			}
		}
	}
	for ref := range refs {
		for n := 1; n <= 2; n++ {
			fileKeys[submission.FileKey(submission.KindObjection, ref, n)] = true
		}
	}
	sorted := make([]string, 0, len(fileKeys))
	for k := range fileKeys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		n, err := v.incomplete(k)
		if err != nil {
			t.Errorf("list incomplete uploads %s: %v", k, err)
		} else if n > 0 {
			t.Errorf("%d incomplete multipart uploads left under %s", n, k)
		}
	}
	t.Logf("reconciled: %d objects in storage, %d committed submissions, %d file keys checked for incomplete uploads",
		len(keys), len(committed), len(sorted))
	checkLedger(t, v, refs)
}

// ledgerCatchUp bounds the wait for the janitor to record acknowledged
// submissions whose entries the commits could not write, and to sweep what
// interrupted uploads left (a cluster test): MinIO keeps a key
// locked for a node that died while writing it until its lock maintenance
// (every minute, for locks not refreshed for a minute: cmd/lock-rest-server.go)
// drops the lock, so up to two minutes after the death; then the
// janitor's next round (every second here) records them.
const ledgerCatchUp = 2*time.Minute + 30*time.Second

// checkLedger verifies the stored record with the record key (the bytes
// of the files are checked above): the ledger's chain must be whole — one
// entry per commit, without gaps or forks, however many intakes appended —,
// every manifest signed, and every acknowledged submission recorded. An
// acknowledged submission whose entry the commit could not write (a MinIO
// node died during it) must be recorded by the janitor within
// ledgerCatchUp; the wait is logged. On the directory store (the full-disk
// test) a manifest whose entry did not fit may be unrecorded until the
// janitor's next sweep: that is logged, not failed.
func checkLedger(t *testing.T, v objectStore, refs map[string]bool) {
	t.Helper()
	signer, err := submission.NewSigner(mustBase64(t, recordKey))
	if err != nil {
		t.Fatal(err)
	}
	l := ledger.New(v.store(t), signer, nil)
	if _, onDisk := v.(dirView); !onDisk {
		waitRecorded(t, l, refs, ledgerCatchUp)
	}
	rep, err := l.Verify(context.Background(), ledger.VerifyOptions{})
	if err != nil {
		t.Fatalf("ledger: %v", err)
	}
	_, onDisk := v.(dirView)
	unrecorded := map[string]bool{}
	for _, f := range rep.Findings {
		if f.Kind == ledger.Unrecorded && onDisk {
			unrecorded[f.Reference] = true
			t.Logf("ledger: %s (its entry did not fit on the full disk; the janitor records it later)", f)
			continue
		}
		t.Errorf("ledger: %s", f)
	}
	st, err := l.State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range notRecorded(st, refs) {
		if !unrecorded[ref] {
			t.Errorf("acknowledged %s is not in the ledger", ref)
		}
	}
	t.Logf("ledger: %d entries, head %d, %d findings", rep.Entries, rep.Head.Seq, len(rep.Findings))
}

// notRecorded are the references of refs whose manifests st does not
// record.
func notRecorded(st *ledger.State, refs map[string]bool) []string {
	var out []string
	for ref := range refs {
		if _, ok := st.Recorded[submission.ManifestKey(submission.KindObjection, ref)]; !ok {
			out = append(out, ref)
		}
	}
	return out
}

// waitRecorded waits until the ledger records every acknowledged
// submission of refs, or within has passed, and logs how long it took
// when the commits had left any to the janitor.
func waitRecorded(t *testing.T, l *ledger.Ledger, refs map[string]bool, within time.Duration) {
	t.Helper()
	start, logged := time.Now(), false
	for {
		st, err := l.State(context.Background())
		if err != nil {
			t.Fatalf("ledger state: %v", err)
		}
		missing := notRecorded(st, refs)
		waited := time.Since(start)
		if len(missing) == 0 {
			if waited > time.Second {
				t.Logf("ledger: the janitor recorded what the commits could not %v after the reconciliation", waited.Round(time.Second))
			}
			return
		}
		if waited > within {
			return // Verify reports them
		}
		if !logged {
			logged = true
			t.Logf("ledger: waiting for the janitor to record %d acknowledged submissions: %v", len(missing), missing)
		}
		time.Sleep(time.Second)
	}
}

func mustBase64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func verifyOne(v objectStore, o outcome) error {
	data, err := v.get(submission.ManifestKey(submission.KindObjection, o.reference))
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	m, err := submission.DecodeManifest(data)
	if err != nil {
		return err
	}
	if !submission.TokenMatches(o.token, m.TokenHash) {
		return errors.New("receipt token does not match the manifest")
	}
	if len(m.Files) != len(o.files) {
		return fmt.Errorf("manifest has %d files, receipt %d", len(m.Files), len(o.files))
	}
	for i, mf := range m.Files {
		rf := o.files[i]
		if mf.SHA256 != rf.SHA256 || mf.Size != rf.Size {
			return fmt.Errorf("file %d: manifest %s/%d, receipt %s/%d", i+1, mf.SHA256, mf.Size, rf.SHA256, rf.Size)
		}
		b, err := v.get(mf.Key)
		if err != nil {
			return fmt.Errorf("file %s: %w", mf.Key, err)
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != rf.SHA256 || int64(len(b)) != rf.Size {
			return fmt.Errorf("file %s: stored bytes (%d) do not match the receipt", mf.Key, len(b))
		}
		if !bytes.Equal(b, o.sent) {
			return fmt.Errorf("file %s: stored bytes differ from those sent", mf.Key)
		}
	}
	return nil
}

// dirView reads a DirStore's directory.
type dirView struct{ root string }

func (d dirView) get(key string) ([]byte, error) { return os.ReadFile(filepath.Join(d.root, key)) }

func (d dirView) list(prefix string) ([]string, error) {
	var keys []string
	err := filepath.WalkDir(d.root, func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(d.root, path)
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(rel, prefix) {
			keys = append(keys, rel)
		}
		return nil
	})
	return keys, err
}

func (d dirView) incomplete(string) (int, error) { return 0, nil }

func (d dirView) store(t *testing.T) storage.Store {
	t.Helper()
	st, err := storage.NewDirStore(d.root)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// uploadAll runs one post per evidence concurrently and returns the outcomes
// in order.
func uploadAll(ctx context.Context, client *http.Client, addrs []string, datas [][]byte, pace time.Duration) []outcome {
	return uploadAllCount(ctx, client, addrs, datas, pace, new(atomic.Int32))
}

// uploadAllCount is uploadAll counting receipts in acked as they arrive.
func uploadAllCount(ctx context.Context, client *http.Client, addrs []string, datas [][]byte, pace time.Duration, acked *atomic.Int32) []outcome {
	outs := make([]outcome, len(datas))
	var wg sync.WaitGroup
	for i, d := range datas {
		wg.Go(func() {
			outs[i] = post(ctx, client, addrs[i%len(addrs)], d, pace)
			if outs[i].acked() {
				acked.Add(1)
			}
		})
	}
	wg.Wait()
	return outs
}

// signal sends sig to the intake.
func (p *intakeProc) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}
