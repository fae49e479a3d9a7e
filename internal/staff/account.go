package staff

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// Account is one person's account, as its latest version says.
type Account struct {
	Name string // canonical (CanonicalName)
	Role Role
	// Township is the township or sub-district of a Township account (a
	// name in townships.yaml: the caller checks); empty for other roles.
	Township           string
	Disabled           bool
	MustChangePassword bool // set by Add and ResetPassword, cleared by ChangePassword
	Created, Updated   time.Time

	rec     record
	version int
}

// record is an account version as stored.
type record struct {
	Name               string             `json:"name"`
	Role               Role               `json:"role"`
	Township           string             `json:"township,omitempty"`
	Disabled           bool               `json:"disabled,omitempty"`
	MustChangePassword bool               `json:"mustChangePassword,omitempty"`
	Created            time.Time          `json:"created"`
	Updated            time.Time          `json:"updated"`
	Password           string             `json:"password"` // argon2id, PHC string
	TOTP               *submission.Sealed `json:"totp"`     // totpSecret, sealed with sealRef
	// Gen is the password generation: raised by every password reset or
	// change, by a TOTP reset and by disabling, it ends the sessions begun
	// before.
	Gen int `json:"gen"`
}

func (r record) account(version int) Account {
	return Account{Name: r.Name, Role: r.Role, Township: r.Township, Disabled: r.Disabled,
		MustChangePassword: r.MustChangePassword, Created: r.Created, Updated: r.Updated, rec: r, version: version}
}

// Directory is the accounts and sessions in one store. It keeps no state of
// its own: several Directories (replicas) may share the store. Methods are
// safe for concurrent use.
type Directory struct {
	// Issuer names the service in authenticator apps; DefaultIssuer when
	// empty. Set it before use.
	Issuer string

	store  storage.Store
	sealer *submission.Sealer
	now    func() time.Time
}

// NewDirectory is the Directory over store. The sealer (the identity key)
// seals TOTP secrets; without it (nil) accounts can be listed, disabled and
// have their passwords reset, but not added or have their TOTP secret reset,
// and nobody can sign in (ErrNoSealer). now is the clock; nil means time.Now.
func NewDirectory(store storage.Store, sealer *submission.Sealer, now func() time.Time) *Directory {
	if now == nil {
		now = time.Now
	}
	return &Directory{store: store, sealer: sealer, now: now}
}

func (d *Directory) issuer() string {
	if d.Issuer != "" {
		return d.Issuer
	}
	return DefaultIssuer
}

// Add creates an account with a random initial password, which must be
// changed at first sign-in, and a fresh TOTP secret; it returns them once
// (the password, and the otpauth:// URI to enrol an authenticator app) for
// the operator to hand over. A taken name is ErrExists. A Township account
// needs its township; other roles must have none.
func (d *Directory) Add(ctx context.Context, name string, role Role, township string) (acct Account, initialPassword, otpURI string, err error) {
	canon, err := CanonicalName(name)
	if err != nil {
		return Account{}, "", "", err
	}
	township = strings.TrimSpace(township)
	switch {
	case !role.Valid():
		return Account{}, "", "", fmt.Errorf("没有“%s”这个角色，请选 secretariat、township、reviewer 或 auditor", role)
	case role == Township && township == "":
		return Account{}, "", "", errors.New("乡镇（街道）账号要写明所属乡镇（街道），如 韩寺镇")
	case role != Township && township != "":
		return Account{}, "", "", errors.New("只有乡镇（街道）账号才有所属乡镇（街道），其他角色请不要填写")
	case d.sealer == nil:
		return Account{}, "", "", ErrNoSealer
	}
	id := accountID(canon)
	secret, uri, err := newTOTP(d.issuer(), canon)
	if err != nil {
		return Account{}, "", "", err
	}
	sealed, err := d.sealer.Seal(sealRef(id), totpSecret{Secret: secret})
	if err != nil {
		return Account{}, "", "", fmt.Errorf("staff add %s: %w", canon, err)
	}
	initialPassword = newInitialPassword()
	now := d.now().UTC()
	r := record{Name: canon, Role: role, Township: township, MustChangePassword: true, Created: now, Updated: now,
		Password: hashPassword(initialPassword), TOTP: sealed, Gen: 1}
	if err := putNew(ctx, d.store, versionKey(id, 1), r); err != nil {
		if errors.Is(err, storage.ErrExists) {
			return Account{}, "", "", ErrExists
		}
		return Account{}, "", "", fmt.Errorf("staff add %s: %w", canon, err)
	}
	return r.account(1), initialPassword, uri, nil
}

// Get is the account with the name (in any case); ErrNoAccount if none.
func (d *Directory) Get(ctx context.Context, name string) (Account, error) {
	canon, err := CanonicalName(name)
	if err != nil {
		return Account{}, ErrNoAccount
	}
	return d.latest(ctx, accountID(canon))
}

// latest reads an account's highest version.
func (d *Directory) latest(ctx context.Context, id string) (Account, error) {
	infos, err := d.store.List(ctx, accountPrefix(id)+"v/")
	if err != nil {
		return Account{}, fmt.Errorf("staff: list account versions: %w", err)
	}
	best, bestKey := 0, ""
	for _, in := range infos {
		if v := parseVersion(in.Key); v > best {
			best, bestKey = v, in.Key
		}
	}
	if best == 0 {
		return Account{}, ErrNoAccount
	}
	var r record
	if err := getJSON(ctx, d.store, bestKey, &r); err != nil {
		return Account{}, fmt.Errorf("staff: read account: %w", err)
	}
	return r.account(best), nil
}

// parseVersion is the version of an account version key, 0 if it is none.
func parseVersion(key string) int {
	i := strings.LastIndex(key, "/v/")
	if i < 0 || !strings.HasSuffix(key, ".json") {
		return 0
	}
	v, err := strconv.Atoi(strings.TrimSuffix(key[i+3:], ".json"))
	if err != nil || v < 1 {
		return 0
	}
	return v
}

// List is every account, by name.
func (d *Directory) List(ctx context.Context) ([]Account, error) {
	infos, err := d.store.List(ctx, "staff/accounts/")
	if err != nil {
		return nil, fmt.Errorf("staff: list accounts: %w", err)
	}
	latest := map[string]string{} // account prefix → key of its highest version
	versions := map[string]int{}
	for _, in := range infos {
		v := parseVersion(in.Key)
		if v == 0 {
			continue
		}
		p := in.Key[:strings.LastIndex(in.Key, "/v/")]
		if v > versions[p] {
			versions[p], latest[p] = v, in.Key
		}
	}
	out := make([]Account, 0, len(latest))
	for p, key := range latest {
		var r record
		if err := getJSON(ctx, d.store, key, &r); err != nil {
			if errors.Is(err, storage.ErrNotFound) {
				continue
			}
			return nil, fmt.Errorf("staff: read account: %w", err)
		}
		out = append(out, r.account(versions[p]))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// maxRetries is how often a change is retried on a newer version written
// meanwhile before it gives up with ErrConflict.
const maxRetries = 5

// update applies change to the account's latest version and writes it as
// the next version, only if absent; a write that loses to another retries on
// the winner. change returning errUnchanged writes nothing.
func (d *Directory) update(ctx context.Context, name string, change func(*record) error) (Account, error) {
	canon, err := CanonicalName(name)
	if err != nil {
		return Account{}, ErrNoAccount
	}
	id := accountID(canon)
	for range maxRetries {
		a, err := d.latest(ctx, id)
		if err != nil {
			return Account{}, err
		}
		r := a.rec
		if err := change(&r); errors.Is(err, errUnchanged) {
			return a, nil
		} else if err != nil {
			return Account{}, err
		}
		r.Updated = d.now().UTC()
		err = putNew(ctx, d.store, versionKey(id, a.version+1), r)
		if err == nil {
			return r.account(a.version + 1), nil
		}
		if !errors.Is(err, storage.ErrExists) {
			return Account{}, fmt.Errorf("staff: update account %s: %w", canon, err)
		}
	}
	return Account{}, ErrConflict
}

var errUnchanged = errors.New("unchanged")

// ResetPassword gives the account a new random initial password (returned
// once, to hand over), to be changed at first sign-in; it ends the account's
// sessions and keeps its TOTP secret.
func (d *Directory) ResetPassword(ctx context.Context, name string) (initialPassword string, err error) {
	_, err = d.update(ctx, name, func(r *record) error {
		initialPassword = newInitialPassword()
		r.Password = hashPassword(initialPassword)
		r.MustChangePassword = true
		r.Gen++
		return nil
	})
	if err != nil {
		return "", err
	}
	return initialPassword, nil
}

// ResetTOTP gives the account a fresh TOTP secret (as Add does) for a
// person who lost or replaced the phone holding the old one, and returns its
// otpauth:// URI once, to enrol an authenticator app. The old secret's codes
// are refused from then on; the password is kept; every session of the
// account ends. Time steps already used to sign in stay used, so for up to
// a minute after a sign-in the new secret's code may be refused as a replay.
// A name that is no account's is ErrNoAccount; without the identity key it
// is ErrNoSealer.
func (d *Directory) ResetTOTP(ctx context.Context, name string) (otpURI string, err error) {
	canon, err := CanonicalName(name)
	if err != nil {
		return "", ErrNoAccount
	}
	if d.sealer == nil {
		return "", ErrNoSealer
	}
	id := accountID(canon)
	secret, uri, err := newTOTP(d.issuer(), canon)
	if err != nil {
		return "", err
	}
	sealed, err := d.sealer.Seal(sealRef(id), totpSecret{Secret: secret})
	if err != nil {
		return "", fmt.Errorf("staff reset TOTP %s: %w", canon, err)
	}
	_, err = d.update(ctx, canon, func(r *record) error {
		r.TOTP = sealed
		r.Gen++
		return nil
	})
	if err != nil {
		return "", err
	}
	return uri, nil
}

// Disable stops the account from signing in and ends its sessions.
// Disabling a disabled account changes nothing.
func (d *Directory) Disable(ctx context.Context, name string) error {
	_, err := d.update(ctx, name, func(r *record) error {
		if r.Disabled {
			return errUnchanged
		}
		r.Disabled = true
		r.Gen++
		return nil
	})
	return err
}
