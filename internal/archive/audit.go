package archive

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/zhongmou/award/storage"
)

// AuditPrefix is where the audit log is kept: one object per record,
// audit/<action>/<time>-<random>.json, never overwritten.
const AuditPrefix = "audit/"

// AuditRecord is one thing a member of the secretariat did (an export, a
// status update, …): who, when, what, on which submission. It never holds
// an identity or key material.
type AuditRecord struct {
	Time      time.Time `json:"time"`
	Operator  string    `json:"operator"`
	Action    string    `json:"action"` // export, status, …: a key element ([a-z0-9-])
	Reference string    `json:"reference,omitempty"`
	// Details are the action's own particulars (an export's options and
	// counts, a status's new state).
	Details any `json:"details,omitempty"`
}

// auditTimeLayout sorts lexically in time order and fits storage keys.
const auditTimeLayout = "2006-01-02t15-04-05.000000000z"

// AuditKey is a fresh key for a record of action written at t.
func AuditKey(action string, t time.Time) string {
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s%s/%s-%s.json", AuditPrefix, action, t.UTC().Format(auditTimeLayout), hex.EncodeToString(b[:]))
}

// WriteAudit appends rec to the audit log in store (Time set to now when
// zero) and returns its key. The export, which runs on a store of its own,
// writes through it as the Archive does.
func WriteAudit(ctx context.Context, store storage.Store, rec AuditRecord) (string, error) {
	if rec.Time.IsZero() {
		rec.Time = time.Now()
	}
	rec.Time = rec.Time.UTC()
	data, err := json.Marshal(rec)
	if err != nil {
		return "", fmt.Errorf("audit %s: %w", rec.Action, err)
	}
	data = append(data, '\n')
	for range 3 { // a fresh random key: taken only by a twin record of the same nanosecond
		key := AuditKey(rec.Action, rec.Time)
		_, err = store.Put(ctx, key, bytes.NewReader(data), storage.PutOptions{IfAbsent: true, ContentType: "application/json"})
		if err == nil {
			return key, nil
		}
		if !errors.Is(err, storage.ErrExists) {
			break
		}
	}
	return "", fmt.Errorf("audit %s: %w", rec.Action, err)
}

// Audit appends rec to the archive's audit log (see WriteAudit).
func (a *Archive) Audit(ctx context.Context, rec AuditRecord) (string, error) {
	if rec.Time.IsZero() {
		rec.Time = a.now()
	}
	return WriteAudit(ctx, a.store, rec)
}
