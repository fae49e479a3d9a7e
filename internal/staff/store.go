package staff

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/zhongmou/award/storage"
)

// maxObject bounds what is read back from the store: every object staff
// writes is far smaller.
const maxObject = 64 << 10

// putNew writes v as JSON under key only if absent; an existing key gives an
// error matching storage.ErrExists.
func putNew(ctx context.Context, s storage.Store, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("staff: encode %s: %w", key, err)
	}
	data = append(data, '\n')
	_, err = s.Put(ctx, key, bytes.NewReader(data), storage.PutOptions{IfAbsent: true, ContentType: "application/json"})
	return err
}

// getJSON reads the JSON object under key into v.
func getJSON(ctx context.Context, s storage.Store, key string, v any) error {
	rc, _, err := s.Get(ctx, key)
	if err != nil {
		return err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxObject+1))
	if err != nil {
		return fmt.Errorf("staff: read %s: %w", key, err)
	}
	if len(data) > maxObject {
		return fmt.Errorf("staff: read %s: larger than %d bytes", key, maxObject)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("staff: decode %s: %w", key, err)
	}
	return nil
}
