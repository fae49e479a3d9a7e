package staff

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/zhongmou/award/storage"
)

// Session lifetimes.
const (
	IdleTimeout     = 30 * time.Minute // without use
	AbsoluteTimeout = 12 * time.Hour   // after sign-in, whatever its use
	// touchEvery is how often a session's use is recorded, at most.
	touchEvery = time.Minute
)

// Session is a signed-in person's session.
type Session struct {
	// ID is the cookie value: 32 random bytes, base64url without padding.
	// The store keeps only its SHA-256.
	ID      string
	Account string // the account's canonical name
	// CSRF is the token every POST of the session must carry (32 random
	// bytes, base64url).
	CSRF    string
	Created time.Time
	Seen    time.Time // last use, to the minute
	From    string    // the client address it signed in from
}

// sessionRecord is a session as stored (session.json).
type sessionRecord struct {
	Account string    `json:"account"` // canonical name
	CSRF    string    `json:"csrf"`
	Created time.Time `json:"created"`
	From    string    `json:"from,omitempty"`
	Gen     int       `json:"gen"` // the account's password generation at sign-in
}

func randomToken() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// sessionPrefix is where a session's objects are: under the SHA-256 of its
// ID. ok is false for a string that cannot be a session ID.
func sessionPrefix(id string) (prefix string, ok bool) {
	if b, err := base64.RawURLEncoding.DecodeString(id); err != nil || len(b) != 32 {
		return "", false
	}
	sum := sha256.Sum256([]byte(id))
	return "staff/sessions/" + hex.EncodeToString(sum[:]) + "/", true
}

// begin stores a new session of the account.
func (d *Directory) begin(ctx context.Context, a Account, from string, now time.Time) (Session, error) {
	s := Session{ID: randomToken(), Account: a.Name, CSRF: randomToken(), Created: now, Seen: now, From: from}
	p, _ := sessionPrefix(s.ID)
	if err := putNew(ctx, d.store, p+"session.json", sessionRecord{Account: a.Name, CSRF: s.CSRF, Created: now, From: from, Gen: a.rec.Gen}); err != nil {
		return Session{}, fmt.Errorf("staff: store session: %w", err)
	}
	return s, nil
}

// sessionState is what a session's objects say.
type sessionState struct {
	prefix   string
	rec      sessionRecord
	seen     time.Time
	seenKeys []string
	gens     map[int]bool // password generations the session is valid under
	ended    bool
}

// load reads a session's objects; ErrNoSession if there is none.
func (d *Directory) load(ctx context.Context, id string) (sessionState, error) {
	p, ok := sessionPrefix(id)
	if !ok {
		return sessionState{}, ErrNoSession
	}
	infos, err := d.store.List(ctx, p)
	if err != nil {
		return sessionState{}, fmt.Errorf("staff: list session: %w", err)
	}
	st := sessionState{prefix: p, gens: map[int]bool{}}
	found := false
	for _, in := range infos {
		rest := strings.TrimPrefix(in.Key, p)
		switch {
		case rest == "session.json":
			found = true
		case rest == "end":
			st.ended = true
		case strings.HasPrefix(rest, "seen/"):
			if ns, err := strconv.ParseInt(strings.TrimPrefix(rest, "seen/"), 10, 64); err == nil {
				st.seenKeys = append(st.seenKeys, in.Key)
				if t := time.Unix(0, ns).UTC(); t.After(st.seen) {
					st.seen = t
				}
			}
		case strings.HasPrefix(rest, "gen/"):
			if g, err := strconv.Atoi(strings.TrimPrefix(rest, "gen/")); err == nil {
				st.gens[g] = true
			}
		}
	}
	if !found {
		return sessionState{}, ErrNoSession
	}
	if err := getJSON(ctx, d.store, p+"session.json", &st.rec); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return sessionState{}, ErrNoSession
		}
		return sessionState{}, fmt.Errorf("staff: read session: %w", err)
	}
	st.gens[st.rec.Gen] = true
	if st.rec.Created.After(st.seen) {
		st.seen = st.rec.Created
	}
	return st, nil
}

// Session is the live session with the ID and its account, and records its
// use (at most once a minute). ErrNoSession when the ID is unknown, the
// session is past IdleTimeout or AbsoluteTimeout, signed out, or its account
// has been disabled, had its password reset or changed (by another session)
// or its TOTP secret reset since it began.
func (d *Directory) Session(ctx context.Context, id string) (Session, Account, error) {
	st, a, err := d.live(ctx, id)
	if err != nil {
		return Session{}, Account{}, err
	}
	now := d.now().UTC()
	seen := st.seen
	if now.Sub(st.seen) >= touchEvery {
		key := fmt.Sprintf("%sseen/%019d", st.prefix, now.UnixNano())
		if err := putNew(ctx, d.store, key, struct{}{}); err != nil && !errors.Is(err, storage.ErrExists) {
			return Session{}, Account{}, fmt.Errorf("staff: record session use: %w", err)
		}
		seen = now
		for _, k := range st.seenKeys { // only the latest matters; best effort
			d.store.Delete(ctx, k)
		}
	}
	return Session{ID: id, Account: st.rec.Account, CSRF: st.rec.CSRF, Created: st.rec.Created, Seen: seen, From: st.rec.From}, a, nil
}

// live loads a session and checks it is still valid, with its account.
func (d *Directory) live(ctx context.Context, id string) (sessionState, Account, error) {
	st, err := d.load(ctx, id)
	if err != nil {
		return sessionState{}, Account{}, err
	}
	now := d.now().UTC()
	if st.ended || now.Sub(st.rec.Created) >= AbsoluteTimeout || now.Sub(st.seen) >= IdleTimeout {
		return sessionState{}, Account{}, ErrNoSession
	}
	a, err := d.Get(ctx, st.rec.Account)
	if errors.Is(err, ErrNoAccount) {
		return sessionState{}, Account{}, ErrNoSession
	}
	if err != nil {
		return sessionState{}, Account{}, err
	}
	if a.Disabled || !st.gens[a.rec.Gen] {
		return sessionState{}, Account{}, ErrNoSession
	}
	return st, a, nil
}

// Logout ends the session. Ending an ended session is not an error; an
// unknown one is ErrNoSession.
func (d *Directory) Logout(ctx context.Context, id string) error {
	st, err := d.load(ctx, id)
	if err != nil {
		return err
	}
	if st.ended {
		return nil
	}
	if err := putNew(ctx, d.store, st.prefix+"end", struct{}{}); err != nil && !errors.Is(err, storage.ErrExists) {
		return fmt.Errorf("staff: sign out: %w", err)
	}
	return nil
}

// ChangePassword sets the session's account's password, chosen by its
// holder, who must give the current one: a wrong one is ErrBadCredentials
// and counts towards the lockout (*LockedError, as for Login); a new one
// that breaks the policy is a *PolicyError (CheckPassword). It clears
// MustChangePassword and ends every other session of the account; this one
// goes on.
func (d *Directory) ChangePassword(ctx context.Context, sessionID, old, newPassword string) error {
	st, a, err := d.live(ctx, sessionID)
	if err != nil {
		return err
	}
	now := d.now().UTC()
	id := accountID(a.Name)
	fails, err := d.failures(ctx, id)
	if err != nil {
		return err
	}
	if until := lockedUntil(fails, now); now.Before(until) {
		return &LockedError{Until: until}
	}
	good, err := verifyPassword(a.rec.Password, old)
	if err != nil {
		return fmt.Errorf("staff change password %s: %w", a.Name, err)
	}
	if !good {
		return d.fail(ctx, id, st.rec.From, now)
	}
	if err := CheckPassword(a.Name, old, newPassword); err != nil {
		return err
	}
	hash := hashPassword(newPassword)
	updated, err := d.update(ctx, a.Name, func(r *record) error {
		if r.Gen != a.rec.Gen || r.Disabled { // reset or disabled meanwhile: this session has ended
			return ErrNoSession
		}
		r.Password, r.MustChangePassword = hash, false
		r.Gen++
		return nil
	})
	if err != nil {
		return err
	}
	if err := putNew(ctx, d.store, fmt.Sprintf("%sgen/%06d", st.prefix, updated.rec.Gen), struct{}{}); err != nil && !errors.Is(err, storage.ErrExists) {
		return fmt.Errorf("密码已修改，但本次登录未能保留，请用新密码重新登录：%w", err)
	}
	return nil
}
