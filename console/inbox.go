package console

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/submission"
)

// inboxFilter is the inbox's query: every field optional.
type inboxFilter struct {
	Kind     string // application, objection
	Window   string // a call's or publicity's id
	Township string
	Stage    string // a stage code
	New      bool   // received since the person's previous session
	Missing  bool   // applications without some optional materials
	Q        string // reference, organisation name or credit code
	Page     int
}

func parseInboxFilter(q url.Values) inboxFilter {
	f := inboxFilter{Kind: q.Get("kind"), Window: q.Get("window"), Township: q.Get("township"), Stage: q.Get("stage"),
		New: q.Get("new") != "", Missing: q.Get("missing") != "", Q: strings.TrimSpace(q.Get("q"))}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	if f.Page < 1 {
		f.Page = 1
	}
	return f
}

// match reports whether c passes the filter; since is the person's
// previous visit.
func (f inboxFilter) match(c *caseSummary, since time.Time) bool {
	switch {
	case f.Kind != "" && c.Kind != f.Kind,
		f.Window != "" && c.Window != f.Window,
		f.Township != "" && c.Township != f.Township,
		f.Stage != "" && c.Stage.Code != f.Stage,
		f.New && !c.ReceivedAt.After(since),
		f.Missing && c.Missing == "":
		return false
	}
	if f.Q != "" {
		q := strings.ToUpper(f.Q)
		if submission.NormalizeReference(f.Q) != c.Reference && !strings.Contains(c.Org, f.Q) && !strings.Contains(c.CreditCode, q) {
			return false
		}
	}
	return true
}

// query is the filter as a query string, without the page.
func (f inboxFilter) query() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"kind": f.Kind, "window": f.Window, "township": f.Township, "stage": f.Stage, "q": f.Q} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.New {
		v.Set("new", "1")
	}
	if f.Missing {
		v.Set("missing", "1")
	}
	return v
}

// option is one choice of a filter's select.
type option struct{ Value, Label string }

// inboxView is the inbox page.
type inboxView struct {
	Filter  inboxFilter
	Cases   []caseSummary
	Total   int // what the person may see
	Matched int // what the filter keeps
	// Counts by kind and by stage of what the person may see.
	Applications, Objections, NewCount int
	ByStage                            []option // Label "已受理 3"
	Windows, Townships, Stages         []option
	Since                              time.Time
	Page, Pages                        int
	// PrevURL and NextURL are the pager's links, the inbox's URL with the
	// filter and the page, whole: html/template escapes a query put after
	// "?" in the template ("=" and "&" too), which loses them.
	PrevURL, NextURL string
	// Queues are the person's work lists (Value the inbox's URL with the
	// query, whole, as the pager's; Label with the count): the
	// secretariat's 资格审核 (applications at 已推荐), a township's 待初审
	// (its applications at 已受理 or 已补正).
	Queues []option
}

// inbox lists the submissions the person may see, newest first, with
// counts, filters and search. Objectors' identities never appear here.
func (s *Server) inbox(w http.ResponseWriter, r *http.Request) {
	me := whoOf(r)
	all, err := s.cases.all(r.Context())
	if err != nil {
		s.fail(w, r, me, err)
		return
	}
	since, err := s.lastVisit(r.Context(), me)
	if err != nil {
		s.fail(w, r, me, err)
		return
	}
	assigned, err := s.assignedTo(r.Context(), me)
	if err != nil {
		s.fail(w, r, me, err)
		return
	}
	v := inboxView{Filter: parseInboxFilter(r.URL.Query()), Since: since}
	stageCount := map[string]int{}
	windows := map[string]string{}
	var matched []caseSummary
	for i := range all {
		c := &all[i]
		if !s.visible(me, c, assigned) {
			continue
		}
		v.Total++
		if c.Kind == kindApplication {
			v.Applications++
		} else {
			v.Objections++
		}
		if c.ReceivedAt.After(since) {
			v.NewCount++
		}
		stageCount[c.Stage.Code]++
		if c.Window != "" {
			windows[c.Window] = c.KindLabel + "：" + firstNonEmpty(c.WindowTitle, c.Window)
		}
		if v.Filter.match(c, since) {
			matched = append(matched, *c)
		}
	}
	v.Matched = len(matched)
	for _, kind := range submission.Kinds {
		for _, st := range submission.Stages(kind) {
			if containsOption(v.Stages, st.Code) {
				continue // a stage both kinds have: once
			}
			v.Stages = append(v.Stages, option{st.Code, st.Label})
			if n := stageCount[st.Code]; n > 0 {
				v.ByStage = append(v.ByStage, option{st.Code, st.Label + " " + strconv.Itoa(n)})
			}
		}
	}
	v.Queues = queues(me, stageCount)
	for id, label := range windows {
		v.Windows = append(v.Windows, option{id, label})
	}
	sortOptions(v.Windows)
	for _, t := range s.townships {
		v.Townships = append(v.Townships, option{t, t})
	}
	size := s.cfg.PageSize
	v.Pages = max(1, (len(matched)+size-1)/size)
	v.Page = min(v.Filter.Page, v.Pages)
	lo := (v.Page - 1) * size
	v.Cases = matched[lo:min(lo+size, len(matched))]
	q := v.Filter.query()
	if v.Page > 1 {
		q.Set("page", strconv.Itoa(v.Page-1))
		v.PrevURL = Prefix + "?" + q.Encode()
	}
	if v.Page < v.Pages {
		q.Set("page", strconv.Itoa(v.Page+1))
		v.NextURL = Prefix + "?" + q.Encode()
	}
	if err := s.markVisit(r.Context(), me); err != nil {
		s.log.Warn("visit not recorded", "err", err)
	}
	s.render(w, r, me, http.StatusOK, "inbox.html", "收件箱", v)
}

// visible reports whether the person may see c: the secretariat every
// case, a township the applications naming it, a reviewer the cases
// assigned to it (assigned, by reference), an auditor none.
func (s *Server) visible(me *who, c *caseSummary, assigned map[string]bool) bool {
	switch me.Account.Role {
	case staff.Secretariat:
		return true
	case staff.Township:
		return c.Kind == kindApplication && c.Township != "" && c.Township == me.Account.Township
	case staff.Reviewer:
		return assigned[c.Reference]
	}
	return false
}

// queues are the work lists the role has, with what it may see at each
// stage (counts).
func queues(me *who, counts map[string]int) []option {
	q := func(stage, label string) option {
		return option{Prefix + "?" + url.Values{"kind": {kindApplication}, "stage": {stage}}.Encode(), label + " " + strconv.Itoa(counts[stage]) + " 件"}
	}
	switch me.Account.Role {
	case staff.Secretariat:
		return []option{q(submission.StageRecommended, "资格审核：已推荐的申报")}
	case staff.Township:
		return []option{q(submission.StageAccepted, "待初审：已受理"), q(submission.StageCorrected, "待初审：已补正")}
	}
	return nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func containsOption(opts []option, value string) bool {
	for _, o := range opts {
		if o.Value == value {
			return true
		}
	}
	return false
}

func sortOptions(opts []option) {
	slices.SortFunc(opts, func(a, b option) int { return strings.Compare(a.Label, b.Label) })
}
