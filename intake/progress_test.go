package intake

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/submission"
)

// progressCase is a submission made for the lookup tests, with its codes.
type progressCase struct {
	ref, kind string
}

// progressCases posts an application (credit code 91410122MA00J8NW0M), an
// objection by a person (ID number 11010519491231002X) and one by an
// organisation (credit code 91410122MA0E24W21B).
func progressCases(t *testing.T, e *testEnv) (app, person, org progressCase) {
	t.Helper()
	a := decode[applicationReply](t, e.apply(goodApplication(), allDocuments(), "application/json"))
	p := decode[objectionResponse](t, e.post(goodFields(), []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json"))
	f := goodFields()
	delete(f, "idNumber")
	f["objectorType"], f["name"], f["creditCode"] = submission.ObjectorOrganization, "某某有限公司", "91410122MA0E24W21B"
	o := decode[objectionResponse](t, e.post(f, []upload{{"evidence", "a.pdf", pdfBytes}}, "application/json"))
	if a.Reference == "" || p.Reference == "" || o.Reference == "" {
		t.Fatalf("submissions refused: %q %q %q", a.Reference, p.Reference, o.Reference)
	}
	return progressCase{a.Reference, submission.KindApplication}, progressCase{p.Reference, submission.KindObjection},
		progressCase{o.Reference, submission.KindObjection}
}

// progressGet looks up progress with the query, as a program (JSON) or a
// browser (accept ""), and returns the answer with its body read.
func progressGet(t *testing.T, e *testEnv, q url.Values, accept string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.http.URL+"/api/progress?"+q.Encode(), nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp, readAll(t, resp)
}

func query(pairs ...string) url.Values {
	q := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		q.Set(pairs[i], pairs[i+1])
	}
	return q
}

// TestProgressLookup: the right pair answers the five keys and nothing
// else; every other lookup answers the very same 404 body.
func TestProgressLookup(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	app, person, org := progressCases(t, e)
	squash := func(ref string) string { return strings.ToLower(strings.ReplaceAll(ref, "-", "")) }

	right := []struct {
		name string
		c    progressCase
		q    url.Values
	}{
		{"application, credit code", app, query("reference", app.ref, "creditCode", "91410122MA00J8NW0M")},
		{"application, lower case and spaces, reference as typed", app, query("reference", " "+squash(app.ref)+" ", "creditCode", " 91410122 ma00j8nw0m ")},
		{"person, last six with lower-case x", person, query("reference", person.ref, "idTail", "31002x")},
		{"person, last six", person, query("reference", person.ref, "idTail", "31002X")},
		{"person, whole ID number", person, query("reference", person.ref, "idTail", "11010519491231002X")},
		{"organisation, last six of its credit code", org, query("reference", org.ref, "idTail", "24w21b")},
		{"organisation, empty other parameter", org, query("reference", org.ref, "idTail", "24W21B", "creditCode", "")},
	}
	wantKeys := []string{"at", "kind", "label", "reference", "stage"}
	for _, tc := range right {
		resp, body := progressGet(t, e, tc.q, "application/json")
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d %s", tc.name, resp.StatusCode, body)
			continue
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, wantKeys) {
			t.Errorf("%s: keys %v, want exactly %v", tc.name, keys, wantKeys)
		}
		want := map[string]any{"reference": tc.c.ref, "kind": tc.c.kind, "stage": "received", "label": "已收件（待受理）", "at": "2026-11-25T10:00:00+08:00"}
		if !maps.Equal(got, want) {
			t.Errorf("%s: %v, want %v", tc.name, got, want)
		}
		if cc, robots := resp.Header.Get("Cache-Control"), resp.Header.Get("X-Robots-Tag"); cc != "no-store" || robots != "noindex" {
			t.Errorf("%s: Cache-Control %q, X-Robots-Tag %q", tc.name, cc, robots)
		}
	}

	unknown := "ABCD-EFGH"
	if submission.NormalizeReference(unknown) == "" || unknown == app.ref || unknown == person.ref || unknown == org.ref {
		t.Fatal("pick another unknown reference")
	}
	wrong := []struct {
		name string
		q    url.Values
	}{
		{"application, wrong credit code", query("reference", app.ref, "creditCode", "91410122MA0E24W21B")},
		{"application, its credit code's last six", query("reference", app.ref, "creditCode", "J8NW0M")},
		{"application, the objection's parameter", query("reference", app.ref, "idTail", "J8NW0M")},
		{"application, the objection's parameter with the whole code", query("reference", app.ref, "idTail", "91410122MA00J8NW0M")},
		{"application, both parameters", query("reference", app.ref, "creditCode", "91410122MA00J8NW0M", "idTail", "J8NW0M")},
		{"application, empty credit code", query("reference", app.ref, "creditCode", "")},
		{"application, blank credit code", query("reference", app.ref, "creditCode", "   ")},
		{"application, no code", query("reference", app.ref)},
		{"person, wrong last six", query("reference", person.ref, "idTail", "31002Y")},
		{"person, last five", query("reference", person.ref, "idTail", "1002X")},
		{"person, the application's parameter", query("reference", person.ref, "creditCode", "11010519491231002X")},
		{"person, the organisation's code", query("reference", person.ref, "idTail", "24W21B")},
		{"organisation, the person's last six", query("reference", org.ref, "idTail", "31002X")},
		{"organisation, the application's parameter", query("reference", org.ref, "creditCode", "91410122MA0E24W21B")},
		{"unknown reference", query("reference", unknown, "creditCode", "91410122MA00J8NW0M")},
		{"unknown reference, objection", query("reference", unknown, "idTail", "31002X")},
		{"malformed reference", query("reference", "ABC", "creditCode", "91410122MA00J8NW0M")},
		{"malformed reference, path-like", query("reference", "../../"+app.ref, "creditCode", "91410122MA00J8NW0M")},
		{"empty reference", query("reference", "", "creditCode", "91410122MA00J8NW0M")},
		{"no reference", query("creditCode", "91410122MA00J8NW0M")},
		{"nothing", query()},
	}
	var first string
	for _, tc := range wrong {
		resp, body := progressGet(t, e, tc.q, "application/json")
		if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d Cache-Control %q, want 404 no-store", tc.name, resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
		if first == "" {
			first = body
			if !strings.Contains(body, `"code":"not_found"`) || !strings.Contains(body, "没有查到：请核对受理编号和号码") {
				t.Errorf("404 body %s", body)
			}
		}
		if body != first {
			t.Errorf("%s: body differs from the other 404s:\n%s\n%s", tc.name, body, first)
		}
	}
}

// TestProgressFollowsStage: the lookup shows the stage of the latest event
// and when, never its note or who recorded it.
func TestProgressFollowsStage(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	app, person, _ := progressCases(t, e)
	ctx := context.Background()
	e.setNow(duringPublicity.Add(2 * time.Hour))
	if _, err := e.srv.archive.AppendEvent(ctx, submission.Status{Reference: app.ref, Stage: submission.StageAccepted,
		Note: "材料齐全，予以受理。", Operator: "王科员"}, 0); err != nil {
		t.Fatal(err)
	}
	e.setNow(duringPublicity.Add(3 * time.Hour))
	if _, err := e.srv.archive.AppendEvent(ctx, submission.Status{Reference: person.ref, Stage: submission.StageAccepted,
		Note: "内部：异议人系竞争对手员工", Internal: true, Operator: "王科员"}, 0); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q                url.Values
		stage, label, at string
	}{
		{query("reference", app.ref, "creditCode", "91410122MA00J8NW0M"), "accepted", "已受理", "2026-11-25T12:00:00+08:00"},
		{query("reference", person.ref, "idTail", "31002X"), "accepted", "已受理", "2026-11-25T13:00:00+08:00"},
	} {
		resp, body := progressGet(t, e, tc.q, "application/json")
		var got progressResponse
		if err := json.Unmarshal([]byte(body), &got); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%d %s %v", resp.StatusCode, body, err)
		}
		if got.Stage != tc.stage || got.Label != tc.label || got.At != tc.at {
			t.Errorf("%s: %+v, want %s %s %s", tc.q.Get("reference"), got, tc.stage, tc.label, tc.at)
		}
		_, page := progressGet(t, e, tc.q, "")
		for what, b := range map[string]string{"JSON": body, "page": page} {
			for _, secret := range []string{"材料齐全", "竞争对手", "王科员", "中牟县示例食品有限公司", "张三", "13800138000", "applicationForm.pdf", "a.pdf"} {
				if strings.Contains(b, secret) {
					t.Errorf("%s %s shows %q", tc.q.Get("reference"), what, secret)
				}
			}
		}
	}
}

// TestProgressRateLimited: lookups have a budget of their own, answered
// 429 with Retry-After when spent, while receipts keep theirs.
func TestProgressRateLimited(t *testing.T) {
	e := newEnv(t, dirStore(t), func(c *Config) { c.RateLimits.Progress = "2/1m"; c.RateLimits.Receipt = "2/1m" })
	q := query("reference", "ABCD-EFGH", "creditCode", "91410122MA00J8NW0M")
	for i := range 2 {
		if resp, _ := progressGet(t, e, q, "application/json"); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("lookup %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, body := progressGet(t, e, q, "application/json")
	var got apiError
	_ = json.Unmarshal([]byte(body), &got)
	if resp.StatusCode != http.StatusTooManyRequests || got.Error.Code != "rate_limited" || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("third lookup: %d %q Retry-After %q", resp.StatusCode, got.Error.Code, resp.Header.Get("Retry-After"))
	}
	if !strings.Contains(got.Error.Message, "查询办理进度过于频繁") || !strings.Contains(got.Error.Message, "后再试") {
		t.Errorf("message: %s", got.Error.Message)
	}
	if resp, page := progressGet(t, e, q, ""); resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(page, "后再试") {
		t.Errorf("browser: %d\n%s", resp.StatusCode, page)
	}
	if n := e.rejections("progress", "rate_limited"); n != "2" {
		t.Errorf("rate_limited rejections counted %s, want 2", n)
	}
	// The receipt budget is another one.
	if resp := getBody(t, e.http.URL+"/api/receipts/ABCD-EFGH?token=x", http.StatusNotFound); resp == "" {
		t.Error("receipt lookup answered nothing")
	}
}

// TestProgressPage: a browser gets a form that needs no script; the found
// stage with its time; a 404 that shows the form again with the entries and
// says plainly that nothing was found.
func TestProgressPage(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	app, _, _ := progressCases(t, e)

	resp, blank := progressGet(t, e, url.Values{}, "")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("blank form: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
	for _, want := range []string{`<form method="get" action="/api/progress">`, `name="reference"`, `name="creditCode"`, `name="idTail"`,
		"受理编号", "统一社会信用代码（申报）", "身份证号码或统一社会信用代码后六位（异议）", `<meta name="robots" content="noindex">`,
		"回执链接", "重新发放", DefaultConfig().Contact, `href="/contact/"`} {
		if !strings.Contains(blank, want) {
			t.Errorf("blank form lacks %q:\n%s", want, blank)
		}
	}
	for _, unwanted := range []string{"没有查到", `id="result"`, "error-summary", " style=", "<style", " onclick"} {
		if strings.Contains(blank, unwanted) {
			t.Errorf("blank form has %q", unwanted)
		}
	}

	resp, found := progressGet(t, e, query("reference", app.ref, "creditCode", "91410122MA00J8NW0M"), "text/html")
	if resp.StatusCode != http.StatusOK {
		t.Errorf("found: %d", resp.StatusCode)
	}
	for _, want := range []string{`id="result"`, "当前办理阶段", "已收件（待受理）", "更新时间", "2026年11月25日 10:00:00", app.ref, "（申报）", `value="` + app.ref + `"`} {
		if !strings.Contains(found, want) {
			t.Errorf("result page lacks %q:\n%s", want, found)
		}
	}

	resp, missing := progressGet(t, e, query("reference", "abcd efgh", "idTail", "31002x"), "")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("not found: %d", resp.StatusCode)
	}
	for _, want := range []string{"没有查到：请核对受理编号和号码", `value="abcd efgh"`, `value="31002x"`, `<form method="get" action="/api/progress">`, `id="error-summary"`} {
		if !strings.Contains(missing, want) {
			t.Errorf("404 page lacks %q:\n%s", want, missing)
		}
	}
	if strings.Contains(missing, `id="result"`) {
		t.Error("404 page shows a result")
	}
	// A wrong pair reads the same as the unknown reference.
	_, wrongPair := progressGet(t, e, query("reference", app.ref, "creditCode", "91410122MA0E24W21B"), "")
	if !strings.Contains(wrongPair, "没有查到：请核对受理编号和号码") {
		t.Error("wrong pair page does not say nothing was found")
	}
	// The entries are HTML-escaped back into the form.
	_, hostile := progressGet(t, e, query("reference", `"><script>alert(1)</script>`, "creditCode", "x"), "")
	if strings.Contains(hostile, "<script>alert") {
		t.Error("entry not escaped")
	}
}

// TestProgressNotLogged: neither the reference nor the codes appear in the
// log, found or not. (ServeHTTP is called directly: the request log is
// written before it returns.)
func TestProgressNotLogged(t *testing.T) {
	var logBuf bytes.Buffer
	e := newEnv(t, dirStore(t), nil)
	app, person, _ := progressCases(t, e)
	e.srv.log = slog.New(slog.NewTextHandler(&logBuf, nil))
	for _, q := range []url.Values{
		query("reference", app.ref, "creditCode", "91410122MA00J8NW0M"),
		query("reference", person.ref, "idTail", "31002X"),
		query("reference", app.ref, "creditCode", "91410122MA0E24W21B"),
	} {
		for _, accept := range []string{"application/json", ""} {
			req := httptest.NewRequest(http.MethodGet, "/api/progress?"+q.Encode(), nil)
			if accept != "" {
				req.Header.Set("Accept", accept)
			}
			e.srv.ServeHTTP(httptest.NewRecorder(), req)
		}
	}
	log := logBuf.String()
	if !strings.Contains(log, "path=/api/progress") {
		t.Fatalf("no request logged:\n%s", log)
	}
	for _, secret := range []string{app.ref, strings.ToLower(app.ref), person.ref, "91410122MA00J8NW0M", "91410122MA0E24W21B", "31002X", "reference=", "creditCode", "idTail"} {
		if strings.Contains(log, secret) {
			t.Errorf("log holds %q:\n%s", secret, log)
		}
	}
}

// TestProgressConfig: the budget and the contact come from the
// environment; a malformed budget is refused at start.
func TestProgressConfig(t *testing.T) {
	cfg, err := LoadConfig("", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RateLimits.Progress != "10/1m,5" || cfg.Contact != "中牟县县长质量奖评定委员会秘书处（中牟县市场监督管理局）" {
		t.Errorf("defaults: progress %q, contact %q", cfg.RateLimits.Progress, cfg.Contact)
	}
	env := map[string]string{"AWARD_RATE_PROGRESS": "3/1m", "AWARD_CONTACT": "秘书处，联系电话 0371-62196035"}
	if cfg, err = LoadConfig("", func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if cfg.RateLimits.Progress != "3/1m" || cfg.Contact != "秘书处，联系电话 0371-62196035" {
		t.Errorf("from env: progress %q, contact %q", cfg.RateLimits.Progress, cfg.Contact)
	}
	_, err = LoadConfig("", func(k string) string {
		if k == "AWARD_RATE_PROGRESS" {
			return "lots"
		}
		return ""
	})
	if err == nil || !strings.Contains(err.Error(), "AWARD_RATE_PROGRESS") {
		t.Errorf("malformed progress budget: %v", err)
	}
	// The page names the configured contact.
	e := newEnv(t, dirStore(t), func(c *Config) { c.Contact = "秘书处，联系电话 0371-62196035" })
	if page := getBody(t, e.http.URL+"/api/progress", http.StatusOK); !strings.Contains(page, "联系：秘书处，联系电话 0371-62196035") {
		t.Errorf("page does not name the contact:\n%s", page)
	}
}
