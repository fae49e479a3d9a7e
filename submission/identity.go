package submission

// Objector types (ObjectorIdentity.Type, the objection's objectorType field).
const (
	ObjectorIndividual   = "individual"
	ObjectorOrganization = "organization"
)

// Identity is a submitter's personal identifiers, as sealed in a
// manifest's Identity: an ObjectorIdentity or an ApplicantIdentity.
type Identity interface {
	// NotifyEmail is the address the submitter gave for news of the
	// handling; "" for none.
	NotifyEmail() string
	identity()
}

// ObjectorIdentity is an objector's identity: a person (IDNumber) or an
// organisation (CreditCode). Email is optional: where the objector wants
// to hear of the handling (电子邮箱（选填，用于接收办理进度通知）).
type ObjectorIdentity struct {
	Type       string `json:"type"` // ObjectorIndividual | ObjectorOrganization
	Name       string `json:"name"` // the person's or the organisation's name
	IDNumber   string `json:"idNumber,omitempty"`
	CreditCode string `json:"creditCode,omitempty"`
	Phone      string `json:"phone"`
	Email      string `json:"email,omitempty"`
}

// NotifyEmail is the objector's email address, "" if none was given.
func (id *ObjectorIdentity) NotifyEmail() string { return id.Email }
func (*ObjectorIdentity) identity()              {}

// ApplicantIdentity is the people of an application: its legal
// representative and its contact (the contact's phone and email).
type ApplicantIdentity struct {
	LegalRepresentative string `json:"legalRepresentative"`
	ContactName         string `json:"contactName"`
	Phone               string `json:"phone"`
	Email               string `json:"email"`
}

// NotifyEmail is the contact's email address.
func (id *ApplicantIdentity) NotifyEmail() string { return id.Email }
func (*ApplicantIdentity) identity()              {}

// NewIdentity is an empty identity of the type a kind of submission seals,
// to open one into; nil for an unknown kind.
func NewIdentity(kind string) Identity {
	switch kind {
	case KindObjection:
		return &ObjectorIdentity{}
	case KindApplication, KindReport:
		return &ApplicantIdentity{}
	}
	return nil
}
