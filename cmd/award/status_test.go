package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

func TestStatusCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWARD_DATA_DIR", dir)
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
		t.Errorf("status records %d, audit records %d; want 1 and 1", len(recs), len(audit))
	}
}
