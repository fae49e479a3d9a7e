package main

import (
	"errors"
	"io/fs"
	"os"
	"path"

	award "github.com/zhongmou/award"
)

// Default sources, relative to the working directory: the repository's
// layout, and the paths under which a program built by make dist carries
// its built-in copy (award.Defaults).
const (
	defaultContent   = "content"
	defaultTheme     = "themes/default"
	defaultConfig    = "site.yaml"
	defaultHolidays  = "holidays.yaml"
	defaultTownships = "townships.yaml"
)

// builtInDir returns the built-in copy of the directory def when dir is
// that default (the flag not given, or given as the default), it is not on
// the disk, and the program carries it (make dist). A directory on the
// disk always wins, so a county's own content/ beside the program is used.
func builtInDir(dir, def string) (fs.FS, bool) {
	if award.Defaults == nil || path.Clean(dir) != def {
		return nil, false
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		return nil, false
	}
	sub, err := fs.Sub(award.Defaults, def)
	if err != nil {
		return nil, false
	}
	if _, err := fs.Stat(sub, "."); err != nil {
		return nil, false
	}
	return sub, true
}

// readSource reads the file name; when it is the default def, is not on
// the disk and the program carries a built-in copy (make dist), that copy
// is read instead. Any other error is os.ReadFile's.
func readSource(name, def string) ([]byte, error) {
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) && award.Defaults != nil && path.Clean(name) == def {
		if b, ferr := fs.ReadFile(award.Defaults, def); ferr == nil {
			return b, nil
		}
	}
	return data, err
}

// usesBuiltIn reports whether the flags' content or theme is the
// program's built-in copy (nothing on the disk to watch).
func (f *buildFlags) usesBuiltIn() bool {
	_, c := builtInDir(f.content, defaultContent)
	_, t := builtInDir(f.theme, defaultTheme)
	return c || t
}
