// Package workday is the Chinese working-day calendar: which days are
// working days under the State Council's holiday schedule, and counting and
// adding working days, as the award's "不少于5个工作日" windows need.
//
// A date is a working day if the schedule lists it as a make-up working day
// (调休上班); else it is not if it falls in a holiday; else it is one if it
// is Monday to Friday. Every question about a date in a year the schedule
// does not cover is answered with a *NotCoveredError, never with a guess.
package workday

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"time"

	"go.yaml.in/yaml/v3"
)

// Calendar answers working-day questions for the years it holds.
type Calendar struct {
	first, last int             // years covered, inclusive
	holiday     map[Date]string // day off → holiday name
	makeup      map[Date]bool   // weekend day that is a working day
	notices     map[int]string  // year → the notice it comes from
}

// schedule is the data file's form.
type schedule struct {
	Years []struct {
		Year     int    `yaml:"year"`
		Notice   string `yaml:"notice"`
		Holidays []struct {
			Name string `yaml:"name"`
			From Date   `yaml:"from"`
			To   Date   `yaml:"to"`
		} `yaml:"holidays"`
		Workdays []Date `yaml:"workdays"`
	} `yaml:"years"`
}

// NotCoveredError says that a date lies in a year the schedule does not hold.
type NotCoveredError struct {
	Year        int
	First, Last int
}

func (e *NotCoveredError) Error() string {
	if e.Year > e.Last {
		return fmt.Sprintf("%d年的节假日安排尚未载入（目前只有%d年至%d年），无法计算工作日。请在国务院办公厅发布《关于%d年部分节假日安排的通知》后，把%d年的放假和调休日期加入 holidays.yaml", e.Year, e.First, e.Last, e.Year, e.Year)
	}
	return fmt.Sprintf("%d年的节假日安排没有载入（目前只有%d年至%d年），无法计算工作日。请把%d年的放假和调休日期加入 holidays.yaml", e.Year, e.First, e.Last, e.Year)
}

// Parse reads a schedule (see holidays.yaml). Years must be consecutive and
// each must cite its notice; holidays must lie in or next to their year;
// make-up working days must be Saturdays or Sundays outside any holiday.
func Parse(data []byte) (*Calendar, error) {
	var s schedule
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("节假日安排格式错误：%w", err)
	}
	if len(s.Years) == 0 {
		return nil, errors.New("节假日安排中没有任何年份")
	}
	sort.Slice(s.Years, func(i, j int) bool { return s.Years[i].Year < s.Years[j].Year })
	c := &Calendar{
		first: s.Years[0].Year, last: s.Years[len(s.Years)-1].Year,
		holiday: map[Date]string{}, makeup: map[Date]bool{}, notices: map[int]string{},
	}
	for i, y := range s.Years {
		if i > 0 && y.Year != s.Years[i-1].Year+1 {
			return nil, fmt.Errorf("节假日安排缺少%d年：年份必须连续", s.Years[i-1].Year+1)
		}
		if y.Notice == "" {
			return nil, fmt.Errorf("%d年没有注明依据的通知（notice）", y.Year)
		}
		c.notices[y.Year] = y.Notice
		for _, h := range y.Holidays {
			if h.From.IsZero() || h.To.IsZero() || h.To.Before(h.From) {
				return nil, fmt.Errorf("%d年的%s：放假起止日期有误", y.Year, h.Name)
			}
			if h.From.Year < y.Year-1 || h.To.Year > y.Year {
				return nil, fmt.Errorf("%d年的%s（%s至%s）不在该年", y.Year, h.Name, h.From, h.To)
			}
			for d := h.From; !d.After(h.To); d = d.AddDays(1) {
				c.holiday[d] = h.Name
			}
		}
		for _, w := range y.Workdays {
			if wd := w.Weekday(); wd != time.Saturday && wd != time.Sunday {
				return nil, fmt.Errorf("%d年的调休上班日 %s 不是周末", y.Year, w)
			}
			if _, off := c.holiday[w]; off {
				return nil, fmt.Errorf("%d年的调休上班日 %s 同时列为放假日", y.Year, w)
			}
			c.makeup[w] = true
		}
	}
	return c, nil
}

// Years returns the first and last year covered.
func (c *Calendar) Years() (first, last int) { return c.first, c.last }

// Notice returns the notice a year's schedule comes from.
func (c *Calendar) Notice(year int) string { return c.notices[year] }

func (c *Calendar) covers(d Date) error {
	if d.Year < c.first || d.Year > c.last {
		return &NotCoveredError{Year: d.Year, First: c.first, Last: c.last}
	}
	return nil
}

// IsWorkingDay reports whether d is a working day.
func (c *Calendar) IsWorkingDay(d Date) (bool, error) {
	if err := c.covers(d); err != nil {
		return false, err
	}
	if c.makeup[d] {
		return true, nil
	}
	if _, off := c.holiday[d]; off {
		return false, nil
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday, nil
}

// Holiday returns the name of the holiday d falls in, or "".
func (c *Calendar) Holiday(d Date) string { return c.holiday[d] }

// NthWorkingDay returns the n-th working day counting from start (n ≥ 1):
// start itself is the first if it is a working day. A window of n working
// days opening on start closes at the end of the day returned.
func (c *Calendar) NthWorkingDay(start Date, n int) (Date, error) {
	if n < 1 {
		return Date{}, fmt.Errorf("工作日数必须至少为 1，现为 %d", n)
	}
	d := start
	for count := 0; ; d = d.AddDays(1) {
		ok, err := c.IsWorkingDay(d)
		if err != nil {
			return Date{}, err
		}
		if ok {
			count++
			if count == n {
				return d, nil
			}
		}
	}
}

// AddWorkingDays returns the date n working days after d (n ≥ 0; d need not
// be a working day): AddWorkingDays(Friday, 1) is the next working Monday.
func (c *Calendar) AddWorkingDays(d Date, n int) (Date, error) {
	if n < 0 {
		return Date{}, fmt.Errorf("工作日数不能为负数：%d", n)
	}
	if err := c.covers(d); err != nil {
		return Date{}, err
	}
	for n > 0 {
		d = d.AddDays(1)
		ok, err := c.IsWorkingDay(d)
		if err != nil {
			return Date{}, err
		}
		if ok {
			n--
		}
	}
	return d, nil
}

// CountWorkingDays counts the working days from from to to, both included
// (0 if to is before from).
func (c *Calendar) CountWorkingDays(from, to Date) (int, error) {
	if err := c.covers(from); err != nil {
		return 0, err
	}
	if err := c.covers(to); err != nil {
		return 0, err
	}
	n := 0
	for d := from; !d.After(to); d = d.AddDays(1) {
		ok, _ := c.IsWorkingDay(d)
		if ok {
			n++
		}
	}
	return n, nil
}

// Load reads and parses a schedule file (holidays.yaml) from fsys.
func Load(fsys fs.FS, name string) (*Calendar, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read holiday schedule: %w", err)
	}
	return Parse(data)
}
