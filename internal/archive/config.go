package archive

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/zhongmou/award/storage"
)

// Config says where the archive keeps its objects and its keys, how long
// it keeps submissions and how often its janitor sweeps. Defaults
// (DefaultConfig) suit `make run`: storage in ./data, keys in ./keys, no
// other service. A YAML file (intake.yaml: the intake's own settings sit
// beside these) overrides the defaults, and AWARD_* environment variables
// override the file. award serve, award intake, award export, award status
// and award audit all open the archive from it.
type Config struct {
	// DataDir is the local storage directory used when S3 is not
	// configured (env AWARD_DATA_DIR).
	DataDir string `yaml:"dataDir"`
	// S3 selects S3-compatible storage when Endpoint is set
	// (env AWARD_S3_ENDPOINT, AWARD_S3_BUCKET, AWARD_S3_ACCESS_KEY,
	// AWARD_S3_SECRET_KEY, AWARD_S3_REGION, AWARD_S3_INSECURE=1 for plain
	// HTTP, AWARD_S3_SSE=1 for server-side encryption, which the server
	// must confirm at start).
	S3 storage.S3Config `yaml:"s3"`
	// IdentityKey is the base64 of the 32-byte key that seals submitters'
	// identities (env AWARD_IDENTITY_KEY). If empty, IdentityKeyFile (env
	// AWARD_IDENTITY_KEY_FILE, default keys/identity.key, outside the data
	// directory) is read; award serve creates it with a fresh key if
	// missing, nothing else does. See IdentityKeyBytes.
	IdentityKey     string `yaml:"identityKey"`
	IdentityKeyFile string `yaml:"identityKeyFile"`
	// RecordKey is the base64 of the 32-byte HMAC key that signs the stored
	// records (manifests, status records, the ledger) so that changes show
	// (env AWARD_RECORD_KEY). If empty, RecordKeyFile is read (env
	// AWARD_RECORD_KEY_FILE; default record.key in IdentityKeyFile's
	// directory), handled like the identity key's file. RecordKeysOld are
	// files of earlier record keys, kept after a rotation to verify what
	// they signed (env AWARD_RECORD_KEYS_OLD, comma-separated). See
	// RecordKeyBytes.
	RecordKey     string   `yaml:"recordKey"`
	RecordKeyFile string   `yaml:"recordKeyFile"`
	RecordKeysOld []string `yaml:"recordKeysOld"`
	// RetentionDays is the least time a submission is kept after it was
	// received, whatever Retention says (env AWARD_RETENTION_DAYS). 0 keeps
	// everything: the janitor then purges nothing.
	RetentionDays int `yaml:"retentionDays"`
	// Retention is how long submissions are kept by kind and outcome,
	// stated in each form's privacy notice (PIPL Art. 17); the janitor
	// purges them after it (see Retention).
	Retention Retention `yaml:"retention"`
	// JanitorEvery is how often the janitor sweeps; JanitorAfter is how old
	// an interrupted submission must be before it is swept (longer than any
	// upload can take; a live upload rewrites its in-flight record every
	// 64 MiB). Env AWARD_JANITOR_EVERY, AWARD_JANITOR_AFTER.
	JanitorEvery time.Duration `yaml:"janitorEvery"`
	JanitorAfter time.Duration `yaml:"janitorAfter"`
	// UploadExpiry is how long a staged upload (a file sent ahead of its
	// form, resumably) is kept unless a submission takes it; the janitor
	// then removes it. Env AWARD_UPLOAD_EXPIRY.
	UploadExpiry time.Duration `yaml:"uploadExpiry"`
}

// DefaultConfig returns the configuration of `make run`.
func DefaultConfig() Config {
	return Config{
		DataDir:         "data",
		IdentityKeyFile: DefaultIdentityKeyFile,
		RetentionDays:   1095,
		Retention:       DefaultRetention(),
		JanitorEvery:    10 * time.Minute,
		JanitorAfter:    2 * time.Hour,
		UploadExpiry:    24 * time.Hour,
	}
}

// LoadConfig reads the archive's settings from a YAML file over the
// defaults (a missing file is fine; the file's other settings, the
// intake's, are left to it) and then the environment.
func LoadConfig(file string, getenv func(string) string) (Config, error) {
	cfg := DefaultConfig()
	if err := ReadConfigFile(file, &cfg, false); err != nil {
		return Config{}, err
	}
	if err := cfg.ApplyEnv(getenv); err != nil {
		return Config{}, err
	}
	return cfg, cfg.Check()
}

// ReadConfigFile decodes the YAML file over cfg; a missing file (or none
// named) leaves cfg as it is. Strict refuses keys cfg does not have.
func ReadConfigFile(file string, cfg any, strict bool) error {
	if file == "" {
		return nil
	}
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(strict)
	if err := dec.Decode(cfg); err != nil && err.Error() != "EOF" {
		return fmt.Errorf("config %s: %w", file, err)
	}
	return nil
}

// ApplyEnv sets what the AWARD_* environment variables say.
func (c *Config) ApplyEnv(getenv func(string) string) error {
	env := Env{Getenv: getenv}
	env.Str("AWARD_DATA_DIR", &c.DataDir)
	env.Str("AWARD_S3_ENDPOINT", &c.S3.Endpoint)
	env.Str("AWARD_S3_BUCKET", &c.S3.Bucket)
	env.Str("AWARD_S3_ACCESS_KEY", &c.S3.AccessKey)
	env.Str("AWARD_S3_SECRET_KEY", &c.S3.SecretKey)
	env.Str("AWARD_S3_REGION", &c.S3.Region)
	env.Flag("AWARD_S3_INSECURE", &c.S3.Insecure)
	env.Flag("AWARD_S3_SSE", &c.S3.SSE)
	env.Str("AWARD_IDENTITY_KEY", &c.IdentityKey)
	env.Str("AWARD_IDENTITY_KEY_FILE", &c.IdentityKeyFile)
	env.Str("AWARD_RECORD_KEY", &c.RecordKey)
	env.Str("AWARD_RECORD_KEY_FILE", &c.RecordKeyFile)
	if v := getenv("AWARD_RECORD_KEYS_OLD"); v != "" {
		c.RecordKeysOld = nil
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				c.RecordKeysOld = append(c.RecordKeysOld, f)
			}
		}
	}
	env.Int("AWARD_RETENTION_DAYS", &c.RetentionDays, 0, "天数")
	env.Int("AWARD_VALIDITY_YEARS", &c.Retention.ValidityYears, 0, "年数")
	env.Int("AWARD_RETENTION_WON_YEARS", &c.Retention.WonYears, 0, "年数")
	env.Int("AWARD_RETENTION_OTHER_YEARS", &c.Retention.OtherYears, 0, "年数")
	env.Int("AWARD_RETENTION_OBJECTION_YEARS", &c.Retention.ObjectionYears, 0, "年数")
	env.Int("AWARD_RETENTION_REPORT_YEARS", &c.Retention.ReportYears, 0, "年数")
	env.Duration("AWARD_JANITOR_EVERY", &c.JanitorEvery, "10m 或 2h")
	env.Duration("AWARD_JANITOR_AFTER", &c.JanitorAfter, "10m 或 2h")
	env.Duration("AWARD_UPLOAD_EXPIRY", &c.UploadExpiry, "24h 或 90m")
	return env.Err
}

// Env reads AWARD_* settings: an unset or empty variable leaves its
// setting alone. Err is the first value that could not be read; later
// variables are then not read.
type Env struct {
	Getenv func(string) string
	Err    error
}

func (e *Env) get(name string) (string, bool) {
	if e.Err != nil {
		return "", false
	}
	v := e.Getenv(name)
	return v, v != ""
}

// Str sets a string.
func (e *Env) Str(name string, dst *string) {
	if v, ok := e.get(name); ok {
		*dst = v
	}
}

// Flag sets a boolean: 1, true or yes is true, anything else false.
func (e *Env) Flag(name string, dst *bool) {
	if v, ok := e.get(name); ok {
		*dst = v == "1" || strings.EqualFold(v, "true") || strings.EqualFold(v, "yes")
	}
}

// Int sets a whole number of at least least; what names it in the error
// (in Chinese, as 「天数」).
func (e *Env) Int(name string, dst *int, least int, what string) {
	if v, ok := e.get(name); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < least {
			bound := fmt.Sprintf("不小于 %d 的", least)
			if least == math.MinInt {
				bound = ""
			}
			e.Err = fmt.Errorf("环境变量 %s=%q 无效：应为%s整数（%s）", name, v, bound, what)
			return
		}
		*dst = n
	}
}

// Bytes sets a number of bytes of at least least.
func (e *Env) Bytes(name string, dst *int64, least int64) {
	if v, ok := e.get(name); ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < least {
			e.Err = fmt.Errorf("环境变量 %s=%q 无效：应为字节数（整数，如 1048576）", name, v)
			return
		}
		*dst = n
	}
}

// Duration sets a positive duration; example shows one in the error (Go's
// form: "10m", "2h").
func (e *Env) Duration(name string, dst *time.Duration, example string) {
	if v, ok := e.get(name); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			e.Err = fmt.Errorf("环境变量 %s=%q 无效：应为一段时间，写法如 %s（s 秒、m 分、h 小时）", name, v, example)
			return
		}
		*dst = d
	}
}

// Check refuses settings the archive cannot work with.
func (c *Config) Check() error {
	if c.S3.Endpoint != "" && (c.S3.Bucket == "" || c.S3.AccessKey == "" || c.S3.SecretKey == "") {
		return errors.New("配置有误：设置了 AWARD_S3_ENDPOINT，还需要设置 AWARD_S3_BUCKET、AWARD_S3_ACCESS_KEY 和 AWARD_S3_SECRET_KEY")
	}
	if c.S3.Endpoint == "" && c.DataDir == "" {
		return errors.New("配置有误：请设置存储目录 dataDir（AWARD_DATA_DIR）或 S3 存储（AWARD_S3_ENDPOINT）")
	}
	if c.RetentionDays < 0 || c.JanitorEvery <= 0 || c.JanitorAfter <= 0 || c.UploadExpiry < 0 {
		return errors.New("配置有误：retentionDays 和 uploadExpiry 不能为负数，janitorEvery 和 janitorAfter 必须大于 0")
	}
	return c.Retention.check()
}
