package submission

import (
	"encoding/json"
	"regexp"
	"slices"
	"testing"
	"time"
)

// TestStageFlows checks each kind's flow: codes are key elements, codes
// and labels unique, every move leads to a stage of the kind, every stage
// but the old-records-only ones is reachable from received, nothing leads
// back to received or to closed, and the finals are the results.
func TestStageFlows(t *testing.T) {
	key := regexp.MustCompile(`^[a-z][a-z-]*[a-z]$`)
	finals := map[string][]string{
		KindApplication: {StageNotAccepted, StageReturned, StageDisqualified, StageAwarded, StageNotAwarded, StageCandidacyRevoked, StageClosed},
		KindObjection:   {StageNotAccepted, StageSubstantiated, StageUnsubstantiated, StageClosed},
		KindReport:      {StageNotAccepted},
	}
	oldOnly := map[string][]string{KindApplication: {StageInvestigating, StageClosed}, KindObjection: {StageClosed}}
	for _, kind := range Kinds {
		stages := Stages(kind)
		if len(stages) == 0 || stages[0].Code != StageReceived || stages[0].Label != "已收件" {
			t.Fatalf("%s: stages %v, want received first", kind, stages)
		}
		codes, labels := map[string]bool{}, map[string]bool{}
		for _, s := range stages {
			if !key.MatchString(s.Code) || codes[s.Code] || labels[s.Label] || s.Label == "" {
				t.Errorf("%s: stage %+v: bad or repeated code or label", kind, s)
			}
			codes[s.Code], labels[s.Label] = true, true
			if got, ok := StageOf(kind, s.Code); !ok || got != s {
				t.Errorf("%s: StageOf(%s) = %v %v", kind, s.Code, got, ok)
			}
			if Final(kind, s.Code) != slices.Contains(finals[kind], s.Code) {
				t.Errorf("%s: Final(%s) = %v", kind, s.Code, Final(kind, s.Code))
			}
			for _, n := range Next(kind, s.Code) {
				if _, ok := StageOf(kind, n.Code); !ok || n.Code == StageReceived || n.Code == StageClosed || !CanMove(kind, s.Code, n.Code) {
					t.Errorf("%s: move %s → %s", kind, s.Code, n.Code)
				}
			}
		}
		reached := map[string]bool{StageReceived: true}
		todo := []string{StageReceived}
		for len(todo) > 0 {
			c := todo[0]
			todo = todo[1:]
			for _, n := range Next(kind, c) {
				if !reached[n.Code] {
					reached[n.Code] = true
					todo = append(todo, n.Code)
				}
			}
		}
		for _, s := range stages {
			if reached[s.Code] == slices.Contains(oldOnly[kind], s.Code) {
				t.Errorf("%s: %s reachable from received: %v", kind, s.Code, reached[s.Code])
			}
		}
		if !CanMove(kind, StageAccepted, StageCorrection) || !CanMove(kind, StageCorrection, StageAccepted) {
			t.Errorf("%s: correction not reachable from accepted and back", kind)
		}
	}
	// A report: received → correction → corrected → accepted; never to
	// the application's or the objection's stages.
	rep := []string{StageReceived, StageCorrection, StageCorrected, StageAccepted}
	for i := 1; i < len(rep); i++ {
		if !CanMove(KindReport, rep[i-1], rep[i]) {
			t.Errorf("report: %s → %s not allowed", rep[i-1], rep[i])
		}
	}
	if CanMove(KindReport, StageAccepted, StageRecommended) || CanMove(KindReport, StageReceived, StageInvestigating) {
		t.Error("report: moves to another kind's stages")
	}
	// The flows of the issue, step by step.
	app := []string{StageReceived, StageAccepted, StageRecommended, StageQualified, StageMaterialReview, StageSiteReview,
		StageOverallReview, StageCandidate, StageAwarded}
	for i := 1; i < len(app); i++ {
		if !CanMove(KindApplication, app[i-1], app[i]) {
			t.Errorf("application: %s → %s not allowed", app[i-1], app[i])
		}
	}
	for _, bad := range [][2]string{{StageReceived, StageAwarded}, {StageAccepted, StageQualified}, {StageAwarded, StageNotAwarded}, {StageReceived, StageInvestigating}} {
		if CanMove(KindApplication, bad[0], bad[1]) {
			t.Errorf("application: %s → %s allowed", bad[0], bad[1])
		}
	}
	if got := Next(KindObjection, StageInvestigating); len(got) != 3 || got[0].Label != "查实" || got[1].Label != "不属实" || got[2].Label != "需补充证据" {
		t.Errorf("objection investigating → %v", got)
	}
	// 补正 before acceptance: a notice, a supplement, then the decision.
	for _, kind := range Kinds {
		loop := []string{StageReceived, StageCorrection, StageCorrected, StageAccepted}
		for i := 1; i < len(loop); i++ {
			if !CanMove(kind, loop[i-1], loop[i]) {
				t.Errorf("%s: %s → %s not allowed", kind, loop[i-1], loop[i])
			}
		}
		if CanMove(kind, StageReceived, StageCorrected) || CanMove(kind, StageAccepted, StageCorrected) {
			t.Errorf("%s: corrected reachable without a notice", kind)
		}
	}
	if Next(KindObjection, "nonsense") != nil || Stages("nonsense") != nil || CanMove("nonsense", StageReceived, StageAccepted) {
		t.Error("an unknown kind or stage has moves")
	}
	s := Stages(KindObjection)
	s[0].Label = "changed"
	if Stages(KindObjection)[0].Label != "已收件" {
		t.Error("Stages shares its slice")
	}
}

// TestParseStage: codes, labels and old states.
func TestParseStage(t *testing.T) {
	for _, c := range []struct{ kind, in, want string }{
		{KindObjection, "investigating", StageInvestigating},
		{KindObjection, "核查中", StageInvestigating},
		{KindObjection, "核实中", StageInvestigating}, // old state
		{KindObjection, "已受理", StageAccepted},
		{KindObjection, "需补正", StageCorrection},
		{KindObjection, "已办结", StageClosed},
		{KindApplication, "初审通过（已推荐）", StageRecommended},
		{KindApplication, "核实中", StageInvestigating},
		{KindApplication, "取消候选资格", StageCandidacyRevoked},
	} {
		if got, ok := ParseStage(c.kind, c.in); !ok || got.Code != c.want {
			t.Errorf("ParseStage(%s, %s) = %v %v, want %s", c.kind, c.in, got, ok, c.want)
		}
	}
	for _, bad := range []string{"", "获奖 ", "awarded"} {
		if got, ok := ParseStage(KindObjection, bad); ok {
			t.Errorf("ParseStage(objection, %q) = %v", bad, got)
		}
	}
	old := Status{State: "核实中"}
	if s, ok := StageOfStatus(KindObjection, old); !ok || s.Code != StageInvestigating || s.Label != "核查中" {
		t.Errorf("old record: %v %v", s, ok)
	}
	if _, ok := StageOfStatus(KindObjection, Status{State: "已受理", Stage: "awarded"}); ok {
		t.Error("a record's Stage code is not of the kind, yet it was read")
	}
}

// TestEventKeys: the new layout and the old one are told apart, and
// nothing else is taken for either.
func TestEventKeys(t *testing.T) {
	if k := EventKey("K7M2-QX9D", 3); k != "status/k7m2-qx9d/000003.json" {
		t.Errorf("EventKey = %s", k)
	}
	for key, want := range map[string]int{
		EventKey("K7M2-QX9D", 1):       1,
		EventKey("K7M2-QX9D", 1234567): 1234567,
		StatusKey("K7M2-QX9D", time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)): 0,
	} {
		if got, ok := EventSeq(key); !ok || got != want {
			t.Errorf("EventSeq(%s) = %d %v, want %d", key, got, ok, want)
		}
	}
	for _, bad := range []string{"status/k7m2-qx9d/000000.json", "status/k7m2-qx9d/00001.json", "status/k7m2-qx9d/notes.json",
		"status/k7m2-qx9d/000001.txt", "status/k7m2-qx9d/a/000001.json", "ledger/000001.json", "status/000001.json"} {
		if n, ok := EventSeq(bad); ok {
			t.Errorf("EventSeq(%s) = %d, accepted", bad, n)
		}
	}
}

// TestIdentityJSON: identities sealed before the types moved (and before
// Email) still open into them; an objector without an email has no
// "email" key.
func TestIdentityJSON(t *testing.T) {
	var o ObjectorIdentity
	if err := json.Unmarshal([]byte(`{"type":"individual","name":"张三","idNumber":"11010519491231002X","phone":"13800138000"}`), &o); err != nil ||
		o.Name != "张三" || o.Email != "" || o.NotifyEmail() != "" {
		t.Errorf("old objector identity: %+v %v", o, err)
	}
	b, _ := json.Marshal(o)
	if string(b) != `{"type":"individual","name":"张三","idNumber":"11010519491231002X","phone":"13800138000"}` {
		t.Errorf("objector encodes as %s", b)
	}
	a := ApplicantIdentity{LegalRepresentative: "李四", ContactName: "王五", Phone: "13800138000", Email: "zhiliang@example.com"}
	if a.NotifyEmail() != "zhiliang@example.com" {
		t.Error("applicant's email")
	}
	if _, ok := NewIdentity(KindObjection).(*ObjectorIdentity); !ok {
		t.Error("objection's identity type")
	}
	if _, ok := NewIdentity(KindApplication).(*ApplicantIdentity); !ok || NewIdentity("x") != nil {
		t.Error("application's identity type")
	}
}
