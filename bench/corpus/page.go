package corpus

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// gen writes one page's file from its own random stream.
type gen struct {
	r     *rand.Rand
	sec   string
	table bool // the page has its table already
}

// page returns the whole file of page i: front matter and a body sized so
// that the file is between MinPageSize and MaxPageSize bytes.
func (g *gen) page(i int, metas []meta, live []int) []byte {
	m := metas[i]
	fm := frontMatter(m)
	closing := g.closing(m.date)
	target := 1100 + g.r.IntN(800)

	var blocks []string
	size := len(fm) + len(closing)
	fits := func(s string) bool { return size+len(s)+2 <= MaxPageSize }
	add := func(s string) {
		blocks = append(blocks, s)
		size += len(s) + 2 // blank line after each block
	}

	links := 1 + g.r.IntN(3)
	link := func() string {
		if links == 0 {
			return ""
		}
		links--
		return g.link(i, metas, live)
	}

	add(g.opening(m) + link())
	hs := headings[g.sec]
	order := g.r.Perm(len(hs))
	for h := 0; size < target; h++ {
		var heading string
		if h < len(numerals) {
			heading = "## " + numerals[h] + "、" + hs[order[h%len(hs)]] + "\n\n"
		}
		block := heading + g.block(link)
		if !fits(block) {
			block = heading + sentence(g.r)
			if !fits(block) {
				break
			}
		}
		add(block)
	}
	for size < MinPageSize { // not reached with the targets above; a guard
		add(sentence(g.r))
	}

	var b strings.Builder
	b.Grow(size + 16)
	b.WriteString(fm)
	for _, bl := range blocks {
		b.WriteString(bl)
		b.WriteString("\n\n")
	}
	b.WriteString(closing)
	return []byte(b.String())
}

func frontMatter(m meta) string {
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %q\n", m.title)
	b.WriteString("date: " + m.date.Format(dateLayout) + "\n")
	if !m.lastmod.IsZero() {
		b.WriteString("lastmod: " + m.lastmod.Format(dateLayout) + "\n")
	}
	if m.weight > 0 {
		b.WriteString("weight: " + strconv.Itoa(m.weight) + "\n")
	}
	if m.draft {
		b.WriteString("draft: true\n")
	}
	b.WriteString("tags:\n")
	for _, t := range m.tags {
		b.WriteString("  - " + t + "\n")
	}
	if m.summary != "" {
		fmt.Fprintf(&b, "summary: %q\n", m.summary)
	}
	b.WriteString("---\n\n")
	return b.String()
}

// link returns a sentence linking to another published page (or, now and
// then, to a section), or "" if there is none to link to.
func (g *gen) link(self int, metas []meta, live []int) string {
	var title, url string
	if g.r.IntN(10) == 0 {
		s := sections[g.r.IntN(len(sections))]
		title, url = s.title, "/"+s.name+"/"
	} else {
		j := -1
		for try := 0; try < 8 && len(live) > 0; try++ {
			if c := live[g.r.IntN(len(live))]; c != self {
				j = c
				break
			}
		}
		if j < 0 {
			return ""
		}
		title, url = metas[j].title, URL(pagePath(metas[j].sec, j))
	}
	switch g.r.IntN(4) {
	case 0:
		return "具体要求见[" + title + "](" + url + ")。"
	case 1:
		return "详见[" + title + "](" + url + ")。"
	case 2:
		return "相关情况可参阅[" + title + "](" + url + ")。"
	default:
		return "此前发布的[" + title + "](" + url + ")同时适用。"
	}
}

func (g *gen) opening(m meta) string {
	r, date := g.r, m.date
	switch g.sec {
	case "policy":
		return "为" + pick(r, purposes) + "，根据" + pick(r, laws) + "等有关规定，结合我县实际，制定本" + pick(r, docTypes) + "。" + sentence(r)
	case "notices":
		return "各乡镇人民政府、街道办事处，县直有关部门，各有关组织：\n\n为" + pick(r, purposes) + "，经研究，决定开展" +
			pick(r, activities) + "。现将有关事项通知如下。"
	case "publicity":
		return "根据《中牟县县长质量奖管理办法》有关规定，经" + pick(r, stages) + "，现将" + strconv.Itoa(date.Year()) +
			"年度有关名单予以公示，公示期为" + strconv.Itoa(5+r.IntN(3)) + "个工作日。"
	default:
		return m.org + "成立于" + strconv.Itoa(1995+r.IntN(25)) + "年，位于中牟县" + pick(r, towns) + "，主要从事" +
			pick(r, industries) + "产品的研发、生产和销售。" + sentence(r)
	}
}

func (g *gen) closing(date time.Time) string {
	if g.sec == "winners" {
		return "（本文为性能测试生成的示例内容，组织名称均为虚构。）\n"
	}
	return fmt.Sprintf("中牟县县长质量奖评定委员会秘书处\n%d年%d月%d日\n", date.Year(), int(date.Month()), date.Day())
}

// block returns a paragraph, a list or a table; link supplies link
// sentences while the page still wants some.
func (g *gen) block(link func() string) string {
	r := g.r
	n := r.IntN(20)
	if n == 19 && g.table {
		n = r.IntN(19)
	}
	switch {
	case n < 10:
		var b strings.Builder
		for k := 1 + r.IntN(3); k > 0; k-- {
			b.WriteString(sentence(r))
		}
		b.WriteString(link())
		return b.String()
	case n < 14:
		var b strings.Builder
		for k := 3 + r.IntN(2); k > 0; k-- {
			b.WriteString("- " + pick(r, subjects) + pick(r, actions) + "。\n")
		}
		return strings.TrimSuffix(b.String(), "\n")
	case n < 19:
		var b strings.Builder
		for k := 1; k <= 3+r.IntN(2); k++ {
			b.WriteString(strconv.Itoa(k) + ". " + pick(r, activities) + "：" + bareAction(pick(r, actions)) + "。\n")
		}
		return strings.TrimSuffix(b.String(), "\n")
	default:
		g.table = true
		return g.makeTable()
	}
}

func (g *gen) makeTable() string {
	r := g.r
	var b strings.Builder
	if g.sec == "notices" || g.sec == "policy" {
		b.WriteString("| 时间 | 工作内容 |\n|---|---|\n")
		m, st := 1+r.IntN(9), r.IntN(len(stages))
		for k := 0; k < 3; k++ {
			fmt.Fprintf(&b, "| %d月 | %s |\n", m+k, stages[(st+k)%len(stages)])
		}
	} else {
		b.WriteString("| 序号 | 组织名称 | 所属乡镇 | 类别 |\n|---|---|---|---|\n")
		for k := 1; k <= 2+r.IntN(2); k++ {
			fmt.Fprintf(&b, "| %d | %s | %s | %s |\n", k, org(r), pick(r, towns), pick(r, categories))
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// bareAction drops the modal verb of an action ("要…", "应当…").
func bareAction(a string) string {
	return strings.TrimPrefix(strings.TrimPrefix(a, "要"), "应当")
}
