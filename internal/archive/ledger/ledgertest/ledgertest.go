// Package ledgertest builds stores with committed submissions, status
// records and a purge, recorded in the ledger as the intake, award status
// and the janitor record them, and tampers with them directly in the store:
// the shared cases of the tamper-evidence tests (ledger.Verify, award audit
// verify, award export), run against each store.
package ledgertest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/storage/miniotest"
	"github.com/zhongmou/award/submission"
)

// The fixture's references.
const (
	A      = "AAAA-2222" // committed, with a status record
	B      = "BBBB-3333" // committed, two files
	C      = "CCCC-4444" // committed
	Purged = "DDDD-5555" // committed long ago, then purged
)

// Key is the record key of the fixture (32 bytes).
var Key = bytes.Repeat([]byte{0x5a}, 32)

// Signer returns a signer with Key.
func Signer(t testing.TB) *submission.Signer {
	t.Helper()
	s, err := submission.NewSigner(Key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Fixture is a store holding the objections A, B and C committed in that
// order (ledger entries 2, 3 and 4 after Purged's commit, 1), a status
// record of A (entry 5) and Purged purged (entry 6).
type Fixture struct {
	Store     storage.Store
	Ledger    *ledger.Ledger
	StatusKey string // A's status record
}

// At is when the fixture's submissions were received (B and C a minute and
// two later, Purged four years earlier).
var At = time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// Setup fills store with the fixture.
func Setup(t testing.TB, store storage.Store) *Fixture {
	t.Helper()
	fx := &Fixture{Store: store, Ledger: ledger.New(store, Signer(t), nil)}
	Commit(t, fx.Ledger, submission.KindObjection, Purged, At.AddDate(-4, 0, 0), "旧材料")
	Commit(t, fx.Ledger, submission.KindObjection, A, At, "处罚决定书")
	Commit(t, fx.Ledger, submission.KindObjection, B, At.Add(time.Minute), "检测报告", "现场照片")
	Commit(t, fx.Ledger, submission.KindObjection, C, At.Add(2*time.Minute), "投诉记录")
	fx.StatusKey = Status(t, fx.Ledger, A, "核实中", At.Add(time.Hour))
	Purge(t, fx.Ledger, submission.KindObjection, Purged)
	return fx
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// Commit stores a submission as the intake commits it: its files (one per
// content given), its signed manifest IfAbsent, then its ledger entry.
func Commit(t testing.TB, l *ledger.Ledger, kind, ref string, at time.Time, contents ...string) *submission.Manifest {
	t.Helper()
	m := Manifest(t, l, kind, ref, at, contents...)
	data, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	key := submission.ManifestKey(kind, ref)
	if _, err := l.Store().Put(ctx(t), key, bytes.NewReader(data), storage.PutOptions{IfAbsent: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Record(ctx(t), ledger.KindCommit, ref, key, data); err != nil {
		t.Fatal(err)
	}
	return m
}

// Manifest stores a submission's files in l's store and returns its
// manifest signed with l's signer, not yet stored.
func Manifest(t testing.TB, l *ledger.Ledger, kind, ref string, at time.Time, contents ...string) *submission.Manifest {
	t.Helper()
	m := &submission.Manifest{Version: submission.Version, Kind: kind, Reference: ref, TokenHash: submission.HashToken("token-" + ref),
		ReceivedAt: at, Fields: map[string]string{"publicity": "pub-2026", "candidate": "c01", "objectorType": "individual",
			"statement": "该组织在2025年发生过产品质量责任事故，有处罚决定书为证。"}, Files: []submission.File{}}
	if kind == submission.KindApplication {
		m.Fields = map[string]string{"call": "call-2026", "orgName": "中牟县示例食品有限公司", "creditCode": "91410122MA00J8NW0M"}
	}
	for i, c := range contents {
		fk := submission.FileKey(kind, ref, i+1)
		data := "%PDF-1.7 " + ref + " " + c
		if _, err := l.Store().Put(ctx(t), fk, strings.NewReader(data), storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
		m.Files = append(m.Files, submission.File{Field: "evidence", Name: c + ".pdf", Key: fk, Size: int64(len(data)), SHA256: sum([]byte(data)), Type: "application/pdf"})
	}
	if err := l.Signer().Sign(m); err != nil {
		t.Fatal(err)
	}
	return m
}

// Status stores a signed status record as award status does, then its
// ledger entry, and returns its key.
func Status(t testing.TB, l *ledger.Ledger, ref, state string, at time.Time) string {
	t.Helper()
	st := &submission.Status{Reference: ref, State: state, Note: "已转县市场监管局核实", Operator: "王科员", At: at}
	if err := l.Signer().Sign(st); err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(st)
	key := submission.StatusKey(ref, at)
	if _, err := l.Store().Put(ctx(t), key, bytes.NewReader(data), storage.PutOptions{IfAbsent: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Record(ctx(t), ledger.KindStatus, ref, key, data); err != nil {
		t.Fatal(err)
	}
	return key
}

// Purge deletes a submission as the janitor does at the end of its
// retention period: the purged entry first, then its objects.
func Purge(t testing.TB, l *ledger.Ledger, kind, ref string) {
	t.Helper()
	key := submission.ManifestKey(kind, ref)
	data := Get(t, l.Store(), key)
	if _, err := l.Record(ctx(t), ledger.KindPurged, ref, key, data); err != nil {
		t.Fatal(err)
	}
	DeletePrefix(t, l.Store(), submission.Prefix(kind, ref))
}

// Get reads an object.
func Get(t testing.TB, store storage.Store, key string) []byte {
	t.Helper()
	rc, _, err := store.Get(ctx(t), key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Put overwrites an object, as someone with write access to the storage can.
func Put(t testing.TB, store storage.Store, key string, data []byte) {
	t.Helper()
	if _, err := store.Put(ctx(t), key, bytes.NewReader(data), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
}

// Delete removes an object.
func Delete(t testing.TB, store storage.Store, key string) {
	t.Helper()
	if err := store.Delete(ctx(t), key); err != nil {
		t.Fatal(err)
	}
}

// DeletePrefix removes every object under prefix.
func DeletePrefix(t testing.TB, store storage.Store, prefix string) {
	t.Helper()
	infos, err := store.List(ctx(t), prefix)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range infos {
		Delete(t, store, in.Key)
	}
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Want is a finding expected: its kind and the reference it names.
type Want struct {
	Kind      ledger.FindingKind
	Reference string
	Seq       int64 // the ledger entry it names, for chain findings; 0 otherwise
}

func (w Want) String() string { return fmt.Sprintf("%s %s #%d", w.Kind, w.Reference, w.Seq) }

// Case is one way of tampering with the fixture, and exactly the findings
// it must give.
type Case struct {
	Name   string
	Tamper func(t testing.TB, fx *Fixture)
	Want   []Want
}

// Cases are the tamper cases: every one changes the fixture directly in
// the store, as someone with the storage's credentials but not the record
// key could.
func Cases() []Case {
	mk := func(ref string) string { return submission.ManifestKey(submission.KindObjection, ref) }
	editManifest := func(t testing.TB, fx *Fixture, ref string, edit func(*submission.Manifest)) {
		m, err := submission.DecodeManifest(Get(t, fx.Store, mk(ref)))
		if err != nil {
			t.Fatal(err)
		}
		edit(m) // the MAC stays as it was
		data, err := m.Encode()
		if err != nil {
			t.Fatal(err)
		}
		Put(t, fx.Store, mk(ref), data)
	}
	return []Case{
		{Name: "untouched"},
		{Name: "statement rewritten", Tamper: func(t testing.TB, fx *Fixture) {
			editManifest(t, fx, B, func(m *submission.Manifest) { m.Fields["statement"] = "撤回异议。" })
		}, Want: []Want{{Kind: ledger.ManifestChanged, Reference: B}}},
		{Name: "file replaced", Tamper: func(t testing.TB, fx *Fixture) {
			Put(t, fx.Store, submission.FileKey(submission.KindObjection, B, 2), []byte("%PDF-1.7 另一份文件"))
		}, Want: []Want{{Kind: ledger.FileReplaced, Reference: B}}},
		{Name: "file and its hash replaced", Tamper: func(t testing.TB, fx *Fixture) {
			data := []byte("%PDF-1.7 另一份文件")
			Put(t, fx.Store, submission.FileKey(submission.KindObjection, B, 2), data)
			editManifest(t, fx, B, func(m *submission.Manifest) { m.Files[1].Size, m.Files[1].SHA256 = int64(len(data)), sum(data) })
		}, Want: []Want{{Kind: ledger.ManifestChanged, Reference: B}}},
		{Name: "submission deleted", Tamper: func(t testing.TB, fx *Fixture) {
			DeletePrefix(t, fx.Store, submission.Prefix(submission.KindObjection, B))
		}, Want: []Want{{Kind: ledger.SubmissionDeleted, Reference: B}}},
		{Name: "ledger entry deleted in the middle", Tamper: func(t testing.TB, fx *Fixture) {
			Delete(t, fx.Store, ledger.Key(3)) // B's commit
		}, Want: []Want{{Kind: ledger.LedgerMissing, Seq: 3}, {Kind: ledger.Unrecorded, Reference: B}}},
		{Name: "ledger entry changed", Tamper: func(t testing.TB, fx *Fixture) {
			data := Get(t, fx.Store, ledger.Key(3))
			var e ledger.Entry
			if err := json.Unmarshal(data, &e); err != nil {
				t.Fatal(err)
			}
			e.SHA256 = sum([]byte("another manifest"))
			changed, _ := json.Marshal(e)
			Put(t, fx.Store, ledger.Key(3), append(changed, '\n'))
		}, Want: []Want{{Kind: ledger.LedgerChanged, Reference: B, Seq: 3}, {Kind: ledger.Unrecorded, Reference: B}}},
		{Name: "ledger entries reordered", Tamper: func(t testing.TB, fx *Fixture) {
			b3, b4 := Get(t, fx.Store, ledger.Key(3)), Get(t, fx.Store, ledger.Key(4))
			Put(t, fx.Store, ledger.Key(3), b4)
			Put(t, fx.Store, ledger.Key(4), b3)
		}, Want: []Want{{Kind: ledger.LedgerReordered, Reference: C, Seq: 3}, {Kind: ledger.LedgerReordered, Reference: B, Seq: 4}}},
		{Name: "status record deleted", Tamper: func(t testing.TB, fx *Fixture) {
			Delete(t, fx.Store, fx.StatusKey)
		}, Want: []Want{{Kind: ledger.StatusDeleted, Reference: A}}},
		{Name: "status record changed", Tamper: func(t testing.TB, fx *Fixture) {
			var st submission.Status
			if err := json.Unmarshal(Get(t, fx.Store, fx.StatusKey), &st); err != nil {
				t.Fatal(err)
			}
			st.State = "已办结"
			data, _ := json.Marshal(st)
			Put(t, fx.Store, fx.StatusKey, data)
		}, Want: []Want{{Kind: ledger.StatusChanged, Reference: A}}},
		{Name: "unsigned manifest added", Tamper: func(t testing.TB, fx *Fixture) {
			m := Manifest(t, fx.Ledger, submission.KindObjection, "EEEE-6666", At, "伪造材料")
			m.MAC = nil
			data, _ := m.Encode()
			Put(t, fx.Store, mk("EEEE-6666"), data)
		}, Want: []Want{{Kind: ledger.ManifestChanged, Reference: "EEEE-6666"}}},
	}
}

// Check fails t unless the findings are exactly want (in any order).
func Check(t testing.TB, findings []ledger.Finding, want []Want) {
	t.Helper()
	got := map[Want]int{}
	for _, f := range findings {
		w := Want{Kind: f.Kind, Reference: f.Reference}
		if f.Kind.Chain() {
			w.Seq = f.Seq
			if f.Kind == ledger.LedgerMissing {
				w.Reference = ""
			}
		}
		got[w]++
	}
	wantSet := map[Want]int{}
	for _, w := range want {
		wantSet[w]++
	}
	if fmt.Sprint(got) != fmt.Sprint(wantSet) {
		var lines []string
		for _, f := range findings {
			lines = append(lines, "\t"+f.String())
		}
		t.Errorf("findings %v, want %v:\n%s", got, wantSet, strings.Join(lines, "\n"))
	}
}

// Backend is a kind of store the tests run against.
type Backend struct {
	Name string
	// New returns a new, empty store, and the environment that points
	// the award command at it (AWARD_DATA_DIR, or AWARD_S3_*).
	New func(t *testing.T) (storage.Store, map[string]string)
}

// Backends are a directory store and a real MinIO (storage/miniotest),
// started the first time a test asks for it and stopped when t ends; the
// MinIO backend skips its test when the binary is missing, unless CI=true.
func Backends(t *testing.T) []Backend {
	var srv struct {
		once sync.Once
		s    miniotest.Server
		err  error
	}
	dir := Backend{Name: "DirStore", New: func(t *testing.T) (storage.Store, map[string]string) {
		root := t.TempDir()
		s, err := storage.NewDirStore(root)
		if err != nil {
			t.Fatal(err)
		}
		return s, map[string]string{"AWARD_DATA_DIR": root, "AWARD_S3_ENDPOINT": ""}
	}}
	s3 := Backend{Name: "MinIO", New: func(sub *testing.T) (storage.Store, map[string]string) {
		srv.once.Do(func() {
			var stop func()
			srv.s, stop, srv.err = miniotest.StartMain()
			if srv.err == nil {
				t.Cleanup(stop)
			}
		})
		if srv.err != nil {
			if errors.Is(srv.err, miniotest.ErrNoBinary) && os.Getenv("CI") != "true" {
				sub.Skip(srv.err)
			}
			sub.Fatal(srv.err)
		}
		var b [6]byte
		rand.Read(b[:])
		cfg := storage.S3Config{Endpoint: srv.s.Endpoint, Bucket: "ledger-" + hex.EncodeToString(b[:]),
			AccessKey: srv.s.AccessKey, SecretKey: srv.s.SecretKey, Insecure: true}
		s, err := storage.NewS3Store(ctx(sub), cfg)
		if err != nil {
			sub.Fatal(err)
		}
		return s, map[string]string{"AWARD_S3_ENDPOINT": cfg.Endpoint, "AWARD_S3_BUCKET": cfg.Bucket,
			"AWARD_S3_ACCESS_KEY": cfg.AccessKey, "AWARD_S3_SECRET_KEY": cfg.SecretKey, "AWARD_S3_INSECURE": "1"}
	}}
	return []Backend{dir, s3}
}

// CaseNamed returns the case of Cases with that name.
func CaseNamed(t testing.TB, name string) Case {
	t.Helper()
	for _, c := range Cases() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("ledgertest: no case %q", name)
	return Case{}
}
