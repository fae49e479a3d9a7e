package site

import (
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"
)

// theme holds the compiled templates of a theme's layouts/ folder.
type theme struct {
	entries map[string]*template.Template // by name, e.g. "_default/single.html"
	base    bool                          // the theme has _default/baseof.html
	shared  *template.Template            // partials and base layout
	texts   map[string]string             // every template's source, by name under layouts/
	cache   sync.Map                      // partialCached results, by partialKey
	kept    *keptParts                    // in a session: results kept across builds
	own     map[*template.Template]bool   // in a session: ownPartials
	chosen  sync.Map                      // templateFor's answers, by templateChoice
}

// templateChoice is what of a page picks its template.
type templateChoice struct {
	kind, typ, layout, section string
}

// templateChosen is templateFor's answer for one templateChoice.
type templateChosen struct {
	tmpl  *template.Template
	tried []string
}

// partialKey identifies one cached partial rendering.
type partialKey struct {
	name    string
	ctx     any
	variant string
}

// partialCached renders a partial once per (name, dot, variants) for the
// whole build and reuses the HTML, as Hugo's partialCached does: for parts
// that are the same wherever they appear, such as a page's entry in lists.
// Dot should be a pointer (a *Page, the *Site) or a plain value.
func (t *theme) partialCached(name string, dot any, variants ...any) (template.HTML, error) {
	key := partialKey{name: name, ctx: dot}
	if len(variants) > 0 {
		key.variant = fmt.Sprint(variants...)
	}
	if v, ok := t.cache.Load(key); ok {
		return v.(template.HTML), nil
	}
	p := t.shared.Lookup(name)
	if p == nil {
		return "", fmt.Errorf("partialCached: no template %q (partials are layouts/partials/NAME.html, named \"partials/NAME.html\")", name)
	}
	page, keep := dot.(*Page)
	keep = keep && page != nil && t.kept != nil && t.own[p]
	if keep {
		if html, ok := t.kept.load(name, key.variant, page); ok {
			t.cache.Store(key, html)
			return html, nil
		}
	}
	buf := partialScratch.get(512)
	defer func() { partialScratch.put(buf.Bytes()) }()
	if err := p.Execute(buf, dot); err != nil {
		return "", err
	}
	html := template.HTML(buf.String())
	t.cache.Store(key, html)
	if keep {
		t.kept.store(name, key.variant, page, html)
	}
	return html, nil
}

const baseofName = "_default/baseof.html"

// loadTheme compiles every template under layouts/ of fsys. Partials
// (layouts/partials/*.html) and the base layout are shared by all entries.
func loadTheme(fsys fs.FS, funcs template.FuncMap) (*theme, error) {
	t := &theme{entries: map[string]*template.Template{}, texts: map[string]string{}}
	funcs["partialCached"] = t.partialCached
	shared := template.New("").Funcs(funcs)
	type entry struct{ name, text string }
	var entries []entry
	hasBase := false
	err := fs.WalkDir(fsys, "layouts", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read theme: %w", err)
		}
		if d.IsDir() || ignoredName(d.Name()) || !strings.HasSuffix(name, ".html") {
			return nil
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("read theme: %w", err)
		}
		rel := strings.TrimPrefix(name, "layouts/")
		t.texts[rel] = string(b)
		switch {
		case strings.HasPrefix(rel, "partials/") || rel == baseofName:
			if _, err := shared.New(rel).Parse(string(b)); err != nil {
				return &Problem{File: "layouts/" + rel, Msg: "模板出错：" + err.Error()}
			}
			hasBase = hasBase || rel == baseofName
		default:
			entries = append(entries, entry{rel, string(b)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	t.base = hasBase
	for _, e := range entries {
		c, err := shared.Clone()
		if err != nil {
			return nil, fmt.Errorf("theme %s: %w", e.name, err)
		}
		tmpl, err := c.New(e.name).Parse(e.text)
		if err != nil {
			return nil, &Problem{File: "layouts/" + e.name, Msg: "模板出错：" + err.Error()}
		}
		if hasBase && definesBlocks.MatchString(e.text) {
			tmpl = c.Lookup(baseofName)
		}
		t.entries[e.name] = tmpl
	}
	// Partials run by partialCached execute from a clone of their own, never
	// from the set the entries were cloned from.
	if t.shared, err = shared.Clone(); err != nil {
		return nil, fmt.Errorf("theme partials: %w", err)
	}
	return t, nil
}

// editedEntries returns the entry templates of cur whose source differs
// from old's, when nothing else differs between the two themes' layouts:
// the same files, the partials and the base layout byte for byte the same.
// Every other entry then renders as before. ok is false otherwise.
func editedEntries(old, cur *theme) (edited map[*template.Template]bool, ok bool) {
	if old == nil || len(old.texts) != len(cur.texts) {
		return nil, false
	}
	edited = map[*template.Template]bool{}
	for name, text := range cur.texts {
		was, found := old.texts[name]
		if !found {
			return nil, false
		}
		if was == text {
			continue
		}
		tmpl, isEntry := cur.entries[name]
		if !isEntry {
			return nil, false // a partial or the base layout: any page may show it
		}
		edited[tmpl] = true
	}
	return edited, true
}

// definesBlocks matches a template that fills in the base layout: one
// with a {{define}} (text outside the definitions is then ignored, as in
// Hugo).
var definesBlocks = regexp.MustCompile(`\{\{-?\s*define\s`)

// lookup returns the first template that exists among names.
func (t *theme) lookup(names ...string) (*template.Template, string) {
	for _, n := range names {
		if tmpl, ok := t.entries[n]; ok {
			return tmpl, n
		}
	}
	return nil, ""
}

// templateFor picks a page's template by the documented lookup order,
// and returns the names it tried.
func (t *theme) templateFor(p *Page) (*template.Template, []string) {
	key := templateChoice{p.Kind, p.Type, p.Layout, p.Section}
	if c, ok := t.chosen.Load(key); ok {
		c := c.(templateChosen)
		return c.tmpl, c.tried
	}
	tmpl, names := t.pickTemplate(p)
	t.chosen.Store(key, templateChosen{tmpl, names})
	return tmpl, names
}

// pickTemplate is templateFor without its cache.
func (t *theme) pickTemplate(p *Page) (*template.Template, []string) {
	var names []string
	add := func(dir, name string) {
		if dir != "" && name != "" {
			names = append(names, dir+"/"+name+".html")
		}
	}
	switch p.Kind {
	case KindHome:
		names = append(names, "index.html")
		add(p.Type, p.Layout)
		add("_default", p.Layout)
		add("_default", "list")
	case KindSection:
		add(p.Type, p.Layout)
		add(p.Type, "list")
		add(p.Section, p.Layout)
		add(p.Section, "list")
		add("_default", p.Layout)
		add("_default", "list")
	case KindTerms:
		add("_default", "terms")
		add("_default", "list")
	case KindTerm:
		add("_default", "term")
		add("_default", "list")
	case KindSession:
		add("winners", "session")
		add("_default", "term")
		add("_default", "list")
	case Kind404:
		names = append(names, "404.html")
		add("_default", "single")
	default:
		add(p.Type, p.Layout)
		add(p.Type, "single")
		add(p.Section, p.Layout)
		add(p.Section, "single")
		add("_default", p.Layout)
		add("_default", "single")
	}
	tmpl, _ := t.lookup(names...)
	return tmpl, names
}

// templateFuncs are the functions every template may call.
func templateFuncs(cfg *Config) template.FuncMap {
	loc := cfg.Location()
	in := func(t time.Time) time.Time { return t.In(loc) }
	return template.FuncMap{
		// relURL "/policy/" → "/zlj/policy/" (the base path prefixed).
		"relURL": cfg.RelURL,
		// absURL "/policy/" → "https://host/zlj/policy/".
		"absURL": cfg.AbsURL,
		// date "2006-01-02 15:04" t formats t in the site's time zone; "" for the zero time.
		"date": func(layout string, t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return in(t).Format(layout)
		},
		// cnDate t → "2026年11月20日".
		"cnDate": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			t = in(t)
			return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
		},
		// isoDate t → "2026-11-20T09:00:00+08:00".
		"isoDate": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return in(t).Format(time.RFC3339)
		},
		// first n list → the first n pages.
		"first": func(n int, pages []*Page) []*Page {
			if n < len(pages) {
				return pages[:n]
			}
			return pages
		},
		"add": func(a, b int) int { return a + b },
		// dict "k1" v1 "k2" v2 … → a map, to pass several values to a partial.
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict needs key-value pairs, got %d arguments", len(kv))
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		// safeHTML marks trusted theme text as HTML. Never use it on content.
		"safeHTML": func(s string) template.HTML { return template.HTML(s) },
		// pathBase "/a/b/" → "b".
		"pathBase": func(p string) string { return path.Base(strings.TrimSuffix(p, "/")) },
	}
}
