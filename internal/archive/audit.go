package archive

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// The audit log records what members of the secretariat did: every
// sign-in, failure, lock, case view, identity view, download, export, stage
// change and account change, with who, when and from where.
//
// Layout. The log is a hash chain like the ledger (ledger.Chain): one
// object per record, audit/log/<seq>.json with seq zero-padded to 12 digits
// from 1, written only if absent, each holding the SHA-256 of the previous
// record's stored bytes (Prev) and a MAC under the record key over all of
// it. A writer that loses a number to another (two replicas, a CLI command
// beside the service) chains onto the winner's record, so the log has
// neither gaps nor forks. A record changed, removed, reordered or replaced
// — even by one who recomputes the hashes, without the key — shows when
// VerifyAudit (award audit verify) walks the chain, which names the first
// broken link.
//
// Records written before the log was chained, audit/<action>/<time>-<random>.json
// (and those WriteAudit still writes for callers without the record key),
// stay readable: AuditLog lists them as legacy (AuditQuery.Legacy) and
// VerifyAudit counts them; they carry no MAC and cannot be verified.
//
// Retention. Nothing removes audit records: the janitor's sweep and the
// retention purge touch only submissions and in-flight uploads, never
// audit/. Audit records are kept at least six months, as the 网络安全法
// (Cybersecurity Law) Art. 21 requires of network logs; in practice for as
// long as the store is kept.

// AuditPrefix is where the audit log is kept (all of it: the chain under
// AuditLogPrefix and the legacy records).
const AuditPrefix = "audit/"

// AuditLogPrefix is where the chained audit log is kept.
const AuditLogPrefix = AuditPrefix + "log/"

// auditLogName is what messages call the audit log.
const auditLogName = "审计日志"

// maxAuditBytes bounds how much of an audit record is read: no record is
// larger than a conditional write allows.
const maxAuditBytes = storage.MaxConditionalSize

// Audit actions the console and the commands write (AuditRecord.Action).
const (
	ActionLogin          = "login"
	ActionLoginFailed    = "login-failed"
	ActionLocked         = "locked"
	ActionLogout         = "logout"
	ActionCaseView       = "case-view"
	ActionIdentityView   = "identity-view"
	ActionDownload       = "download"
	ActionExport         = "export"
	ActionStage          = "stage"
	ActionStatus         = "status"
	ActionAccountAdd     = "account-add"
	ActionAccountPasswd  = "account-passwd"
	ActionAccountDisable = "account-disable"
	ActionPasswordChange = "password-change"
)

// AuditRecord is one thing a member of the secretariat did (a sign-in, a
// case view, an export, a stage change, …): who, when, from where, what, on
// which submission. It never holds an identity or key material.
type AuditRecord struct {
	// Seq is the record's number in the audit log, from 1; 0 for a legacy
	// record. Set when the record is appended.
	Seq       int64     `json:"seq,omitempty"`
	Time      time.Time `json:"time"`
	Operator  string    `json:"operator"`
	Action    string    `json:"action"` // ActionLogin, …: a key element ([a-z0-9-])
	Reference string    `json:"reference,omitempty"`
	// From is the client's address (the console's sign-ins and views);
	// "" for a command run on the server.
	From string `json:"from,omitempty"`
	// Details are the action's own particulars (an export's options and
	// counts, a stage's new stage, the reason typed for an identity view),
	// never an identity. Read back, they are the json.RawMessage stored.
	Details any `json:"details,omitempty"`
	// Prev is the SHA-256 (hex) of the previous record's stored bytes; ""
	// for the first record and for legacy ones. Set when appended.
	Prev string `json:"prev,omitempty"`
	// Signed is the MAC under the record key over all of the above; set
	// when appended.
	submission.Signed

	// Key is where the record is stored.
	Key string `json:"-"`
	// Legacy marks a record of the old layout: unchained, without a MAC.
	Legacy bool `json:"-"`
	// Problem, on a record read back, says in Chinese what is wrong with
	// it (it does not decode, lies out of place, fails its MAC); "" when it
	// is authentic (or legacy, which cannot be checked).
	Problem string `json:"-"`
}

// validAction is a key element: what AuditRecord.Action must be.
var validAction = regexp.MustCompile(`^[a-z0-9-]{1,64}$`)

// checkAction refuses an action that is not a key element.
func checkAction(action string) error {
	if !validAction.MatchString(action) {
		return fmt.Errorf("审计记录的操作 %q 不合规定（只能用小写字母、数字和连字符）", action)
	}
	return nil
}

// auditTimeLayout sorts lexically in time order and fits storage keys.
const auditTimeLayout = "2006-01-02t15-04-05.000000000z"

// AuditKey is a fresh legacy key for a record of action written at t
// (audit/<action>/<time>-<random>.json).
func AuditKey(action string, t time.Time) string {
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s%s/%s-%s.json", AuditPrefix, action, t.UTC().Format(auditTimeLayout), hex.EncodeToString(b[:]))
}

// WriteAudit stores rec in store as a legacy record (AuditKey: unchained,
// without a MAC; Time set to now when zero) and returns its key. It is for
// writers without the record key; with it, use AppendAudit, which chains.
func WriteAudit(ctx context.Context, store storage.Store, rec AuditRecord) (string, error) {
	if err := checkAction(rec.Action); err != nil {
		return "", err
	}
	if rec.Action == "log" {
		return "", errors.New(`审计记录的操作不能是 "log"（与审计日志的存储位置冲突）`)
	}
	if rec.Time.IsZero() {
		rec.Time = time.Now()
	}
	rec.Time = rec.Time.UTC()
	rec.Seq, rec.Prev, rec.MAC = 0, "", nil
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

// AppendAudit appends rec to the audit log in store, chained and signed
// with signer (Time set to now when zero), and returns its key. It finds
// the log's head by listing it: for one-off writers on a store of their
// own (award export); a long-running process appends through
// (*Archive).Audit, which keeps the head between appends. Without a signer
// (nil) it writes a legacy record (WriteAudit).
func AppendAudit(ctx context.Context, store storage.Store, signer *submission.Signer, rec AuditRecord) (string, error) {
	if signer == nil {
		return WriteAudit(ctx, store, rec)
	}
	if rec.Time.IsZero() {
		rec.Time = time.Now()
	}
	written, err := appendAudit(ctx, newAuditChain(store), signer, rec)
	return written.Key, err
}

// Audit appends rec to the archive's audit log (Time set to the archive's
// now when zero), chained and signed, and returns its key; see
// AppendAudit. The archive keeps the log's head between appends.
func (a *Archive) Audit(ctx context.Context, rec AuditRecord) (string, error) {
	if rec.Time.IsZero() {
		rec.Time = a.now()
	}
	if a.Signer() == nil {
		return WriteAudit(ctx, a.store, rec)
	}
	written, err := appendAudit(ctx, a.auditChain(), a.Signer(), rec)
	return written.Key, err
}

// newAuditChain is the audit log's chain in store.
func newAuditChain(store storage.Store) *ledger.Chain {
	return ledger.NewChain(store, AuditLogPrefix, auditLogName, maxAuditBytes)
}

// auditChain is the archive's audit log chain, kept by its ledger so that
// its head lasts between calls.
func (a *Archive) auditChain() *ledger.Chain {
	return a.ledger.Chain(AuditLogPrefix, auditLogName, maxAuditBytes)
}

// appendAudit numbers, links, signs and stores rec as the next record of
// chain, and returns it as written.
func appendAudit(ctx context.Context, chain *ledger.Chain, signer *submission.Signer, rec AuditRecord) (AuditRecord, error) {
	if err := checkAction(rec.Action); err != nil {
		return AuditRecord{}, err
	}
	rec.Time = rec.Time.UTC()
	rec.Key, rec.Legacy, rec.Problem = "", false, ""
	if rec.Details != nil {
		// Stored as its JSON, so that the record read back (its details a
		// json.RawMessage) encodes to the very bytes its MAC was made over.
		raw, err := json.Marshal(rec.Details)
		if err != nil {
			return AuditRecord{}, fmt.Errorf("audit %s: %w", rec.Action, err)
		}
		rec.Details = json.RawMessage(raw)
	}
	seq, _, err := chain.Append(ctx, func(seq int64, prev string) ([]byte, error) {
		rec.Seq, rec.Prev, rec.MAC = seq, prev, nil
		if err := signer.Sign(&rec); err != nil {
			return nil, err
		}
		data, err := json.Marshal(rec)
		if err != nil {
			return nil, fmt.Errorf("audit %s: %w", rec.Action, err)
		}
		return append(data, '\n'), nil
	})
	if err != nil {
		return AuditRecord{}, fmt.Errorf("审计记录（%s）未能写入：%w", rec.Action, err)
	}
	rec.Key = chain.Key(seq)
	return rec, nil
}

// decodeAudit reads a record's stored bytes, its details kept as the
// json.RawMessage stored.
func decodeAudit(data []byte) (AuditRecord, error) {
	var w struct {
		AuditRecord
		Details json.RawMessage `json:"details,omitempty"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return AuditRecord{}, err
	}
	rec := w.AuditRecord
	rec.Details = nil
	if len(w.Details) > 0 {
		rec.Details = w.Details
	}
	return rec, nil
}
