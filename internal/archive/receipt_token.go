package archive

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"

	"github.com/zhongmou/award/submission"
)

// receiptTokenBinding is what a sealed receipt token is bound to: not the
// bare reference, which binds the identity, so that neither opens as the
// other.
func receiptTokenBinding(ref string) string { return "receipt-token:" + ref }

// ReceiptToken opens the case's current receipt token (the latest
// reissued one, else the one its manifest keeps sealed), for the receipt
// link in mail to the submitter; "" when none is kept (no identity, or
// committed before tokens were kept, or reissued without the identity
// key). It needs the identity key.
func (a *Archive) ReceiptToken(c *Case) (string, error) {
	sealed, hash := c.Manifest.ReceiptToken, c.Manifest.TokenHash
	for _, st := range c.Events {
		if st.Receipt != nil {
			sealed, hash = st.Receipt.Token, st.Receipt.TokenHash
		}
	}
	if sealed == nil {
		return "", nil
	}
	if a.sealer == nil {
		return "", ErrNoIdentityKey
	}
	ref := c.Manifest.Reference
	var token string
	if err := a.sealer.Open(receiptTokenBinding(ref), sealed, &token); err != nil {
		return "", fmt.Errorf("receipt token of %s: %w", ref, err)
	}
	if !submission.TokenMatches(token, hash) {
		return "", errors.New("receipt token of " + ref + ": does not match its hash")
	}
	return token, nil
}

// ReissueReceipt gives the submission ref a new receipt token, for a
// submitter who lost the link and proved who they are (note: how; kept
// internal): an event that keeps the stage, written after the event after
// like every event (ErrConflict). From then on only the new token opens
// the receipt; it is returned once, to be handed to the person, and kept
// only as its hash and, with the identity key, sealed.
func (a *Archive) ReissueReceipt(ctx context.Context, ref, operator, note string, after int) (string, submission.Status, error) {
	c, err := a.Case(ctx, ref)
	if err != nil {
		return "", submission.Status{}, err
	}
	token := submission.NewToken()
	r := &submission.ReceiptReissue{TokenHash: submission.HashToken(token)}
	if a.sealer != nil {
		if r.Token, err = a.sealer.Seal(receiptTokenBinding(c.Manifest.Reference), token); err != nil {
			return "", submission.Status{}, fmt.Errorf("reissue receipt of %s: %w", ref, err)
		}
	}
	st, err := a.AppendEvent(ctx, submission.Status{Reference: ref, Stage: c.Current.Code, Note: note, Internal: true,
		Operator: operator, Receipt: r}, after)
	if err != nil {
		return "", submission.Status{}, err
	}
	return token, st, nil
}

// ProgressProof is what a person gives to look up a submission's stage
// without its receipt link: for an application, the organisation's
// credit code; for an objection, the last six characters of the objector's
// ID number or credit code (the whole number is accepted too).
type ProgressProof struct {
	CreditCode string
	IDTail     string
}

// Progress reads the case ref for a person who proves it is theirs. A
// proof that does not match — a wrong code, or the other kind's — gives
// an error matching ErrNotFound, exactly like an unknown reference, so
// that the lookup tells nothing about which submissions exist.
func (a *Archive) Progress(ctx context.Context, ref string, p ProgressProof) (*Case, error) {
	notFound := fmt.Errorf("progress %s: %w", ref, ErrNotFound)
	m, err := a.Find(ctx, ref)
	if err != nil {
		return nil, err
	}
	switch m.Kind {
	case submission.KindApplication, submission.KindReport:
		if p.CreditCode == "" || !sameCode(p.CreditCode, m.Fields["creditCode"], false) {
			return nil, notFound
		}
	case submission.KindObjection:
		if p.IDTail == "" || m.Identity == nil {
			return nil, notFound
		}
		id, err := a.OpenObjector(m)
		if err != nil {
			return nil, err
		}
		if !sameCode(p.IDTail, id.IDNumber, true) && !sameCode(p.IDTail, id.CreditCode, true) {
			return nil, notFound
		}
	default:
		return nil, notFound
	}
	return a.CaseOf(ctx, m)
}

// sameCode compares what a person typed with a stored number, ignoring
// case and spaces, in constant time; tail also accepts the stored number's
// last six characters.
func sameCode(typed, stored string, tail bool) bool {
	norm := func(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), "")) }
	typed, stored = norm(typed), norm(stored)
	if stored == "" || typed == "" {
		return false
	}
	if tail && len(typed) == 6 && len(stored) >= 6 {
		stored = stored[len(stored)-6:]
	}
	return subtle.ConstantTimeCompare([]byte(typed), []byte(stored)) == 1
}
