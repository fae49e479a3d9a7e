package export

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
)

// TestExportVerifiesRecords tampers with a store in every way of
// ledgertest.Cases and checks that the export names exactly the affected
// submissions and ledger entries in its report and audit record, marks the
// submission's 校验结果, exports everything else, and ends with ErrRecords —
// a replaced file being, as before, a mismatch (ErrMismatch).
func TestExportVerifiesRecords(t *testing.T) {
	for _, b := range ledgertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			for _, c := range ledgertest.Cases() {
				t.Run(c.Name, func(t *testing.T) {
					store, _ := b.New(t)
					fx := ledgertest.Setup(t, store)
					if c.Tamper != nil {
						c.Tamper(t, fx)
					}
					rep, err := Run(context.Background(), Options{Store: store, Signer: ledgertest.Signer(t), Out: t.TempDir(),
						Operator: "王科员", Now: func() time.Time { return ledgertest.At }})
					if rep == nil {
						t.Fatal(err)
					}
					var want []ledgertest.Want
					mismatches := 0
					for _, w := range c.Want {
						if w.Kind == ledger.FileReplaced {
							mismatches++ // the export's own check of the bytes
							continue
						}
						want = append(want, w)
					}
					ledgertest.Check(t, rep.Findings, want)
					if len(rep.Mismatches) != mismatches {
						t.Errorf("mismatches %v, want %d", rep.Mismatches, mismatches)
					}
					if (len(want) > 0) != errors.Is(err, ErrRecords) || (mismatches > 0) != errors.Is(err, ErrMismatch) {
						t.Errorf("Run error %v with %d findings, %d mismatches", err, len(want), mismatches)
					}
					if len(rep.Audit.Findings) != len(rep.Findings) {
						t.Errorf("audit record holds %d findings, report %d", len(rep.Audit.Findings), len(rep.Findings))
					}
					for _, it := range rep.Submissions {
						if it.Reference == ledgertest.Purged {
							t.Error("the purged submission was exported")
						}
					}
				})
			}
		})
	}
}

// TestExportMarksChangedSubmission checks that a changed manifest's
// 校验结果 says so, and that without a Signer nothing is verified (the
// library's callers that do not hold the record key).
func TestExportMarksChangedSubmission(t *testing.T) {
	store, _ := ledgertest.Backends(t)[0].New(t)
	fx := ledgertest.Setup(t, store)
	ledgertest.CaseNamed(t, "statement rewritten").Tamper(t, fx)
	e := &exporter{o: Options{Store: store, Signer: ledgertest.Signer(t), Kind: "objection"}, rep: &Report{ByKind: map[string]int{}}}
	items, err := e.collect(context.Background(), "objection")
	if err != nil {
		t.Fatal(err)
	}
	e.subs = items
	if err := e.verifyRecords(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, it := range e.subs {
		got := checkText(it)
		if (it.ref == ledgertest.B) != strings.Contains(got, "受理记录被改动") {
			t.Errorf("%s: 校验结果 %q", it.ref, got)
		}
	}
	rep, err := Run(context.Background(), Options{Store: store, Out: t.TempDir(), Operator: "王科员"})
	if err != nil || len(rep.Findings) != 0 {
		t.Errorf("without a Signer: %v, %d findings", err, len(rep.Findings))
	}
}
