package console

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// listingIndex is a new index that lists the store (no snapshot).
func listingIndex(e *env) *caseIndex {
	x := newCaseIndex(e.arch, e.srv.log)
	x.feed.restore = nil
	e.t.Cleanup(x.wait)
	return x
}

// wholeKind is a listing of a whole kind of record (objections/,
// applications/, status/, …), which every inbox view made before the
// feed; one case's own records (status/<ref>/) are not.
func wholeKind(prefix string) bool {
	return strings.Count(prefix, "/") == 1 && strings.HasSuffix(prefix, "/")
}

// manifest is the read of a manifest.
func manifest(key string) bool { return strings.HasSuffix(key, "/manifest.json") }

// refsAndStages is what the inbox shows of each case, in its order.
func refsAndStages(t *testing.T, x *caseIndex) []string {
	t.Helper()
	all, err := x.all(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(all))
	for _, c := range all {
		out = append(out, c.Reference+" "+c.Stage.Code)
	}
	return out
}

// TestCaseFeed: after the first view lists the store, the next views list
// nothing and still show every new submission and stage change (they
// follow the ledger); a manifest the ledger does not record shows after
// the listing in the background a relistEvery later; and at every step
// the inbox equals the one of a new index, which lists the store.
func TestCaseFeed(t *testing.T) {
	store := &countingStore{Store: dirStore(t)}
	e := newEnv(t, store, nil)
	x := e.srv.cases
	var feedNow time.Time
	var clockMu sync.Mutex
	feedNow = time.Now()
	x.feed.now = func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return feedNow }
	listed := func() []string { return refsAndStages(t, listingIndex(e)) }

	a := e.addObjection()
	e.addApplication("中牟县甲食品有限公司", "91410122MA00000001", "韩寺镇")
	if got, want := refsAndStages(t, x), listed(); len(got) != 2 || !reflect.DeepEqual(got, want) {
		t.Fatalf("first view %v, listing %v", got, want)
	}
	e.addApplication("中牟县乙食品有限公司", "91410122MA00000002", "官渡镇")
	if _, err := e.arch.AppendEvent(context.Background(), submission.Status{Reference: a.Reference, Stage: submission.StageAccepted, Operator: "王科员"}, 0); err != nil {
		t.Fatal(err)
	}
	before := store.lists(wholeKind)
	got := refsAndStages(t, x)
	if n := store.lists(wholeKind) - before; n != 0 {
		t.Errorf("a view after the first listed the store %d times, want none", n)
	}
	if want := listed(); len(got) != 3 || !reflect.DeepEqual(got, want) {
		t.Fatalf("after a new submission and a stage change: %v, listing %v", got, want)
	}

	// A manifest committed while the ledger could not record it (its
	// entry removed here, as if the append had failed).
	c := e.addObjection()
	head, _, err := e.arch.Ledger().Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	entry, err := e.arch.Ledger().Entry(context.Background(), head)
	if err != nil || entry.Reference != c.Reference {
		t.Fatalf("last entry %+v (%v), want %s's commit", entry, err, c.Reference)
	}
	if err := store.Delete(context.Background(), ledger.Key(head)); err != nil {
		t.Fatal(err)
	}
	if got := refsAndStages(t, x); len(got) != 3 {
		t.Fatalf("a manifest the ledger does not record shows before the next listing: %v", got)
	}
	clockMu.Lock()
	feedNow = feedNow.Add(relistEvery)
	clockMu.Unlock()
	_ = refsAndStages(t, x) // starts the listing in the background
	deadline := time.Now().Add(10 * time.Second)
	for {
		x.feed.mu.Lock()
		done := !x.feed.relisting
		x.feed.mu.Unlock()
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the listing in the background did not end")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got, want := refsAndStages(t, x), listed(); len(got) != 4 || !reflect.DeepEqual(got, want) {
		t.Fatalf("after the listing in the background: %v, listing %v", got, want)
	}
}

// TestCaseSnapshot: a view writes the inbox's snapshot; a console starting
// on the store (a new index) shows the same inbox without reading a
// manifest, and a snapshot changed behind the software's back (its MAC no
// longer verifies) is not used: the store is listed instead.
func TestCaseSnapshot(t *testing.T) {
	store := &countingStore{Store: dirStore(t)}
	e := newEnv(t, store, nil)
	a := e.addObjection()
	for i := range 4 {
		e.addApplication(fmt.Sprintf("中牟县第%d食品有限公司", i), fmt.Sprintf("91410122MA%08d", i), "韩寺镇")
	}
	if _, err := e.arch.AppendEvent(context.Background(), submission.Status{Reference: a.Reference, Stage: submission.StageAccepted, Operator: "王科员"}, 0); err != nil {
		t.Fatal(err)
	}
	want := refsAndStages(t, e.srv.cases)
	e.srv.cases.wait()
	infos, err := store.List(context.Background(), snapshotPrefix)
	if err != nil || len(infos) != 1 {
		t.Fatalf("snapshots after a view: %v (%v), want one", infos, err)
	}

	restarted := newCaseIndex(e.arch, e.srv.log)
	t.Cleanup(restarted.wait)
	reads := store.gets(manifest)
	got := refsAndStages(t, restarted)
	if n := store.gets(manifest) - reads; n != 0 {
		t.Errorf("the first view of a console starting read %d manifests, want none (the snapshot)", n)
	}
	if !reflect.DeepEqual(got, want) || len(got) != 5 {
		t.Fatalf("after a restart %v, before %v", got, want)
	}
	restarted.wait()

	// The snapshot changed: an organisation renamed, its MAC kept.
	snap, err := readSnapshot(context.Background(), store, infos[0].Key)
	if err != nil {
		t.Fatal(err)
	}
	for i := range snap.Cases {
		if snap.Cases[i].Summary.Kind == kindApplication {
			snap.Cases[i].Summary.Org = "伪造的名称"
		}
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(snap); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	if _, err := store.Put(context.Background(), infos[0].Key, &buf, storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	tampered := newCaseIndex(e.arch, e.srv.log)
	t.Cleanup(tampered.wait)
	all, err := tampered.all(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		if c.Org == "伪造的名称" {
			t.Fatalf("a snapshot failing its MAC was used: %+v", c)
		}
	}
	if len(all) != 5 || !strings.Contains(e.logs.String(), "inbox snapshot not used") {
		t.Errorf("%d cases; log:\n%s", len(all), e.logs.String())
	}
}
