package console

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/submission"
)

// BenchmarkInbox measures the inbox of a round of 1,000 submissions (every
// third moved to 已受理) on a directory store, against its floor: the store
// listings any inbox over this store needs (submissions and status
// records), with nothing read or rendered. The ratio of the two is what
// the console adds; B/op is the memory of one view.
func BenchmarkInbox(b *testing.B) {
	e := newEnv(b, dirStore(b), nil)
	for i := range 1000 {
		var m *submission.Manifest
		if i%2 == 0 {
			m = e.addObjection()
		} else {
			m = e.addApplication(fmt.Sprintf("中牟县第%d食品有限公司", i), fmt.Sprintf("91410122MA%08d", i), "韩寺镇")
		}
		if i%3 == 0 {
			st := submission.Status{Reference: m.Reference, Stage: submission.StageAccepted, Operator: "bench", At: e.clock.now()}
			if _, err := e.arch.AppendEvent(context.Background(), st, 0); err != nil {
				b.Fatal(err)
			}
		}
	}
	c := e.signIn("benchclerk", staff.Secretariat, "")
	b.Run("console", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			resp, err := c.http.Get(e.ts.URL + "/staff/")
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatalf("inbox: %v %v", resp, err)
			}
			resp.Body.Close()
		}
	})
	b.Run("store-listings", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, p := range []string{"objections/", "applications/", "status/"} {
				if _, err := e.store.List(context.Background(), p); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
