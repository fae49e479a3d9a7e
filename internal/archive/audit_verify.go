package archive

import (
	"context"
	"fmt"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/submission"
)

// AuditFindingKind is what is wrong with the audit log.
type AuditFindingKind string

// Kinds of audit finding.
const (
	// AuditChanged: a record that cannot be read, fails its MAC, or does
	// not link to the record before (which was replaced); or an object in
	// the log that is not a record; or a noted head that differs.
	AuditChanged AuditFindingKind = "audit-changed"
	// AuditMissing: records missing from the chain (or a noted head gone).
	AuditMissing AuditFindingKind = "audit-missing"
	// AuditReordered: a record stored under another record's number.
	AuditReordered AuditFindingKind = "audit-reordered"
)

// Label is the kind in Chinese, for people.
func (k AuditFindingKind) Label() string {
	switch k {
	case AuditChanged:
		return "审计记录被改动"
	case AuditMissing:
		return "审计记录缺失"
	case AuditReordered:
		return "审计记录顺序被打乱"
	}
	return string(k)
}

// AuditFinding is one broken link of the audit log.
type AuditFinding struct {
	Kind   AuditFindingKind
	Seq    int64  // the record concerned (the first missing one); 0 for an object that is not a record
	Key    string // its storage key
	Detail string // what was found, in Chinese
}

// String is the finding as one line for people, as in
// 审计记录被改动：audit/log/000000000017.json：第 17 条被改动：记录与其校验码不符.
func (f AuditFinding) String() string {
	return f.Kind.Label() + "：" + f.Key + "：" + f.Detail
}

// AuditVerifyOptions say what VerifyAudit compares with.
type AuditVerifyOptions struct {
	// Head, when Seq > 0, is a head of the log noted earlier: the log must
	// still hold that record with that SHA-256, or it was cut short or
	// rewritten (removing the newest records leaves a shorter, consistent
	// chain that nothing else shows).
	Head ledger.Head
}

// AuditReport is what VerifyAudit found.
type AuditReport struct {
	// Records is the number of chained records read, Legacy the number of
	// legacy records (unchained, not verifiable).
	Records, Legacy int
	// Head is the last record (Seq 0 for an empty log): to note, and give
	// back as AuditVerifyOptions.Head next time.
	Head ledger.Head
	// Findings are the broken links, in the order of the chain.
	Findings []AuditFinding
	// FirstBroken is the first record where the chain is broken; 0 if
	// whole.
	FirstBroken int64
}

// Count returns the number of findings of a kind.
func (r *AuditReport) Count(k AuditFindingKind) int {
	n := 0
	for _, f := range r.Findings {
		if f.Kind == k {
			n++
		}
	}
	return n
}

// First is the finding about the first broken link (FirstBroken); ok is
// false when the chain is whole.
func (r *AuditReport) First() (f AuditFinding, ok bool) {
	for _, f := range r.Findings {
		if r.FirstBroken > 0 && f.Seq == r.FirstBroken {
			return f, true
		}
	}
	if len(r.Findings) > 0 {
		return r.Findings[0], true
	}
	return AuditFinding{}, false
}

// VerifyAudit walks the audit log's chain with the record keys and reports
// every broken link: a record changed (or replaced without the key, even
// with its hashes recomputed), deleted or reordered; and counts the legacy
// records. It writes nothing. The error is for failures to read (storage
// unavailable), not for findings.
func (a *Archive) VerifyAudit(ctx context.Context, o AuditVerifyOptions) (*AuditReport, error) {
	signer := a.Signer()
	if signer == nil {
		return nil, submission.ErrNoSigner
	}
	links, breaks, err := a.auditChain().Walk(ctx, func(_ string, data []byte) (int64, string, string) {
		rec, err := decodeAudit(data)
		if err != nil {
			return 0, "", "内容不是审计记录"
		}
		if err := signer.Verify(&rec); err != nil {
			return 0, "", err.Error() + "，其中记载的内容不可信"
		}
		return rec.Seq, rec.Prev, ""
	})
	if err != nil {
		return nil, err
	}
	rep := &AuditReport{Records: len(links)}
	if n := len(links); n > 0 {
		rep.Head = ledger.Head{Seq: links[n-1].Seq, SHA256: ledger.Sum(links[n-1].Data)}
	}
	for _, b := range breaks {
		kind := AuditChanged
		switch b.Kind {
		case ledger.BreakMissing:
			kind = AuditMissing
		case ledger.BreakReordered:
			kind = AuditReordered
		}
		rep.Findings = append(rep.Findings, AuditFinding{Kind: kind, Seq: b.Seq, Key: b.Key, Detail: b.Detail})
	}
	if o.Head.Seq > 0 {
		rep.checkHead(links, o.Head, a.auditChain().Key(o.Head.Seq))
	}
	for _, f := range rep.Findings {
		if f.Seq > 0 && (rep.FirstBroken == 0 || f.Seq < rep.FirstBroken) {
			rep.FirstBroken = f.Seq
		}
	}
	legacy, err := readLegacyAudit(ctx, a.store)
	if err != nil {
		return nil, err
	}
	rep.Legacy = len(legacy)
	return rep, nil
}

// checkHead compares a head noted earlier with the records read.
func (rep *AuditReport) checkHead(links []ledger.Link, h ledger.Head, key string) {
	for _, l := range links {
		if l.Seq == h.Seq {
			if ledger.Sum(l.Data) != h.SHA256 {
				rep.Findings = append(rep.Findings, AuditFinding{Kind: AuditChanged, Seq: h.Seq, Key: l.Key,
					Detail: fmt.Sprintf("与登记的第 %d 条（SHA-256 %s）不符：审计日志被改写", h.Seq, h.SHA256)})
			}
			return
		}
	}
	rep.Findings = append(rep.Findings, AuditFinding{Kind: AuditMissing, Seq: h.Seq, Key: key,
		Detail: fmt.Sprintf("登记的第 %d 条不存在：审计日志被截短或删除", h.Seq)})
}
