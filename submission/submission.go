// Package submission is what the intake stores for every objection and
// application: the manifest that makes a submission exist, the layout of its
// objects in storage, its reference and receipt token, and the sealing of the
// submitter's identity.
//
// A submission is committed in one order: its files first, under
// <kind>s/<reference>/files/, then its manifest, <kind>s/<reference>/manifest.json,
// written only if absent. A submission exists exactly when its manifest does;
// files without a manifest are debris that the janitor removes.
//
// Manifests and status records carry a MAC under the record key (Signer),
// so that a record changed in storage shows; package ledger records every
// commit in a hash chain, so that a record removed from storage shows too.
package submission

import (
	"encoding/json"
	"fmt"
	"time"
)

// Version is the manifest format version.
const Version = 1

// Kinds of submission.
const (
	KindObjection   = "objection"
	KindApplication = "application"
)

// Kinds are the kinds of submission, in the order they are looked up.
var Kinds = []string{KindObjection, KindApplication, KindReport}

// Manifest records one committed submission.
type Manifest struct {
	Version    int       `json:"version"`
	Kind       string    `json:"kind"`
	Reference  string    `json:"reference"`
	TokenHash  string    `json:"tokenHash"` // SHA-256 of the receipt token, hex
	ReceivedAt time.Time `json:"receivedAt"`
	// Fields are the submitted form values that are not personal
	// identifiers, by field name (publicity, candidate, statement …).
	Fields map[string]string `json:"fields"`
	// Identity holds the submitter's personal identifiers (name, ID number,
	// phone …), sealed; only the secretariat's export opens it.
	Identity *Sealed `json:"identity,omitempty"`
	Files    []File  `json:"files"`
	// ReceiptToken is the receipt token sealed like the identity (bound to
	// "receipt-token:" and the reference), kept only for a submission with an
	// identity, so that mail about its stages can carry the receipt link.
	ReceiptToken *Sealed `json:"receiptToken,omitempty"`
	// Signed is the manifest's MAC under the record key (see Signer),
	// set by the intake when it commits.
	Signed
}

// File is one stored file of a submission.
type File struct {
	Field  string `json:"field"`  // the form field it came in ("evidence")
	Name   string `json:"name"`   // the sanitised original name, for people
	Key    string `json:"key"`    // where it is stored
	Size   int64  `json:"size"`   // bytes
	SHA256 string `json:"sha256"` // hex
	Type   string `json:"type"`   // detected media type
}

// Prefix is the storage prefix of a submission's objects.
func Prefix(kind, reference string) string {
	return kind + "s/" + keyRef(reference) + "/"
}

// ManifestKey is where a submission's manifest is stored.
func ManifestKey(kind, reference string) string { return Prefix(kind, reference) + "manifest.json" }

// FileKey is where a submission's n-th file (1-based) is stored. Keys are
// generated, never taken from a file name.
func FileKey(kind, reference string, n int) string {
	return fmt.Sprintf("%sfiles/%03d", Prefix(kind, reference), n)
}

// InflightKey is where the intake records a submission while it is being
// received, so that a crash's leftovers can be found and removed.
func InflightKey(reference string) string { return "inflight/" + keyRef(reference) + ".json" }

// ClaimKey is where the end of a submission being received is claimed,
// written only if absent: by its commit, or by the janitor sweeping it as
// interrupted. Whoever writes it first decides; the other gives way.
func ClaimKey(reference string) string { return "inflight/" + keyRef(reference) + ".claim" }

// Inflight is the record of a submission being received.
type Inflight struct {
	Reference string    `json:"reference"`
	Kind      string    `json:"kind"`
	Started   time.Time `json:"started"`
	// Keys are the file keys being written; listed before each write.
	Keys []string `json:"keys"`
	// Prefix is where the upload's objects go when it is not a
	// submission's own (a supplement: SupplementPrefix); "" for
	// Prefix(Kind, Reference).
	Prefix string `json:"prefix,omitempty"`
}

// ObjectPrefix is where the upload's files and record go.
func (in *Inflight) ObjectPrefix() string {
	if in.Prefix != "" {
		return in.Prefix
	}
	return Prefix(in.Kind, in.Reference)
}

// RecordKey is where the upload's record (manifest) is written when it is
// committed.
func (in *Inflight) RecordKey() string { return in.ObjectPrefix() + "manifest.json" }

// FileKey is where the upload's n-th file (1-based) goes.
func (in *Inflight) FileKey(n int) string { return fmt.Sprintf("%sfiles/%03d", in.ObjectPrefix(), n) }

// Encode returns the manifest as JSON.
func (m *Manifest) Encode() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	return append(b, '\n'), nil
}

// DecodeManifest reads a manifest, refusing other format versions.
func DecodeManifest(data []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	if m.Version != Version {
		return nil, fmt.Errorf("read manifest: version %d, want %d", m.Version, Version)
	}
	return &m, nil
}
