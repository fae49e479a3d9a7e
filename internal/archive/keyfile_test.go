package archive

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeKey(t *testing.T, name string, key []byte, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, mode); err != nil { // whatever the umask
		t.Fatal(err)
	}
}

// TestKeyFilePermissions: a key file readable or writable by group or
// others is refused with the chmod that fixes it; 0600 and 0400 are fine.
func TestKeyFilePermissions(t *testing.T) {
	dir := t.TempDir()
	cfg := DefaultConfig()
	cfg.IdentityKeyFile = filepath.Join(dir, "identity.key")
	key := bytes.Repeat([]byte{9}, 32)
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o620, 0o660} {
		writeKey(t, cfg.IdentityKeyFile, key, mode)
		_, _, err := cfg.IdentityKeyBytes(true)
		if err == nil || !strings.Contains(err.Error(), "chmod 600 "+cfg.IdentityKeyFile) {
			t.Errorf("mode %04o: %v, want a refusal naming chmod 600", mode, err)
		}
	}
	for _, mode := range []os.FileMode{0o600, 0o400} {
		writeKey(t, cfg.IdentityKeyFile, key, mode)
		got, info, err := cfg.IdentityKeyBytes(false)
		if err != nil || !bytes.Equal(got, key) || info.File != cfg.IdentityKeyFile || info.Created || info.Legacy {
			t.Errorf("mode %04o: %v %+v", mode, err, info)
		}
	}
	// The record key's file is checked the same way.
	writeKey(t, cfg.RecordKeyFileName(), key, 0o644)
	if _, _, _, err := cfg.RecordKeyBytes(false); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("record key 0644: %v", err)
	}
}

// failingKeyFile is a temporary key file whose Write or Sync fails, as on a
// full disk.
type failingKeyFile struct {
	*os.File
	failWrite, failSync bool
}

var errDiskFull = errors.New("no space left on device")

func (f *failingKeyFile) Write(p []byte) (int, error) {
	if f.failWrite {
		n, _ := f.File.Write(p[:len(p)/2]) // a partial write
		return n, errDiskFull
	}
	return f.File.Write(p)
}

func (f *failingKeyFile) Sync() error {
	if f.failSync {
		return errDiskFull
	}
	return f.File.Sync()
}

// TestCreateKeyFileFailure: when writing the new key fails, no key file —
// empty, partial or whole — and no temporary file is left.
func TestCreateKeyFileFailure(t *testing.T) {
	for name, f := range map[string]failingKeyFile{"write": {failWrite: true}, "sync": {failSync: true}} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "keys")
			target := filepath.Join(dir, "identity.key")
			err := createKeyFile(target, bytes.Repeat([]byte{1}, 32), func(dir string) (keyFile, error) {
				tmp, err := os.CreateTemp(dir, ".key-*.tmp")
				f.File = tmp
				return &f, err
			})
			if !errors.Is(err, errDiskFull) {
				t.Fatalf("createKeyFile: %v, want the write's error", err)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 0 {
				t.Errorf("left behind in %s: %v", dir, entries)
			}
		})
	}
}

// TestCreateKeyFileNeverOverwrites: an existing key file is never
// replaced, and a fresh one is private and holds the key.
func TestCreateKeyFileNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "identity.key")
	old := bytes.Repeat([]byte{2}, 32)
	writeKey(t, target, old, 0o600)
	if err := createKeyFile(target, bytes.Repeat([]byte{3}, 32), tempKeyFile); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("over an existing file: %v, want fs.ErrExist", err)
	}
	if got, err := readKeyFile("身份密钥", target); err != nil || !bytes.Equal(got, old) {
		t.Errorf("existing key changed: %v", err)
	}
	fresh := filepath.Join(dir, "sub", "record.key")
	if err := createKeyFile(fresh, old, tempKeyFile); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(fresh)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("new key file %v %v, want mode 0600", fi, err)
	}
	if got, err := readKeyFile("记录密钥", fresh); err != nil || !bytes.Equal(got, old) {
		t.Errorf("new key file does not read back: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(fresh)); len(entries) != 1 {
		t.Errorf("temporary file left: %v", entries)
	}
}

// TestKeyDefaults: make run's keys live in ./keys, outside ./data; an
// install whose identity key is still at the old default data/identity.key
// keeps working (KeyInfo.Legacy, for the warning), and a new key is never
// made beside an existing legacy one.
func TestKeyDefaults(t *testing.T) {
	t.Chdir(t.TempDir())
	cfg, err := LoadConfig("", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.IdentityKeyFile != "keys/identity.key" || cfg.RecordKeyFileName() != filepath.Join("keys", "record.key") {
		t.Fatalf("default key files %s, %s", cfg.IdentityKeyFile, cfg.RecordKeyFileName())
	}
	if _, _, err := cfg.IdentityKeyBytes(false); !errors.Is(err, ErrNoIdentityKey) {
		t.Errorf("no key, no create: %v", err)
	}
	if _, _, _, err := cfg.RecordKeyBytes(false); !errors.Is(err, ErrNoRecordKey) {
		t.Errorf("no record key, no create: %v", err)
	}

	legacy := bytes.Repeat([]byte{4}, 32)
	writeKey(t, "data/identity.key", legacy, 0o600)
	got, info, err := cfg.IdentityKeyBytes(true)
	if err != nil || !bytes.Equal(got, legacy) || !info.Legacy || info.Created || info.File != LegacyIdentityKeyFile {
		t.Fatalf("legacy key: %v %+v", err, info)
	}
	if _, err := os.Stat("keys/identity.key"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a new identity key was made beside the legacy one: %v", err)
	}
	// Created on first start (award serve), then read.
	rec, _, info, err := cfg.RecordKeyBytes(true)
	if err != nil || !info.Created || info.File != filepath.Join("keys", "record.key") {
		t.Fatalf("record key creation: %v %+v", err, info)
	}
	if again, _, info, err := cfg.RecordKeyBytes(true); err != nil || info.Created || !bytes.Equal(again, rec) {
		t.Errorf("second start: %v %+v", err, info)
	}
	if fi, err := os.Stat("keys"); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("keys directory %v %v, want 0700", fi, err)
	}

	// Once moved, the new place wins and the warning goes.
	moved := bytes.Repeat([]byte{5}, 32)
	writeKey(t, "keys/identity.key", moved, 0o600)
	if got, info, err := cfg.IdentityKeyBytes(false); err != nil || !bytes.Equal(got, moved) || info.Legacy {
		t.Errorf("moved key: %v %+v", err, info)
	}
	// A file named explicitly is never looked for elsewhere.
	other := cfg
	other.IdentityKeyFile = "elsewhere/identity.key"
	if _, _, err := other.IdentityKeyBytes(false); !errors.Is(err, ErrNoIdentityKey) {
		t.Errorf("explicit missing file: %v", err)
	}
}

// TestKeyFileDamaged: an empty or short key file (a write cut short by an
// older version) is refused, never replaced by a fresh key.
func TestKeyFileDamaged(t *testing.T) {
	dir := t.TempDir()
	cfg := DefaultConfig()
	cfg.IdentityKeyFile = filepath.Join(dir, "identity.key")
	for _, content := range []string{"", "c2hvcnQ=\n", "not base64!"} {
		if err := os.WriteFile(cfg.IdentityKeyFile, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, _, err := cfg.IdentityKeyBytes(true)
		if err == nil || !strings.Contains(err.Error(), "离线备份") {
			t.Errorf("key file %q: %v", content, err)
		}
		if b, _ := os.ReadFile(cfg.IdentityKeyFile); string(b) != content {
			t.Errorf("key file %q replaced by %q", content, b)
		}
	}
}

// TestRecordKeysConfig: the current record key from the environment, old
// keys from AWARD_RECORD_KEYS_OLD (files, comma-separated).
func TestRecordKeysConfig(t *testing.T) {
	dir := t.TempDir()
	cur, k1, k2 := bytes.Repeat([]byte{6}, 32), bytes.Repeat([]byte{7}, 32), bytes.Repeat([]byte{8}, 32)
	writeKey(t, filepath.Join(dir, "old1.key"), k1, 0o600)
	writeKey(t, filepath.Join(dir, "old2.key"), k2, 0o400)
	env := map[string]string{"AWARD_RECORD_KEY": base64.StdEncoding.EncodeToString(cur),
		"AWARD_RECORD_KEYS_OLD": filepath.Join(dir, "old1.key") + ", " + filepath.Join(dir, "old2.key")}
	cfg, err := LoadConfig("", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	got, old, info, err := cfg.RecordKeyBytes(false)
	if err != nil || !bytes.Equal(got, cur) || info.File != "" || len(old) != 2 || !bytes.Equal(old[0], k1) || !bytes.Equal(old[1], k2) {
		t.Fatalf("RecordKeyBytes: %v %+v %d old", err, info, len(old))
	}
	cfg.RecordKeysOld = append(cfg.RecordKeysOld, filepath.Join(dir, "gone.key"))
	if _, _, _, err := cfg.RecordKeyBytes(false); err == nil || !strings.Contains(err.Error(), "gone.key") {
		t.Errorf("missing old key file: %v", err)
	}
	cfg.RecordKey = "c2hvcnQ="
	if _, _, _, err := cfg.RecordKeyBytes(false); err == nil || !strings.Contains(err.Error(), "AWARD_RECORD_KEY") {
		t.Errorf("short AWARD_RECORD_KEY: %v", err)
	}
}
