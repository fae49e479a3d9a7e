// Package winpub publishes the windows manifest (windows.json) to the
// store the replicas share, so that each intake replica can tell whether
// the copy it serves is the one the last build published: /readyz reports
// the version it serves and answers 503 while its copy is not the store's
// latest.
//
// A manifest's version is the first 16 hex digits of the SHA-256 of its
// canonical encoding (schedule.Manifest.Encode of the decoded manifest),
// so the build's file and a replica's decoded copy give the same version.
// Each publication is a small record, site/windows/<generated>-<version>.json
// (generated: the build's time in nanoseconds, zero-padded, so that keys
// sort by time), created only if absent; the latest is the highest key. A
// publisher writes only a version newer than the latest (by generated
// time) and different from it, and deletes all but the last Keep records.
package winpub

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/storage"
)

// Prefix is where the publication records are kept in the store.
const Prefix = "site/windows/"

// Keep is how many publication records a publisher leaves.
const Keep = 5

// Record is one publication of the manifest.
type Record struct {
	Version   string    `json:"version"`
	SHA256    string    `json:"sha256"`
	Generated time.Time `json:"generated"`
	Size      int       `json:"size"`
}

// Version is the manifest's version (see the package comment), and its
// canonical encoding's SHA-256.
func Version(m *schedule.Manifest) (version, sum string, err error) {
	data, err := m.Encode()
	if err != nil {
		return "", "", err
	}
	h := sha256.Sum256(data)
	sum = hex.EncodeToString(h[:])
	return sum[:16], sum, nil
}

func key(r Record) string {
	return fmt.Sprintf("%s%020d-%s.json", Prefix, r.Generated.UnixNano(), r.Version)
}

// Latest returns the latest publication, ok false when there is none.
func Latest(ctx context.Context, store storage.Store) (Record, bool, error) {
	rec, ok, _, err := latest(ctx, store)
	return rec, ok, err
}

func latest(ctx context.Context, store storage.Store) (Record, bool, []string, error) {
	for range 3 {
		infos, err := store.List(ctx, Prefix)
		if err != nil {
			return Record{}, false, nil, fmt.Errorf("windows record: %w", err)
		}
		var keys []string
		for _, in := range infos {
			if strings.HasSuffix(in.Key, ".json") {
				keys = append(keys, in.Key)
			}
		}
		if len(keys) == 0 {
			return Record{}, false, nil, nil
		}
		last := keys[len(keys)-1]
		rd, _, err := store.Get(ctx, last)
		if errors.Is(err, storage.ErrNotFound) {
			continue // cleaned up between the List and the Get: a newer one is there
		}
		if err != nil {
			return Record{}, false, nil, fmt.Errorf("windows record: %w", err)
		}
		data, err := io.ReadAll(io.LimitReader(rd, 64<<10))
		rd.Close()
		if err != nil {
			return Record{}, false, nil, fmt.Errorf("windows record: %w", err)
		}
		var rec Record
		if err := json.Unmarshal(data, &rec); err != nil || rec.Version == "" {
			return Record{}, false, nil, fmt.Errorf("windows record %s: unreadable: %v", last, err)
		}
		return rec, true, keys[:len(keys)-1], nil
	}
	return Record{}, false, nil, fmt.Errorf("windows record: the latest kept disappearing")
}

// Publish records data (windows.json as built) as generated at: only if
// its version differs from the latest record's and at is after the
// latest's generated time. It reports whether it wrote a record, and the
// latest record after it.
func Publish(ctx context.Context, store storage.Store, data []byte, at time.Time) (Record, bool, error) {
	m, err := schedule.DecodeManifest(data)
	if err != nil {
		return Record{}, false, err
	}
	version, sum, err := Version(m)
	if err != nil {
		return Record{}, false, err
	}
	rec := Record{Version: version, SHA256: sum, Generated: at.UTC(), Size: len(data)}
	cur, ok, _, err := latest(ctx, store)
	if err != nil {
		return Record{}, false, err
	}
	if ok && (cur.Version == version || !at.After(cur.Generated)) {
		return cur, false, nil
	}
	body, err := json.Marshal(rec)
	if err != nil {
		return Record{}, false, err
	}
	_, err = store.Put(ctx, key(rec), bytes.NewReader(body), storage.PutOptions{IfAbsent: true, ContentType: "application/json"})
	if err != nil && !errors.Is(err, storage.ErrExists) {
		return Record{}, false, fmt.Errorf("windows record: %w", err)
	}
	wrote := err == nil
	now, _, older, err := latest(ctx, store)
	if err != nil {
		return Record{}, wrote, err
	}
	if len(older) > Keep-1 {
		for _, k := range older[:len(older)-(Keep-1)] {
			_ = store.Delete(ctx, k) // best effort: the next publisher deletes what is left
		}
	}
	return now, wrote, nil
}

// Checker compares a replica's manifest with the store's latest record,
// reading the store at most once per Every (readyz may be polled often).
type Checker struct {
	Store storage.Store
	Every time.Duration
	Now   func() time.Time

	mu     sync.Mutex
	read   time.Time
	rec    Record
	ok     bool
	err    error
	served *schedule.Manifest
	ver    string
}

// Status is what Check found.
type Status struct {
	Served string // the version this replica serves
	Stored string // the store's latest, "" when none was published
	// Stale: a version was published and this replica serves another
	// (an older copy, or one no build published).
	Stale bool
}

// Check compares m (the manifest this replica serves) with the store's
// latest record. With no record in the store nothing is stale.
func (c *Checker) Check(ctx context.Context, m *schedule.Manifest) (Status, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	if m != c.served || c.ver == "" {
		v, _, err := Version(m)
		if err != nil {
			return Status{}, err
		}
		c.served, c.ver = m, v
	}
	if c.read.IsZero() || now().Sub(c.read) >= c.Every {
		c.rec, c.ok, c.err = Latest(ctx, c.Store)
		c.read = now()
	}
	st := Status{Served: c.ver}
	if c.err != nil {
		return st, c.err
	}
	if c.ok {
		st.Stored = c.rec.Version
		st.Stale = c.rec.Version != c.ver
	}
	return st, nil
}
