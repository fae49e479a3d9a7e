package intake

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"testing"
)

// The upload routes refuse what the forms refuse: a request from another
// site (403) and one not speaking the protocol (412); neither changes
// anything.
func TestUploadRefusals(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	loc := e.stage("objection", "evidence", "a.pdf", len(pdfBytes))
	resp := e.patch(loc, 0, pdfBytes[:20])
	resp.Body.Close()
	before := e.keys()
	forged := map[string]string{"Origin": "https://evil.example", "Content-Type": "application/offset+octet-stream", "Upload-Offset": "20",
		"Upload-Length": "10", "Upload-Metadata": tusMetadata("kind", "objection", "field", "evidence", "filename", "b.pdf")}
	unversioned := map[string]string{"Tus-Resumable": "", "Content-Type": "application/offset+octet-stream", "Upload-Offset": "20"}
	for _, c := range []struct {
		method, path string
		header       map[string]string
		want         int
	}{
		{"POST", "/api/uploads/", forged, http.StatusForbidden},
		{"PATCH", loc, forged, http.StatusForbidden},
		{"DELETE", loc, forged, http.StatusForbidden},
		{"PATCH", loc, unversioned, http.StatusPreconditionFailed},
		{"DELETE", loc, unversioned, http.StatusPreconditionFailed},
		{"HEAD", loc, unversioned, http.StatusPreconditionFailed},
	} {
		var body io.Reader
		if c.method == "PATCH" {
			body = bytes.NewReader(pdfBytes[20:])
		}
		resp := e.tusDo(c.method, c.path, c.header, body)
		if c.method != "HEAD" {
			if p := decode[apiError](t, resp); p.Error.Message == "" {
				t.Errorf("%s %s: no message", c.method, c.header)
			}
		} else {
			resp.Body.Close()
		}
		if resp.StatusCode != c.want || resp.Header.Get("Tus-Resumable") != "1.0.0" {
			t.Errorf("%s with %v: %d, Tus-Resumable %q; want %d", c.method, c.header, resp.StatusCode, resp.Header.Get("Tus-Resumable"), c.want)
		}
	}
	if after := e.keys(); !slices.Equal(after, before) {
		t.Errorf("the refusals changed the store: %v, was %v", after, before)
	}
	if n, _ := e.offset(loc); n != 20 {
		t.Errorf("offset %d, want 20", n)
	}
}
