// Package corpus generates a synthetic, deterministic content tree for
// benchmarking site builds: Chinese government-style Markdown pages with YAML
// front matter, spread over four sections.
//
// The same n and seed always give byte-identical output. Every page file is
// between MinPageSize and MaxPageSize bytes (front matter included), every
// date is before Cutoff (so that no page is "future" for a build run after
// it), and every internal link points at a generated page that is not a
// draft. The corpus avoids raw HTML, external links, ASCII quotes and other
// input on which Markdown dialects are known to differ.
//
// This package must not import the site package: site's benchmark imports it.
package corpus

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// File is one generated content file.
type File struct {
	Path string // slash-separated, relative to the content root ("notices/p00042.md")
	Data []byte
}

// Limits of the generated pages.
const (
	MinPageSize = 1024 // bytes of a page file, front matter included
	MaxPageSize = 2048
)

// Cutoff is later than every date in the corpus (2026-11-01, no offset).
var Cutoff = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

var (
	firstDate = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	lastDate  = time.Date(2026, 10, 31, 18, 0, 0, 0, time.UTC)
)

const dateLayout = "2006-01-02T15:04:05"

// meta is what is decided about a page before any body is written, so that
// bodies can link to other pages by their title and path.
type meta struct {
	sec     int
	title   string
	date    time.Time
	lastmod time.Time // zero: none
	weight  int       // 0: none
	tags    []string
	summary string
	draft   bool
	org     string // the organisation a winners page is about
}

// pagePath returns the content path of page i (1-based) in section sec.
func pagePath(sec, i int) string {
	return fmt.Sprintf("%s/p%05d.md", sections[sec].name, i)
}

// URL returns the root-relative URL of a page file ("/notices/p00042/").
func URL(path string) string {
	return "/" + strings.TrimSuffix(path, ".md") + "/"
}

// Generate returns n pages (p00001 … pNNNNN) spread over the sections
// policy, notices, publicity and winners, each section's _index.md and the
// root _index.md, sorted by path.
func Generate(n int, seed int64) []File {
	if n < 0 {
		n = 0
	}
	metas := make([]meta, n+1) // 1-based
	for i := 1; i <= n; i++ {
		metas[i] = genMeta(pageRand(seed, i, 0))
	}
	var live []int // non-draft pages, the possible link targets
	for i := 1; i <= n; i++ {
		if !metas[i].draft {
			live = append(live, i)
		}
	}
	files := make([]File, 0, n+len(sections)+1)
	files = append(files, File{Path: "_index.md", Data: homeIndex()})
	for si := range sections {
		files = append(files, File{Path: sections[si].name + "/_index.md", Data: sectionIndex(si)})
	}
	for i := 1; i <= n; i++ {
		g := &gen{r: pageRand(seed, i, 1), sec: sections[metas[i].sec].name}
		data := g.page(i, metas, live)
		files = append(files, File{Path: pagePath(metas[i].sec, i), Data: data})
	}
	sortFiles(files)
	return files
}

// pageRand is the random stream of page i: its meta (stream 0) or its body
// (stream 1). Independent streams keep a page's metadata the same whatever n.
func pageRand(seed int64, i, stream int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), uint64(i)<<1|uint64(stream)))
}

func sortFiles(files []File) {
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
}

// WriteDir writes files under dir, creating folders as needed.
func WriteDir(dir string, files []File) error {
	made := map[string]bool{}
	for _, f := range files {
		name := filepath.Join(dir, filepath.FromSlash(f.Path))
		d := filepath.Dir(name)
		if !made[d] {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return err
			}
			made[d] = true
		}
		if err := os.WriteFile(name, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Body returns a file's Markdown body: the bytes after the closing "---"
// of its front matter (all of data if it has none).
func Body(data []byte) []byte {
	if !bytes.HasPrefix(data, []byte("---\n")) {
		return data
	}
	if i := bytes.Index(data[3:], []byte("\n---\n")); i >= 0 {
		return data[3+i+5:]
	}
	return data
}

// IsDraft reports whether a generated file's front matter marks it a draft.
func IsDraft(data []byte) bool {
	fm := data[:len(data)-len(Body(data))]
	return bytes.Contains(fm, []byte("\ndraft: true\n"))
}

func homeIndex() []byte {
	var b strings.Builder
	b.WriteString("---\ntitle: \"中牟县县长质量奖\"\ndate: 2026-03-02T09:00:00\n---\n\n")
	b.WriteString("中牟县县长质量奖是中牟县人民政府设立的质量奖项，旨在推广科学的质量管理制度、模式和方法，传播先进质量理念，推动质量强县建设。本站为性能测试生成的示例站点，内容不指向真实组织。\n\n")
	b.WriteString("## 栏目导航\n\n")
	for _, s := range sections {
		fmt.Fprintf(&b, "- [%s](/%s/)：%s\n", s.title, s.name, s.intro)
	}
	return []byte(b.String())
}

func sectionIndex(si int) []byte {
	s := sections[si]
	return []byte(fmt.Sprintf("---\ntitle: \"%s\"\ndate: 2026-03-02T09:00:00\nweight: %d\nsummary: \"%s\"\n---\n\n%s其他栏目见[首页](/)。\n",
		s.title, si+1, s.intro, s.intro))
}

func genMeta(r *rand.Rand) meta {
	m := meta{sec: r.IntN(len(sections))}
	// A working hour of a day between firstDate and lastDate.
	days := int(lastDate.Sub(firstDate) / (24 * time.Hour))
	m.date = firstDate.AddDate(0, 0, r.IntN(days+1)).Add(time.Duration(8*60+r.IntN(10*60)) * time.Minute)
	if r.IntN(100) < 30 {
		m.lastmod = m.date.AddDate(0, 0, 1+r.IntN(60))
		if m.lastmod.After(lastDate) {
			m.lastmod = lastDate
		}
	}
	if r.IntN(100) < 5 {
		m.weight = 1 + r.IntN(20)
	}
	m.draft = r.IntN(100) == 0
	nt := 1 + r.IntN(3)
	for len(m.tags) < nt {
		t := tagPool[r.IntN(len(tagPool))]
		dup := false
		for _, x := range m.tags {
			dup = dup || x == t
		}
		if !dup {
			m.tags = append(m.tags, t)
		}
	}
	m.org = org(r)
	m.title = fill(r, pick(r, titlePatterns[sections[m.sec].name]), m)
	if r.IntN(100) < 20 {
		m.summary = strings.NewReplacer("**", "", "*", "").Replace(sentence(r))
	}
	return m
}

func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

// org makes up an organisation's name.
func org(r *rand.Rand) string {
	return "河南" + pick(r, orgCores) + pick(r, industries) + pick(r, orgSuffixes)
}

// fill replaces the {slots} of a pattern.
func fill(r *rand.Rand, pattern string, m meta) string {
	y := m.date.Year()
	var b strings.Builder
	for {
		i := strings.IndexByte(pattern, '{')
		if i < 0 {
			b.WriteString(pattern)
			return b.String()
		}
		j := strings.IndexByte(pattern[i:], '}')
		b.WriteString(pattern[:i])
		slot := pattern[i+1 : i+j]
		pattern = pattern[i+j+1:]
		switch slot {
		case "county":
			b.WriteString("中牟县")
		case "activity":
			b.WriteString(pick(r, activities))
		case "doctype":
			b.WriteString(pick(r, docTypes))
		case "keyword":
			b.WriteString(pick(r, keywords))
		case "year":
			b.WriteString(strconv.Itoa(y))
		case "year2":
			b.WriteString(strconv.Itoa(y + 2))
		case "session":
			b.WriteString(numerals[(y-2020)%len(numerals)+1])
		case "org":
			b.WriteString(m.org)
		default:
			b.WriteString(slot)
		}
	}
}

// sentence makes one sentence of prose, sometimes with emphasis.
func sentence(r *rand.Rand) string {
	switch r.IntN(7) {
	case 0:
		return pick(r, subjects) + pick(r, actions) + "，" + pick(r, purposes) + "。"
	case 1:
		return "根据" + pick(r, laws) + "有关规定，" + pick(r, subjects) + pick(r, actions) + "。"
	case 2:
		return pick(r, years) + "年以来，全县坚持**" + pick(r, keywords) + "**，" + pick(r, purposes) + "。"
	case 3:
		return "本次" + pick(r, activities) + "共有" + strconv.Itoa(8+r.IntN(40)) + "家组织参加，其中" +
			strconv.Itoa(2+r.IntN(6)) + "家组织通过" + pick(r, stages) + "。"
	case 4:
		return "要把*" + pick(r, keywords) + "*作为" + pick(r, activities) + "的重要抓手，" + pick(r, purposes) + "。"
	case 5:
		return "位于" + pick(r, towns) + "的" + org(r) + "积极推行" + pick(r, keywords) + "，" + pick(r, purposes) + "。"
	default:
		return pick(r, subjects) + "在" + pick(r, activities) + "中" + bareAction(pick(r, actions)) + "，做到**" + pick(r, keywords) + "**。"
	}
}
