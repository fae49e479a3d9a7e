package staff

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/zhongmou/award/storage"
)

// pruneGrace is how long past AbsoluteTimeout a session's objects are kept
// before Prune removes them.
const pruneGrace = time.Hour

// Prune removes what no longer matters: sessions older than
// AbsoluteTimeout (plus an hour), and failure and used-code records older
// than a day (they can no longer lock an account or be replayed). It returns
// how many objects it removed. Replicas may prune at once; the console runs
// it periodically.
func (d *Directory) Prune(ctx context.Context) (removed int, err error) {
	now := d.now().UTC()
	infos, err := d.store.List(ctx, "staff/sessions/")
	if err != nil {
		return 0, fmt.Errorf("staff prune: %w", err)
	}
	bySession := map[string][]string{}
	var order []string
	for _, in := range infos {
		rest := strings.TrimPrefix(in.Key, "staff/sessions/")
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			continue
		}
		p := "staff/sessions/" + rest[:i+1]
		if bySession[p] == nil {
			order = append(order, p)
		}
		bySession[p] = append(bySession[p], in.Key)
	}
	for _, p := range order {
		var rec sessionRecord
		err := getJSON(ctx, d.store, p+"session.json", &rec)
		switch {
		case errors.Is(err, storage.ErrNotFound): // what a pruning left: the session is gone
		case err != nil:
			return removed, fmt.Errorf("staff prune: %w", err)
		case now.Sub(rec.Created) < AbsoluteTimeout+pruneGrace:
			continue
		}
		// session.json last, so that a pruning cut short leaves the rest findable.
		keys := bySession[p]
		for i := len(keys) - 1; i >= 0; i-- {
			if keys[i] == p+"session.json" {
				keys = append(append(keys[:i:i], keys[i+1:]...), keys[i])
				break
			}
		}
		for _, k := range keys {
			if err := d.store.Delete(ctx, k); err != nil {
				return removed, fmt.Errorf("staff prune: %w", err)
			}
			removed++
		}
	}
	n, err := d.pruneMarks(ctx, now)
	return removed + n, err
}

// pruneMarks removes failure and used-code records older than keepMarks.
func (d *Directory) pruneMarks(ctx context.Context, now time.Time) (removed int, err error) {
	infos, err := d.store.List(ctx, "staff/accounts/")
	if err != nil {
		return 0, fmt.Errorf("staff prune: %w", err)
	}
	for _, in := range infos {
		rest := strings.TrimPrefix(in.Key, "staff/accounts/")
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			continue
		}
		var at time.Time
		switch tail := rest[i+1:]; {
		case strings.HasPrefix(tail, "failures/") && len(tail) >= len("failures/")+len(failureTimeLayout):
			t, err := time.Parse(failureTimeLayout, tail[len("failures/"):len("failures/")+len(failureTimeLayout)])
			if err != nil {
				continue
			}
			at = t
		case strings.HasPrefix(tail, "otp/"):
			step, err := strconv.ParseInt(strings.TrimPrefix(tail, "otp/"), 10, 64)
			if err != nil {
				continue
			}
			at = stepTime(step)
		default:
			continue
		}
		if now.Sub(at) > keepMarks {
			if err := d.store.Delete(ctx, in.Key); err != nil {
				return removed, fmt.Errorf("staff prune: %w", err)
			}
			removed++
		}
	}
	return removed, nil
}
