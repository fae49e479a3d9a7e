package archive

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/storage"
)

// Page sizes of AuditLog.
const (
	DefaultAuditLimit = 50
	MaxAuditLimit     = 500
)

// AuditQuery selects a page of the audit log.
type AuditQuery struct {
	// Before, when > 0, keeps only records numbered below it: the next
	// page starts before the Seq of the last record shown. 0 starts from
	// the newest record.
	Before int64
	// Limit is the most records returned: 0 means DefaultAuditLimit, and
	// more than MaxAuditLimit means MaxAuditLimit.
	Limit int
	// Action and Operator, when set, keep only the records with exactly
	// that action or operator.
	Action, Operator string
	// Legacy lists, instead of the chain, the records of the old layout
	// (from before the log was chained), newest first, Before ignored:
	// there are few, and no more are written by the console.
	Legacy bool
}

// auditBatch is how many records AuditLog reads at once, concurrently.
const auditBatch = 32

// AuditLog returns a page of the audit log, newest first. It reads the
// chain backwards from its head (or from q.Before), record by record, and
// does not list the log (except the first time an Archive looks for the
// head, or when others have appended many records since): a page costs
// about Limit reads when nothing is filtered, more when Action or
// Operator leave records out. A record that cannot be read as written
// (changed, out of place, failing its MAC) is returned with Problem set,
// unless a filter leaves it out; a missing record is skipped (award audit
// verify names both). Fewer than Limit records means there are no more.
func (a *Archive) AuditLog(ctx context.Context, q AuditQuery) ([]AuditRecord, error) {
	limit := q.Limit
	switch {
	case limit <= 0:
		limit = DefaultAuditLimit
	case limit > MaxAuditLimit:
		limit = MaxAuditLimit
	}
	if q.Legacy {
		return a.legacyAudit(ctx, q, limit)
	}
	chain := a.auditChain()
	seq, _, err := chain.Head(ctx)
	if err != nil {
		return nil, err
	}
	if q.Before > 0 && q.Before-1 < seq {
		seq = q.Before - 1
	}
	out := []AuditRecord{}
	for seq >= 1 && len(out) < limit {
		n := int64(auditBatch)
		if q.Action == "" && q.Operator == "" {
			n = int64(limit - len(out))
		}
		n = min(n, seq, auditBatch)
		recs, err := a.readAudit(ctx, seq, n)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if len(out) < limit && r != nil && q.matches(*r) {
				out = append(out, *r)
			}
		}
		seq -= n
	}
	return out, nil
}

// matches reports whether rec passes q's filters; a record that did not
// decode passes only when nothing is filtered.
func (q AuditQuery) matches(rec AuditRecord) bool {
	return (q.Action == "" || rec.Action == q.Action) && (q.Operator == "" || rec.Operator == q.Operator)
}

// readAudit reads records from, from-1, …, n of them, concurrently, in
// that order; a missing one is nil.
func (a *Archive) readAudit(ctx context.Context, from, n int64) ([]*AuditRecord, error) {
	chain := a.auditChain()
	out := make([]*AuditRecord, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			seq := from - i
			data, err := chain.Read(ctx, seq)
			if errors.Is(err, storage.ErrNotFound) {
				return
			}
			if err != nil {
				errs[i] = fmt.Errorf("读取审计日志第 %d 条出错：%w", seq, err)
				return
			}
			rec := a.checkAudit(data, seq)
			rec.Key = chain.Key(seq)
			out[i] = &rec
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// checkAudit decodes record seq's stored bytes and checks its number and
// MAC, saying in Problem what is wrong. The record returned is numbered
// by where it lies (seq), whatever it says.
func (a *Archive) checkAudit(data []byte, seq int64) AuditRecord {
	rec, err := decodeAudit(data)
	switch {
	case err != nil:
		return AuditRecord{Seq: seq, Problem: "内容不是审计记录，无法读取（请运行 award audit verify）"}
	case rec.Seq != seq:
		rec.Problem = fmt.Sprintf("存放在第 %d 条的位置上，内容却是第 %d 条：顺序被打乱（请运行 award audit verify）", seq, rec.Seq)
		rec.Seq = seq
	case a.Signer() == nil: // opened without the record key: nothing to check against
	default:
		if err := a.Signer().Verify(&rec); err != nil {
			rec.Problem = err.Error() + "：记录可能被改动，内容不可信（请运行 award audit verify）"
		}
	}
	return rec
}

// legacyAudit lists the legacy records (audit/<action>/…), newest first.
func (a *Archive) legacyAudit(ctx context.Context, q AuditQuery, limit int) ([]AuditRecord, error) {
	recs, err := readLegacyAudit(ctx, a.store)
	if err != nil {
		return nil, err
	}
	out := []AuditRecord{}
	for _, r := range recs {
		if len(out) < limit && q.matches(r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// readLegacyAudit reads every legacy record in store, newest first (by
// time, then key).
func readLegacyAudit(ctx context.Context, store storage.Store) ([]AuditRecord, error) {
	infos, err := store.List(ctx, AuditPrefix)
	if err != nil {
		return nil, fmt.Errorf("列出审计记录出错：%w", err)
	}
	var out []AuditRecord
	for _, info := range infos {
		if strings.HasPrefix(info.Key, AuditLogPrefix) {
			continue
		}
		data, err := ledger.ReadObject(ctx, store, info.Key, maxAuditBytes)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("读取审计记录 %s 出错：%w", info.Key, err)
		}
		rec, err := decodeAudit(data)
		if err != nil {
			rec = AuditRecord{Problem: "内容不是审计记录，无法读取"}
		}
		rec.Key, rec.Legacy, rec.Seq = info.Key, true, 0
		out = append(out, rec)
	}
	slices.SortStableFunc(out, func(x, y AuditRecord) int {
		if c := y.Time.Compare(x.Time); c != 0 {
			return c
		}
		return cmp.Compare(y.Key, x.Key)
	})
	return out, nil
}
