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
//	POST /staff/cases/{reference}/events    move to another stage (secretariat; conditional append); on an
//	                                        objection 查实 / 不属实 / 不予受理 is its outcome: 查实 also moves
//	                                        the candidate's application to 取消候选资格 (see below)
//	POST /staff/cases/{reference}/assignees assign a reviewer (secretariat)
//	POST /staff/cases/{reference}/corrections
//	                                        issue a one-time notice (一次性告知): items with reasons,
//	                                        working days on the holiday calendar (secretariat, and a
//	                                        township for its own applications: 初审 退回补正; audited)
//	POST /staff/cases/{reference}/review    a township's 初审 and 推荐 (multipart: the stamped 推荐意见), for
//	                                        a call with recommendation: online (township, secretariat; audited)
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
//	GET  /staff/paper, POST                 代录: register a paper objection (?kind=objection) or application
//	                                        (?kind=application) with its postmark date and scans (secretariat; audited)
//	GET  /staff/drafts                      生成公示 / 生成公示结果 / 生成获奖名单 and the drafts to publish (secretariat)
//	POST /staff/drafts                      generate a draft from the records (internal/drafts): into content/
//	                                        beside award serve (never over a file), else downloaded (audited)
//	POST /staff/drafts/publish              publish a draft: clear draft, if it is the page previewed (SHA-256);
//	                                        publishing.twoPerson: not by the account that generated it (audited)
//	GET  /staff/preview/...                 the site built into memory with its drafts, as it would show (audited)
//
// Roles (staff.Role): secretariat sees and does everything; township sees
// only applications naming its township, records their 初审 and 推荐 and
// returns them for correction; reviewer sees only the cases
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
//
// Township review (初审、推荐, Art. 17(3)): for a call whose front matter says
// recommendation: online (the application's recommendationMode field, as
// the intake recorded it), the case page of an application at 已受理 or
// 已补正 offers the township account of its township (and the
// secretariat, recording as itself) three yes/no questions — 材料齐全,
// 内容真实, 合法合规 — each with a note, required for a no. 推荐 needs
// three yes and the stamped 推荐意见, uploaded there (its type read from
// its content, stored as the case's attachment with its SHA-256: the
// applicant's files are never changed) or the applicant's confirmed; the
// case moves to 初审通过（已推荐） by an event carrying the review
// (Status.Review), and only from there to the secretariat's 资格审核 (the
// inbox's queue). 退回补正 opens the one-time notice form with the noes
// as its note. With recommendation: upload (the default) the applicant
// uploads the stamped 推荐意见 and the secretariat records the move as
// before.
//
// Objection outcomes (Art. 17(8)): on an objection's case page the stage
// form's 查实, 不属实 and 不予受理 record its outcome with a required note
// (Status.Outcome: the publicity, the candidate and the candidate's
// application — the publicity's candidate reference in windows.json, else
// the application with the candidate's credit code among the calls of the
// publicity's session). 查实 moves that application from 候选 to 取消候选资格
// by an event of its own (Status.RevokedBy), both written conditionally
// (archive.RecordOutcome); when the application is not found or not at
// 候选, the form says so and nothing is recorded. The objector is emailed
// the outcome of the objection and nothing of the application; the
// applicant the revocation, naming neither the objection nor the objector.
//
// Paper submissions (代录): a clerk types in a paper objection or
// application on /staff/paper with the same fields as the online forms,
// checked by the intake's own rules (intake.PaperCheck), the postmark or
// hand-in date — which decides whether it came within its window — and
// the scan of the letter with the files, their types read from their
// content and each checked whole as the intake checks an upload (cut off,
// a ZIP bomb). It is stored as the same record as an online one (identity
// sealed), marked Channel paper and Postmarked; the inbox marks it 纸质,
// the export's 来件方式 column names it. A refused form keeps what was
// typed (not the files) and nothing is stored.
package console
