package faults

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/testserver"
	"github.com/zhongmou/award/storage/miniotest"
)

// errNoVegeta: the load generator is not installed.
var errNoVegeta = fmt.Errorf("vegeta not found: GOBIN=$PWD/bin go install github.com/tsenart/vegeta/v12@%s", vegetaVersion)

// vegetaVersion is the vegeta release the bench is run with.
const vegetaVersion = "v12.13.0"

// vegetaReport is what `vegeta report -type=json` says (the parts used).
type vegetaReport struct {
	Requests  int            `json:"requests"`
	Rate      float64        `json:"rate"`
	Success   float64        `json:"success"`
	Status    map[string]int `json:"status_codes"`
	Errors    []string       `json:"errors"`
	Latencies struct {
		P99  time.Duration `json:"99th"`
		Mean time.Duration `json:"mean"`
	} `json:"latencies"`
}

// TestVegetaBench (AWARD_BENCH=1, make bench) loads the intake with vegeta,
// a load generator nobody here wrote, at rising rates: static pages through
// nginx, and objections with 100 KB of evidence against one replica
// directly and against three behind nginx (each vegeta source address
// chosen so that nginx's hash spreads the load over the three). For each
// it reports the highest rate with no error (every objection 201, every
// page 200) and its p99, and the replicas' peak RSS. Steps last
// AWARD_BENCH_STEP (3s) each; rates double from 5/s up to
// AWARD_BENCH_MAX_RATE (160/s).
func TestVegetaBench(t *testing.T) {
	if os.Getenv("AWARD_BENCH") == "" {
		t.Skip("a load bench: set AWARD_BENCH=1 (make bench)")
	}
	veg, err := testserver.FindBinary("vegeta", "AWARD_VEGETA_BIN", errNoVegeta, func(root string) string {
		return "GOBIN=" + filepath.Join(root, "bin") + " go install github.com/tsenart/vegeta/v12@" + vegetaVersion
	})
	if err != nil {
		testserver.SkipOrFail(t, err, errNoVegeta)
	}
	step := 3 * time.Second
	if v, err := time.ParseDuration(os.Getenv("AWARD_BENCH_STEP")); err == nil && v > 0 {
		step = v
	}
	maxRate := 160
	if v, err := strconv.Atoi(os.Getenv("AWARD_BENCH_MAX_RATE")); err == nil && v > 0 {
		maxRate = v
	}
	srv := miniotest.Start(t)
	dir := t.TempDir()
	writeManifest(t, dir)
	static := filepath.Join(dir, "public")
	if err := os.MkdirAll(static, 0o755); err != nil {
		t.Fatal(err)
	}
	page := "<!doctype html><title>中牟县县长质量奖</title>" + strings.Repeat("<p>公示名单与申报通知。</p>", 800)
	if err := os.WriteFile(filepath.Join(static, "index.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	var intakes []*intakeProc
	var addrs []string
	for range 3 {
		p := startIntake(t, dir, s3Env(srv)...)
		intakes, addrs = append(intakes, p), append(addrs, p.addr)
	}
	ng := startClusterNginxWith(t, addrs, static)
	ng.byUpstream(t, sourceClients(24))
	var spread []string // one source address per replica
	for _, a := range addrs {
		if len(ng.ips[a]) == 0 {
			t.Fatalf("nginx's hash sends none of 24 client addresses to %s", a)
		}
		spread = append(spread, ng.ips[a][0])
	}

	// The objection, as a browser posts it, with 100 KB of evidence.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range objectionFields {
		mw.WriteField(f[0], f[1])
	}
	fw, _ := mw.CreateFormFile("evidence", "evidence.pdf")
	fw.Write(evidence(100<<10, 9))
	mw.Close()
	bodyFile := filepath.Join(dir, "objection.body")
	if err := os.WriteFile(bodyFile, body.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	targets := func(name, url string, post bool) string {
		var tf string
		if post {
			tf = fmt.Sprintf("POST %s\nContent-Type: %s\nAccept: application/json\n@%s\n", url, mw.FormDataContentType(), bodyFile)
		} else {
			tf = "GET " + url + "\n"
		}
		f := filepath.Join(dir, name+".targets")
		if err := os.WriteFile(f, []byte(tf), 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	type load struct {
		name, targets string
		laddrs        []string
		want          string // the status every answer must have
	}
	loads := []load{
		{"static page via nginx", targets("static", "http://"+ng.addr+"/", false), spread, "200"},
		{"objection, 1 replica", targets("one", "http://"+addrs[0]+"/api/objections", true), []string{"127.0.0.1"}, "201"},
		{"objection, 3 replicas via nginx", targets("three", "http://"+ng.addr+"/api/objections", true), spread, "201"},
	}
	var lines []string
	for _, l := range loads {
		best, bestRep := 0, vegetaReport{}
		for rate := 5; rate <= maxRate; rate *= 2 {
			rep := vegetaStep(t, veg, dir, l.targets, l.laddrs, rate, step)
			ok := len(rep.Errors) == 0 && rep.Status[l.want] == rep.Requests && rep.Requests > 0
			t.Logf("%-32s %4d/s (achieved %.1f/s): %d requests, success %.3f, p99 %v, statuses %v, errors %d",
				l.name, rate, rep.Rate, rep.Requests, rep.Success, rep.Latencies.P99.Round(time.Millisecond), rep.Status, len(rep.Errors))
			if !ok {
				break
			}
			best, bestRep = rate, rep
		}
		lines = append(lines, fmt.Sprintf("%-32s highest rate without error %4d/s, p99 %v", l.name, best, bestRep.Latencies.P99.Round(time.Millisecond)))
	}
	for i, p := range intakes {
		lines = append(lines, fmt.Sprintf("replica %d peak RSS %s", i+1, peakRSS(p.cmd.Process.Pid)))
	}
	for _, s := range lines {
		t.Log(s)
	}
}

// vegetaStep attacks at rate per second, split evenly over the source
// addresses (rate per len(laddrs) seconds each), for d and returns the
// combined report.
func vegetaStep(t *testing.T, veg, dir, targets string, laddrs []string, rate int, d time.Duration) vegetaReport {
	t.Helper()
	var wg sync.WaitGroup
	files := make([]string, len(laddrs))
	errs := make([]error, len(laddrs))
	for i, la := range laddrs {
		files[i] = filepath.Join(dir, fmt.Sprintf("results-%d-%d.bin", rate, i))
		wg.Go(func() {
			out, err := os.Create(files[i])
			if err != nil {
				errs[i] = err
				return
			}
			defer out.Close()
			cmd := exec.Command(veg, "attack", "-targets", targets, "-rate", fmt.Sprintf("%d/%ds", rate, len(laddrs)), "-duration", d.String(),
				"-laddr", la, "-timeout", "30s", "-max-body", "0")
			var stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = out, &stderr
			if err := cmd.Run(); err != nil {
				errs[i] = fmt.Errorf("vegeta attack: %v: %s", err, stderr.String())
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command(veg, append([]string{"report", "-type=json"}, files...)...).Output()
	if err != nil {
		t.Fatalf("vegeta report: %v", err)
	}
	var rep vegetaReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("vegeta report: %v: %s", err, out)
	}
	return rep
}

// peakRSS is a process's peak resident memory (VmHWM).
func peakRSS(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
