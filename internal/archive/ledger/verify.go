package ledger

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// FindingKind is what is wrong.
type FindingKind string

// Kinds of finding.
const (
	// ManifestChanged: a manifest fails its MAC, differs from the SHA-256
	// its ledger entry records, lies elsewhere than its reference says, or
	// cannot be read.
	ManifestChanged FindingKind = "manifest-changed"
	// FileReplaced: a file's size or SHA-256 differs from its manifest.
	FileReplaced FindingKind = "file-replaced"
	// FileMissing: a file its manifest lists is not in storage.
	FileMissing FindingKind = "file-missing"
	// SubmissionDeleted: the ledger records a commit, the manifest is gone,
	// and no purge is recorded.
	SubmissionDeleted FindingKind = "submission-deleted"
	// Unrecorded: a manifest with a valid MAC that no ledger entry records.
	Unrecorded FindingKind = "unrecorded"
	// LedgerChanged: an entry that cannot be read, fails its MAC, or does
	// not link to the entry before it.
	LedgerChanged FindingKind = "ledger-changed"
	// LedgerMissing: entries missing from the chain (or a noted head gone).
	LedgerMissing FindingKind = "ledger-missing"
	// LedgerReordered: an entry stored under another entry's number.
	LedgerReordered FindingKind = "ledger-reordered"
	// StatusChanged: a status record fails its MAC or differs from its
	// ledger entry.
	StatusChanged FindingKind = "status-changed"
	// StatusDeleted: the ledger records a status record that is gone.
	StatusDeleted FindingKind = "status-deleted"
	// StatusUnrecorded: a status record with a valid MAC that no ledger
	// entry records.
	StatusUnrecorded FindingKind = "status-unrecorded"
)

// FindingKinds are all kinds, in the order reports list their counts.
var FindingKinds = []FindingKind{ManifestChanged, FileReplaced, FileMissing, SubmissionDeleted, Unrecorded,
	StatusChanged, StatusDeleted, StatusUnrecorded, LedgerChanged, LedgerMissing, LedgerReordered}

// Label is the kind in Chinese, for people.
func (k FindingKind) Label() string {
	switch k {
	case ManifestChanged:
		return "受理记录被改动"
	case FileReplaced:
		return "文件被替换"
	case FileMissing:
		return "文件缺失"
	case SubmissionDeleted:
		return "整件被删除"
	case Unrecorded:
		return "受理记录未入账"
	case LedgerChanged:
		return "账本被改动"
	case LedgerMissing:
		return "账本条目缺失"
	case LedgerReordered:
		return "账本顺序被打乱"
	case StatusChanged:
		return "办理状态被改动"
	case StatusDeleted:
		return "办理状态被删除"
	case StatusUnrecorded:
		return "办理状态未入账"
	}
	return string(k)
}

// Chain reports whether the kind is about the ledger itself.
func (k FindingKind) Chain() bool {
	return k == LedgerChanged || k == LedgerMissing || k == LedgerReordered
}

// Finding is one thing wrong with the stored record.
type Finding struct {
	Kind FindingKind
	// Reference is the submission concerned, as its storage location says
	// (for a ledger entry: as the entry says); "" when unknown.
	Reference string
	Key       string // the storage key concerned
	Seq       int64  // the ledger entry concerned; 0 if none
	Detail    string // what was found, in Chinese
}

// String is the finding as one line for people: its kind, the reference
// and the key, and what was found, as in
// 受理记录被改动：K7M2-QX9D（objections/k7m2-qx9d/manifest.json）：记录与其校验码不符.
func (f Finding) String() string {
	var b strings.Builder
	b.WriteString(f.Kind.Label() + "：")
	switch {
	case f.Reference != "" && f.Key != "":
		b.WriteString(f.Reference + "（" + f.Key + "）")
	default:
		b.WriteString(f.Reference + f.Key)
	}
	if f.Detail != "" {
		b.WriteString("：" + f.Detail)
	}
	return b.String()
}

// Head names an entry of the ledger by number and the SHA-256 of its
// stored bytes, written "12:3f5a…" (ParseHead).
type Head struct {
	Seq    int64
	SHA256 string
}

func (h Head) String() string { return fmt.Sprintf("%d:%s", h.Seq, h.SHA256) }

// ParseHead reads a head as Head.String writes it.
func ParseHead(s string) (Head, error) {
	seq, sum, ok := strings.Cut(strings.TrimSpace(s), ":")
	n, err := strconv.ParseInt(seq, 10, 64)
	if b, herr := hex.DecodeString(sum); !ok || err != nil || n < 1 || herr != nil || len(b) != sha256.Size {
		return Head{}, fmt.Errorf("无法识别的账本位置 %q：应写成 条目号:SHA-256，如 12:%s", s, strings.Repeat("0", 64))
	}
	return Head{Seq: n, SHA256: strings.ToLower(sum)}, nil
}

// VerifyOptions say how much Verify checks.
type VerifyOptions struct {
	// Files re-reads every file of every submission and compares its size
	// and SHA-256 with the manifest's (slow: every byte is read).
	Files bool
	// Head, when Seq > 0, is a head noted earlier: the ledger must still
	// hold that entry with that SHA-256, or it was cut short or rewritten.
	Head Head
}

// Report is what Verify found.
type Report struct {
	// Findings, in order: the chain, the manifests and their files and the
	// status records by storage key, then what the ledger records and
	// storage lacks.
	Findings []Finding
	Head     Head // the last entry; Seq 0 for an empty ledger
	Entries  int  // entries read
	// Submissions are the manifests checked, Purged the submissions the
	// ledger records as purged, Files the files re-read, Statuses the
	// status records checked, Supplements the supplement records checked.
	Submissions, Purged, Files, Statuses, Supplements int
	// FirstBroken is the first entry where the chain is broken; 0 if whole.
	FirstBroken int64
}

// Count returns the number of findings of a kind.
func (r *Report) Count(k FindingKind) int {
	n := 0
	for _, f := range r.Findings {
		if f.Kind == k {
			n++
		}
	}
	return n
}

// maxRecordBytes bounds how much of a manifest or status record is read.
const maxRecordBytes = 16 << 20

// record is a manifest or status record found in storage.
type record struct {
	info       storage.Info
	status     bool   // a status record
	supplement bool   // a supplement record (ref: the submission it supplements); else a manifest
	kind       string // the submission's kind (manifests)
	ref        string // the reference, from the key
}

// records lists the manifests and status records in storage, by key.
func (l *Ledger) records(ctx context.Context) ([]record, error) {
	var out []record
	for _, kind := range submission.Kinds {
		infos, err := l.store.List(ctx, kind+"s/")
		if err != nil {
			return nil, fmt.Errorf("列出存储中的受理记录出错：%w", err)
		}
		for _, info := range infos {
			if kind, ref, ok := ManifestOf(info.Key); ok {
				out = append(out, record{info: info, kind: kind, ref: ref})
			}
		}
	}
	infos, err := l.store.List(ctx, "supplements/")
	if err != nil {
		return nil, fmt.Errorf("列出存储中的补正材料出错：%w", err)
	}
	for _, info := range infos {
		if of, _, ok := submission.SupplementOf(info.Key); ok {
			out = append(out, record{info: info, supplement: true, ref: of})
		}
	}
	infos, err = l.store.List(ctx, "status/")
	if err != nil {
		return nil, fmt.Errorf("列出存储中的办理状态出错：%w", err)
	}
	for _, info := range infos {
		parts := strings.Split(strings.TrimPrefix(info.Key, "status/"), "/")
		if len(parts) == 2 && strings.HasSuffix(parts[1], ".json") {
			out = append(out, record{info: info, status: true, ref: refOf(parts[0])})
		}
	}
	return out, nil
}

// ManifestOf reads a manifest's key: <kind>s/<reference>/manifest.json
// gives the kind and the reference (upper case, with its dash); ok is false
// for any other key.
func ManifestOf(key string) (kind, reference string, ok bool) {
	for _, kind := range submission.Kinds {
		rest, found := strings.CutPrefix(key, kind+"s/")
		elem, isManifest := strings.CutSuffix(rest, "/manifest.json")
		if found && isManifest && elem != "" && !strings.Contains(elem, "/") {
			return kind, refOf(elem), true
		}
	}
	return "", "", false
}

// refOf is the reference of a storage key's reference element.
func refOf(elem string) string {
	if r := submission.NormalizeReference(elem); r != "" {
		return r
	}
	return strings.ToUpper(elem)
}

// Verify walks the ledger and the stored manifests, files (with
// VerifyOptions.Files) and status records, and reports everything that is
// not as recorded; see FindingKind. A purged submission is not reported.
// The error is for failures to read (storage unavailable), not for
// findings.
func (l *Ledger) Verify(ctx context.Context, o VerifyOptions) (*Report, error) {
	if l.signer == nil {
		return nil, submission.ErrNoSigner
	}
	entries, findings, err := l.walk(ctx)
	if err != nil {
		return nil, err
	}
	st := newState(entries, len(findings))
	rep := &Report{Findings: findings, Head: Head{Seq: st.Head, SHA256: st.HeadSHA256}, Entries: len(entries), Purged: len(st.Purged)}
	if o.Head.Seq > 0 {
		rep.checkHead(entries, o.Head)
	}
	recs, err := l.records(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, r := range recs {
		data, err := ReadObject(ctx, l.store, r.info.Key, maxRecordBytes)
		if errors.Is(err, storage.ErrNotFound) {
			continue // removed since the listing
		}
		if err != nil && !errors.Is(err, errTooLarge) {
			return nil, fmt.Errorf("读取 %s 出错：%w", r.info.Key, err)
		}
		seen[r.info.Key] = true
		if r.status {
			rep.Statuses++
			s := rep.checkStatus(l.signer, st, r, data, err)
			if s != nil && s.Review != nil && s.Review.File != nil && o.Files {
				// A township review's stamped 推荐意见: among the
				// submission's attachments.
				if err := rep.checkStored(ctx, l.store, r, submission.AttachmentPrefix(submission.KindApplication, r.ref),
					[]submission.File{*s.Review.File}, func(int) string { return "推荐意见附件" }); err != nil {
					return nil, err
				}
			}
			continue
		}
		if r.supplement {
			rep.Supplements++
			sup := rep.checkSupplement(l.signer, st, r, data, err)
			if sup != nil && o.Files {
				if err := rep.checkFiles(ctx, l.store, r, sup.Files); err != nil {
					return nil, err
				}
			}
			continue
		}
		rep.Submissions++
		m := rep.checkManifest(l.signer, st, r, data, err)
		if m != nil && o.Files {
			if err := rep.checkFiles(ctx, l.store, r, m.Files); err != nil {
				return nil, err
			}
		}
	}
	var gone []Entry
	for key, e := range st.Recorded {
		if !seen[key] && !st.PurgedRefs[e.Reference] {
			gone = append(gone, e)
		}
	}
	slices.SortFunc(gone, func(a, b Entry) int { return cmp.Compare(a.Seq, b.Seq) })
	for _, e := range gone {
		f := Finding{Kind: SubmissionDeleted, Reference: e.Reference, Key: e.Key, Seq: e.Seq,
			Detail: fmt.Sprintf("账本第 %d 条记载已受理，存储中没有受理记录，也没有按保存期限删除的记载", e.Seq)}
		switch e.Kind {
		case KindStatus:
			f.Kind, f.Detail = StatusDeleted, fmt.Sprintf("账本第 %d 条记载了这条办理状态，存储中没有", e.Seq)
		case KindSupplement:
			f.Detail = fmt.Sprintf("账本第 %d 条记载了这份补正材料，存储中没有，也没有按保存期限删除的记载", e.Seq)
		}
		rep.Findings = append(rep.Findings, f)
	}
	for _, f := range rep.Findings {
		if f.Kind.Chain() && f.Seq > 0 && (rep.FirstBroken == 0 || f.Seq < rep.FirstBroken) {
			rep.FirstBroken = f.Seq
		}
	}
	return rep, nil
}

// checkHead compares a head noted earlier with the entries read.
func (rep *Report) checkHead(entries []walked, h Head) {
	for _, w := range entries {
		if w.seq == h.Seq {
			if Sum(w.data) != h.SHA256 {
				rep.Findings = append(rep.Findings, Finding{Kind: LedgerChanged, Seq: h.Seq, Key: w.key,
					Detail: fmt.Sprintf("与登记的第 %d 条（SHA-256 %s）不符：账本被改写", h.Seq, h.SHA256)})
			}
			return
		}
	}
	rep.Findings = append(rep.Findings, Finding{Kind: LedgerMissing, Seq: h.Seq, Key: Key(h.Seq),
		Detail: fmt.Sprintf("登记的第 %d 条不存在：账本被截短或删除", h.Seq)})
}

// manifestProblems decodes a manifest's stored bytes (data, from key) and
// says what is wrong with them, nothing when they are as committed: its MAC
// verifies — or, for a manifest from before the record key, the ledger
// records these very bytes —, it lies where its reference and kind say, and
// where the ledger records it, its bytes are the ones recorded.
func manifestProblems(signer *submission.Signer, st *State, key string, data []byte) (*submission.Manifest, []string) {
	var reasons []string
	kind, ref, _ := ManifestOf(key)
	m, err := submission.DecodeManifest(data)
	if err != nil {
		reasons = append(reasons, "无法读取（"+err.Error()+"）")
	} else {
		if err := signer.Verify(m); err != nil && !(errors.Is(err, submission.ErrUnsigned) && st.Recorded[key].SHA256 == Sum(data)) {
			reasons = append(reasons, macProblem(err))
		}
		if m.Reference != ref || m.Kind != kind {
			reasons = append(reasons, fmt.Sprintf("记载的编号和类别（%s %s）与存储位置不符", m.Reference, m.Kind))
		}
	}
	if e, recorded := st.Recorded[key]; recorded && e.SHA256 != Sum(data) {
		reasons = append(reasons, fmt.Sprintf("与账本第 %d 条记载的 SHA-256 不符", e.Seq))
	}
	return m, reasons
}

// Authentic decodes a manifest's stored bytes (data, from key) and returns
// it if it is as committed (see Verify; st is a State read just before),
// else an error saying what is wrong. The janitor purges only authentic
// manifests, so that a manifest whose date was changed is not purged under
// a purged entry.
func (l *Ledger) Authentic(st *State, key string, data []byte) (*submission.Manifest, error) {
	m, reasons := manifestProblems(l.signer, st, key, data)
	if len(reasons) > 0 {
		return nil, fmt.Errorf("受理记录 %s %s", key, strings.Join(reasons, "；"))
	}
	return m, nil
}

// checkManifest reports a changed or unrecorded manifest, and returns it
// when it could be read (to check its files).
func (rep *Report) checkManifest(signer *submission.Signer, st *State, r record, data []byte, readErr error) *submission.Manifest {
	var reasons []string
	var m *submission.Manifest
	if readErr != nil {
		reasons = append(reasons, "无法读取（"+readErr.Error()+"）")
	} else {
		m, reasons = manifestProblems(signer, st, r.info.Key, data)
	}
	e, recorded := st.Recorded[r.info.Key]
	_, purged := st.Purged[r.info.Key]
	switch {
	case len(reasons) > 0:
		if !recorded && !purged {
			reasons = append(reasons, "账本中也没有记载")
		}
		rep.Findings = append(rep.Findings, Finding{Kind: ManifestChanged, Reference: r.ref, Key: r.info.Key, Seq: e.Seq, Detail: strings.Join(reasons, "；")})
	case !recorded && !purged:
		rep.Findings = append(rep.Findings, Finding{Kind: Unrecorded, Reference: r.ref, Key: r.info.Key,
			Detail: "受理记录的校验码有效，但账本中没有记载（提交时中断，或账本条目被删除；受理服务的清理任务会补记前一种）"})
	}
	return m
}

// macProblem says what a failed MAC means, for people.
func macProblem(err error) string {
	if errors.Is(err, submission.ErrUnsigned) {
		return err.Error() + "（若是升级前保存的记录，用备份核对后以 award audit adopt 登记）"
	}
	return err.Error()
}

// statusInPlace reports whether a status record lies where its reference
// and its event number say (submission.EventKey; an old record: Seq 0 under
// a key of submission.StatusKey's layout).
func statusInPlace(r record, s submission.Status) bool {
	seq, _ := submission.EventSeq(r.info.Key)
	return s.Reference == r.ref && s.Seq == seq
}

// checkStatus reports a changed or unrecorded status record, and returns
// it when it could be read (to check the file it carries).
func (rep *Report) checkStatus(signer *submission.Signer, st *State, r record, data []byte, readErr error) *submission.Status {
	var reasons []string
	var s submission.Status
	decoded := false
	switch {
	case readErr != nil:
		reasons = append(reasons, "无法读取（"+readErr.Error()+"）")
	case json.Unmarshal(data, &s) != nil:
		reasons = append(reasons, "内容不是办理状态")
	default:
		decoded = true
		if err := signer.Verify(&s); err != nil && !(errors.Is(err, submission.ErrUnsigned) && st.Recorded[r.info.Key].SHA256 == Sum(data)) {
			reasons = append(reasons, macProblem(err)) // unsigned: only as adopted, byte for byte
		}
		if s.Reference != r.ref {
			reasons = append(reasons, "记载的编号 "+s.Reference+" 与存储位置不符")
		}
		if seq, _ := submission.EventSeq(r.info.Key); s.Seq != seq {
			reasons = append(reasons, fmt.Sprintf("记载的序号（第 %d 条）与存储位置不符", s.Seq))
		}
	}
	e, recorded := st.Recorded[r.info.Key]
	if recorded && e.SHA256 != Sum(data) {
		reasons = append(reasons, fmt.Sprintf("与账本第 %d 条记载的 SHA-256 不符", e.Seq))
	}
	switch {
	case len(reasons) > 0:
		rep.Findings = append(rep.Findings, Finding{Kind: StatusChanged, Reference: r.ref, Key: r.info.Key, Seq: e.Seq, Detail: strings.Join(reasons, "；")})
	case !recorded && !st.PurgedRefs[r.ref]:
		rep.Findings = append(rep.Findings, Finding{Kind: StatusUnrecorded, Reference: r.ref, Key: r.info.Key,
			Detail: "办理状态的校验码有效，但账本中没有记载"})
	}
	if !decoded {
		return nil
	}
	return &s
}

// supplementProblems decodes a supplement record's stored bytes and says
// what is wrong with them, nothing when they are as committed: its MAC
// verifies, it lies where its references say, and its bytes are the ones
// the ledger records.
func supplementProblems(signer *submission.Signer, st *State, key string, data []byte) (*submission.Supplement, []string) {
	var reasons []string
	of, own, _ := submission.SupplementOf(key)
	sup, err := submission.DecodeSupplement(data)
	if err != nil {
		reasons = append(reasons, "无法读取（"+err.Error()+"）")
	} else {
		if err := signer.Verify(sup); err != nil {
			reasons = append(reasons, macProblem(err))
		}
		if sup.Of != of || sup.Reference != own {
			reasons = append(reasons, fmt.Sprintf("记载的编号（%s 的补正 %s）与存储位置不符", sup.Of, sup.Reference))
		}
	}
	if e, recorded := st.Recorded[key]; recorded && e.SHA256 != Sum(data) {
		reasons = append(reasons, fmt.Sprintf("与账本第 %d 条记载的 SHA-256 不符", e.Seq))
	}
	return sup, reasons
}

// checkSupplement reports a changed or unrecorded supplement record, and
// returns it when it could be read (to check its files).
func (rep *Report) checkSupplement(signer *submission.Signer, st *State, r record, data []byte, readErr error) *submission.Supplement {
	var reasons []string
	var sup *submission.Supplement
	if readErr != nil {
		reasons = append(reasons, "无法读取（"+readErr.Error()+"）")
	} else {
		sup, reasons = supplementProblems(signer, st, r.info.Key, data)
	}
	e, recorded := st.Recorded[r.info.Key]
	switch {
	case len(reasons) > 0:
		if !recorded && !st.PurgedRefs[r.ref] {
			reasons = append(reasons, "账本中也没有记载")
		}
		rep.Findings = append(rep.Findings, Finding{Kind: ManifestChanged, Reference: r.ref, Key: r.info.Key, Seq: e.Seq, Detail: "补正材料记录：" + strings.Join(reasons, "；")})
	case !recorded && !st.PurgedRefs[r.ref]:
		rep.Findings = append(rep.Findings, Finding{Kind: Unrecorded, Reference: r.ref, Key: r.info.Key,
			Detail: "补正材料记录的校验码有效，但账本中没有记载（提交时中断，或账本条目被删除；受理服务的清理任务会补记前一种）"})
	}
	return sup
}

// checkFiles re-reads the files a record (manifest or supplement) lists
// and compares them with it.
func (rep *Report) checkFiles(ctx context.Context, store storage.Store, r record, files []submission.File) error {
	return rep.checkStored(ctx, store, r, strings.TrimSuffix(r.info.Key, "manifest.json"), files,
		func(i int) string { return fmt.Sprintf("第 %d 个文件", i+1) })
}

// checkStored re-reads files a record lists, each of which must lie under
// prefix, and compares them with it; label names the i-th for people.
func (rep *Report) checkStored(ctx context.Context, store storage.Store, r record, prefix string, files []submission.File, label func(i int) string) error {
	for i, f := range files {
		label := label(i)
		if !strings.HasPrefix(f.Key, prefix) || storage.ValidKey(f.Key) != nil {
			rep.Findings = append(rep.Findings, Finding{Kind: FileReplaced, Reference: r.ref, Key: f.Key, Detail: label + "的存储位置不属于本件"})
			continue
		}
		size, sum, err := hashObject(ctx, store, f.Key)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			rep.Findings = append(rep.Findings, Finding{Kind: FileMissing, Reference: r.ref, Key: f.Key, Detail: label + "不在存储中"})
		case err != nil:
			return fmt.Errorf("读取文件 %s 出错：%w", f.Key, err)
		default:
			rep.Files++
			if size != f.Size || !strings.EqualFold(sum, f.SHA256) {
				rep.Findings = append(rep.Findings, Finding{Kind: FileReplaced, Reference: r.ref, Key: f.Key,
					Detail: fmt.Sprintf("%s应为 %d 字节，SHA-256 %s；实为 %d 字节，SHA-256 %s", label, f.Size, strings.ToLower(f.SHA256), size, sum)})
			}
		}
	}
	return nil
}

// hashObject streams an object through SHA-256.
func hashObject(ctx context.Context, store storage.Store, key string) (int64, string, error) {
	rc, _, err := store.Get(ctx, key)
	if err != nil {
		return 0, "", err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// Recover appends an entry, marked Recovered, for every manifest and status
// record that carries a valid MAC, that st (a State read just before) does
// not record or list as purged, and that was stored before cutoff — so that
// an object whose commit stopped between its write and its entry is
// recorded, and one being committed right now is not recorded twice. It
// returns the entries appended; an object it cannot read or verify is left
// for Verify to report. Each append may take AppendTimeout: one the store
// holds up longer (a MinIO node that died while writing an entry leaves
// that key locked until MinIO expires the lock, up to two minutes) ends
// Recover with an error, so that its caller (the janitor) goes on with
// its other work and tries again at its next round.
func (l *Ledger) Recover(ctx context.Context, st *State, cutoff time.Time) ([]Entry, error) {
	recs, err := l.records(ctx)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, r := range recs {
		key := r.info.Key
		if _, ok := st.Recorded[key]; ok || !r.info.Modified.Before(cutoff) {
			continue
		}
		if _, ok := st.Purged[key]; ok {
			continue
		}
		data, err := ReadObject(ctx, l.store, key, maxRecordBytes)
		if err != nil {
			continue
		}
		kind, valid := KindCommit, false
		switch {
		case r.status:
			var s submission.Status
			kind, valid = KindStatus, json.Unmarshal(data, &s) == nil && l.signer.Verify(&s) == nil && statusInPlace(r, s)
		case r.supplement:
			_, reasons := supplementProblems(l.signer, st, key, data)
			kind, valid = KindSupplement, len(reasons) == 0
		default:
			_, reasons := manifestProblems(l.signer, st, key, data)
			valid = len(reasons) == 0
		}
		if !valid {
			continue
		}
		actx, cancel := context.WithTimeout(ctx, AppendTimeout)
		e, err := l.Append(actx, Entry{Kind: kind, Reference: r.ref, Key: key, SHA256: Sum(data), Recovered: true})
		cancel()
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
	return out, nil
}
