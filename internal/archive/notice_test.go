package archive_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// commitApplication stores an application with a licence and a credit
// report, as the intake would.
func commitApplication(t *testing.T, a *archive.Archive) *submission.Manifest {
	t.Helper()
	ctx := context.Background()
	up, err := a.Begin(ctx, submission.KindApplication)
	if err != nil {
		t.Fatal(err)
	}
	var files []submission.File
	for _, slot := range []string{submission.SlotLicense, submission.SlotCreditReport} {
		st, err := up.Put(ctx, strings.NewReader("%PDF-1.4 原件 "+slot), submission.TypePDF)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, submission.File{Field: slot, Name: slot + ".pdf", Key: st.Key, Size: st.Size, SHA256: st.SHA256, Type: submission.TypePDF})
	}
	m, _, err := up.Commit(ctx, archive.Commitment{Fields: map[string]string{"orgName": "中牟县某某食品有限公司",
		"creditCode": "91410122MA00J8NW0M", "address": "中牟县青年路1号"},
		Identity: submission.ApplicantIdentity{ContactName: "王五", Phone: "13800138000", Email: "w@example.com"}, Files: files})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// supplement sends files (slot: content) and fields in answer to notice.
func supplement(t *testing.T, a *archive.Archive, m *submission.Manifest, notice int, at time.Time, files map[string]string, fields map[string]string) (*submission.Supplement, bool, error) {
	t.Helper()
	ctx := context.Background()
	up, err := a.BeginSupplement(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	var fs []submission.File
	slots := make([]string, 0, len(files))
	for slot := range files {
		slots = append(slots, slot)
	}
	slices.Sort(slots)
	for _, slot := range slots {
		st, err := up.Put(ctx, strings.NewReader(files[slot]), submission.TypePDF)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, submission.File{Field: slot, Name: "补正-" + slot + ".pdf", Key: st.Key, Size: st.Size, SHA256: st.SHA256, Type: submission.TypePDF})
	}
	sup, moved, err := up.CommitSupplement(ctx, archive.SupplementCommitment{Notice: notice, ReceivedAt: at, Fields: fields, Files: fs})
	if err != nil {
		up.Discard()
	}
	return sup, moved, err
}

// keys lists every key in the store.
func keys(t *testing.T, store storage.Store) []string {
	t.Helper()
	infos, err := store.List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, in := range infos {
		out = append(out, in.Key)
	}
	return out
}

// TestNoticeAndSupplements runs the 补正 loop on each store: a notice for
// two slots and a field, refused notices and moves, supplements for
// listed items only and within the period, the case moved to corrected by
// itself, the merged materials with their origins, the deadline extended
// once, and a ledger that verifies the supplements as it does manifests.
func TestNoticeAndSupplements(t *testing.T) {
	for _, b := range ledgertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			store, _ := b.New(t)
			ctx := context.Background()
			shanghai, _ := time.LoadLocation("Asia/Shanghai")
			now := time.Date(2026, 12, 7, 10, 0, 0, 0, shanghai) // a Monday
			a := newArchive(t, store, func() time.Time { return now })
			m := commitApplication(t, a)
			ref := m.Reference

			// Refused: no notice with the move; an empty one; a reason missing;
			// corrected by hand.
			for name, st := range map[string]submission.Status{
				"no notice":          {Stage: submission.StageCorrection},
				"no items":           {Stage: submission.StageCorrection, Correction: &submission.Correction{WorkingDays: 5, Deadline: "2026-12-14"}},
				"no reason":          {Stage: submission.StageCorrection, Correction: &submission.Correction{WorkingDays: 5, Deadline: "2026-12-14", Items: []submission.CorrectionItem{{Slot: submission.SlotLicense, Label: "营业执照", Reason: " "}}}},
				"bad slot":           {Stage: submission.StageCorrection, Correction: &submission.Correction{WorkingDays: 5, Deadline: "2026-12-14", Items: []submission.CorrectionItem{{Slot: "evidence", Label: "证据", Reason: "不清晰"}}}},
				"too long":           {Stage: submission.StageCorrection, Correction: &submission.Correction{WorkingDays: 61, Deadline: "2026-12-14", Items: []submission.CorrectionItem{{Slot: submission.SlotLicense, Label: "营业执照", Reason: "不清晰"}}}},
				"by hand":            {Stage: submission.StageCorrected},
				"notice on accepted": {Stage: submission.StageAccepted, Correction: &submission.Correction{WorkingDays: 5, Deadline: "2026-12-14", Items: []submission.CorrectionItem{{Slot: submission.SlotLicense, Label: "营业执照", Reason: "不清晰"}}}},
			} {
				st.Reference, st.Operator = ref, "王科员"
				if _, err := a.AppendEvent(ctx, st, 0); !errors.Is(err, archive.ErrNotice) && !errors.Is(err, archive.ErrStage) {
					t.Errorf("%s: %v, want ErrNotice or ErrStage", name, err)
				}
			}
			if c, _ := a.Case(ctx, ref); c.Seq != 0 {
				t.Fatalf("refused notices wrote %d events", c.Seq)
			}
			before := keys(t, store)
			// No notice yet: no supplement.
			if _, _, err := supplement(t, a, m, 1, now, map[string]string{submission.SlotLicense: "%PDF-1.4 x"}, nil); !errors.Is(err, archive.ErrNoticeClosed) {
				t.Errorf("supplement without a notice: %v", err)
			}
			if got := keys(t, store); !slices.Equal(got, before) {
				t.Errorf("a refused supplement left objects: %v", got)
			}

			notice := &submission.Correction{WorkingDays: 5, Deadline: "2026-12-14", Items: []submission.CorrectionItem{
				{Slot: submission.SlotLicense, Label: "营业执照或登记证书", Reason: "扫描件不清晰，请重新扫描。"},
				{Slot: submission.SlotCreditReport, Label: "信用报告", Reason: "信用报告已超过3个月，请重新打印。"},
				{Field: "address", Label: "单位地址", Reason: "与营业执照不一致。"},
			}}
			ev, err := a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: submission.StageCorrection, Note: "请按告知补正。",
				Operator: "王科员", Correction: notice}, 0)
			if err != nil {
				t.Fatal(err)
			}
			c, err := a.Case(ctx, ref)
			if err != nil || c.Current.Code != submission.StageCorrection || c.Current.Label != "需补正" {
				t.Fatalf("after the notice: %+v %v", c.Current, err)
			}
			n := c.Notice()
			if n == nil || n.Seq != ev.Seq || len(n.Items) != 3 || n.Due() != "2026-12-14" || !n.Ends(shanghai).Equal(time.Date(2026, 12, 15, 0, 0, 0, 0, shanghai)) {
				t.Fatalf("notice: %+v", n)
			}
			if d := c.Status().Detail; !strings.Contains(d, "营业执照或登记证书、信用报告、单位地址") || !strings.Contains(d, "2026年12月14日") {
				t.Errorf("public detail of the notice: %q", d)
			}

			// An unlisted slot, or a field not named, is refused, nothing kept.
			before = keys(t, store)
			if _, _, err := supplement(t, a, m, ev.Seq, now, map[string]string{submission.SlotCommitment: "%PDF-1.4 x"}, nil); !errors.Is(err, archive.ErrNotInNotice) {
				t.Errorf("unlisted slot: %v", err)
			}
			if _, _, err := supplement(t, a, m, ev.Seq, now, nil, map[string]string{"industry": "食品"}); !errors.Is(err, archive.ErrNotInNotice) {
				t.Errorf("unlisted field: %v", err)
			}
			if _, _, err := supplement(t, a, m, ev.Seq+1, now, map[string]string{submission.SlotLicense: "%PDF-1.4 x"}, nil); !errors.Is(err, archive.ErrNoticeClosed) {
				t.Errorf("another notice's number: %v", err)
			}
			if got := keys(t, store); !slices.Equal(got, before) {
				t.Errorf("refused supplements left objects: %v", got)
			}

			// The first supplement: one slot and the field; the case moves.
			sup1, moved, err := supplement(t, a, m, ev.Seq, now.Add(time.Hour), map[string]string{submission.SlotLicense: "%PDF-1.4 新执照"},
				map[string]string{"address": "中牟县青年路2号"})
			if err != nil || !moved || sup1.Of != ref || sup1.Notice != ev.Seq || a.Signer().Verify(sup1) != nil {
				t.Fatalf("first supplement: %+v moved %v %v", sup1, moved, err)
			}
			c, _ = a.Case(ctx, ref)
			if c.Current.Code != submission.StageCorrected || c.Latest().Supplement != sup1.Reference || c.Latest().Operator != archive.SupplementOperator {
				t.Fatalf("after the supplement: %+v %+v", c.Current, c.Latest())
			}
			if d := c.Status().Detail; d != "收到补正材料（补正 1）" {
				t.Errorf("public detail of the supplement: %q", d)
			}
			// The second, still in the period, while corrected: no second move.
			sup2, moved, err := supplement(t, a, m, ev.Seq, now.Add(2*time.Hour), map[string]string{submission.SlotCreditReport: "%PDF-1.4 新报告",
				submission.SlotLicense: "%PDF-1.4 再次更正的执照"}, nil)
			if err != nil || moved {
				t.Fatalf("second supplement: %+v moved %v %v", sup2, moved, err)
			}
			c, _ = a.Case(ctx, ref)
			if len(c.Supplements) != 2 || c.Supplements[0].Reference != sup1.Reference || c.SupplementNumber(sup2.Reference) != 2 {
				t.Fatalf("supplements: %+v", c.Supplements)
			}
			var got []string
			for _, mat := range c.Materials() {
				s := mat.Field + " " + mat.OriginLabel()
				if mat.Superseded {
					s += " superseded by " + archive.OriginLabel(mat.SupersededBy)
				}
				got = append(got, s)
			}
			want := []string{"license 原件 superseded by 补正 2", "creditReport 原件 superseded by 补正 2", "license 补正 1 superseded by 补正 2",
				"creditReport 补正 2", "license 补正 2"}
			if !slices.Equal(got, want) {
				t.Errorf("materials:\n got %q\nwant %q", got, want)
			}
			if cur := c.CurrentMaterials(); len(cur) != 2 || !cur[0].ReceivedAt.Equal(now.Add(2*time.Hour)) {
				t.Errorf("current materials: %+v", cur)
			}
			if fc := c.FieldCorrections(); len(fc) != 1 || fc[0].Value != "中牟县青年路2号" || fc[0].Was != "中牟县青年路1号" || fc[0].Origin != 1 {
				t.Errorf("field corrections: %+v", fc)
			}
			if c.Fields()["address"] != "中牟县青年路2号" || m.Fields["address"] != "中牟县青年路1号" {
				t.Error("merged fields, or the original changed")
			}
			if n := c.Notice(); !n.Supplied()["slot:"+submission.SlotCreditReport] || !n.Supplied()["field:address"] || len(n.Supplements) != 2 {
				t.Errorf("supplied: %v", n.Supplied())
			}

			// Extend once: a reason needed, the stage kept; not twice.
			ext := &submission.Extension{Notice: ev.Seq, From: "2026-12-14", To: "2026-12-21", WorkingDays: 5}
			if _, err := a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: submission.StageCorrected, Operator: "王科员", Extension: ext}, c.Seq); !errors.Is(err, archive.ErrNotice) {
				t.Errorf("extension without a reason: %v", err)
			}
			if _, err := a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: submission.StageAccepted, Note: "企业申请", Operator: "王科员", Extension: ext}, c.Seq); !errors.Is(err, archive.ErrStage) {
				t.Errorf("extension changing the stage: %v", err)
			}
			xev, err := a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: submission.StageCorrected, Note: "企业申请延期", Operator: "王科员", Extension: ext}, c.Seq)
			if err != nil {
				t.Fatal(err)
			}
			c, _ = a.Case(ctx, ref)
			if n := c.Notice(); n.Due() != "2026-12-21" || n.ExtensionNote != "企业申请延期" || c.Current.Code != submission.StageCorrected {
				t.Errorf("after the extension: due %s, %+v", n.Due(), c.Current)
			}
			again := *ext
			again.From, again.To = "2026-12-21", "2026-12-28"
			if _, err := a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: submission.StageCorrected, Note: "再延", Operator: "王科员", Extension: &again}, xev.Seq); !errors.Is(err, archive.ErrNotice) || !strings.Contains(err.Error(), "延长过一次") {
				t.Errorf("second extension: %v", err)
			}

			// After the extended deadline day: closed, nothing kept.
			before = keys(t, store)
			late := time.Date(2026, 12, 22, 0, 0, 0, 0, shanghai)
			if _, _, err := supplement(t, a, m, ev.Seq, late, map[string]string{submission.SlotLicense: "%PDF-1.4 迟到"}, nil); !errors.Is(err, archive.ErrNoticeClosed) || !strings.Contains(err.Error(), "2026-12-21") {
				t.Errorf("after the deadline: %v", err)
			}
			if got := keys(t, store); !slices.Equal(got, before) {
				t.Errorf("a late supplement left objects: %v", got)
			}
			if _, _, err := supplement(t, a, m, ev.Seq, late.Add(-time.Second), map[string]string{submission.SlotLicense: "%PDF-1.4 最后一秒"}, nil); err != nil {
				t.Errorf("the last second of the deadline day: %v", err)
			}
			// Once the case moved on, no supplement, whatever the date.
			c, _ = a.Case(ctx, ref)
			if _, err := a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: submission.StageAccepted, Operator: "王科员"}, c.Seq); err != nil {
				t.Fatal(err)
			}
			if _, _, err := supplement(t, a, m, ev.Seq, now, map[string]string{submission.SlotLicense: "%PDF-1.4 x"}, nil); !errors.Is(err, archive.ErrNoticeClosed) || !strings.Contains(err.Error(), "已受理") {
				t.Errorf("after acceptance: %v", err)
			}

			rep, err := a.Ledger().Verify(ctx, ledger.VerifyOptions{Files: true})
			if err != nil || len(rep.Findings) != 0 || rep.Supplements != 3 || rep.Files != 2+1+2+1 {
				t.Fatalf("verify: %v; %d supplements, %d files, findings %v", err, rep.Supplements, rep.Files, rep.Findings)
			}
			// A supplement's file replaced, its record removed: both reported.
			c, _ = a.Case(ctx, ref)
			ledgertest.Put(t, store, c.Supplements[1].Files[0].Key, []byte("%PDF-1.4 换掉的"))
			if err := store.Delete(ctx, submission.SupplementKey(ref, c.Supplements[0].Reference)); err != nil {
				t.Fatal(err)
			}
			rep, err = a.Ledger().Verify(ctx, ledger.VerifyOptions{Files: true})
			if err != nil || rep.Count(ledger.FileReplaced) != 1 || rep.Count(ledger.SubmissionDeleted) != 1 {
				t.Fatalf("verify after tampering: %v %v", err, rep.Findings)
			}
			for _, f := range rep.Findings {
				if f.Kind == ledger.SubmissionDeleted && (!strings.Contains(f.Detail, "补正材料") || f.Reference != ref) {
					t.Errorf("finding: %v", f)
				}
			}
		})
	}
}

// TestObjectionEvidenceRequest: an objection asked for more evidence
// (补充证据), answered with the evidence slot only.
func TestObjectionEvidenceRequest(t *testing.T) {
	store, _ := ledgertest.Backends(t)[0].New(t)
	ctx := context.Background()
	a := newArchive(t, store, nil)
	m := commit(t, a, submission.KindObjection, submission.ObjectorIdentity{Type: submission.ObjectorIndividual, Name: "张三", IDNumber: "41012219800101123X", Phone: "13800138000"})
	deadline := time.Now().AddDate(0, 0, 10).Format(time.DateOnly)
	for _, item := range []submission.CorrectionItem{{Slot: submission.SlotLicense, Label: "营业执照", Reason: "x"}, {Field: "address", Label: "地址", Reason: "x"}} {
		if _, err := a.AppendEvent(ctx, submission.Status{Reference: m.Reference, Stage: submission.StageCorrection, Operator: "王科员",
			Correction: &submission.Correction{WorkingDays: 5, Deadline: deadline, Items: []submission.CorrectionItem{item}}}, 0); !errors.Is(err, archive.ErrNotice) {
			t.Errorf("objection notice for %+v: %v", item, err)
		}
	}
	ev, err := a.AppendEvent(ctx, submission.Status{Reference: m.Reference, Stage: submission.StageCorrection, Operator: "王科员",
		Correction: &submission.Correction{WorkingDays: 5, Deadline: deadline, Items: []submission.CorrectionItem{{Slot: submission.EvidenceSlot, Label: "证据材料", Reason: "请提供相关合同原件扫描件。"}}}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, moved, err := supplement(t, a, m, ev.Seq, time.Now(), map[string]string{submission.EvidenceSlot: "%PDF-1.4 合同"}, nil); err != nil || !moved {
		t.Fatalf("evidence: moved %v %v", moved, err)
	}
	c, _ := a.Case(ctx, m.Reference)
	if cur := c.CurrentMaterials(); c.Current.Label != "已补充证据" || len(cur) != 2 || cur[0].Origin != 0 || cur[1].Origin != 1 {
		t.Errorf("objection after the evidence: %+v %+v", c.Current, c.CurrentMaterials())
	}
	if !slices.ContainsFunc(c.Next(), func(s submission.Stage) bool { return s.Code == submission.StageInvestigating }) {
		t.Errorf("from 已补充证据: %v", c.Next())
	}
}

// TestReissueAndProgress: a reissued receipt token replaces the old one
// (which stops opening the receipt), is sealed for later mail, and leaves
// the stage; the progress lookup matches only the right code of the right
// kind, and answers every mismatch as an unknown reference.
func TestReissueAndProgress(t *testing.T) {
	store, _ := ledgertest.Backends(t)[0].New(t)
	ctx := context.Background()
	a := newArchive(t, store, nil)
	ma := commitApplication(t, a)
	mo := commit(t, a, submission.KindObjection, submission.ObjectorIdentity{Type: submission.ObjectorIndividual, Name: "张三", IDNumber: "41012219800101123X", Phone: "13800138000"})
	morg := commit(t, a, submission.KindObjection, submission.ObjectorIdentity{Type: submission.ObjectorOrganization, Name: "某公司", CreditCode: "91410122MA00J8NW0M", Phone: "13800138000"})

	c, _ := a.Case(ctx, ma.Reference)
	old, err := a.ReceiptToken(c)
	if err != nil || !c.TokenMatches(old) {
		t.Fatalf("the first token: %v", err)
	}
	if _, _, err := a.ReissueReceipt(ctx, ma.Reference, "王科员", "", 0); err == nil {
		t.Error("reissued without saying how the person was identified")
	}
	token, ev, err := a.ReissueReceipt(ctx, ma.Reference, "王科员", "电话核对法定代表人信息", 0)
	if err != nil || token == "" || token == old || ev.Stage != submission.StageReceived || !ev.Internal {
		t.Fatalf("reissue: %q %+v %v", token, ev, err)
	}
	c, _ = a.Case(ctx, ma.Reference)
	if c.TokenMatches(old) || !c.TokenMatches(token) || c.TokenMatches("") || c.Current.Code != submission.StageReceived {
		t.Error("after the reissue the old token still opens the receipt, or the new one does not")
	}
	if got, err := a.ReceiptToken(c); err != nil || got != token {
		t.Errorf("ReceiptToken after the reissue: %q %v", got, err)
	}
	if p := c.Public(); len(p) != 1 || p[0].Note != "" || !strings.Contains(p[0].Detail, "回执链接已重新发放") {
		t.Errorf("public view of the reissue: %+v", p)
	}

	for _, ok := range []struct {
		ref string
		p   archive.ProgressProof
	}{
		{ma.Reference, archive.ProgressProof{CreditCode: "91410122ma00j8nw0m"}},
		{strings.ToLower(ma.Reference), archive.ProgressProof{CreditCode: " 91410122MA00 J8NW0M "}},
		{mo.Reference, archive.ProgressProof{IDTail: "01123x"}},
		{mo.Reference, archive.ProgressProof{IDTail: "41012219800101123X"}},
		{morg.Reference, archive.ProgressProof{IDTail: "J8NW0M"}},
	} {
		if c, err := a.Progress(ctx, ok.ref, ok.p); err != nil || c.Manifest.Reference != submission.NormalizeReference(ok.ref) {
			t.Errorf("progress %s %+v: %v", ok.ref, ok.p, err)
		}
	}
	for _, bad := range []struct {
		ref string
		p   archive.ProgressProof
	}{
		{ma.Reference, archive.ProgressProof{CreditCode: "91410122MA00J8NW0X"}},
		{ma.Reference, archive.ProgressProof{CreditCode: "J8NW0M"}}, // a tail is not enough for an application
		{ma.Reference, archive.ProgressProof{IDTail: "J8NW0M"}},     // the other kind's code
		{ma.Reference, archive.ProgressProof{}},
		{mo.Reference, archive.ProgressProof{IDTail: "01123"}},
		{mo.Reference, archive.ProgressProof{CreditCode: "41012219800101123X"}},
		{mo.Reference, archive.ProgressProof{IDTail: "101123X"}},
		{"ZZZZ-ZZZZ", archive.ProgressProof{CreditCode: "91410122MA00J8NW0M"}},
	} {
		if _, err := a.Progress(ctx, bad.ref, bad.p); !errors.Is(err, archive.ErrNotFound) {
			t.Errorf("progress %s %+v: %v, want ErrNotFound", bad.ref, bad.p, err)
		}
	}
	verifyClean(t, a, 1)
}

// TestSupplementSweptAndPurged: an interrupted supplement's files are
// swept like a submission's; a purged submission takes its supplements
// with it.
func TestSupplementSweptAndPurged(t *testing.T) {
	store, _ := ledgertest.Backends(t)[0].New(t)
	ctx := context.Background()
	now := time.Now()
	cfg := archive.DefaultConfig()
	cfg.RetentionDays = 30
	sealer, _ := submission.NewSealer(make([]byte, 32))
	a := archive.New(store, sealer, ledger.New(store, ledgertest.Signer(t), func() time.Time { return now }), cfg, archive.Options{Now: func() time.Time { return now }})
	m := commitApplication(t, a)
	ev, err := a.AppendEvent(ctx, submission.Status{Reference: m.Reference, Stage: submission.StageCorrection, Operator: "王科员",
		Correction: &submission.Correction{WorkingDays: 5, Deadline: now.AddDate(0, 0, 7).Format(time.DateOnly),
			Items: []submission.CorrectionItem{{Slot: submission.SlotLicense, Label: "营业执照", Reason: "不清晰"}}}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := supplement(t, a, m, ev.Seq, now, map[string]string{submission.SlotLicense: "%PDF-1.4 新"}, nil); err != nil {
		t.Fatal(err)
	}
	// An upload that stopped half-way: its in-flight record and a file.
	up, err := a.BeginSupplement(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := up.Put(ctx, strings.NewReader("%PDF-1.4 半截"), submission.TypePDF); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Hour)
	rep, err := a.Sweep(ctx, time.Hour)
	if err != nil || rep.Inflight != 1 || rep.Objects != 1 {
		t.Fatalf("sweep: %+v %v", rep, err)
	}
	if ks := keys(t, store); slices.ContainsFunc(ks, func(k string) bool {
		return strings.HasPrefix(k, submission.SupplementPrefix(m.Reference, up.Reference()))
	}) {
		t.Errorf("the interrupted supplement left %v", ks)
	}
	c, _ := a.Case(ctx, m.Reference)
	if len(c.Supplements) != 1 {
		t.Fatalf("the committed supplement was swept: %+v", c.Supplements)
	}
	verifyClean(t, a, 2)

	now = now.AddDate(5, 0, 0) // past the round's 3 years
	if rep, err := a.Sweep(ctx, time.Hour); err != nil || rep.Purged != 1 {
		t.Fatalf("purge: %+v %v", rep, err)
	}
	for _, k := range keys(t, store) {
		if strings.HasPrefix(k, "supplements/") || strings.HasPrefix(k, "applications/") {
			t.Errorf("left after the purge: %s", k)
		}
	}
	rep2, err := a.Ledger().Verify(ctx, ledger.VerifyOptions{Files: true})
	if err != nil || len(rep2.Findings) != 0 {
		t.Errorf("verify after the purge: %v %v", err, rep2.Findings)
	}
}
