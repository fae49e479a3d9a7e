package main

import (
	"fmt"
	"time"

	"github.com/zhongmou/award/bench/intakeproc"
)

// cpuUse is the CPU time used so far by the bench itself (its clients),
// MinIO and the intake. The machine's other work slows wall times but not
// these, so they show what each path costs where wall times are noisy.
type cpuUse struct{ bench, minio, intake time.Duration }

// cpuNow reads the CPU times now; intake is 0 (unknown) when no intake
// runs.
func (b *bench) cpuNow() cpuUse {
	u := cpuUse{bench: intakeproc.SelfCPU()}
	if pid := intakeproc.ChildPID("minio"); pid != 0 {
		u.minio, _ = intakeproc.CPUTime(pid)
	}
	if b.intake != nil && b.intake.Process != nil {
		u.intake, _ = intakeproc.CPUTime(b.intake.Process.Pid)
	}
	return u
}

// since is what was used between then and u.
func (u cpuUse) since(then cpuUse) cpuUse {
	return cpuUse{bench: u.bench - then.bench, minio: u.minio - then.minio, intake: u.intake - then.intake}
}

// plus is u and v together.
func (u cpuUse) plus(v cpuUse) cpuUse {
	return cpuUse{bench: u.bench + v.bench, minio: u.minio + v.minio, intake: u.intake + v.intake}
}

// div is u shared among n.
func (u cpuUse) div(n int) cpuUse {
	d := time.Duration(n)
	return cpuUse{bench: u.bench / d, minio: u.minio / d, intake: u.intake / d}
}

// String says the CPU seconds of each and in all.
func (u cpuUse) String() string {
	s := fmt.Sprintf("client %.2fs + MinIO %.2fs", u.bench.Seconds(), u.minio.Seconds())
	if u.intake > 0 {
		s += fmt.Sprintf(" + intake %.2fs", u.intake.Seconds())
	}
	return s + fmt.Sprintf(" = %.2f CPU s", (u.bench+u.minio+u.intake).Seconds())
}
