package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// ErrNotFound: no submission has the reference.
var ErrNotFound = errors.New("没有这个受理编号的申报或异议")

// maxRecordBytes bounds how much of a manifest or status record is read.
const maxRecordBytes = 1 << 20

// Find reads the committed submission with the reference, of any kind. An
// unknown reference gives an error matching ErrNotFound.
func (a *Archive) Find(ctx context.Context, ref string) (*submission.Manifest, error) {
	for _, kind := range submission.Kinds {
		data, err := a.read(ctx, submission.ManifestKey(kind, ref))
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("find %s: %w", ref, err)
		}
		m, err := submission.DecodeManifest(data)
		if err != nil {
			return nil, fmt.Errorf("find %s: %w", ref, err)
		}
		return m, nil
	}
	return nil, fmt.Errorf("find %s: %w", ref, ErrNotFound)
}

// Statuses lists a submission's status records, latest first. A record
// that cannot be read, or names no known state, is logged and passed over.
func (a *Archive) Statuses(ctx context.Context, ref string) ([]submission.Status, error) {
	infos, err := a.store.List(ctx, submission.StatusPrefix(ref))
	if err != nil {
		return nil, fmt.Errorf("statuses %s: %w", ref, err)
	}
	var out []submission.Status
	for i := len(infos) - 1; i >= 0; i-- {
		var st submission.Status
		err := a.readJSON(ctx, infos[i].Key, &st)
		if err != nil || !submission.ValidState(st.State) {
			a.log.Warn("status record unreadable, passed over", "key", infos[i].Key, "err", err)
			continue
		}
		out = append(out, st)
	}
	return out, nil
}

// AppendStatus records a new status of a committed submission: signed,
// under a fresh key (never overwriting), then recorded in the ledger. It
// fails with ErrNotFound for an unknown reference.
func (a *Archive) AppendStatus(ctx context.Context, st submission.Status) (string, error) {
	if _, err := a.Find(ctx, st.Reference); err != nil {
		return "", err
	}
	if st.At.IsZero() {
		st.At = a.now()
	}
	if err := a.Signer().Sign(&st); err != nil {
		return "", fmt.Errorf("status %s: %w", st.Reference, err)
	}
	data, err := json.Marshal(st)
	if err != nil {
		return "", fmt.Errorf("status %s: %w", st.Reference, err)
	}
	key := submission.StatusKey(st.Reference, st.At)
	if _, err := a.store.Put(ctx, key, bytes.NewReader(data), storage.PutOptions{IfAbsent: true, ContentType: "application/json"}); err != nil {
		return "", fmt.Errorf("status %s: %w", st.Reference, err)
	}
	a.record(ctx, ledger.KindStatus, st.Reference, key, data)
	return key, nil
}

// read returns a small object's bytes (at most maxRecordBytes).
func (a *Archive) read(ctx context.Context, key string) ([]byte, error) {
	return ledger.ReadObject(ctx, a.store, key, maxRecordBytes)
}
