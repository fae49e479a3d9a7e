package archive

import (
	"errors"
	"fmt"

	"github.com/zhongmou/award/submission"
)

// receiptTokenBinding is what a sealed receipt token is bound to: not the
// bare reference, which binds the identity, so that neither opens as the
// other.
func receiptTokenBinding(ref string) string { return "receipt-token:" + ref }

// ReceiptToken opens the receipt token a manifest keeps sealed, for the
// receipt link in mail to the submitter; "" when the manifest keeps none
// (no identity, or committed before tokens were kept). It needs the
// identity key.
func (a *Archive) ReceiptToken(m *submission.Manifest) (string, error) {
	if m.ReceiptToken == nil {
		return "", nil
	}
	if a.sealer == nil {
		return "", ErrNoIdentityKey
	}
	var token string
	if err := a.sealer.Open(receiptTokenBinding(m.Reference), m.ReceiptToken, &token); err != nil {
		return "", fmt.Errorf("receipt token of %s: %w", m.Reference, err)
	}
	if !submission.TokenMatches(token, m.TokenHash) {
		return "", errors.New("receipt token of " + m.Reference + ": does not match its hash")
	}
	return token, nil
}
