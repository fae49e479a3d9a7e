package notify

import (
	"regexp"
	"strings"
)

// emailLike matches anything shaped like an email address, as SMTP
// servers and go-mail quote them in errors ("affected recipient(s): …",
// "550 5.1.1 <…>: user unknown").
var emailLike = regexp.MustCompile(`[^\s<>"'(),;:\[\]]+@[^\s<>"'(),;:\[\]]+`)

// redact returns err's text with the recipient (whatever its form) and
// every email address replaced by "<address>", for logs and the store.
func redact(err error, to string) string {
	s := err.Error()
	if to != "" {
		s = replaceFold(s, to, "<address>")
	}
	return emailLike.ReplaceAllString(s, "<address>")
}

// replaceFold replaces every occurrence of old in s, ignoring ASCII case.
func replaceFold(s, old, repl string) string {
	lower, lowOld := strings.ToLower(s), strings.ToLower(old)
	if len(lower) != len(s) || len(lowOld) != len(old) { // case mapping changed lengths: fall back to exact matches
		return strings.ReplaceAll(s, old, repl)
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, lowOld)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, lower = s[i+len(old):], lower[i+len(old):]
	}
}
