package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/zhongmou/award/bench/goals"
	"github.com/zhongmou/award/bench/intakeproc"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/storage/miniotest"
	"github.com/zhongmou/award/workday"
)

type bench struct {
	o       options
	dir     string
	srv     miniotest.Server
	stopS3  func()
	intake  *exec.Cmd
	addr    string
	bigFile string
	bigSum  string
	// the intake's two keys, the same for every intake process of a run
	identityKey, recordKey []byte
}

func newBench(ctx context.Context, o options) (*bench, error) {
	dir, err := os.MkdirTemp("", "intakebench-")
	if err != nil {
		return nil, err
	}
	b := &bench{o: o, dir: dir}
	fmt.Printf("intakebench: %s linux/%s, %d CPUs, %s\ntemp: %s\n", runtime.Version(), runtime.GOARCH, runtime.NumCPU(), time.Now().Format(time.RFC3339), dir)
	if b.srv, b.stopS3, err = miniotest.StartMain(); err != nil {
		b.close()
		return nil, err
	}
	fmt.Printf("minio: %s (%s)\n", b.srv.Endpoint, miniotest.MinioVersion)
	return b, nil
}

func (b *bench) close() {
	b.stopIntake()
	if b.stopS3 != nil {
		b.stopS3()
	}
	if !b.o.keep {
		os.RemoveAll(b.dir)
	}
}

// stopIntake ends the intake process, if one runs: SIGTERM, then waiting.
func (b *bench) stopIntake() {
	if b.intake != nil && b.intake.Process != nil {
		_ = b.intake.Process.Signal(syscall.SIGTERM)
		_ = b.intake.Wait()
	}
	b.intake = nil
}

func (b *bench) run(ctx context.Context) error {
	if b.o.parts["large"] {
		if err := b.large(ctx); err != nil {
			return err
		}
	}
	for _, part := range []struct {
		name string
		run  func(context.Context) error
	}{{"application", b.application}, {"concurrent", b.concurrent}} {
		if !b.o.parts[part.name] {
			continue
		}
		if b.intake == nil {
			if err := b.startIntake(ctx); err != nil {
				return err
			}
		}
		if err := part.run(ctx); err != nil {
			return err
		}
	}
	if b.o.parts["staged"] {
		// A fresh intake process, so that its peak RSS is the staged
		// upload's alone.
		b.stopIntake()
		if err := b.startIntake(ctx); err != nil {
			return err
		}
		return b.staged(ctx)
	}
	return nil
}

// large is one big evidence file through the intake's multipart post
// versus a direct PutObject, best of -large-runs rounds of the two.
func (b *bench) large(ctx context.Context) error {
	if err := b.makeBigFile(); err != nil {
		return err
	}
	c, err := b.directClient(ctx)
	if err != nil {
		return err
	}
	if err := b.startIntake(ctx); err != nil {
		return err
	}
	// Rounds of the two, each figure the best of its rounds: the machine's
	// other work (the disk flushing the last round, say) slows one or
	// another at times. CPU times are the rounds' means.
	var direct, through time.Duration
	var directCPU, throughCPU cpuUse
	for range b.o.largeRuns {
		cpu0 := b.cpuNow()
		d, err := b.direct(ctx, c)
		if err != nil {
			return err
		}
		directCPU = directCPU.plus(b.cpuNow().since(cpu0))
		direct = best(direct, d)
		cpu0 = b.cpuNow()
		if d, err = b.throughIntake(ctx); err != nil {
			return err
		}
		throughCPU = throughCPU.plus(b.cpuNow().since(cpu0))
		through = best(through, d)
	}
	hwm, err := intakeproc.PeakRSS(b.intake.Process.Pid)
	if err != nil {
		return err
	}
	mib := float64(b.o.size) / (1 << 20)
	fmt.Printf("\nlarge upload: %.0f MiB of evidence; best of %d rounds\n", mib, b.o.largeRuns)
	fmt.Printf("  direct minio-go PutObject   %7.2fs  %7.1f MiB/s\n", direct.Seconds(), mib/direct.Seconds())
	fmt.Printf("  through the intake          %7.2fs  %7.1f MiB/s  (multipart/form-data, SHA-256, sniffing, streamed to S3)\n", through.Seconds(), mib/through.Seconds())
	ratio := direct.Seconds() / through.Seconds()
	fmt.Printf("  throughput ratio intake/direct: %.2f (goal ≥ 0.85: %s)\n", ratio, intakeproc.Met(ratio >= 0.85))
	fmt.Printf("  intake peak RSS (VmHWM, whole process since start): %.1f MiB (goal ≤ 64 MiB: %s)\n", float64(hwm)/(1<<10), intakeproc.Met(hwm <= 64<<10))
	fmt.Printf("  CPU time a round, direct: %s\n", directCPU.div(b.o.largeRuns))
	fmt.Printf("  CPU time a round, through the intake: %s\n", throughCPU.div(b.o.largeRuns))
	return recordUpload(fmt.Sprintf("%.0f MiB objection (multipart/form-data)", mib), mib, direct, through, "direct minio-go PutObject", hwm)
}

// recordUpload records an upload's two goals: its throughput as a share
// of the direct PutObject of the same run, and the intake's peak RSS.
func recordUpload(what string, mib float64, direct, through time.Duration, peer string, hwmKiB int64) error {
	ratio := direct.Seconds() / through.Seconds()
	if err := goals.Record(os.Stdout, goals.Result{
		Bench: "intakebench", Name: what + ", throughput through the intake / direct",
		Figure: fmt.Sprintf("%.2f (%.1f MiB/s)", ratio, mib/through.Seconds()),
		Peer:   fmt.Sprintf("%s %.1f MiB/s", peer, mib/direct.Seconds()),
		Goal:   "≥ 0.85", Met: ratio >= 0.85,
	}); err != nil {
		return err
	}
	return goals.Record(os.Stdout, goals.Result{
		Bench: "intakebench", Name: what + ", intake peak RSS",
		Figure: fmt.Sprintf("%.1f MiB", float64(hwmKiB)/(1<<10)),
		Goal:   "≤ 64 MiB", Met: hwmKiB <= 64<<10,
	})
}

// makeBigFile writes a PDF-headed file of random bytes and its SHA-256.
func (b *bench) makeBigFile() error {
	b.bigFile = filepath.Join(b.dir, "evidence.pdf")
	f, err := os.Create(b.bigFile)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	w := io.MultiWriter(f, h)
	buf := make([]byte, 4<<20)
	rng := mrand.NewChaCha8([32]byte{1})
	copy(buf, "%PDF-1.4\n")
	_, _ = rng.Read(buf[9:])
	left := b.o.size
	for left > 0 {
		n := int64(len(buf))
		if n > left {
			n = left
		}
		if left == n { // a whole PDF ends with %%EOF
			copy(buf[n-7:n], "\n%%EOF\n")
		}
		if _, err := w.Write(buf[:n]); err != nil {
			return err
		}
		left -= n
		_, _ = rng.Read(buf)
	}
	b.bigSum = hex.EncodeToString(h.Sum(nil))
	return f.Sync()
}

// directClient returns a minio-go client of the server and makes the
// bucket the direct uploads go to.
func (b *bench) directClient(ctx context.Context) (*minio.Client, error) {
	c, err := minio.New(b.srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(b.srv.AccessKey, b.srv.SecretKey, ""), Secure: false})
	if err != nil {
		return nil, err
	}
	if err := c.MakeBucket(ctx, "direct", minio.MakeBucketOptions{}); err != nil {
		return nil, err
	}
	return c, nil
}

// direct uploads the big file with minio-go's PutObject, size given, and
// removes it after (not timed), so that each round writes a new object.
func (b *bench) direct(ctx context.Context, c *minio.Client) (time.Duration, error) {
	f, err := os.Open(b.bigFile)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	start := time.Now()
	if _, err := c.PutObject(ctx, "direct", "evidence.pdf", f, b.o.size, minio.PutObjectOptions{ContentType: "application/pdf"}); err != nil {
		return 0, fmt.Errorf("direct PutObject: %w", err)
	}
	d := time.Since(start)
	return d, c.RemoveObject(ctx, "direct", "evidence.pdf", minio.RemoveObjectOptions{})
}

// startIntake runs award intake against the MinIO server with a manifest
// whose publicity is open now.
func (b *bench) startIntake(ctx context.Context) error {
	bin, err := intakeproc.Binary(ctx, b.o.award, b.dir)
	if err != nil {
		return err
	}
	b.o.award = bin // built once
	loc, _ := time.LoadLocation("Asia/Shanghai")
	today := workday.DateOf(time.Now().In(loc))
	m := schedule.Manifest{Version: schedule.ManifestVersion, TimeZone: "Asia/Shanghai",
		Calls: []schedule.Call{{ID: "bench-call", Title: "基准测试申报", Session: 8, Year: 2026,
			Opens: today.AddDays(-1).Start(loc), Closes: today.AddDays(2).Start(loc)}},
		Publicities: []schedule.Publicity{{ID: "bench", Title: "基准测试公示", FirstDay: today.AddDays(-1), LastDay: today.AddDays(1), WorkingDays: 5,
			Opens: today.AddDays(-1).Start(loc), Closes: today.AddDays(2).Start(loc),
			Candidates: []schedule.Candidate{{ID: "c01", Name: "示例公司", CreditCode: "91410122MA00J8NW0M"}}}}}
	data, _ := m.Encode()
	manifest := filepath.Join(b.dir, "public", "windows.json")
	if err := os.MkdirAll(filepath.Dir(manifest), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(manifest, data, 0o644); err != nil {
		return err
	}
	if b.addr, err = intakeproc.FreeAddr(); err != nil {
		return err
	}
	if b.identityKey == nil {
		b.identityKey, b.recordKey = make([]byte, 32), make([]byte, 32)
		rand.Read(b.identityKey)
		rand.Read(b.recordKey)
	}
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, "intake", "-addr", b.addr, "-staff-addr", "127.0.0.1:0", "-intake-config", filepath.Join(b.dir, "none.yaml"))
	cmd.Dir = root // for holidays.yaml and townships.yaml
	cmd.Env = append(os.Environ(),
		"AWARD_S3_ENDPOINT="+b.srv.Endpoint, "AWARD_S3_BUCKET=intake", "AWARD_S3_ACCESS_KEY="+b.srv.AccessKey,
		"AWARD_S3_SECRET_KEY="+b.srv.SecretKey, "AWARD_S3_INSECURE=1", "AWARD_MANIFEST="+manifest,
		"AWARD_IDENTITY_KEY="+base64.StdEncoding.EncodeToString(b.identityKey), "AWARD_RECORD_KEY="+base64.StdEncoding.EncodeToString(b.recordKey),
		"AWARD_DATA_DIR="+filepath.Join(b.dir, "data"),
		fmt.Sprintf("AWARD_MAX_FILE_BYTES=%d", b.o.size+1<<20), fmt.Sprintf("AWARD_MAX_REQUEST_BYTES=%d", b.o.size+4<<20),
		fmt.Sprintf("AWARD_APPLICATION_MAX_REQUEST_BYTES=%d", b.o.appSize+16<<20),
		"AWARD_RATE_SUBMIT=off", "AWARD_RATE_RECEIPT=off", "AWARD_RATE_UPLOAD=off", "AWARD_MAX_CONNS_PER_CLIENT=0") // one client on loopback sends everything
	logf, err := os.OpenFile(filepath.Join(b.dir, "intake.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return err
	}
	b.intake = cmd
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + b.addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("intake not ready within 30s; see %s", logf.Name())
}

// objectionFields are the text fields of a valid objection.
var objectionFields = [][2]string{
	{"publicity", "bench"}, {"candidate", "c01"}, {"objectorType", "individual"}, {"name", "张三"},
	{"idNumber", "11010519491231002X"}, {"phone", "13800138000"},
	{"statement", "该组织存在拖欠农民工工资的情况，附有相关证明材料，请予以核实。"}, {"consent", "yes"},
}

// postMultipart streams a multipart/form-data body written by write to
// path and returns the answer's body, failing unless it is a 201.
func (b *bench) postMultipart(ctx context.Context, path string, write func(mw *multipart.Writer) error) ([]byte, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := write(mw)
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+b.addr+path, pr)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("status %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return body, nil
}

// post sends one objection whose evidence streams from r, and checks the
// receipt's hash.
func (b *bench) post(ctx context.Context, r io.Reader, wantSum string) error {
	body, err := b.postMultipart(ctx, "/api/objections", func(mw *multipart.Writer) error {
		for _, f := range objectionFields {
			if err := mw.WriteField(f[0], f[1]); err != nil {
				return err
			}
		}
		part, err := mw.CreateFormFile("evidence", "evidence.pdf")
		if err == nil {
			_, err = io.Copy(part, r)
		}
		return err
	})
	if err != nil {
		return err
	}
	var got struct {
		Files []struct{ SHA256 string } `json:"files"`
	}
	if err := json.Unmarshal(body, &got); err != nil || len(got.Files) != 1 || got.Files[0].SHA256 != wantSum {
		return fmt.Errorf("receipt does not match the upload: %s", body)
	}
	return nil
}

func (b *bench) throughIntake(ctx context.Context) (time.Duration, error) {
	f, err := os.Open(b.bigFile)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	start := time.Now()
	if err := b.post(ctx, f, b.bigSum); err != nil {
		return 0, fmt.Errorf("upload through the intake: %w", err)
	}
	return time.Since(start), nil
}

// evidence returns n bytes of PDF-headed random data and their SHA-256.
func evidence(n int64, seed uint64) ([]byte, string) {
	buf := make([]byte, n)
	rng := mrand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), 2})
	_, _ = rng.Read(buf)
	copy(buf, "%PDF-1.4\n")
	copy(buf[len(buf)-7:], "\n%%EOF\n") // a whole PDF ends so
	sum := sha256.Sum256(buf)
	return buf, hex.EncodeToString(sum[:])
}

func newReader(b []byte) io.Reader { return bytes.NewReader(b) }
