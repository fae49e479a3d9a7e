package site

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The search index lets a static site answer Chinese queries in the
// browser, without a server, under a strict Content Security Policy (the
// script is plain JavaScript: no eval, no WebAssembly). Chinese has no
// spaces, so text is cut into overlapping two-character pieces (bigrams):
// a query for any substring of two or more characters of a page's title or
// text finds the page, because the page holds every bigram of that
// substring. Latin letters and digits are indexed as lower-cased words.
//
// The index is split so that one query downloads little:
//
//	search/meta.json            {"version", "docs", "shards", "docShard"}
//	search/idx/NNN.json         postings of the terms whose FNV-1a hash mod shards is NNN:
//	                            {"term": [doc ids, delta-encoded], …}
//	search/docs/NNN.json        [[url, title, date, summary], …] for doc ids NNN*docShard …
//
// The browser computes a query's terms, fetches their shards, intersects
// the postings, and fetches the document shards of the first results.
const (
	searchVersion   = 1
	searchShards    = 512
	searchDocShard  = 100
	searchTextLimit = 20000 // characters of a page's text that are indexed
)

// searchTerms cuts text into the index's terms: bigrams of CJK runs (a lone
// CJK character is kept as a unigram so that one-character runs are not
// lost), and lower-cased words of letters and digits. A term is a
// substring of text unless lower-casing changed it: whoever keeps one
// beyond text's use clones it (strings.Clone), so as not to hold text.
func searchTerms(text string, add func(term string)) {
	var offs []int // where the runes of the CJK run start
	runEnd := 0
	wordStart, wordEnd := -1, 0
	var lowered strings.Builder // the word lower-cased, once lower-casing changed a rune of it
	changed := false
	flushRun := func() {
		switch len(offs) {
		case 0:
		case 1:
			add(text[offs[0]:runEnd])
		default:
			for i := 0; i+1 < len(offs); i++ {
				end := runEnd
				if i+2 < len(offs) {
					end = offs[i+2]
				}
				add(text[offs[i]:end])
			}
		}
		offs = offs[:0]
	}
	flushWord := func() {
		if wordStart < 0 {
			return
		}
		if changed {
			add(lowered.String())
			lowered.Reset()
		} else {
			add(text[wordStart:wordEnd])
		}
		wordStart, changed = -1, false
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		cjk, word := termRune(r)
		switch {
		case cjk:
			flushWord()
			offs = append(offs, i)
			runEnd = i + size
		case word:
			flushRun()
			if wordStart < 0 {
				wordStart = i
			}
			lr := unicode.ToLower(r)
			if lr != r && !changed {
				changed = true
				lowered.WriteString(text[wordStart:i])
			}
			if changed {
				lowered.WriteRune(lr)
			}
			wordEnd = i + size
		default:
			flushRun()
			flushWord()
		}
		i += size
	}
	flushRun()
	flushWord()
}

// termRune says whether r belongs to a CJK run (a wide letter, or Han)
// or to a word (another letter, or a digit); neither cuts runs and words.
// ASCII and the CJK Unified Ideographs block, nearly every rune of a page,
// are decided without Unicode's tables.
func termRune(r rune) (cjk, word bool) {
	switch {
	case r < utf8.RuneSelf:
		return false, 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	case 0x4e00 <= r && r <= 0x9fff: // all Han (TestTermRune)
		return true, false
	case isWide(r) && unicode.IsLetter(r) || unicode.Is(unicode.Han, r):
		return true, false
	}
	return false, unicode.IsLetter(r) || unicode.IsDigit(r)
}

// searchShard is the shard a term's postings live in: the 32-bit FNV-1a
// hash of its UTF-8 bytes (as the browser's script computes it) mod
// searchShards.
func searchShard(term string) int {
	h := uint32(2166136261)
	for i := 0; i < len(term); i++ {
		h ^= uint32(term[i])
		h *= 16777619
	}
	return int(h % searchShards)
}

// plainOf strips tags and entities from rendered HTML: each tag becomes a
// space (each '<', rather), a '>' outside a tag is dropped.
func plainOf(h string) string {
	if !utf8.ValidString(h) {
		h = string([]rune(h)) // each invalid byte U+FFFD
	}
	var b strings.Builder
	b.Grow(len(h))
	in := false
	text := 0 // where the text not yet written starts, outside a tag
	for i := 0; i < len(h); i++ {
		switch h[i] { // never a byte of a multi-byte rune
		case '<':
			if !in {
				b.WriteString(h[text:i])
			}
			in = true
			b.WriteByte(' ')
		case '>':
			if !in {
				b.WriteString(h[text:i])
			}
			in = false
			text = i + 1
		}
	}
	if !in {
		b.WriteString(h[text:])
	}
	return html.UnescapeString(b.String())
}

// searchIndex is the index of a build, kept by a session so that a body
// edit updates only the shards its terms touch.
type searchIndex struct {
	docs   []*Page       // doc id → page (RegularPages, newest first)
	ids    map[*Page]int // page → doc id
	shards [searchShards]postings
	cfg    *Config
}

// postings are one shard's terms and, for each, the ascending doc ids of
// the pages holding it. Adding a doc id to a term already there assigns
// nothing in the map (which would keep the new key: a substring of a
// page's text).
type postings struct {
	at    map[string]int32 // term (its own copy) → its list in lists
	lists [][]int32
}

// add appends id to term's list, a new term's key cloned.
func (ps *postings) add(term string, id int32) {
	if i, ok := ps.at[term]; ok {
		ps.lists[i] = append(ps.lists[i], id)
		return
	}
	ps.at[strings.Clone(term)] = int32(len(ps.lists))
	ps.lists = append(ps.lists, []int32{id})
}

// pageText is what of a page is indexed.
func pageText(title string, content string) string {
	text := title + "\n" + plainOf(content)
	if utf8.RuneCountInString(text) > searchTextLimit {
		text = string([]rune(text)[:searchTextLimit])
	}
	return text
}

// termSet returns the distinct terms of a text (substrings of it, but for
// lower-cased words).
func termSet(text string) map[string]bool {
	set := make(map[string]bool, len(text)/8)
	searchTerms(text, func(t string) { set[t] = true })
	return set
}

// newSearchIndex indexes pages (doc id = position), a chunk of pages at a
// time so that memory stays bounded: the chunk's terms are found in
// parallel, then merged into the shards, each shard by one goroutine, in
// doc-id order so that every list ascends without sorting.
func newSearchIndex(pages []*Page, cfg *Config) *searchIndex {
	x := &searchIndex{docs: pages, ids: make(map[*Page]int, len(pages)), cfg: cfg}
	for i := range x.shards {
		x.shards[i].at = map[string]int32{}
	}
	for id, p := range pages {
		x.ids[p] = id
	}
	type pageTerms struct {
		terms  []string
		shards []uint16
	}
	const chunk = 1024
	workers := runtime.GOMAXPROCS(0)
	per := make([]pageTerms, chunk)
	for start := 0; start < len(pages); start += chunk {
		n := min(chunk, len(pages)-start)
		_ = forEach(context.Background(), 0, n, func(i int) {
			set := termSet(pageText(pages[start+i].Title, string(pages[start+i].Content)))
			pt := pageTerms{terms: make([]string, 0, len(set)), shards: make([]uint16, 0, len(set))}
			for t := range set {
				pt.terms = append(pt.terms, t)
				pt.shards = append(pt.shards, uint16(searchShard(t)))
			}
			per[i] = pt
		})
		_ = forEach(context.Background(), workers, workers, func(w int) {
			for i, pt := range per[:n] {
				for j, t := range pt.terms {
					if s := int(pt.shards[j]); s%workers == w {
						x.shards[s].add(t, int32(start+i))
					}
				}
			}
		})
	}
	return x
}

// update re-indexes a page whose text changed and returns the shards touched.
func (x *searchIndex) update(p *Page, oldText, newText string) map[int]bool {
	id, ok := x.ids[p]
	if !ok {
		return nil
	}
	old, cur := termSet(oldText), termSet(newText)
	dirty := map[int]bool{}
	for t := range old {
		if cur[t] {
			continue
		}
		s := searchShard(t)
		dirty[s] = true
		ps := &x.shards[s]
		at, ok := ps.at[t]
		if !ok {
			continue
		}
		list := ps.lists[at]
		if i, found := slices.BinarySearch(list, int32(id)); found {
			list = slices.Delete(list, i, i+1)
		}
		ps.lists[at] = list
		if len(list) == 0 {
			delete(ps.at, t) // its list stays behind, empty, until the index is built anew
		}
	}
	for t := range cur {
		if old[t] {
			continue
		}
		s := searchShard(t)
		dirty[s] = true
		ps := &x.shards[s]
		at, ok := ps.at[t]
		if !ok {
			ps.add(t, int32(id))
			continue
		}
		if i, found := slices.BinarySearch(ps.lists[at], int32(id)); !found {
			ps.lists[at] = slices.Insert(ps.lists[at], i, int32(id))
		}
	}
	return dirty
}

// reindex carries the index over to pages, this build's documents (doc
// id = position, as newSearchIndex numbers them): it takes the new pages
// for the old, renumbers the postings of the pages that stayed in the same
// relative order, indexes from their text the pages that are new or moved
// (and drops the postings of those removed or moved), re-indexes the pages
// whose text changed, and returns the index files whose bytes changed.
// ok is false when so many pages are new or moved that building the index
// anew is as cheap. reindex changes x, which the last build no longer uses.
func (x *searchIndex) reindex(pages []*Page) (touched map[string]bool, ok bool) {
	oldAt := make(map[string]int, len(x.docs))
	for i, p := range x.docs {
		oldAt[p.Path] = i
	}
	oldToNew := make([]int32, len(x.docs)) // -1: removed or moved
	for i := range oldToNew {
		oldToNew[i] = -1
	}
	was := make([]int, len(pages)) // -1: new or moved
	fresh := 0                     // pages new or moved
	last := -1
	renumbered := len(pages) != len(x.docs)
	for i, p := range pages {
		if o, ok := oldAt[p.Path]; ok && o > last {
			oldToNew[o], was[i], last = int32(i), o, o
			renumbered = renumbered || o != i
			continue
		}
		was[i] = -1
		fresh++
		renumbered = true
	}
	if fresh > len(pages)/4+1 {
		return nil, false
	}
	old := x.docs
	x.docs = pages
	x.ids = make(map[*Page]int, len(pages))
	for i, p := range pages {
		x.ids[p] = i
	}
	touched = map[string]bool{}
	if renumbered {
		for s := range x.shards {
			if x.shards[s].renumber(oldToNew) {
				touched[shardName(s)] = true
			}
		}
	}
	if len(pages) != len(old) {
		touched[searchMetaName] = true
	}
	for i := len(pages); i < len(old); i++ {
		touched[docShardName(i/searchDocShard)] = true // rows gone from its end
	}
	for i, p := range pages {
		var o *Page
		if i < len(old) {
			o = old[i] // the row this position had
		}
		if o == nil || o.Path != p.Path || p.RelPermalink != o.RelPermalink || p.Title != o.Title || !p.Date.Equal(o.Date) || p.Summary != o.Summary {
			touched[docShardName(i/searchDocShard)] = true
		}
		oldText := ""
		if was[i] >= 0 {
			o := old[was[i]]
			if p.Title == o.Title && p.Content == o.Content {
				continue
			}
			oldText = pageText(o.Title, string(o.Content))
		}
		for sh := range x.update(p, oldText, pageText(p.Title, string(p.Content))) {
			touched[shardName(sh)] = true
		}
	}
	return touched, true
}

// renumber maps the doc ids of every list through oldToNew, dropping those
// it maps to -1, and reports whether any list changed. The ids it keeps
// must keep their order.
func (ps *postings) renumber(oldToNew []int32) bool {
	changed := false
	for t, at := range ps.at {
		list := ps.lists[at]
		out := list[:0]
		for _, id := range list {
			if n := oldToNew[id]; n >= 0 {
				out = append(out, n)
				changed = changed || n != id
			} else {
				changed = true
			}
		}
		ps.lists[at] = out
		if len(out) == 0 {
			delete(ps.at, t)
		}
	}
	return changed
}

// searchMetaName is the index's description (searchIndex.jobs).
const searchMetaName = "search/meta.json"

func shardName(s int) string    { return fmt.Sprintf("search/idx/%03d.json", s) }
func docShardName(d int) string { return fmt.Sprintf("search/docs/%03d.json", d) }

// jobs are the index's output files.
func (x *searchIndex) jobs() []job {
	meta := map[string]int{"version": searchVersion, "docs": len(x.docs), "shards": searchShards, "docShard": searchDocShard}
	jobs := []job{{name: searchMetaName, kind: jobSearch, source: "search index", render: func() ([]byte, error) {
		b, err := json.Marshal(meta)
		return append(b, '\n'), err
	}}}
	for s := range x.shards {
		jobs = append(jobs, job{name: shardName(s), kind: jobSearch, source: "search index", render: func() ([]byte, error) {
			return encodePostings(&x.shards[s]), nil
		}})
	}
	for start := 0; start < len(x.docs); start += searchDocShard {
		d := start / searchDocShard
		jobs = append(jobs, job{name: docShardName(d), kind: jobSearch, source: "search index", render: func() ([]byte, error) {
			return x.docShard(d)
		}})
	}
	return jobs
}

// docShard lists the documents of one document shard.
func (x *searchIndex) docShard(d int) ([]byte, error) {
	start := d * searchDocShard
	end := min(start+searchDocShard, len(x.docs))
	rows := make([][4]string, 0, end-start)
	for _, p := range x.docs[start:end] {
		rows = append(rows, [4]string{p.RelPermalink, p.Title, p.Date.In(x.cfg.Location()).Format("2006-01-02"), p.Summary})
	}
	// json escapes < > & as \u003c…, so that no index file ever holds markup.
	b, err := json.Marshal(rows)
	return append(b, '\n'), err
}

// encodePostings writes a shard: terms sorted, doc ids delta-encoded.
func encodePostings(shard *postings) []byte {
	terms := make([]string, 0, len(shard.at))
	for t := range shard.at {
		terms = append(terms, t)
	}
	sort.Strings(terms)
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, t := range terms {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(t)
		buf.Write(k)
		buf.WriteString(":[")
		prev := int32(0)
		var num []byte
		for j, id := range shard.lists[shard.at[t]] {
			if j > 0 {
				buf.WriteByte(',')
			}
			num = strconv.AppendInt(num[:0], int64(id-prev), 10)
			buf.Write(num)
			prev = id
		}
		buf.WriteByte(']')
	}
	buf.WriteString("}\n")
	return buf.Bytes()
}
