package notify_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/notify"
	"github.com/zhongmou/award/storage"
)

// passes runs DeliverDue on every outbox at once, rounds times each, and
// returns the messages they say they sent.
func passes(t *testing.T, rounds int, outboxes ...*notify.Outbox) int {
	t.Helper()
	var mu sync.Mutex
	total := 0
	var wg sync.WaitGroup
	for _, o := range outboxes {
		wg.Go(func() {
			for range rounds {
				sent, _, err := o.DeliverDue(t.Context())
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += sent
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return total
}

// Two replicas on one store, each queueing every message (as both see the
// same event) and delivering at the same time, with slow sends and a
// first attempt that fails for half the messages: each message is sent
// exactly once, never by both at once, and the retries too are shared.
func runReplicas(t *testing.T, store storage.Store) {
	clk := newClock()
	f := newFake()
	f.delay = 20 * time.Millisecond
	f.setFail(func(m notify.Message, try int) error {
		if try == 1 && m.Subject[len(m.Subject)-1]%2 == 0 {
			return errors.New("421 try again later")
		}
		return nil
	})
	sealer := newSealer(t, 7)
	a := notify.NewOutbox(store, sealer, f, clk.Now, nil)
	b := notify.NewOutbox(store, sealer, f, clk.Now, nil)
	const n = 12
	for i := range n {
		m := notify.Message{ID: fmt.Sprintf("new-%02d", i), To: fmt.Sprintf("staff%d@example.cn", i),
			Subject: fmt.Sprintf("收到新的申报 %d", i), Body: "请登录工作台查看。"}
		for _, o := range []*notify.Outbox{a, b} {
			if err := o.Enqueue(t.Context(), m); err != nil {
				t.Fatal(err)
			}
		}
	}
	if sent := passes(t, 3, a, b); sent != n/2 {
		t.Fatalf("first passes sent %d, want %d", sent, n/2)
	}
	if c := counts(t, a); c != [3]int{n / 2, n / 2, n / 2} {
		t.Fatalf("counts after the first passes: %v", c)
	}
	clk.Add(time.Minute)
	if sent := passes(t, 3, a, b); sent != n/2 {
		t.Fatalf("retries sent %d, want %d", sent, n/2)
	}
	if c := counts(t, b); c != [3]int{0, n, 0} {
		t.Fatalf("final counts: %v", c)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.overlaps) != 0 {
		t.Errorf("sent by both replicas at once: %v", f.overlaps)
	}
	times := map[string]int{}
	for _, m := range f.sent {
		times[m.ID]++
	}
	for i := range n {
		id := fmt.Sprintf("new-%02d", i)
		if times[id] != 1 {
			t.Errorf("%s sent %d times", id, times[id])
		}
		want := 1 // one attempt, or two when the first failed
		if i%10%2 == 0 {
			want = 2
		}
		if f.tries[id] != want {
			t.Errorf("%s tried %d times, want %d", id, f.tries[id], want)
		}
	}
	if len(f.sent) != n {
		t.Errorf("sent %d messages, want %d", len(f.sent), n)
	}
}

func TestReplicasDirStore(t *testing.T) { runReplicas(t, stores[0].open(t)) }
func TestReplicasMinIO(t *testing.T)    { runReplicas(t, stores[1].open(t)) }
