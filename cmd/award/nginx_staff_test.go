package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive"
)

// TestNginxStaff runs the console behind real Debian nginx with a
// configuration generated from deploy/nginx-award-staff.conf (its listen
// address, certificate, allowed network and upstream replaced by the
// test's): over TLS the session's cookies are Secure, the audit log
// records the address nginx saw (not one a client claims in X-Real-IP),
// and nothing but /staff/ is served.
func TestNginxStaff(t *testing.T) {
	bin := nginxBin(t)
	const name = "../../deploy/nginx-award-staff.conf"
	src, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Setenv("AWARD_DATA_DIR", filepath.Join(dir, "data"))
	t.Setenv("AWARD_IDENTITY_KEY_FILE", filepath.Join(dir, "keys", "identity.key"))
	t.Setenv("AWARD_TOWNSHIPS", "../../townships.yaml")
	t.Setenv("AWARD_HOLIDAYS", "../../holidays.yaml")
	t.Setenv("AWARD_TRUST_PROXY", "1")
	scfg, err := loadServiceConfig(filepath.Join(dir, "none.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	scfg.Staff.Addr = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	arch, err := openArchive(ctx, scfg.Config, log, archive.Options{CreateKeys: true})
	if err != nil {
		t.Fatal(err)
	}
	staffAddr, done, err := startConsole(ctx, scfg, arch, nil, log, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-done })

	cert, key := selfSigned(t, dir)
	port := strconv.Itoa(freeLoopbackPort(t))
	conf := string(src)
	for _, r := range []struct{ pattern, with string }{
		{`listen\s+10\.0\.0\.10:443 ssl;`, "listen 127.0.0.1:" + port + " ssl;"},
		{`ssl_certificate\s+\S+;`, "ssl_certificate " + cert + ";"},
		{`ssl_certificate_key\s+\S+;`, "ssl_certificate_key " + key + ";"},
		{`allow 10\.0\.0\.0/8;`, "allow 127.0.0.1;"},
		{`server 127\.0\.0\.1:8082;`, "server " + staffAddr + ";"},
		{`access_log /var/log/nginx/award-staff\.log`, "access_log " + filepath.Join(dir, "logs", "staff.log")},
	} {
		re := regexp.MustCompile(r.pattern)
		if !re.MatchString(conf) {
			t.Fatalf("%s no longer has %q: update the test with the file", name, r.pattern)
		}
		conf = re.ReplaceAllString(conf, r.with)
	}
	client := &http.Client{
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	origin := "https://127.0.0.1:" + port
	runNginx(t, bin, name, dir, filepath.Join(dir, "logs"), conf, origin+"/staff/login", client)

	resp, err := client.Get(origin + "/staff/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var token *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "award_staff_login" {
			token = c
		}
	}
	if token == nil || !token.Secure || !token.HttpOnly || token.SameSite != http.SameSiteStrictMode {
		t.Fatalf("sign-in cookie through nginx over TLS: %+v", token)
	}
	// A failed sign-in, claiming another address: the log has nginx's.
	form := url.Values{"csrf": {token.Value}, "name": {"nobody"}, "password": {"x"}, "otp": {"000000"}}
	req, _ := http.NewRequest("POST", origin+"/staff/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Real-IP", "6.6.6.6")
	req.AddCookie(token)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("failed sign-in through nginx: %d", resp.StatusCode)
	}
	recs, err := arch.AuditLog(ctx, archive.AuditQuery{Action: "login-failed"})
	if err != nil || len(recs) != 1 || recs[0].From != "127.0.0.1" {
		t.Fatalf("audit of the failed sign-in: %+v %v (want from 127.0.0.1, as nginx saw it)", recs, err)
	}
	for path, want := range map[string]int{"/": http.StatusFound, "/api/objections": http.StatusNotFound, "/metrics": http.StatusNotFound} {
		resp, err := client.Get(origin + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s through the staff nginx: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key into dir.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "award-staff-test"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "staff.crt"), filepath.Join(dir, "staff.key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}
