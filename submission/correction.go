package submission

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Correction is a one-time notice (一次性告知): everything the secretariat
// asks a submitter to supplement or correct, at once, with a deadline. It
// is carried by the event that moves a submission to StageCorrection; the
// submitter answers it with supplements (Supplement) until the end of the
// deadline day.
type Correction struct {
	Items []CorrectionItem `json:"items"`
	// WorkingDays is the period the clerk gave; Deadline the last day of
	// it on the holiday calendar (YYYY-MM-DD, China time), counted from
	// the day the notice was issued.
	WorkingDays int    `json:"workingDays"`
	Deadline    string `json:"deadline"`
}

// CorrectionItem is one thing a notice asks for: a document slot
// (Slot: an application slot's name, or "evidence" for an objection) or a
// named field of the application (Field: a CorrectableField's name), with
// the reason. Label is what the submitter reads.
type CorrectionItem struct {
	Slot   string `json:"slot,omitempty"`
	Field  string `json:"field,omitempty"`
	Label  string `json:"label"`
	Reason string `json:"reason"`
}

// Key is the item's identity within a notice: "slot:<name>" or
// "field:<name>".
func (it CorrectionItem) Key() string {
	if it.Slot != "" {
		return "slot:" + it.Slot
	}
	return "field:" + it.Field
}

// Extension is an event that moves a notice's deadline later (once per
// notice), with the reason; it leaves the stage as it is.
type Extension struct {
	// Notice is the number of the event that issued the notice.
	Notice int `json:"notice"`
	// From and To are the deadline before and after (YYYY-MM-DD).
	From        string `json:"from"`
	To          string `json:"to"`
	WorkingDays int    `json:"workingDays"`
}

// ReceiptReissue is an event that replaces a submission's receipt token
// (the old link stops working), for a submitter who lost the link and
// proved who they are; it leaves the stage as it is. The note says how
// they proved it.
type ReceiptReissue struct {
	TokenHash string `json:"tokenHash"` // SHA-256 of the new token, hex
	// Token is the new token sealed (bound like Manifest.ReceiptToken),
	// so that later mail can carry the new link; nil without the identity
	// key.
	Token *Sealed `json:"token,omitempty"`
}

// EvidenceSlot is the one document slot of an objection.
const EvidenceSlot = "evidence"

// CorrectableField is a field of an application that a notice may ask to
// correct: the manifest's field name and its label.
type CorrectableField struct {
	Name, Label string
	// Date: the value is a date, YYYY-MM-DD.
	Date bool
}

// correctableFields are the application's fields a supplement may correct.
// The organisation's name and credit code are not among them: an
// application for another organisation is a new application.
var correctableFields = []CorrectableField{
	{Name: "orgKind", Label: "单位类型"},
	{Name: "established", Label: "成立日期", Date: true},
	{Name: "industry", Label: "所属行业"},
	{Name: "township", Label: "所在乡镇（街道）"},
	{Name: "address", Label: "单位地址"},
	{Name: "recommender", Label: "推荐单位"},
	{Name: "excellenceSince", Label: "导入卓越绩效管理模式时间", Date: true},
	{Name: "internalPublicityStart", Label: "内部公示开始日期", Date: true},
	{Name: "internalPublicityEnd", Label: "内部公示结束日期", Date: true},
}

// CorrectableFields are the application's fields a notice may name, in
// form order; the caller may change the slice.
func CorrectableFields() []CorrectableField {
	return append([]CorrectableField(nil), correctableFields...)
}

// CorrectableFieldByName is the correctable field called name.
func CorrectableFieldByName(name string) (CorrectableField, bool) {
	for _, f := range correctableFields {
		if f.Name == name {
			return f, true
		}
	}
	return CorrectableField{}, false
}

// Supplement is what a submitter sent in answer to a notice: its files
// and corrected fields, stored as a record of its own beside the original,
// which never changes. A submission's current materials are its own files
// and fields with its supplements over them, the newest winning per slot
// and per field.
//
// A supplement is committed like a submission: its files first, under
// SupplementPrefix/files/, then its record at SupplementKey, written only
// if absent, signed and entered in the ledger. It exists exactly when its
// record does.
type Supplement struct {
	Version int `json:"version"`
	// Reference is the supplement's own reference (for its in-flight
	// record and its 收件清单); Of the submission it supplements.
	Reference  string    `json:"reference"`
	Of         string    `json:"of"`
	Kind       string    `json:"kind"`   // the kind of the submission it supplements
	Notice     int       `json:"notice"` // the number of the event that issued the notice
	ReceivedAt time.Time `json:"receivedAt"`
	// Fields are corrected field values by name (CorrectableField).
	Fields map[string]string `json:"fields,omitempty"`
	Files  []File            `json:"files"`
	Signed
}

// KindSupplement is the in-flight kind of a supplement being received.
const KindSupplement = "supplement"

// SupplementsPrefix is where the supplements of a submission are kept.
func SupplementsPrefix(of string) string { return "supplements/" + keyRef(of) + "/" }

// SupplementPrefix is where one supplement's objects are kept.
func SupplementPrefix(of, reference string) string {
	return SupplementsPrefix(of) + keyRef(reference) + "/"
}

// SupplementKey is where a supplement's record is stored.
func SupplementKey(of, reference string) string {
	return SupplementPrefix(of, reference) + "manifest.json"
}

// SupplementOf reads a supplement record's key: the reference of the
// submission it supplements and its own; ok is false for any other key.
func SupplementOf(key string) (of, reference string, ok bool) {
	rest, found := strings.CutPrefix(key, "supplements/")
	if !found {
		return "", "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || parts[2] != "manifest.json" {
		return "", "", false
	}
	of, reference = NormalizeReference(parts[0]), NormalizeReference(parts[1])
	return of, reference, of != "" && reference != ""
}

// Encode returns the supplement as JSON.
func (s *Supplement) Encode() ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode supplement: %w", err)
	}
	return append(b, '\n'), nil
}

// DecodeSupplement reads a supplement record, refusing other versions.
func DecodeSupplement(data []byte) (*Supplement, error) {
	var s Supplement
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("read supplement: %w", err)
	}
	if s.Version != Version {
		return nil, fmt.Errorf("read supplement: version %d, want %d", s.Version, Version)
	}
	return &s, nil
}
