package submission

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// Records that prove themselves. Every record the intake and the
// secretariat store (manifests, status records, ledger entries) carries a
// MAC made with the record key, a 32-byte HMAC-SHA256 key that the storage
// does not hold: whoever can write to the storage but has not the key cannot
// change a record without it showing.
//
// A record type takes part by embedding Signed, which adds the "mac" field.
// The MAC is computed over the record's canonical form: its encoding/json
// Marshal (compact, struct fields in declaration order, map keys sorted)
// with the MAC set to nil, so that the "mac" key is absent. Verification
// decodes the stored record, re-encodes it the same way and compares, so it
// covers exactly what a reader of the record sees — whatever the stored
// indentation, and ignoring fields the record type does not have.

// MACAlg is the only MAC algorithm: HMAC-SHA256.
const MACAlg = "HS256"

// MAC authenticates a record.
type MAC struct {
	Alg   string `json:"alg"`   // MACAlg
	KeyID string `json:"keyID"` // first 8 bytes of SHA-256 of the key, hex: which key made it
	Value string `json:"value"` // base64 (standard, padded) of the HMAC-SHA256
}

// Signed is embedded in a record type to give it a MAC (JSON field "mac").
type Signed struct {
	MAC *MAC `json:"mac,omitempty"`
}

func (s *Signed) signed() *Signed { return s }

// Signable is a record with an embedded Signed: a pointer to any struct
// that embeds it.
type Signable interface{ signed() *Signed }

// Errors of Verify, to match with errors.Is.
var (
	// ErrUnsigned: the record has no MAC.
	ErrUnsigned = errors.New("记录没有校验码")
	// ErrUnknownKey: the MAC was made with a key that is not configured
	// (neither the current record key nor an old one).
	ErrUnknownKey = errors.New("记录的校验码出自未配置的记录密钥")
	// ErrBadMAC: the MAC does not match the record: it was changed.
	ErrBadMAC = errors.New("记录与其校验码不符")
	// ErrNoSigner: no record key was given.
	ErrNoSigner = errors.New("没有配置记录密钥")
)

// Signer makes MACs with the current record key and checks them with the
// current key or any old one (keys kept for verification after a rotation).
// It is safe for concurrent use; the records it signs or verifies are not
// (Sign and Verify clear a record's MAC while they encode it).
type Signer struct {
	current string            // key id of the key that signs
	keys    map[string][]byte // by key id: the current and the old keys
}

// NewSigner returns a Signer that signs with current and verifies with
// current and old. Every key must be 32 bytes.
func NewSigner(current []byte, old ...[]byte) (*Signer, error) {
	s := &Signer{keys: map[string][]byte{}}
	for i, k := range append([][]byte{current}, old...) {
		if len(k) != 32 {
			if i == 0 {
				return nil, fmt.Errorf("记录密钥应为 32 字节，实为 %d 字节", len(k))
			}
			return nil, fmt.Errorf("第 %d 把旧记录密钥应为 32 字节，实为 %d 字节", i, len(k))
		}
		id := KeyID(k)
		if i == 0 {
			s.current = id
		}
		s.keys[id] = append([]byte(nil), k...)
	}
	return s, nil
}

// KeyID identifies a key without revealing it: the first 8 bytes of its
// SHA-256, hex (as Sealer.KeyID does for the identity key).
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:8])
}

// KeyID is the id of the key that signs.
func (s *Signer) KeyID() string { return s.current }

// Canonical returns the bytes a record's MAC is computed over: encoding/json
// Marshal of v with its MAC set to nil. v's MAC is restored before it
// returns.
func Canonical(v Signable) ([]byte, error) {
	sg := v.signed()
	saved := sg.MAC
	sg.MAC = nil
	b, err := json.Marshal(v)
	sg.MAC = saved
	if err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	return b, nil
}

// Sign sets v's MAC, made with the current key over Canonical(v).
func (s *Signer) Sign(v Signable) error {
	if s == nil {
		return ErrNoSigner
	}
	b, err := Canonical(v)
	if err != nil {
		return err
	}
	v.signed().MAC = &MAC{Alg: MACAlg, KeyID: s.current, Value: base64.StdEncoding.EncodeToString(s.sum(s.current, b))}
	return nil
}

// Verify checks v's MAC against Canonical(v). It fails with an error
// matching ErrUnsigned, ErrUnknownKey or ErrBadMAC.
func (s *Signer) Verify(v Signable) error {
	if s == nil {
		return ErrNoSigner
	}
	mac := v.signed().MAC
	if mac == nil {
		return ErrUnsigned
	}
	if _, ok := s.keys[mac.KeyID]; !ok || mac.Alg != MACAlg {
		return fmt.Errorf("%w（算法 %q，密钥编号 %q）", ErrUnknownKey, mac.Alg, mac.KeyID)
	}
	got, err := base64.StdEncoding.DecodeString(mac.Value)
	if err != nil {
		return fmt.Errorf("%w（校验码不是 base64）", ErrBadMAC)
	}
	b, err := Canonical(v)
	if err != nil {
		return err
	}
	if !hmac.Equal(got, s.sum(mac.KeyID, b)) {
		return ErrBadMAC
	}
	return nil
}

func (s *Signer) sum(keyID string, b []byte) []byte {
	h := hmac.New(sha256.New, s.keys[keyID])
	h.Write(b)
	return h.Sum(nil)
}
