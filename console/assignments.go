package console

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zhongmou/award/internal/staff"
	"github.com/zhongmou/award/storage"
	"github.com/zhongmou/award/submission"
)

// Assignments: a reviewer sees a case once the secretariat assigns it,
// console/assignments/<reference, lower case>/<account>.json, written
// only if absent (assigning twice changes nothing).

const assignmentPrefix = "console/assignments/"

type assignment struct {
	Reference string    `json:"reference"`
	Reviewer  string    `json:"reviewer"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
}

func assignmentKey(ref, reviewer string) string {
	return assignmentPrefix + strings.ToLower(ref) + "/" + reviewer + ".json"
}

// assign records that reviewer may see ref.
func (s *Server) assign(ctx context.Context, ref, reviewer, by string) (added bool, err error) {
	body, err := json.Marshal(assignment{Reference: ref, Reviewer: reviewer, By: by, At: s.now().UTC()})
	if err != nil {
		return false, err
	}
	_, err = s.archive.Store().Put(ctx, assignmentKey(ref, reviewer), bytes.NewReader(body), storage.PutOptions{IfAbsent: true, ContentType: "application/json"})
	if errors.Is(err, storage.ErrExists) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("assign %s: %w", ref, err)
	}
	return true, nil
}

// assignees lists the reviewers assigned to ref.
func (s *Server) assignees(ctx context.Context, ref string) ([]string, error) {
	prefix := assignmentPrefix + strings.ToLower(ref) + "/"
	infos, err := s.archive.Store().List(ctx, prefix)
	if err != nil {
		return nil, fmt.Errorf("list assignees of %s: %w", ref, err)
	}
	var out []string
	for _, in := range infos {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(in.Key, prefix), ".json"))
	}
	return out, nil
}

// assigned reports whether reviewer may see ref.
func (s *Server) assigned(ctx context.Context, ref, reviewer string) bool {
	names, err := s.assignees(ctx, ref)
	if err != nil {
		s.log.Warn("assignees not listed", "reference", ref, "err", err)
		return false
	}
	for _, n := range names {
		if n == reviewer {
			return true
		}
	}
	return false
}

// assignedTo lists, for a reviewer, the references assigned to them
// (nil for other roles).
func (s *Server) assignedTo(ctx context.Context, me *who) (map[string]bool, error) {
	if me.Account.Role != staff.Reviewer {
		return nil, nil
	}
	infos, err := s.archive.Store().List(ctx, assignmentPrefix)
	if err != nil {
		return nil, fmt.Errorf("list assignments: %w", err)
	}
	out := map[string]bool{}
	for _, in := range infos {
		ref, name, ok := strings.Cut(strings.TrimPrefix(in.Key, assignmentPrefix), "/")
		if ok && strings.TrimSuffix(name, ".json") == me.Account.Name {
			out[submission.NormalizeReference(ref)] = true
		}
	}
	return out, nil
}
