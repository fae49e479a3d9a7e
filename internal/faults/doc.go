// Package faults is the fault-injection suite of the online intake: it runs
// the real `award intake` binary (built once per package run into a
// temporary directory) against a real MinIO (storage/miniotest) or a tiny
// tmpfs, injects faults from outside the process, and then reconciles
// storage against every receipt a client was given. The package has tests
// only; this file is its documentation.
//
// What is injected, one test each:
//
//   - TestMinioKilledDuringUploads: MinIO is SIGKILLed while 24 objections
//     (1–4 MiB of evidence each, streamed slowly) are being uploaded, kept
//     down a few seconds, and restarted on the same port and data directory.
//     Every client must get a 201 receipt or an explicit error (4xx/5xx or a
//     broken connection); /readyz must say 503 while MinIO is down and 200
//     after the restart, without restarting the intake; after the janitor
//     (AWARD_JANITOR_EVERY=1s, AWARD_JANITOR_AFTER=2s) has swept, storage
//     must reconcile.
//   - TestIntakeKilledMidUpload: the intake is SIGKILLed during a large
//     upload and started again: the submission must not exist (no
//     manifest), and the new process's janitor must remove its files, its
//     incomplete multipart upload and its in-flight record.
//   - TestSigtermUnderLoad: the intake gets SIGTERM while uploads are in
//     flight: it must stop accepting connections, finish the requests in
//     flight with receipts, exit 0, and every receipt must verify.
//   - TestDiskFull: the intake runs on the directory store in an 8 MiB
//     tmpfs (needs root and mount(2); skipped with a message otherwise,
//     failed when CI=true) and is sent more than fits: the refusals must be
//     503 `unavailable`, and nothing half-written may remain.
//   - TestTwoReplicas: two intakes share one bucket under concurrent load:
//     references are unique across both, every receipt verifies (also
//     through the other replica), and both serve the same windows.
//   - TestCluster (cluster_test.go): a distributed MinIO of four server
//     processes on loopback (one drive each, one erasure set; each told
//     its own endpoint with _MINIO_SERVER_LOCAL, which MinIO needs to
//     accept loopback endpoints inside a container), three intakes on it
//     behind a real nginx (upstream hash $binary_remote_addr consistent,
//     as deploy/nginx-award.conf; clients from loopback addresses spread
//     evenly over the replicas), their consoles telling each arrival to a
//     real Mailpit. Scenarios, 10–12 objections of 1–5 MiB each: a MinIO
//     node SIGKILLed and restarted (writes go on meanwhile, and are healed
//     onto its drive); an intake SIGKILLed mid-upload and restarted; an
//     intake sent SIGTERM (exit 0) and restarted; an intake down before
//     the load (every post must be acknowledged through the others). Each
//     ends with the reconciliation below and prints attempted,
//     acknowledged, verified, lost; then references must be unique across
//     all scenarios and every acknowledged submission told by exactly one
//     mail. AWARD_FAULTS_KEEP_LOGS=dir keeps the intakes' and nginx's logs.
//
// The staged uploads (/api/uploads/, tus 1.0.0) are driven by tus-js-client
// (npm, pinned in internal/browsertest/package-lock.json), a client nobody
// here wrote, run in Node by our script internal/browsertest/tus/upload.mjs,
// which prints what it sends and gets as JSON lines; a loopback TCP proxy
// between it and the intake cuts, holds or redirects connections
// (tus_conformance_test.go, tus_helpers_test.go):
//
//   - TestTusResumeAfterCutConnection: the proxy cuts the PATCH after 5 MiB
//     of a 12 MiB file (MinIO); tus-js-client retries, its HEAD must give
//     what arrived before the cut (within 64 KiB of 5 MiB, not 0) and its
//     PATCH resume there.
//   - TestTusResumeAfterIntakeKilled: on the directory store, the proxy
//     holds a 72 MiB PATCH in its second 64 MiB segment; the intake is
//     SIGKILLed and restarted on the same port and data directory;
//     tus-js-client, retrying meanwhile, must resume at exactly 64 MiB.
//   - TestTusResumeOnOtherReplica: two intakes on one bucket behind the
//     proxy as a load balancer; a first client process stops after 8 MiB
//     (a closed laptop) with the URL in tus-js-client's FileUrlStorage; a
//     second process, now served by the other replica, finds it
//     (findPreviousUploads), resumes at 8 MiB without a new POST and
//     completes; the first replica sees it complete and claims it.
//   - TestTusStaleOffset: tus-js-client resumes on replica B and is held
//     after its HEAD while another writer PATCHes 4 MiB on replica A; raw
//     PATCHes with the old offset get 409 on both; tus-js-client's own
//     stale PATCH must get 409, then it must HEAD again and finish from
//     the new offset.
//   - TestTusProtocol (raw HTTP, no Node): OPTIONS (Tus-Version 1.0.0,
//     Tus-Extension creation, termination, expiration, Tus-Max-Size), 412
//     without Tus-Resumable, the creation's refusals (400, 413, 403 from
//     another origin) with problems in Chinese, Location and Upload-Expires
//     (24 h), HEAD's headers (Upload-Offset, Upload-Length, Upload-Expires,
//     Cache-Control: no-store), 415 for another Content-Type, 409 for an
//     offset behind or ahead, 413 past Upload-Length, the form refusing an
//     incomplete upload and keeping it, DELETE then 404, and an ELF and a
//     PE program named x.pdf refused with 415 unsupported_type after their
//     first chunk with nothing left under uploads/<id>/.
//   - TestTusExpiration: uploads expiring after 2 s answer 410 to HEAD and
//     PATCH, the form refuses them (已过期), and an intake whose janitor
//     runs removes everything under uploads/ (then 404).
//
// Each upload that completes is claimed by an objection with a staged
// field; its receipt must give the file's name, size and SHA-256, the
// upload must then be gone (404 on every replica, nothing under uploads/),
// and storage is reconciled as below. Without Node.js or tus-js-client
// the four tests that run it skip, unless CI=true.
//
// Reconciliation (after each test): every acknowledged reference has its
// manifest, the receipt token matches the manifest's hash, and every file's
// bytes match the receipt's SHA-256 and size (read directly with minio-go,
// or from the directory); no object lies under a submission prefix without
// a manifest; no in-flight record remains; no incomplete multipart
// upload remains under any file key (from the in-flight records seen during
// the test and from listing); and the stored record verifies with the record
// key (package ledger): objects under ledger/ are expected, one entry per
// commit in one chain without gaps or forks (also with two replicas
// appending), every manifest signed and every acknowledged submission
// recorded — except, on the full disk, a manifest whose entry did not fit,
// which is logged (the janitor records it later). Each test logs: faults injected, submissions
// attempted, acknowledged, refused (explicit error), broken, verified, lost
// (must be 0).
//
// Running:
//
//	go test ./faults/
//	CI=true AWARD_MINIO_BIN=$PWD/bin/minio go test -race -count=1 ./faults/
//
// The MinIO binary comes from AWARD_MINIO_BIN or bin/minio (see
// storage/miniotest); without it the tests skip, unless CI=true. Everything
// listens on loopback only. Each test takes well under a minute. The
// intakes run with AWARD_RATE_SUBMIT, AWARD_RATE_RECEIPT and
// AWARD_RATE_UPLOAD set to 100000/1m,100000 so that per-client rate limits
// never answer 429.
package faults
