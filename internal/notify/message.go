package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Message is one notification to one recipient.
type Message struct {
	// ID names the message, chosen by the caller so that it is the same
	// whichever replica queues it: "new-K7M2-QX9D", "stage-K7M2-QX9D-3".
	// Letters, digits, '-', '_' and '.', starting with a letter or digit,
	// at most MaxIDLength; compared in lower case (Enqueue lowers it, so a
	// Notifier sees it lowered).
	ID string
	// To is the recipient: an email address for SMTP (a phone number for a
	// future SMS gateway). Personal data: sealed in the store, never logged.
	To string
	// Subject is one line; Body is plain text, in Chinese. Neither should
	// carry personal data beyond what the recipient needs (a reference,
	// a stage, the receipt link).
	Subject, Body string
}

// Notifier sends one message now, or says why it could not: the seam
// between the outbox and a way of reaching people (SMTP now; see the
// package doc for an SMS gateway). Send may be called from several
// goroutines at once, never twice at once for one message, with a context
// that ends after AttemptTimeout; nil means the message was accepted. Its
// error may contain the recipient: the outbox removes it before logging or
// storing the error.
type Notifier interface {
	Send(ctx context.Context, m Message) error
}

// RecipientChecker is implemented by Notifiers that can tell a recipient
// they could never deliver to (not an email address, say); Enqueue then
// refuses it rather than retrying it for ever. The error must not contain
// the recipient.
type RecipientChecker interface {
	CheckRecipient(to string) error
}

// Limits on a message.
const (
	MaxIDLength      = 100
	MaxSubjectLength = 200     // bytes
	MaxBodyLength    = 1 << 16 // bytes
)

// ErrInvalid is matched (errors.Is) by Enqueue's refusal of a message that
// breaks the rules of Message.
var ErrInvalid = errors.New("invalid message")

// normalID returns the ID in lower case, or an error if it is not one.
func normalID(id string) (string, error) {
	id = strings.ToLower(id)
	if id == "" || len(id) > MaxIDLength {
		return "", fmt.Errorf("notify: message ID %q: empty or longer than %d: %w", id, MaxIDLength, ErrInvalid)
	}
	for i, c := range id {
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '-' && c != '_' && c != '.') {
			return "", fmt.Errorf("notify: message ID %q: only letters, digits, - _ . (starting with a letter or digit): %w", id, ErrInvalid)
		}
	}
	return id, nil
}

// check validates the message, never naming its recipient.
func (m Message) check(n Notifier) error {
	if m.To == "" || len(m.To) > 320 || strings.ContainsAny(m.To, "\r\n") {
		return fmt.Errorf("notify: message %s: recipient empty, too long or on several lines: %w", m.ID, ErrInvalid)
	}
	if rc, ok := n.(RecipientChecker); ok {
		if err := rc.CheckRecipient(m.To); err != nil {
			return fmt.Errorf("notify: message %s: %w: %w", m.ID, ErrInvalid, err)
		}
	}
	if m.Subject == "" || len(m.Subject) > MaxSubjectLength || strings.ContainsAny(m.Subject, "\r\n") || !utf8.ValidString(m.Subject) {
		return fmt.Errorf("notify: message %s: subject empty, longer than %d bytes, on several lines or not UTF-8: %w", m.ID, MaxSubjectLength, ErrInvalid)
	}
	if m.Body == "" || len(m.Body) > MaxBodyLength || !utf8.ValidString(m.Body) {
		return fmt.Errorf("notify: message %s: body empty, longer than %d bytes or not UTF-8: %w", m.ID, MaxBodyLength, ErrInvalid)
	}
	return nil
}
