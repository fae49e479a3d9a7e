package main

import (
	"bytes"
	"context"
	"encoding/base64"
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
	m := &submission.Manifest{Version: submission.Version, Kind: submission.KindObjection, Reference: "K7M2-QX9D",
		TokenHash: submission.HashToken("tok"), ReceivedAt: time.Now()}
	data, _ := m.Encode()
	if _, err := store.Put(context.Background(), submission.ManifestKey(m.Kind, m.Reference), bytes.NewReader(data), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	cfgArgs := []string{"-intake-config", filepath.Join(dir, "none.yaml")}
	bad := [][]string{
		{"-ref", "K7M2-QX9D", "-state", "已受理", "-operator", "王科员"},
		{"-ref", "K7M2-QX9D", "-state", "不存在的状态", "-operator", "王科员"},
		{"-ref", "ZZZZ-ZZZZ", "-state", "核实中", "-operator", "王科员"},
		{"-state", "核实中", "-operator", "王科员"},
	}
	for _, args := range bad {
		if err := run(context.Background(), append(append([]string{"status"}, cfgArgs...), args...), io.Discard, io.Discard); err == nil {
			t.Errorf("status %v accepted", args)
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), append(append([]string{"status"}, cfgArgs...), "-ref", "k7m2qx9d", "-state", "核实中",
		"-note", "已转县市场监管局核实", "-operator", "王科员"), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "核实中") {
		t.Errorf("output %q", out.String())
	}
	recs, _ := store.List(context.Background(), submission.StatusPrefix("K7M2-QX9D"))
	audit, _ := store.List(context.Background(), "audit/status/")
	if len(recs) != 1 || len(audit) != 1 {
		t.Fatalf("status records %d, audit records %d; want 1 and 1", len(recs), len(audit))
	}
	// The record is signed and in the ledger: deleting it shows.
	rep, err := ledger.New(store, ledgertest.Signer(t), nil).Verify(context.Background(), ledger.VerifyOptions{})
	if err != nil || rep.Statuses != 1 || rep.Head.Seq != 1 || rep.Count(ledger.StatusUnrecorded)+rep.Count(ledger.StatusChanged) != 0 {
		t.Errorf("after award status: %+v %v; want the record signed and recorded", rep, err)
	}
	if err := store.Delete(context.Background(), recs[0].Key); err != nil {
		t.Fatal(err)
	}
	rep, _ = ledger.New(store, ledgertest.Signer(t), nil).Verify(context.Background(), ledger.VerifyOptions{})
	if rep.Count(ledger.StatusDeleted) != 1 {
		t.Errorf("deleted status record not reported: %v", rep.Findings)
	}
	// Without the record key, award status refuses.
	t.Setenv("AWARD_RECORD_KEY", "")
	t.Setenv("AWARD_RECORD_KEY_FILE", filepath.Join(dir, "none.key"))
	err = run(context.Background(), append(append([]string{"status"}, cfgArgs...), "-ref", "K7M2-QX9D", "-state", "已办结", "-operator", "王科员"), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "记录密钥") {
		t.Errorf("status without a record key: %v", err)
	}
}
