package submission

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// States a submission goes through after it is received, as the
// secretariat records them. A submission without a status record is 已受理.
var States = []string{"已受理", "核实中", "需补正", "已办结"}

// Status is one status record of a submission, written by the secretariat.
// Records are never changed or removed: each update is a new object, and
// the newest is the submission's status.
type Status struct {
	Reference string    `json:"reference"`
	State     string    `json:"state"` // one of States
	Note      string    `json:"note,omitempty"`
	Operator  string    `json:"operator"`
	At        time.Time `json:"at"`
	// Signed is the record's MAC under the record key (see Signer).
	Signed
}

// statusTimeLayout sorts lexically in time order and fits storage keys.
const statusTimeLayout = "2006-01-02t15-04-05.000000000z"

// StatusPrefix is where a submission's status records are kept.
func StatusPrefix(reference string) string { return "status/" + keyRef(reference) + "/" }

// StatusKey is a fresh key for a status record written at t.
func StatusKey(reference string, t time.Time) string {
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s%s-%s.json", StatusPrefix(reference), t.UTC().Format(statusTimeLayout), hex.EncodeToString(b[:]))
}

// ValidState reports whether s is one of States.
func ValidState(s string) bool {
	for _, st := range States {
		if st == s {
			return true
		}
	}
	return false
}
