package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/storage/miniotest"
)

// TestReplicasOnMinIO: two consoles on one MinIO bucket share everything:
// a session made on one works on the other (and its sign-out ends it on
// both), a case moved on one is current on the other, and two clerks on
// two replicas cannot both move a case from the same stage.
func TestReplicasOnMinIO(t *testing.T) {
	srv := miniotest.Start(t)
	store, err := storage.NewS3Store(t.Context(), storage.S3Config{Endpoint: srv.Endpoint, Bucket: "console", AccessKey: srv.AccessKey,
		SecretKey: srv.SecretKey, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	a := newEnv(t, store, nil)
	b := newEnvAt(t, store, nil, a.clock)
	m := a.addObjection()
	clerk := a.signIn("fuben", staff.Secretariat, "")
	cookie := sessionOf(t, clerk)
	onB := b.client()
	setSession(t, onB, cookie)
	resp, body := onB.get("/staff/")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, m.Reference) {
		t.Fatalf("the session from replica A on replica B: %d", resp.StatusCode)
	}
	other := b.signIn("fubenb", staff.Secretariat, "")
	clerk.get("/staff/cases/" + m.Reference)
	other.get("/staff/cases/" + m.Reference)
	r1, _ := clerk.post("/staff/cases/"+m.Reference+"/events", url.Values{"stage": {"accepted"}, "after": {"0"}})
	r2, _ := other.post("/staff/cases/"+m.Reference+"/events", url.Values{"stage": {"not-accepted"}, "note": {"重复提交"}, "after": {"0"}})
	if r1.StatusCode != http.StatusSeeOther || r2.StatusCode != http.StatusConflict {
		t.Fatalf("moves on two replicas: %d and %d, want 303 and 409", r1.StatusCode, r2.StatusCode)
	}
	c, err := b.arch.Case(context.Background(), m.Reference)
	if err != nil || c.Current.Code != "accepted" {
		t.Fatalf("replica B sees %+v %v", c, err)
	}
	_, body = onB.get("/staff/")
	if !strings.Contains(body, "已受理") {
		t.Fatal("replica B's inbox does not show the stage set on A")
	}
	clerk.get("/staff/")
	clerk.post("/staff/logout", nil)
	if resp, _ := onB.get("/staff/"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("signed out on A, still in on B: %d", resp.StatusCode)
	}
}
