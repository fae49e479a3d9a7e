package workday

import (
	"encoding/json"
	"fmt"
	"slices"
)

// PublishedName is the file name of the published calendar in the built
// site, which the application form's script reads to count working days as
// the intake does.
const PublishedName = "calendar.json"

// PublishedVersion is the version of the published calendar's format.
const PublishedVersion = 1

// Published is the calendar as the browser reads it: the years covered, each
// holiday day off with its holiday's name and the make-up working days, as
// "2026-02-15" dates in order. A date is a working day if it is in Workdays;
// else not if it is in Holidays; else if it is Monday to Friday. A date
// outside First–Last is not covered: the script then leaves the question to
// the intake.
type Published struct {
	Version  int               `json:"version"`
	First    int               `json:"first"`
	Last     int               `json:"last"`
	Holidays map[string]string `json:"holidays"`
	Workdays []string          `json:"workdays"`
}

// Publish returns the calendar in its published form.
func (c *Calendar) Publish() *Published {
	p := &Published{Version: PublishedVersion, First: c.first, Last: c.last, Holidays: map[string]string{}, Workdays: []string{}}
	for d, name := range c.holiday {
		p.Holidays[d.String()] = name
	}
	for d := range c.makeup {
		p.Workdays = append(p.Workdays, d.String())
	}
	slices.Sort(p.Workdays)
	return p
}

// PublishJSON is Publish encoded as JSON (keys of Holidays sorted, so the
// bytes depend only on the schedule).
func (c *Calendar) PublishJSON() ([]byte, error) {
	data, err := json.Marshal(c.Publish())
	if err != nil {
		return nil, fmt.Errorf("encode calendar: %w", err)
	}
	return append(data, '\n'), nil
}
