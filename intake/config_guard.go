package intake

import (
	"fmt"
	"time"

	"github.com/zhongmou/award/internal/archive"
)

// Connections bound the connections of the listener that serves the site
// and the intake (see package connguard), so that no number of slow or
// silent clients can exhaust the process's file descriptors.
type Connections struct {
	// Max is the most connections open at once (env AWARD_MAX_CONNS);
	// keep it well below the unit's LimitNOFILE. Default 1024.
	Max int `yaml:"max"`
	// PerClient is the most one client may hold (env
	// AWARD_MAX_CONNS_PER_CLIENT). Default 32. Not applied with TrustProxy,
	// where every connection comes from the proxy: nginx's limit_conn
	// bounds clients there.
	PerClient int `yaml:"perClient"`
	// BodyTimeout is how long the body of a request may take to arrive
	// (env AWARD_BODY_TIMEOUT); uploads move it forward while bytes flow
	// (StallTimeout). Default 60s.
	BodyTimeout time.Duration `yaml:"bodyTimeout"`
}

// DefaultConnections are the connection limits of the default config.
func DefaultConnections() Connections {
	return Connections{Max: 1024, PerClient: 32, BodyTimeout: 60 * time.Second}
}

// Memory bounds what all requests in progress hold at once. A request that
// cannot get its share within Wait is refused with 503 and Retry-After
// (nothing stored, the person's entries kept on the form) instead of
// growing the process past its memory limit.
type Memory struct {
	// SmallBuffers bounds the 1 MiB buffer every upload to S3 storage
	// starts with (env AWARD_MEM_SMALL_BUFFERS, bytes). Default 32 MiB.
	SmallBuffers int64 `yaml:"smallBuffers"`
	// PartBuffers bounds the two part buffers of each larger upload to S3
	// storage, and the third it takes when there is room (env
	// AWARD_MEM_PART_BUFFERS, bytes). Default 128 MiB: eight large uploads
	// at once with 8 MiB parts.
	PartBuffers int64 `yaml:"partBuffers"`
	// FormText bounds the text fields held by all requests (env
	// AWARD_MEM_FORM_TEXT, bytes). Default 16 MiB.
	FormText int64 `yaml:"formText"`
	// Wait is how long a request waits for its share (env
	// AWARD_MEM_WAIT). Default 10s.
	Wait time.Duration `yaml:"wait"`
	// SoftLimit is the Go runtime's soft memory limit, set at start unless
	// the environment sets GOMEMLIMIT (env AWARD_MEM_SOFT_LIMIT, bytes;
	// 0: none). Default 240 MiB, under the unit's MemoryMax=512M.
	SoftLimit int64 `yaml:"softLimit"`
}

// DefaultMemory is the memory budget of the default config.
func DefaultMemory() Memory {
	return Memory{SmallBuffers: 32 << 20, PartBuffers: 128 << 20, FormText: 16 << 20, Wait: 10 * time.Second, SoftLimit: 240 << 20}
}

// applyGuardEnv reads the connection and memory settings' AWARD_* variables.
func (c *Config) applyGuardEnv(env *archive.Env) {
	env.Int("AWARD_MAX_CONNS", &c.Connections.Max, 0, "个数")
	env.Int("AWARD_MAX_CONNS_PER_CLIENT", &c.Connections.PerClient, 0, "个数")
	env.Int("AWARD_CLIENT_IPV6_PREFIX", &c.ClientIPv6Prefix, 0, "前缀长度，位数")
	env.Bytes("AWARD_MEM_SMALL_BUFFERS", &c.Memory.SmallBuffers, 0)
	env.Bytes("AWARD_MEM_PART_BUFFERS", &c.Memory.PartBuffers, 0)
	env.Bytes("AWARD_MEM_FORM_TEXT", &c.Memory.FormText, 0)
	env.Bytes("AWARD_MEM_SOFT_LIMIT", &c.Memory.SoftLimit, 0)
	env.Bytes("AWARD_MAX_FORM_TEXT_BYTES", &c.Limits.MaxFormTextBytes, 0)
	env.Duration("AWARD_BODY_TIMEOUT", &c.Connections.BodyTimeout, "30s 或 2m")
	env.Duration("AWARD_MEM_WAIT", &c.Memory.Wait, "30s 或 2m")
}

func (c *Config) checkGuards() error {
	switch {
	case c.Connections.Max < 1 || c.Connections.PerClient < 0:
		return fmt.Errorf("intake config: connections.max must be at least 1 and connections.perClient not negative")
	case c.Connections.BodyTimeout <= 0:
		return fmt.Errorf("intake config: connections.bodyTimeout must be positive, e.g. 60s")
	case c.Memory.SmallBuffers < 1<<20 || c.Memory.FormText < c.Limits.MaxFormTextBytes || c.Memory.Wait <= 0:
		return fmt.Errorf("intake config: memory.smallBuffers must be at least 1 MiB, memory.formText at least limits.maxFormTextBytes, memory.wait positive")
	case c.Memory.PartBuffers < 2*5<<20:
		return fmt.Errorf("intake config: memory.partBuffers must hold two parts of at least 5 MiB")
	case c.Limits.MaxFormTextBytes < maxFieldBytes:
		return fmt.Errorf("intake config: limits.maxFormTextBytes must be at least %d", maxFieldBytes)
	case c.ClientIPv6Prefix < 1 || c.ClientIPv6Prefix > 128:
		return fmt.Errorf("intake config: clientIPv6Prefix must be between 1 and 128, e.g. 64")
	}
	return nil
}
