package site

import (
	"net/url"
	"strings"
	"testing"
)

func TestPageURLs(t *testing.T) {
	cfg, err := ParseConfig([]byte("baseURL: https://www.zhongmou.gov.cn/zlj/\n"))
	if err != nil {
		t.Fatal(err)
	}
	rel, abs := cfg.pageURLs("/tags/申报/")
	if want := "/zlj/tags/%E7%94%B3%E6%8A%A5/"; rel != want {
		t.Errorf("rel = %q, want %q", rel, want)
	}
	if want := "https://www.zhongmou.gov.cn/zlj/tags/%E7%94%B3%E6%8A%A5/"; abs != want {
		t.Errorf("abs = %q, want %q", abs, want)
	}
	// What html/template's URL normalizer keeps as it is: anything else in
	// an href would send it down its byte-by-byte slow path.
	const kept = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!#$&*+,/:;=?@[]%"
	for _, p := range []string{"/policy/measures/", "/tags/a b/", "/tags/100%/", "/tags/c#?/", "/tags/<\"'>()/", "/x/-._~!$&*+,;=:@/"} {
		rel, _ := cfg.pageURLs(p)
		if i := strings.IndexFunc(rel, func(r rune) bool { return !strings.ContainsRune(kept, r) }); i >= 0 {
			t.Errorf("pageURLs(%q) = %q: %q is re-encoded by html/template", p, rel, rel[i])
		}
		if back, err := url.PathUnescape(rel); err != nil || back != "/zlj"+p {
			t.Errorf("url.PathUnescape(%q) = %q, %v; want %q", rel, back, err, "/zlj"+p)
		}
	}
}
