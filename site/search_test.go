package site

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"html"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode"

	"github.com/zhongmou/award/bench/corpus"
)

// lookup answers a query from the index files as search.js does, and
// returns the matching pages' URLs and the bytes a browser would fetch.
func lookup(t testing.TB, out *MemOutput, q string) (urls []string, fetched int) {
	t.Helper()
	read := func(name string, v any) {
		b, ok := out.File(name)
		if !ok {
			t.Fatalf("index file %s missing", name)
		}
		fetched += len(b)
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	var meta struct{ Docs, Shards, DocShard int }
	read("search/meta.json", &meta)
	terms := map[string]bool{}
	searchTerms(q, func(s string) { terms[s] = true })
	shards := map[int]map[string][]int{}
	var ids []int
	first := true
	for term := range terms {
		s := searchShard(term)
		if shards[s] == nil {
			m := map[string][]int{}
			read(fmt.Sprintf("search/idx/%03d.json", s), &m)
			shards[s] = m
		}
		var d []int
		prev := 0
		for _, delta := range shards[s][term] {
			prev += delta
			d = append(d, prev)
		}
		if first {
			ids, first = d, false
			continue
		}
		var keep []int
		for _, id := range ids {
			for _, x := range d {
				if x == id {
					keep = append(keep, id)
					break
				}
			}
		}
		ids = keep
	}
	docs := map[int][][4]string{}
	for i, id := range ids {
		ds := id / meta.DocShard
		if docs[ds] == nil {
			counted := fetched
			var rows [][4]string
			read(fmt.Sprintf("search/docs/%03d.json", ds), &rows)
			docs[ds] = rows
			if i >= 20 {
				fetched = counted // the browser fetches the first 20 results' shards only
			}
		}
	}
	for _, id := range ids {
		if rows := docs[id/meta.DocShard]; rows != nil {
			urls = append(urls, rows[id%meta.DocShard][0])
		}
	}
	return urls, fetched
}

func buildCorpus(t testing.TB, n int) (*MemOutput, fstest.MapFS) {
	t.Helper()
	content := corpusFS(n, 3)
	cfg, _ := ParseConfig(nil)
	out := NewMemOutput()
	_, err := Build(context.Background(), Options{Content: content, Theme: os.DirFS("../bench/themes/award"), Config: cfg, Output: out,
		Now: time.Date(2026, 11, 25, 10, 0, 0, 0, cfg.Location())})
	if err != nil {
		t.Fatal(err)
	}
	return out, content
}

// TestSearchFindsSubstrings checks the index's promise: any substring of two
// or more Chinese characters of a page's title or text finds the page.
func TestSearchFindsSubstrings(t *testing.T) {
	out, content := buildCorpus(t, 300)
	rng := rand.New(rand.NewPCG(1, 2))
	tried := 0
	for name, f := range content {
		if tried == 60 || strings.HasSuffix(name, "_index.md") || corpus.IsDraft(f.Data) {
			continue
		}
		body := []rune(string(corpus.Body(f.Data)))
		// A run of 2–5 Han characters from the body.
		start := rng.IntN(len(body))
		var q []rune
		for i := start; i < len(body) && len(q) < 2+rng.IntN(4); i++ {
			if !unicode.Is(unicode.Han, body[i]) {
				if len(q) >= 2 {
					break
				}
				q = q[:0]
				continue
			}
			q = append(q, body[i])
		}
		if len(q) < 2 {
			continue
		}
		tried++
		urls, _ := lookup(t, out, string(q))
		want := "/" + strings.TrimSuffix(name, ".md") + "/"
		found := false
		for _, u := range urls {
			found = found || u == want
		}
		if !found {
			t.Errorf("query %q (from %s) did not find it among %d results", string(q), name, len(urls))
		}
	}
	if tried < 30 {
		t.Fatalf("only %d queries tried", tried)
	}
	if urls, _ := lookup(t, out, "火星殖民计划"); len(urls) != 0 {
		t.Errorf("a phrase in no page found %d pages", len(urls))
	}
}

// TestSearchTerms: bigrams of CJK runs, a lone character as itself, and
// words of letters and digits lower-cased (by the byte or by the rune).
func TestSearchTerms(t *testing.T) {
	var got []string
	searchTerms("卓越绩效 GB/T 19580，质 Ärger-und2 ok", func(term string) { got = append(got, term) })
	want := []string{"卓越", "越绩", "绩效", "gb", "t", "19580", "质", "ärger", "und2", "ok"}
	if !slices.Equal(got, want) {
		t.Errorf("terms %q, want %q", got, want)
	}
}

// BenchmarkSearchIndex reports, on 10,000 generated pages, the time to build
// the index (per op), its size, and what a browser downloads for one query.
func BenchmarkSearchIndex(b *testing.B) {
	content := corpusFS(10000, 3)
	cfg, _ := ParseConfig(nil)
	out := NewMemOutput()
	sess, err := NewSession(Options{Content: content, Theme: os.DirFS("../bench/themes/award"), Config: cfg, Output: out})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := sess.Build(context.Background(), Change{Full: true}, time.Date(2026, 11, 25, 10, 0, 0, 0, cfg.Location())); err != nil {
		b.Fatal(err)
	}
	size := 0
	for _, n := range out.Names() {
		if strings.HasPrefix(n, "search/") {
			d, _ := out.File(n)
			size += len(d)
		}
	}
	_, fetched := lookup(b, out, "质量管理")
	pages := sess.last.site.RegularPages
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		newSearchIndex(pages, &cfg)
	}
	b.ReportMetric(float64(size)/(1<<20), "index-MiB")
	b.ReportMetric(float64(fetched)/1024, "query-KiB")
}

// termRune's shortcuts decide every rune as Unicode's tables do.
func TestTermRune(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		cjk, word := termRune(r)
		wantCJK := isWide(r) && unicode.IsLetter(r) || unicode.Is(unicode.Han, r)
		wantWord := !wantCJK && (unicode.IsLetter(r) || unicode.IsDigit(r))
		if cjk != wantCJK || word != wantWord {
			t.Fatalf("termRune(%U) = %v, %v; want %v, %v", r, cjk, word, wantCJK, wantWord)
		}
	}
}

// searchShard is FNV-1a, as the browser's script computes it.
func TestSearchShardIsFNV1a(t *testing.T) {
	for _, term := range []string{"", "a", "质量", "gb", "19580", "ärger", "卓越绩效"} {
		h := fnv.New32a()
		h.Write([]byte(term))
		if got, want := searchShard(term), int(h.Sum32()%searchShards); got != want {
			t.Errorf("searchShard(%q) = %d, want %d", term, got, want)
		}
	}
}

// plainOf keeps the text of rendered HTML as a rune by rune reading would:
// a space for each '<', nothing of a tag, no stray '>', entities decoded,
// an invalid byte as U+FFFD.
func TestPlainOf(t *testing.T) {
	runeByRune := func(h string) string {
		var b strings.Builder
		in := false
		for _, r := range h {
			switch {
			case r == '<':
				in = true
				b.WriteByte(' ')
			case r == '>':
				in = false
			case !in:
				b.WriteRune(r)
			}
		}
		return html.UnescapeString(b.String())
	}
	for _, h := range []string{
		"", "纯文本", "<p>卓越<em>绩效</em></p>\n<ul><li>一</li></ul>", "a > b", "<a<b>c", "x<unclosed",
		"&lt;标签&gt; &amp; &#20013;", "bad\xff\xfe<b>\xe4\xb8</b>end", "<p>" + strings.Repeat("质量", 500) + "</p>",
	} {
		if got, want := plainOf(h), runeByRune(h); got != want {
			t.Errorf("plainOf(%q) = %q, want %q", h, got, want)
		}
	}
}
