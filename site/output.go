package site

import (
	"bytes"
	"sort"
	"sync"
)

// Output is where a build writes the site. Names are slash-separated paths
// relative to the output root ("policy/measures/index.html"). Implementations
// must be safe for concurrent use.
type Output interface {
	// WriteFile stores data under name unless the stored file already holds
	// exactly these bytes; it reports whether it wrote. It must not keep
	// data after it returns: the build reuses the buffer.
	WriteFile(name string, data []byte) (written bool, err error)
	// RemoveExcept removes every file whose name is not in keep and reports
	// the names removed.
	RemoveExcept(keep map[string]bool) (removed []string, err error)
}

// MemOutput is an in-memory Output, for tests and tools.
type MemOutput struct {
	mu    sync.Mutex
	files map[string][]byte
}

// NewMemOutput returns an empty MemOutput.
func NewMemOutput() *MemOutput { return &MemOutput{files: map[string][]byte{}} }

// WriteFile implements Output.
func (m *MemOutput) WriteFile(name string, data []byte) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.files[name]; ok && bytes.Equal(old, data) {
		return false, nil
	}
	m.files[name] = bytes.Clone(data)
	return true, nil
}

// RemoveExcept implements Output.
func (m *MemOutput) RemoveExcept(keep map[string]bool) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var removed []string
	for name := range m.files {
		if !keep[name] {
			delete(m.files, name)
			removed = append(removed, name)
		}
	}
	sort.Strings(removed)
	return removed, nil
}

// File returns a stored file's bytes and whether it exists.
func (m *MemOutput) File(name string) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.files[name]
	return b, ok
}

// Names returns the stored names, sorted.
func (m *MemOutput) Names() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	names := make([]string, 0, len(m.files))
	for n := range m.files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
