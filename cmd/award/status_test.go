package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

func TestStatusCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWARD_DATA_DIR", dir)
	t.Setenv("AWARD_S3_ENDPOINT", "")
	t.Setenv("AWARD_RECORD_KEY_FILE", "")
	t.Setenv("AWARD_RECORD_KEY", base64.StdEncoding.EncodeToString(ledgertest.Key))
	store, err := storage.NewDirStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	// An objection as the intake commits it: signed, then in the ledger.
	m := &submission.Manifest{Version: submission.Version, Kind: submission.KindObjection, Reference: "K7M2-QX9D",
		TokenHash: submission.HashToken("tok"), ReceivedAt: time.Now(), Files: []submission.File{}}
	if err := ledgertest.Signer(t).Sign(m); err != nil {
		t.Fatal(err)
	}
	data, _ := m.Encode()
	key := submission.ManifestKey(m.Kind, m.Reference)
	if _, err := store.Put(context.Background(), key, bytes.NewReader(data), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.New(store, ledgertest.Signer(t), nil).Record(context.Background(), ledger.KindCommit, m.Reference, key, data); err != nil {
		t.Fatal(err)
	}
	cfgArgs := []string{"-intake-config", filepath.Join(dir, "none.yaml")}
	status := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append(append([]string{"status"}, cfgArgs...), args...), &out, io.Discard)
		return out.String(), err
	}
	bad := []struct {
		args []string
		want string
	}{
		{[]string{"-ref", "K7M2-QX9D", "-stage", "不存在的阶段", "-operator", "王科员"}, "没有“不存在的阶段”这个办理阶段"},
		{[]string{"-ref", "K7M2-QX9D", "-stage", "查实", "-operator", "王科员"}, "不能从“已收件”改为“查实”"},
		{[]string{"-ref", "K7M2-QX9D", "-operator", "王科员"}, "可以改为：已受理（accepted）、不予受理（not-accepted）"},
		{[]string{"-ref", "ZZZZ-ZZZZ", "-stage", "accepted", "-operator", "王科员"}, "没有受理编号为 ZZZZ-ZZZZ"},
		{[]string{"-stage", "accepted", "-operator", "王科员"}, "-ref"},
		{[]string{"-ref", "K7M2-QX9D", "-stage", "accepted", "-operator", " "}, "-operator"},
	}
	for _, c := range bad {
		if _, err := status(c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("status %v: %v, want an error saying %q", c.args, err, c.want)
		}
	}
	// A code, then -state (the old flag) with an old state's name, then a
	// label with an internal note.
	steps := []struct {
		args []string
		want string
	}{
		{[]string{"-stage", "accepted", "-note", "材料齐全，予以受理"}, "由“已收件”改为“已受理”（第 1 条办理记录）"},
		{[]string{"-state", "核实中", "-note", "已转县市场监管局核实"}, "由“已受理”改为“核查中”（第 2 条办理记录）"},
		{[]string{"-stage", "不属实", "-note", "经核查与事实不符", "-internal"}, "说明仅内部可见"},
	}
	for _, c := range steps {
		out, err := status(append([]string{"-ref", "k7m2qx9d", "-operator", "王科员"}, c.args...)...)
		if err != nil || !strings.Contains(out, c.want) {
			t.Fatalf("status %v: %q %v; want %q", c.args, out, err, c.want)
		}
	}
	if _, err := status("-ref", "K7M2-QX9D", "-stage", "查实", "-operator", "王科员"); err == nil || !strings.Contains(err.Error(), "不能再改") {
		t.Errorf("a move from a final stage: %v", err)
	}
	recs, _ := store.List(context.Background(), submission.StatusPrefix("K7M2-QX9D"))
	if len(recs) != 3 || recs[0].Key != submission.EventKey("K7M2-QX9D", 1) || recs[2].Key != submission.EventKey("K7M2-QX9D", 3) {
		t.Fatalf("status records %+v; want events 1 to 3", recs)
	}
	var last submission.Status
	if err := json.Unmarshal(ledgertest.Get(t, store, recs[2].Key), &last); err != nil || last.Stage != submission.StageUnsubstantiated ||
		last.State != "不属实" || !last.Internal || last.Operator != "王科员" || last.Seq != 3 {
		t.Errorf("last record %+v %v", last, err)
	}
	// 不属实 is the objection's outcome, recorded as the console records it.
	if o := last.Outcome; o == nil || o.Result != submission.StageUnsubstantiated || o.Note != "经核查与事实不符" || o.Application != "" {
		t.Errorf("last record's outcome %+v, want 不属实 with its note", o)
	}
	// One audit record per change, whatever the audit log's layout.
	audits, _ := store.List(context.Background(), "audit/")
	stages := 0
	for _, a := range audits {
		if data := ledgertest.Get(t, store, a.Key); bytes.Contains(data, []byte(`"action":"stage"`)) && bytes.Contains(data, []byte("K7M2-QX9D")) {
			stages++
		}
	}
	if stages != 3 {
		t.Errorf("%d audit records of stage changes, want 3", stages)
	}
	// The records are signed and in the ledger, and award audit verify
	// finds nothing wrong; deleting one shows.
	rep, err := ledger.New(store, ledgertest.Signer(t), nil).Verify(context.Background(), ledger.VerifyOptions{})
	if err != nil || rep.Statuses != 3 || rep.Head.Seq != 4 || len(rep.Findings) != 0 {
		t.Errorf("after award status: %+v %v; want the records signed and recorded", rep, err)
	}
	verify := func() (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"audit", "verify"}, cfgArgs...), &out, io.Discard)
		return out.String(), err
	}
	if out, err := verify(); err != nil {
		t.Errorf("award audit verify after award status: %v\n%s", err, out)
	}
	if err := store.Delete(context.Background(), recs[0].Key); err != nil {
		t.Fatal(err)
	}
	rep, _ = ledger.New(store, ledgertest.Signer(t), nil).Verify(context.Background(), ledger.VerifyOptions{})
	if rep.Count(ledger.StatusDeleted) != 1 {
		t.Errorf("deleted status record not reported: %v", rep.Findings)
	}
	if out, err := verify(); err == nil || !strings.Contains(out, "000001.json") {
		t.Errorf("award audit verify after a record was deleted: %v\n%s", err, out)
	}
	// Without the record key, award status refuses.
	t.Setenv("AWARD_RECORD_KEY", "")
	t.Setenv("AWARD_RECORD_KEY_FILE", filepath.Join(dir, "none.key"))
	_, err = status("-ref", "K7M2-QX9D", "-stage", "查实", "-operator", "王科员")
	if err == nil || !strings.Contains(err.Error(), "记录密钥") {
		t.Errorf("status without a record key: %v", err)
	}
}

// TestStatusOutcome: award status records an objection's 查实 as the
// console does — the outcome on the objection's event, and the candidacy
// of the application -application names revoked by an event of its own,
// both audited; it refuses 查实 without -application, an outcome without a
// note, and an application that is not the candidate objected to,
// recording nothing.
func TestStatusOutcome(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWARD_DATA_DIR", dir)
	t.Setenv("AWARD_S3_ENDPOINT", "")
	t.Setenv("AWARD_RECORD_KEY_FILE", "")
	t.Setenv("AWARD_RECORD_KEY", base64.StdEncoding.EncodeToString(ledgertest.Key))
	store, err := storage.NewDirStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	storeApplication(t, store, "M3P4-AB7C", "中牟县某某食品有限公司", "91410122MA44XXXX1X", "食品制造业", "韩寺镇", now)
	storeApplication(t, store, "N5R6-CD8E", "中牟县别的机械有限公司", "91410122MA0E24W21B", "通用设备制造业", "姚家镇", now)
	f := submission.ObjectionFields{Publicity: "2026-candidates", PublicityTitle: "第三届县长质量奖候选名单公示", Candidate: "c1",
		CandidateName: "中牟县某某食品有限公司", CandidateCreditCode: "91410122MA44XXXX1X", ObjectorType: "individual"}
	m := &submission.Manifest{Version: submission.Version, Kind: submission.KindObjection, Reference: "K7M2-QX9D",
		TokenHash: submission.HashToken("tok"), ReceivedAt: now, Fields: f.Map(), Files: []submission.File{}}
	if err := ledgertest.Signer(t).Sign(m); err != nil {
		t.Fatal(err)
	}
	data, _ := m.Encode()
	key := submission.ManifestKey(m.Kind, m.Reference)
	if _, err := store.Put(context.Background(), key, bytes.NewReader(data), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.New(store, ledgertest.Signer(t), nil).Record(context.Background(), ledger.KindCommit, m.Reference, key, data); err != nil {
		t.Fatal(err)
	}
	cfgArgs := []string{"-intake-config", filepath.Join(dir, "none.yaml")}
	status := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append(append([]string{"status", "-operator", "王科员"}, cfgArgs...), args...), &out, io.Discard)
		return out.String(), err
	}
	for _, ref := range []string{"M3P4-AB7C", "N5R6-CD8E"} {
		for _, s := range []string{"accepted", "recommended", "qualified", "material-review", "site-review", "overall-review", "candidate"} {
			if out, err := status("-ref", ref, "-stage", s); err != nil {
				t.Fatalf("status %s %s: %v\n%s", ref, s, err, out)
			}
		}
	}
	for _, s := range []string{"accepted", "investigating"} {
		if _, err := status("-ref", "K7M2-QX9D", "-stage", s); err != nil {
			t.Fatal(err)
		}
	}
	events := func(ref string) int {
		recs, _ := store.List(context.Background(), submission.StatusPrefix(ref))
		return len(recs)
	}
	refusals := []struct {
		args []string
		want string
	}{
		{[]string{"-stage", "查实", "-note", "经核查属实"}, "请用 -application 给出该组织申报的受理编号"},
		{[]string{"-stage", "查实", "-application", "M3P4-AB7C"}, "核查结论“查实”须写明理由"},
		{[]string{"-stage", "不属实"}, "核查结论“不属实”须写明理由"},
		{[]string{"-stage", "不属实", "-note", "经核查与事实不符", "-application", "M3P4-AB7C"}, "-application 只在把异议改为“查实”时使用"},
		{[]string{"-stage", "查实", "-note", "经核查属实", "-application", "N5R6-CD8E"}, "统一社会信用代码与异议所针对的候选组织不一致"},
		{[]string{"-stage", "查实", "-note", "经核查属实", "-application", "ZZZZ-ZZZZ"}, "没有受理编号为 ZZZZ-ZZZZ 的申报"},
	}
	for _, r := range refusals {
		if _, err := status(append([]string{"-ref", "K7M2-QX9D"}, r.args...)...); err == nil || !strings.Contains(err.Error(), r.want) {
			t.Errorf("status %v: %v, want an error saying %q", r.args, err, r.want)
		}
	}
	if n, a, b := events("K7M2-QX9D"), events("M3P4-AB7C"), events("N5R6-CD8E"); n != 2 || a != 7 || b != 7 {
		t.Fatalf("after refusals: %d, %d, %d events; want 2, 7, 7", n, a, b)
	}
	out, err := status("-ref", "K7M2-QX9D", "-stage", "查实", "-note", "经核查属实", "-application", "m3p4ab7c")
	if err != nil || !strings.Contains(out, "改为“查实”") || !strings.Contains(out, "已将申报 M3P4-AB7C 由“候选”改为“取消候选资格”") {
		t.Fatalf("查实: %q %v", out, err)
	}
	var obj, rev submission.Status
	if err := json.Unmarshal(ledgertest.Get(t, store, submission.EventKey("K7M2-QX9D", 3)), &obj); err != nil {
		t.Fatal(err)
	}
	if o := obj.Outcome; obj.Stage != submission.StageSubstantiated || o == nil || o.Application != "M3P4-AB7C" || o.Publicity != "2026-candidates" || o.Candidate != "c1" {
		t.Errorf("the objection's event %+v, outcome %+v", obj, obj.Outcome)
	}
	if err := json.Unmarshal(ledgertest.Get(t, store, submission.EventKey("M3P4-AB7C", 8)), &rev); err != nil {
		t.Fatal(err)
	}
	if rev.Stage != submission.StageCandidacyRevoked || rev.RevokedBy != "K7M2-QX9D" || rev.Operator != "王科员" {
		t.Errorf("the application's event %+v", rev)
	}
	if events("N5R6-CD8E") != 7 {
		t.Error("the other candidate was moved")
	}
	audits, _ := store.List(context.Background(), "audit/")
	var revokedAudit bool
	for _, a := range audits {
		data := ledgertest.Get(t, store, a.Key)
		revokedAudit = revokedAudit || bytes.Contains(data, []byte("M3P4-AB7C")) && bytes.Contains(data, []byte(`"revokedBy":"K7M2-QX9D"`))
	}
	if !revokedAudit {
		t.Error("the revocation is not audited")
	}
}
