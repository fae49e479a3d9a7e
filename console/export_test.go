package console

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/zhongmou/award/internal/staff"
)

// TestExportZIP: one click gives the round as a ZIP without identities;
// with a reason, with them; both audited with who and from where.
func TestExportZIP(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	e.addObjection()
	e.addApplication("韩寺镇某某机械有限公司", "91410122MA45AAAA1A", "韩寺镇")
	c := e.signIn("daochu", staff.Secretariat, "")
	entries := func(body string) map[string]string {
		zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
		if err != nil {
			t.Fatalf("not a ZIP: %v", err)
		}
		out := map[string]string{}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			out[f.Name] = string(b)
		}
		return out
	}
	resp, body := c.get("/staff/export?download=1")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("export: %d %v", resp.StatusCode, resp.Header)
	}
	plain := entries(body)
	if _, ok := plain["汇总.xlsx"]; !ok {
		t.Fatalf("no 汇总.xlsx in %v", keys(plain))
	}
	for name, data := range plain {
		if strings.Contains(name, "identity") || bytes.Contains([]byte(data), []byte(objector.IDNumber)) || strings.Contains(data, objector.Name) {
			t.Fatalf("export without identities holds one in %s", name)
		}
	}
	c.get("/staff/export")
	resp, _ = c.post("/staff/export", url.Values{"reason": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("export with identities without a reason: %d", resp.StatusCode)
	}
	resp, body = c.post("/staff/export", url.Values{"reason": {"报送评审委员会存档"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("export with identities: %d", resp.StatusCode)
	}
	found := false
	for name, data := range entries(body) {
		if strings.HasSuffix(name, "identity.json") && strings.Contains(data, objector.IDNumber) {
			found = true
		}
	}
	if !found {
		t.Fatal("export with identities has no identity.json with the objector's")
	}
	recs := e.audits("export")
	if len(recs) != 2 || recs[0].Operator != "daochu" || recs[0].From == "" || !strings.Contains(detailText(recs[0].Details), "报送评审委员会存档") {
		t.Fatalf("export audits: %+v", recs)
	}
	// Another role may not export.
	town := e.signIn("xiangzhen", staff.Township, "韩寺镇")
	if resp, _ := town.get("/staff/export?download=1"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("township export: %d", resp.StatusCode)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
