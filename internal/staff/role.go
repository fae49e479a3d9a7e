package staff

// Role is what an account may see and do in the console; the console checks
// it on the server for every route.
type Role string

// The roles.
const (
	Secretariat Role = "secretariat" // sees and does everything
	Township    Role = "township"    // sees only applications naming its township
	Reviewer    Role = "reviewer"    // sees only what is assigned to it, without identities
	Auditor     Role = "auditor"     // reads the audit log only
)

// Roles are all roles, in the order they are offered.
var Roles = []Role{Secretariat, Township, Reviewer, Auditor}

// Label is the role's name in Chinese, as people see it.
func (r Role) Label() string {
	switch r {
	case Secretariat:
		return "秘书处"
	case Township:
		return "乡镇（街道）"
	case Reviewer:
		return "评审员"
	case Auditor:
		return "审计员"
	}
	return string(r)
}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	for _, v := range Roles {
		if r == v {
			return true
		}
	}
	return false
}
