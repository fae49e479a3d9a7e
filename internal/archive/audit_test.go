package archive_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// auditArchive is an Archive (a replica) of its own over store, with the
// fixture's record key and a clock that moves a millisecond per call.
func auditArchive(t *testing.T, store storage.Store) *archive.Archive {
	t.Helper()
	var mu sync.Mutex
	at := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	now := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		at = at.Add(time.Millisecond)
		return at
	}
	return archive.New(store, nil, ledger.New(store, ledgertest.Signer(t), now), archive.DefaultConfig(), archive.Options{Now: now})
}

// viewDetails are a case view's particulars, as the console records them.
type viewDetails struct {
	Reason string `json:"reason"`
	Page   int    `json:"page"`
}

// TestAuditConcurrent has two Archives (two replicas) on one store, each
// with two goroutines, append at once: one unbroken chain holding every
// record once, which verifies; then pages through it newest first.
func TestAuditConcurrent(t *testing.T) {
	for _, b := range ledgertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			store, _ := b.New(t)
			ctx := context.Background()
			const each = 10
			var wg sync.WaitGroup
			for _, op := range []string{"王科员", "李科长"} {
				a := auditArchive(t, store)
				for g := range 2 {
					wg.Go(func() {
						for i := range each {
							rec := archive.AuditRecord{Operator: op, Action: archive.ActionCaseView, Reference: "K7M2-QX9D", From: "192.0.2.7",
								Details: viewDetails{Reason: fmt.Sprintf("%s-%d-%d <核对>", op, g, i), Page: i}}
							key, err := a.Audit(ctx, rec)
							if err != nil || !strings.HasPrefix(key, archive.AuditLogPrefix) {
								t.Errorf("audit: %q %v", key, err)
								return
							}
						}
					})
				}
			}
			wg.Wait()
			a := auditArchive(t, store)
			rep, err := a.VerifyAudit(ctx, archive.AuditVerifyOptions{})
			if err != nil || len(rep.Findings) != 0 || rep.Records != 4*each || rep.Head.Seq != 4*each || rep.FirstBroken != 0 {
				t.Fatalf("verify: %+v %v", rep, err)
			}

			// Pages of 7, newest first, until a short page.
			var all []archive.AuditRecord
			var before int64
			for pages := 0; ; pages++ {
				page, err := a.AuditLog(ctx, archive.AuditQuery{Before: before, Limit: 7})
				if err != nil || pages > 10 {
					t.Fatalf("page %d: %v", pages, err)
				}
				all = append(all, page...)
				if len(page) < 7 {
					break
				}
				before = page[len(page)-1].Seq
			}
			if len(all) != 4*each {
				t.Fatalf("paged %d records, want %d", len(all), 4*each)
			}
			reasons := map[string]bool{}
			for i, r := range all {
				var d viewDetails
				raw, _ := r.Details.(json.RawMessage)
				if r.Seq != int64(4*each-i) || r.Problem != "" || r.Legacy || r.From != "192.0.2.7" || r.Key != fmt.Sprintf("audit/log/%012d.json", r.Seq) ||
					json.Unmarshal(raw, &d) != nil || d.Reason == "" {
					t.Errorf("record %d: %+v", i, r)
				}
				reasons[d.Reason] = true
			}
			if len(reasons) != 4*each {
				t.Errorf("%d distinct records, want %d", len(reasons), 4*each)
			}

			// Filters: one operator's records, a page of them.
			page, err := a.AuditLog(ctx, archive.AuditQuery{Operator: "李科长", Limit: 5})
			if err != nil || len(page) != 5 {
				t.Fatalf("filtered: %d %v", len(page), err)
			}
			for i, r := range page {
				if r.Operator != "李科长" || (i > 0 && r.Seq >= page[i-1].Seq) {
					t.Errorf("filtered record %d: %+v", i, r)
				}
			}
			if page, err := a.AuditLog(ctx, archive.AuditQuery{Action: archive.ActionLogin}); err != nil || len(page) != 0 {
				t.Errorf("no logins: %+v %v", page, err)
			}
			if page, err := a.AuditLog(ctx, archive.AuditQuery{Before: 3}); err != nil || len(page) != 2 || page[0].Seq != 2 || page[1].Seq != 1 {
				t.Errorf("before 3: %+v %v", page, err)
			}
		})
	}
}

// auditFixture is a store with a chained log of six records (and the
// bytes of each) and one legacy record.
func auditFixture(t *testing.T, store storage.Store) (*archive.Archive, [][]byte) {
	t.Helper()
	ctx := context.Background()
	if _, err := archive.WriteAudit(ctx, store, archive.AuditRecord{Operator: "旧记录", Action: "export", Details: map[string]int{"count": 3}}); err != nil {
		t.Fatal(err)
	}
	a := auditArchive(t, store)
	var data [][]byte
	for i := range 6 {
		key, err := a.Audit(ctx, archive.AuditRecord{Operator: "王科员", Action: archive.ActionStage, Reference: fmt.Sprintf("K7M2-QX9%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, ledgertest.Get(t, store, key))
	}
	return a, data
}

// key is the storage key of audit record seq.
func key(seq int64) string { return fmt.Sprintf("audit/log/%012d.json", seq) }

// resign rewrites a stored record with change applied, its prev set to
// prev (when not ""), signed with a key that is not the record key (an
// attacker's) under the record key's ID.
func resign(t *testing.T, data []byte, prev string, change func(*archive.AuditRecord)) []byte {
	t.Helper()
	var rec archive.AuditRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	change(&rec)
	if prev != "" {
		rec.Prev = prev
	}
	forger, err := submission.NewSigner(bytes.Repeat([]byte{0x33}, 32))
	if err != nil {
		t.Fatal(err)
	}
	if err := forger.Sign(&rec); err != nil {
		t.Fatal(err)
	}
	rec.MAC.KeyID = ledgertest.Signer(t).KeyID()
	out, _ := json.Marshal(rec)
	return append(out, '\n')
}

// TestAuditTamper changes the log directly in the store in every way and
// checks that VerifyAudit names the first broken link, and AuditLog flags
// the record.
func TestAuditTamper(t *testing.T) {
	type want struct {
		kind archive.AuditFindingKind
		seq  int64
		text string
	}
	cases := []struct {
		name   string
		tamper func(t *testing.T, store storage.Store, data [][]byte)
		first  want
		n      int     // findings
		flag   []int64 // the records AuditLog flags
		flagIs string  // in their Problem
	}{
		{"changed", func(t *testing.T, store storage.Store, data [][]byte) {
			ledgertest.Put(t, store, key(3), bytes.Replace(data[2], []byte("王科员"), []byte("张三"), 1))
		}, want{archive.AuditChanged, 3, "第 3 条被改动"}, 1, []int64{3}, "可能被改动"},
		{"deleted", func(t *testing.T, store storage.Store, data [][]byte) {
			ledgertest.Delete(t, store, key(3))
		}, want{archive.AuditMissing, 3, "第 3 条不存在"}, 1, nil, ""},
		{"reordered", func(t *testing.T, store storage.Store, data [][]byte) {
			ledgertest.Put(t, store, key(3), data[3])
			ledgertest.Put(t, store, key(4), data[2])
		}, want{archive.AuditReordered, 3, "第 3 条的位置上是第 4 条的内容"}, 2, []int64{3, 4}, "顺序被打乱"},
		{"renumbered after a deletion", func(t *testing.T, store storage.Store, data [][]byte) {
			for i := 3; i < 6; i++ {
				ledgertest.Put(t, store, key(int64(i)), data[i])
			}
			ledgertest.Delete(t, store, key(6))
		}, want{archive.AuditReordered, 3, "第 3 条的位置上是第 4 条的内容"}, 3, []int64{3, 4, 5}, "顺序被打乱"},
		{"replaced and re-hashed without the key", func(t *testing.T, store storage.Store, data [][]byte) {
			forged := resign(t, data[2], "", func(r *archive.AuditRecord) { r.Operator = "张三" })
			ledgertest.Put(t, store, key(3), forged)
			for i := 3; i < 6; i++ { // every later record re-linked, re-signed without the key
				forged = resign(t, data[i], ledger.Sum(forged), func(*archive.AuditRecord) {})
				ledgertest.Put(t, store, key(int64(i+1)), forged)
			}
		}, want{archive.AuditChanged, 3, "第 3 条被改动：记录与其校验码不符"}, 4, []int64{3, 4, 5, 6}, "可能被改动"},
		{"a stray object", func(t *testing.T, store storage.Store, data [][]byte) {
			ledgertest.Put(t, store, "audit/log/extra.json", data[0])
		}, want{archive.AuditChanged, 0, "审计日志中有不是审计日志条目的对象"}, 1, nil, ""},
	}
	for _, b := range ledgertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					ctx := context.Background()
					store, _ := b.New(t)
					_, data := auditFixture(t, store)
					c.tamper(t, store, data)
					a := auditArchive(t, store)
					rep, err := a.VerifyAudit(ctx, archive.AuditVerifyOptions{})
					if err != nil {
						t.Fatal(err)
					}
					f, ok := rep.First()
					if !ok || len(rep.Findings) != c.n || f.Kind != c.first.kind || f.Seq != c.first.seq || rep.FirstBroken != c.first.seq ||
						!strings.Contains(f.Detail, c.first.text) || !strings.HasPrefix(f.String(), c.first.kind.Label()+"：") || rep.Legacy != 1 {
						t.Errorf("first %+v (%v) of %+v", f, ok, rep)
					}
					page, err := a.AuditLog(ctx, archive.AuditQuery{})
					if err != nil {
						t.Fatal(err)
					}
					var flagged []int64
					for i, r := range page {
						if i > 0 && r.Seq >= page[i-1].Seq {
							t.Errorf("record %d after %d", r.Seq, page[i-1].Seq)
						}
						if r.Problem != "" {
							flagged = append(flagged, r.Seq)
							if !strings.Contains(r.Problem, c.flagIs) {
								t.Errorf("record %d: problem %q, want %q", r.Seq, r.Problem, c.flagIs)
							}
						}
					}
					slices.Sort(flagged)
					if !slices.Equal(flagged, c.flag) {
						t.Errorf("flagged %v, want %v", flagged, c.flag)
					}
				})
			}
		})
	}
}

// TestAuditHead: the newest records removed leave a consistent chain;
// only a head noted earlier shows it.
func TestAuditHead(t *testing.T) {
	ctx := context.Background()
	store, _ := ledgertest.Backends(t)[0].New(t)
	a, data := auditFixture(t, store)
	rep, err := a.VerifyAudit(ctx, archive.AuditVerifyOptions{})
	if err != nil || len(rep.Findings) != 0 || rep.Head != (ledger.Head{Seq: 6, SHA256: ledger.Sum(data[5])}) {
		t.Fatalf("%+v %v", rep, err)
	}
	noted := rep.Head
	ledgertest.Delete(t, store, key(6))
	ledgertest.Delete(t, store, key(5))
	if rep, err := a.VerifyAudit(ctx, archive.AuditVerifyOptions{}); err != nil || len(rep.Findings) != 0 || rep.Head.Seq != 4 {
		t.Errorf("cut short, no head: %+v %v", rep, err)
	}
	rep, err = a.VerifyAudit(ctx, archive.AuditVerifyOptions{Head: noted})
	if f, ok := rep.First(); err != nil || !ok || f.Kind != archive.AuditMissing || f.Seq != 6 || !strings.Contains(f.Detail, "被截短") {
		t.Errorf("cut short, head noted: %+v %v", rep, err)
	}
	ledgertest.Put(t, store, key(6), data[4])
	rep, err = a.VerifyAudit(ctx, archive.AuditVerifyOptions{Head: noted})
	if err != nil || rep.Count(archive.AuditChanged) != 1 {
		t.Errorf("rewritten head: %+v %v", rep, err)
	}
	// The archive appends after the last record it knows of, at 7.
	k, err := a.Audit(ctx, archive.AuditRecord{Operator: "王科员", Action: archive.ActionLogout})
	if err != nil || k != key(7) {
		t.Errorf("append after tampering: %q %v", k, err)
	}
}

// TestAuditLegacyAndWriters: records of the old layout stay readable and
// apart from the chain; AppendAudit (the export's writer, on a store of its
// own) and an Archive chain onto one another; bad actions are refused; the
// janitor never removes an audit record.
func TestAuditLegacyAndWriters(t *testing.T) {
	ctx := context.Background()
	store, _ := ledgertest.Backends(t)[0].New(t)
	a, _ := auditFixture(t, store)
	legacyKey, err := archive.AppendAudit(ctx, store, nil, archive.AuditRecord{Operator: "无密钥", Action: "status"})
	if err != nil || !strings.HasPrefix(legacyKey, "audit/status/") {
		t.Fatalf("without a signer: %q %v", legacyKey, err)
	}
	k, err := archive.AppendAudit(ctx, store, ledgertest.Signer(t), archive.AuditRecord{Operator: "王科员", Action: archive.ActionExport, Details: map[string]any{"count": 2}})
	if err != nil || k != key(7) {
		t.Fatalf("export's append: %q %v", k, err)
	}
	if k, err := a.Audit(ctx, archive.AuditRecord{Operator: "王科员", Action: archive.ActionLogin, From: "198.51.100.2"}); err != nil || k != key(8) {
		t.Fatalf("archive after export: %q %v", k, err)
	}
	page, err := a.AuditLog(ctx, archive.AuditQuery{Limit: 3})
	if err != nil || len(page) != 3 || page[0].Action != archive.ActionLogin || page[1].Action != archive.ActionExport || string(page[1].Details.(json.RawMessage)) != `{"count":2}` {
		t.Errorf("newest: %+v %v", page, err)
	}
	legacy, err := a.AuditLog(ctx, archive.AuditQuery{Legacy: true})
	if err != nil || len(legacy) != 2 || legacy[0].Key != legacyKey || !legacy[0].Legacy || legacy[1].Operator != "旧记录" || legacy[1].Seq != 0 ||
		string(legacy[1].Details.(json.RawMessage)) != `{"count":3}` {
		t.Errorf("legacy: %+v %v", legacy, err)
	}
	if legacy, err := a.AuditLog(ctx, archive.AuditQuery{Legacy: true, Action: "export"}); err != nil || len(legacy) != 1 {
		t.Errorf("legacy exports: %+v %v", legacy, err)
	}
	for _, action := range []string{"", "Case View", "../x", "log"} {
		if _, err := archive.WriteAudit(ctx, store, archive.AuditRecord{Action: action}); err == nil {
			t.Errorf("legacy action %q accepted", action)
		}
	}
	if _, err := a.Audit(ctx, archive.AuditRecord{Action: "a/b"}); err == nil {
		t.Error("action a/b accepted")
	}

	// The janitor, long after: every audit record stays.
	before, _ := store.List(ctx, archive.AuditPrefix)
	late := archive.New(store, nil, ledger.New(store, ledgertest.Signer(t), nil), archive.DefaultConfig(),
		archive.Options{Now: func() time.Time { return time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if _, err := late.Sweep(ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	after, _ := store.List(ctx, archive.AuditPrefix)
	if len(after) != len(before) || len(after) != 10 {
		t.Errorf("audit records before the sweep %d, after %d", len(before), len(after))
	}
	if rep, err := late.VerifyAudit(ctx, archive.AuditVerifyOptions{}); err != nil || len(rep.Findings) != 0 || rep.Records != 8 || rep.Legacy != 2 {
		t.Errorf("after the sweep: %+v %v", rep, err)
	}
}
