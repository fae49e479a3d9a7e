package site

import (
	"html/template"
	"reflect"
	"sort"
	"strings"
	"text/template/parse"
)

// A template's reads are found by walking its parse trees with the type of
// every value known: dot starts as the *View, .Page is the job's own page,
// .Page.Parent the page above it, and so on. Every read is recorded as a
// pageRead: the set of pages a path reaches from the job (its page, its
// pager's pages, a list of the Site, a GetPage lookup) and the field read
// on them. An incremental build re-renders a job only when one of its reads
// reaches a page whose field differs from the last build (affected.go).
//
// The analysis is conservative: a value whose type it cannot follow (a
// function it does not know, a partial named by a variable, a variable
// given values of two types) is "any page", whose reads are checked
// against every page of the site.

// pageRead is one read of a template: along path, the field of every page
// reached. Path is a root and navigation steps joined by "/":
//
//	self            the job's page
//	pager           the pages of the job's Paginator
//	site.NAME       a list of the Site (RegularPages, Sections, …) or site.Home
//	get=REF         Site.GetPage with a constant ref; get^PREFIX with a ref
//	                known to start with PREFIX (printf "/tags/%s/" …)
//	any             every page
//
// followed by steps Parent, Prev, Next, Pages, TagPages (after a lookup,
// the first step follows ">", since a ref holds slashes). Field "" reads no
// field beyond the path (the list itself, a truth test). Root "site" with a
// field is a Site field (Title, BuildTime, …); root "pagerinfo" is the
// Paginator's numbers and URLs.
type pageRead struct {
	path  string
	field string
}

// aKind is the abstract type of a template value.
type aKind uint8

const (
	aOther  aKind = iota // a value that leads to no page (string, time, number, Params value)
	aView                // *View
	aSite                // *Site
	aPages               // a set of pages (one page, or a list), reached by paths
	aPager               // *Pager
	aMap                 // a dict of known entries
	aString              // a string known to be str (prefix: to start with str)
	aAny                 // unknown: may be or lead to any page
)

// aval is an abstract template value.
type aval struct {
	kind   aKind
	paths  []string        // aPages: the paths that reach the pages
	list   bool            // aPages: a list rather than one page
	str    string          // aString
	prefix bool            // aString: str is only a prefix
	fields map[string]aval // aMap
}

var (
	avOther = aval{kind: aOther}
	avAny   = aval{kind: aAny}
)

func pagesAt(list bool, paths ...string) aval { return aval{kind: aPages, paths: paths, list: list} }

// join is the abstract value of "either a or b".
func join(a, b aval) aval {
	switch {
	case a.kind == aOther && b.kind == aOther:
		return avOther
	case a.kind == aPages && b.kind == aPages:
		return pagesAt(a.list || b.list, unionPaths(a.paths, b.paths)...)
	case a.kind == b.kind && (a.kind == aView || a.kind == aSite || a.kind == aPager):
		return a
	case a.kind == aString && b.kind == aString && a.str == b.str && a.prefix == b.prefix:
		return a
	case (a.kind == aString || a.kind == aOther) && (b.kind == aString || b.kind == aOther):
		return avOther
	}
	return avAny
}

func unionPaths(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, p := range b {
		if !containsString(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// siteConst are the Site's fields fixed for a session (its configuration):
// a test of one of them is decided at analysis time, so that a branch a
// site never takes ({{ if .Site.FixedClock }}) adds no reads.
var siteConst = map[string]bool{"Title": true, "Description": true, "Language": true, "BaseURL": true, "BasePath": true, "FixedClock": true}

// pageFields are the fields and methods of Page, by what they lead to.
var pageNav = map[string]bool{"Parent": true, "Prev": true, "Next": true}
var pageLists = map[string]bool{"Pages": true, "TagPages": true}

// siteLists are the Site's fields that are lists of pages.
var siteLists = map[string]bool{"Sections": true, "RegularPages": true, "Publicities": true, "Calls": true, "Tags": true, "Sessions": true}

// readAnalysis collects the reads of one entry template.
type readAnalysis struct {
	set   *template.Template // the entry's template set, for {{template}} calls
	theme *theme             // for partialCached
	site  *Site              // for the constant fields
	reads map[pageRead]bool
	done  map[string]bool // template name + dot, analysed or under way
}

// templateReads returns every read the template can make when executed
// with a *View.
func templateReads(t *theme, tmpl *template.Template, site *Site) []pageRead {
	a := &readAnalysis{set: tmpl, theme: t, site: site, reads: map[pageRead]bool{}, done: map[string]bool{}}
	a.template(tmpl, aval{kind: aView})
	return a.list()
}

func (a *readAnalysis) list() []pageRead {
	out := make([]pageRead, 0, len(a.reads))
	for r := range a.reads {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].path != out[j].path {
			return out[i].path < out[j].path
		}
		return out[i].field < out[j].field
	})
	return out
}

func (a *readAnalysis) read(path, field string) { a.reads[pageRead{path, field}] = true }

// root splits a read's path into its root and its steps ("Parent/Pages").
func (r pageRead) root() (root, steps string) {
	if strings.HasPrefix(r.path, "get") {
		// The ref may hold slashes: the steps follow a ">" (a ref holding
		// ">" itself then yields an unknown step, which counts as changed).
		root, steps, _ = strings.Cut(r.path, ">")
		return root, steps
	}
	root, steps, _ = strings.Cut(r.path, "/")
	return root, steps
}

// readAll records field read on every page of v (or anything, for aAny).
func (a *readAnalysis) readAll(v aval, field string) {
	switch v.kind {
	case aPages:
		for _, p := range v.paths {
			a.read(p, field)
		}
	case aAny:
		a.read("any", field)
	}
}

func dotKey(v aval) string {
	var b strings.Builder
	b.WriteByte(byte('0' + v.kind))
	if v.list {
		b.WriteByte('L')
	}
	for _, p := range v.paths {
		b.WriteString("|" + p)
	}
	if v.kind == aMap {
		keys := make([]string, 0, len(v.fields))
		for k := range v.fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			b.WriteString("{" + k + ":" + dotKey(v.fields[k]) + "}")
		}
	}
	return b.String()
}

func (a *readAnalysis) template(t *template.Template, dot aval) {
	if t == nil || t.Tree == nil || t.Tree.Root == nil {
		return
	}
	key := t.Name() + "\x00" + dotKey(dot)
	if a.done[key] {
		return
	}
	a.done[key] = true
	sc := &scope{vars: map[string]aval{"$": dot}}
	a.nodes(t.Tree.Root, dot, sc)
}

// scope holds a template's variables.
type scope struct{ vars map[string]aval }

func (s *scope) child() *scope {
	c := &scope{vars: make(map[string]aval, len(s.vars))}
	for k, v := range s.vars {
		c.vars[k] = v
	}
	return c
}

// nodes analyses each node of a template list with dot in scope sc.
func (a *readAnalysis) nodes(l *parse.ListNode, dot aval, sc *scope) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		a.node(n, dot, sc)
	}
}

func (a *readAnalysis) node(n parse.Node, dot aval, sc *scope) {
	switch n := n.(type) {
	case *parse.ActionNode:
		if v := a.pipe(n.Pipe, dot, sc); len(n.Pipe.Decl) == 0 {
			a.readAll(v, "*") // printed: a page prints every field
		}
	case *parse.IfNode:
		a.branch(&n.BranchNode, dot, sc, false)
	case *parse.WithNode:
		a.branch(&n.BranchNode, dot, sc, true)
	case *parse.RangeNode:
		inner := sc.child()
		v := a.pipeDecl(n.Pipe, dot, inner, true)
		elem := a.elem(v)
		a.nodes(n.List, elem, inner)
		a.nodes(n.ElseList, dot, sc.child())
	case *parse.TemplateNode:
		arg := avOther
		if n.Pipe != nil {
			arg = a.pipe(n.Pipe, dot, sc)
		}
		if t := a.lookup(n.Name); t != nil {
			a.template(t, arg)
		} else {
			a.everyTemplate(arg)
		}
	case *parse.ListNode:
		a.nodes(n, dot, sc)
	}
}

// lookup finds a template of the set by name; a name the escaper derived
// ("x$htmltemplate_…") is its original's.
func (a *readAnalysis) lookup(name string) *template.Template {
	if t := a.set.Lookup(name); t != nil {
		return t
	}
	if base, _, ok := strings.Cut(name, "$htmltemplate_"); ok {
		return a.set.Lookup(base)
	}
	return nil
}

// everyTemplate analyses every template of the set with dot: a call whose
// target is not known.
func (a *readAnalysis) everyTemplate(dot aval) {
	for _, t := range a.set.Templates() {
		a.template(t, dot)
	}
	if a.theme != nil {
		for _, t := range a.theme.shared.Templates() {
			a.template(t, dot)
		}
	}
}

// branch analyses an if or with: a test of a constant Site field is decided
// now (only the branch taken is analysed); otherwise both branches are.
func (a *readAnalysis) branch(b *parse.BranchNode, dot aval, sc *scope, with bool) {
	truth, decided := a.constTest(b.Pipe, dot, sc)
	if !decided || truth {
		a.taken(b, dot, sc, with)
	}
	if !decided || !truth {
		a.nodes(b.ElseList, dot, sc.child())
	}
}

// taken analyses the pipeline of an if or with and its first branch: under
// with, dot in the branch is the pipeline's value.
func (a *readAnalysis) taken(b *parse.BranchNode, dot aval, sc *scope, with bool) {
	inner := sc.child()
	v := a.pipeDecl(b.Pipe, dot, inner, false)
	if !with {
		v = dot
	}
	a.nodes(b.List, v, inner)
}

// constTest decides a test that is one field of the Site fixed for the
// session, such as .Site.FixedClock.
func (a *readAnalysis) constTest(p *parse.PipeNode, dot aval, sc *scope) (truth, ok bool) {
	if a.site == nil || p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false, false
	}
	var base aval
	var fields []string
	switch n := p.Cmds[0].Args[0].(type) {
	case *parse.FieldNode:
		base, fields = dot, n.Ident
	case *parse.VariableNode:
		v, known := sc.vars[n.Ident[0]]
		if !known {
			return false, false
		}
		base, fields = v, n.Ident[1:]
	default:
		return false, false
	}
	if base.kind == aView && len(fields) == 2 && fields[0] == "Site" {
		fields = fields[1:]
	} else if base.kind != aSite || len(fields) != 1 {
		return false, false
	}
	if !siteConst[fields[0]] {
		return false, false
	}
	f := reflect.ValueOf(a.site).Elem().FieldByName(fields[0])
	if !f.IsValid() {
		return false, false
	}
	return !f.IsZero(), true
}

// elem is the value of one element of a range over v.
func (a *readAnalysis) elem(v aval) aval {
	switch v.kind {
	case aPages:
		return pagesAt(false, v.paths...)
	case aMap:
		out := aval{kind: aOther}
		first := true
		for _, f := range v.fields {
			if first {
				out, first = f, false
			} else {
				out = join(out, f)
			}
		}
		return out
	case aAny:
		return avAny
	}
	return avOther
}

// pipeDecl evaluates a pipeline and binds its declared variables (in a
// range, two variables are the index and the element).
func (a *readAnalysis) pipeDecl(p *parse.PipeNode, dot aval, sc *scope, isRange bool) aval {
	v := a.pipe(p, dot, sc)
	if p == nil {
		return v
	}
	switch {
	case isRange && len(p.Decl) == 2:
		sc.vars[p.Decl[0].Ident[0]] = avOther
		sc.vars[p.Decl[1].Ident[0]] = a.elem(v)
	case isRange && len(p.Decl) == 1:
		sc.vars[p.Decl[0].Ident[0]] = a.elem(v)
	}
	return v
}

// pipe evaluates a pipeline, binding (or assigning) its variables.
func (a *readAnalysis) pipe(p *parse.PipeNode, dot aval, sc *scope) aval {
	if p == nil {
		return avOther
	}
	var v aval
	for i, c := range p.Cmds {
		var final *aval
		if i > 0 {
			prev := v
			final = &prev
		}
		v = a.command(c, dot, sc, final)
	}
	for _, d := range p.Decl {
		name := d.Ident[0]
		if old, ok := sc.vars[name]; ok && p.IsAssign {
			sc.vars[name] = join(old, v)
		} else {
			sc.vars[name] = v
		}
	}
	return v
}

// command evaluates one command; final is the previous command's value in
// a pipeline, passed as the last argument.
func (a *readAnalysis) command(c *parse.CommandNode, dot aval, sc *scope, final *aval) aval {
	if len(c.Args) == 0 {
		return avOther
	}
	args := func(from int) []aval {
		var out []aval
		for _, n := range c.Args[from:] {
			out = append(out, a.arg(n, dot, sc))
		}
		if final != nil {
			out = append(out, *final)
		}
		return out
	}
	switch n := c.Args[0].(type) {
	case *parse.IdentifierNode:
		return a.call(n.Ident, c.Args[1:], args(1), dot, sc)
	case *parse.FieldNode:
		return a.fields(dot, n.Ident, args(1), c.Args[1:])
	case *parse.VariableNode:
		v, ok := sc.vars[n.Ident[0]]
		if !ok {
			v = avAny
		}
		return a.fields(v, n.Ident[1:], args(1), c.Args[1:])
	case *parse.ChainNode:
		return a.fields(a.arg(n.Node, dot, sc), n.Field, args(1), c.Args[1:])
	}
	if len(c.Args) > 1 || final != nil {
		args(1)
	}
	return a.arg(c.Args[0], dot, sc)
}

// arg evaluates one argument node.
func (a *readAnalysis) arg(n parse.Node, dot aval, sc *scope) aval {
	switch n := n.(type) {
	case *parse.DotNode:
		return dot
	case *parse.FieldNode:
		return a.fields(dot, n.Ident, nil, nil)
	case *parse.VariableNode:
		v, ok := sc.vars[n.Ident[0]]
		if !ok {
			v = avAny
		}
		return a.fields(v, n.Ident[1:], nil, nil)
	case *parse.ChainNode:
		return a.fields(a.arg(n.Node, dot, sc), n.Field, nil, nil)
	case *parse.PipeNode:
		return a.pipe(n, dot, sc.child())
	case *parse.StringNode:
		return aval{kind: aString, str: n.Text}
	case *parse.IdentifierNode:
		return a.call(n.Ident, nil, nil, dot, sc)
	}
	return avOther
}

// fields follows a chain of field (or method) names from v. The last name
// is called with args when there are any.
func (a *readAnalysis) fields(v aval, names []string, args []aval, argNodes []parse.Node) aval {
	for i, name := range names {
		var margs []aval
		if i == len(names)-1 {
			margs = args
		}
		v = a.field(v, name, margs)
	}
	if len(names) == 0 && len(args) > 0 {
		return avAny // dot called as a function: not a template of ours
	}
	return v
}

// field is the value of v.name (called with args for a method).
func (a *readAnalysis) field(v aval, name string, args []aval) aval {
	switch v.kind {
	case aView:
		switch name {
		case "Site":
			return aval{kind: aSite}
		case "Page":
			return pagesAt(false, "self")
		case "Paginator":
			a.read("pagerinfo", "")
			return aval{kind: aPager}
		}
		return avAny
	case aPager:
		a.read("pagerinfo", "")
		if name == "Pages" {
			a.read("pager", "")
			return pagesAt(true, "pager")
		}
		return avOther
	case aSite:
		switch {
		case siteLists[name]:
			a.read("site."+name, "")
			return pagesAt(true, "site."+name)
		case name == "Home":
			return pagesAt(false, "site.Home")
		case name == "GetSection":
			a.read("site.Sections", "")
			return pagesAt(false, "site.Sections")
		case name == "GetPage":
			var ref aval
			if len(args) > 0 {
				ref = args[0]
			}
			switch {
			case ref.kind == aString && !ref.prefix:
				a.read("get="+ref.str, "")
				return pagesAt(false, "get="+ref.str)
			case ref.kind == aString && ref.str != "":
				a.read("get^"+ref.str, "")
				return pagesAt(false, "get^"+ref.str)
			}
			a.read("any", "")
			return pagesAt(false, "any")
		}
		a.read("site", name)
		return avOther
	case aPages:
		switch {
		case pageNav[name]:
			return pagesAt(false, extend(v.paths, name)...)
		case pageLists[name]:
			p := extend(v.paths, name)
			for _, x := range p {
				a.read(x, "")
			}
			return pagesAt(true, p...)
		case name == "Param":
			a.readAll(v, "Params")
			return avOther
		case name == "IsPage", name == "IsSection", name == "IsHome":
			a.readAll(v, "Kind")
			return avOther
		case name == "HasAnchor":
			a.readAll(v, "anchors")
			return avOther
		}
		a.readAll(v, name)
		return avOther
	case aMap:
		if f, ok := v.fields[name]; ok {
			return f
		}
		return avOther // a missing key is no value
	case aAny:
		a.read("any", name)
		if pageNav[name] || pageLists[name] {
			return pagesAt(pageLists[name], "any")
		}
		return avAny
	}
	return avOther // a field of a string, time, Params value…: no page
}

func extend(paths []string, step string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		switch {
		case strings.HasPrefix(p, "get") && !strings.Contains(p, ">"):
			out[i] = p + ">" + step // a lookup's ref may hold slashes
		default:
			out[i] = p + "/" + step
		}
	}
	return out
}

// call is the value of a function call.
func (a *readAnalysis) call(fn string, nodes []parse.Node, args []aval, dot aval, sc *scope) aval {
	arg := func(i int) aval {
		if i < len(args) {
			return args[i]
		}
		return avOther
	}
	switch fn {
	case "first", "slice":
		if fn == "first" {
			return listOf(arg(1))
		}
		return listOf(arg(0))
	case "index":
		v := arg(0)
		switch v.kind {
		case aPages:
			return pagesAt(false, v.paths...)
		case aMap:
			if k := arg(1); k.kind == aString && !k.prefix {
				if f, ok := v.fields[k.str]; ok {
					return f
				}
				return avOther
			}
			return a.elem(v)
		case aAny:
			return avAny
		}
		return avOther
	case "and", "or":
		if len(args) == 0 {
			return avOther
		}
		v := args[0]
		for _, x := range args[1:] {
			v = join(v, x)
		}
		return v
	case "len":
		for _, v := range args {
			a.readAll(v, "")
		}
		return avOther
	case "printf":
		if len(args) > 1 {
			a.stringOf(args[1:])
		}
		if f := arg(0); f.kind == aString && !f.prefix {
			if i := strings.IndexByte(f.str, '%'); i >= 0 {
				return aval{kind: aString, str: f.str[:i], prefix: true}
			}
			return f
		}
		return avOther
	case "dict":
		m := aval{kind: aMap, fields: map[string]aval{}}
		for i := 0; i+1 < len(args); i += 2 {
			k := args[i]
			if k.kind != aString || k.prefix {
				return avAny
			}
			m.fields[k.str] = args[i+1]
		}
		return m
	case "partialCached", "partial":
		name := arg(0)
		dot := arg(1)
		if name.kind == aString && !name.prefix && a.theme != nil {
			if t := a.theme.shared.Lookup(name.str); t != nil {
				a.template(t, dot)
				return avOther
			}
		}
		a.everyTemplate(dot)
		return avOther
	case "relURL", "absURL", "date", "cnDate", "isoDate", "add", "pathBase", "not", "eq", "ne", "lt", "le", "gt", "ge":
		return avOther
	case "safeHTML", "print", "println", "html", "js", "urlquery":
		return a.stringOf(args)
	case "call":
		return avAny
	}
	if strings.HasPrefix(fn, "_html_template_") || strings.HasPrefix(fn, "_eval_args_") {
		return a.stringOf(args) // the escaper's
	}
	return avAny
}

// stringOf is the string a function makes of its arguments: a page given
// to one is printed whole.
func (a *readAnalysis) stringOf(args []aval) aval {
	for _, v := range args {
		a.readAll(v, "*")
	}
	return avOther
}

// listOf is v as a list.
func listOf(v aval) aval {
	if v.kind == aPages {
		return pagesAt(true, v.paths...)
	}
	return v
}
