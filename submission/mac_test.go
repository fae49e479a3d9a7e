package submission

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func testSigner(t *testing.T, b byte, old ...[]byte) *Signer {
	t.Helper()
	s, err := NewSigner(bytes.Repeat([]byte{b}, 32), old...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func signedManifest(t *testing.T, s *Signer) []byte {
	t.Helper()
	m := &Manifest{Version: Version, Kind: KindObjection, Reference: "K7M2-QX9D", TokenHash: HashToken("tok"),
		ReceivedAt: time.Date(2026, 11, 25, 10, 0, 0, 123456789, time.FixedZone("CST", 8*3600)),
		Fields:     map[string]string{"statement": "该组织<在>2025年发生过事故", "publicity": "pub-2026"},
		Files:      []File{{Field: "evidence", Name: "a.pdf", Key: FileKey(KindObjection, "K7M2-QX9D", 1), Size: 3, SHA256: "ab"}}}
	if err := s.Sign(m); err != nil {
		t.Fatal(err)
	}
	data, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestSignManifest checks that a manifest signed, stored (indented) and
// read back verifies, and that changing any part of it — a statement, a
// file's hash, the MAC itself — fails with ErrBadMAC.
func TestSignManifest(t *testing.T) {
	s := testSigner(t, 1)
	data := signedManifest(t, s)
	if !bytes.Contains(data, []byte(`"mac": {`)) || !bytes.Contains(data, []byte(`"keyID": "`+s.KeyID()+`"`)) {
		t.Fatalf("stored manifest has no mac field with the key id:\n%s", data)
	}
	m, err := DecodeManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(m); err != nil {
		t.Fatalf("a signed manifest does not verify: %v", err)
	}
	if m.MAC == nil {
		t.Fatal("Verify dropped the MAC")
	}
	for name, change := range map[string]func(string) string{
		"statement":  func(s string) string { return strings.Replace(s, "发生过事故", "没有事故", 1) },
		"file hash":  func(s string) string { return strings.Replace(s, `"sha256": "ab"`, `"sha256": "cd"`, 1) },
		"time":       func(s string) string { return strings.Replace(s, "10:00:00.123456789", "09:00:00.123456789", 1) },
		"extra file": func(s string) string { return strings.Replace(s, `"files": [`, `"files": [{"key":"x"},`, 1) },
	} {
		changed := change(string(data))
		if changed == string(data) {
			t.Fatalf("%s: the test's change did nothing", name)
		}
		m, err := DecodeManifest([]byte(changed))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := s.Verify(m); !errors.Is(err, ErrBadMAC) {
			t.Errorf("%s changed: Verify = %v, want ErrBadMAC", name, err)
		}
	}
	// Re-indenting the stored bytes changes nothing a reader sees.
	var compact bytes.Buffer
	if err := json.Compact(&compact, data); err != nil {
		t.Fatal(err)
	}
	if m, err := DecodeManifest(compact.Bytes()); err != nil || s.Verify(m) != nil {
		t.Errorf("compacted manifest: %v %v", err, s.Verify(m))
	}
}

// TestVerifyKeys checks rotation: an old key still verifies what it signed,
// an unconfigured key is ErrUnknownKey, a record without MAC ErrUnsigned.
func TestVerifyKeys(t *testing.T) {
	oldKey := bytes.Repeat([]byte{1}, 32)
	data := signedManifest(t, testSigner(t, 1))
	m, _ := DecodeManifest(data)
	rotated := testSigner(t, 2, oldKey)
	if rotated.KeyID() != KeyID(bytes.Repeat([]byte{2}, 32)) || rotated.KeyID() == KeyID(oldKey) {
		t.Fatalf("KeyID %s", rotated.KeyID())
	}
	if err := rotated.Verify(m); err != nil {
		t.Errorf("old key no longer verifies after rotation: %v", err)
	}
	if err := testSigner(t, 3).Verify(m); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("another key: %v, want ErrUnknownKey", err)
	}
	m.MAC = nil
	if err := rotated.Verify(m); !errors.Is(err, ErrUnsigned) {
		t.Errorf("no MAC: %v, want ErrUnsigned", err)
	}
	var none *Signer
	if err := none.Sign(m); !errors.Is(err, ErrNoSigner) {
		t.Errorf("nil Signer: %v", err)
	}
	if _, err := NewSigner(make([]byte, 16)); err == nil {
		t.Error("a 16-byte key accepted")
	}
	if _, err := NewSigner(make([]byte, 32), make([]byte, 31)); err == nil {
		t.Error("a 31-byte old key accepted")
	}
}

// TestSignStatus checks that status records, like manifests, carry a MAC
// that a changed note breaks, and that the canonical form leaves the MAC
// out.
func TestSignStatus(t *testing.T) {
	s := testSigner(t, 4)
	st := &Status{Reference: "K7M2-QX9D", State: "核实中", Note: "已转县市场监管局", Operator: "王科员", At: time.Date(2026, 11, 26, 1, 2, 3, 0, time.UTC)}
	before, err := Canonical(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Sign(st); err != nil {
		t.Fatal(err)
	}
	after, err := Canonical(st)
	if err != nil || !bytes.Equal(before, after) || bytes.Contains(after, []byte(`"mac"`)) || st.MAC == nil {
		t.Fatalf("canonical form depends on the MAC or drops it: %s / %s (%v)", before, after, err)
	}
	data, _ := json.Marshal(st)
	var back Status
	if err := json.Unmarshal(data, &back); err != nil || s.Verify(&back) != nil {
		t.Fatalf("status round trip: %v %v", err, s.Verify(&back))
	}
	back.Note = "已办结，不予受理"
	if err := s.Verify(&back); !errors.Is(err, ErrBadMAC) {
		t.Errorf("changed note: %v, want ErrBadMAC", err)
	}
}
