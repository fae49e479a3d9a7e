package intake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
	"github.com/zhongmou/award/workday"
)

// fuzzBoundary is the multipart boundary of raw fuzzed bodies.
const fuzzBoundary = "fuzzboundary0123456789"

// rawObjection is a whole multipart body with fuzzBoundary: the good
// fields and one PDF, for seeding the raw mode.
func rawObjection(fileName string, data []byte) []byte {
	var b bytes.Buffer
	for _, k := range []string{"publicity", "candidate", "objectorType", "name", "idNumber", "phone", "statement", "consent"} {
		fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=%q\r\n\r\n%s\r\n", fuzzBoundary, k, goodFields()[k])
	}
	fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=\"evidence\"; filename=%q\r\nContent-Type: application/pdf\r\n\r\n", fuzzBoundary, fileName)
	b.Write(data)
	fmt.Fprintf(&b, "\r\n--%s--\r\n", fuzzBoundary)
	return b.Bytes()
}

// fuzzEnv is newEnv for a fuzz target: one server (rate limits off, as in
// newEnv) over one store for the whole run, since a server per input
// would make the fuzzer crawl. Each input must leave the store empty.
func fuzzEnv(tb testing.TB) *testEnv {
	tb.Helper()
	cfg := DefaultConfig()
	cfg.Limits.MaxFileBytes = 256 << 10
	cfg.Limits.MaxRequestBytes = 1 << 20
	cfg.Limits.MaxFiles = 3
	cfg.RateLimits = RateLimits{Submit: "off", Receipt: "off"}
	sealer, err := submission.NewSealer(bytes.Repeat([]byte{42}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	data, err := os.ReadFile("../holidays.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	cal, err := workday.Parse(data)
	if err != nil {
		tb.Fatal(err)
	}
	store, err := storage.NewDirStore(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	e := &testEnv{store: store, now: duringPublicity}
	e.srv, err = New(cfg, Deps{Archive: archive.New(store, sealer, testLedger(tb, store, e.clock), cfg.Config, archive.Options{Now: e.clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}), Windows: fixedWindows{testManifest()},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: e.clock, Calendar: cal,
		Townships: []string{"青年路街道", "韩寺镇", "姚家镇"}})
	if err != nil {
		tb.Fatal(err)
	}
	e.http = httptest.NewServer(e.srv)
	tb.Cleanup(e.http.Close)
	return e
}

// FuzzObjectionMultipart posts objections to a server over an empty store.
// With raw set, body is sent as it is, with fuzzBoundary; otherwise the
// good fields, with name, idNumber, statement and publicity/candidate
// replaced by the fuzzed values, and one file (fileName, body) are encoded
// properly. Whatever arrives, the server answers neither a panic nor a 5xx
// other than 503; any answer but 201 leaves nothing in the store; a 201
// leaves exactly a manifest and the files it reports.
func FuzzObjectionMultipart(f *testing.F) {
	good := goodFields()
	f.Add(false, pdfBytes, "处罚决定书.pdf", good["name"], good["idNumber"], good["statement"], "c01")
	f.Add(true, rawObjection("a.pdf", pdfBytes), "", "", "", "", "")
	f.Add(true, rawObjection("a.pdf", pdfBytes)[:300], "", "", "", "", "")
	f.Add(false, pdfBytes, "../../etc/passwd", good["name"], good["idNumber"], good["statement"], "c99")
	e := fuzzEnv(f)
	f.Fuzz(func(t *testing.T, raw bool, body []byte, fileName, name, idNumber, statement, candidate string) {
		// Fuzz calls in one process run one at a time, so the shared env
		// can report through this call's t.
		e.t = t
		defer func() { e.t = nil }()
		if ks := e.keys(); len(ks) > 0 {
			t.Fatalf("store not empty before the request: %v", ks)
		}
		var rd io.Reader
		ct := "multipart/form-data; boundary=" + fuzzBoundary
		if raw {
			rd = bytes.NewReader(body)
		} else {
			fields := goodFields()
			fields["name"], fields["idNumber"], fields["statement"], fields["candidate"] = name, idNumber, statement, candidate
			rd, ct = multipartBody(t, fields, []upload{{"evidence", fileName, body}})
		}
		resp := e.send("/api/objections", rd, ct, "application/json")
		reply, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("status %d, reading the answer: %v", resp.StatusCode, err)
		}
		status := resp.StatusCode
		if status >= 500 && status != http.StatusServiceUnavailable {
			t.Fatalf("status %d: %s", status, reply)
		}
		keys := e.keys()
		if status != http.StatusCreated {
			if len(keys) > 0 {
				t.Fatalf("status %d left objects behind: %v", status, keys)
			}
			return
		}
		var got objectionResponse
		if err := json.Unmarshal(reply, &got); err != nil {
			t.Fatalf("201 with an unreadable body: %v\n%s", err, reply)
		}
		if len(got.Files) == 0 {
			t.Fatalf("201 without files: %s", reply)
		}
		ref := strings.ToLower(got.Reference)
		want := []string{"objections/" + ref + "/manifest.json"}
		for _, k := range keys {
			if strings.HasPrefix(k, ledger.Prefix) {
				want = append(want, k) // its ledger entry: one, checked below
				break
			}
		}
		for i := range got.Files {
			want = append(want, fmt.Sprintf("objections/%s/files/%03d", ref, i+1))
		}
		sort.Strings(want)
		sort.Strings(keys)
		if strings.Join(keys, " ") != strings.Join(want, " ") {
			t.Fatalf("201 stored %v, want %v", keys, want)
		}
		for _, k := range keys {
			if err := e.store.Delete(context.Background(), k); err != nil {
				t.Fatal(err)
			}
		}
	})
}
