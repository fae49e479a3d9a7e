package staff

import (
	"errors"
	"fmt"
	"time"
)

var (
	// ErrBadName: the account name breaks the naming rules (CanonicalName).
	ErrBadName = errors.New("账号名只能用字母、数字、汉字和 . - _，以字母、数字或汉字开头，最多 32 个字符")
	// ErrExists: Add was given a name already taken (names are
	// case-insensitive).
	ErrExists = errors.New("这个账号名已有人使用，请换一个")
	// ErrNoAccount: no account has the name.
	ErrNoAccount = errors.New("没有这个账号，请核对账号名（award staff list 可列出全部账号）")
	// ErrBadCredentials: the name, password or TOTP code was wrong, or the
	// code was already used; which one is never said.
	ErrBadCredentials = errors.New("账号、密码或动态验证码不正确，请核对后重试（每个验证码只能用一次；连续输错 5 次，账号将锁定 15 分钟）")
	// ErrDisabled: the account has been disabled (the credentials were right).
	ErrDisabled = errors.New("此账号已停用；如需继续使用，请联系秘书处")
	// ErrNoSession: the session is unknown, expired, signed out, or ended by
	// a change to its account.
	ErrNoSession = errors.New("登录已过期或已退出，请重新登录")
	// ErrConflict: the account kept changing under a write (other replicas or
	// people); nothing was changed.
	ErrConflict = errors.New("账号刚被他人修改，未保存；请刷新后重试")
	// ErrNoSealer: the Directory has no identity key, which adding an account,
	// resetting its TOTP secret and signing in need.
	ErrNoSealer = errors.New("没有身份密钥，无法设置或核对动态验证码：请按身份密钥的配置说明提供密钥后重试")
)

// LockedError refuses a sign-in while the account is locked after
// MaxFailures failures within LockFor.
type LockedError struct {
	Until time.Time // when sign-in is possible again
	// Started is set when this attempt's failure locked the account (the
	// console audits the lock once, on it).
	Started bool
}

var shanghai = func() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}()

func (e *LockedError) Error() string {
	return fmt.Sprintf("连续 %d 次登录失败，账号已锁定，请于 %s 之后再试；如非本人操作，请告知秘书处",
		MaxFailures, e.Until.Add(time.Minute-time.Nanosecond).Truncate(time.Minute).In(shanghai).Format("2006-01-02 15:04"))
}

// PolicyError refuses a new password that breaks the password policy
// (CheckPassword); its message says what to change.
type PolicyError struct {
	Reason string // Chinese, for the person choosing the password
}

func (e *PolicyError) Error() string { return e.Reason }
