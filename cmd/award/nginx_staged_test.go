package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestNginxStagedUpload sends a staged upload (tus 1.0) through nginx with
// the generated production configuration: every method of the protocol
// passes, its headers go both ways, the Location the intake gives is under
// the base path, and a PATCH of several MiB streams through (request
// buffering off) to an offset a HEAD then reports.
func TestNginxStagedUpload(t *testing.T) {
	ns := startNginxSite(t, nginxOptions{})
	endpoint := ns.url + "api/uploads/"
	do := func(method, url string, h map[string]string, body []byte) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, url, bytes.NewReader(body))
		if body == nil {
			req, _ = http.NewRequest(method, url, nil)
		}
		req.Header.Set("Tus-Resumable", "1.0.0")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
		resp.Body.Close()
		return resp
	}
	resp := do("OPTIONS", endpoint, nil, nil)
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Tus-Version") != "1.0.0" || !strings.Contains(resp.Header.Get("Tus-Extension"), "termination") {
		t.Fatalf("OPTIONS through nginx: %d %v", resp.StatusCode, resp.Header)
	}
	data := append([]byte("%PDF-1.4\n"), make([]byte, 6<<20)...)
	rand.Read(data[9:])
	b64 := base64.StdEncoding.EncodeToString
	resp = do("POST", endpoint, map[string]string{"Upload-Length": strconv.Itoa(len(data)),
		"Upload-Metadata": "kind " + b64([]byte("objection")) + ",field " + b64([]byte("evidence")) + ",filename " + b64([]byte("证据.pdf"))}, nil)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusCreated || !strings.HasPrefix(loc, ns.base+"api/uploads/") {
		t.Fatalf("POST through nginx: %d, Location %q (want under %s)", resp.StatusCode, loc, ns.base)
	}
	upload := ns.origin + loc
	half := len(data) / 2
	for _, part := range [][2]int{{0, half}, {half, len(data)}} {
		resp = do("PATCH", upload, map[string]string{"Content-Type": "application/offset+octet-stream",
			"Upload-Offset": strconv.Itoa(part[0])}, data[part[0]:part[1]])
		if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Upload-Offset") != strconv.Itoa(part[1]) {
			t.Fatalf("PATCH at %d through nginx: %d, offset %q", part[0], resp.StatusCode, resp.Header.Get("Upload-Offset"))
		}
	}
	resp = do("HEAD", upload, nil, nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Upload-Offset") != strconv.Itoa(len(data)) || resp.Header.Get("Upload-Expires") == "" {
		t.Errorf("HEAD through nginx: %d %v", resp.StatusCode, resp.Header)
	}
	if resp = do("DELETE", upload, nil, nil); resp.StatusCode != http.StatusNoContent {
		t.Errorf("DELETE through nginx: %d", resp.StatusCode)
	}
	if resp = do("HEAD", upload, nil, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("HEAD after DELETE through nginx: %d", resp.StatusCode)
	}
}
