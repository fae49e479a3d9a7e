package staff

import (
	"fmt"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// DefaultIssuer names the service in authenticator apps (the otpauth URI's
// issuer) unless Directory.Issuer says otherwise.
const DefaultIssuer = "中牟县县长质量奖"

// TOTP parameters: RFC 6238 defaults, which every authenticator app supports.
const (
	totpPeriod = 30 // seconds
	totpSkew   = 1  // steps accepted either side of now
)

// totpSecret is what is sealed in an account record.
type totpSecret struct {
	Secret string `json:"secret"` // base32, as in the otpauth URI
}

// newTOTP makes a fresh TOTP secret for the account and its otpauth URI.
func newTOTP(issuer, name string) (secret, uri string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: name, Period: totpPeriod,
		SecretSize: 20, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", "", fmt.Errorf("make TOTP secret: %w", err)
	}
	return key.Secret(), key.URL(), nil
}

// matchTOTP returns the time step whose code is code, at now give or take
// totpSkew steps; ok is false when none matches.
func matchTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	if len(code) != 6 {
		return 0, false
	}
	cur := now.Unix() / totpPeriod
	opts := hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	matched := int64(-1)
	for s := cur - totpSkew; s <= cur+totpSkew; s++ { // all steps tried: time independent of which matched
		if good, err := hotp.ValidateCustom(code, uint64(s), secret, opts); err == nil && good && matched < 0 {
			matched = s
		}
	}
	return matched, matched >= 0
}

// stepTime is when a TOTP time step began.
func stepTime(step int64) time.Time { return time.Unix(step*totpPeriod, 0) }
