package site

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// frontMatter holds the keys a page may set, as written in the file.
// Dates stay strings here: they are read later in the site's time zone.
type frontMatter struct {
	Title       string         `yaml:"title"`
	Date        string         `yaml:"date"`
	PublishDate string         `yaml:"publishDate"`
	ExpiryDate  string         `yaml:"expiryDate"`
	Lastmod     string         `yaml:"lastmod"`
	Draft       bool           `yaml:"draft"`
	Weight      int            `yaml:"weight"`
	Slug        string         `yaml:"slug"`
	Aliases     []string       `yaml:"aliases"`
	Summary     string         `yaml:"summary"`
	Tags        []string       `yaml:"tags"`
	Type        string         `yaml:"type"`
	Layout      string         `yaml:"layout"`
	Params      map[string]any `yaml:"params"`
	// Other holds every other top-level key; they join the page's params.
	Other map[string]any `yaml:",inline"`
}

var frontMatterDelim = []byte("---")

// splitFrontMatter separates YAML front matter between "---" lines from the body.
// It returns the front matter, the body and the 1-based line on which the body starts.
func splitFrontMatter(src []byte) (fm, body []byte, bodyLine int, err error) {
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	first, rest, _ := cutLine(src)
	if !isDelimiterLine(first) {
		return nil, src, 1, nil
	}
	line := 1
	start := len(src) - len(rest)
	for pos := start; pos < len(src); {
		l, next, found := cutLine(src[pos:])
		line++
		if isDelimiterLine(l) {
			return src[start:pos], next, line + 1, nil
		}
		if !found {
			break
		}
		pos = len(src) - len(next)
	}
	return nil, nil, 0, errors.New("第 1 行以 --- 开始前置信息（front matter），但后面没有结束的 --- 行。请补上")
}

func isDelimiterLine(l []byte) bool {
	return bytes.Equal(bytes.TrimRight(l, " \t\r"), frontMatterDelim)
}

// cutLine returns the first line of b (without its newline) and the rest.
func cutLine(b []byte) (line, rest []byte, found bool) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i], b[i+1:], true
	}
	return b, nil, false
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// parseFrontMatter decodes YAML front matter. Line numbers in errors are
// those of the file (the front matter starts on line 2).
func parseFrontMatter(data []byte) (frontMatter, map[string]any, error) {
	var fm frontMatter
	if len(bytes.TrimSpace(data)) == 0 {
		return fm, nil, nil
	}
	if fm, ok := plainFrontMatter(data); ok {
		return fm, map[string]any{}, nil
	}
	if err := yaml.Unmarshal(data, &fm); err != nil {
		return fm, nil, fmt.Errorf("前置信息（front matter）格式错误：%s", shiftYAMLLines(err.Error(), 1))
	}
	params := make(map[string]any, len(fm.Other)+len(fm.Params))
	for k, v := range fm.Other {
		params[k] = v
	}
	for k, v := range fm.Params {
		params[k] = v
	}
	return fm, params, nil
}

// shiftYAMLLines rewrites "line N" in a YAML error to count from the file's start.
func shiftYAMLLines(msg string, by int) string {
	return yamlLine.ReplaceAllStringFunc(msg, func(m string) string {
		n, err := strconv.Atoi(m[len("line "):])
		if err != nil {
			return m
		}
		return "line " + strconv.Itoa(n+by)
	})
}
