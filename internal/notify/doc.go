// Package notify tells people what happened: staff when something new
// arrives, applicants and objectors at each stage change that concerns
// them. Messages go through an outbox kept in the storage.Store that holds
// the submissions, so that several replicas sharing one store share one
// outbox, nothing lives only in a process's memory, and a message that
// cannot be sent now is sent later.
//
// # The seam
//
// A Notifier sends one Message. SMTP (NewSMTP, over
// github.com/wneessen/go-mail) is the one there is. An SMS gateway, the
// next step many counties need, is another Notifier: an HTTP client that
// POSTs m.To (a phone number), m.Subject and m.Body to the gateway with
// m.ID as the idempotency key the gateway offers, returns nil only on the
// gateway's acceptance and an error otherwise (the outbox retries).
// Notifiers may also implement RecipientChecker, so that Enqueue refuses a
// recipient the Notifier could never deliver to instead of retrying it
// forever.
//
// # Layout in the store
//
// Everything is under outbox/<id>/, <id> being the message's ID in lower
// case, and every object is written once, with IfAbsent:
//
//	outbox/<id>/message.json        the message: ID, when queued, and the
//	                                recipient, subject and body sealed
//	                                together (submission.Sealer, bound to
//	                                outbox/<id>), never in plain text
//	outbox/<id>/attempt-NNNNNN.json the claim of attempt N (1, 2, …): when,
//	                                by which host and process
//	outbox/<id>/failed-NNNNNN.json  attempt N failed: when, and the error
//	                                with every address removed
//	outbox/<id>/sent.json           the message was sent, by which attempt
//
// Nothing is deleted or rewritten.
//
// # What is promised
//
// Enqueue is IfAbsent on the ID: queueing the same ID again, from any
// replica, is a success that queues nothing, so callers choose IDs that
// name the event ("new-K7M2-QX9D", "stage-K7M2-QX9D-3").
//
// At most once per attempt: a replica sends only after its IfAbsent claim
// of attempt-N succeeded, and only one claim of each N can, so two
// replicas never send one message at the same time. A claim without an
// outcome (the replica died, or the store failed as the outcome was being
// written) is treated as failed once AttemptLease has passed; AttemptLease
// is well beyond AttemptTimeout, the longest a send may take.
//
// Never lost: a message stays pending until a sent marker exists. A failed
// attempt is retried after Backoff(N) (1, 2, 4 … minutes, at most an hour),
// for ever; such a message counts as failing (Counts, award_mail_pending).
// Hence a recipient can get a message twice only if the replica that sent
// it could not record so (it crashed, or the store was unreachable, right
// after the SMTP server accepted the message); the copy carries the same
// Message-ID header (<id@the From address's domain>), so mail clients and
// people can tell.
//
// # Never logged
//
// Log lines, errors returned and failed-N.json carry the message ID, the
// attempt number and the error with every email address in it (and the
// recipient, whatever its form) replaced by "<address>"; never the
// recipient, the subject or the body. The SMTP password is never logged.
//
// # Metrics
//
// An Outbox is a prometheus.Collector, registered by its caller:
// award_mail_sent_total and award_mail_failed_total count this process's
// sent and failed attempts; award_mail_pending is how many messages were
// not yet sent (failing ones included) as of this process's last pass
// (DeliverDue, Run) or Counts.
package notify
