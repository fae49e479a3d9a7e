package schedule

import "testing"

// TestPublicityReference: a generated list's candidate carries its
// application's reference into the publicity (and so windows.json).
func TestPublicityReference(t *testing.T) {
	fm := []byte("id: pub-x\nstart: 2026-11-20\nworkingDays: 5\ncandidates:\n  - id: c01\n    reference: K7M2-QX9D\n    name: 某公司\n    creditCode: 91410122MA00J8NW0M\n    industry: 农业\n    township: 官渡镇\n")
	p, errs := ParsePublicity(fm, rules(t))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if p.Candidates[0].Reference != "K7M2-QX9D" {
		t.Errorf("reference %q", p.Candidates[0].Reference)
	}
}
