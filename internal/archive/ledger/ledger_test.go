package ledger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

func verify(t *testing.T, l *ledger.Ledger, o ledger.VerifyOptions) *ledger.Report {
	t.Helper()
	rep, err := l.Verify(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestTamperEvidence tampers with the fixture in every way of
// ledgertest.Cases, directly in the store, and checks that Verify names
// exactly the submissions and ledger entries affected, and nothing for the
// purged submission.
func TestTamperEvidence(t *testing.T) {
	for _, b := range ledgertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			for _, c := range ledgertest.Cases() {
				t.Run(c.Name, func(t *testing.T) {
					store, _ := b.New(t)
					fx := ledgertest.Setup(t, store)
					if c.Tamper != nil {
						c.Tamper(t, fx)
					}
					rep := verify(t, fx.Ledger, ledger.VerifyOptions{Files: true})
					ledgertest.Check(t, rep.Findings, c.Want)
					if rep.Purged != 1 || rep.Entries < 5 {
						t.Errorf("report %+v: want 1 purged and the 6 entries", rep)
					}
					if c.Tamper == nil && (rep.Head.Seq != 6 || rep.Submissions != 3 || rep.Files != 4 || rep.Statuses != 1 || rep.FirstBroken != 0) {
						t.Errorf("untouched fixture: report %+v", rep)
					}
				})
			}
		})
	}
}

// TestFirstBroken checks that the report names the first broken link.
func TestFirstBroken(t *testing.T) {
	store, _ := ledgertest.Backends(t)[0].New(t)
	fx := ledgertest.Setup(t, store)
	ledgertest.Delete(t, store, ledger.Key(5))
	ledgertest.Put(t, store, ledger.Key(3), []byte("{}\n"))
	rep := verify(t, fx.Ledger, ledger.VerifyOptions{})
	if rep.FirstBroken != 3 {
		t.Errorf("FirstBroken %d, want 3; findings %v", rep.FirstBroken, rep.Findings)
	}
}

// TestRecover checks the crash between a manifest and its ledger entry:
// Verify reports the manifest as unrecorded, Recover appends its entry
// (marked recovered) once it is older than the cutoff, and only once.
func TestRecover(t *testing.T) {
	for _, b := range ledgertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			store, _ := b.New(t)
			fx := ledgertest.Setup(t, store)
			const ref = "EEEE-6666"
			m := ledgertest.Manifest(t, fx.Ledger, submission.KindApplication, ref, ledgertest.At, "申报表")
			data, _ := m.Encode()
			if _, err := store.Put(context.Background(), submission.ManifestKey(m.Kind, ref), bytes.NewReader(data), storage.PutOptions{IfAbsent: true}); err != nil {
				t.Fatal(err)
			}
			// The crash: no ledger entry. A status record left the same way.
			st := &submission.Status{Reference: ledgertest.C, State: "需补正", Operator: "王科员", At: time.Now()}
			if err := fx.Ledger.Signer().Sign(st); err != nil {
				t.Fatal(err)
			}
			stData, _ := jsonBytes(st)
			ledgertest.Put(t, store, submission.StatusKey(st.Reference, st.At), stData)
			ledgertest.Check(t, verify(t, fx.Ledger, ledger.VerifyOptions{}).Findings,
				[]ledgertest.Want{{Kind: ledger.Unrecorded, Reference: ref}, {Kind: ledger.StatusUnrecorded, Reference: ledgertest.C}})

			ctx := context.Background()
			state, err := fx.Ledger.State(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := fx.Ledger.Recover(ctx, state, time.Now().Add(-time.Hour)); err != nil || len(got) != 0 {
				t.Fatalf("Recover before the cutoff appended %v, %v", got, err)
			}
			got, err := fx.Ledger.Recover(ctx, state, time.Now().Add(time.Hour))
			if err != nil || len(got) != 2 || !got[0].Recovered || got[0].Reference != ref || got[0].Seq != 7 || got[1].Kind != ledger.KindStatus {
				t.Fatalf("Recover = %+v, %v; want entries 7 and 8 for %s and C's status, recovered", got, err, ref)
			}
			ledgertest.Check(t, verify(t, fx.Ledger, ledger.VerifyOptions{Files: true}).Findings, nil)
			state, _ = fx.Ledger.State(ctx)
			if again, err := fx.Ledger.Recover(ctx, state, time.Now().Add(time.Hour)); err != nil || len(again) != 0 {
				t.Errorf("second Recover appended %v, %v", again, err)
			}
			// A manifest changed or unsigned is never recorded by Recover.
			ledgertest.Put(t, store, submission.ManifestKey(submission.KindObjection, "FFFF-7777"), bytes.Replace(data, []byte(ref), []byte("FFFF-7777"), -1))
			state, _ = fx.Ledger.State(ctx)
			if got, err := fx.Ledger.Recover(ctx, state, time.Now().Add(time.Hour)); err != nil || len(got) != 0 {
				t.Errorf("Recover recorded a forged manifest: %v, %v", got, err)
			}
		})
	}
}

// TestHead shows what storage alone cannot: the newest entry removed with
// the submission it records leaves a consistent ledger; a head noted
// earlier catches it.
func TestHead(t *testing.T) {
	store, _ := ledgertest.Backends(t)[0].New(t)
	fx := ledgertest.Setup(t, store)
	ledgertest.Commit(t, fx.Ledger, submission.KindObjection, "EEEE-6666", ledgertest.At, "材料")
	noted := verify(t, fx.Ledger, ledger.VerifyOptions{}).Head
	if noted.Seq != 7 {
		t.Fatalf("head %v", noted)
	}
	h, err := ledger.ParseHead(noted.String())
	if err != nil || h != noted {
		t.Fatalf("ParseHead(%s) = %v, %v", noted, h, err)
	}
	ledgertest.Delete(t, store, ledger.Key(7))
	ledgertest.DeletePrefix(t, store, submission.Prefix(submission.KindObjection, "EEEE-6666"))
	ledgertest.Check(t, verify(t, fx.Ledger, ledger.VerifyOptions{}).Findings, nil)
	ledgertest.Check(t, verify(t, fx.Ledger, ledger.VerifyOptions{Head: noted}).Findings, []ledgertest.Want{{Kind: ledger.LedgerMissing, Seq: 7}})

	// A process that still knows the head leaves the gap: it appends 8.
	ledgertest.Commit(t, fx.Ledger, submission.KindObjection, "GGGG-8888", ledgertest.At, "材料")
	ledgertest.Check(t, verify(t, fx.Ledger, ledger.VerifyOptions{}).Findings, []ledgertest.Want{{Kind: ledger.LedgerMissing, Seq: 7}})
	ledgertest.Delete(t, store, ledger.Key(8))
	ledgertest.DeletePrefix(t, store, submission.Prefix(submission.KindObjection, "GGGG-8888"))

	// A new entry 7 written after a restart (or by someone with the key):
	// the noted hash no longer matches.
	ledgertest.Commit(t, ledger.New(store, fx.Ledger.Signer(), nil), submission.KindObjection, "HHHH-9999", ledgertest.At, "材料")
	ledgertest.Check(t, verify(t, fx.Ledger, ledger.VerifyOptions{Head: noted}).Findings, []ledgertest.Want{{Kind: ledger.LedgerChanged, Seq: 7}})
	for _, bad := range []string{"", "7", "0:" + noted.SHA256, "7:abc", "x:" + noted.SHA256} {
		if _, err := ledger.ParseHead(bad); err == nil {
			t.Errorf("ParseHead(%q) accepted", bad)
		}
	}
}

// TestRotation checks that entries and records signed with an old record
// key still verify once it is kept as an old key, and that without it they
// are reported.
func TestRotation(t *testing.T) {
	store, _ := ledgertest.Backends(t)[0].New(t)
	ledgertest.Setup(t, store)
	newKey := bytes.Repeat([]byte{0x6b}, 32)
	rotated, err := submission.NewSigner(newKey, ledgertest.Key)
	if err != nil {
		t.Fatal(err)
	}
	l := ledger.New(store, rotated, nil)
	ledgertest.Commit(t, l, submission.KindObjection, "EEEE-6666", ledgertest.At, "材料")
	ledgertest.Check(t, verify(t, l, ledger.VerifyOptions{Files: true}).Findings, nil)

	only, _ := submission.NewSigner(newKey)
	rep := verify(t, ledger.New(store, only, nil), ledger.VerifyOptions{})
	if rep.Count(ledger.LedgerChanged) != 6 || rep.FirstBroken != 1 {
		t.Errorf("without the old key: %d changed entries, first broken %d; want 6 and 1", rep.Count(ledger.LedgerChanged), rep.FirstBroken)
	}
}

// TestConcurrentAppends records 32 manifests at once through four Ledgers
// on one store (as four intake replicas would): the chain must be 1…32
// without gaps or forks, and verify.
func TestConcurrentAppends(t *testing.T) {
	for _, b := range ledgertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			store, _ := b.New(t)
			signer := ledgertest.Signer(t)
			replicas := make([]*ledger.Ledger, 4)
			for i := range replicas {
				replicas[i] = ledger.New(store, signer, nil)
			}
			type committed struct {
				ref, key string
				data     []byte
			}
			var cs []committed
			for range 32 {
				ref := submission.NewReference()
				m := ledgertest.Manifest(t, replicas[0], submission.KindObjection, ref, ledgertest.At, "材料")
				data, _ := m.Encode()
				key := submission.ManifestKey(m.Kind, ref)
				if _, err := store.Put(context.Background(), key, bytes.NewReader(data), storage.PutOptions{IfAbsent: true}); err != nil {
					t.Fatal(err)
				}
				cs = append(cs, committed{ref, key, data})
			}
			var wg sync.WaitGroup
			errs := make([]error, len(cs))
			for i, c := range cs {
				wg.Go(func() {
					_, errs[i] = replicas[i%len(replicas)].Record(context.Background(), ledger.KindCommit, c.ref, c.key, c.data)
				})
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("append %d: %v", i, err)
				}
			}
			infos, err := store.List(context.Background(), ledger.Prefix)
			if err != nil {
				t.Fatal(err)
			}
			for i, in := range infos {
				if in.Key != ledger.Key(int64(i+1)) {
					t.Fatalf("entry %d stored as %s: the chain has a gap", i+1, in.Key)
				}
			}
			rep := verify(t, replicas[0], ledger.VerifyOptions{Files: true})
			if len(infos) != 32 || rep.Head.Seq != 32 || len(rep.Findings) != 0 {
				t.Errorf("%d entries, head %v, findings %v; want 32 and none", len(infos), rep.Head, rep.Findings)
			}
		})
	}
}

func jsonBytes(v any) ([]byte, error) { return json.Marshal(v) }

// TestAdopt: records stored before the record key (no MAC) are reported
// until adopted; adoption records them as they are, once, and never a
// record whose MAC fails; adopted records are then held to their bytes and
// may be purged.
func TestAdopt(t *testing.T) {
	for _, b := range ledgertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			store, _ := b.New(t)
			fx := ledgertest.Setup(t, store)
			ctx := context.Background()
			// An old objection and an old status record, from before the key.
			const old = "EEEE-6666"
			m := ledgertest.Manifest(t, fx.Ledger, submission.KindObjection, old, ledgertest.At.AddDate(-1, 0, 0), "旧材料")
			m.MAC = nil
			data, _ := m.Encode()
			key := submission.ManifestKey(m.Kind, old)
			ledgertest.Put(t, store, key, data)
			st := submission.Status{Reference: old, State: "已办结", Operator: "王科员", At: ledgertest.At}
			stData, _ := jsonBytes(st)
			ledgertest.Put(t, store, submission.StatusKey(old, st.At), stData)
			// And a signed manifest changed since: never adopted.
			ledgertest.CaseNamed(t, "statement rewritten").Tamper(t, fx) // B
			ledgertest.Check(t, verify(t, fx.Ledger, ledger.VerifyOptions{}).Findings, []ledgertest.Want{
				{Kind: ledger.ManifestChanged, Reference: old}, {Kind: ledger.StatusChanged, Reference: old}, {Kind: ledger.ManifestChanged, Reference: ledgertest.B}})

			state, _ := fx.Ledger.State(ctx)
			if _, err := fx.Ledger.Authentic(state, key, data); err == nil {
				t.Error("an unsigned, unrecorded manifest is authentic (the janitor would purge it)")
			}
			if _, err := fx.Ledger.Adopt(ctx, state, " "); err == nil {
				t.Error("adoption without an operator accepted")
			}
			got, err := fx.Ledger.Adopt(ctx, state, "王科员")
			if err != nil || len(got) != 2 || !got[0].Adopted || got[0].Operator != "王科员" || got[0].Reference != old {
				t.Fatalf("Adopt = %+v, %v; want the old manifest and status record", got, err)
			}
			ledgertest.Check(t, verify(t, fx.Ledger, ledger.VerifyOptions{Files: true}).Findings, []ledgertest.Want{{Kind: ledger.ManifestChanged, Reference: ledgertest.B}})
			state, _ = fx.Ledger.State(ctx)
			if again, err := fx.Ledger.Adoptable(ctx, state); err != nil || len(again) != 0 {
				t.Errorf("adoptable after adoption: %v %v", again, err)
			}
			if _, err := fx.Ledger.Authentic(state, key, data); err != nil {
				t.Errorf("an adopted manifest is not authentic: %v", err)
			}
			// Changed after adoption: reported.
			ledgertest.Put(t, store, key, bytes.Replace(data, []byte("旧材料"), []byte("新材料"), 1))
			ledgertest.Check(t, verify(t, fx.Ledger, ledger.VerifyOptions{}).Findings, []ledgertest.Want{
				{Kind: ledger.ManifestChanged, Reference: old}, {Kind: ledger.ManifestChanged, Reference: ledgertest.B}})
		})
	}
}
