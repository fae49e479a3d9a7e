package watchfile

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func decodeWord(b []byte) (*string, error) {
	s := strings.TrimSpace(string(b))
	if s == "" || strings.ContainsAny(s, " \n") {
		return nil, errors.New("not one word")
	}
	return &s, nil
}

// TestFileFollowsChanges: a file missing at the start is picked up once it
// is written, a change is read again, and a bad or removed file leaves the
// last good value in place with the error reported.
func TestFileFollowsChanges(t *testing.T) {
	fsys := fstest.MapFS{}
	f := Open(fsys, "w.txt", 0, decodeWord)
	if f.Current() != nil || !errors.Is(f.Err(), fs.ErrNotExist) || !strings.Contains(f.Err().Error(), "w.txt") {
		t.Fatalf("missing file: current %v, err %v", f.Current(), f.Err())
	}
	fsys["w.txt"] = &fstest.MapFile{Data: []byte("甲\n"), ModTime: time.Unix(1, 0)}
	if got := f.Current(); got == nil || *got != "甲" || f.Err() != nil {
		t.Fatalf("file written later: current %v, err %v", got, f.Err())
	}
	fsys["w.txt"] = &fstest.MapFile{Data: []byte("乙\n"), ModTime: time.Unix(2, 0)}
	if got := f.Current(); got == nil || *got != "乙" {
		t.Fatalf("changed file not read again: %v", got)
	}
	fsys["w.txt"] = &fstest.MapFile{Data: []byte("两 个\n"), ModTime: time.Unix(3, 0)}
	if got := f.Current(); got == nil || *got != "乙" || f.Err() == nil || !strings.Contains(f.Err().Error(), "not one word") {
		t.Fatalf("bad file: current %v, err %v", got, f.Err())
	}
	delete(fsys, "w.txt")
	if got := f.Current(); got == nil || *got != "乙" || !errors.Is(f.Err(), fs.ErrNotExist) {
		t.Fatalf("removed file: current %v, err %v", got, f.Err())
	}
}

// TestFileChecksOncePerInterval: within the interval the file is not looked at.
func TestFileChecksOncePerInterval(t *testing.T) {
	fsys := fstest.MapFS{"w.txt": {Data: []byte("甲"), ModTime: time.Unix(1, 0)}}
	f := Open(fsys, "w.txt", time.Hour, decodeWord)
	fsys["w.txt"] = &fstest.MapFile{Data: []byte("乙"), ModTime: time.Unix(2, 0)}
	if got := f.Current(); got == nil || *got != "甲" {
		t.Fatalf("read again within the interval: %v", got)
	}
}
