package staff

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/zhongmou/award/storage"
)

// The lockout: MaxFailures failed sign-ins within LockFor lock the account
// for LockFor from the last of them.
const (
	MaxFailures = 5
	LockFor     = 15 * time.Minute
)

// keepMarks is how long failure and used-code records are kept (Prune).
const keepMarks = 24 * time.Hour

// failureTimeLayout sorts lexically in time order and fits storage keys.
const failureTimeLayout = "2006-01-02t15-04-05.000000000z"

// failure is a failed sign-in as stored.
type failure struct {
	At   time.Time `json:"at"`
	From string    `json:"from,omitempty"`
}

// Login signs name in with password and a TOTP code, from a client address
// (kept with the session and with a failure), and begins a session. Errors:
// ErrBadCredentials for a wrong name, password or code or a code already
// used; *LockedError while the account is locked (Started when this failure
// locked it); ErrDisabled for a disabled account's right credentials.
func (d *Directory) Login(ctx context.Context, name, password, code, from string) (Session, error) {
	if d.sealer == nil {
		return Session{}, ErrNoSealer
	}
	now := d.now().UTC()
	canon, err := CanonicalName(name)
	var a Account
	if err == nil {
		a, err = d.latest(ctx, accountID(canon))
	}
	if errors.Is(err, ErrBadName) || errors.Is(err, ErrNoAccount) {
		verifyPassword(dummyHash(), password) // as long as for a real account
		return Session{}, ErrBadCredentials
	}
	if err != nil {
		return Session{}, err
	}
	id := accountID(canon)
	fails, err := d.failures(ctx, id)
	if err != nil {
		return Session{}, err
	}
	if until := lockedUntil(fails, now); now.Before(until) {
		return Session{}, &LockedError{Until: until}
	}
	good, err := verifyPassword(a.rec.Password, password)
	if err != nil {
		return Session{}, fmt.Errorf("staff login %s: %w", canon, err)
	}
	step, goodCode := int64(0), false
	if good {
		if step, goodCode, err = d.checkCode(a, code, now); err != nil {
			return Session{}, err
		}
	}
	if !good || !goodCode {
		return Session{}, d.fail(ctx, id, from, now)
	}
	// The code's time step is used up, here or by a replica racing us.
	if err := putNew(ctx, d.store, fmt.Sprintf("%sotp/%d", accountPrefix(id), step), struct{}{}); err != nil {
		if errors.Is(err, storage.ErrExists) {
			return Session{}, d.fail(ctx, id, from, now)
		}
		return Session{}, fmt.Errorf("staff login %s: %w", canon, err)
	}
	if a.Disabled {
		return Session{}, ErrDisabled
	}
	d.dropOld(ctx, fails, now)
	return d.begin(ctx, a, from, now)
}

// checkCode opens the account's TOTP secret and matches code against it.
func (d *Directory) checkCode(a Account, code string, now time.Time) (step int64, ok bool, err error) {
	if a.rec.TOTP == nil {
		return 0, false, fmt.Errorf("staff login %s: the account has no TOTP secret", a.Name)
	}
	var s totpSecret
	if err := d.sealer.Open(sealRef(accountID(a.Name)), a.rec.TOTP, &s); err != nil {
		return 0, false, fmt.Errorf("staff login %s: %w", a.Name, err)
	}
	step, ok = matchTOTP(s.Secret, strings.TrimSpace(code), now)
	return step, ok, nil
}

// fail records a failed sign-in and returns what to tell: ErrBadCredentials,
// or a *LockedError (Started) when it is the failure that locks.
func (d *Directory) fail(ctx context.Context, id, from string, now time.Time) error {
	var b [4]byte
	rand.Read(b[:])
	key := fmt.Sprintf("%sfailures/%s-%s.json", accountPrefix(id), now.Format(failureTimeLayout), hex.EncodeToString(b[:]))
	if err := putNew(ctx, d.store, key, failure{At: now, From: from}); err != nil {
		return fmt.Errorf("staff: record failed sign-in: %w", err)
	}
	fails, err := d.failures(ctx, id)
	if err != nil {
		return err
	}
	if until := lockedUntil(fails, now); now.Before(until) {
		return &LockedError{Until: until, Started: true}
	}
	return ErrBadCredentials
}

// mark is a failure or used-code record: its key and time.
type mark struct {
	key string
	at  time.Time
}

// failures lists an account's failed sign-ins, oldest first, their times
// read from their keys.
func (d *Directory) failures(ctx context.Context, id string) ([]mark, error) {
	prefix := accountPrefix(id) + "failures/"
	infos, err := d.store.List(ctx, prefix)
	if err != nil {
		return nil, fmt.Errorf("staff: list failed sign-ins: %w", err)
	}
	var out []mark
	for _, in := range infos {
		rest := strings.TrimPrefix(in.Key, prefix)
		if len(rest) < len(failureTimeLayout) {
			continue
		}
		t, err := time.Parse(failureTimeLayout, rest[:len(failureTimeLayout)])
		if err != nil {
			continue
		}
		out = append(out, mark{key: in.Key, at: t})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out, nil
}

// lockedUntil is when the latest lock the failures caused ends (zero if
// none): failures are counted in order, each lock clearing the count, and a
// failure during a lock (a replica's race) does not count.
func lockedUntil(fails []mark, now time.Time) time.Time {
	var until time.Time
	var window []time.Time
	for _, f := range fails {
		if f.at.After(now) {
			break
		}
		if f.at.Before(until) {
			continue
		}
		kept := window[:0]
		for _, t := range window {
			if f.at.Sub(t) < LockFor {
				kept = append(kept, t)
			}
		}
		window = append(kept, f.at)
		if len(window) >= MaxFailures {
			until, window = f.at.Add(LockFor), nil
		}
	}
	return until
}

// dropOld deletes failure records older than keepMarks: they can no longer
// lock. Best effort — what stays is removed by a later sign-in or Prune.
func (d *Directory) dropOld(ctx context.Context, fails []mark, now time.Time) {
	for _, f := range fails {
		if now.Sub(f.at) > keepMarks {
			d.store.Delete(ctx, f.key)
		}
	}
}
