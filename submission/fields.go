package submission

import "strconv"

// The typed fields of a submission. A manifest stores them as its Fields
// map (the JSON object "fields", unchanged since version 1); each type's
// pairs method is the one place that names their keys, so that the intake
// writes and the export, the receipt and the console read the same names:
// renaming a field is a compile error, not an empty spreadsheet column.

// ObjectionFields are an objection's fields that are not personal
// identifiers (those are sealed: see Sealed).
type ObjectionFields struct {
	Publicity           string // the publicity's id in windows.json
	PublicityTitle      string
	Candidate           string // the candidate's id on its list
	CandidateName       string
	CandidateCreditCode string
	ObjectorType        string // individual or organization
	Statement           string // the facts and reasons
	Consent             string // yes: the privacy notice was accepted
	Notice              string // the version of the privacy notice shown
	// Channel is ChannelPaper for a paper submission (代录), "" online;
	// Postmarked its postmark or hand-in date (see ChannelPaper).
	Channel, Postmarked string
}

func (f *ObjectionFields) pairs() []pair {
	return []pair{
		{"publicity", &f.Publicity}, {"publicityTitle", &f.PublicityTitle}, {"candidate", &f.Candidate},
		{"candidateName", &f.CandidateName}, {"candidateCreditCode", &f.CandidateCreditCode},
		{"objectorType", &f.ObjectorType}, {"statement", &f.Statement}, {"consent", &f.Consent}, {"notice", &f.Notice},
		{"channel", &f.Channel}, {"postmarked", &f.Postmarked},
	}
}

// Map is f as a manifest stores it.
func (f ObjectionFields) Map() map[string]string { return toMap(f.pairs()) }

// Objection reads the manifest's fields as an objection's.
func (m *Manifest) Objection() ObjectionFields {
	var f ObjectionFields
	fromMap(m.Fields, f.pairs())
	return f
}

// Declarations is how many of the Art. 14 situations an applicant declares
// on (declaration1 … declaration9).
const Declarations = 9

// ApplicationFields are an application's fields that are not personal
// identifiers.
type ApplicationFields struct {
	Call, CallTitle string // the call's id in windows.json and its title
	OrgName         string
	CreditCode      string // 统一社会信用代码
	OrgKind         string // 企业 / 事业单位 / 社会组织 / 其他组织
	Established     string // date, 2006-01-02
	LittleGiant     string // yes or no
	Industry        string
	Township        string
	Address         string
	Recommender     string
	ExcellenceSince string // date the 卓越绩效 model was adopted
	// InternalPublicityStart and End are the dates of the internal
	// publicity; WorkingDays its length on the holiday calendar.
	InternalPublicityStart, InternalPublicityEnd string
	InternalPublicityWorkingDays                 string
	Consent, Notice                              string
	// DeclarationsVersion names the text of the declarations shown;
	// Declarations are the answers (none: the situation does not apply)
	// and DeclarationTexts the texts answered.
	DeclarationsVersion string
	Declarations        [Declarations]string
	DeclarationTexts    [Declarations]string
	Eligibility         string // the conditions met, in words
	// MissingSlots and SlotsReceived are comma-separated slot names: the
	// optional slots not given, and the slots received.
	MissingSlots, SlotsReceived string
	// RecommendationMode is the call's recommendation: when the
	// application was received (RecommendationOnline: the township
	// recommends in the console; "" or RecommendationUpload: the
	// applicant uploaded the stamped 推荐意见).
	RecommendationMode string
	// Channel is ChannelPaper for a paper submission (代录), "" online;
	// Postmarked its postmark or hand-in date (see ChannelPaper).
	Channel, Postmarked string
}

func (f *ApplicationFields) pairs() []pair {
	p := []pair{
		{"call", &f.Call}, {"callTitle", &f.CallTitle}, {"orgName", &f.OrgName}, {"creditCode", &f.CreditCode},
		{"orgKind", &f.OrgKind}, {"established", &f.Established}, {"littleGiant", &f.LittleGiant},
		{"industry", &f.Industry}, {"township", &f.Township}, {"address", &f.Address}, {"recommender", &f.Recommender},
		{"excellenceSince", &f.ExcellenceSince}, {"internalPublicityStart", &f.InternalPublicityStart},
		{"internalPublicityEnd", &f.InternalPublicityEnd}, {"internalPublicityWorkingDays", &f.InternalPublicityWorkingDays},
		{"consent", &f.Consent}, {"notice", &f.Notice}, {"declarationsVersion", &f.DeclarationsVersion},
		{"eligibility", &f.Eligibility}, {"missingSlots", &f.MissingSlots}, {"slotsReceived", &f.SlotsReceived},
		{"recommendationMode", &f.RecommendationMode},
		{"channel", &f.Channel}, {"postmarked", &f.Postmarked},
	}
	for i := range f.Declarations {
		n := strconv.Itoa(i + 1)
		p = append(p, pair{"declaration" + n, &f.Declarations[i]}, pair{"declarationText" + n, &f.DeclarationTexts[i]})
	}
	return p
}

// Map is f as a manifest stores it.
func (f ApplicationFields) Map() map[string]string { return toMap(f.pairs()) }

// Application reads the manifest's fields as an application's.
func (m *Manifest) Application() ApplicationFields {
	var f ApplicationFields
	fromMap(m.Fields, f.pairs())
	return f
}

// ChannelPaper is the Channel of a submission that came on paper and
// that the secretariat registered in the console (代录, 纸质). Its
// Postmarked (2006-01-02), the postmark or hand-in date, decides whether
// it came within its window: a letter postmarked within it is in time
// even when registered later; the manifest's ReceivedAt stays when it was
// registered.
const ChannelPaper = "paper"

// pair ties a stored key to a typed field.
type pair struct {
	key string
	val *string
}

func toMap(ps []pair) map[string]string {
	m := make(map[string]string, len(ps))
	for _, p := range ps {
		m[p.key] = *p.val
	}
	return m
}

func fromMap(m map[string]string, ps []pair) {
	for _, p := range ps {
		*p.val = m[p.key]
	}
}
