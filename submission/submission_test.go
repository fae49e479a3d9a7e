package submission

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestReference(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		r := NewReference()
		if len(r) != 9 || r[4] != '-' || strings.ContainsAny(r, "01OI") {
			t.Fatalf("bad reference %q", r)
		}
		if NormalizeReference(strings.ToLower(strings.ReplaceAll(r, "-", ""))) != r {
			t.Fatalf("normalize(%q) failed", r)
		}
		seen[r] = true
	}
	if len(seen) < 1999 {
		t.Errorf("references repeat: %d distinct of 2000", len(seen))
	}
	for _, bad := range []string{"", "K7M2-QX9", "K7M2-QX9O", "K7M2-QX9DD", "../../etc"} {
		if NormalizeReference(bad) != "" {
			t.Errorf("NormalizeReference(%q) accepted", bad)
		}
	}
	if k := ManifestKey(KindObjection, "K7M2-QX9D"); k != "objections/k7m2-qx9d/manifest.json" {
		t.Errorf("manifest key %q", k)
	}
	if k := FileKey(KindApplication, "K7M2-QX9D", 2); k != "applications/k7m2-qx9d/files/002" {
		t.Errorf("file key %q", k)
	}
}

func TestToken(t *testing.T) {
	tok := NewToken()
	h := HashToken(tok)
	if !TokenMatches(tok, h) || TokenMatches(tok+"x", h) || TokenMatches(NewToken(), h) {
		t.Error("token matching")
	}
}

func TestSeal(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	s, err := NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	type id struct{ Name, IDNumber string }
	sealed, err := s.Seal("K7M2-QX9D", id{"张三", "11010519491231002X"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed.Ciphertext, "张三") {
		t.Fatal("plaintext in ciphertext")
	}
	var got id
	if err := s.Open("K7M2-QX9D", sealed, &got); err != nil || got.Name != "张三" {
		t.Fatalf("open: %v %+v", err, got)
	}
	if err := s.Open("OTHER-REF", sealed, &got); err == nil {
		t.Error("opened under another reference")
	}
	other, _ := NewSealer(bytes.Repeat([]byte{8}, 32))
	if err := other.Open("K7M2-QX9D", sealed, &got); !errors.Is(err, ErrWrongKey) {
		t.Errorf("other key: %v", err)
	}
	if _, err := NewSealer([]byte("short")); err == nil {
		t.Error("short key accepted")
	}
}

func TestSanitizeFileName(t *testing.T) {
	cases := map[string]string{
		"证明材料.pdf":                        "证明材料.pdf",
		"../../etc/passwd":                "passwd",
		`C:\Users\张三\扫描件.jpg`:             "扫描件.jpg",
		"a\x00b\nc.pdf":                   "a_b_c.pdf",
		"report\u202Efdp.exe":             "report_fdp.exe",
		"...":                             "file",
		"":                                "file",
		"\xff\xfe.pdf":                    "pdf",
		strings.Repeat("长", 150) + ".pdf": strings.Repeat("长", 96) + ".pdf",
	}
	for in, want := range cases {
		if got := SanitizeFileName(in); got != want {
			t.Errorf("SanitizeFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestManifestRoundTrip(t *testing.T) {
	m := &Manifest{Version: Version, Kind: KindObjection, Reference: "K7M2-QX9D", ReceivedAt: time.Unix(0, 0).UTC(),
		Fields: map[string]string{"candidate": "c01"}, Files: []File{{Field: "evidence", Name: "a.pdf", Size: 3}}}
	b, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeManifest(b)
	if err != nil || got.Files[0].Name != "a.pdf" || got.Fields["candidate"] != "c01" {
		t.Fatalf("%v %+v", err, got)
	}
	if _, err := DecodeManifest([]byte(`{"version":2}`)); err == nil {
		t.Error("version 2 accepted")
	}
}
