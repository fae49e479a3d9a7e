package archive

import (
	"errors"
	"fmt"

	"github.com/zhongmou/award/submission"
)

// Errors of OpenIdentity.
var (
	// ErrNoIdentity: the submission holds no identity.
	ErrNoIdentity = errors.New("这份提交没有保存身份信息")
	// ErrIdentityLocked: the archive was opened without the identity key.
	ErrIdentityLocked = errors.New("打开存储时没有读取身份密钥，无法查看身份信息")
)

// OpenIdentity decrypts a manifest's sealed identity into its type: a
// *submission.ObjectorIdentity for an objection, a
// *submission.ApplicantIdentity for an application. The caller records
// that the identity was viewed (the audit log); OpenIdentity writes
// nothing.
func (a *Archive) OpenIdentity(m *submission.Manifest) (submission.Identity, error) {
	id := submission.NewIdentity(m.Kind)
	switch {
	case id == nil:
		return nil, fmt.Errorf("open identity %s: unknown kind %q", m.Reference, m.Kind)
	case m.Identity == nil:
		return nil, fmt.Errorf("open identity %s: %w", m.Reference, ErrNoIdentity)
	case a.sealer == nil:
		return nil, fmt.Errorf("open identity %s: %w", m.Reference, ErrIdentityLocked)
	}
	if err := a.sealer.Open(m.Reference, m.Identity, id); err != nil {
		return nil, fmt.Errorf("open identity %s: %w", m.Reference, err)
	}
	return id, nil
}

// OpenObjector is OpenIdentity for an objection.
func (a *Archive) OpenObjector(m *submission.Manifest) (*submission.ObjectorIdentity, error) {
	return openAs[*submission.ObjectorIdentity](a, m, submission.KindObjection)
}

// OpenApplicant is OpenIdentity for an application.
func (a *Archive) OpenApplicant(m *submission.Manifest) (*submission.ApplicantIdentity, error) {
	return openAs[*submission.ApplicantIdentity](a, m, submission.KindApplication)
}

func openAs[T submission.Identity](a *Archive, m *submission.Manifest, kind string) (T, error) {
	var zero T
	if m.Kind != kind {
		return zero, fmt.Errorf("open identity %s: a %s, not a %s", m.Reference, m.Kind, kind)
	}
	id, err := a.OpenIdentity(m)
	if err != nil {
		return zero, err
	}
	return id.(T), nil
}
