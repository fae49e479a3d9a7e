package site

import (
	"strconv"
	"time"
)

// Site is what templates see of the whole site, as .Site.
type Site struct {
	Title       string
	Description string
	Language    string
	BaseURL     string
	BasePath    string
	Footer      Footer
	Menus       map[string][]MenuItem
	Params      map[string]any
	// Home is the home page.
	Home *Page
	// Sections are the top-level sections' list pages, by weight then title.
	Sections []*Page
	// RegularPages are all published content pages, newest first.
	RegularPages []*Page
	// Publicities are the pages of type "publicity", newest window first.
	Publicities []*Page
	// Calls are the pages of type "call", newest first.
	Calls []*Page
	// Tags are the tag pages, by name.
	Tags []*Page
	// Sessions are the pages of the award's sessions, one per session that
	// has winner pages, the latest session first. Each lists its winners;
	// its Params has "session" (the number).
	Sessions []*Page
	// BuildTime is the moment the build treats as now.
	BuildTime time.Time
	// FixedClock is true when BuildTime is a pinned clock (Options.FixedClock).
	FixedClock bool

	byPath map[string]*Page
	byFile map[string]*Page
	// prefixed memoizes lookupPrefix (affected.go), by prefix.
	prefixed map[string]map[string]*Page
}

// GetSection returns a top-level section's list page by folder name, or nil.
func (s *Site) GetSection(name string) *Page {
	for _, p := range s.Sections {
		if p.Section == name {
			return p
		}
	}
	return nil
}

// GetPage returns a page by site path ("/policy/measures/") or content file
// ("policy/measures.md"), or nil.
func (s *Site) GetPage(ref string) *Page {
	if p, ok := s.byPath[ref]; ok {
		return p
	}
	return s.byFile[ref]
}

// View is the data every page template receives as dot.
type View struct {
	Site *Site
	Page *Page
	// Paginator is the current list page's slice of Page.Pages; nil on
	// pages that are not lists.
	Paginator *Pager
}

// Pager is one page of a paginated list.
type Pager struct {
	Number     int     // 1-based
	TotalPages int     // at least 1
	Pages      []*Page // the pages on this list page
	// URLs holds the site-relative path of every list page, in order.
	URLs []string
	Prev string // path of the previous list page, "" on the first
	Next string // path of the next list page, "" on the last
}

// paginate splits pages into list pages of size per, the first at base and
// the others at base + "page/N/".
func paginate(base string, pages []*Page, per int) []*Pager {
	total := (len(pages) + per - 1) / per
	if total == 0 {
		total = 1
	}
	urls := make([]string, total)
	for i := range urls {
		urls[i] = pagerURL(base, i+1)
	}
	out := make([]*Pager, total)
	for i := range out {
		lo, hi := i*per, (i+1)*per
		if hi > len(pages) {
			hi = len(pages)
		}
		if lo > hi {
			lo = hi
		}
		pg := &Pager{Number: i + 1, TotalPages: total, Pages: pages[lo:hi], URLs: urls}
		if i > 0 {
			pg.Prev = urls[i-1]
		}
		if i+1 < total {
			pg.Next = urls[i+1]
		}
		out[i] = pg
	}
	return out
}

func pagerURL(base string, n int) string {
	if n == 1 {
		return base
	}
	return base + "page/" + strconv.Itoa(n) + "/"
}
