package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/zhongmou/award/bench/intakeproc"
	"github.com/zhongmou/award/internal/archive"
)

// generated yields size bytes of a PDF-headed file, the same for the same
// seed, cheaply (so that making them takes little of the CPU the upload
// needs) and without holding more than one block: a block of random bytes
// repeated, each repetition stamped with its number.
type generated struct {
	block     []byte
	size, off int64
}

const genBlock = 1 << 20

func newGenerated(size int64, seed uint64) *generated {
	g := &generated{block: make([]byte, genBlock), size: size}
	_, _ = mrand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), 16}).Read(g.block)
	return g
}

const (
	pdfHead = "%PDF-1.4\n"
	pdfTail = "\n%%EOF\n" // a whole PDF ends so
)

func (g *generated) Read(p []byte) (int, error) {
	n, err := g.ReadAt(p, g.off)
	g.off += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

// ReadAt gives the bytes at off, as a file would: minio-go uploads an
// io.ReaderAt's parts in parallel.
func (g *generated) ReadAt(p []byte, off int64) (int, error) {
	if off >= g.size {
		return 0, io.EOF
	}
	var err error
	if left := g.size - off; int64(len(p)) >= left {
		p, err = p[:left], io.EOF
	}
	for n := 0; n < len(p); {
		n += copy(p[n:], g.block[(off+int64(n))%genBlock:])
	}
	// the stamps: 8 bytes of the block's number at each block's start
	for k := off / genBlock; k*genBlock < off+int64(len(p)); k++ {
		for j := int64(0); j < 8; j++ {
			if i := k*genBlock + j - off; i >= 0 && i < int64(len(p)) {
				p[i] = byte(k >> (8 * j))
			}
		}
	}
	if off < int64(len(pdfHead)) {
		copy(p, pdfHead[off:])
	}
	if tail := g.size - int64(len(pdfTail)); off+int64(len(p)) > tail {
		for i := max(0, tail-off); i < int64(len(p)); i++ {
			p[i] = pdfTail[off+i-tail]
		}
	}
	return len(p), err
}

// streamOnly hides a reader's other methods (ReadAt), as a network
// stream has none.
type streamOnly struct{ io.Reader }

// staged sends one file of o.size through /api/uploads/ — a POST, then
// one PATCH of the whole file streamed from a generated reader — against a
// direct minio-go PutObject of the same bytes to the same server, then
// claims it with an objection (staged=<id>). The intake is a fresh
// process: its peak RSS is these uploads'.
func (b *bench) staged(ctx context.Context) error {
	const seed = 16
	size := b.o.size
	h := sha256.New()
	if _, err := io.CopyBuffer(h, streamOnly{newGenerated(size, seed)}, make([]byte, 1<<20)); err != nil {
		return err
	}
	sum := hex.EncodeToString(h.Sum(nil))

	c, err := minio.New(b.srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(b.srv.AccessKey, b.srv.SecretKey, ""), Secure: false})
	if err != nil {
		return err
	}
	if err := c.MakeBucket(ctx, "direct-staged", minio.MakeBucketOptions{}); err != nil {
		return err
	}
	// Direct, the same bytes: from a stream (what the intake gets; minio-go
	// sends its parts one after another), and from an io.ReaderAt, as from
	// a file (minio-go sends 4 parts at once). The faster is the peer.
	put := func(r io.Reader) (time.Duration, error) {
		start := time.Now()
		if _, err := c.PutObject(ctx, "direct-staged", "evidence.pdf", r, size, minio.PutObjectOptions{ContentType: "application/pdf"}); err != nil {
			return 0, fmt.Errorf("direct PutObject: %w", err)
		}
		d := time.Since(start)
		return d, c.RemoveObject(ctx, "direct-staged", "evidence.pdf", minio.RemoveObjectOptions{})
	}
	idle, err := intakeproc.PeakRSS(b.intake.Process.Pid)
	if err != nil {
		return err
	}
	loadBefore := loadAverage()
	// Rounds of the three, each figure the best of its rounds: the
	// machine's other work slows one or another at times. The last upload
	// is kept for the claim, the others deleted.
	var serial, parallel, through time.Duration
	var id string
	for round := range b.o.stagedRuns {
		d, err := put(streamOnly{newGenerated(size, seed)})
		if err != nil {
			return err
		}
		serial = best(serial, d)
		if d, err = put(newGenerated(size, seed)); err != nil {
			return err
		}
		parallel = best(parallel, d)
		if id != "" {
			if err := b.tusDelete(ctx, id); err != nil {
				return err
			}
		}
		start := time.Now()
		if id, err = b.tusUpload(ctx, size, streamOnly{newGenerated(size, seed)}); err != nil {
			return fmt.Errorf("staged upload %d: %w", round+1, err)
		}
		through = best(through, time.Since(start))
	}
	direct := min(serial, parallel)
	hwm, err := intakeproc.PeakRSS(b.intake.Process.Pid)
	if err != nil {
		return err
	}

	start := time.Now()
	if err := b.claim(ctx, id, sum); err != nil {
		return fmt.Errorf("objection claiming the staged upload: %w", err)
	}
	claim := time.Since(start)
	hwmClaim, err := intakeproc.PeakRSS(b.intake.Process.Pid)
	if err != nil {
		return err
	}

	mib := float64(size) / (1 << 20)
	ratio := direct.Seconds() / through.Seconds()
	fmt.Printf("\nstaged upload (tus 1.0, /api/uploads/): %.0f MiB, generated and streamed (no file on disk); best of %d rounds\n", mib, b.o.stagedRuns)
	fmt.Printf("  direct minio-go PutObject from a stream          %7.2fs  %7.1f MiB/s  (parts one after another)\n", serial.Seconds(), mib/serial.Seconds())
	fmt.Printf("  direct minio-go PutObject from an io.ReaderAt    %7.2fs  %7.1f MiB/s  (as from a file: 4 parts at once)\n", parallel.Seconds(), mib/parallel.Seconds())
	fmt.Printf("  POST + one PATCH to the intake (award intake)    %7.2fs  %7.1f MiB/s  (sniffed, stored as %d MiB segments)\n", through.Seconds(), mib/through.Seconds(), archive.StagedSegment>>20)
	fmt.Printf("  throughput ratio intake/direct (the faster direct): %.2f (goal ≥ 0.85: %s)\n", ratio, intakeproc.Met(ratio >= 0.85))
	fmt.Printf("  intake peak RSS (VmHWM, a fresh process, through the uploads): %.1f MiB (goal ≤ 64 MiB: %s); %.1f MiB before them\n",
		float64(hwm)/(1<<10), intakeproc.Met(hwm <= 64<<10), float64(idle)/(1<<10))
	fmt.Printf("  claimed by an objection (staged=<id>: checked, copied with SHA-256, committed): %.2fs  %.1f MiB/s; receipt SHA-256 matches\n", claim.Seconds(), mib/claim.Seconds())
	fmt.Printf("  intake peak RSS after the claim: %.1f MiB\n", float64(hwmClaim)/(1<<10))
	fmt.Printf("  load average (1 min) before the rounds %s, after the claim %s (other work on the machine skews the ratio)\n", loadBefore, loadAverage())
	return recordUpload(fmt.Sprintf("%.0f MiB staged upload (tus)", mib), mib, direct, through, "the faster direct minio-go PutObject", hwm)
}

// loadAverage is the machine's 1-minute load average, or "?".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

// best is the shorter of two durations, zero meaning none yet.
func best(a, b time.Duration) time.Duration {
	if a == 0 || b < a {
		return b
	}
	return a
}

// tusDelete terminates an upload (tus termination).
func (b *bench) tusDelete(ctx context.Context, id string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, "http://"+b.addr+"/api/uploads/"+id, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Tus-Resumable", "1.0.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("DELETE of upload %s: %d", id, resp.StatusCode)
	}
	return nil
}

// tusUpload creates an upload of size bytes and sends them in one PATCH,
// returning the upload's id.
func (b *bench) tusUpload(ctx context.Context, size int64, body io.Reader) (string, error) {
	meta := []string{"kind " + base64.StdEncoding.EncodeToString([]byte("objection")), "field " + base64.StdEncoding.EncodeToString([]byte("evidence")),
		"filename " + base64.StdEncoding.EncodeToString([]byte("evidence.pdf"))}
	base := "http://" + b.addr + "/api/uploads/"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Tus-Resumable", "1.0.0")
	req.Header.Set("Upload-Length", strconv.FormatInt(size, 10))
	req.Header.Set("Upload-Metadata", strings.Join(meta, ","))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("POST: %d %s", resp.StatusCode, bytes.TrimSpace(msg))
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		return "", fmt.Errorf("POST: Location %q: %w", resp.Header.Get("Location"), err)
	}
	u := req.URL.ResolveReference(loc)
	id := u.Path[strings.LastIndex(u.Path, "/")+1:]

	req, err = http.NewRequestWithContext(ctx, http.MethodPatch, u.String(), body)
	if err != nil {
		return "", err
	}
	req.ContentLength = size
	req.Header.Set("Tus-Resumable", "1.0.0")
	req.Header.Set("Content-Type", "application/offset+octet-stream")
	req.Header.Set("Upload-Offset", "0")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	msg, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Upload-Offset") != strconv.FormatInt(size, 10) {
		return "", fmt.Errorf("PATCH: %d Upload-Offset %q %s", resp.StatusCode, resp.Header.Get("Upload-Offset"), bytes.TrimSpace(msg))
	}
	return id, nil
}

// claim posts an objection whose evidence is the staged upload id and
// checks the receipt's hash.
func (b *bench) claim(ctx context.Context, id, wantSum string) error {
	body, err := b.postMultipart(ctx, "/api/objections", func(mw *multipart.Writer) error {
		for _, f := range objectionFields {
			if err := mw.WriteField(f[0], f[1]); err != nil {
				return err
			}
		}
		return mw.WriteField("staged", id)
	})
	if err != nil {
		return err
	}
	var got struct {
		Files []struct{ SHA256 string } `json:"files"`
	}
	if err := json.Unmarshal(body, &got); err != nil || len(got.Files) != 1 || got.Files[0].SHA256 != wantSum {
		return fmt.Errorf("receipt does not match the upload (SHA-256 %s): %s", wantSum, body)
	}
	return nil
}
