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
// intakes run with AWARD_RATE_SUBMIT and AWARD_RATE_RECEIPT set to
// 100000/1m,100000 so that per-client rate limits never answer 429.
package faults
