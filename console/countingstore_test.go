package console

import (
	"context"
	"io"
	"sync"

	"github.com/zhongmou/award/storage"
)

// countingStore is a store that notes the key of every Get and the prefix
// of every List, for a test to count those it cares about.
type countingStore struct {
	storage.Store
	mu         sync.Mutex
	gotten, ls []string
}

func (c *countingStore) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	c.mu.Lock()
	c.gotten = append(c.gotten, key)
	c.mu.Unlock()
	return c.Store.Get(ctx, key)
}

func (c *countingStore) List(ctx context.Context, prefix string) ([]storage.Info, error) {
	c.mu.Lock()
	c.ls = append(c.ls, prefix)
	c.mu.Unlock()
	return c.Store.List(ctx, prefix)
}

// gets counts the Gets so far whose key matches.
func (c *countingStore) gets(match func(key string) bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return countMatching(c.gotten, match)
}

// lists counts the Lists so far whose prefix matches.
func (c *countingStore) lists(match func(prefix string) bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return countMatching(c.ls, match)
}

func countMatching(of []string, match func(string) bool) int {
	n := 0
	for _, s := range of {
		if match(s) {
			n++
		}
	}
	return n
}
