package archive

import (
	"context"
	"errors"
	"fmt"
	"slices"

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

// Statuses lists a submission's status records, latest first: the
// numbered events newest first, then the records from before them (see
// submission.Status). A record that cannot be read, names no known stage or
// lies elsewhere than its reference and number say is logged and passed
// over. Case gives the same events with the submission's current stage.
func (a *Archive) Statuses(ctx context.Context, ref string) ([]submission.Status, error) {
	evs, _, err := a.events(ctx, "", ref)
	if err != nil {
		return nil, err
	}
	slices.Reverse(evs)
	return evs, nil
}

// read returns a small object's bytes (at most maxRecordBytes).
func (a *Archive) read(ctx context.Context, key string) ([]byte, error) {
	return ledger.ReadObject(ctx, a.store, key, maxRecordBytes)
}
