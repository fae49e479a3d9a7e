package storagetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/zhongmou/award/storage"
)

// testIfAbsentRace: of concurrent IfAbsent Puts of one key, round after
// round, exactly one succeeds, the others fail with ErrExists, and the
// object is the winner's, whole. The janitor's lease (archive.Lease) and
// every reference rest on this.
func testIfAbsentRace(t *testing.T, s storage.Store) {
	const racers = 8
	for round := range 5 {
		key := fmt.Sprintf("race/r%d", round)
		errs := make([]error, racers)
		var wg sync.WaitGroup
		for i := range racers {
			wg.Go(func() {
				_, errs[i] = s.Put(ctxFor(t), key, data(uint64(500+i), 4000+int64(i)), storage.PutOptions{IfAbsent: true})
			})
		}
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Fatalf("round %d: IfAbsent Puts %d and %d both succeeded", round, winner, i)
			case err == nil:
				winner = i
			case !errors.Is(err, storage.ErrExists):
				t.Fatalf("round %d: IfAbsent Put %d: %v, want ErrExists", round, i, err)
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: no IfAbsent Put succeeded", round)
		}
		check(t, s, key, uint64(500+winner), 4000+int64(winner))
	}
}
