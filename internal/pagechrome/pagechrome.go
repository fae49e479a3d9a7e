// Package pagechrome is the page chrome the site build hands to the intake:
// the header (site title, the display-mode buttons, the main navigation)
// and the footer (links, 主办单位, 网站标识码, ICP备案号, 公安机关备案号 …) of the
// site's pages as HTML, rendered by the theme from site.yaml. The intake's
// forms, receipts and error pages insert it, so that they carry the same
// header and footer as every page of the site, from one source.
package pagechrome

import (
	"fmt"
	"io/fs"
	"time"

	"github.com/zhongmou/award/internal/watchfile"
)

// Name is the file's name in the built site, beside windows.json.
const Name = "_award/chrome.json"

// Version is the version of the format this package writes and reads. A
// reader refuses other versions rather than misread them.
const Version = 1

// Chrome is the file's content:
//
//	{"version": 1, "header": "<header class=\"site-header\">…</header>", "footer": "<footer …>…</footer>"}
//
// Header and Footer are HTML fragments as the theme rendered them, each to
// stand where an element may stand in a page's <body>: Header before its
// <main>, Footer after it. They come from the site's own build, so readers
// insert them as HTML without escaping; they hold no script and no inline
// style (the pages' Content-Security-Policy allows neither). Either may be
// empty, if the theme renders nothing for it.
type Chrome struct {
	Version int    `json:"version"`
	Header  string `json:"header"`
	Footer  string `json:"footer"`
}

// Encode writes the chrome as indented JSON.
func (c *Chrome) Encode() ([]byte, error) {
	data, err := watchfile.EncodeJSON(c)
	if err != nil {
		return nil, fmt.Errorf("encode page chrome: %w", err)
	}
	return data, nil
}

// Decode reads the chrome, refusing unknown versions and fields.
func Decode(data []byte) (*Chrome, error) {
	var c Chrome
	if err := watchfile.DecodeJSON(data, &c); err != nil {
		return nil, fmt.Errorf("read page chrome: %w", err)
	}
	if c.Version != Version {
		return nil, fmt.Errorf("read page chrome: version %d, this program reads version %d: rebuild the site with this version of award", c.Version, Version)
	}
	return &c, nil
}

// File is the chrome file, read again whenever it changes (see
// watchfile.File): Current is nil until it has been read.
type File = watchfile.File[Chrome]

// Open reads Name in fsys (os.DirFS("public"), say), at once and then
// whenever it changes, checked at most once per interval. It does not fail:
// a missing or bad file leaves Current nil and Err set, and is looked for
// again at every check.
func Open(fsys fs.FS, interval time.Duration) *File {
	return watchfile.Open(fsys, Name, interval, Decode)
}
