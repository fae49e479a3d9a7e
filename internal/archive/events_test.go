package archive_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
	"github.com/zhongmou/award/submission"
)

// commit stores a submission of kind with one file and the identity.
func commit(t *testing.T, a *archive.Archive, kind string, id any) *submission.Manifest {
	t.Helper()
	ctx := context.Background()
	up, err := a.Begin(ctx, kind)
	if err != nil {
		t.Fatal(err)
	}
	st, err := up.Put(ctx, strings.NewReader("%PDF-1.4 evidence"), submission.TypePDF)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := up.Commit(ctx, archive.Commitment{Fields: map[string]string{"statement": "事实"}, Identity: id,
		Files: []submission.File{{Field: "evidence", Name: "a.pdf", Key: st.Key, Size: st.Size, SHA256: st.SHA256, Type: submission.TypePDF}}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// verifyClean checks that the stored record verifies without a finding
// and holds statuses status records.
func verifyClean(t *testing.T, a *archive.Archive, statuses int) {
	t.Helper()
	rep, err := a.Ledger().Verify(context.Background(), ledger.VerifyOptions{Files: true})
	if err != nil || len(rep.Findings) != 0 || rep.Statuses != statuses {
		t.Fatalf("verify: %v; %d status records, findings %v; want %d and none", err, rep.Statuses, rep.Findings, statuses)
	}
}

// TestEvents runs an objection through its stages on each store: numbered
// records written only if absent, refused moves and stale pages, internal
// notes kept from the public view, the hook, and a ledger that verifies.
func TestEvents(t *testing.T) {
	for _, b := range ledgertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			store, _ := b.New(t)
			ctx := context.Background()
			at := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
			var heard []submission.Status
			sealer, _ := submission.NewSealer(bytes.Repeat([]byte{7}, 32))
			a := archive.New(store, sealer, ledger.New(store, ledgertest.Signer(t), nil), archive.DefaultConfig(), archive.Options{
				Now: func() time.Time { return at },
				OnEvent: func(_ context.Context, m *submission.Manifest, st submission.Status) {
					if m.Reference != st.Reference {
						t.Errorf("hook: manifest %s for event of %s", m.Reference, st.Reference)
					}
					heard = append(heard, st)
				}})
			m := commit(t, a, submission.KindObjection, submission.ObjectorIdentity{Type: submission.ObjectorIndividual, Name: "张三", Phone: "13800138000"})
			ref := m.Reference

			c, err := a.Case(ctx, ref)
			if err != nil || c.Seq != 0 || c.Current.Code != submission.StageReceived || len(c.Events) != 0 || c.Latest() != nil {
				t.Fatalf("new case: %+v %v", c, err)
			}
			if s := c.Status(); s.Stage.Label != "已收件（待受理）" || !s.At.Equal(m.ReceivedAt) || len(c.Next()) != 3 {
				t.Errorf("new case's status %+v, next %v", s, c.Next())
			}

			// received → accepted, from the page that showed no event.
			got, err := a.AppendEvent(ctx, submission.Status{Reference: strings.ToLower(ref), Stage: submission.StageAccepted,
				Note: " 材料齐全，予以受理。 ", Operator: " 王科员 "}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got.Seq != 1 || got.State != "已受理" || got.Reference != ref || got.Note != "材料齐全，予以受理。" || got.Operator != "王科员" ||
				!got.At.Equal(at) || a.Signer().Verify(&got) != nil {
				t.Errorf("event as stored: %+v", got)
			}
			var stored submission.Status
			if err := json.Unmarshal(ledgertest.Get(t, store, submission.EventKey(ref, 1)), &stored); err != nil || stored.Stage != submission.StageAccepted || stored.Seq != 1 {
				t.Errorf("stored under %s: %+v %v", submission.EventKey(ref, 1), stored, err)
			}

			// A page that showed no event is stale now; so is one from the future.
			for _, after := range []int{0, 2} {
				if _, err := a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: submission.StageInvestigating, Operator: "李科员"}, after); !errors.Is(err, archive.ErrConflict) {
					t.Errorf("after %d: %v, want ErrConflict", after, err)
				}
			}
			// Moves the flow does not allow, and stages that are none.
			for _, stage := range []string{submission.StageSubstantiated, submission.StageAwarded, submission.StageReceived, "已办结", "nonsense", ""} {
				_, err := a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: stage, Operator: "李科员"}, 1)
				if !errors.Is(err, archive.ErrStage) || !strings.Contains(err.Error(), "可以改为：核查中、需补充证据") {
					t.Errorf("accepted → %q: %v, want ErrStage naming the moves", stage, err)
				}
			}
			if _, err := a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: submission.StageInvestigating}, 1); err == nil {
				t.Error("an event without an operator accepted")
			}
			if _, err := a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: submission.StageInvestigating, Operator: "李科员",
				Note: strings.Repeat("字", archive.MaxNoteRunes+1)}, 1); err == nil {
				t.Error("an overlong note accepted")
			}
			if len(heard) != 1 || heard[0].Seq != 1 {
				t.Fatalf("hook heard %+v; want the one event stored", heard)
			}

			// accepted → investigating with an internal note (a label works as well as a code).
			at = at.Add(time.Hour)
			if _, err := a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: "核查中", Note: "举报人系竞争对手员工", Internal: true, Operator: "李科员"}, 1); err != nil {
				t.Fatal(err)
			}
			c, err = a.Case(ctx, ref)
			if err != nil || c.Seq != 2 || c.Current.Code != submission.StageInvestigating || len(c.Events) != 2 || c.Events[0].Seq != 1 {
				t.Fatalf("case after two events: %+v %v", c, err)
			}
			pub := c.Public()
			if len(pub) != 2 || pub[0].Note != "材料齐全，予以受理。" || pub[1].Note != "" || pub[1].Stage.Label != "核查中" ||
				c.Status().Note != "" || c.Status().Stage.Code != submission.StageInvestigating || !c.Status().At.Equal(at) {
				t.Errorf("public view %+v, status %+v: the internal note must not show", pub, c.Status())
			}
			if c.Latest().Note != "举报人系竞争对手员工" || !c.Latest().Internal {
				t.Errorf("the secretariat's view lost the internal note: %+v", c.Latest())
			}
			// investigating → unsubstantiated: final, and only with its outcome.
			_, err = a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: submission.StageUnsubstantiated, Note: "经核查，所述情况不属实。", Operator: "李科员"}, 2)
			if !errors.Is(err, archive.ErrStage) || !strings.Contains(err.Error(), "核查结论") {
				t.Fatalf("不属实 without its outcome: %v, want ErrStage naming 核查结论", err)
			}
			if _, err := a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: submission.StageUnsubstantiated, Note: "经核查，所述情况不属实。", Operator: "李科员",
				Outcome: &submission.ObjectionOutcome{Result: submission.StageUnsubstantiated, Note: "经核查，所述情况不属实。"}}, 2); err != nil {
				t.Fatal(err)
			}
			_, err = a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: submission.StageSubstantiated, Operator: "李科员"}, 3)
			if !errors.Is(err, archive.ErrStage) || !strings.Contains(err.Error(), "不能再改") {
				t.Errorf("a move from a final stage: %v", err)
			}
			sts, err := a.Statuses(ctx, ref)
			if err != nil || len(sts) != 3 || sts[0].Seq != 3 || sts[2].Seq != 1 {
				t.Errorf("statuses, latest first: %+v %v", sts, err)
			}
			if len(heard) != 3 {
				t.Errorf("hook heard %d events, want 3", len(heard))
			}
			verifyClean(t, a, 3)

			// Changed or deleted in storage: the ledger says so.
			ledgertest.Put(t, store, submission.EventKey(ref, 2), bytes.Replace(ledgertest.Get(t, store, submission.EventKey(ref, 2)), []byte("李科员"), []byte("赵科员"), 1))
			ledgertest.Delete(t, store, submission.EventKey(ref, 3))
			rep, err := a.Ledger().Verify(ctx, ledger.VerifyOptions{})
			if err != nil || rep.Count(ledger.StatusChanged) != 1 || rep.Count(ledger.StatusDeleted) != 1 {
				t.Errorf("tampered events: %v %v", rep.Findings, err)
			}
		})
	}
}

// TestEventRace has eight clerks on four replicas record the next event
// of one case from the same page at once: exactly one succeeds, the others
// get ErrConflict, and the one record is the one recorded.
func TestEventRace(t *testing.T) {
	for _, b := range ledgertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			store, _ := b.New(t)
			replicas := make([]*archive.Archive, 4)
			for i := range replicas {
				replicas[i] = newArchive(t, store, nil)
			}
			m := commit(t, replicas[0], submission.KindApplication, nil)
			ctx := context.Background()
			if _, err := replicas[0].AppendEvent(ctx, submission.Status{Reference: m.Reference, Stage: submission.StageAccepted, Operator: "王科员"}, 0); err != nil {
				t.Fatal(err)
			}
			next := []string{submission.StageRecommended, submission.StageReturned}
			errs := make([]error, 8)
			var wg sync.WaitGroup
			for i := range errs {
				wg.Go(func() {
					_, errs[i] = replicas[i%len(replicas)].AppendEvent(ctx, submission.Status{Reference: m.Reference, Stage: next[i%2],
						Note: "第" + string(rune('1'+i)) + "位", Operator: "科员"}, 1)
				})
			}
			wg.Wait()
			won := 0
			for i, err := range errs {
				switch {
				case err == nil:
					won++
				case !errors.Is(err, archive.ErrConflict):
					t.Errorf("clerk %d: %v, want ErrConflict", i, err)
				}
			}
			c, err := replicas[1].Case(ctx, m.Reference)
			if won != 1 || err != nil || c.Seq != 2 || len(c.Events) != 2 {
				t.Fatalf("%d succeeded; case %+v %v; want one and two events", won, c, err)
			}
			verifyClean(t, replicas[2], 2)
		})
	}
}

// TestOldStatusRecords: records from before numbered events (time-keyed,
// states not stages) read as stages, come before the numbered ones, count
// for the moves, and verify alongside them; a record copied to another
// number is passed over, reported, and not recovered as authentic.
func TestOldStatusRecords(t *testing.T) {
	for _, b := range ledgertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			store, _ := b.New(t)
			ctx := context.Background()
			a := newArchive(t, store, nil)
			m := commit(t, a, submission.KindObjection, nil)
			ref := m.Reference
			at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
			// As award status wrote them: 已受理, then 核实中.
			for i, state := range []string{"已受理", "核实中"} {
				st := submission.Status{Reference: ref, State: state, Note: "旧" + state, Operator: "王科员", At: at.Add(time.Duration(i) * time.Hour)}
				if err := a.Signer().Sign(&st); err != nil {
					t.Fatal(err)
				}
				data, _ := json.Marshal(st)
				key := submission.StatusKey(ref, st.At)
				ledgertest.Put(t, store, key, data)
				if _, err := a.Ledger().Record(ctx, ledger.KindStatus, ref, key, data); err != nil {
					t.Fatal(err)
				}
			}
			c, err := a.Case(ctx, ref)
			if err != nil || c.Seq != 0 || c.Current.Code != submission.StageInvestigating || c.Current.Label != "核查中" || len(c.Events) != 2 {
				t.Fatalf("old records: %+v %v", c, err)
			}
			if _, err := a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: submission.StageSubstantiated, Note: "经核查属实。", Operator: "王科员",
				Outcome: &submission.ObjectionOutcome{Result: submission.StageSubstantiated, Note: "经核查属实。"}}, 0); err != nil {
				t.Fatal(err)
			}
			c, _ = a.Case(ctx, ref)
			if c.Seq != 1 || len(c.Events) != 3 || c.Events[0].State != "已受理" || c.Events[2].Seq != 1 || c.Current.Code != submission.StageSubstantiated {
				t.Fatalf("old then new: %+v", c)
			}
			if pub := c.Public(); pub[1].Stage.Label != "核查中" || pub[1].Note != "旧核实中" {
				t.Errorf("old record's public view %+v", pub[1])
			}
			verifyClean(t, a, 3)

			// Event 1 copied as event 2, and an old record copied as one: a
			// valid MAC each, in the wrong place.
			ledgertest.Put(t, store, submission.EventKey(ref, 2), ledgertest.Get(t, store, submission.EventKey(ref, 1)))
			infos, _ := store.List(ctx, submission.StatusPrefix(ref))
			ledgertest.Put(t, store, submission.EventKey(ref, 3), ledgertest.Get(t, store, infos[len(infos)-1].Key))
			c, _ = a.Case(ctx, ref)
			if c.Seq != 3 || len(c.Events) != 3 {
				t.Errorf("copied records read as events: %+v", c.Events)
			}
			rep, err := a.Ledger().Verify(ctx, ledger.VerifyOptions{})
			if err != nil || rep.Count(ledger.StatusChanged) != 2 {
				t.Errorf("copied records: %v %v; want two changed", rep.Findings, err)
			}
			state, _ := a.Ledger().State(ctx)
			if got, err := a.Ledger().Recover(ctx, state, time.Now().Add(time.Hour)); err != nil || len(got) != 0 {
				t.Errorf("Recover recorded copied records: %+v %v", got, err)
			}
			// The case's number is the highest stored, readable or not: the
			// next event is 4.
			if _, err := a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: submission.StageAccepted, Operator: "王科员"}, 1); !errors.Is(err, archive.ErrConflict) {
				t.Errorf("after 1 with 3 stored: %v", err)
			}
		})
	}
}

// TestOpenIdentity opens each kind's identity into its type, and refuses
// without the key, without an identity, and for the other kind.
func TestOpenIdentity(t *testing.T) {
	store, _ := ledgertest.Backends(t)[0].New(t)
	a := newArchive(t, store, nil)
	obj := submission.ObjectorIdentity{Type: submission.ObjectorOrganization, Name: "某某公司", CreditCode: "91410122MA00J8NW0M",
		Phone: "13800138000", Email: "zhangsan@example.com"}
	app := submission.ApplicantIdentity{LegalRepresentative: "李四", ContactName: "王五", Phone: "0371-62196035", Email: "zhiliang@example.com"}
	mo := commit(t, a, submission.KindObjection, obj)
	ma := commit(t, a, submission.KindApplication, app)
	id, err := a.OpenIdentity(mo)
	if o, ok := id.(*submission.ObjectorIdentity); err != nil || !ok || *o != obj || id.NotifyEmail() != "zhangsan@example.com" {
		t.Errorf("objector: %#v %v", id, err)
	}
	if o, err := a.OpenObjector(mo); err != nil || *o != obj {
		t.Errorf("OpenObjector: %+v %v", o, err)
	}
	if p, err := a.OpenApplicant(ma); err != nil || *p != app {
		t.Errorf("OpenApplicant: %+v %v", p, err)
	}
	if _, err := a.OpenApplicant(mo); err == nil {
		t.Error("an objection opened as an application")
	}
	if _, err := a.OpenIdentity(commit(t, a, submission.KindObjection, nil)); !errors.Is(err, archive.ErrNoIdentity) {
		t.Errorf("no identity: %v", err)
	}
	locked := archive.New(store, nil, a.Ledger(), archive.DefaultConfig(), archive.Options{})
	if _, err := locked.OpenIdentity(mo); !errors.Is(err, archive.ErrIdentityLocked) {
		t.Errorf("without the key: %v", err)
	}
	other, _ := submission.NewSealer(bytes.Repeat([]byte{8}, 32))
	if _, err := archive.New(store, other, a.Ledger(), archive.DefaultConfig(), archive.Options{}).OpenIdentity(mo); !errors.Is(err, submission.ErrWrongKey) {
		t.Errorf("another key: %v", err)
	}
}
