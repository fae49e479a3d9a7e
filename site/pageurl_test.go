package site

import (
	"net/url"
	"testing"
)

func TestEscapeURLPath(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"/policy/measures/", "/policy/measures/"},
		{"/tags/申报/", "/tags/%E7%94%B3%E6%8A%A5/"},
		{"/tags/a b/", "/tags/a%20b/"},
		{"/tags/100%/", "/tags/100%25/"},
		{"/tags/c#?/", "/tags/c%23%3F/"},
		{"/tags/<\"'>/", "/tags/%3C%22%27%3E/"},
		{"/x/-._~!$&*+,;=:@/", "/x/-._~!$&*+,;=:@/"},
	} {
		got := escapeURLPath(c.in)
		if got != c.want {
			t.Errorf("escapeURLPath(%q) = %q, want %q", c.in, got, c.want)
		}
		if back, err := url.PathUnescape(got); err != nil || back != c.in {
			t.Errorf("url.PathUnescape(%q) = %q, %v; want %q", got, back, err, c.in)
		}
	}
}
