package site

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Problem is an error in the site's sources, located by file and line so
// that a clerk can find it. Line is 0 when the problem concerns the whole file.
type Problem struct {
	File string // path as the person knows it ("content/policy/measures.md")
	Line int
	Msg  string
}

func (p *Problem) Error() string {
	switch {
	case p.File == "":
		return p.Msg
	case p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	default:
		return fmt.Sprintf("%s: %s", p.File, p.Msg)
	}
}

// BuildError is returned when a build fails; it lists every problem found,
// not only the first, sorted by file and line.
type BuildError struct {
	Problems []*Problem
}

func (e *BuildError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "生成失败，发现 %d 个问题：", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// problems collects problems from concurrent workers.
type problems struct {
	mu   sync.Mutex
	list []*Problem
}

func (ps *problems) add(file string, line int, format string, args ...any) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.list = append(ps.list, &Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// addErr records err, keeping its location when it is already a Problem.
func (ps *problems) addErr(file string, err error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	var p *Problem
	if errors.As(err, &p) {
		ps.list = append(ps.list, p)
		return
	}
	ps.list = append(ps.list, &Problem{File: file, Msg: err.Error()})
}

// addAll records problems already located.
func (ps *problems) addAll(list []*Problem) {
	if len(list) == 0 {
		return // most callers have none: spare the lock
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.list = append(ps.list, list...)
}

func (ps *problems) err() error {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if len(ps.list) == 0 {
		return nil
	}
	sort.SliceStable(ps.list, func(i, j int) bool {
		a, b := ps.list[i], ps.list[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return &BuildError{Problems: ps.list}
}
