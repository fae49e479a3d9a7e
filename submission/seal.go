package submission

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
)

// Sealed is a value encrypted with AES-256-GCM under the identity key.
type Sealed struct {
	Alg        string `json:"alg"`   // "A256GCM"
	KeyID      string `json:"keyID"` // first 8 bytes of SHA-256 of the key, hex: which key to open it with
	Nonce      string `json:"nonce"` // base64
	Ciphertext string `json:"ciphertext"`
}

// Sealer encrypts and decrypts identities with one 32-byte key.
type Sealer struct {
	aead  cipher.AEAD
	keyID string
}

// NewSealer returns a Sealer for a 32-byte key.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("identity key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("identity key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("identity key: %w", err)
	}
	return &Sealer{aead: aead, keyID: KeyID(key)}, nil
}

// KeyID identifies the sealer's key.
func (s *Sealer) KeyID() string { return s.keyID }

// Seal encrypts v (marshalled as JSON). The reference is bound in as
// associated data, so a sealed identity cannot be moved to another submission.
func (s *Sealer) Seal(reference string, v any) (*Sealed, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("seal identity: %w", err)
	}
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce)
	ct := s.aead.Seal(nil, nonce, plain, []byte(reference))
	return &Sealed{Alg: "A256GCM", KeyID: s.keyID,
		Nonce: base64.StdEncoding.EncodeToString(nonce), Ciphertext: base64.StdEncoding.EncodeToString(ct)}, nil
}

// ErrWrongKey means a sealed value was sealed under another key.
var ErrWrongKey = errors.New("identity sealed under another key")

// Open decrypts a sealed value into v.
func (s *Sealer) Open(reference string, sealed *Sealed, v any) error {
	if sealed.KeyID != s.keyID {
		return fmt.Errorf("open identity (key %s, have %s): %w", sealed.KeyID, s.keyID, ErrWrongKey)
	}
	nonce, err := base64.StdEncoding.DecodeString(sealed.Nonce)
	if err != nil {
		return fmt.Errorf("open identity: nonce: %w", err)
	}
	ct, err := base64.StdEncoding.DecodeString(sealed.Ciphertext)
	if err != nil {
		return fmt.Errorf("open identity: ciphertext: %w", err)
	}
	plain, err := s.aead.Open(nil, nonce, ct, []byte(reference))
	if err != nil {
		return fmt.Errorf("open identity: %w", err)
	}
	return json.Unmarshal(plain, v)
}
