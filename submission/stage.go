package submission

import "slices"

// Stage is a step in the handling of a submission, as the Measures
// (《管理办法》第十七条) lay it out: Code is a key element that records,
// URLs and filters carry; Label is what people read.
type Stage struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Stage codes. Every submission starts at StageReceived, which no event
// records: it is the stage of a submission with no event yet.
const (
	StageReceived    = "received"     // 已收件
	StageAccepted    = "accepted"     // 已受理
	StageNotAccepted = "not-accepted" // 不予受理
	StageCorrection  = "correction"   // 需补正 (objections: 需补充证据): a notice was issued (Correction)
	StageCorrected   = "corrected"    // 已补正 (objections: 已补充证据): a supplement answered it

	// Applications.
	StageRecommended      = "recommended"       // 初审通过（已推荐）
	StageReturned         = "returned"          // 退回
	StageQualified        = "qualified"         // 资格审核通过
	StageDisqualified     = "disqualified"      // 资格审核不通过
	StageMaterialReview   = "material-review"   // 材料评审
	StageSiteReview       = "site-review"       // 现场评审
	StageOverallReview    = "overall-review"    // 综合评审
	StageCandidate        = "candidate"         // 候选
	StageAwarded          = "awarded"           // 获奖
	StageNotAwarded       = "not-awarded"       // 未获奖
	StageCandidacyRevoked = "candidacy-revoked" // 取消候选资格

	// Objections.
	StageInvestigating   = "investigating"   // 核查中
	StageSubstantiated   = "substantiated"   // 查实
	StageUnsubstantiated = "unsubstantiated" // 不属实

	// StageClosed (已办结) is where old status records left a submission;
	// no move leads to it and none leaves it.
	StageClosed = "closed"
)

// flow is the stages of one kind of submission and the moves between them.
type flow struct {
	stages []Stage
	next   map[string][]string // by code; a final stage has none
}

var flows = map[string]flow{
	KindApplication: {
		stages: []Stage{
			{StageReceived, "已收件"}, {StageAccepted, "已受理"}, {StageNotAccepted, "不予受理"},
			{StageCorrection, "需补正"}, {StageCorrected, "已补正"},
			{StageRecommended, "初审通过（已推荐）"}, {StageReturned, "退回"},
			{StageQualified, "资格审核通过"}, {StageDisqualified, "资格审核不通过"},
			{StageMaterialReview, "材料评审"}, {StageSiteReview, "现场评审"}, {StageOverallReview, "综合评审"},
			{StageCandidate, "候选"}, {StageAwarded, "获奖"}, {StageNotAwarded, "未获奖"}, {StageCandidacyRevoked, "取消候选资格"},
			// Only old records are at these two.
			{StageInvestigating, "核查中"}, {StageClosed, "已办结"},
		},
		next: map[string][]string{
			StageReceived:       {StageAccepted, StageNotAccepted, StageCorrection},
			StageAccepted:       {StageRecommended, StageReturned, StageCorrection},
			StageCorrection:     {StageAccepted, StageNotAccepted, StageCorrected},
			StageCorrected:      {StageAccepted, StageNotAccepted, StageCorrection, StageRecommended},
			StageInvestigating:  {StageRecommended, StageReturned, StageCorrection}, // an old 核实中: as accepted
			StageRecommended:    {StageQualified, StageDisqualified},
			StageQualified:      {StageMaterialReview},
			StageMaterialReview: {StageSiteReview, StageNotAwarded},
			StageSiteReview:     {StageOverallReview, StageNotAwarded},
			StageOverallReview:  {StageCandidate, StageNotAwarded},
			StageCandidate:      {StageAwarded, StageNotAwarded, StageCandidacyRevoked},
		},
	},
	// Reports (KindReport): received → accepted | correction |
	// not-accepted; correction → corrected → accepted | correction |
	// not-accepted; accepted → correction (the secretariat's supervision
	// of the fund use may ask for more after accepting).
	KindReport: {
		stages: []Stage{
			{StageReceived, "已收件"}, {StageAccepted, "已受理"}, {StageNotAccepted, "不予受理"},
			{StageCorrection, "需补正"}, {StageCorrected, "已补正"},
		},
		next: map[string][]string{
			StageReceived:   {StageAccepted, StageNotAccepted, StageCorrection},
			StageAccepted:   {StageCorrection},
			StageCorrection: {StageAccepted, StageNotAccepted, StageCorrected},
			StageCorrected:  {StageAccepted, StageNotAccepted, StageCorrection},
		},
	},
	KindObjection: {
		stages: []Stage{
			{StageReceived, "已收件"}, {StageAccepted, "已受理"}, {StageNotAccepted, "不予受理"},
			{StageCorrection, "需补充证据"}, {StageCorrected, "已补充证据"},
			{StageInvestigating, "核查中"}, {StageSubstantiated, "查实"}, {StageUnsubstantiated, "不属实"},
			// Only old records are at this one.
			{StageClosed, "已办结"},
		},
		next: map[string][]string{
			StageReceived:      {StageAccepted, StageNotAccepted, StageCorrection},
			StageAccepted:      {StageInvestigating, StageCorrection},
			StageCorrection:    {StageAccepted, StageNotAccepted, StageCorrected, StageInvestigating},
			StageCorrected:     {StageAccepted, StageNotAccepted, StageInvestigating, StageCorrection},
			StageInvestigating: {StageSubstantiated, StageUnsubstantiated, StageCorrection},
		},
	},
}

// Stages are the stages of a kind of submission in the order of its
// handling, received first, then the stages only old records are at
// (closed; for applications also investigating); nil for an unknown kind.
// The caller may change the slice it gets.
//
// Applications: received 已收件 → accepted 已受理 | not-accepted 不予受理 |
// correction 需补正; accepted → recommended 初审通过（已推荐）| returned 退回 |
// correction; correction → corrected 已补正 | accepted | not-accepted;
// corrected → accepted | not-accepted | correction | recommended (the
// township recommends once the correction came); recommended → qualified 资格审核通过 |
// disqualified 资格审核不通过; qualified → material-review 材料评审 →
// site-review 现场评审 → overall-review 综合评审 → candidate 候选 (each
// review may also end in not-awarded 未获奖); candidate → awarded 获奖 |
// not-awarded | candidacy-revoked 取消候选资格.
//
// Objections: received → accepted | not-accepted | correction 需补充证据;
// accepted → investigating 核查中 | correction; correction → corrected
// 已补充证据 | accepted | not-accepted | investigating; corrected → accepted |
// not-accepted | investigating | correction; investigating → substantiated
// 查实 | unsubstantiated 不属实 | correction.
//
// A move to correction carries the notice (Status.Correction); a move to
// corrected is made only by a supplement (Status.Supplement).
//
// Every other stage is final (Next gives none).
func Stages(kind string) []Stage { return slices.Clone(flows[kind].stages) }

// StageOf is the stage of a kind with the code.
func StageOf(kind, code string) (Stage, bool) {
	for _, s := range flows[kind].stages {
		if s.Code == code {
			return s, true
		}
	}
	return Stage{}, false
}

// Next are the stages a submission of kind may move to from the stage
// with the code, in the order of Stages; none from a final stage or an
// unknown one.
func Next(kind, code string) []Stage {
	var out []Stage
	for _, c := range flows[kind].next[code] {
		if s, ok := StageOf(kind, c); ok {
			out = append(out, s)
		}
	}
	return out
}

// CanMove reports whether a submission of kind may move from one stage to
// another.
func CanMove(kind, from, to string) bool { return slices.Contains(flows[kind].next[from], to) }

// Final reports whether a stage of kind is a known one with no move out.
func Final(kind, code string) bool {
	_, ok := StageOf(kind, code)
	return ok && len(flows[kind].next[code]) == 0
}

// legacyStates are the states old status records carry (before stages),
// read as stages; 核实中 is now 核查中.
var legacyStates = map[string]string{
	"已受理": StageAccepted,
	"核实中": StageInvestigating,
	"需补正": StageCorrection,
	"已办结": StageClosed,
}

// ParseStage reads what a person typed or an old record holds as a stage
// of kind: a code (accepted), a label (已受理) or an old state (核实中).
func ParseStage(kind, s string) (Stage, bool) {
	if st, ok := StageOf(kind, s); ok {
		return st, true
	}
	for _, st := range flows[kind].stages {
		if st.Label == s {
			return st, true
		}
	}
	if code, ok := legacyStates[s]; ok {
		return StageOf(kind, code)
	}
	return Stage{}, false
}

// StageOfStatus is the stage a status record of a submission of kind
// records: its Stage code, or, for an old record without one, its State
// read as a stage. ok is false for a record naming neither.
func StageOfStatus(kind string, st Status) (Stage, bool) {
	if st.Stage != "" {
		return StageOf(kind, st.Stage)
	}
	return ParseStage(kind, st.State)
}
