package archive

// SetSweepHooks sets the hooks told when a janitor sweep under the lease
// starts and ends; restore puts back the previous ones.
func SetSweepHooks(start, end func(a *Archive, holder string)) (restore func()) {
	ps, pe := sweepStarted, sweepEnded
	sweepStarted, sweepEnded = start, end
	return func() { sweepStarted, sweepEnded = ps, pe }
}
