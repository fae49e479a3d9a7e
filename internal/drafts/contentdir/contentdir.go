// Package contentdir puts the drafts of package drafts into the site's
// content directory and publishes them there: a new file is created only
// if absent (never overwriting a page), and publishing rewrites a draft
// only if it is still the one the publisher saw (its SHA-256), through a
// temporary file renamed over it, so that the site's watcher never reads
// half a page.
package contentdir

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/zhongmou/award/internal/drafts"
)

// Sections are where drafts go, and the only places they are read from.
var Sections = []string{drafts.SectionPublicity, drafts.SectionNotices, drafts.SectionWinners}

// ExistsError: a file a draft would be written to is already there.
type ExistsError struct{ Names []string }

func (e *ExistsError) Error() string {
	return "内容目录中已有同名文件，未写入（不会覆盖已有页面）：" + strings.Join(e.Names, "、") +
		"。如需重新生成，请先确认并移走或改名原文件"
}

// ErrChanged: the draft changed since it was read (another publisher, an edit).
var ErrChanged = errors.New("草稿在您查看之后已被修改或已发布，请重新打开预览后再发布")

// ErrName: a name that is not a Markdown page in one of Sections.
var ErrName = errors.New("只能是 publicity/、notices/ 或 winners/ 下的 .md 页面")

// CheckName refuses a name outside Sections or not a plain .md page.
func CheckName(name string) error {
	dir, file := path.Split(name)
	if name != path.Clean(name) || !slices.Contains(Sections, strings.TrimSuffix(dir, "/")) ||
		!strings.HasSuffix(file, ".md") || strings.HasPrefix(file, ".") || strings.HasPrefix(file, "_") || strings.ContainsAny(file, `\:`) {
		return fmt.Errorf("%q：%w", name, ErrName)
	}
	return nil
}

// Write creates each draft under dir, only where no file is. If any name
// is taken nothing is written (ExistsError names them all).
func Write(dir string, ds []drafts.Draft) error {
	var taken []string
	for _, d := range ds {
		if err := CheckName(d.Name); err != nil {
			return err
		}
		if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(d.Name))); err == nil {
			taken = append(taken, d.Name)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if len(taken) > 0 {
		return &ExistsError{Names: taken}
	}
	var written []string
	for _, d := range ds {
		file := filepath.Join(dir, filepath.FromSlash(d.Name))
		err := os.MkdirAll(filepath.Dir(file), 0o755)
		if err == nil {
			err = createNew(file, d.Data)
		}
		if err != nil {
			for _, w := range written {
				os.Remove(w)
			}
			if errors.Is(err, fs.ErrExist) {
				return &ExistsError{Names: []string{d.Name}}
			}
			return fmt.Errorf("写入 %s 出错：%w", d.Name, err)
		}
		written = append(written, file)
	}
	return nil
}

// createNew writes a file that must not exist yet (O_EXCL: of two writers
// at once, one fails).
func createNew(file string, data []byte) error {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(file)
	}
	return err
}

// Entry is a draft found in the content directory.
type Entry struct {
	Name string // publicity/pub-call-2026-candidates.md
	drafts.Info
	SHA256 string
	Data   []byte
}

// Sum is the hex SHA-256 of a page's bytes: what Publish checks.
func Sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// List returns the drafts (draft: true) in Sections under dir, by name.
// Pages that cannot be read as front matter are left out.
func List(dir string) ([]Entry, error) {
	var out []Entry
	for _, sec := range Sections {
		files, err := os.ReadDir(filepath.Join(dir, sec))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			name := sec + "/" + f.Name()
			if f.IsDir() || CheckName(name) != nil {
				continue
			}
			e, err := Read(dir, name)
			if err != nil || !e.Draft {
				continue
			}
			out = append(out, *e)
		}
	}
	return out, nil
}

// Read reads one page of Sections under dir.
func Read(dir, name string) (*Entry, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		return nil, err
	}
	info, err := drafts.Read(data)
	if err != nil {
		return nil, fmt.Errorf("%s：%w", name, err)
	}
	return &Entry{Name: name, Info: info, SHA256: Sum(data), Data: data}, nil
}

// Publish clears the draft flag of the page name under dir, if its bytes
// still hash to sum (else ErrChanged).
func Publish(dir, name, sum string) (*Entry, error) {
	e, err := Read(dir, name)
	if err != nil {
		return nil, err
	}
	if e.SHA256 != sum {
		return nil, ErrChanged
	}
	out, err := drafts.Publish(e.Data)
	if err != nil {
		return nil, err
	}
	file := filepath.Join(dir, filepath.FromSlash(name))
	tmp, err := os.CreateTemp(filepath.Dir(file), ".publish-*")
	if err != nil {
		return nil, err
	}
	_, err = tmp.Write(out)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// Check again just before the rename: a page changed meanwhile
		// is not replaced.
		if now, rerr := os.ReadFile(file); rerr != nil || Sum(now) != sum {
			err = ErrChanged
		}
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return nil, err
	}
	e.Data, e.SHA256, e.Draft = out, Sum(out), false
	return e, nil
}
