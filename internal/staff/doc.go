// Package staff keeps the secretariat's accounts: who may sign in to the
// console, with which role, and the sessions they hold. Everything lives in
// the submissions' store (a directory or S3), so that several replicas behind
// one load balancer share it; nothing is shared in process memory, and every
// object is written once, only if absent (storage.PutOptions.IfAbsent), so two
// replicas never overwrite each other.
//
// # Layout in the store
//
// An account's objects are under staff/accounts/<id>/, where <id> is the
// account name itself when it is ASCII (names are lower-cased: account names
// are case-insensitive) and "_" followed by the hex of its UTF-8 otherwise
// (names never start with "_", so the two cannot meet):
//
//	staff/accounts/<id>/v/NNNNNN.json          the account, one record per version; the highest wins.
//	                                           A change writes version N+1 only if absent; a writer
//	                                           that loses retries on the new latest (ErrConflict after 5).
//	staff/accounts/<id>/failures/<time>-<rand>.json  one failed sign-in (time in the key)
//	staff/accounts/<id>/otp/<counter>          a TOTP time step already used to sign in
//
// A record holds the password as an argon2id hash in PHC form
// ($argon2id$v=19$m=19456,t=2,p=1$salt$hash) and the TOTP secret sealed by the
// identity key (submission.Sealer, the account's id bound in), never either in
// clear. A session is kept under the SHA-256 of its ID (the cookie value),
// never the ID itself:
//
//	staff/sessions/<sha256 hex>/session.json   account, CSRF token, created, from, password generation
//	staff/sessions/<sha256 hex>/seen/<unix ns> its last use, written at most once a minute
//	staff/sessions/<sha256 hex>/gen/NNNNNN     the session carried over a password change it made
//	staff/sessions/<sha256 hex>/end            sign-out
//
// # Sign-in and sessions
//
// Login needs the password and a 6-digit TOTP code (RFC 6238: SHA-1, 30 s
// steps, one step either side accepted); a code's time step is accepted once
// only, so a code seen over a shoulder cannot be replayed. A wrong name,
// password or code, or a replayed code, is ErrBadCredentials, never saying
// which. MaxFailures failures within LockFor lock the account until LockFor
// after the last of them (*LockedError): even the right credentials are then
// refused, and attempts while locked are not counted. A success does not
// clear earlier failures; they age out.
//
// A session ends after IdleTimeout without use (measured from its last
// recorded use, recorded at most once a minute, so it may end up to a minute
// early), AbsoluteTimeout after sign-in whatever its use, at sign-out, and
// when the account is disabled, its password reset or changed (a change
// keeps only the session that made it) or its TOTP secret reset. Session reports every ended or
// unknown session as ErrNoSession.
//
// Passwords: initial passwords are random (80 bits) and must be changed at
// first sign-in (Account.MustChangePassword); a person's own password must
// pass CheckPassword.
//
// TOTP secrets: Add makes one; a person who lost or replaced the phone
// holding it gets a fresh one from ResetTOTP (same issuer and parameters),
// written as a new account version like any change: the old secret's codes
// are refused from then on, the password is kept, and the account's sessions
// end.
//
// # What is never logged or returned
//
// The package logs nothing. Passwords, password hashes, TOTP secrets and codes
// and session IDs never appear in an error or in a stored object in clear;
// the initial password and the otpauth URI are returned once, by Add,
// ResetPassword and ResetTOTP, for the operator to hand over. Audit records are the
// caller's (the console, award staff): staff writes none.
//
// Prune, run periodically by the console, removes sessions past
// AbsoluteTimeout and failure and code records older than a day; nothing
// depends on it but the store's size.
package staff
