package submission

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Status is one event in the handling of a submission, recorded by the
// secretariat: the stage it moved to (see Stages), with a note. Records are
// never changed or removed: each event is a new object, and the newest is
// the submission's current stage.
//
// Events are numbered 1, 2, … per submission (Seq) and stored under
// EventKey, written only if absent, so that two clerks (or two replicas)
// recording the next event at once cannot both succeed. Records from before
// stages (StatusKey: keyed by time, no Seq and no Stage) stay readable: their
// State is read as a stage (ParseStage), and they come before every
// numbered event.
type Status struct {
	Reference string `json:"reference"`
	// State is the stage's label (已受理 …), so that readers that know only
	// states still read new records; old records hold one of 已受理,
	// 核实中, 需补正, 已办结.
	State string `json:"state"`
	// Note is for the submitter, on the receipt, unless Internal.
	Note     string    `json:"note,omitempty"`
	Operator string    `json:"operator"`
	At       time.Time `json:"at"`
	// Seq is the event's number (1 for the first); 0 for an old record.
	Seq int `json:"seq,omitempty"`
	// Stage is the stage's code (accepted …); "" for an old record.
	Stage string `json:"stage,omitempty"`
	// Internal marks the note as for the secretariat only: it is never
	// shown to the submitter. The stage itself is always shown.
	Internal bool `json:"internal,omitempty"`
	// Correction is the one-time notice, on the event that moves the
	// submission to StageCorrection.
	Correction *Correction `json:"correction,omitempty"`
	// Supplement is the reference of the supplement that moved the
	// submission to StageCorrected.
	Supplement string `json:"supplement,omitempty"`
	// Extension and Receipt mark an event that keeps the stage (Stage is
	// the current one): a notice's deadline extended, a receipt token
	// replaced.
	Extension *Extension      `json:"extension,omitempty"`
	Receipt   *ReceiptReissue `json:"receipt,omitempty"`
	// Outcome is the finding on an objection, on the event that moves it
	// to 查实, 不属实 or 不予受理 (ObjectionOutcome.Result).
	Outcome *ObjectionOutcome `json:"outcome,omitempty"`
	// RevokedBy is the reference of the objection found 查实, on the event
	// that moves the candidate's application to StageCandidacyRevoked
	// because of it.
	RevokedBy string `json:"revokedBy,omitempty"`
	// Review is a township's 初审 and recommendation, on the event that
	// moves an application to StageRecommended when it was recorded in
	// the console (see TownshipReview).
	Review *TownshipReview `json:"review,omitempty"`
	// Signed is the record's MAC under the record key (see Signer).
	Signed
}

// KeepsStage reports whether the event records something other than a
// move (an extension, a new receipt token): its Stage is the stage the
// submission was at.
func (st *Status) KeepsStage() bool { return st.Extension != nil || st.Receipt != nil }

// statusTimeLayout sorts lexically in time order and fits storage keys.
const statusTimeLayout = "2006-01-02t15-04-05.000000000z"

// StatusPrefix is where a submission's status records are kept.
func StatusPrefix(reference string) string { return "status/" + keyRef(reference) + "/" }

// EventKey is where a submission's event seq (1, 2, …) is stored:
// status/<ref>/<seq, 6 digits or more>.json.
func EventKey(reference string, seq int) string {
	return fmt.Sprintf("%s%06d.json", StatusPrefix(reference), seq)
}

// StatusKey is a fresh key for a status record written at t, in the layout
// of the records from before numbered events (status/<ref>/<time>-<random>.json).
// Nothing writes that layout any more; it is kept to read and test such
// records.
func StatusKey(reference string, t time.Time) string {
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s%s-%s.json", StatusPrefix(reference), t.UTC().Format(statusTimeLayout), hex.EncodeToString(b[:]))
}

// EventSeq reads the event number from a status record's key: seq > 0 and
// ok for EventKey's layout, 0 and ok for an old record's (StatusKey), ok
// false for any other key.
func EventSeq(key string) (seq int, ok bool) {
	rest, found := strings.CutPrefix(key, "status/")
	_, name, two := strings.Cut(rest, "/")
	name, json := strings.CutSuffix(name, ".json")
	if !found || !two || !json || name == "" || strings.Contains(name, "/") {
		return 0, false
	}
	if len(name) >= 6 && strings.Trim(name, "0123456789") == "" {
		n, err := strconv.Atoi(name)
		return n, err == nil && n > 0
	}
	if _, err := time.Parse(statusTimeLayout, name[:min(len(name), len(statusTimeLayout))]); err == nil {
		return 0, true
	}
	return 0, false
}
