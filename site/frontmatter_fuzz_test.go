package site

import (
	"bytes"
	"regexp"
	"strconv"
	"testing"
)

var fuzzLineRef = regexp.MustCompile(`line (\d+)|第 (\d+) 行`)

// FuzzFrontMatter checks splitFrontMatter and parseFrontMatter on arbitrary
// files: no panics; a split's front matter and body are the pieces of the
// input between and after the "---" lines, the body a suffix of the input
// and bodyLine its first line; every line an error names lies within the
// input.
func FuzzFrontMatter(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: 你好\ndate: 2026-11-20\ntags: [a, b]\n---\n# 正文\n",
		"\ufeff---\r\ntitle: x\r\n---\r\nbody\r\n",
		"no front matter\n",
		"---\ntitle: [unclosed\n---\n",
		"---\ntitle: x\n",
		"---\n---",
		"---\nparams: {a: 1}\nextra: 2\n--- \t\nbody",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fm, body, bodyLine, err := splitFrontMatter(src)
		s := bytes.TrimPrefix(src, []byte("\ufeff"))
		// YAML counts a lone CR as a line break too; so does this bound.
		// (splitFrontMatter counts LF only; see the fuzz report.)
		lines := bytes.Count(src, []byte("\n")) + bytes.Count(src, []byte("\r")) - bytes.Count(src, []byte("\r\n")) + 1
		if err != nil {
			checkErrLines(t, err.Error(), lines)
			return
		}
		if !bytes.HasSuffix(s, body) {
			t.Fatalf("body %q is not a suffix of the input", body)
		}
		prefix := s[:len(s)-len(body)]
		if fm == nil {
			if len(prefix) != 0 || bodyLine != 1 {
				t.Fatalf("no front matter, yet body starts at byte %d, line %d", len(prefix), bodyLine)
			}
		} else {
			first, rest, _ := cutLine(s)
			if !isDelimiterLine(first) || !bytes.HasPrefix(rest, fm) {
				t.Fatalf("front matter %q does not follow the opening --- line", fm)
			}
			closing := bytes.TrimSuffix(rest[len(fm):len(rest)-len(body)], []byte("\n"))
			if !isDelimiterLine(closing) {
				t.Fatalf("front matter and body are separated by %q, not a --- line", closing)
			}
			if len(fm) > 0 && fm[len(fm)-1] != '\n' {
				t.Fatalf("front matter %q does not end with a newline", fm)
			}
			// The reconstruction: opening line, front matter, closing line, body.
			var re bytes.Buffer
			re.Write(first)
			re.WriteByte('\n')
			re.Write(fm)
			re.Write(rest[len(fm) : len(rest)-len(body)])
			re.Write(body)
			if !bytes.Equal(re.Bytes(), s) {
				t.Fatalf("pieces do not reconstruct the input")
			}
		}
		if len(body) > 0 || bytes.HasSuffix(prefix, []byte("\n")) {
			if want := bytes.Count(prefix, []byte("\n")) + 1; bodyLine != want {
				t.Fatalf("bodyLine %d, want %d", bodyLine, want)
			}
		}
		fmv, params, err := parseFrontMatter(fm)
		if err != nil {
			checkErrLines(t, err.Error(), lines)
			return
		}
		for k, v := range fmv.Params {
			if _, ok := params[k]; !ok {
				t.Fatalf("params lack %q (%v)", k, v)
			}
		}
		for k := range fmv.Other {
			if _, ok := params[k]; !ok {
				t.Fatalf("params lack top-level key %q", k)
			}
		}
	})
}

// checkErrLines fails if msg names a line outside 1..lines.
func checkErrLines(t *testing.T, msg string, lines int) {
	t.Helper()
	for _, m := range fuzzLineRef.FindAllStringSubmatch(msg, -1) {
		n, err := strconv.Atoi(m[1] + m[2])
		if err != nil {
			continue
		}
		if n < 1 || n > lines {
			t.Fatalf("error names line %d, the input has %d lines: %s", n, lines, msg)
		}
	}
}
