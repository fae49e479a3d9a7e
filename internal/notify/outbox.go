package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// Prefix is where the outbox keeps its objects in the store.
const Prefix = "outbox/"

// Outbox queues messages in the store and delivers them through a
// Notifier; see the package doc for the layout and the promises. Several
// Outboxes (replicas) may share one store; one Outbox is safe for
// concurrent use.
type Outbox struct {
	store  storage.Store
	sealer *submission.Sealer
	n      Notifier
	now    func() time.Time
	log    *slog.Logger
	by     string // host and process, in attempt claims
	m      metrics
}

// NewOutbox returns an outbox over the store. The sealer seals recipients
// (the identity key); now is the clock (nil: time.Now); log may be nil.
func NewOutbox(store storage.Store, sealer *submission.Sealer, n Notifier, now func() time.Time, log *slog.Logger) *Outbox {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	host, _ := os.Hostname()
	return &Outbox{store: store, sealer: sealer, n: n, now: now, log: log,
		by: fmt.Sprintf("%s/%d", host, os.Getpid()), m: newMetrics()}
}

// storedMessage is outbox/<id>/message.json.
type storedMessage struct {
	ID      string             `json:"id"`
	Queued  time.Time          `json:"queued"`
	Content *submission.Sealed `json:"content"` // a sealed content
}

// content is what is sealed: everything but the ID.
type content struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// record is an attempt's claim, its failure, or the sent marker.
type record struct {
	Attempt int       `json:"attempt"`
	At      time.Time `json:"at"`
	By      string    `json:"by,omitempty"`    // claims: host/pid
	Error   string    `json:"error,omitempty"` // failures, addresses removed
	RetryAt time.Time `json:"retryAt,omitzero"`
}

func messageKey(id string) string { return Prefix + id + "/message.json" }
func sentKey(id string) string    { return Prefix + id + "/sent.json" }
func attemptKey(id string, n int) string {
	return fmt.Sprintf("%s%s/attempt-%06d.json", Prefix, id, n)
}
func failedKey(id string, n int) string {
	return fmt.Sprintf("%s%s/failed-%06d.json", Prefix, id, n)
}

// sealRef binds a sealed content to its message.
func sealRef(id string) string { return Prefix + id }

// Enqueue stores the message for delivery (the next pass of Run or
// DeliverDue sends it). A message already queued under the same ID (in
// any case) is left as it is and Enqueue succeeds: the second is taken to
// be the same message. A message breaking the rules of Message is refused
// with an error matching ErrInvalid; the errors never contain the
// recipient.
func (o *Outbox) Enqueue(ctx context.Context, m Message) error {
	id, err := normalID(m.ID)
	if err != nil {
		return err
	}
	m.ID = id
	if err := m.check(o.n); err != nil {
		return err
	}
	sealed, err := o.sealer.Seal(sealRef(id), content{To: m.To, Subject: m.Subject, Body: m.Body})
	if err != nil {
		return fmt.Errorf("notify: enqueue %s: %w", id, err)
	}
	data, err := json.Marshal(storedMessage{ID: id, Queued: o.now().UTC(), Content: sealed})
	if err != nil {
		return fmt.Errorf("notify: enqueue %s: %w", id, err)
	}
	_, err = o.store.Put(ctx, messageKey(id), bytes.NewReader(data), storage.PutOptions{IfAbsent: true, ContentType: "application/json"})
	if errors.Is(err, storage.ErrExists) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("notify: enqueue %s: %w", id, err)
	}
	o.log.Info("mail queued", "id", id)
	return nil
}

// putRecord writes a record once (IfAbsent).
func (o *Outbox) putRecord(ctx context.Context, key string, r record) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = o.store.Put(ctx, key, bytes.NewReader(data), storage.PutOptions{IfAbsent: true, ContentType: "application/json"})
	return err
}

// getJSON reads an object into v.
func (o *Outbox) getJSON(ctx context.Context, key string, v any) error {
	rc, _, err := o.store.Get(ctx, key)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := json.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}
