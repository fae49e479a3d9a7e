package archive_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/storage"
)

// phantomStore lists an object that is not there (as a MinIO listing does
// for a while after a delete, once a node has failed).
type phantomStore struct {
	storage.Store
	phantom storage.Info
}

func (p phantomStore) List(ctx context.Context, prefix string) ([]storage.Info, error) {
	infos, err := p.Store.List(ctx, prefix)
	if err == nil && strings.HasPrefix(p.phantom.Key, prefix) {
		infos = append(infos, p.phantom)
		slices.SortFunc(infos, func(x, y storage.Info) int { return strings.Compare(x.Key, y.Key) })
	}
	return infos, err
}

// TestSweepClaimBesideListedButGoneRecord: a claim whose in-flight record
// is still listed but gone is removed like a claim without its record.
func TestSweepClaimBesideListedButGoneRecord(t *testing.T) {
	dir, err := storage.NewDirStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := dir.Put(ctx, "inflight/k7m2-qx9d.claim", strings.NewReader("commit 2026-12-01T00:00:00Z"), storage.PutOptions{IfAbsent: true}); err != nil {
		t.Fatal(err)
	}
	store := phantomStore{Store: dir, phantom: storage.Info{Key: "inflight/k7m2-qx9d.json", Size: 10, Modified: time.Now()}}
	later := time.Now().Add(time.Hour)
	a := newArchive(t, store, func() time.Time { return later })
	if _, err := a.Sweep(ctx, time.Minute); err != nil {
		t.Fatal(err)
	}
	infos, err := dir.List(ctx, "inflight/")
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 0 {
		t.Fatalf("left: %v", infos)
	}
}
