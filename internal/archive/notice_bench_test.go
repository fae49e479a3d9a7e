package archive_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// BenchmarkSupplement measures a supplement of one 4 MiB file on a
// directory store — reserved, streamed with its SHA-256, checked against
// the case's notice, committed only if absent, entered in the ledger, the
// case moved to 已补正 — against its peer in the same run, one plain Put of
// the same bytes ("direct-put"). The ratio is what the archive adds; B/op
// is memory per supplement. Each iteration answers a fresh case's notice,
// made outside the timer, so that the figure does not grow with the
// number of supplements.
func BenchmarkSupplement(b *testing.B) {
	store, err := storage.NewDirStore(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	sealer, _ := submission.NewSealer(bytes.Repeat([]byte{7}, 32))
	a := archive.New(store, sealer, ledger.New(store, ledgertest.Signer(b), nil), archive.DefaultConfig(), archive.Options{})
	body := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{'0'}, 4<<20)...)
	deadline := time.Now().AddDate(0, 0, 14).Format(time.DateOnly)
	b.Run("supplement", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			m := benchCase(b, a)
			ev, err := a.AppendEvent(ctx, submission.Status{Reference: m.Reference, Stage: submission.StageCorrection, Operator: "bench",
				Correction: &submission.Correction{WorkingDays: 10, Deadline: deadline,
					Items: []submission.CorrectionItem{{Slot: submission.SlotLicense, Label: "营业执照", Reason: "不清晰"}}}}, 0)
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			up, err := a.BeginSupplement(ctx, m)
			if err != nil {
				b.Fatal(err)
			}
			st, err := up.Put(ctx, bytes.NewReader(body), submission.TypePDF)
			if err != nil {
				b.Fatal(err)
			}
			_, moved, err := up.CommitSupplement(ctx, archive.SupplementCommitment{Notice: ev.Seq, Files: []submission.File{{
				Field: submission.SlotLicense, Name: "营业执照.pdf", Key: st.Key, Size: st.Size, SHA256: st.SHA256, Type: submission.TypePDF}}})
			if err != nil || !moved {
				b.Fatalf("supplement: moved %v %v", moved, err)
			}
		}
	})
	b.Run("direct-put", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for i := 0; i < b.N; i++ {
			if _, err := store.Put(ctx, fmt.Sprintf("bench/%d", i), bytes.NewReader(body), storage.PutOptions{ContentType: submission.TypePDF}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchCase commits a small application to be supplemented.
func benchCase(b *testing.B, a *archive.Archive) *submission.Manifest {
	b.Helper()
	ctx := context.Background()
	up, err := a.Begin(ctx, submission.KindApplication)
	if err != nil {
		b.Fatal(err)
	}
	st, err := up.Put(ctx, bytes.NewReader([]byte("%PDF-1.4 原件")), submission.TypePDF)
	if err != nil {
		b.Fatal(err)
	}
	m, _, err := up.Commit(ctx, archive.Commitment{Fields: map[string]string{"orgName": "某公司"},
		Files: []submission.File{{Field: submission.SlotLicense, Name: "a.pdf", Key: st.Key, Size: st.Size, SHA256: st.SHA256, Type: submission.TypePDF}}})
	if err != nil {
		b.Fatal(err)
	}
	return m
}
