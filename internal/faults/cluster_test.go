package faults

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/mailpittest"
	"github.com/zhongmou/award/submission"
)

// clusterJanitorAfter is the replicas' AWARD_JANITOR_AFTER: longer than
// any upload of these tests takes.
const clusterJanitorAfter = 5 * time.Second

// TestCluster: a distributed MinIO (four server processes on loopback, one
// drive each, one erasure set), three `award intake` replicas on it (each
// talking to its own node, the fourth node serving only the checks) behind
// a real nginx (hash on the client address, as deploy/nginx-award.conf),
// clients from loopback addresses spread evenly over the replicas, and a real SMTP server (Mailpit)
// to which the replicas' consoles tell each arrival. Under a small load
// (concurrent objections with 1–5 MiB of evidence, streamed at a pace),
// one fault per scenario: a MinIO node SIGKILLed and restarted (and the
// objects written while it was down healed onto its drive); an intake
// SIGKILLed mid-upload and restarted; an intake sent SIGTERM (it finishes
// what it has, exits 0) and restarted; an intake down before the load
// (nginx sends its clients to the others). Each scenario ends with the
// reconciliation (every acknowledged reference verifies; no orphans,
// in-flight records or incomplete uploads once the janitor, held by one
// replica at a time, has swept; the ledger's chain whole) and prints
// attempted, acknowledged, verified, lost. At the end: references unique
// across all scenarios, and every acknowledged submission told to the
// secretariat by exactly one mail.
func TestCluster(t *testing.T) {
	top := t // restarted processes live to the end of the test, not of a scenario
	mc := startMinioCluster(t, 4)
	mp := mailpittest.Start(t)
	dir := t.TempDir()
	writeManifest(t, dir)
	env := func(i int) []string {
		return append(s3Env(mc.server(i)), "AWARD_JANITOR_EVERY=1s", "AWARD_JANITOR_AFTER="+clusterJanitorAfter.String(),
			"AWARD_SMTP_HOST="+mp.Host, fmt.Sprintf("AWARD_SMTP_PORT=%d", mp.Port), "AWARD_SMTP_TLS=none",
			"AWARD_SMTP_FROM=县市场监管局评奖办公室 <award@example.gov.cn>", "AWARD_STAFF_NOTIFY=mishuchu@example.gov.cn",
			"AWARD_STAFF_WATCH_EVERY=1s", "AWARD_MAIL_EVERY=1s", "AWARD_TRUST_PROXY=1")
	}
	intakes := make([]*intakeProc, 3)
	var addrs []string
	for i := range intakes {
		intakes[i] = startIntake(t, dir, env(i)...)
		addrs = append(addrs, intakes[i].addr)
	}
	ng := startClusterNginx(t, addrs)
	if keep := os.Getenv("AWARD_FAULTS_KEEP_LOGS"); keep != "" {
		t.Cleanup(func() { keepLogs(t, keep, intakes, ng) })
	}
	view := newS3View(t, mc.server(3))
	// Clients from 24 loopback addresses; the uploads take them in turn
	// from each replica's share (as nginx's hash spreads them), so that
	// every replica gets a third of each scenario's load.
	groups := ng.byUpstream(t, sourceClients(24))
	var clients []*http.Client
	for k := 0; len(clients) < 12; k++ {
		for _, a := range addrs {
			if len(groups[a]) == 0 {
				t.Fatalf("nginx's hash sends none of 24 client addresses to %s: %v", a, groups)
			}
			clients = append(clients, groups[a][k%len(groups[a])])
		}
	}
	refs := map[string]bool{}
	var summary []string

	scenario := func(name string, n int, seed uint64, fault func(t *testing.T, acked *atomic.Int32) (after func())) {
		t.Run(name, func(t *testing.T) {
			var f figures
			ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
			defer cancel()
			datas := evidenceFiles(n, 5, seed)
			done := make(chan []outcome, 1)
			var acked atomic.Int32
			before := ng.posts(t)
			go func() { done <- uploadVia(ctx, clients, ng.addr, datas, 15*time.Millisecond, &acked) }()
			var after func()
			if fault != nil {
				after = fault(t, &acked)
				f.faults++
			}
			seen := inflightKeys(t, view)
			var outs []outcome
			select {
			case outs = <-done:
			case <-time.After(125 * time.Second):
				t.Fatal("uploads did not all end within 125s")
			}
			if after != nil {
				after()
			}
			f.count(outs)
			checkOutcomes(t, outs)
			by := ng.posts(t)
			spread := map[string]int{}
			for k, v := range by {
				if d := v - before[k]; d > 0 {
					spread[k] = d
				}
			}
			t.Logf("posts by upstream (nginx access log): %v", spread)
			seen = append(seen, inflightKeys(t, view)...)
			// Within MinIO's bound for a key a dead node left locked (an
			// in-flight record it was writing holds the janitor's sweep
			// until then: ledgerCatchUp); seconds otherwise.
			swept := waitSwept(t, view, outs, ledgerCatchUp)
			t.Logf("no in-flight record %v after the last answer", swept.Round(time.Millisecond))
			time.Sleep(clusterJanitorAfter + 2*time.Second) // a sweep after the orphans are old enough
			reconcile(t, view, outs, seen, &f)
			for _, o := range outs {
				if o.acked() {
					if refs[o.reference] {
						t.Errorf("reference %s acknowledged in two scenarios", o.reference)
					}
					refs[o.reference] = true
				}
			}
			f.log(t)
			summary = append(summary, fmt.Sprintf("%-26s attempted %2d, acknowledged %2d, verified %2d, lost %d, refused %d, broken %d %v",
				name, f.attempted, f.acked, f.verified, f.lost, f.refused, f.broken, f.statuses))
		})
	}

	var ackedDown atomic.Int32
	var killed, restarted time.Time // node 2 down between them
	scenario("minio-node-killed", 12, 1000, func(t *testing.T, acked *atomic.Int32) func() {
		waitAcked(acked, 2, 20*time.Second)
		mc.nodes[1].Kill()
		killed = time.Now()
		atKill := acked.Load()
		t.Logf("MinIO node 2 (the second intake's endpoint) SIGKILLed with %d acknowledged", atKill)
		time.Sleep(5 * time.Second)
		ackedDown.Store(acked.Load() - atKill)
		restarted = time.Now()
		if err := mc.nodes[1].Start(); err != nil {
			t.Fatal(err)
		}
		t.Logf("node 2 restarted %v after the kill; %d acknowledged while it was down", time.Since(killed).Round(time.Millisecond), ackedDown.Load())
		return func() {
			healthy := mc.waitHealthy(t, 60*time.Second)
			up := waitReadyz(t, intakes[1].addr, http.StatusOK, 30*time.Second)
			t.Logf("cluster healthy %v and the second intake ready %v after the load", healthy.Round(time.Millisecond), up.Round(time.Millisecond))
		}
	})
	// The objects written while node 2 was down are healed onto its drive.
	t.Run("minio-node-healed", func(t *testing.T) {
		start := time.Now()
		var missing []string
		for time.Since(start) < 90*time.Second {
			missing = missing[:0]
			for ref := range refs {
				key := submission.ManifestKey(submission.KindObjection, ref)
				if _, err := readFileIfAny(mc.drives[1] + "/" + bucket + "/" + key + "/xl.meta"); err != nil {
					missing = append(missing, ref)
				}
			}
			if len(missing) == 0 {
				break
			}
			time.Sleep(time.Second)
		}
		if len(missing) > 0 {
			t.Fatalf("after %v, node 2's drive lacks the manifests of %v", time.Since(start).Round(time.Second), missing)
		}
		// Taken while node 2 was down: manifests the other nodes stored
		// then (acknowledged then, or later when a ledger key the dead node
		// had locked held the commits' entries up: ledger.AppendTimeout).
		infos, err := view.store(t).List(context.Background(), "objections/")
		if err != nil {
			t.Fatal(err)
		}
		storedDown := 0
		for _, in := range infos {
			if strings.HasSuffix(in.Key, "/manifest.json") && in.Modified.After(killed) && in.Modified.Before(restarted) {
				storedDown++
			}
		}
		t.Logf("node 2's drive holds all %d manifests (%d stored and %d acknowledged while it was down) %v after the scenario",
			len(refs), storedDown, ackedDown.Load(), time.Since(start).Round(time.Millisecond))
		if storedDown == 0 {
			t.Error("no manifest was stored while node 2 was down: the cluster did not take writes with a node missing")
		}
	})

	scenario("intake-killed-mid-upload", 12, 2000, func(t *testing.T, acked *atomic.Int32) func() {
		waitAcked(acked, 2, 20*time.Second)
		intakes[0].kill()
		t.Logf("intake 1 SIGKILLed with %d acknowledged", acked.Load())
		return func() {
			intakes[0] = startIntakeOn(top, dir, addrs[0], env(0)...)
		}
	})

	scenario("intake-sigterm", 12, 3000, func(t *testing.T, acked *atomic.Int32) func() {
		waitAcked(acked, 2, 20*time.Second)
		intakes[1].signal(t, syscall.SIGTERM)
		sent := time.Now()
		t.Logf("intake 2 sent SIGTERM with %d acknowledged", acked.Load())
		return func() {
			select {
			case <-intakes[1].exited:
			case <-time.After(40 * time.Second):
				t.Fatal("intake 2 did not exit within 40s of SIGTERM")
			}
			if intakes[1].err != nil {
				t.Errorf("intake 2's exit after SIGTERM: %v", intakes[1].err)
			}
			t.Logf("intake 2 exited %v after SIGTERM", time.Since(sent).Round(time.Millisecond))
			intakes[1] = startIntakeOn(top, dir, addrs[1], env(1)...)
		}
	})

	intakes[2].kill()
	scenario("intake-down-upstream", 10, 4000, func(t *testing.T, acked *atomic.Int32) func() {
		return func() { intakes[2] = startIntakeOn(top, dir, addrs[2], env(2)...) }
	})
	t.Run("intake-down-upstream/all-acknowledged", func(t *testing.T) {
		if !strings.Contains(summary[len(summary)-1], "refused 0, broken 0") {
			t.Errorf("with one replica down before the load, nginx must send every post to another: %s", summary[len(summary)-1])
		}
	})

	t.Run("mail-once", func(t *testing.T) {
		start := time.Now()
		var counts map[string]int
		for {
			counts = map[string]int{}
			for _, m := range mp.Messages(t) {
				for ref := range refs {
					if strings.Contains(m.Subject, ref) {
						counts[ref]++
					}
				}
			}
			if len(counts) == len(refs) || time.Since(start) > 60*time.Second {
				break
			}
			time.Sleep(time.Second)
		}
		twice := 0
		for ref, n := range counts {
			if n != 1 {
				twice++
				t.Errorf("%s told %d times", ref, n)
			}
		}
		// One not told yet is lost only if it was never queued or is marked
		// sent: a message whose attempt a killed replica had claimed is
		// retried only after notify.AttemptLease (10 min), one whose attempt
		// failed (its node down) after its backoff — delivered later, at
		// least once, as the outbox promises.
		keys, err := view.list("outbox/")
		if err != nil {
			t.Fatal(err)
		}
		pending := 0
		for ref := range refs {
			if counts[ref] > 0 {
				continue
			}
			dir := "outbox/new-" + strings.ToLower(ref) + "-1/"
			var queued, sent, tried bool
			for _, k := range keys {
				switch {
				case k == dir+"message.json":
					queued = true
				case k == dir+"sent.json":
					sent = true
				case strings.HasPrefix(k, dir+"attempt-") || strings.HasPrefix(k, dir+"failed-"):
					tried = true
				}
			}
			if !queued || sent {
				t.Errorf("%s: acknowledged, not told, and %s", ref, map[bool]string{true: "marked sent", false: "never queued"}[sent])
				continue
			}
			pending++
			t.Logf("%s: queued, not yet delivered (attempted: %v): retried after its attempt's lease or backoff", ref, tried)
		}
		summary = append(summary, fmt.Sprintf("mail: %d acknowledged submissions, %d told once, %d more than once, %d queued for a retry", len(refs), len(counts)-twice, twice, pending))
	})
	for _, s := range summary {
		t.Log(s)
	}
}

// waitAcked waits until n receipts have arrived (or within passes).
func waitAcked(acked *atomic.Int32, n int32, within time.Duration) {
	for start := time.Now(); acked.Load() < n && time.Since(start) < within; {
		time.Sleep(10 * time.Millisecond)
	}
}

// keepLogs copies the intakes' and nginx's logs into dir
// (AWARD_FAULTS_KEEP_LOGS), for a failure to be looked into.
func keepLogs(t *testing.T, dir string, intakes []*intakeProc, ng *clusterNginx) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Log(err)
		return
	}
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(intakes[0].log), "intake-*.log"))
	files = append(files, filepath.Join(ng.logs, "error.log"), filepath.Join(ng.logs, "access.log"))
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil {
			_ = os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o600)
		}
	}
}
