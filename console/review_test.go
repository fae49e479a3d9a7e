package console

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/submission"
)

// stampedScan is a small PNG: the township's stamped 推荐意见.
var stampedScan = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"), []byte("...IEND\xaeB`\x82")...)

// ofdBomb is an OFD (OFD.xml first) that unpacks to 1000 times its size.
func ofdBomb(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct {
		name string
		size int
	}{{"OFD.xml", 0}, {"Doc_0/Res/zeros.bin", 20 << 20}} {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(make([]byte, f.size))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// addReviewable commits an application of township to a call whose
// recommendation is mode ("online" or ""), with the applicant's 推荐意见
// when withRec, and has the secretariat accept it (by the archive).
func (e *env) addReviewable(org, credit, township, mode string, withRec bool) *submission.Manifest {
	e.t.Helper()
	ctx := context.Background()
	up, err := e.arch.Begin(ctx, submission.KindApplication)
	if err != nil {
		e.t.Fatal(err)
	}
	var files []submission.File
	slots := []string{submission.SlotSelfAssessment}
	if withRec {
		slots = append(slots, submission.SlotRecommendation)
	}
	for _, slot := range slots {
		st, err := up.Put(ctx, strings.NewReader("%PDF-1.4 "+slot+"\n%%EOF"), submission.TypePDF)
		if err != nil {
			e.t.Fatal(err)
		}
		files = append(files, submission.File{Field: slot, Name: submission.SlotLabel(slot) + ".pdf", Key: st.Key, Size: st.Size, SHA256: st.SHA256, Type: submission.TypePDF})
	}
	f := submission.ApplicationFields{Call: "2026-call", CallTitle: "第三届县长质量奖申报", OrgName: org, CreditCode: credit,
		OrgKind: "企业", Township: township, Address: "中牟县某路1号", LittleGiant: "no", RecommendationMode: mode}
	for i := range f.Declarations {
		f.Declarations[i], f.DeclarationTexts[i] = "none", "情形"+string(rune('一'+i))
	}
	m, _, err := up.Commit(ctx, archive.Commitment{Fields: f.Map(),
		Identity: submission.ApplicantIdentity{LegalRepresentative: "李建国", ContactName: "赵敏", Phone: "13800001111", Email: "zhaomin@example.com"},
		Files:    files})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.arch.AppendEvent(ctx, submission.Status{Reference: m.Reference, Stage: submission.StageAccepted, Operator: "mishu"}, 0); err != nil {
		e.t.Fatal(err)
	}
	e.clock.add(time.Second)
	return m
}

// reviewValues are the 初审 form: every answer yes unless noes names
// questions (each with a note), the action and the source.
func reviewValues(after int, action, source string, noes ...string) url.Values {
	v := url.Values{"after": {strconv.Itoa(after)}, "action": {action}, "source": {source}}
	for _, q := range submission.ReviewQuestions {
		v.Set(q.Key, "yes")
	}
	for _, k := range noes {
		v.Set(k, "no")
		v.Set("note-"+k, "营业执照上的地址与申报表不一致")
	}
	return v
}

// postFile posts form as multipart/form-data with a file in "file" (none
// when name is ""), with the last CSRF token seen unless form sets one.
func (c *client) postFile(path string, form url.Values, name string, content []byte) (*http.Response, string) {
	c.e.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.csrf)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(content)
	}
	mw.Close()
	resp, err := c.http.Post(c.e.ts.URL+path, mw.FormDataContentType(), &buf)
	if err != nil {
		c.e.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if m := csrfField.FindSubmatch(body); m != nil {
		c.csrf = string(m[1])
	}
	return resp, string(body)
}

// attachments are the stored attachments of an application.
func (e *env) attachments(ref string) []string {
	e.t.Helper()
	infos, err := e.store.List(context.Background(), submission.AttachmentPrefix(submission.KindApplication, ref))
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, in := range infos {
		out = append(out, in.Key)
	}
	return out
}

// TestTownshipRecommend: the township account of 韩寺镇 opens its
// application of an online call, records its 初审 (three yes) and uploads
// the stamped 推荐意见: the case is 已推荐, the event carries the review
// (who, when, the answers, the file with its SHA-256), the scan is the
// case's attachment (the applicant's files untouched), listed and
// downloadable on the case page, which says who recommended and when;
// audited; the secretariat's 资格审核 queue (stage=recommended) lists it.
func TestTownshipRecommend(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	m := e.addReviewable("韩寺镇某某机械有限公司", "91410122MA45AAAA1A", "韩寺镇", submission.RecommendationOnline, false)
	town := e.signIn("hansi", staff.Township, "韩寺镇")
	sec := e.signIn("mishu", staff.Secretariat, "")

	_, page := town.get("/staff/cases/" + m.Reference)
	for _, want := range []string{`id="review-form"`, `name="complete"`, `name="note-lawful"`, `type="file"`, `value="recommend"`, `value="return"`, `id="notice-form"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("township's case page lacks %s:\n%s", want, page)
		}
	}
	if strings.Contains(page, `id="source-confirm"`) {
		t.Fatal("offers to confirm an upload the applicant never made")
	}
	// The secretariat's stage form offers no plain 已推荐 for an online call.
	if _, page := sec.get("/staff/cases/" + m.Reference); strings.Contains(page, `id="stage-recommended"`) || !strings.Contains(page, `id="review-form"`) {
		t.Fatal("secretariat: stage form offers 已推荐 for an online call, or no review form")
	}
	town.get("/staff/cases/" + m.Reference)
	resp, body := town.postFile("/staff/cases/"+m.Reference+"/review", reviewValues(1, "recommend", "upload"), "推荐意见（盖章）.png", stampedScan)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/staff/cases/"+m.Reference+"?done=review" {
		t.Fatalf("recommend: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	c := e.kase(m.Reference)
	ev := c.Latest()
	sum := sha256.Sum256(stampedScan)
	if c.Current.Code != submission.StageRecommended || ev.Operator != "hansi" || ev.Review == nil {
		t.Fatalf("after recommend: %s by %s, review %+v", c.Current.Code, ev.Operator, ev.Review)
	}
	rv := ev.Review
	if !rv.AllYes() || rv.Township != "韩寺镇" || rv.Reviewer != "hansi" || !rv.At.Equal(ev.At) || rv.Recommendation != submission.RecommendationUploaded ||
		rv.File == nil || rv.File.SHA256 != hex.EncodeToString(sum[:]) || rv.File.Type != submission.TypePNG || rv.File.Size != int64(len(stampedScan)) {
		t.Fatalf("review %+v file %+v", rv, rv.File)
	}
	if atts := e.attachments(m.Reference); len(atts) != 1 || atts[0] != rv.File.Key {
		t.Fatalf("attachments %v", atts)
	}
	if now, _ := e.arch.Find(context.Background(), m.Reference); len(now.Files) != 1 || now.Files[0] != m.Files[0] {
		t.Fatal("the applicant's files changed")
	}
	_, page = town.get("/staff/cases/" + m.Reference + "?done=review")
	for _, want := range []string{"已记录初审并推荐", "初审通过（已推荐）", "<strong>hansi</strong>", "乡镇（街道）在工作台上传盖章推荐意见", "推荐意见（盖章）.png", rv.File.SHA256, "乡镇（街道）上传", "/files/2"} {
		if !strings.Contains(page, want) {
			t.Errorf("case page after recommend lacks %q", want)
		}
	}
	if strings.Contains(page, `id="review-form"`) || strings.Contains(page, `id="notice-form"`) {
		t.Error("a recommended case still offers the review or the notice form")
	}
	resp, got := town.get("/staff/cases/" + m.Reference + "/files/2")
	if resp.StatusCode != 200 || got != string(stampedScan) || resp.Header.Get("X-Content-SHA256") != rv.File.SHA256 {
		t.Fatalf("download of the attachment: %d, %d bytes", resp.StatusCode, len(got))
	}
	recs := e.audits("township-review")
	if len(recs) != 1 || recs[0].Operator != "hansi" || recs[0].Reference != m.Reference || !strings.Contains(string(recs[0].Details.(json.RawMessage)), rv.File.SHA256) {
		t.Fatalf("audit %+v", recs)
	}
	for _, s := range applicantSecrets {
		if strings.Contains(string(recs[0].Details.(json.RawMessage)), s) {
			t.Fatalf("audit details name %s", s)
		}
	}
	// 资格审核: the secretariat's queue of recommended applications, which
	// now offers 资格审核通过 / 不通过.
	_, inbox := sec.get("/staff/?stage=recommended")
	if !strings.Contains(inbox, m.Reference) || !strings.Contains(inbox, "资格审核") {
		t.Fatalf("the 资格审核 queue lacks the case:\n%s", inbox)
	}
	if _, page := sec.get("/staff/cases/" + m.Reference); !strings.Contains(page, `id="stage-qualified"`) || !strings.Contains(page, `id="stage-disqualified"`) {
		t.Fatal("the recommended case offers no 资格审核")
	}
}

// TestTownshipConfirmAndRefusals: a refused form says what is wrong and
// keeps the entries, recording nothing and keeping no file: an unanswered
// question, a no without its note, a no with recommend (offering 退回), a
// file that is not a scan, one cut off, an OFD that unpacks to far more
// than it weighs (checked as the intake checks its files), a confirm when
// the applicant uploaded none.
// 退回补正 shows the one-time notice form with the noes as its note,
// which the township issues for its own application. Confirming the
// applicant's upload recommends without a file.
func TestTownshipConfirmAndRefusals(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	m := e.addReviewable("韩寺镇某某机械有限公司", "91410122MA45AAAA1A", "韩寺镇", submission.RecommendationOnline, false)
	other := e.addReviewable("韩寺镇某某食品有限公司", "91410122MA45CCCC3C", "韩寺镇", submission.RecommendationOnline, true)
	town := e.signIn("hansi", staff.Township, "韩寺镇")
	path := "/staff/cases/" + m.Reference + "/review"

	partial := reviewValues(1, "recommend", "upload")
	partial.Del("lawful")
	partial.Set("note-complete", "材料按清单逐项核对")
	noNote := reviewValues(1, "recommend", "upload", "true")
	noNote.Set("note-true", "")
	for _, c := range []struct {
		name   string
		form   url.Values
		file   string
		data   []byte
		status int
		says   []string
	}{
		{"unanswered", partial, "a.png", stampedScan, 422, []string{"“合法合规”选择“是”或“否”", "材料按清单逐项核对"}},
		{"no without a note", noNote, "a.png", stampedScan, 422, []string{"“内容真实”选择了“否”，请在说明里写明"}},
		{"no, recommend", reviewValues(1, "recommend", "upload", "true"), "a.png", stampedScan, 422, []string{"“内容真实”为“否”，不能推荐", "退回补正", "营业执照上的地址与申报表不一致"}},
		{"not a scan", reviewValues(1, "recommend", "upload"), "推荐意见.png", []byte("MZ\x90\x00 not an image"), 415, []string{"不是 PDF、OFD、JPEG 或 PNG 格式"}},
		{"cut-off scan", reviewValues(1, "recommend", "upload"), "推荐意见.pdf", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"), 415, []string{"文件“推荐意见.pdf”不完整（PDF 文件缺少结尾"}},
		{"zip bomb", reviewValues(1, "recommend", "upload"), "推荐意见.ofd", ofdBomb(t), 415, []string{"文件“推荐意见.ofd”解压后大小异常", "压缩炸弹"}},
		{"no file", reviewValues(1, "recommend", "upload"), "", nil, 422, []string{"请选择盖章推荐意见的扫描件"}},
		{"confirm, none uploaded", reviewValues(1, "recommend", "confirm"), "", nil, 422, []string{"申报单位没有上传推荐意见"}},
		{"stale page", reviewValues(0, "recommend", "upload"), "a.png", stampedScan, 409, []string{"已有其他人更新了这个案件"}},
	} {
		town.get("/staff/cases/" + m.Reference)
		resp, body := town.postFile(path, c.form, c.file, c.data)
		if resp.StatusCode != c.status {
			t.Errorf("%s: %d, want %d\n%s", c.name, resp.StatusCode, c.status, body)
			continue
		}
		for _, s := range c.says {
			if !strings.Contains(body, s) {
				t.Errorf("%s: the page does not say %q", c.name, s)
			}
		}
		if !strings.Contains(body, `id="review-form"`) {
			t.Errorf("%s: the form is not shown again", c.name)
		}
	}
	if c := e.kase(m.Reference); c.Seq != 1 || len(e.attachments(m.Reference)) != 0 || len(e.audits("township-review")) != 0 {
		t.Fatalf("refusals recorded something: seq %d, attachments %v", c.Seq, e.attachments(m.Reference))
	}

	// 退回补正: the notice form, with the no as its note; issued by the township.
	town.get("/staff/cases/" + m.Reference)
	resp, body := town.postFile(path, reviewValues(1, "return", "upload", "true"), "", nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "请在下面“一次性告知”一栏逐项勾选") ||
		!strings.Contains(body, "乡镇（街道）初审：内容真实：否（营业执照上的地址与申报表不一致）。</textarea>") {
		t.Fatalf("return: %d\n%s", resp.StatusCode, body)
	}
	if e.kase(m.Reference).Seq != 1 {
		t.Fatal("return recorded something before the notice")
	}
	for _, want := range []string{`name="review-true" value="no"`, `name="review-complete" value="yes"`, `name="review-note-true" value="营业执照上的地址与申报表不一致"`} {
		if !strings.Contains(body, want) {
			t.Fatalf("the notice form does not carry the review: %s", want)
		}
	}
	notice := url.Values{"after": {"1"}, "days": {"5"}, "item": {"slot:license"},
		"reason-slot:license": {"营业执照上的地址与申报表不一致，请上传最新营业执照。"}, "note": {"乡镇（街道）初审：内容真实：否。"},
		"review-complete": {"yes"}, "review-true": {"no"}, "review-lawful": {"yes"}, "review-note-true": {"营业执照上的地址与申报表不一致"}}
	// A notice without its items is refused and keeps the review.
	bad := maps.Clone(notice)
	bad.Del("item")
	if resp, body := town.post("/staff/cases/"+m.Reference+"/corrections", bad); resp.StatusCode != 422 || !strings.Contains(body, `name="review-true" value="no"`) {
		t.Fatalf("refused notice: %d, review kept %v", resp.StatusCode, strings.Contains(body, `name="review-true"`))
	}
	resp, body = town.post("/staff/cases/"+m.Reference+"/corrections", notice)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("township's notice: %d\n%s", resp.StatusCode, body)
	}
	c := e.kase(m.Reference)
	if ev := c.Latest(); c.Current.Code != submission.StageCorrection || ev.Operator != "hansi" || ev.Correction == nil || ev.Review == nil ||
		ev.Review.True || !ev.Review.Complete || ev.Review.TrueNote != "营业执照上的地址与申报表不一致" || ev.Review.Reviewer != "hansi" || ev.Review.Township != "韩寺镇" || ev.Review.Recommendation != "" {
		t.Fatalf("after the township's notice: %s by %s, review %+v", c.Current.Code, ev.Operator, ev.Review)
	}
	if recs := e.audits("correction-notice"); len(recs) != 1 || recs[0].Operator != "hansi" || !strings.Contains(string(recs[0].Details.(json.RawMessage)), `"true":false`) {
		t.Fatalf("notice audit %+v", recs)
	}
	if _, page := town.get("/staff/cases/" + m.Reference); !strings.Contains(page, "初审，退回补正（出具一次性告知）") || !strings.Contains(page, "营业执照上的地址与申报表不一致") {
		t.Fatal("the case page does not show the returning review")
	}

	// Confirming the applicant's own upload.
	_, page := town.get("/staff/cases/" + other.Reference)
	if !strings.Contains(page, `id="source-confirm"`) {
		t.Fatal("no confirm choice though the applicant uploaded one")
	}
	resp, body = town.postFile("/staff/cases/"+other.Reference+"/review", reviewValues(1, "recommend", "confirm"), "", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%s", resp.StatusCode, body)
	}
	if c := e.kase(other.Reference); c.Current.Code != submission.StageRecommended || c.Latest().Review.Recommendation != submission.RecommendationConfirmed ||
		c.Latest().Review.File != nil || len(e.attachments(other.Reference)) != 0 {
		t.Fatalf("after confirm: %s %+v", c.Current.Code, c.Latest().Review)
	}
}

// TestTownshipReviewRoles: a township account reviews only the
// applications naming its township (another's is not found, as its case
// page is not); reviewers and auditors are refused (403) before the file
// is read; without the session's token nothing is stored; the
// secretariat may record a review, as itself; an application of an upload
// call offers no review form and refuses one (the secretariat records
// the step with the stage form, as before); an objection has none.
func TestTownshipReviewRoles(t *testing.T) {
	e := newEnv(t, dirStore(t), nil)
	mine := e.addReviewable("韩寺镇某某机械有限公司", "91410122MA45AAAA1A", "韩寺镇", submission.RecommendationOnline, false)
	theirs := e.addReviewable("官渡镇某某纺织有限公司", "91410122MA45BBBB2B", "官渡镇", submission.RecommendationOnline, false)
	upload := e.addReviewable("韩寺镇某某食品有限公司", "91410122MA45CCCC3C", "韩寺镇", "", true)
	town := e.signIn("hansi", staff.Township, "韩寺镇")
	rev := e.signIn("pingshen", staff.Reviewer, "")
	aud := e.signIn("shenji", staff.Auditor, "")
	sec := e.signIn("mishu", staff.Secretariat, "")

	for _, c := range []struct {
		name string
		who  *client
		ref  string
		want int
	}{
		{"township, another township's", town, theirs.Reference, 404},
		{"reviewer", rev, mine.Reference, 403},
		{"auditor", aud, mine.Reference, 403},
	} {
		c.who.get("/staff/")
		resp, _ := c.who.postFile("/staff/cases/"+c.ref+"/review", reviewValues(1, "recommend", "upload"), "a.png", stampedScan)
		if resp.StatusCode != c.want {
			t.Errorf("%s: %d, want %d", c.name, resp.StatusCode, c.want)
		}
	}
	if resp, _ := town.post("/staff/cases/"+theirs.Reference+"/corrections", url.Values{"after": {"1"}, "days": {"5"}, "item": {"slot:license"}, "reason-slot:license": {"x"}}); resp.StatusCode != 404 {
		t.Errorf("township's notice on another township's application: %d", resp.StatusCode)
	}
	// Without the token, or with a wrong one.
	town.get("/staff/cases/" + mine.Reference)
	for _, tok := range []string{"", "x" + town.csrf} {
		form := reviewValues(1, "recommend", "upload")
		form.Set("csrf", tok)
		if resp, _ := town.postFile("/staff/cases/"+mine.Reference+"/review", form, "a.png", stampedScan); resp.StatusCode != 403 {
			t.Errorf("token %q: %d", tok, resp.StatusCode)
		}
	}
	if e.kase(mine.Reference).Seq != 1 || e.kase(theirs.Reference).Seq != 1 || len(e.attachments(mine.Reference))+len(e.attachments(theirs.Reference)) != 0 {
		t.Fatal("a refused post recorded or stored something")
	}
	if n := len(e.audits("forbidden")); n < 2 {
		t.Errorf("%d refusals audited", n)
	}
	if n := len(e.audits("csrf-refused")); n < 2 {
		t.Errorf("%d CSRF refusals audited", n)
	}

	// An upload call: no form, a post refused; the stage form as before.
	_, page := town.get("/staff/cases/" + upload.Reference)
	if strings.Contains(page, `id="review-form"`) {
		t.Fatal("review form on an upload call's application")
	}
	resp, body := town.postFile("/staff/cases/"+upload.Reference+"/review", reviewValues(1, "recommend", "confirm"), "", nil)
	if resp.StatusCode != 422 || !strings.Contains(body, "由秘书处在“办理”一栏记录") {
		t.Fatalf("review of an upload call: %d\n%s", resp.StatusCode, body)
	}
	if _, page := sec.get("/staff/cases/" + upload.Reference); !strings.Contains(page, `id="stage-recommended"`) {
		t.Fatal("the secretariat's stage form lacks 已推荐 for an upload call")
	}
	// The plain move is refused for an online call, even posted by hand.
	sec.get("/staff/cases/" + theirs.Reference)
	if resp, body := sec.post("/staff/cases/"+theirs.Reference+"/events", url.Values{"stage": {"recommended"}, "after": {"1"}}); resp.StatusCode != 422 || !strings.Contains(body, "由乡镇（街道）在工作台推荐") {
		t.Fatalf("plain 已推荐 of an online call: %d\n%s", resp.StatusCode, body)
	}

	// The secretariat records a review, as itself.
	sec.get("/staff/cases/" + theirs.Reference)
	resp, body = sec.postFile("/staff/cases/"+theirs.Reference+"/review", reviewValues(1, "recommend", "upload"), "scan.png", stampedScan)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("secretariat's review: %d\n%s", resp.StatusCode, body)
	}
	if ev := e.kase(theirs.Reference).Latest(); ev.Operator != "mishu" || ev.Review.Reviewer != "mishu" || ev.Review.Township != "官渡镇" {
		t.Fatalf("secretariat's review: %+v %+v", ev, ev.Review)
	}
	if recs := e.audits("township-review"); len(recs) != 1 || recs[0].Operator != "mishu" {
		t.Fatalf("audit %+v", recs)
	}
	// An objection: never a review.
	obj := e.addObjection()
	sec.get("/staff/cases/" + obj.Reference)
	if resp, _ := sec.postFile("/staff/cases/"+obj.Reference+"/review", reviewValues(0, "recommend", "confirm"), "", nil); resp.StatusCode != 422 {
		t.Fatalf("review of an objection: %d", resp.StatusCode)
	}
}
