package submission

// ObjectionOutcome is the secretariat's finding on an objection (《管理办法》
// 第十七条第（八）项), on the event that moves the objection to Result: 查实
// (StageSubstantiated), 不属实 (StageUnsubstantiated) or 不予受理
// (StageNotAccepted). It names the candidate objected to and, for 查实, the
// candidate's application, which an event of its own (Status.RevokedBy)
// moves to StageCandidacyRevoked. It never names the objector.
type ObjectionOutcome struct {
	// Result is the stage code the objection moves to.
	Result string `json:"result"`
	// Note is the finding in words, as the objector is told it.
	Note string `json:"note"`
	// Publicity and Candidate are the publicity's id and the candidate's
	// id on its list (the objection's own fields).
	Publicity string `json:"publicity"`
	Candidate string `json:"candidate"`
	// Application is the candidate's application (its reference): the
	// publicity's candidate Reference when it has one, else the call's
	// application with the candidate's credit code. Required for 查实, ""
	// when it was not found for the other results.
	Application string `json:"application,omitempty"`
}

// OutcomeResults are the stages an objection's outcome may record, in the
// order a form offers them.
var OutcomeResults = []string{StageSubstantiated, StageUnsubstantiated, StageNotAccepted}
