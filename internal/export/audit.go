package export

import (
	"context"
	"fmt"
	"time"

	"github.com/zhongmou/award/internal/archive"
)

// AuditPrefix is where the audit records of exports made without a
// Signer are kept (legacy, unchained records of action export); with a
// Signer, as award export and the console have, the record is chained
// into the audit log under archive.AuditLogPrefix.
const AuditPrefix = archive.AuditPrefix + AuditAction + "/"

// AuditAction is the action of an export's record in the audit log; the
// record's details are its Audit.
const AuditAction = "export"

// Audit is the record of one export in the audit log. It holds no identity
// and no key material.
type Audit struct {
	Time     time.Time    `json:"time"`
	Operator string       `json:"operator"`
	Options  AuditOptions `json:"options"`
	// Count is the number of submissions exported; References are theirs.
	Count      int      `json:"count"`
	References []string `json:"references"`
	Files      int      `json:"files"`
	// Supplements is the number of supplement records exported
	// (Report.Supplements); their files are counted in Files.
	Supplements int             `json:"supplements,omitempty"`
	Identities  int             `json:"identities"` // identities decrypted
	Mismatches  []AuditMismatch `json:"mismatches"`
	// IdentityErrors are the references whose identity did not decrypt.
	IdentityErrors []string `json:"identityErrors,omitempty"`
	// Findings are those of the record's verification (Report.Findings).
	Findings []AuditFinding `json:"findings,omitempty"`
	// Error is why the export stopped, if it did.
	Error string `json:"error,omitempty"`
}

// AuditOptions are the options of an export, as recorded.
type AuditOptions struct {
	Kind      string     `json:"kind,omitempty"`
	Publicity string     `json:"publicity,omitempty"`
	Call      string     `json:"call,omitempty"`
	From      *time.Time `json:"from,omitempty"`
	To        *time.Time `json:"to,omitempty"`
	Out       string     `json:"out"`
	ZIP       bool       `json:"zip,omitempty"` // streamed as a ZIP (WriteZIP), not written to Out
	Decrypt   bool       `json:"decrypt"`       // a key to open identities was given
	Force     bool       `json:"force"`
	Reason    string     `json:"reason,omitempty"` // Options.Reason
}

// AuditMismatch is a mismatch as recorded: by storage key, without the
// file's name (which a person may have chosen to contain personal data).
type AuditMismatch struct {
	Reference string `json:"reference"`
	Key       string `json:"key"`
	Expected  string `json:"expected"`
	Got       string `json:"got"`
}

// AuditFinding is a finding of the record's verification as recorded.
type AuditFinding struct {
	Kind      string `json:"kind"` // ledger.FindingKind
	Reference string `json:"reference,omitempty"`
	Key       string `json:"key,omitempty"`
	Seq       int64  `json:"seq,omitempty"` // ledger entry
}

// writeAudit appends the export's record to the audit log (Put IfAbsent
// under a fresh key) and puts it in the report. It runs even if ctx is
// done: an export that wrote anything must be on record.
func (e *exporter) writeAudit(ctx context.Context, runErr error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	rep := e.rep
	a := Audit{
		Time: e.o.Now().UTC(), Operator: e.o.Operator,
		Options: AuditOptions{Kind: e.o.Kind, Publicity: e.o.Publicity, Call: e.o.Call, Out: e.out, Decrypt: e.o.Sealer != nil, Force: e.o.Force,
			ZIP: e.zip, Reason: e.o.Reason},
		Count: len(rep.Submissions), References: []string{}, Files: rep.Files, Supplements: rep.Supplements, Identities: rep.Identities,
		Mismatches: []AuditMismatch{},
	}
	if !e.o.From.IsZero() {
		t := e.o.From.UTC()
		a.Options.From = &t
	}
	if !e.o.To.IsZero() {
		t := e.o.To.UTC()
		a.Options.To = &t
	}
	for _, s := range rep.Submissions {
		a.References = append(a.References, s.Kind+"/"+s.Reference)
	}
	for _, m := range rep.Mismatches {
		a.Mismatches = append(a.Mismatches, AuditMismatch{Reference: m.Kind + "/" + m.Reference, Key: m.Key, Expected: m.Expected, Got: m.Got})
	}
	for _, ie := range rep.IdentityErrors {
		a.IdentityErrors = append(a.IdentityErrors, ie.Kind+"/"+ie.Reference)
	}
	for _, f := range rep.Findings {
		a.Findings = append(a.Findings, AuditFinding{Kind: string(f.Kind), Reference: f.Reference, Key: f.Key, Seq: f.Seq})
	}
	if runErr != nil {
		a.Error = runErr.Error()
	}
	rep.Audit = a
	key, err := archive.AppendAudit(ctx, e.o.Store, e.o.Signer, archive.AuditRecord{Time: a.Time, Operator: a.Operator, Action: AuditAction, From: e.o.Client, Details: a})
	if err != nil {
		return fmt.Errorf("导出记录未能写入存储（本次导出没有留下记录，请排除故障后重新导出）：%w", err)
	}
	rep.AuditKey = key
	return nil
}
