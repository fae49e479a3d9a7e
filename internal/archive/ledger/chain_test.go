package ledger_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/internal/archive/ledger/ledgertest"
)

// link is the test's own link: a number, the previous hash, a writer.
type link struct {
	Seq    int64  `json:"seq"`
	Prev   string `json:"prev"`
	Writer string `json:"writer"`
}

func checkLink(_ string, data []byte) (int64, string, string) {
	var l link
	if json.Unmarshal(data, &l) != nil || l.Writer == "" {
		return 0, "", "内容不是链接"
	}
	return l.Seq, l.Prev, ""
}

// TestChainConcurrent has two Chains (two replicas) on one store append
// concurrently: every append lands, numbers 1..n without gaps, each link
// holding the hash of the one before, and Head of a third Chain, which
// lists once and then reads forward, finds the last.
func TestChainConcurrent(t *testing.T) {
	for _, b := range ledgertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			store, _ := b.New(t)
			ctx := context.Background()
			reader := ledger.NewChain(store, "chain/", "测试链", 1<<10)
			if seq, sum, err := reader.Head(ctx); err != nil || seq != 0 || sum != "" {
				t.Fatalf("empty head: %d %q %v", seq, sum, err)
			}
			const each = 12
			var wg sync.WaitGroup
			for _, name := range []string{"a", "b"} {
				c := ledger.NewChain(store, "chain/", "测试链", 1<<10)
				for range 2 { // two goroutines per Chain as well
					wg.Go(func() {
						for range each {
							_, _, err := c.Append(ctx, func(seq int64, prev string) ([]byte, error) {
								return json.Marshal(link{Seq: seq, Prev: prev, Writer: name})
							})
							if err != nil {
								t.Error(err)
								return
							}
						}
					})
				}
			}
			wg.Wait()
			links, breaks, err := reader.Walk(ctx, checkLink)
			if err != nil || len(breaks) != 0 || len(links) != 4*each {
				t.Fatalf("walk: %d links, breaks %+v, %v", len(links), breaks, err)
			}
			writers := map[string]int{}
			for i, l := range links {
				var v link
				json.Unmarshal(l.Data, &v)
				writers[v.Writer]++
				if l.Seq != int64(i+1) || v.Seq != l.Seq || (i > 0 && v.Prev != ledger.Sum(links[i-1].Data)) {
					t.Errorf("link %d: %+v", i+1, v)
				}
			}
			if writers["a"] != 2*each || writers["b"] != 2*each {
				t.Errorf("writers %v", writers)
			}
			seq, sum, err := reader.Head(ctx)
			if err != nil || seq != 4*each || sum != ledger.Sum(links[len(links)-1].Data) {
				t.Errorf("head %d %s %v", seq, sum, err)
			}
			// Others append more than Head probes: it lists again.
			other := ledger.NewChain(store, "chain/", "测试链", 1<<10)
			for range 40 {
				if _, _, err := other.Append(ctx, func(seq int64, prev string) ([]byte, error) {
					return json.Marshal(link{Seq: seq, Prev: prev, Writer: "c"})
				}); err != nil {
					t.Fatal(err)
				}
			}
			if seq, _, err := reader.Head(ctx); err != nil || seq != 4*each+40 {
				t.Errorf("head after 40 more: %d %v", seq, err)
			}
		})
	}
}

// TestChainWalkBreaks tampers with a chain and checks each break is named
// at the right link, in Chinese.
func TestChainWalkBreaks(t *testing.T) {
	store, _ := ledgertest.Backends(t)[0].New(t)
	ctx := context.Background()
	c := ledger.NewChain(store, "chain/", "测试链", 1<<10)
	var data [][]byte
	for range 8 {
		_, d, err := c.Append(ctx, func(seq int64, prev string) ([]byte, error) {
			return json.Marshal(link{Seq: seq, Prev: prev, Writer: "a"})
		})
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, d)
	}
	replaced, _ := json.Marshal(link{Seq: 2, Prev: ledger.Sum(data[0]), Writer: "z"})
	ledgertest.Put(t, store, c.Key(2), replaced)             // authentic-looking: 3 no longer links to it
	ledgertest.Delete(t, store, c.Key(4))                    // missing
	ledgertest.Put(t, store, c.Key(6), []byte("not json"))   // changed
	ledgertest.Put(t, store, c.Key(8), data[6])              // 7's content under 8
	ledgertest.Put(t, store, "chain/stray.txt", []byte("x")) // not a link
	_, breaks, err := c.Walk(ctx, checkLink)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		fmt.Sprintf("%d %d 第 3 条与前一条的链接不符（前一条被替换）", ledger.BreakChanged, 3),
		fmt.Sprintf("%d %d 第 4 条不存在", ledger.BreakMissing, 4),
		fmt.Sprintf("%d %d 第 6 条被改动：内容不是链接", ledger.BreakChanged, 6),
		fmt.Sprintf("%d %d 第 8 条的位置上是第 7 条的内容", ledger.BreakReordered, 8),
		fmt.Sprintf("%d %d 测试链中有不是测试链条目的对象", ledger.BreakChanged, 0),
	}
	var got []string
	for _, b := range breaks {
		got = append(got, fmt.Sprintf("%d %d %s", b.Kind, b.Seq, b.Detail))
	}
	// The stray object sorts after the links.
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("breaks:\n%v\nwant\n%v", got, want)
	}
}

// TestChainLostRace: a Chain whose number was taken by another writer
// chains onto the winner's link instead (encode is asked again with the
// next number and the winner's hash).
func TestChainLostRace(t *testing.T) {
	store, _ := ledgertest.Backends(t)[0].New(t)
	ctx := context.Background()
	c1 := ledger.NewChain(store, "chain/", "测试链", 1<<10)
	c2 := ledger.NewChain(store, "chain/", "测试链", 1<<10)
	var asked []int64
	appendBy := func(c *ledger.Chain, name string) []byte {
		_, d, err := c.Append(ctx, func(seq int64, prev string) ([]byte, error) {
			asked = append(asked, seq)
			return json.Marshal(link{Seq: seq, Prev: prev, Writer: name})
		})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	appendBy(c1, "a")        // 1
	two := appendBy(c2, "b") // lists: 2
	three := appendBy(c1, "a")
	var v link
	json.Unmarshal(three, &v)
	if fmt.Sprint(asked) != "[1 2 2 3]" || v.Seq != 3 || v.Prev != ledger.Sum(two) {
		t.Errorf("asked %v, wrote %+v", asked, v)
	}
}

// TestChainAppendWaitEndsWithContext: while one Append is held up (here
// in its encode, as by a store that does not answer), another Append of
// the same Chain gives up when its context ends, writing nothing, and the
// first then lands as link 1.
func TestChainAppendWaitEndsWithContext(t *testing.T) {
	store, _ := ledgertest.Backends(t)[0].New(t)
	c := ledger.NewChain(store, "chain/", "测试链", 1<<10)
	held, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		_, _, err := c.Append(context.Background(), func(seq int64, prev string) ([]byte, error) {
			close(held)
			<-release
			return json.Marshal(link{Seq: seq, Prev: prev, Writer: "first"})
		})
		first <- err
	}()
	<-held
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	second := make(chan error, 1)
	go func() {
		_, _, err := c.Append(ctx, func(seq int64, prev string) ([]byte, error) {
			return json.Marshal(link{Seq: seq, Prev: prev, Writer: "second"})
		})
		second <- err
	}()
	select {
	case err := <-second:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("second append: %v, want its context's deadline", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second append still waits for the first after its context ended")
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	links, breaks, err := c.Walk(context.Background(), checkLink)
	if err != nil || len(breaks) > 0 || len(links) != 1 {
		t.Fatalf("walk: %d links, breaks %v, err %v; want the first alone", len(links), breaks, err)
	}
	var l link
	if err := json.Unmarshal(links[0].Data, &l); err != nil || l.Writer != "first" {
		t.Fatalf("link 1: %s (%v)", links[0].Data, err)
	}
}
