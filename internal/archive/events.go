package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// Errors of AppendEvent, to match with errors.Is; their text is for the
// clerk.
var (
	// ErrConflict: the submission has had an event since the one the
	// caller saw (after), or another writer took the same number at the
	// same moment. Nothing was written; reload and decide again.
	ErrConflict = errors.New("此案件刚被他人更新，请刷新页面，看过最新的办理情况后再操作")
	// ErrStage: the submission may not move to that stage from the one it
	// is at (see submission.Next), or the stage is unknown.
	ErrStage = errors.New("不能改为这个办理阶段")
)

// MaxNoteRunes bounds an event's note.
const MaxNoteRunes = 2000

// AppendEvent records the next event of a committed submission: st's Stage
// (a code; a label is accepted too), Note, Internal, Operator and At (zero:
// now). after is the number of the latest event the caller saw (Case.Seq;
// 0 when there was none): the event is numbered after+1 and written only
// if absent under submission.EventKey, so that of two clerks deciding on
// the same page only the first succeeds and the second gets ErrConflict —
// as it does when the latest event is no longer after. A move that
// submission.Next does not allow gives an error matching ErrStage, an
// unknown reference one matching ErrNotFound. The record is signed and
// entered in the ledger like every record; AppendEvent returns it as
// stored (Reference, State set to the stage's label, Stage, Seq, At, MAC).
//
// Once the record is stored, Options.OnEvent, when set, is called with the
// submission's manifest and the record, before AppendEvent returns: the
// console uses it to queue the notifications of a stage change. A caller
// without the hook may do the same with what AppendEvent returns.
func (a *Archive) AppendEvent(ctx context.Context, st submission.Status, after int) (submission.Status, error) {
	st.Reference = submission.NormalizeReference(st.Reference)
	st.Operator, st.Note = strings.TrimSpace(st.Operator), strings.TrimSpace(st.Note)
	switch {
	case st.Operator == "":
		return submission.Status{}, errors.New("请注明办理人")
	case utf8.RuneCountInString(st.Note) > MaxNoteRunes:
		return submission.Status{}, fmt.Errorf("说明请控制在%d个字以内（现为%d个字）", MaxNoteRunes, utf8.RuneCountInString(st.Note))
	}
	m, err := a.Find(ctx, st.Reference)
	if err != nil {
		return submission.Status{}, err
	}
	c, err := a.CaseOf(ctx, m)
	if err != nil {
		return submission.Status{}, err
	}
	if c.Seq != after {
		return submission.Status{}, fmt.Errorf("%w（最新的是第 %d 条办理记录，页面上是第 %d 条）", ErrConflict, c.Seq, after)
	}
	to, ok := submission.ParseStage(m.Kind, st.Stage)
	if !ok {
		return submission.Status{}, fmt.Errorf("%w：没有“%s”这个办理阶段，%s", ErrStage, st.Stage, movesText(c))
	}
	if err := checkMove(c, &st, to); err != nil {
		return submission.Status{}, err
	}
	st.Stage, st.State, st.Seq, st.MAC = to.Code, to.Label, after+1, nil
	if st.At.IsZero() {
		st.At = a.now()
	}
	if err := a.Signer().Sign(&st); err != nil {
		return submission.Status{}, fmt.Errorf("event %s: %w", st.Reference, err)
	}
	data, err := json.Marshal(st)
	if err != nil {
		return submission.Status{}, fmt.Errorf("event %s: %w", st.Reference, err)
	}
	key := submission.EventKey(st.Reference, st.Seq)
	_, err = a.store.Put(ctx, key, bytes.NewReader(data), storage.PutOptions{IfAbsent: true, ContentType: "application/json"})
	if errors.Is(err, storage.ErrExists) {
		return submission.Status{}, fmt.Errorf("%w（第 %d 条办理记录刚由他人写入）", ErrConflict, st.Seq)
	}
	if err != nil {
		return submission.Status{}, fmt.Errorf("event %s: %w", st.Reference, err)
	}
	a.record(ctx, ledger.KindStatus, st.Reference, key, data)
	if a.onEvent != nil {
		a.onEvent(ctx, m, st)
	}
	return st, nil
}

// checkMove checks that the event st, to stage to, may follow where the
// case c is: a move the flow allows, with the notice a move to correction
// needs and the supplement a move to corrected comes from; or an event
// that keeps the stage (an extension, a new receipt token).
func checkMove(c *Case, st *submission.Status, to submission.Stage) error {
	kind := c.Manifest.Kind
	switch {
	case st.KeepsStage():
		switch {
		case st.Extension != nil && st.Receipt != nil:
			return fmt.Errorf("%w：一条办理记录只能记一件事", ErrStage)
		case to.Code != c.Current.Code:
			return fmt.Errorf("%w：延长补正期限、重发回执链接不改变办理阶段（目前是“%s”）", ErrStage, c.Current.Label)
		case st.Correction != nil || st.Supplement != "":
			return fmt.Errorf("%w：一条办理记录只能记一件事", ErrStage)
		case st.Extension != nil:
			if st.Note == "" {
				return fmt.Errorf("%w：延长补正期限须写明理由", ErrNotice)
			}
			return checkExtension(c, st.Extension)
		case st.Receipt.TokenHash == "":
			return errors.New("重发回执链接：没有新的令牌")
		case st.Note == "":
			return errors.New("重发回执链接须注明如何核实了提交人的身份")
		}
		return nil
	case !submission.CanMove(kind, c.Current.Code, to.Code):
		return fmt.Errorf("%w：不能从“%s”改为“%s”，%s", ErrStage, c.Current.Label, to.Label, movesText(c))
	case st.Review != nil && to.Code == submission.StageCorrection && kind == submission.KindApplication:
		// A township's 初审 with a no returns the application: the review
		// rides on the event that issues the notice.
		if err := st.Review.CheckReturn(); err != nil {
			return fmt.Errorf("%w：%s", ErrStage, err.Error())
		}
		if st.Correction == nil {
			return fmt.Errorf("%w：退回补正须出具补正告知，逐项列明需要补正的材料或内容、原因和期限", ErrNotice)
		}
		return checkNotice(kind, st.Correction)
	case st.Review != nil:
		if to.Code != submission.StageRecommended || kind != submission.KindApplication {
			return fmt.Errorf("%w：乡镇（街道）初审只能随“初审通过（已推荐）”或退回补正（需补正）记录", ErrStage)
		}
		if st.Correction != nil || st.Supplement != "" {
			return fmt.Errorf("%w：一条办理记录只能记一件事", ErrStage)
		}
		if err := st.Review.Check(); err != nil {
			return fmt.Errorf("%w：%s", ErrStage, err.Error())
		}
		if f := st.Review.File; f != nil && !strings.HasPrefix(f.Key, submission.AttachmentPrefix(kind, c.Manifest.Reference)) {
			return fmt.Errorf("%w：推荐意见不是本案件的附件", ErrStage)
		}
		if st.Review.Recommendation == submission.RecommendationConfirmed && !c.hasSlot(submission.SlotRecommendation) {
			return fmt.Errorf("%w：申报单位没有上传推荐意见，请上传盖章的推荐意见", ErrStage)
		}
	case to.Code == submission.StageRecommended && c.Manifest.Application().RecommendationMode == submission.RecommendationOnline:
		return fmt.Errorf("%w：本次征集由乡镇（街道）在工作台推荐：“%s”须填写初审（材料齐全、内容真实、合法合规）并上传或确认盖章的推荐意见", ErrStage, to.Label)
	case st.Outcome != nil && (kind != submission.KindObjection || st.Outcome.Result != to.Code || !slices.Contains(submission.OutcomeResults, to.Code)):
		return fmt.Errorf("%w：核查结论只能随异议的“查实”“不属实”“不予受理”记录", ErrStage)
	case st.Outcome == nil && kind == submission.KindObjection && slices.Contains(submission.OutcomeResults, to.Code):
		return fmt.Errorf("%w：异议改为“%s”须同时记录核查结论（结论和理由），请在案件页面的“核查结论”里填写", ErrStage, to.Label)
	case st.RevokedBy != "" && (kind != submission.KindApplication || to.Code != submission.StageCandidacyRevoked):
		return fmt.Errorf("%w：因异议查实取消候选资格只能随申报的“取消候选资格”记录", ErrStage)
	case to.Code == submission.StageCorrection:
		if st.Correction == nil {
			return fmt.Errorf("%w：改为“%s”须出具补正告知，逐项列明需要补正的材料或内容、原因和期限", ErrNotice, to.Label)
		}
		return checkNotice(kind, st.Correction)
	case to.Code == submission.StageCorrected:
		if st.Supplement == "" || c.SupplementNumber(st.Supplement) == 0 {
			return fmt.Errorf("%w：“%s”在提交人网上提交补正材料后自动记录，不能手工改为这个阶段", ErrStage, to.Label)
		}
	case st.Correction != nil || st.Supplement != "":
		return fmt.Errorf("%w：补正告知只能随“需补正”记录，补正材料只能随“已补正”记录", ErrStage)
	}
	return nil
}

// movesText says, for the clerk, where the case may move from where it is.
func movesText(c *Case) string {
	next := c.Next()
	if len(next) == 0 {
		return "“" + c.Current.Label + "”是办理结果，不能再改"
	}
	labels := make([]string, len(next))
	for i, s := range next {
		labels[i] = s.Label
	}
	return "目前是“" + c.Current.Label + "”，可以改为：" + strings.Join(labels, "、")
}

// events reads a submission's status records, oldest first: the records
// from before numbered events by key (their time), then the events by
// number. A record that cannot be read, whose reference or number is not
// its key's, or that names no stage of kind ("": of any kind) is logged and
// passed over. seq is the highest event number in storage, read from the
// keys, readable or not.
func (a *Archive) events(ctx context.Context, kind, ref string) (evs []submission.Status, seq int, err error) {
	infos, err := a.store.List(ctx, submission.StatusPrefix(ref))
	if err != nil {
		return nil, 0, fmt.Errorf("events %s: %w", ref, err)
	}
	type keyed struct {
		seq int
		key string
	}
	var keys []keyed
	for _, in := range infos {
		n, ok := submission.EventSeq(in.Key)
		if !ok {
			a.log.Warn("object among the status records passed over", "key", in.Key)
			continue
		}
		keys = append(keys, keyed{n, in.Key})
		seq = max(seq, n)
	}
	// Old records (seq 0) by key, which is by time; then by number.
	slices.SortStableFunc(keys, func(x, y keyed) int { return x.seq - y.seq })
	for _, k := range keys {
		var st submission.Status
		err := a.readJSON(ctx, k.key, &st)
		switch {
		case err != nil:
		case submission.NormalizeReference(st.Reference) != submission.NormalizeReference(ref):
			err = fmt.Errorf("the record is of %s", st.Reference)
		case st.Seq != k.seq:
			err = fmt.Errorf("the record says it is event %d", st.Seq)
		case !knownStage(kind, st):
			err = fmt.Errorf("no stage %q (%q)", st.Stage, st.State)
		}
		if err != nil {
			a.log.Warn("status record unreadable, passed over", "key", k.key, "err", err)
			continue
		}
		evs = append(evs, st)
	}
	return evs, seq, nil
}

// knownStage reports whether a record names a stage of kind, or of any
// kind when kind is "".
func knownStage(kind string, st submission.Status) bool {
	if kind != "" {
		_, ok := submission.StageOfStatus(kind, st)
		return ok
	}
	for _, k := range submission.Kinds {
		if _, ok := submission.StageOfStatus(k, st); ok {
			return true
		}
	}
	return false
}
