package site

import (
	"html/template"
	"time"

	"github.com/zhongmou/award/schedule"
)

// Kinds of page.
const (
	KindPage    = "page"    // a content file
	KindSection = "section" // a section's list page (from its _index.md, or implied)
	KindHome    = "home"    // the home page (content/_index.md, or implied)
	KindTerms   = "terms"   // the list of all tags
	KindTerm    = "term"    // the list of pages with one tag
	KindSession = "session" // the winners of one award session (第N届), /winners/session-N/
	Kind404     = "404"     // the not-found page
)

// Page is one page of the site as templates see it. Fields are read-only
// for templates; the generator fills them before any template runs.
type Page struct {
	Kind    string // one of the Kind constants
	File    string // content path, slash-separated ("policy/measures.md"); empty for implied pages
	Section string // top-level content folder; empty for pages at the content root
	Path    string // site-relative URL path ("/policy/measures/")

	Title       string
	Date        time.Time // publication date shown on the page
	PublishDate time.Time // the page is left out before this moment
	ExpiryDate  time.Time // the page is left out from this moment (zero: never)
	Lastmod     time.Time // last modification (defaults to Date)
	Draft       bool
	Weight      int
	Slug        string
	Aliases     []string // site-relative paths that redirect here
	Tags        []string
	// TagPages are the pages of the page's tags, in the order of Tags.
	TagPages []*Page
	Type     string // template type: front matter "type", else the section
	Layout   string // template layout: front matter "layout"
	Params   map[string]any

	// Publicity is set on pages of type "publicity": the window with its
	// computed last day, and the candidates.
	Publicity *schedule.Publicity
	// Call is set on pages of type "call": the call for applications.
	Call *schedule.Call
	// ReportCall is set on pages of type "report-call" (reportcall.go).
	ReportCall *schedule.ReportCall

	// Summary is the page's summary as plain text: front matter "summary",
	// else the text before <!--more-->, else the first SummaryLength
	// characters cut at a sentence end.
	Summary string
	// Content is the rendered Markdown body.
	Content template.HTML
	// Headings lists the body's headings with their anchors, in order.
	Headings []Heading
	// Pages are the pages listed by a section, home or term page, sorted.
	Pages []*Page
	// Prev and Next are the neighbours of a page within its section's order.
	Prev, Next *Page
	// Parent is the section (or home) page above this one.
	Parent *Page

	// RelPermalink is Path with the site's base path ("/zlj/policy/measures/"),
	// percent-encoded as a URL ("/tags/%E7%94%B3%E6%8A%A5/" for /tags/申报/,
	// as Hugo writes it; pageurl.go).
	RelPermalink string
	// Permalink is the absolute URL, encoded as RelPermalink is.
	Permalink string

	body     []byte // Markdown body
	bodyLine int    // line of the file on which body starts
	anchors  map[string]bool
	links    []pageLink // the form links of a window, then the body's links
	ownLinks int        // how many of links are not the body's
	// cmp is how the page compares with the last build's page at its
	// path in a session's partial build (affected.go); set per build.
	cmp pageCmp
	// entry is the cache entry this page is an instance of
	// (cacheEntry.instance), nil for pages the build made (implied
	// sections, tags) and for the entry's parsed page itself. Two pages of
	// one entry have the same parsed fields (pageFieldComparisons).
	entry *cacheEntry
}

// Heading is a heading of a page's body.
type Heading struct {
	Level int
	Text  string
	ID    string
}

// Param returns a front-matter value by key (free keys and params), or nil.
func (p *Page) Param(key string) any { return p.Params[key] }

// IsPage reports whether the page is a regular content page.
func (p *Page) IsPage() bool { return p.Kind == KindPage }

// IsSection reports whether the page lists pages of a section.
func (p *Page) IsSection() bool { return p.Kind == KindSection }

// IsHome reports whether the page is the home page.
func (p *Page) IsHome() bool { return p.Kind == KindHome }

// HasAnchor reports whether id names a heading (or other anchor) of the page.
func (p *Page) HasAnchor(id string) bool { return p.anchors[id] }

// pageLink is an internal link found in a page's body, kept for checking.
type pageLink struct {
	dest   string // as written
	target string // resolved site-relative path, without base path or fragment
	frag   string // decoded fragment, "" if none
	line   int
}
