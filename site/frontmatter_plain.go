package site

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// plainFrontMatter decodes the front matter most pages have without the
// YAML decoder, which costs more than a tenth of a 10,000-page build: one
// known key per line with a simple value, and the two lists as block
// sequences. For
//
//	title: "关于……的通知"
//	date: 2026-08-29T12:22:00
//	draft: false
//	weight: 3
//	tags:
//	  - 质量诚信
//
// it returns what yaml.Unmarshal would, and ok. Anything else (another
// key, params, a comment, a flow list, a quoted string with an escape, a
// value YAML would read as null, a number or a date in a plain string
// field beyond the dates themselves, a tab, a repeated key, …) returns
// !ok, and the caller asks the YAML decoder: the fast path never decides a
// case it is unsure of. FuzzPlainFrontMatter holds it to yaml.Unmarshal.
func plainFrontMatter(data []byte) (fm frontMatter, ok bool) {
	var seen uint16
	for len(data) > 0 {
		var line []byte
		line, data, _ = cutLine(data)
		if isBlank(line) {
			continue
		}
		key, value, found := bytes.Cut(line, []byte(":"))
		if !found || !isPlainKey(key) || (len(value) > 0 && value[0] != ' ') {
			return fm, false
		}
		bit, field := frontMatterKey(&fm, string(key))
		if bit == 0 || seen&bit != 0 {
			return fm, false
		}
		seen |= bit
		value = bytes.TrimLeft(value, " ")
		switch f := field.(type) {
		case *string:
			s, ok := plainScalar(value)
			if !ok {
				return fm, false
			}
			*f = s
		case *bool:
			switch string(bytes.TrimRight(value, " ")) {
			case "true":
				*f = true
			case "false":
				*f = false
			default:
				return fm, false
			}
		case *int:
			n, ok := plainInt(bytes.TrimRight(value, " "))
			if !ok {
				return fm, false
			}
			*f = n
		case *[]string:
			if !isBlank(value) {
				return fm, false // a flow list or a scalar
			}
			items, rest, ok := plainList(data)
			if !ok {
				return fm, false
			}
			*f, data = items, rest
		}
	}
	return fm, true
}

// plainList reads the block sequence that follows a list's key line: items
// "- value" at one indentation, up to the next key. ok is false for
// anything else, and for no items (null).
func plainList(data []byte) (items []string, rest []byte, ok bool) {
	indent := -1
	for len(data) > 0 {
		next, after, _ := cutLine(data)
		if isBlank(next) {
			data = after
			continue
		}
		n := len(next) - len(bytes.TrimLeft(next, " "))
		item, isItem := bytes.CutPrefix(next[n:], []byte("- "))
		if !isItem {
			if n > 0 {
				return nil, nil, false // more indented lines, not items
			}
			break // the next key
		}
		if indent >= 0 && n != indent {
			return nil, nil, false
		}
		indent = n
		s, ok := plainScalar(bytes.TrimLeft(item, " "))
		if !ok {
			return nil, nil, false
		}
		items = append(items, s)
		data = after
	}
	return items, data, items != nil
}

// frontMatterKey returns the bit marking key as seen and fm's field for it,
// or 0 for a key the fast path leaves to YAML.
func frontMatterKey(fm *frontMatter, key string) (uint16, any) {
	switch key {
	case "title":
		return 1 << 0, &fm.Title
	case "date":
		return 1 << 1, &fm.Date
	case "publishDate":
		return 1 << 2, &fm.PublishDate
	case "expiryDate":
		return 1 << 3, &fm.ExpiryDate
	case "lastmod":
		return 1 << 4, &fm.Lastmod
	case "draft":
		return 1 << 5, &fm.Draft
	case "weight":
		return 1 << 6, &fm.Weight
	case "slug":
		return 1 << 7, &fm.Slug
	case "summary":
		return 1 << 8, &fm.Summary
	case "type":
		return 1 << 9, &fm.Type
	case "layout":
		return 1 << 10, &fm.Layout
	case "tags":
		return 1 << 11, &fm.Tags
	case "aliases":
		return 1 << 12, &fm.Aliases
	}
	return 0, nil
}

func isBlank(line []byte) bool { return len(bytes.TrimLeft(line, " ")) == 0 }

func isPlainKey(key []byte) bool {
	if len(key) == 0 {
		return false
	}
	for _, c := range key {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// plainScalar returns the string a one-line scalar stands for: a double-
// or single-quoted string without escapes, or a plain scalar that YAML
// reads as a string (text starting with a letter, a CJK character or
// other non-ASCII, or a date and time of the forms the pages use).
func plainScalar(v []byte) (string, bool) {
	v = bytes.TrimRight(v, " ")
	if len(v) == 0 || !utf8.Valid(v) {
		return "", false
	}
	for _, r := range string(v) {
		if !yamlPrintable(r) {
			return "", false // a tab, a line break to YAML, a control character
		}
	}
	switch q := v[0]; q {
	case '"', '\'':
		if len(v) < 2 || v[len(v)-1] != q {
			return "", false
		}
		inner := v[1 : len(v)-1]
		if bytes.IndexByte(inner, q) >= 0 || bytes.IndexByte(inner, '\\') >= 0 {
			return "", false
		}
		return string(inner), true
	}
	if bytes.Contains(v, []byte(": ")) || bytes.Contains(v, []byte(" #")) || v[len(v)-1] == ':' {
		return "", false
	}
	if c := v[0]; c < utf8.RuneSelf {
		isLetter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if c == '/' {
			return string(v), true // a path (aliases)
		}
		if !isLetter && !isPlainDate(v) {
			return "", false // an indicator, a number, …: YAML decides
		}
		if isLetter && isYAMLWord(v) {
			return "", false // null, true, .inf, …
		}
	}
	return string(v), true
}

// yamlPrintable reports whether r may stand in a one-line scalar as
// itself: YAML's printable characters, less tab and the characters it
// takes for line breaks (NEL, LS, PS) or a byte order mark.
func yamlPrintable(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r < 0xa0, r >= 0xd800 && r <= 0xdfff:
		return false
	case r == 0x2028, r == 0x2029, r == 0xfeff, r == 0xfffe, r == 0xffff:
		return false
	}
	return true
}

// isYAMLWord reports whether a plain scalar starting with a letter is one
// YAML resolves to something other than a string.
func isYAMLWord(v []byte) bool {
	switch string(v) {
	case "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
		"yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N":
		return true
	}
	return false
}

// isPlainDate reports whether v is YYYY-MM-DD, optionally followed by
// THH:MM or THH:MM:SS (no zone): the dates pages carry, which YAML reads
// as the same text into a string.
func isPlainDate(v []byte) bool {
	digits := func(b []byte) bool {
		for _, c := range b {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	switch len(v) {
	case 10, 16, 19:
	default:
		return false
	}
	if !digits(v[0:4]) || v[4] != '-' || !digits(v[5:7]) || v[7] != '-' || !digits(v[8:10]) {
		return false
	}
	if len(v) == 10 {
		return true
	}
	if v[10] != 'T' || !digits(v[11:13]) || v[13] != ':' || !digits(v[14:16]) {
		return false
	}
	return len(v) == 16 || v[16] == ':' && digits(v[17:19])
}

// plainInt reads a decimal int without a sign or leading zero.
func plainInt(v []byte) (int, bool) {
	if len(v) == 0 || len(v) > 9 || (v[0] == '0' && len(v) > 1) {
		return 0, false
	}
	n, err := strconv.Atoi(string(v))
	return n, err == nil && v[0] != '+' && v[0] != '-'
}
