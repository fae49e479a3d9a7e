package winners

import (
	"strings"
	"testing"

	"github.com/zhongmou/award/schedule"
)

func TestBuildAndValidity(t *testing.T) {
	cfg := DefaultConfig()
	apps := []Awarded{{Reference: "AAAA-1111", OrgName: "甲公司", CreditCode: "91410122ma00j8nw0m", Session: 8, AwardYear: 2026}}
	site := []schedule.Winner{
		{OrgName: "甲公司", Session: 8, AwardYear: 2026}, // the record's, by name
		{OrgName: "乙公司", CreditCode: "91410122MA0E24W21B", Session: 6, AwardYear: 2023},
		{OrgName: "丙公司", Session: 5, AwardYear: 2021},
	}
	got := Build(cfg, apps, site)
	if len(got) != 3 || got[0].OrgName != "甲公司" || got[0].Application != "AAAA-1111" || got[0].CreditCode != "91410122MA00J8NW0M" {
		t.Fatalf("register %+v", got)
	}
	if got[0].ValidUntil != 2028 || got[1].ValidUntil != 2025 || got[2].ValidUntil != 2023 {
		t.Errorf("validity %+v", got)
	}
	// 甲 is valid 2026–2028, 乙 2023–2025, 丙 2021–2023.
	if in := InValidity(got, 2025); len(in) != 1 || in[0].OrgName != "乙公司" {
		t.Errorf("valid in 2025: %+v", in)
	}
	if in := InValidity(got, 2026); len(in) != 1 || in[0].OrgName != "甲公司" {
		t.Errorf("valid in 2026: %+v", in)
	}
	if e, ok := ByCode(got, " 91410122ma0e24w21b "); !ok || e.OrgName != "乙公司" || e.Validity() != "2023—2025年" {
		t.Errorf("by code: %+v %v", e, ok)
	}
	if _, ok := ByCode(got, ""); ok {
		t.Error("an empty code found a winner")
	}
}

func TestConfigEnv(t *testing.T) {
	c := Config{ValidityYears: 4}
	env := map[string]string{"AWARD_PRIZE_YUAN": "500000"}
	if err := c.ApplyEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if c.ValidityYears != 4 || c.PrizeYuan != 500000 || c.years() != 4 {
		t.Errorf("config %+v", c)
	}
	env["AWARD_PRIZE_YUAN"] = "三十万"
	if err := c.ApplyEnv(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "AWARD_PRIZE_YUAN") {
		t.Errorf("bad prize: %v", err)
	}
}
