package main

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingHandler counts the requests a replica answers.
type countingHandler struct {
	h http.Handler
	n atomic.Int64
}

func (c *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		c.n.Add(1)
	}
	c.h.ServeHTTP(w, r)
}

// startNginxReplicas runs n intake replicas on one data directory behind
// nginx with deploy/nginx-award.conf, its upstream listing the n replicas;
// edit, when set, changes the generated configuration. It returns the
// site's URL and each replica's count of posts.
func startNginxReplicas(t *testing.T, n int, submitRate string, edit func(string) string) (string, []*countingHandler) {
	t.Helper()
	bin := nginxBin(t)
	name, src := nginxConfSource(t)
	stmts, err := parseNginx(src)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	base, err := basePathOf(stmts)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	logs := filepath.Join(dir, "logs")
	port := freeLoopbackPort(t)
	origin := "http://127.0.0.1:" + strconv.Itoa(port)
	siteURL := origin + base
	now, _ := time.Parse(time.RFC3339, "2026-11-25T10:00:00+08:00")
	ctx, cancel := context.WithCancel(context.Background())
	pub, opts := buildSiteAt(t, ctx, dir, siteURL, now)
	t.Setenv("AWARD_DATA_DIR", filepath.Join(dir, "data"))
	t.Setenv("AWARD_IDENTITY_KEY_FILE", filepath.Join(dir, "keys", "identity.key"))
	t.Setenv("AWARD_RECORD_KEY_FILE", filepath.Join(dir, "keys", "record.key"))
	t.Setenv("AWARD_TOWNSHIPS", "../../townships.yaml")
	t.Setenv("AWARD_TRUST_PROXY", "1")
	t.Setenv("AWARD_PUBLIC_ORIGIN", origin)
	t.Setenv("AWARD_RATE_SUBMIT", submitRate)
	var addrs []string
	var counts []*countingHandler
	var dones []chan error
	for range n {
		var c *countingHandler
		ln, done := startIntakeAt(t, ctx, dir, pub, opts, now, func(in http.Handler) http.Handler {
			c = &countingHandler{h: in}
			return c
		})
		addrs, counts, dones = append(addrs, ln.Addr().String()), append(counts, c), append(dones, done)
	}
	t.Cleanup(func() {
		cancel()
		for _, d := range dones {
			select {
			case <-d:
			case <-time.After(40 * time.Second):
				t.Error("an intake did not stop")
			}
		}
	})
	conf, err := rewriteNginx(src, nginxRun{listen: "127.0.0.1:" + strconv.Itoa(port), upstream: addrs[0], public: pub, logs: logs})
	if err != nil {
		t.Fatal(err)
	}
	var more strings.Builder
	for _, a := range addrs[1:] {
		more.WriteString("\n    server " + a + ";")
	}
	conf = strings.Replace(conf, "server "+addrs[0]+";", "server "+addrs[0]+";"+more.String(), 1)
	if edit != nil {
		conf = edit(conf)
	}
	runNginx(t, bin, name, dir, logs, conf, siteURL, nil)
	return siteURL, counts
}

// objectionPost posts one objection with a small PDF through the site and
// returns the status.
func objectionPost(t *testing.T, siteURL string, i int) int {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"publicity": "pub-2026-candidates", "candidate": "c01",
		"objectorType": "individual", "name": "张三" + strconv.Itoa(i), "idNumber": "11010519491231002X", "phone": "13800138000",
		"statement": "该组织在2025年发生过产品质量责任事故，有当地市场监管部门的处罚决定书为证。", "consent": "yes"} {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("evidence", "通报.pdf")
	fw.Write(pdfBytes("通报"))
	w.Close()
	status, body := postMultipart(t, siteURL+"api/objections", &buf, w.FormDataContentType())
	if status == http.StatusCreated {
		var a application
		if err := json.Unmarshal(body, &a); err != nil || a.Reference == "" {
			t.Fatalf("objection %d: %s", i, body)
		}
	} else if status != http.StatusTooManyRequests {
		t.Fatalf("objection %d: %d %s", i, status, body)
	}
	return status
}

// TestNginxReplicasShareBudget: with the upstream of
// deploy/nginx-award.conf (hash $binary_remote_addr consistent) in front
// of three intake replicas, one address gets the submission budget once,
// not three times; without the hash (round robin, the control) it gets it
// from every replica.
func TestNginxReplicasShareBudget(t *testing.T) {
	const budget, posts, replicas = 3, 9, 3
	rate := strconv.Itoa(budget) + "/1h," + strconv.Itoa(budget)
	hashLine := regexp.MustCompile(`(?m)^\s*hash \$binary_remote_addr consistent;`)
	run := func(t *testing.T, edit func(string) string) (accepted int, spread int) {
		siteURL, counts := startNginxReplicas(t, replicas, rate, edit)
		for i := range posts {
			if objectionPost(t, siteURL, i) == http.StatusCreated {
				accepted++
			}
		}
		for _, c := range counts {
			if c.n.Load() > 0 {
				spread++
			}
		}
		return accepted, spread
	}
	t.Run("hash", func(t *testing.T) {
		_, src := nginxConfSource(t)
		if !hashLine.MatchString(src) {
			t.Fatal("deploy/nginx-award.conf's upstream has no hash $binary_remote_addr consistent")
		}
		accepted, spread := run(t, nil)
		t.Logf("%d replicas, budget %d: %d of %d posts accepted, posts reached %d replica(s)", replicas, budget, accepted, posts, spread)
		if accepted != budget || spread != 1 {
			t.Fatalf("%d posts accepted by %d replicas, want the budget %d from one", accepted, spread, budget)
		}
	})
	t.Run("round-robin-control", func(t *testing.T) {
		accepted, spread := run(t, func(c string) string { return hashLine.ReplaceAllString(c, "") })
		t.Logf("without the hash: %d of %d posts accepted, by %d replicas", accepted, posts, spread)
		if accepted <= budget || spread < 2 {
			t.Fatalf("the control accepted %d by %d replicas: the test cannot tell a shared budget from a multiplied one", accepted, spread)
		}
	})
}
