package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserTownship walks a township account's path (初审、推荐, Art.
// 17(3)) in real Chromium against award serve, over the real content with
// the call of 2026 set to recommendation: online: the call page says the
// township recommends online; an application comes in over HTTP and the
// secretariat accepts it (award status); the township account of 韩寺镇,
// made with award staff add, signs in with its initial password and a TOTP
// code, sets a password, finds the application in its 待初审 list, opens
// it, answers the three questions, uploads the stamped 推荐意见 and
// recommends. The case page then shows 初审通过（已推荐）, who recommended
// and when, and the scan with its SHA-256 as the case's attachment.
// axe-core checks every console page on the way; screenshots go to
// artifacts/screens/ (township-review-form.png: the refused form with its
// entries; township-review.png: the case recommended).
func TestBrowserTownship(t *testing.T) {
	ctx := browser(t)
	dir := t.TempDir()
	content := onlineContent(t, filepath.Join(dir, "content"))
	const now = "2026-04-01T10:00:00+08:00"
	staffAddr := freeAddr(t)
	site, stop := startSite(t, dir, now, "-future", "-staff-addr", staffAddr, "-content", content)
	defer stop()
	staffURL := "http://" + staffAddr + "/staff/"

	// The call page says how the recommendation comes.
	if err := chromedp.Do(ctx, chromedp.Navigate(site+"notices/2026-call/")); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "在网上对申报材料进行初审、推荐")

	app := postApplication(t, site)
	none := filepath.Join(dir, "none.yaml")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"status", "-intake-config", none, "-ref", app.Reference, "-stage", "accepted", "-operator", "zhangli"}, &out, &errOut); err != nil {
		t.Fatalf("award status: %v\n%s", err, errOut.String())
	}

	initial, secret := addTownship(t, none, "hansi", "韩寺镇")
	at, _ := time.Parse(time.RFC3339, now)
	firstSignIn(t, ctx, staffURL, "hansi", initial, secret, at, true)

	// The 待初审 list, then the case.
	if err := chromedp.Do(ctx, chromedp.Navigate(staffURL)); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "待初审：已受理 1 件")
	axePlain(t, ctx, "收件箱（乡镇）")
	if err := chromedp.Do(ctx, chromedp.Click(`nav.queues a[href*="stage=accepted"]`)); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, app.Reference)
	if err := chromedp.Do(ctx, chromedp.Click(`table.cases a[href="/staff/cases/`+app.Reference+`"]`)); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "乡镇（街道）初审、推荐")
	axePlain(t, ctx, "案件页面（乡镇初审）")

	// A no without its note is refused, the answers kept.
	err := chromedp.Do(ctx,
		chromedp.Click(`#complete-yes`),
		chromedp.Click(`#true-no`),
		chromedp.Click(`#lawful-yes`),
		chromedp.Click(`#review-form button[value="recommend"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "“内容真实”选择了“否”，请在说明里写明")
	axePlain(t, ctx, "案件页面（初审未通过校验）")
	screenshot(t, ctx, "township-review-form")

	scan := filepath.Join(dir, "推荐意见（盖章）.png")
	stamp := stampPNG(t)
	if err := os.WriteFile(scan, stamp, 0o644); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(`#true-yes`),
		chromedp.SendKeys(`#note-complete`, "申报材料按清单逐项核对，齐全。"),
		chromedp.Click(`#source-upload`),
		chromedp.SetUploadFiles(`#review-file`, []string{scan}),
		chromedp.Click(`#review-form button[value="recommend"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	page := waitText(t, ctx, "已记录初审并推荐")
	sum := sha256.Sum256(stamp)
	for _, want := range []string{"初审通过（已推荐）", "韩寺镇 由 hansi 于 2026年4月1日 10:00 初审并推荐", "乡镇（街道）在工作台上传盖章推荐意见",
		"申报材料按清单逐项核对，齐全。", hex.EncodeToString(sum[:]), "乡镇（街道）上传"} {
		if !strings.Contains(page, want) {
			t.Errorf("the case page after recommending lacks %q:\n%s", want, page)
		}
	}
	for _, secret := range []string{"李四", "王五", "0371-62196035", "zhiliang@example.com"} {
		if strings.Contains(page, secret) {
			t.Errorf("the township's case page shows %q", secret)
		}
	}
	axePlain(t, ctx, "案件页面（已推荐）")
	screenshot(t, ctx, "township-review")
}

// addTownship makes a township account with award staff add, as IT
// would, and returns its initial password and TOTP secret.
func addTownship(t *testing.T, intakeConfig, name, township string) (initial, secret string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"staff", "add", "-intake-config", intakeConfig, "-name", name, "-role", "township",
		"-township", township, "-operator", "it-admin"}, &out, &errOut); err != nil {
		t.Fatalf("award staff add: %v\n%s", err, errOut.String())
	}
	initial = regexp.MustCompile(`[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}`).FindString(out.String())
	u, err := url.Parse(regexp.MustCompile(`otpauth://\S+`).FindString(out.String()))
	if initial == "" || err != nil || u.Query().Get("secret") == "" {
		t.Fatalf("award staff add printed no password or URI:\n%s", out.String())
	}
	return initial, u.Query().Get("secret")
}

// onlineContent copies the real content to dir with the call of 2026 set
// to recommendation: online, and returns dir.
func onlineContent(t *testing.T, dir string) string {
	t.Helper()
	src := os.DirFS("../../content")
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		if p == "notices/2026-call.md" {
			b = bytes.Replace(b, []byte("\ncloses: "), []byte("\nrecommendation: online\ncloses: "), 1)
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// stampPNG is a small picture of a red seal, as a scanned 推荐意见.
func stampPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 120, 120))
	for y := range 120 {
		for x := range 120 {
			dx, dy := x-60, y-60
			if r := dx*dx + dy*dy; r < 55*55 && r > 45*45 {
				img.Set(x, y, color.RGBA{200, 20, 20, 255})
			} else {
				img.Set(x, y, color.White)
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
