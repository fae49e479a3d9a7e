package archive

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/zhongmou/award/storage"
)

// A staged upload is one file sent ahead of its form, resumably (the
// intake's /api/uploads/, tus 1.0), and kept until a submission takes it
// or it expires. Everything about it lives in the store, so that any
// replica can continue it:
//
//	uploads/<id>/info.json            Staged, written once, only if absent
//	uploads/<id>/parts/<offset>.json  stagedPart: which object holds the bytes from offset on;
//	                                  written only if absent: the write that makes them count
//	uploads/<id>/data/<offset>-<rand> the bytes of one part
//
// The offset of an upload is the end of its last part. A write at offset
// K stores its bytes under a fresh data key, then claims parts/K: of two
// writers at the same offset (two replicas, a client retrying) exactly one
// wins and the other gets ErrStagedOffset, as the protocol's 409 says;
// parts therefore always follow each other without gap or overlap. No lock
// is held anywhere, and nothing is kept in memory between requests.
//
// A staged upload never becomes part of a submission by itself: the
// intake reads it (OpenStaged) through the same checks as a file in a form
// into an Upload, and deletes it (RemoveStaged) once that commits.
type Staged struct {
	ID      string    `json:"id"`
	Kind    string    `json:"kind"`  // the submission kind of the form it is for
	Field   string    `json:"field"` // the form's file slot
	Name    string    `json:"name"`  // the file's name, sanitised
	Length  int64     `json:"length"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

// stagedPart is a part record: the bytes from Offset on, Size of them, are
// in Key.
type stagedPart struct {
	Offset int64  `json:"offset"`
	Size   int64  `json:"size"`
	Key    string `json:"key"`
}

// Errors of staged uploads.
var (
	ErrStagedNotFound = errors.New("no such staged upload")
	ErrStagedExpired  = errors.New("the staged upload has expired")
	// ErrStagedOffset: the write did not start at the upload's offset
	// (another write got there first, or the client's offset is stale).
	ErrStagedOffset = errors.New("the offset is not the upload's")
	// ErrStagedTooLong: more bytes than the upload's declared length.
	ErrStagedTooLong = errors.New("more bytes than the upload's length")
	// ErrStagedIncomplete: OpenStaged of an upload not yet complete.
	ErrStagedIncomplete = errors.New("the staged upload is not complete")
)

// StagedSegment is the most bytes one part holds: a write longer than
// that is stored as several parts, so that a connection dropped late in a
// long write loses at most the segment it was in — and, as a dropped
// connection keeps what arrived, usually nothing.
const StagedSegment = 64 << 20

const stagedPrefix = "uploads/"

func stagedInfoKey(id string) string  { return stagedPrefix + id + "/info.json" }
func stagedPartsKey(id string) string { return stagedPrefix + id + "/parts/" }
func stagedPartKey(id string, off int64) string {
	return fmt.Sprintf("%s%016d.json", stagedPartsKey(id), off)
}

// ValidStagedID reports whether id has the form of a staged upload's id.
func ValidStagedID(id string) bool {
	if len(id) != 26 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

func newStagedID() string {
	var b [16]byte
	rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// UploadExpiry is how long a staged upload is kept unclaimed.
func (a *Archive) UploadExpiry() time.Duration { return a.cfg.UploadExpiry }

// CreateStaged records a new staged upload of s's kind, field, name and
// length, with a fresh id, created now and expiring after UploadExpiry.
func (a *Archive) CreateStaged(ctx context.Context, s Staged) (Staged, error) {
	if s.Length <= 0 {
		return Staged{}, fmt.Errorf("create staged upload: length %d", s.Length)
	}
	s.Created = a.now().UTC()
	s.Expires = s.Created.Add(a.cfg.UploadExpiry)
	for range 3 {
		s.ID = newStagedID()
		data, err := json.Marshal(s)
		if err != nil {
			return Staged{}, err
		}
		_, err = a.store.Put(ctx, stagedInfoKey(s.ID), bytes.NewReader(data), storage.PutOptions{IfAbsent: true, ContentType: "application/json"})
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, storage.ErrExists) {
			return Staged{}, fmt.Errorf("create staged upload: %w", err)
		}
	}
	return Staged{}, errors.New("create staged upload: no free id")
}

// StagedUpload returns a staged upload and its offset (the bytes stored).
// An unknown or removed one gives ErrStagedNotFound, an expired one
// ErrStagedExpired.
func (a *Archive) StagedUpload(ctx context.Context, id string) (Staged, int64, error) {
	s, err := a.stagedInfo(ctx, id)
	if err != nil {
		return Staged{}, 0, err
	}
	parts, err := a.stagedParts(ctx, id)
	if err != nil {
		return Staged{}, 0, err
	}
	return s, stagedEnd(parts), nil
}

func (a *Archive) stagedInfo(ctx context.Context, id string) (Staged, error) {
	if !ValidStagedID(id) {
		return Staged{}, ErrStagedNotFound
	}
	var s Staged
	err := a.readJSON(ctx, stagedInfoKey(id), &s)
	switch {
	case storage.KindOf(err) == storage.NotFound:
		return Staged{}, ErrStagedNotFound
	case err != nil:
		return Staged{}, fmt.Errorf("staged upload %s: %w", id, err)
	case !a.now().Before(s.Expires):
		return s, ErrStagedExpired
	}
	return s, nil
}

// stagedParts lists an upload's parts in offset order, from one listing
// of its objects: a part's bytes are the data object stored at its offset
// (its size the listed one). Only where a writer that lost the claim left
// another there is the part's record read.
func (a *Archive) stagedParts(ctx context.Context, id string) ([]stagedPart, error) {
	prefix := stagedPrefix + id + "/"
	infos, err := a.store.List(ctx, prefix)
	if err != nil {
		return nil, fmt.Errorf("staged upload %s: %w", id, err)
	}
	var offsets []int64
	data := map[int64][]storage.Info{}
	for _, in := range infos {
		dir, name, _ := strings.Cut(strings.TrimPrefix(in.Key, prefix), "/")
		name, _, _ = strings.Cut(strings.TrimSuffix(name, ".json"), "-")
		off, err := strconv.ParseInt(name, 10, 64)
		switch {
		case err != nil:
		case dir == "parts":
			offsets = append(offsets, off)
		case dir == "data":
			data[off] = append(data[off], in)
		}
	}
	parts := make([]stagedPart, 0, len(offsets))
	for _, off := range offsets {
		if d := data[off]; len(d) == 1 {
			parts = append(parts, stagedPart{Offset: off, Size: d[0].Size, Key: d[0].Key})
			continue
		}
		var p stagedPart
		if err := a.readJSON(ctx, stagedPartKey(id, off), &p); err != nil {
			return nil, fmt.Errorf("staged upload %s: part %d: %w", id, off, err)
		}
		parts = append(parts, p)
	}
	return parts, nil
}

func stagedEnd(parts []stagedPart) int64 {
	if len(parts) == 0 {
		return 0
	}
	last := parts[len(parts)-1]
	return last.Offset + last.Size
}

// WriteStaged appends what r yields to the upload id, which must have
// exactly offset bytes stored (else ErrStagedOffset), and returns the
// upload and how many bytes it appended. At most the upload's length is
// taken: more gives ErrStagedTooLong after storing what fits. The bytes
// are stored in parts of at most StagedSegment; a read error of r (a
// dropped connection) ends the write keeping what arrived, and is
// returned with the count. head, when set and offset is 0, sees the
// upload and its first bytes (up to headBytes) before anything is stored,
// and may refuse them: its error is returned and nothing is stored.
func (a *Archive) WriteStaged(ctx context.Context, id string, offset int64, r io.Reader, headBytes int, head func(Staged, []byte) error) (Staged, int64, error) {
	s, err := a.stagedInfo(ctx, id)
	if err != nil {
		return s, 0, err
	}
	parts, err := a.stagedParts(ctx, id)
	if err != nil {
		return s, 0, err
	}
	if stagedEnd(parts) != offset {
		return s, 0, ErrStagedOffset
	}
	if offset == 0 && head != nil {
		buf := make([]byte, min(int64(headBytes), s.Length))
		n, err := io.ReadFull(r, buf)
		if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
			return s, 0, fmt.Errorf("staged upload %s: %w", id, err)
		}
		if n == 0 {
			return s, 0, nil
		}
		if err := head(s, buf[:n]); err != nil {
			return s, 0, err
		}
		r = io.MultiReader(bytes.NewReader(buf[:n]), r)
	}
	// The bytes that arrived are stored even when the client has gone.
	store := context.WithoutCancel(ctx)
	src := &keepArrived{r: r}
	at := offset
	for at < s.Length {
		n, err := a.writeStagedPart(store, id, at, io.LimitReader(src, min(StagedSegment, s.Length-at)))
		at += n
		if err != nil {
			return s, at - offset, err
		}
		if src.err != nil {
			return s, at - offset, fmt.Errorf("staged upload %s: %w", id, src.err)
		}
		if n == 0 || src.eof {
			return s, at - offset, nil
		}
	}
	var one [1]byte
	if n, _ := src.Read(one[:]); n > 0 {
		return s, at - offset, ErrStagedTooLong
	}
	return s, at - offset, nil
}

// writeStagedPart stores one part from offset off and claims its record.
// It returns the bytes that now count: 0 when r gave none.
func (a *Archive) writeStagedPart(ctx context.Context, id string, off int64, r io.Reader) (int64, error) {
	key := fmt.Sprintf("%s%s/data/%016d-%s", stagedPrefix, id, off, newStagedID()[:8])
	info, err := a.store.Put(ctx, key, r, storage.PutOptions{ContentType: "application/octet-stream"})
	if err != nil {
		return 0, fmt.Errorf("staged upload %s: %w", id, err)
	}
	if info.Size == 0 {
		a.store.Delete(ctx, key)
		return 0, nil
	}
	data, err := json.Marshal(stagedPart{Offset: off, Size: info.Size, Key: key})
	if err != nil {
		return 0, err
	}
	_, err = a.store.Put(ctx, stagedPartKey(id, off), bytes.NewReader(data), storage.PutOptions{IfAbsent: true, ContentType: "application/json"})
	if err != nil {
		a.store.Delete(ctx, key)
		if errors.Is(err, storage.ErrExists) {
			return 0, ErrStagedOffset
		}
		return 0, fmt.Errorf("staged upload %s: %w", id, err)
	}
	return info.Size, nil
}

// keepArrived turns a read error into the end of the stream, remembering
// it, so that a part is stored with the bytes that arrived before a
// connection dropped.
type keepArrived struct {
	r   io.Reader
	err error
	eof bool
}

func (k *keepArrived) Read(p []byte) (int, error) {
	if k.err != nil || k.eof {
		return 0, io.EOF
	}
	n, err := k.r.Read(p)
	switch {
	case err == io.EOF:
		k.eof = true
	case err != nil:
		k.err = err
		err = io.EOF
	}
	return n, err
}

// OpenStaged opens a complete staged upload for reading, its parts in
// order. An incomplete one gives ErrStagedIncomplete.
func (a *Archive) OpenStaged(ctx context.Context, id string) (io.ReadCloser, Staged, error) {
	s, err := a.stagedInfo(ctx, id)
	if err != nil {
		return nil, s, err
	}
	parts, err := a.stagedParts(ctx, id)
	if err != nil {
		return nil, s, err
	}
	var at int64
	for _, p := range parts {
		if p.Offset != at {
			return nil, s, fmt.Errorf("staged upload %s: part at %d, expected %d", id, p.Offset, at)
		}
		at += p.Size
	}
	if at != s.Length {
		return nil, s, ErrStagedIncomplete
	}
	return &stagedReader{ctx: ctx, a: a, parts: parts}, s, nil
}

// stagedReader reads the parts one after another.
type stagedReader struct {
	ctx   context.Context
	a     *Archive
	parts []stagedPart
	cur   io.ReadCloser
	left  int64 // of the current part
}

func (r *stagedReader) Read(p []byte) (int, error) {
	for r.cur == nil {
		if len(r.parts) == 0 {
			return 0, io.EOF
		}
		rd, info, err := r.a.store.Get(r.ctx, r.parts[0].Key)
		if err != nil {
			return 0, fmt.Errorf("staged part %s: %w", r.parts[0].Key, err)
		}
		if info.Size != r.parts[0].Size {
			rd.Close()
			return 0, fmt.Errorf("staged part %s: %d bytes, recorded %d", r.parts[0].Key, info.Size, r.parts[0].Size)
		}
		r.cur, r.left = rd, r.parts[0].Size
		r.parts = r.parts[1:]
	}
	n, err := r.cur.Read(p)
	r.left -= int64(n)
	if err == io.EOF {
		if r.left != 0 {
			return n, io.ErrUnexpectedEOF
		}
		r.cur.Close()
		r.cur = nil
		err = nil
	}
	return n, err
}

func (r *stagedReader) Close() error {
	if r.cur != nil {
		return r.cur.Close()
	}
	return nil
}

// RemoveStaged deletes a staged upload: its info first, so that it is
// gone at once for every replica, then its parts and data. Removing an
// unknown one is not an error.
func (a *Archive) RemoveStaged(ctx context.Context, id string) error {
	if !ValidStagedID(id) {
		return nil
	}
	if err := a.store.Delete(ctx, stagedInfoKey(id)); err != nil {
		return fmt.Errorf("remove staged upload %s: %w", id, err)
	}
	return a.removeStagedObjects(ctx, stagedPrefix+id+"/")
}

func (a *Archive) removeStagedObjects(ctx context.Context, prefix string) error {
	infos, err := a.store.List(ctx, prefix)
	if err != nil {
		return fmt.Errorf("remove staged upload: %w", err)
	}
	for _, in := range infos {
		if err := a.store.Delete(ctx, in.Key); err != nil {
			return fmt.Errorf("remove staged upload: %w", err)
		}
		if strings.Contains(in.Key, "/data/") {
			a.abortIncomplete(ctx, in.Key)
		}
	}
	return nil
}

// sweepStaged removes staged uploads past their expiry, and the objects
// of uploads without info (removed, or never created) older than cutoff.
// It returns how many uploads it removed.
func (a *Archive) sweepStaged(ctx context.Context, cutoff time.Time) (int, error) {
	infos, err := a.store.List(ctx, stagedPrefix)
	if err != nil {
		return 0, fmt.Errorf("sweep staged uploads: %w", err)
	}
	type upload struct {
		info   bool
		newest time.Time
	}
	ups := map[string]*upload{}
	var order []string
	for _, in := range infos {
		id, rest, ok := strings.Cut(strings.TrimPrefix(in.Key, stagedPrefix), "/")
		if !ok {
			continue
		}
		u := ups[id]
		if u == nil {
			u = &upload{}
			ups[id] = u
			order = append(order, id)
		}
		if rest == "info.json" {
			u.info = true
		}
		if in.Modified.After(u.newest) {
			u.newest = in.Modified
		}
	}
	n := 0
	for _, id := range order {
		u := ups[id]
		if u.info {
			if _, err := a.stagedInfo(ctx, id); !errors.Is(err, ErrStagedExpired) {
				continue
			}
			if err := a.RemoveStaged(ctx, id); err != nil {
				return n, err
			}
			n++
			continue
		}
		if u.newest.Before(cutoff) {
			if err := a.removeStagedObjects(ctx, stagedPrefix+id+"/"); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
