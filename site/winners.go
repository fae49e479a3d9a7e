package site

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// TypeWinner is the content type of a winner's page (获奖组织风采).
const TypeWinner = "winner"

// readWinner checks the front matter of a winner's page: the award year
// must always be shown with the honour (《管理办法》第三十条), so a page of
// type "winner" needs a 4-digit awardYear and a positive session; problems
// name the file and the key's line (1 when the key is missing).
func (b *builder) readWinner(p *Page, explicitType string, fm []byte, ps *problems) {
	if p.Kind != KindPage || explicitType != TypeWinner {
		return
	}
	file := b.contentName(p.File)
	if _, ok := winnerInt(p.Params["awardYear"]); !ok || !isYear(p.Params["awardYear"]) {
		ps.add(file, keyLine(fm, "awardYear"),
			"awardYear：获奖组织页面必须写明4位数字的获奖年度（如 awardYear: 2023），宣传获奖荣誉时须标明获奖时间（《管理办法》第三十条）；请在前置信息中添加 awardYear")
	}
	if n, ok := winnerInt(p.Params["session"]); !ok || n <= 0 {
		ps.add(file, keyLine(fm, "session"),
			"session：获奖组织页面必须写明获奖届次（正整数，如 session: 6）；请在前置信息中添加 session")
	}
}

// winnerInt reads an integer written as a YAML number or a string of digits.
func winnerInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		return int(x), true
	case uint64:
		return int(x), true
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		return n, err == nil
	}
	return 0, false
}

// isYear reports whether v is written as exactly four digits.
func isYear(v any) bool {
	s := strings.TrimSpace(fmt.Sprint(v))
	if len(s) != 4 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s[0] != '0'
}

// addSessions adds a page per award session listing its winners
// (/winners/session-N/, titled 第N届获奖组织), under the winners section
// (or the home page when there is none). The winners keep their
// neighbours in their own section.
func (b *builder) addSessions(site *Site) {
	parent := site.byPath["/winners/"]
	if parent == nil {
		parent = site.Home
	}
	bySession := map[int]*Page{}
	for _, p := range site.RegularPages {
		if p.Type != TypeWinner {
			continue
		}
		n, ok := winnerInt(p.Params["session"])
		if !ok || n <= 0 {
			continue
		}
		sp := bySession[n]
		if sp == nil {
			sp = &Page{Kind: KindSession, Type: "winners", Section: "winners", Parent: parent,
				Title: fmt.Sprintf("第%d届获奖组织", n), Path: fmt.Sprintf("/winners/session-%d/", n),
				Params: map[string]any{"session": n}}
			bySession[n] = sp
		}
		sp.Pages = append(sp.Pages, p)
	}
	for _, sp := range bySession {
		if other, ok := site.byPath[sp.Path]; ok {
			b.probs.add(b.contentName(other.File), 0, "页面地址 %s 留给第%d届获奖组织名单使用。请换用其他 slug", sp.Path, sp.Params["session"])
			continue
		}
		sortPages(sp.Pages)
		sp.RelPermalink, sp.Permalink = b.cfg.pageURLs(sp.Path)
		site.byPath[sp.Path] = sp
		site.Sessions = append(site.Sessions, sp)
	}
	sort.Slice(site.Sessions, func(i, j int) bool {
		return site.Sessions[i].Params["session"].(int) > site.Sessions[j].Params["session"].(int)
	})
	b.pages = append(b.pages, site.Sessions...)
}
