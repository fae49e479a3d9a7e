package archive_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/storage/miniotest"
	"github.com/zhongmou/award/submission"
)

func newArchive(t *testing.T, store storage.Store, now func() time.Time) *archive.Archive {
	t.Helper()
	sealer, err := submission.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return archive.New(store, sealer, ledger.New(store, ledgertest.Signer(t), now), archive.DefaultConfig(), archive.Options{Now: now})
}

// runLife runs a submission's life against one store: what each step
// leaves in storage is what the package comment promises.
func runLife(t *testing.T, store storage.Store) {
	ctx := context.Background()
	at := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	a := newArchive(t, store, func() time.Time { return at })
	keys := func() string {
		infos, err := store.List(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		var ks []string
		for _, i := range infos {
			if !strings.HasPrefix(i.Key, "ledger/") && !strings.HasPrefix(i.Key, "audit/") && !strings.HasPrefix(i.Key, "status/") {
				ks = append(ks, i.Key)
			}
		}
		return strings.Join(ks, " ")
	}

	// Discarded: nothing is left.
	up, err := a.Begin(ctx, submission.KindObjection)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := up.Put(ctx, strings.NewReader("evidence"), submission.TypePDF); err != nil {
		t.Fatal(err)
	}
	up.Discard()
	if k := keys(); k != "" {
		t.Fatalf("after discard: %s", k)
	}

	// Committed: files and the signed manifest, nothing in flight.
	up, err = a.Begin(ctx, submission.KindObjection)
	if err != nil {
		t.Fatal(err)
	}
	ref := up.Reference()
	if k := keys(); k != "inflight/"+strings.ToLower(ref)+".json" {
		t.Fatalf("after begin: %s", k)
	}
	st, err := up.Put(ctx, strings.NewReader("%PDF-1.4 evidence"), submission.TypePDF)
	if err != nil || st.Size != 17 || st.SHA256 != ledger.Sum([]byte("%PDF-1.4 evidence")) {
		t.Fatalf("put: %+v %v", st, err)
	}
	fields := submission.ObjectionFields{Publicity: "p", Candidate: "c", Statement: "事实和理由"}
	m, token, err := up.Commit(ctx, archive.Commitment{Fields: fields.Map(), Identity: map[string]string{"name": "张三"},
		Files: []submission.File{{Field: "evidence", Name: "a.pdf", Key: st.Key, Size: st.Size, SHA256: st.SHA256, Type: submission.TypePDF}}})
	if err != nil {
		t.Fatal(err)
	}
	lower := strings.ToLower(ref)
	if k := keys(); k != "objections/"+lower+"/files/001 objections/"+lower+"/manifest.json" {
		t.Fatalf("after commit: %s", k)
	}
	up.Discard() // a committed upload is kept
	got, err := a.Find(ctx, ref)
	if err != nil || got.Objection() != fields || !submission.TokenMatches(token, got.TokenHash) || !got.ReceivedAt.Equal(at) || m.Reference != ref {
		t.Fatalf("find: %+v %v", got, err)
	}
	raw, _, _ := store.Get(ctx, submission.ManifestKey(submission.KindObjection, ref))
	data, _ := io.ReadAll(raw)
	raw.Close()
	if bytes.Contains(data, []byte("张三")) {
		t.Error("the identity is stored in plain text")
	}
	if _, err := a.Find(ctx, "ZZZZ-ZZZZ"); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("unknown reference: %v", err)
	}

	// Events, numbered, latest first; an unknown reference gets none.
	for i, stage := range []string{submission.StageAccepted, submission.StageInvestigating} {
		at = at.Add(time.Duration(i+1) * time.Minute)
		if _, err := a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: stage, Operator: "王科员"}, i); err != nil {
			t.Fatal(err)
		}
	}
	sts, err := a.Statuses(ctx, ref)
	if err != nil || len(sts) != 2 || sts[0].State != "核查中" || sts[0].Seq != 2 || sts[1].State != "已受理" {
		t.Fatalf("statuses %+v %v", sts, err)
	}
	if _, err := a.AppendEvent(ctx, submission.Status{Reference: "ZZZZ-ZZZZ", Stage: submission.StageAccepted, Operator: "王科员"}, 0); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("event of an unknown reference: %v", err)
	}

	// The audit log, and the ledger: every record verifies.
	key, err := a.Audit(ctx, archive.AuditRecord{Operator: "王科员", Action: "status", Reference: ref, Details: map[string]string{"state": "已办结"}})
	if err != nil || key != archive.AuditLogPrefix+"000000000001.json" {
		t.Fatalf("audit %q %v", key, err)
	}
	rep, err := a.Ledger().Verify(ctx, ledger.VerifyOptions{Files: true})
	if err != nil || len(rep.Findings) != 0 || rep.Entries != 3 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}

func TestLifeDirStore(t *testing.T) {
	s, err := storage.NewDirStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	runLife(t, s)
}

func TestLifeMinIO(t *testing.T) {
	srv := miniotest.Start(t)
	s, err := storage.NewS3Store(t.Context(), storage.S3Config{Endpoint: srv.Endpoint, Bucket: "life", AccessKey: srv.AccessKey,
		SecretKey: srv.SecretKey, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	runLife(t, s)
}

// The config is read from the file the intake also reads, leaving the
// intake's keys to it, and the environment wins.
func TestLoadConfig(t *testing.T) {
	f := t.TempDir() + "/intake.yaml"
	if err := os.WriteFile(f, []byte("dataDir: /srv/award\nretentionDays: 400\nstallTimeout: 30s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AWARD_RETENTION_DAYS": "500"}
	cfg, err := archive.LoadConfig(f, func(k string) string { return env[k] })
	if err != nil || cfg.DataDir != "/srv/award" || cfg.RetentionDays != 500 || cfg.JanitorEvery != 10*time.Minute {
		t.Fatalf("%+v %v", cfg, err)
	}
	env = map[string]string{"AWARD_S3_ENDPOINT": "127.0.0.1:9000"}
	if _, err := archive.LoadConfig("", func(k string) string { return env[k] }); err == nil {
		t.Error("S3 endpoint without bucket and keys accepted")
	}
}

// An upload stalled past JanitorAfter and swept is refused at its commit
// (ErrSwept), even when it went on storing files afterwards, and nothing
// is left; an upload whose commit holds the claim is not swept.
func TestSweepAndCommitRace(t *testing.T) {
	s, err := storage.NewDirStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := time.Now() // the store's own times are real
	clock := func() time.Time { return now }
	a := newArchive(t, s, clock)
	up, err := a.Begin(ctx, submission.KindObjection)
	if err != nil {
		t.Fatal(err)
	}
	first, err := up.Put(ctx, strings.NewReader("%PDF first"), submission.TypePDF)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(3 * time.Hour) // the upload stalls past JanitorAfter (2h)
	if rep, err := a.Sweep(ctx, 2*time.Hour); err != nil || rep.Inflight != 1 {
		t.Fatalf("sweep of the stalled upload: %+v %v", rep, err)
	}
	second, err := up.Put(ctx, strings.NewReader("%PDF second"), submission.TypePDF) // it comes back
	if err != nil {
		t.Fatal(err)
	}
	files := []submission.File{{Field: "evidence", Key: first.Key, Size: first.Size}, {Field: "evidence", Key: second.Key, Size: second.Size}}
	if _, _, err := up.Commit(ctx, archive.Commitment{Files: files}); !errors.Is(err, archive.ErrSwept) {
		t.Fatalf("commit after the sweep: %v, want ErrSwept", err)
	}
	up.Discard()
	if infos, _ := s.List(ctx, ""); len(infos) != 0 {
		t.Fatalf("left behind: %+v", infos)
	}

	// A commit in progress holds the claim: the janitor leaves it be.
	up, err = a.Begin(ctx, submission.KindObjection)
	if err != nil {
		t.Fatal(err)
	}
	f, err := up.Put(ctx, strings.NewReader("%PDF kept"), submission.TypePDF)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(3 * time.Hour) // stalled; then its commit claims the end
	claim := "commit " + now.UTC().Format(time.RFC3339Nano)
	if _, err := s.Put(ctx, submission.ClaimKey(up.Reference()), strings.NewReader(claim), storage.PutOptions{IfAbsent: true}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute)
	if rep, err := a.Sweep(ctx, 2*time.Hour); err != nil || rep.Inflight != 0 || rep.Objects != 0 {
		t.Fatalf("sweep under a fresh claim: %+v %v", rep, err)
	}
	if _, _, err := s.Get(ctx, f.Key); err != nil {
		t.Fatalf("a file under a commit's claim was swept: %v", err)
	}
	// A claim far older than any commit: its commit died; swept.
	now = now.Add(time.Hour)
	if rep, err := a.Sweep(ctx, 2*time.Hour); err != nil || rep.Inflight != 1 || rep.Objects != 1 {
		t.Fatalf("sweep under a dead commit's claim: %+v %v", rep, err)
	}
	if infos, _ := s.List(ctx, ""); len(infos) != 0 {
		t.Fatalf("left behind: %+v", infos)
	}
}

// commitDuringLook is a store on which a commit runs to its end just as
// the janitor first looks for the manifest, and the janitor is told it is
// not there yet: the moment between its look and its claim.
type commitDuringLook struct {
	storage.Store
	manifest string
	commit   func()
}

func (s *commitDuringLook) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	if key == s.manifest && s.commit != nil {
		commit := s.commit
		s.commit = nil
		commit()
		return nil, storage.Info{}, fmt.Errorf("get %s: %w", key, storage.ErrNotFound)
	}
	return s.Store.Get(ctx, key)
}

// TestSweepAfterCommitBetweenLookAndClaim: a commit that finishes between
// the janitor's look for its manifest and the janitor's claim (the commit
// has removed its own claim by then) keeps its files.
func TestSweepAfterCommitBetweenLookAndClaim(t *testing.T) {
	dir, err := storage.NewDirStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := time.Now()
	store := &commitDuringLook{Store: dir}
	a := newArchive(t, store, func() time.Time { return now })
	up, err := a.Begin(ctx, submission.KindObjection)
	if err != nil {
		t.Fatal(err)
	}
	st, err := up.Put(ctx, strings.NewReader("%PDF evidence"), submission.TypePDF)
	if err != nil {
		t.Fatal(err)
	}
	store.manifest = submission.ManifestKey(submission.KindObjection, up.Reference())
	store.commit = func() {
		if _, _, err := up.Commit(ctx, archive.Commitment{Files: []submission.File{{Field: "evidence", Key: st.Key, Size: st.Size, SHA256: st.SHA256}}}); err != nil {
			t.Errorf("commit: %v", err)
		}
	}
	now = now.Add(3 * time.Hour)
	if _, err := a.Sweep(ctx, 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	if store.commit != nil {
		t.Fatal("the janitor never looked for the manifest")
	}
	if _, err := a.Find(ctx, up.Reference()); err != nil {
		t.Fatal(err)
	}
	rep, err := a.Ledger().Verify(ctx, ledger.VerifyOptions{Files: true})
	if err != nil || rep.Count(ledger.FileMissing) != 0 {
		t.Fatalf("the committed submission lost its file: %v %v", err, rep.Findings)
	}
}
