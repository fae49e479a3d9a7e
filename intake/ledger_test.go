package intake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// testLedger is the ledger of the test servers, with a fixed record key.
func testLedger(tb testing.TB, store storage.Store, now func() time.Time) *ledger.Ledger {
	tb.Helper()
	signer, err := submission.NewSigner(bytes.Repeat([]byte{43}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	return ledger.New(store, signer, now)
}

// verifyStore runs the ledger's verification over the env's store.
func (e *testEnv) verifyStore() *ledger.Report {
	e.t.Helper()
	rep, err := e.srv.archive.Ledger().Verify(context.Background(), ledger.VerifyOptions{Files: true})
	if err != nil {
		e.t.Fatal(err)
	}
	return rep
}

// wantFindings fails unless the report has exactly these kinds of finding,
// each naming ref.
func wantFindings(t *testing.T, rep *ledger.Report, ref string, kinds ...ledger.FindingKind) {
	t.Helper()
	var got []string
	for _, f := range rep.Findings {
		got = append(got, string(f.Kind)+" "+f.Reference)
	}
	var want []string
	for _, k := range kinds {
		want = append(want, string(k)+" "+ref)
	}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("findings %q, want %q: %v", got, want, rep.Findings)
	}
}

func runLedgerSuite(t *testing.T, newStore func(t *testing.T) storage.Store) {
	t.Run("concurrent commits make one chain", func(t *testing.T) { testConcurrentCommits(t, newStore(t)) })
	t.Run("a commit whose entry failed is recorded by the janitor", func(t *testing.T) { testEntryFailed(t, newStore(t)) })
	t.Run("a purge is recorded", func(t *testing.T) { testPurgeRecorded(t, newStore(t)) })
	t.Run("a backdated manifest is not purged", func(t *testing.T) { testBackdated(t, newStore(t)) })
}

func TestLedgerDirStore(t *testing.T) { runLedgerSuite(t, dirStore) }

func TestLedgerMinIO(t *testing.T) {
	runLedgerSuite(t, func(t *testing.T) storage.Store { return s3Store(t, minioServer(t)) })
}

// testConcurrentCommits posts 32 objections at once: every one is
// acknowledged, signed and recorded, in a chain of exactly 32 entries
// without gaps, which verifies.
func testConcurrentCommits(t *testing.T, store storage.Store) {
	e := newEnv(t, store, nil)
	const n = 32
	type req struct {
		body io.Reader
		ct   string
	}
	reqs := make([]req, n)
	for i := range reqs {
		reqs[i].body, reqs[i].ct = multipartBody(t, goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}})
	}
	refs := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, r := range reqs {
		wg.Go(func() {
			hr, _ := http.NewRequest(http.MethodPost, e.http.URL+"/api/objections", r.body)
			hr.Header.Set("Content-Type", r.ct)
			hr.Header.Set("Accept", "application/json")
			resp, err := http.DefaultClient.Do(hr)
			if err != nil {
				errs[i] = err
				return
			}
			defer resp.Body.Close()
			var got objectionResponse
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusCreated {
				errs[i] = fmt.Errorf("status %d, %v", resp.StatusCode, err)
				return
			}
			refs[i] = got.Reference
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
	}
	infos, err := store.List(context.Background(), ledger.Prefix)
	if err != nil {
		t.Fatal(err)
	}
	recorded := map[string]bool{}
	for i, in := range infos {
		if in.Key != ledger.Key(int64(i+1)) {
			t.Fatalf("entry %d stored as %s: gap in the chain", i+1, in.Key)
		}
		var entry ledger.Entry
		rd, _, err := store.Get(context.Background(), in.Key)
		if err != nil {
			t.Fatal(err)
		}
		err = json.NewDecoder(rd).Decode(&entry)
		rd.Close()
		if err != nil || entry.Kind != ledger.KindCommit || entry.MAC == nil {
			t.Fatalf("entry %s: %+v %v", in.Key, entry, err)
		}
		recorded[entry.Reference] = true
	}
	for _, ref := range refs {
		if !recorded[ref] {
			t.Errorf("%s acknowledged but not in the ledger", ref)
		}
	}
	rep := e.verifyStore()
	if len(infos) != n || rep.Head.Seq != n || rep.Submissions != n || len(rep.Findings) != 0 {
		t.Errorf("%d entries, report %+v; want %d entries, all verified", len(infos), rep, n)
	}
}

// ledgerDown fails every Put of a ledger entry while down is set, as a
// crash or an outage between manifest and entry would.
type ledgerDown struct {
	storage.Store
	down atomic.Bool
}

func (s *ledgerDown) Put(ctx context.Context, key string, r io.Reader, opts storage.PutOptions) (storage.Info, error) {
	if s.down.Load() && strings.HasPrefix(key, ledger.Prefix) {
		return storage.Info{}, &storage.Error{Kind: storage.Unavailable, Op: "put", Key: key}
	}
	return s.Store.Put(ctx, key, r, opts)
}

// testEntryFailed: the manifest is written but its ledger entry is not.
// The submission is committed (201, receipt); verification reports it as
// unrecorded; a sweep within the grace leaves it, a later one records it,
// once, and then everything verifies.
func testEntryFailed(t *testing.T, store storage.Store) {
	flaky := &ledgerDown{Store: store}
	e := newEnv(t, flaky, nil)
	flaky.down.Store(true)
	resp := e.post(goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d: the submission is committed once its manifest is written", resp.StatusCode)
	}
	got := decode[objectionResponse](t, resp)
	flaky.down.Store(false)
	wantFindings(t, e.verifyStore(), got.Reference, ledger.Unrecorded)

	ctx := context.Background()
	e.setNow(time.Now())
	if rep, err := e.srv.archive.Sweep(ctx, time.Hour); err != nil || rep.Recorded != 0 {
		t.Fatalf("sweep within the grace: %+v %v; want nothing recorded", rep, err)
	}
	e.setNow(time.Now().Add(2 * archive.RecordGrace))
	if rep, err := e.srv.archive.Sweep(ctx, time.Hour); err != nil || rep.Recorded != 1 {
		t.Fatalf("sweep after the grace: %+v %v; want 1 recorded", rep, err)
	}
	if rep, err := e.srv.archive.Sweep(ctx, time.Hour); err != nil || rep.Recorded != 0 {
		t.Fatalf("second sweep: %+v %v; want nothing more recorded", rep, err)
	}
	wantFindings(t, e.verifyStore(), got.Reference)
}

// testPurgeRecorded: the retention purge appends a purged entry, so that
// verification does not report the purged submission as deleted; a purge
// interrupted after its entry is finished without a second entry.
func testPurgeRecorded(t *testing.T, store storage.Store) {
	e := newEnv(t, store, func(c *Config) { c.RetentionDays = 30 })
	var refs []string
	for range 2 {
		refs = append(refs, decode[objectionResponse](t, e.post(goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")).Reference)
	}
	// The first one's purge was interrupted after its entry.
	ctx := context.Background()
	key := submission.ManifestKey(submission.KindObjection, refs[0])
	data := ledgertest.Get(t, e.store, key)
	if _, err := e.srv.archive.Ledger().Record(ctx, ledger.KindPurged, refs[0], key, data); err != nil {
		t.Fatal(err)
	}
	e.setNow(duringPublicity.AddDate(5, 0, 0)) // past the objections' 3 years
	rep, err := e.srv.archive.Sweep(ctx, time.Hour)
	if err != nil || rep.Purged != 2 {
		t.Fatalf("sweep %+v %v; want 2 purged", rep, err)
	}
	v := e.verifyStore()
	if len(v.Findings) != 0 || v.Purged != 2 || v.Submissions != 0 || v.Head.Seq != 4 {
		t.Errorf("after the purge: %+v; want no findings, 2 purged, entries 1–4 (2 commits, 2 purges)", v)
	}
}

// testBackdated: someone moves a manifest's date back to get it purged.
// The janitor does not purge it (its MAC fails) and verification names it.
func testBackdated(t *testing.T, store storage.Store) {
	e := newEnv(t, store, func(c *Config) { c.RetentionDays = 30 })
	ref := decode[objectionResponse](t, e.post(goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json")).Reference
	ctx := context.Background()
	key := submission.ManifestKey(submission.KindObjection, ref)
	data := ledgertest.Get(t, e.store, key)
	m, err := submission.DecodeManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	m.ReceivedAt = m.ReceivedAt.AddDate(-4, 0, 0)
	data, _ = m.Encode()
	if _, err := store.Put(ctx, key, bytes.NewReader(data), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if rep, err := e.srv.archive.Sweep(ctx, time.Hour); err != nil || rep.Purged != 0 {
		t.Fatalf("sweep %+v %v: a backdated manifest was purged", rep, err)
	}
	wantFindings(t, e.verifyStore(), ref, ledger.ManifestChanged)
}
