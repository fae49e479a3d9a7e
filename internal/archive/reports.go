package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// Reports reads every committed winner's annual report (KindReport) with
// its handling, in the order of their keys. One whose records cannot be
// read is an error: the console's has/has-not-filed list and the
// reminders must not take a winner that filed for one that did not.
func (a *Archive) Reports(ctx context.Context) ([]*Case, error) {
	return a.casesOf(ctx, submission.KindReport)
}

// casesOf reads every committed submission of kind with its handling.
func (a *Archive) casesOf(ctx context.Context, kind string) ([]*Case, error) {
	infos, err := a.store.List(ctx, kind+"s/")
	if err != nil {
		return nil, fmt.Errorf("list %ss: %w", kind, err)
	}
	var out []*Case
	for _, in := range infos {
		k, ref, ok := ledger.ManifestOf(in.Key)
		if !ok || k != kind {
			continue
		}
		c, err := a.caseAt(ctx, in.Key)
		if err != nil {
			return nil, fmt.Errorf("read %s %s: %w", kind, ref, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// ReportClaimKey is where the one report of a winner (by credit code) in
// a report call is claimed, written only if absent, so that two posts at
// once cannot both be stored.
func ReportClaimKey(call, creditCode string) string {
	return "report-claims/" + keySafe(call) + "/" + keySafe(creditCode) + ".json"
}

// keySafe keeps what may go into a storage key element, in lower case.
func keySafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, strings.ToLower(s))
}

// reportClaimStale is how old a claim whose submission was never committed
// must be before another takes its place: a claim is written just before
// the commit (seconds), so one this old was left by a crash.
const reportClaimStale = 10 * time.Minute

// reportClaim is the record of ReportClaimKey.
type reportClaim struct {
	Reference string    `json:"reference"`
	At        time.Time `json:"at"`
}

// ErrReportFiled: the winner has a report in the call already.
var ErrReportFiled = errors.New("本年度报告已提交过")

// ClaimReport claims the report of the winner with creditCode in call for
// the submission ref, before it is committed. When another submission
// claimed it, it returns that submission's reference and an error matching
// ErrReportFiled if that one was committed; a claim whose submission was
// never committed (interrupted after claiming) older than
// reportClaimStale gives way to the new one. A caller whose commit then fails
// calls ReleaseReport.
func (a *Archive) ClaimReport(ctx context.Context, call, creditCode, ref string) (string, error) {
	key := ReportClaimKey(call, creditCode)
	rec, _ := json.Marshal(reportClaim{Reference: ref, At: a.now()})
	for range 2 {
		_, err := a.store.Put(ctx, key, bytes.NewReader(rec), storage.PutOptions{IfAbsent: true, ContentType: "application/json"})
		if err == nil {
			return ref, nil
		}
		if !errors.Is(err, storage.ErrExists) {
			return "", fmt.Errorf("claim report %s: %w", key, err)
		}
		data, err := a.read(ctx, key)
		if errors.Is(err, storage.ErrNotFound) {
			continue // released meanwhile
		}
		if err != nil {
			return "", fmt.Errorf("claim report %s: %w", key, err)
		}
		var old reportClaim
		if err := json.Unmarshal(data, &old); err != nil {
			return "", fmt.Errorf("claim report %s: %w", key, err)
		}
		if _, err := a.Find(ctx, old.Reference); err == nil {
			return old.Reference, fmt.Errorf("claim report %s: %s: %w", key, old.Reference, ErrReportFiled)
		} else if !errors.Is(err, ErrNotFound) {
			return "", err
		}
		if a.now().Sub(old.At) < reportClaimStale {
			// Another post is being stored now: it decides.
			return old.Reference, fmt.Errorf("claim report %s: %s in progress: %w", key, old.Reference, ErrReportFiled)
		}
		if err := a.store.Delete(ctx, key); err != nil {
			return "", fmt.Errorf("claim report %s: %w", key, err)
		}
	}
	return "", fmt.Errorf("claim report %s: contended", key)
}

// ReleaseReport removes ref's claim (its commit failed), leaving another's.
func (a *Archive) ReleaseReport(ctx context.Context, call, creditCode, ref string) {
	key := ReportClaimKey(call, creditCode)
	data, err := a.read(ctx, key)
	if err != nil {
		return
	}
	var c reportClaim
	if json.Unmarshal(data, &c) == nil && c.Reference == ref {
		if err := a.store.Delete(ctx, key); err != nil {
			a.log.Warn("release report claim", "key", key, "err", err)
		}
	}
}
