package archive

import (
	"bytes"
	"fmt"
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
	// RetentionDays is how long submissions are kept, stated in the
	// privacy notice (PIPL Art. 17); the janitor purges them after it. 0
	// keeps everything.
	RetentionDays int `yaml:"retentionDays"`
	// JanitorEvery is how often the janitor sweeps; JanitorAfter is how old
	// an interrupted submission must be before it is swept (longer than any
	// upload can take; a live upload rewrites its in-flight record every
	// 64 MiB). Env AWARD_JANITOR_EVERY, AWARD_JANITOR_AFTER.
	JanitorEvery time.Duration `yaml:"janitorEvery"`
	JanitorAfter time.Duration `yaml:"janitorAfter"`
}

// DefaultConfig returns the configuration of `make run`.
func DefaultConfig() Config {
	return Config{
		DataDir:         "data",
		IdentityKeyFile: DefaultIdentityKeyFile,
		RetentionDays:   1095,
		JanitorEvery:    10 * time.Minute,
		JanitorAfter:    2 * time.Hour,
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
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	flag := func(name string, dst *bool) {
		if v := getenv(name); v != "" {
			*dst = v == "1" || strings.EqualFold(v, "true") || strings.EqualFold(v, "yes")
		}
	}
	str("AWARD_DATA_DIR", &c.DataDir)
	str("AWARD_S3_ENDPOINT", &c.S3.Endpoint)
	str("AWARD_S3_BUCKET", &c.S3.Bucket)
	str("AWARD_S3_ACCESS_KEY", &c.S3.AccessKey)
	str("AWARD_S3_SECRET_KEY", &c.S3.SecretKey)
	str("AWARD_S3_REGION", &c.S3.Region)
	flag("AWARD_S3_INSECURE", &c.S3.Insecure)
	flag("AWARD_S3_SSE", &c.S3.SSE)
	str("AWARD_IDENTITY_KEY", &c.IdentityKey)
	str("AWARD_IDENTITY_KEY_FILE", &c.IdentityKeyFile)
	str("AWARD_RECORD_KEY", &c.RecordKey)
	str("AWARD_RECORD_KEY_FILE", &c.RecordKeyFile)
	if v := getenv("AWARD_RECORD_KEYS_OLD"); v != "" {
		c.RecordKeysOld = nil
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				c.RecordKeysOld = append(c.RecordKeysOld, f)
			}
		}
	}
	if v := getenv("AWARD_RETENTION_DAYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("AWARD_RETENTION_DAYS=%q: not a number of days", v)
		}
		c.RetentionDays = n
	}
	for name, dst := range map[string]*time.Duration{"AWARD_JANITOR_EVERY": &c.JanitorEvery, "AWARD_JANITOR_AFTER": &c.JanitorAfter} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return fmt.Errorf("%s=%q: not a duration such as 10m or 2h", name, v)
			}
			*dst = d
		}
	}
	return nil
}

// Check refuses settings the archive cannot work with.
func (c *Config) Check() error {
	if c.S3.Endpoint != "" && (c.S3.Bucket == "" || c.S3.AccessKey == "" || c.S3.SecretKey == "") {
		return fmt.Errorf("config: AWARD_S3_ENDPOINT is set; AWARD_S3_BUCKET, AWARD_S3_ACCESS_KEY and AWARD_S3_SECRET_KEY are needed too")
	}
	if c.S3.Endpoint == "" && c.DataDir == "" {
		return fmt.Errorf("config: set dataDir (AWARD_DATA_DIR) or S3 storage (AWARD_S3_ENDPOINT)")
	}
	if c.RetentionDays < 0 || c.JanitorEvery <= 0 || c.JanitorAfter <= 0 {
		return fmt.Errorf("config: retentionDays must not be negative, janitorEvery and janitorAfter must be positive")
	}
	return nil
}
