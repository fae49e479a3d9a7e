package submission

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// TownshipReview is a township's 初审 and recommendation (Art. 17(3) of the
// measures): three answers, each with a note (required when "no"), by the
// account that recorded them, and how the stamped 推荐意见 came — uploaded
// in the console (File) or the applicant's upload confirmed. It is carried
// by the event that moves an application to StageRecommended; a review
// with a no, without a recommendation, by the event that returns it for
// correction (StageCorrection, with the one-time notice).
type TownshipReview struct {
	// Complete: 材料齐全; True: 内容真实; Lawful: 合法合规.
	Complete bool `json:"complete"`
	True     bool `json:"true"`
	Lawful   bool `json:"lawful"`
	// The notes of each answer ("" allowed when the answer is yes).
	CompleteNote string `json:"completeNote,omitempty"`
	TrueNote     string `json:"trueNote,omitempty"`
	LawfulNote   string `json:"lawfulNote,omitempty"`
	// Township is the township the review is for (the application's, as
	// the township account has it); Reviewer the account's name.
	Township string    `json:"township"`
	Reviewer string    `json:"reviewer"`
	At       time.Time `json:"at"`
	// Recommendation is RecommendationUploaded or RecommendationConfirmed;
	// "" on a review that returned the application for correction.
	Recommendation string `json:"recommendation"`
	// File is the stamped 推荐意见 uploaded in the console, stored as the
	// case's attachment (Field SlotRecommendation); nil when the
	// applicant's was confirmed.
	File *File `json:"file,omitempty"`
}

// How the stamped 推荐意见 of a TownshipReview came.
const (
	RecommendationUploaded  = "uploaded"  // uploaded in the console by the township
	RecommendationConfirmed = "confirmed" // the applicant's upload, confirmed
)

// The calls' recommendation modes (front matter recommendation:): online,
// the township recommends in the console and the applicant's upload is
// optional; upload (the default), the applicant uploads the stamped
// 推荐意见 and the secretariat records the step.
const (
	RecommendationOnline = "online"
	RecommendationUpload = "upload"
)

// MaxReviewNoteRunes bounds each of a review's notes.
const MaxReviewNoteRunes = 500

// ReviewQuestion is one of the three questions of a township's 初审.
type ReviewQuestion struct {
	Key   string // complete, true, lawful (the form's field names)
	Label string
}

// ReviewQuestions are the 初审's questions in the order of the form.
var ReviewQuestions = []ReviewQuestion{{"complete", "材料齐全"}, {"true", "内容真实"}, {"lawful", "合法合规"}}

// Answers are the review's answers and notes by question key.
func (r *TownshipReview) Answers() (yes map[string]bool, notes map[string]string) {
	return map[string]bool{"complete": r.Complete, "true": r.True, "lawful": r.Lawful},
		map[string]string{"complete": r.CompleteNote, "true": r.TrueNote, "lawful": r.LawfulNote}
}

// AllYes reports whether every answer is yes: only then may it recommend.
func (r *TownshipReview) AllYes() bool { return r.Complete && r.True && r.Lawful }

// Summary is the review in words, for the case page, the history and the
// export: "材料齐全：是；内容真实：是；合法合规：是".
func (r *TownshipReview) Summary() string {
	yes, notes := r.Answers()
	parts := make([]string, len(ReviewQuestions))
	for i, q := range ReviewQuestions {
		s := q.Label + "：" + map[bool]string{true: "是", false: "否"}[yes[q.Key]]
		if n := notes[q.Key]; n != "" {
			s += "（" + n + "）"
		}
		parts[i] = s
	}
	return strings.Join(parts, "；")
}

// RecommendationLabel is how the 推荐意见 came, in words.
func (r *TownshipReview) RecommendationLabel() string {
	switch r.Recommendation {
	case "":
		return "退回补正（出具一次性告知）"
	case RecommendationUploaded:
		return "乡镇（街道）在工作台上传盖章推荐意见"
	case RecommendationConfirmed:
		return "确认申报单位上传的推荐意见"
	}
	return r.Recommendation
}

// Check reports what is wrong with a review recorded to recommend: every
// answer yes, the notes within bounds, who and how named, the file given
// exactly when uploaded.
func (r *TownshipReview) Check() error {
	_, notes := r.Answers()
	for _, q := range ReviewQuestions {
		if utf8.RuneCountInString(notes[q.Key]) > MaxReviewNoteRunes {
			return fmt.Errorf("“%s”的说明请写在 %d 字以内", q.Label, MaxReviewNoteRunes)
		}
	}
	switch {
	case !r.AllYes():
		return fmt.Errorf("初审三项均为“是”才能推荐")
	case strings.TrimSpace(r.Township) == "" || strings.TrimSpace(r.Reviewer) == "":
		return fmt.Errorf("初审记录须写明乡镇（街道）和初审人")
	case r.Recommendation == RecommendationUploaded && (r.File == nil || r.File.Key == "" || r.File.SHA256 == ""):
		return fmt.Errorf("上传的推荐意见没有保存")
	case r.Recommendation == RecommendationConfirmed && r.File != nil:
		return fmt.Errorf("确认申报单位上传的推荐意见时不另附文件")
	case r.Recommendation != RecommendationUploaded && r.Recommendation != RecommendationConfirmed:
		return fmt.Errorf("请上传盖章的推荐意见，或确认申报单位已上传的推荐意见")
	}
	return nil
}

// CheckReturn reports what is wrong with a review recorded to return the
// application for correction (on the event that issues the one-time
// notice): some answer no, each no with its note, the notes within
// bounds, who named, no recommendation and no file.
func (r *TownshipReview) CheckReturn() error {
	yes, notes := r.Answers()
	for _, q := range ReviewQuestions {
		switch {
		case utf8.RuneCountInString(notes[q.Key]) > MaxReviewNoteRunes:
			return fmt.Errorf("“%s”的说明请写在 %d 字以内", q.Label, MaxReviewNoteRunes)
		case !yes[q.Key] && strings.TrimSpace(notes[q.Key]) == "":
			return fmt.Errorf("“%s”为“否”，须写明原因", q.Label)
		}
	}
	switch {
	case r.AllYes():
		return fmt.Errorf("初审三项均为“是”，不能据此退回补正")
	case strings.TrimSpace(r.Township) == "" || strings.TrimSpace(r.Reviewer) == "":
		return fmt.Errorf("初审记录须写明乡镇（街道）和初审人")
	case r.Recommendation != "" || r.File != nil:
		return fmt.Errorf("退回补正的初审记录不带推荐意见")
	}
	return nil
}

// AttachmentPrefix is where a submission's attachments are kept: files the
// staff add to a case (a township's stamped 推荐意见), beside the
// submission's own files, which they never change.
func AttachmentPrefix(kind, reference string) string { return Prefix(kind, reference) + "attachments/" }
