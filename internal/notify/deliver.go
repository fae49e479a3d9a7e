package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/zhongmou/award/storage"
)

// outcomeTimeout bounds the writing of an attempt's outcome, which goes on
// after the caller's context ends: a message sent must be marked sent.
const outcomeTimeout = 30 * time.Second

// DeliverDue makes one pass over the outbox: every pending message whose
// next attempt is due is claimed and sent, one at a time. It returns how
// many this pass sent and how many of its attempts failed (each will be
// retried, see Backoff). A message another replica claimed first is left
// to it. err is the first failure of the store (the pass goes on with the
// other messages), or the end of ctx; a failed send is not an error.
func (o *Outbox) DeliverDue(ctx context.Context) (sent, failed int, err error) {
	states, err := o.scan(ctx)
	if err != nil {
		return 0, 0, err
	}
	pending := 0
	var errs []error
	for _, s := range states {
		if s.sent {
			continue
		}
		pending++
		if ctx.Err() != nil {
			continue // counted, not attempted
		}
		if o.now().Before(s.dueAt()) {
			continue
		}
		out, err := o.attempt(ctx, s.id, s.last+1)
		switch out {
		case outcomeSent:
			sent++
			pending--
		case outcomeFailed:
			failed++
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	o.m.pending.Set(float64(pending))
	if len(errs) == 0 && ctx.Err() != nil {
		errs = append(errs, ctx.Err())
	}
	if len(errs) > 0 {
		return sent, failed, errs[0]
	}
	return sent, failed, nil
}

// Run delivers until ctx ends: a pass (DeliverDue) at once, then one
// every interval (a minute if every is not positive). Store failures are
// logged and the next pass tries again.
func (o *Outbox) Run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Minute
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		sent, failed, err := o.DeliverDue(ctx)
		if err != nil && ctx.Err() == nil {
			o.log.Warn("outbox pass failed; next pass retries", "sent", sent, "failed", failed, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// outcome is what an attempt came to.
type outcome int

const (
	outcomeNone   outcome = iota // not attempted: claimed elsewhere, already sent, or the store failed
	outcomeSent                  // sent by this attempt
	outcomeFailed                // tried, and the sending failed
)

// attempt claims attempt n of the message and, having won the claim,
// sends it and records the outcome. A claim lost to another replica is
// outcomeNone without an error.
func (o *Outbox) attempt(ctx context.Context, id string, n int) (outcome, error) {
	err := o.putRecord(ctx, attemptKey(id, n), record{Attempt: n, At: o.now().UTC(), By: o.by})
	if errors.Is(err, storage.ErrExists) {
		return outcomeNone, nil
	}
	if err != nil {
		return outcomeNone, fmt.Errorf("notify: claim attempt %d of %s: %w", n, id, err)
	}
	// Another replica may have sent it between our scan and our claim
	// (its attempt outlived the lease).
	if rc, _, err := o.store.Get(ctx, sentKey(id)); err == nil {
		rc.Close()
		return outcomeNone, nil
	} else if !errors.Is(err, storage.ErrNotFound) {
		return outcomeNone, fmt.Errorf("notify: attempt %d of %s: %w", n, id, err)
	}

	m, to, sendErr := o.load(ctx, id)
	if sendErr == nil {
		sctx, cancel := context.WithTimeout(ctx, AttemptTimeout)
		sendErr = o.n.Send(sctx, m)
		cancel()
	}
	octx, cancel := context.WithTimeout(context.WithoutCancel(ctx), outcomeTimeout)
	defer cancel()
	now := o.now().UTC()
	if sendErr == nil {
		o.m.sent.Inc()
		o.log.Info("mail sent", "id", id, "attempt", n)
		err := o.putRecord(octx, sentKey(id), record{Attempt: n, At: now})
		if err != nil && !errors.Is(err, storage.ErrExists) {
			return outcomeSent, fmt.Errorf("notify: %s was sent but not marked sent (it may be sent again): %w", id, err)
		}
		return outcomeSent, nil
	}
	o.m.failed.Inc()
	why := redact(sendErr, to)
	retry := now.Add(Backoff(n))
	o.log.Warn("mail not sent; will retry", "id", id, "attempt", n, "retry_at", retry, "err", why)
	if err := o.putRecord(octx, failedKey(id, n), record{Attempt: n, At: now, Error: why, RetryAt: retry}); err != nil {
		return outcomeFailed, fmt.Errorf("notify: record the failure of attempt %d of %s: %w", n, id, err)
	}
	return outcomeFailed, nil
}

// load reads and opens a queued message. Its error never contains the
// recipient (which it does not know then).
func (o *Outbox) load(ctx context.Context, id string) (Message, string, error) {
	var sm storedMessage
	if err := o.getJSON(ctx, messageKey(id), &sm); err != nil {
		return Message{}, "", fmt.Errorf("read the message: %w", err)
	}
	if sm.Content == nil {
		return Message{}, "", errors.New("the message has no content")
	}
	var c content
	if err := o.sealer.Open(sealRef(id), sm.Content, &c); err != nil {
		return Message{}, "", fmt.Errorf("open the message: %w", err)
	}
	return Message{ID: id, To: c.To, Subject: c.Subject, Body: c.Body}, c.To, nil
}
