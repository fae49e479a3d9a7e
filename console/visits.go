package console

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/zhongmou/award/storage"
)

// Visits: each session's first look at the inbox leaves a mark,
// console/visits/<account>/<session start, unix nanoseconds>.json, written
// only if absent. "New since my last visit" is what arrived after the
// newest mark of an earlier session, so that it stays the same all through
// a session however often the inbox is opened.

func visitPrefix(account string) string { return "console/visits/" + account + "/" }

// lastVisit is when the person's previous session began; zero if none.
func (s *Server) lastVisit(ctx context.Context, me *who) (time.Time, error) {
	infos, err := s.archive.Store().List(ctx, visitPrefix(me.Account.Name))
	if err != nil {
		return time.Time{}, fmt.Errorf("list visits: %w", err)
	}
	cur := me.Session.Created.UnixNano()
	var last int64
	for _, in := range infos {
		n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(in.Key, visitPrefix(me.Account.Name)), ".json"), 10, 64)
		if err == nil && n < cur && n > last {
			last = n
		}
	}
	if last == 0 {
		return time.Time{}, nil
	}
	return time.Unix(0, last), nil
}

// markVisit leaves this session's mark (once).
func (s *Server) markVisit(ctx context.Context, me *who) error {
	key := fmt.Sprintf("%s%d.json", visitPrefix(me.Account.Name), me.Session.Created.UnixNano())
	body := fmt.Appendf(nil, "{\"at\":%q}\n", s.now().UTC().Format(time.RFC3339Nano))
	_, err := s.archive.Store().Put(ctx, key, bytes.NewReader(body), storage.PutOptions{IfAbsent: true, ContentType: "application/json"})
	if errors.Is(err, storage.ErrExists) {
		return nil
	}
	return err
}
