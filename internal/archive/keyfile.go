package archive

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Where the keys live. They are kept apart from the data directory, so that
// a backup of the data does not carry the keys that open and vouch for it.
const (
	// DefaultIdentityKeyFile is the identity key's file for make run; the
	// record key's is record.key beside it (DefaultRecordKeyName).
	DefaultIdentityKeyFile = "keys/identity.key"
	// LegacyIdentityKeyFile is where earlier versions kept the identity key
	// by default, inside the data directory. It is still read when the
	// configured file is the default and missing (KeyInfo.Legacy), so that
	// existing installs keep working until the key is moved.
	LegacyIdentityKeyFile = "data/identity.key"
	// DefaultRecordKeyName is the record key's file name in the identity
	// key file's directory, when RecordKeyFile is not set.
	DefaultRecordKeyName = "record.key"
)

// KeyInfo says where a key was found.
type KeyInfo struct {
	// File is the key file read or created; "" when the key was given in
	// the environment or intake.yaml.
	File string
	// Created: File did not exist and was created with a fresh key.
	Created bool
	// Legacy: File is LegacyIdentityKeyFile, inside the data directory,
	// where a backup of the data takes the key along: it should be moved.
	Legacy bool
}

// keySpec is one of the intake's keys as configured.
type keySpec struct {
	what    string // for people: 身份密钥, 记录密钥
	env     string // variable of the key itself (base64)
	value   string // the key itself, base64, or ""
	file    string // the key file
	legacy  string // read instead of a missing file, if set
	missing error  // returned when there is no key and none may be made
}

// keyBytes is the length of every key.
const keyBytes = 32

// load returns the key: the configured value, else the file (or the legacy
// file), else — when create is true — a fresh key written to the file.
func (k keySpec) load(create bool) ([]byte, KeyInfo, error) {
	if k.value != "" {
		key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(k.value))
		if err != nil || len(key) != keyBytes {
			return nil, KeyInfo{}, fmt.Errorf("%s %s 应为 32 字节随机数的 base64（44 个字符，可用 head -c 32 /dev/urandom | base64 生成），请检查是否抄写完整", k.what, k.env)
		}
		return key, KeyInfo{}, nil
	}
	key, err := readKeyFile(k.what, k.file)
	if err == nil {
		return key, KeyInfo{File: k.file}, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, KeyInfo{}, err
	}
	if k.legacy != "" {
		key, lerr := readKeyFile(k.what, k.legacy)
		if lerr == nil {
			return key, KeyInfo{File: k.legacy, Legacy: true}, nil
		}
		if !errors.Is(lerr, fs.ErrNotExist) {
			return nil, KeyInfo{}, lerr
		}
	}
	if !create {
		return nil, KeyInfo{}, fmt.Errorf("找不到%s文件 %s：%w", k.what, k.file, k.missing)
	}
	fresh := make([]byte, keyBytes)
	rand.Read(fresh) // crypto/rand.Read never fails
	err = createKeyFile(k.file, fresh, tempKeyFile)
	if errors.Is(err, fs.ErrExist) {
		// Another process created it meanwhile: use that one.
		key, err := readKeyFile(k.what, k.file)
		return key, KeyInfo{File: k.file}, err
	}
	if err != nil {
		return nil, KeyInfo{}, fmt.Errorf("无法新建%s文件 %s：%w（请检查目录权限和磁盘空间后重试）", k.what, k.file, err)
	}
	return fresh, KeyInfo{File: k.file, Created: true}, nil
}

// readKeyFile reads a key file: base64 of 32 bytes, readable and writable
// by its owner only. A missing file gives an error matching fs.ErrNotExist.
func readKeyFile(what, name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("无法读取%s文件 %s：%w（请确认运行 award 的用户对它有读权限）", what, name, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("无法读取%s文件 %s：%w", what, name, err)
	}
	if perm := fi.Mode().Perm(); runtime.GOOS != "windows" && perm&0o077 != 0 {
		return nil, fmt.Errorf("%s文件 %s 的权限是 %04o，同组或其他用户也能读取或改写它，因此不启动：请执行 chmod 600 %s（并确认文件属主是运行 award 的用户）后重试", what, name, perm, name)
	}
	data, err := io.ReadAll(io.LimitReader(f, 1024))
	if err != nil {
		return nil, fmt.Errorf("无法读取%s文件 %s：%w", what, name, err)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(key) != keyBytes {
		return nil, fmt.Errorf("%s文件 %s 的内容不是 32 字节密钥的 base64（共 %d 字节）：请从离线备份恢复这把密钥；不要随意换成新密钥", what, name, len(data))
	}
	return key, nil
}

// keyFile is the temporary file a new key is written to; *os.File is one.
type keyFile interface {
	io.Writer
	Sync() error
	Close() error
	Name() string
}

// tempKeyFile creates a private temporary file in dir.
func tempKeyFile(dir string) (keyFile, error) {
	return os.CreateTemp(dir, ".key-*.tmp") // mode 0600
}

// createKeyFile writes key (as base64) to name without ever leaving an
// empty or partial key file, and without ever replacing one: it writes a
// temporary file in the same directory (made by newTemp), syncs it, links
// it to name — which fails with an error matching fs.ErrExist if name
// exists — and syncs the directory. On any failure the temporary file is
// removed and name is left as it was.
func createKeyFile(name string, key []byte, newTemp func(dir string) (keyFile, error)) error {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := newTemp(dir)
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after the link, name keeps the key
	_, err = f.Write([]byte(base64.StdEncoding.EncodeToString(key) + "\n"))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Link(tmp, name); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// ErrNoIdentityKey means no identity key is configured and none may be made;
// it is returned wrapped, naming the file looked for.
var ErrNoIdentityKey = errors.New("请把已有的身份密钥文件放在那里（默认 " + DefaultIdentityKeyFile + "，生产环境为 /etc/award/keys/identity.key），或用 AWARD_IDENTITY_KEY_FILE 指定它的位置，" +
	"或设置 AWARD_IDENTITY_KEY；新装时可用 (set -C; umask 077; head -c 32 /dev/urandom | base64 > 文件) 生成。密钥要另行离线备份，丢失后已加密的身份信息无法读出")

// ErrNoRecordKey means no record key is configured and none may be made;
// it is returned wrapped, naming the file looked for.
var ErrNoRecordKey = errors.New("请把已有的记录密钥文件放在那里（默认在身份密钥旁：keys/" + DefaultRecordKeyName + "，生产环境为 /etc/award/keys/" + DefaultRecordKeyName + "），" +
	"或用 AWARD_RECORD_KEY_FILE 指定它的位置，或设置 AWARD_RECORD_KEY；新装时可用 (set -C; umask 077; head -c 32 /dev/urandom | base64 > 文件) 生成。" +
	"密钥要另行离线备份，丢失后无法再核验已有的记录是否被改动")

// IdentityKeyBytes returns the identity key: IdentityKey, else the file
// IdentityKeyFile, else — when that is the default and missing — the
// legacy file data/identity.key (KeyInfo.Legacy: the caller should warn).
// With none, it creates IdentityKeyFile with a fresh key when create is
// true (award serve, for make run), and fails with ErrNoIdentityKey
// otherwise: a lost key must never be replaced silently. A key file must
// be private to its owner (no group or other permission bits), else it is
// refused; it is created atomically and never overwritten.
func (c *Config) IdentityKeyBytes(create bool) ([]byte, KeyInfo, error) {
	k := keySpec{what: "身份密钥", env: "AWARD_IDENTITY_KEY",
		value: c.IdentityKey, file: c.IdentityKeyFile, missing: ErrNoIdentityKey}
	if filepath.Clean(c.IdentityKeyFile) == filepath.Clean(DefaultIdentityKeyFile) {
		k.legacy = LegacyIdentityKeyFile
	}
	return k.load(create)
}

// RecordKeyFileName is the record key's file: RecordKeyFile, or
// record.key in IdentityKeyFile's directory.
func (c *Config) RecordKeyFileName() string {
	if c.RecordKeyFile != "" {
		return c.RecordKeyFile
	}
	return filepath.Join(filepath.Dir(c.IdentityKeyFile), DefaultRecordKeyName)
}

// RecordKeyBytes returns the record key that signs (RecordKey, else the
// file RecordKeyFileName, handled as IdentityKeyBytes handles the identity
// key's, failing with ErrNoRecordKey) and the old record keys, read from
// the files RecordKeysOld, which only verify.
func (c *Config) RecordKeyBytes(create bool) (current []byte, old [][]byte, info KeyInfo, err error) {
	k := keySpec{what: "记录密钥", env: "AWARD_RECORD_KEY",
		value: c.RecordKey, file: c.RecordKeyFileName(), missing: ErrNoRecordKey}
	current, info, err = k.load(create)
	if err != nil {
		return nil, nil, KeyInfo{}, err
	}
	for _, name := range c.RecordKeysOld {
		key, err := readKeyFile("旧记录密钥", name)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, KeyInfo{}, fmt.Errorf("找不到旧记录密钥文件 %s（AWARD_RECORD_KEYS_OLD / recordKeysOld）：请恢复该文件，或从列表中去掉它（去掉后它签过的记录将报告为无法核验）", name)
		}
		if err != nil {
			return nil, nil, KeyInfo{}, err
		}
		old = append(old, key)
	}
	return current, old, info, nil
}
