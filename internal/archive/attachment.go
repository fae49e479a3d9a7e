package archive

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// ErrTooLarge: an attachment is longer than its limit; nothing was kept.
var ErrTooLarge = errors.New("文件超过大小上限")

// PutAttachment stores a file a member of staff adds to the committed
// submission ref — a township's stamped 推荐意见 — under
// submission.AttachmentPrefix, at a fresh key written only if absent; the
// submission's manifest and files are never changed. It reads r to its end
// (at most maxBytes, else ErrTooLarge and nothing kept) and returns the
// file with its size and SHA-256, for the event that records it
// (submission.TownshipReview.File): the attachment belongs to the case once
// that event is written. A caller whose event is then refused removes it
// (RemoveAttachment); the purge of the submission removes its attachments.
// The type is the caller's, detected from the content
// (submission.DetectType); the name is sanitised.
func (a *Archive) PutAttachment(ctx context.Context, ref, field, name, typ string, r io.Reader, maxBytes int64) (submission.File, error) {
	m, err := a.Find(ctx, ref)
	if err != nil {
		return submission.File{}, err
	}
	var b [8]byte
	rand.Read(b[:])
	key := submission.AttachmentPrefix(m.Kind, m.Reference) + hex.EncodeToString(b[:])
	body := &hashingReader{r: io.LimitReader(r, maxBytes+1), h: sha256.New(), touch: func() {}}
	info, err := a.store.Put(ctx, key, body, storage.PutOptions{IfAbsent: true, ContentType: typ})
	if err != nil {
		return submission.File{}, fmt.Errorf("attachment %s: %w", m.Reference, err)
	}
	if body.n > maxBytes || info.Size != body.n {
		if err := a.store.Delete(ctx, key); err != nil {
			a.log.Warn("attachment over its limit not removed", "reference", m.Reference, "key", key, "err", err)
		}
		if body.n > maxBytes {
			return submission.File{}, ErrTooLarge
		}
		return submission.File{}, fmt.Errorf("attachment %s: stored %d bytes, read %d", m.Reference, info.Size, body.n)
	}
	return submission.File{Field: field, Name: submission.SanitizeFileName(name), Key: key, Size: body.n,
		SHA256: hex.EncodeToString(body.h.Sum(nil)), Type: typ}, nil
}

// RemoveAttachment removes an attachment PutAttachment stored for ref whose
// event was not written; a key elsewhere than the submission's attachments
// is refused.
func (a *Archive) RemoveAttachment(ctx context.Context, ref string, f submission.File) error {
	m, err := a.Find(ctx, ref)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(f.Key, submission.AttachmentPrefix(m.Kind, m.Reference)) {
		return fmt.Errorf("attachment %s: %s is not one of its attachments", m.Reference, f.Key)
	}
	return a.store.Delete(ctx, f.Key)
}

// Attachments are the files staff added to the case, from its events, in
// their order: the stamped 推荐意见 of each township review recorded with
// an upload. Their origin (Material.Origin) is -1, labelled
// AttachmentOrigin; ReceivedAt is the event's time.
func (c *Case) Attachments() []Material {
	var out []Material
	for _, st := range c.Events {
		if st.Review != nil && st.Review.File != nil {
			out = append(out, Material{File: *st.Review.File, Origin: -1, ReceivedAt: st.At})
		}
	}
	return out
}

// AttachmentOrigin is what an attachment's origin reads.
const AttachmentOrigin = "乡镇（街道）上传"

// hasSlot reports whether the case's current materials have a file in the
// slot.
func (c *Case) hasSlot(slot string) bool {
	for _, m := range c.CurrentMaterials() {
		if m.Field == slot {
			return true
		}
	}
	return false
}
