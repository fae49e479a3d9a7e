package site

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/zhongmou/award/bench/corpus"
)

// BenchmarkBuild builds a generated 1,000-page site (bench/corpus) through
// bench/themes/award into memory. Each iteration is a clean full build.
//
//	go test -run xxx -bench BenchmarkBuild -benchtime 3x ./site/
func BenchmarkBuild(b *testing.B) {
	const pages = 1000
	content := fstest.MapFS{}
	published := 0
	for _, f := range corpus.Generate(pages, 1) {
		content[f.Path] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
		if !strings.HasSuffix(f.Path, "_index.md") && !corpus.IsDraft(f.Data) {
			published++
		}
	}
	cfg := benchConfig(b)
	theme := os.DirFS("../bench/themes/award")
	// After every date of the corpus, so that the build does not depend on the clock.
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, cfg.Location())

	b.ReportAllocs()
	for b.Loop() {
		rep, err := Build(context.Background(), Options{
			Content: content, Theme: theme, Config: cfg, Output: NewMemOutput(), Now: now,
		})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Pages != published {
			b.Fatalf("built %d pages, want %d", rep.Pages, published)
		}
	}
	b.ReportMetric(float64(pages)*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkSessionBodyEdit times the development server's common case: one
// page's body edited on a 10,000-page site, rebuilt by a Session.
func BenchmarkSessionBodyEdit(b *testing.B) {
	content := corpusFS(10000, 1)
	cfg, err := ParseConfig(nil)
	if err != nil {
		b.Fatal(err)
	}
	sess, err := NewSession(Options{Content: content, Theme: os.DirFS("../bench/themes/award"), Config: cfg, Output: NewMemOutput()})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, cfg.Location())
	if _, err := sess.Build(context.Background(), Change{Full: true}, now); err != nil {
		b.Fatal(err)
	}
	var name string
	for n, f := range content {
		if strings.HasPrefix(n, "notices/p") && !corpus.IsDraft(f.Data) {
			name = n
			break
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		content[name] = &fstest.MapFile{Data: append(bytes.Clone(content[name].Data), fmt.Sprintf("\n第%d次修改。\n", i)...)}
		rep, err := sess.Build(context.Background(), Change{Content: []string{name}}, now)
		if err != nil {
			b.Fatal(err)
		}
		if !rep.Partial {
			b.Fatal("not a partial build")
		}
	}
}
