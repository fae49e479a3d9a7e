package drafts

import (
	"bytes"
	"errors"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Info is what the front matter of a page says about it as a draft.
type Info struct {
	Title       string `yaml:"title"`
	Type        string `yaml:"type"`
	ID          string `yaml:"id"`
	Draft       bool   `yaml:"draft"`
	GeneratedBy string `yaml:"generatedBy"`
}

// ErrNoFrontMatter: the page does not start with YAML front matter.
var ErrNoFrontMatter = errors.New("页面开头没有前置信息（---）")

// split returns the front matter's lines and the offset of the closing
// delimiter line.
func split(data []byte) (fm []byte, end int, err error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !bytes.HasPrefix(data, []byte("---\n")) && !bytes.HasPrefix(data, []byte("---\r\n")) {
		return nil, 0, ErrNoFrontMatter
	}
	start := bytes.IndexByte(data, '\n') + 1
	for i := start; i < len(data); {
		j := bytes.IndexByte(data[i:], '\n')
		line := data[i:]
		if j >= 0 {
			line = data[i : i+j]
		}
		if strings.TrimRight(string(line), "\r ") == "---" {
			return data[start:i], i, nil
		}
		if j < 0 {
			break
		}
		i += j + 1
	}
	return nil, 0, ErrNoFrontMatter
}

// Read reads a page's draft information.
func Read(data []byte) (Info, error) {
	fm, _, err := split(data)
	if err != nil {
		return Info{}, err
	}
	var in Info
	if err := yaml.Unmarshal(fm, &in); err != nil {
		return Info{}, err
	}
	return in, nil
}

// ErrNotDraft: the page is not a draft (already published).
var ErrNotDraft = errors.New("页面不是草稿（已发布）")

// Publish clears a draft's draft flag: it removes the top-level
// "draft: true" line of the front matter and leaves every other byte as it
// was (generatedBy stays, as the record of who generated it).
func Publish(data []byte) ([]byte, error) {
	in, err := Read(data)
	if err != nil {
		return nil, err
	}
	if !in.Draft {
		return nil, ErrNotDraft
	}
	fm, _, _ := split(data)
	off := bytes.Index(data, fm)
	var out bytes.Buffer
	out.Write(data[:off])
	removed := false
	for _, line := range bytes.SplitAfter(fm, []byte("\n")) {
		key, val, ok := strings.Cut(strings.TrimRight(string(line), "\r\n"), ":")
		if !removed && ok && key == "draft" && isTrue(val) {
			removed = true
			continue
		}
		out.Write(line)
	}
	if !removed {
		return nil, errors.New("前置信息中的 draft 不是单独一行的 draft: true，请手工修改")
	}
	out.Write(data[off+len(fm):])
	return out.Bytes(), nil
}

func isTrue(v string) bool {
	v, _, _ = strings.Cut(v, "#")
	switch strings.TrimSpace(v) {
	case "true", "True", "TRUE", "yes", "on":
		return true
	}
	return false
}
