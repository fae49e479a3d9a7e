package site

import (
	"fmt"
	"strings"
	"time"
)

// dateLayouts are the accepted date forms. Those without an offset are read
// in the site's time zone, never as UTC.
var dateLayouts = []struct {
	layout    string
	hasOffset bool
}{
	{time.RFC3339Nano, true},
	{"2006-01-02T15:04:05", false},
	{"2006-01-02 15:04:05", false},
	{"2006-01-02T15:04", false},
	{"2006-01-02 15:04", false},
	{"2006-01-02 15:04:05Z07:00", true},
	{"2006-01-02 15:04:05 -0700", true},
	{"2006-01-02", false},
}

// ParseDate reads a date or date-time. Values without an offset are in loc.
// The empty string gives the zero time.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range dateLayouts {
		var t time.Time
		var err error
		if l.hasOffset {
			t, err = time.Parse(l.layout, s)
		} else {
			t, err = time.ParseInLocation(l.layout, s, loc)
		}
		if err == nil {
			return t.In(loc), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q 不是有效的日期。请写成 2026-11-20 或 2026-11-20T09:00:00（按 %s 时间），或带上时区，如 2026-11-20T09:00:00+08:00", s, loc)
}
