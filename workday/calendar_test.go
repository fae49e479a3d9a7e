package workday

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func loadRepoCalendar(t *testing.T) *Calendar {
	t.Helper()
	c, err := Load(os.DirFS(".."), "holidays.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The State Council schedules for 2024–2026 written out day by day, apart
// from the data file, so that a slip in either shows.
var (
	daysOff = strings.Fields(`
		2024-01-01 2024-02-10 2024-02-11 2024-02-12 2024-02-13 2024-02-14 2024-02-15 2024-02-16 2024-02-17
		2024-04-04 2024-04-05 2024-04-06 2024-05-01 2024-05-02 2024-05-03 2024-05-04 2024-05-05 2024-06-10
		2024-09-15 2024-09-16 2024-09-17 2024-10-01 2024-10-02 2024-10-03 2024-10-04 2024-10-05 2024-10-06 2024-10-07
		2025-01-01 2025-01-28 2025-01-29 2025-01-30 2025-01-31 2025-02-01 2025-02-02 2025-02-03 2025-02-04
		2025-04-04 2025-04-05 2025-04-06 2025-05-01 2025-05-02 2025-05-03 2025-05-04 2025-05-05
		2025-05-31 2025-06-01 2025-06-02 2025-10-01 2025-10-02 2025-10-03 2025-10-04 2025-10-05 2025-10-06 2025-10-07 2025-10-08
		2026-01-01 2026-01-02 2026-01-03 2026-02-15 2026-02-16 2026-02-17 2026-02-18 2026-02-19 2026-02-20 2026-02-21 2026-02-22 2026-02-23
		2026-04-04 2026-04-05 2026-04-06 2026-05-01 2026-05-02 2026-05-03 2026-05-04 2026-05-05 2026-06-19 2026-06-20 2026-06-21
		2026-09-25 2026-09-26 2026-09-27 2026-10-01 2026-10-02 2026-10-03 2026-10-04 2026-10-05 2026-10-06 2026-10-07`)
	makeupDays = strings.Fields(`
		2024-02-04 2024-02-18 2024-04-07 2024-04-28 2024-05-11 2024-09-14 2024-09-29 2024-10-12
		2025-01-26 2025-02-08 2025-04-27 2025-09-28 2025-10-11
		2026-01-04 2026-02-14 2026-02-28 2026-05-09 2026-09-20 2026-10-10`)
)

func dateSet(t *testing.T, days []string) map[Date]bool {
	m := map[Date]bool{}
	for _, s := range days {
		d, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		m[d] = true
	}
	return m
}

func TestEveryDay2024To2026(t *testing.T) {
	c := loadRepoCalendar(t)
	off, makeup := dateSet(t, daysOff), dateSet(t, makeupDays)
	perYear := map[int]int{}
	for d := D(2024, 1, 1); d.Year <= 2026; d = d.AddDays(1) {
		wd := d.Weekday()
		want := makeup[d] || (!off[d] && wd != time.Saturday && wd != time.Sunday)
		got, err := c.IsWorkingDay(d)
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		if got != want {
			t.Errorf("IsWorkingDay(%s, %s) = %v, want %v", d, wd, got, want)
		}
		if got {
			perYear[d.Year]++
		}
	}
	// Published totals: 251 working days in 2024, 248 in 2025 (two more
	// statutory holidays from 2025).
	if perYear[2024] != 251 || perYear[2025] != 248 {
		t.Errorf("working days per year: %v; want 251 in 2024 and 248 in 2025", perYear)
	}
	for s := range makeup {
		if ok, _ := c.IsWorkingDay(s); !ok {
			t.Errorf("make-up day %s is not a working day", s)
		}
	}
}

func TestWindows(t *testing.T) {
	c := loadRepoCalendar(t)
	cases := []struct {
		name  string
		start Date
		n     int
		want  Date
	}{
		{"plain week (the issue's example)", D(2026, 11, 20), 5, D(2026, 11, 26)},
		{"across 国庆 2026 with the 10/10 make-up Saturday", D(2026, 9, 30), 5, D(2026, 10, 12)},
		{"across 春节 2026 with the 2/14 make-up Saturday", D(2026, 2, 12), 5, D(2026, 2, 25)},
		{"across 春节 2025 with the 1/26 make-up Sunday", D(2025, 1, 24), 5, D(2025, 2, 6)},
		{"across 国庆/中秋 2025 with the 9/28 make-up Sunday", D(2025, 9, 26), 5, D(2025, 10, 9)},
		{"across 劳动节 2024", D(2024, 4, 29), 5, D(2024, 5, 8)},
		{"onto the 2024-05-11 make-up Saturday", D(2024, 5, 8), 5, D(2024, 5, 13)},
		{"across 端午 2026", D(2026, 6, 17), 5, D(2026, 6, 24)},
		{"starting on a holiday", D(2026, 10, 3), 5, D(2026, 10, 13)},
		{"starting on a make-up Saturday", D(2026, 10, 10), 5, D(2026, 10, 15)},
		{"starting on a plain Sunday", D(2026, 11, 22), 5, D(2026, 11, 27)},
		{"across the 2024/2025 new year", D(2024, 12, 27), 5, D(2025, 1, 3)},
		{"ending on the last working day covered", D(2026, 12, 25), 5, D(2026, 12, 31)},
	}
	for _, cs := range cases {
		got, err := c.NthWorkingDay(cs.start, cs.n)
		if err != nil {
			t.Errorf("%s: %v", cs.name, err)
			continue
		}
		if got != cs.want {
			t.Errorf("%s: %d working days from %s end on %s, want %s", cs.name, cs.n, cs.start, got, cs.want)
		}
		n, err := c.CountWorkingDays(cs.start, got)
		if err != nil || n != cs.n {
			t.Errorf("%s: CountWorkingDays(%s, %s) = %d, %v; want %d", cs.name, cs.start, got, n, err, cs.n)
		}
	}
	if d, err := c.AddWorkingDays(D(2026, 9, 30), 1); err != nil || d != D(2026, 10, 8) {
		t.Errorf("AddWorkingDays(2026-09-30, 1) = %s, %v; want 2026-10-08", d, err)
	}
	if d, err := c.AddWorkingDays(D(2026, 10, 9), 1); err != nil || d != D(2026, 10, 10) {
		t.Errorf("AddWorkingDays(2026-10-09, 1) = %s, %v; want the make-up Saturday 2026-10-10", d, err)
	}
}

func TestRefusesPastCoverage(t *testing.T) {
	c := loadRepoCalendar(t)
	_, err := c.NthWorkingDay(D(2026, 12, 28), 5) // 28–31 December give 4; the 5th is in 2027
	var nc *NotCoveredError
	if !errors.As(err, &nc) || nc.Year != 2027 {
		t.Fatalf("window into 2027: err = %v, want a NotCoveredError for 2027", err)
	}
	if !strings.Contains(err.Error(), "2027年的节假日安排尚未载入") || !strings.Contains(err.Error(), "holidays.yaml") {
		t.Errorf("message does not say which year to add and where: %v", err)
	}
	if _, err := c.IsWorkingDay(D(2027, 1, 4)); !errors.As(err, &nc) {
		t.Errorf("IsWorkingDay(2027-01-04) guessed instead of refusing: %v", err)
	}
	if _, err := c.IsWorkingDay(D(2023, 12, 29)); !errors.As(err, &nc) {
		t.Errorf("IsWorkingDay(2023-12-29) guessed instead of refusing: %v", err)
	}
	if _, err := c.CountWorkingDays(D(2026, 12, 1), D(2027, 1, 8)); !errors.As(err, &nc) {
		t.Errorf("CountWorkingDays into 2027 did not refuse: %v", err)
	}
}

func TestParseRejectsBadSchedules(t *testing.T) {
	cases := map[string]string{
		"no notice":          "years:\n- year: 2026\n  holidays: []\n",
		"gap":                "years:\n- {year: 2024, notice: a}\n- {year: 2026, notice: b}\n",
		"weekday make-up":    "years:\n- year: 2026\n  notice: a\n  workdays: [2026-11-25]\n",
		"reversed holiday":   "years:\n- year: 2026\n  notice: a\n  holidays: [{name: x, from: 2026-10-07, to: 2026-10-01}]\n",
		"holiday other year": "years:\n- year: 2026\n  notice: a\n  holidays: [{name: x, from: 2027-10-01, to: 2027-10-02}]\n",
		"bad date":           "years:\n- year: 2026\n  notice: a\n  workdays: [2026-02-30]\n",
		"unknown key":        "years:\n- year: 2026\n  notice: a\n  holiday: []\n",
		"empty":              "years: []\n",
	}
	for name, data := range cases {
		if _, err := Parse([]byte(data)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestDate(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	d := D(2026, 11, 20)
	if got := d.Start(sh).Format(time.RFC3339); got != "2026-11-20T00:00:00+08:00" {
		t.Errorf("Start = %s", got)
	}
	if d.Chinese() != "2026年11月20日" || d.String() != "2026-11-20" {
		t.Errorf("formats: %s %s", d.Chinese(), d)
	}
	if D(2026, 12, 32) != D(2027, 1, 1) || D(2024, 2, 28).AddDays(1) != D(2024, 2, 29) {
		t.Error("date arithmetic wrong")
	}
	// 23:30 UTC on 19 November is already 20 November in Shanghai.
	if got := DateOf(time.Date(2026, 11, 19, 23, 30, 0, 0, time.UTC).In(sh)); got != d {
		t.Errorf("DateOf in Shanghai = %s", got)
	}
}

// TestPublish checks that the published calendar answers like the
// calendar: every day of the covered years is a working day in one exactly
// when it is in the other.
func TestPublish(t *testing.T) {
	c := loadRepoCalendar(t)
	data, err := c.PublishJSON()
	if err != nil {
		t.Fatal(err)
	}
	var p Published
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	first, last := c.Years()
	if p.Version != PublishedVersion || p.First != first || p.Last != last {
		t.Fatalf("published %d %d–%d, want %d %d–%d", p.Version, p.First, p.Last, PublishedVersion, first, last)
	}
	for d := D(first, 1, 1); d.Year <= last; d = d.AddDays(1) {
		want, _ := c.IsWorkingDay(d)
		s := d.String()
		_, off := p.Holidays[s]
		got := slices.Contains(p.Workdays, s) || !off && d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
		if got != want {
			t.Errorf("%s: published says working day %v, the calendar %v", s, got, want)
		}
	}
}
