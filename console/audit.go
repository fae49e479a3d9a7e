package console

import (
	"net/http"

	"github.com/zhongmou/award/internal/archive"
)

// audit appends what a member of staff did to the audit log: who, when,
// from where, on which case. It never carries an identity. A record that
// cannot be written is logged as an error (the action itself has happened).
func (s *Server) audit(r *http.Request, me *who, action, reference string, details any) {
	rec := archive.AuditRecord{Time: s.now(), Action: action, Reference: reference, From: s.clientIP(r), Details: details}
	if me != nil {
		rec.Operator = me.Account.Name
	}
	if _, err := s.archive.Audit(r.Context(), rec); err != nil {
		s.log.Error("audit record not written", "action", action, "reference", reference, "err", err)
	}
}

// auditAs is audit for a person not signed in (a failed sign-in): the name
// typed is the operator.
func (s *Server) auditAs(r *http.Request, name, action string, details any) {
	rec := archive.AuditRecord{Time: s.now(), Operator: name, Action: action, From: s.clientIP(r), Details: details}
	if _, err := s.archive.Audit(r.Context(), rec); err != nil {
		s.log.Error("audit record not written", "action", action, "err", err)
	}
}
