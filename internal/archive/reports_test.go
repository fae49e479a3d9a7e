package archive_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// TestClaimReport: of two posts of one winner in one call at once, one
// claims the report; the other is refused naming it. A claim released
// (its commit failed) or left by a crash (stale, never committed) gives
// way; a committed report's never does, and Reports lists it.
func TestClaimReport(t *testing.T) {
	ctx := context.Background()
	store, err := storage.NewDirStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	at := time.Date(2026, 12, 10, 2, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return at }
	a := newArchive(t, store, now)
	const call, code = "report-2026", "91410122MA00J8NW0M"

	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { _, errs[i] = a.ClaimReport(ctx, call, code, []string{"AAAA-1111", "BBBB-2222"}[i]) })
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) || !errors.Is(errors.Join(errs...), archive.ErrReportFiled) {
		t.Fatalf("two claims at once: %v", errs)
	}
	winner := "AAAA-1111"
	if errs[0] != nil {
		winner = "BBBB-2222"
	}
	a.ReleaseReport(ctx, call, code, "CCCC-3333") // not its claim: kept
	if first, err := a.ClaimReport(ctx, call, code, "CCCC-3333"); !errors.Is(err, archive.ErrReportFiled) || first != winner {
		t.Fatalf("claim after another's release: %q %v", first, err)
	}
	a.ReleaseReport(ctx, call, code, winner)
	up, err := a.Begin(ctx, submission.KindReport)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ClaimReport(ctx, call, strings.ToLower(code), up.Reference()); err != nil {
		t.Fatalf("claim after release: %v", err)
	}
	f := submission.ReportFields{Call: call, CreditCode: code, OrgName: "甲公司"}
	m, _, err := up.Commit(ctx, archive.Commitment{Fields: f.Map(), Files: []submission.File{}})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	at = at.Add(time.Hour) // long past stale: a committed claim stays
	mu.Unlock()
	if first, err := a.ClaimReport(ctx, call, code, "DDDD-4444"); !errors.Is(err, archive.ErrReportFiled) || first != m.Reference {
		t.Fatalf("claim after the commit: %q %v", first, err)
	}
	if cs, err := a.Reports(ctx); err != nil || len(cs) != 1 || cs[0].Manifest.Reference != m.Reference {
		t.Fatalf("reports: %v %v", cs, err)
	}
	// award audit verify: the report is in the ledger, its manifest as recorded.
	if rep, err := a.Ledger().Verify(ctx, ledger.VerifyOptions{Files: true}); err != nil || len(rep.Findings) != 0 || rep.Submissions != 1 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	// A claim never committed, an hour old, gives way.
	if _, err := a.ClaimReport(ctx, "report-2027", code, "EEEE-5555"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	at = at.Add(time.Hour)
	mu.Unlock()
	if _, err := a.ClaimReport(ctx, "report-2027", code, "FFFF-6666"); err != nil {
		t.Fatalf("a stale claim did not give way: %v", err)
	}
}
