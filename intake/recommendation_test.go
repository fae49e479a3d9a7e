package intake

import (
	"net/http"
	"strings"
	"testing"

	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/submission"
)

// newOnlineEnv is newEnv with the test call's recommendation online: the
// township recommends in the console.
func newOnlineEnv(t *testing.T) *testEnv {
	t.Helper()
	e := newEnv(t, dirStore(t), nil)
	m := testManifest()
	m.Calls[0].Recommendation = schedule.RecommendationOnline
	e.srv.windows = fixedWindows{m} // before any request
	return e
}

// TestOnlineRecommendation: for a call whose township recommends online,
// the form marks the 推荐意见 optional and says why, an application
// without one is received, and its manifest records the mode for the
// console; a call without it still requires the stamped upload (its
// manifest records no mode).
func TestOnlineRecommendation(t *testing.T) {
	e := newOnlineEnv(t)
	page := getBody(t, e.http.URL+"/api/applications/new?call=call-2026", http.StatusOK)
	if !strings.Contains(page, onlineRecommendationHint) || strings.Contains(page, `name="recommendation" type="file" required`) {
		t.Fatalf("the form does not make the 推荐意见 optional for an online call")
	}
	resp := e.apply(goodApplication(), without(allDocuments(), submission.SlotRecommendation), "application/json")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("online call without 推荐意见: %d %+v", resp.StatusCode, decode[apiError](t, resp).Error)
	}
	got := decode[applicationReply](t, resp)
	m := loadManifest(t, e.store, got.Reference)
	if f := m.Application(); f.RecommendationMode != submission.RecommendationOnline || !strings.Contains(f.MissingSlots, submission.SlotRecommendation) {
		t.Fatalf("manifest: mode %q, missing %q", f.RecommendationMode, f.MissingSlots)
	}

	up := newEnv(t, dirStore(t), nil)
	page = getBody(t, up.http.URL+"/api/applications/new?call=call-2026", http.StatusOK)
	if strings.Contains(page, onlineRecommendationHint) {
		t.Fatal("an upload call's form says the township recommends online")
	}
	resp = up.apply(goodApplication(), without(allDocuments(), submission.SlotRecommendation), "application/json")
	if resp.StatusCode != http.StatusBadRequest || decode[apiError](t, resp).Error.Fields[submission.SlotRecommendation] == "" {
		t.Fatalf("upload call without 推荐意见: %d", resp.StatusCode)
	}
	resp = up.apply(goodApplication(), allDocuments(), "application/json")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload call: %d", resp.StatusCode)
	}
	if m := loadManifest(t, up.store, decode[applicationReply](t, resp).Reference); m.Application().RecommendationMode != "" {
		t.Fatalf("upload call's mode %q", m.Application().RecommendationMode)
	}
}
