// Package console is the secretariat's console: the staff side of an award
// round, on its own listener (STAFF_ADDR, default 127.0.0.1:8081), under
// /staff/. It is HTTP only: submissions, stages and the audit log come from
// the archive (internal/archive), accounts and sessions from the staff
// directory (internal/staff), mail goes through the outbox (internal/notify).
// Everything it keeps lives in the store, so replicas behind one load
// balancer share it.
//
// Routes (every one but the sign-in page checks the session and the role on
// the server; every POST carries the session's CSRF token, the sign-in form a
// token of its own; no answer is cached):
//
//	GET  /staff/login                       sign-in form
//	POST /staff/login                       name, password, otp (6-digit TOTP)
//	POST /staff/logout                      ends the session
//	GET  /staff/password, POST              change one's own password (forced at first sign-in)
//	GET  /staff/                            inbox: filters kind, window, township, stage, new, missing; q search
//	GET  /staff/cases/{reference}           case page (fields, declarations, files, versions, history)
//	POST /staff/cases/{reference}/identity  show the identity, with a reason (secretariat; audited)
//	POST /staff/cases/{reference}/events    move to another stage (secretariat; conditional append)
//	POST /staff/cases/{reference}/assignees assign a reviewer (secretariat)
//	POST /staff/cases/{reference}/corrections
//	                                        issue a one-time notice (一次性告知): items with reasons,
//	                                        working days on the holiday calendar (secretariat; audited)
//	GET  /staff/cases/{reference}/corrections/{seq}
//	                                        the printable 补正告知书 (A4) of the notice event seq issued
//	POST /staff/cases/{reference}/corrections/{seq}/extension
//	                                        extend its deadline once, with a reason (secretariat; audited)
//	POST /staff/cases/{reference}/receipt   a new receipt link for a person who proved who they are,
//	                                        shown once; the old one stops working (secretariat; audited)
//	GET  /staff/cases/{reference}/files/{n} download a file (?inline=1: PDF and images shown in a sandbox)
//	GET  /staff/export                      ZIP of the round without identities (secretariat)
//	POST /staff/export                      ZIP with identities: reason required (secretariat)
//	GET  /staff/audit                       the audit log, newest first (auditor, secretariat)
//
// Roles (staff.Role): secretariat sees and does everything; township sees
// only applications naming its township; reviewer sees only the cases
// assigned to it, never identities; auditor reads the audit log only. A
// route a role may not use answers 403 with a page saying so; without a
// session every route but sign-in redirects to /staff/login and shows
// nothing.
//
// Every action a member of staff takes is written to the audit log (who,
// when, from where, on which case): sign-in, failure, lock, sign-out,
// password change, case view, identity view (with the reason), download,
// export, stage change, assignment, notice, its print and extension,
// receipt link reissued (never the token itself). Identities appear only
// on the page that shows them after a reason is given: never in lists,
// logs or mail.
//
// The one-time notice (一次性告知): a clerk lists on the case page every
// document slot or field to supplement or correct, each with its reason,
// and a period in working days; the case moves to 需补正 (objections:
// 需补充证据) by an event that carries the notice, and the submitter is
// emailed it. The submitter answers on the receipt page (the intake); each
// supplement is its own record, the case moves to 已补正 by itself and the
// secretariat is emailed (收到补正材料). The case page lists the original's
// files and the supplements' together (原件 / 补正 n), numbered for
// download in that order.
package console
