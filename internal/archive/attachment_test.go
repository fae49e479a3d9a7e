package archive_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// commitReviewable stores an application of a call whose recommendation
// is mode ("online" or ""), with the applicant's 推荐意见 when withRec.
func commitReviewable(t *testing.T, a *archive.Archive, mode string, withRec bool) *submission.Manifest {
	t.Helper()
	ctx := context.Background()
	up, err := a.Begin(ctx, submission.KindApplication)
	if err != nil {
		t.Fatal(err)
	}
	var files []submission.File
	slots := []string{submission.SlotSelfAssessment}
	if withRec {
		slots = append(slots, submission.SlotRecommendation)
	}
	for _, slot := range slots {
		st, err := up.Put(ctx, strings.NewReader("%PDF-1.4 "+slot), submission.TypePDF)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, submission.File{Field: slot, Name: slot + ".pdf", Key: st.Key, Size: st.Size, SHA256: st.SHA256, Type: submission.TypePDF})
	}
	f := submission.ApplicationFields{Call: "2026-call", OrgName: "韩寺镇某某机械有限公司", CreditCode: "91410122MA45AAAA1A",
		Township: "韩寺镇", RecommendationMode: mode}
	m, _, err := up.Commit(ctx, archive.Commitment{Fields: f.Map(), Files: files})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// review is a township review that may recommend, with the file (nil:
// the applicant's confirmed).
func review(file *submission.File) *submission.TownshipReview {
	r := &submission.TownshipReview{Complete: true, True: true, Lawful: true, Township: "韩寺镇", Reviewer: "hansi",
		At: time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC), Recommendation: submission.RecommendationConfirmed}
	if file != nil {
		r.Recommendation, r.File = submission.RecommendationUploaded, file
	}
	return r
}

// TestAttachment: a township's stamped 推荐意见 is stored beside the
// application, under its attachments, with its size and SHA-256, never
// changing the manifest; one over its limit leaves nothing; the event
// carrying it lists it among the case's attachments; the ledger's
// verification re-reads it and notices it changed; the purge removes it.
func TestAttachment(t *testing.T) {
	for _, b := range ledgertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			store, _ := b.New(t)
			ctx := context.Background()
			at := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
			now := func() time.Time { return at }
			a := newArchive(t, store, now)
			m := commitReviewable(t, a, submission.RecommendationOnline, false)
			ref := m.Reference
			before, _ := submission.DecodeManifest(mustRead(t, store, submission.ManifestKey(m.Kind, ref)))

			scan := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte("stamp"), 1000)...)
			f, err := a.PutAttachment(ctx, ref, submission.SlotRecommendation, "../推荐意见 (盖章).png", submission.TypePNG, bytes.NewReader(scan), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(scan)
			if f.Size != int64(len(scan)) || f.SHA256 != hex.EncodeToString(sum[:]) || f.Type != submission.TypePNG ||
				!strings.HasPrefix(f.Key, submission.AttachmentPrefix(m.Kind, ref)) || strings.Contains(f.Name, "/") || f.Field != submission.SlotRecommendation {
				t.Fatalf("attachment %+v", f)
			}
			if got := mustRead(t, store, f.Key); !bytes.Equal(got, scan) {
				t.Fatal("attachment stored differs")
			}
			after, _ := submission.DecodeManifest(mustRead(t, store, submission.ManifestKey(m.Kind, ref)))
			if len(after.Files) != len(before.Files) || after.Files[0] != before.Files[0] {
				t.Fatal("the manifest changed")
			}

			// Over its limit: refused, nothing kept.
			if _, err := a.PutAttachment(ctx, ref, submission.SlotRecommendation, "big.png", submission.TypePNG, bytes.NewReader(scan), 100); !errors.Is(err, archive.ErrTooLarge) {
				t.Fatalf("over the limit: %v", err)
			}
			if keys := listKeys(t, store, submission.AttachmentPrefix(m.Kind, ref)); len(keys) != 1 {
				t.Fatalf("attachments after a refusal: %v", keys)
			}
			// Removal only of its own attachments.
			if err := a.RemoveAttachment(ctx, ref, m.Files[0]); err == nil {
				t.Fatal("RemoveAttachment removed a file of the submission")
			}

			if _, err := a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: submission.StageAccepted, Operator: "mishu"}, 0); err != nil {
				t.Fatal(err)
			}
			ev, err := a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: submission.StageRecommended, Operator: "hansi", Review: review(&f)}, 1)
			if err != nil {
				t.Fatal(err)
			}
			c, _ := a.Case(ctx, ref)
			atts := c.Attachments()
			if c.Current.Code != submission.StageRecommended || len(atts) != 1 || atts[0].Key != f.Key || atts[0].OriginLabel() != archive.AttachmentOrigin ||
				!atts[0].ReceivedAt.Equal(ev.At) || len(c.Materials()) != 1 {
				t.Fatalf("case after the review: %s, attachments %+v, materials %d", c.Current.Code, atts, len(c.Materials()))
			}
			if d := c.Public()[1].Detail; !strings.Contains(d, "乡镇（街道）初审") || strings.Contains(d, "hansi") {
				t.Errorf("public detail %q", d)
			}
			verifyClean(t, a, 2)

			// Changed in storage: the verification says so.
			if _, err := store.Put(ctx, f.Key, strings.NewReader("forged"), storage.PutOptions{}); err != nil {
				t.Fatal(err)
			}
			rep, err := a.Ledger().Verify(ctx, ledger.VerifyOptions{Files: true})
			if err != nil || len(rep.Findings) != 1 || rep.Findings[0].Kind != ledger.FileReplaced {
				t.Fatalf("verify after the attachment changed: %v %+v", err, rep.Findings)
			}

			// Purged with the submission.
			later := newArchive(t, store, func() time.Time { return at.AddDate(5, 0, 0) }) // past its round's 3 years
			if _, err := later.Sweep(ctx, time.Hour); err != nil {
				t.Fatal(err)
			}
			if keys := listKeys(t, store, submission.Prefix(m.Kind, ref)); len(keys) != 0 {
				t.Fatalf("after the purge: %v", keys)
			}
		})
	}
}

// TestReviewEvents: the archive takes a township review on a move to
// 已推荐 only with every answer yes, a file among the case's own
// attachments or the applicant's 推荐意见 confirmed; on a return for
// correction (需补正) only with a no, each no with its note, no
// recommendation, and the notice; on no other move. An application of an
// online call reaches 已推荐 only with a review, one of an upload call as
// before.
func TestReviewEvents(t *testing.T) {
	ctx := context.Background()
	store, err := storage.NewDirStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := newArchive(t, store, nil)
	online := commitReviewable(t, a, submission.RecommendationOnline, false)
	withRec := commitReviewable(t, a, submission.RecommendationOnline, true)
	upload := commitReviewable(t, a, "", true)
	for _, m := range []*submission.Manifest{online, withRec, upload} {
		if _, err := a.AppendEvent(ctx, submission.Status{Reference: m.Reference, Stage: submission.StageAccepted, Operator: "mishu"}, 0); err != nil {
			t.Fatal(err)
		}
	}
	f, err := a.PutAttachment(ctx, online.Reference, submission.SlotRecommendation, "a.pdf", submission.TypePDF, strings.NewReader("%PDF-1.4 stamp"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	foreign := f
	foreign.Key = submission.AttachmentPrefix(submission.KindApplication, withRec.Reference) + "0000"
	no := review(&f)
	no.True = false
	for name, c := range map[string]struct {
		ref   string
		stage string
		rev   *submission.TownshipReview
	}{
		"online without a review":           {online.Reference, submission.StageRecommended, nil},
		"an answer no":                      {online.Reference, submission.StageRecommended, no},
		"another case's attachment":         {online.Reference, submission.StageRecommended, review(&foreign)},
		"confirmed, the applicant had none": {online.Reference, submission.StageRecommended, review(nil)},
		"a review on another move":          {online.Reference, submission.StageReturned, review(&f)},
	} {
		_, err := a.AppendEvent(ctx, submission.Status{Reference: c.ref, Stage: c.stage, Note: "理由", Operator: "hansi", Review: c.rev}, 1)
		if !errors.Is(err, archive.ErrStage) {
			t.Errorf("%s: %v, want ErrStage", name, err)
		}
	}
	// A review with a no returns the application, on the notice's event.
	notice := &submission.Correction{Items: []submission.CorrectionItem{{Slot: submission.SlotLicense, Label: "营业执照或登记证书", Reason: "地址不一致"}},
		WorkingDays: 5, Deadline: "2026-12-08"}
	ret := review(nil)
	ret.True, ret.TrueNote, ret.Recommendation = false, "地址不一致", ""
	allYes := review(nil)
	allYes.Recommendation = ""
	noNote := *ret
	noNote.TrueNote = ""
	for name, rv := range map[string]*submission.TownshipReview{"all yes": allYes, "a no without its note": &noNote, "with a recommendation": review(&f)} {
		if _, err := a.AppendEvent(ctx, submission.Status{Reference: withRec.Reference, Stage: submission.StageCorrection, Operator: "hansi",
			Correction: notice, Review: rv}, 1); !errors.Is(err, archive.ErrStage) {
			t.Errorf("return, %s: %v, want ErrStage", name, err)
		}
	}
	if _, err := a.AppendEvent(ctx, submission.Status{Reference: withRec.Reference, Stage: submission.StageCorrection, Operator: "hansi", Review: ret}, 1); !errors.Is(err, archive.ErrNotice) {
		t.Errorf("return without a notice: %v, want ErrNotice", err)
	}
	if _, err := a.AppendEvent(ctx, submission.Status{Reference: withRec.Reference, Stage: submission.StageCorrection, Operator: "hansi",
		Correction: notice, Review: ret}, 1); err != nil {
		t.Errorf("return: %v", err)
	}
	if _, err := a.AppendEvent(ctx, submission.Status{Reference: online.Reference, Stage: submission.StageRecommended, Operator: "hansi", Review: review(&f)}, 1); err != nil {
		t.Errorf("uploaded: %v", err)
	}
	confirmed := commitReviewable(t, a, submission.RecommendationOnline, true)
	if _, err := a.AppendEvent(ctx, submission.Status{Reference: confirmed.Reference, Stage: submission.StageAccepted, Operator: "mishu"}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AppendEvent(ctx, submission.Status{Reference: confirmed.Reference, Stage: submission.StageRecommended, Operator: "hansi", Review: review(nil)}, 1); err != nil {
		t.Errorf("confirmed: %v", err)
	}
	if _, err := a.AppendEvent(ctx, submission.Status{Reference: upload.Reference, Stage: submission.StageRecommended, Operator: "mishu"}, 1); err != nil {
		t.Errorf("an upload call's plain move: %v", err)
	}
}

func mustRead(t *testing.T, store storage.Store, key string) []byte {
	t.Helper()
	rc, _, err := store.Get(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func listKeys(t *testing.T, store storage.Store, prefix string) []string {
	t.Helper()
	infos, err := store.List(context.Background(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, in := range infos {
		out = append(out, in.Key)
	}
	return out
}
