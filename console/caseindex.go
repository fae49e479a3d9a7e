package console

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/zhongmou/award/internal/archive"
	"github.com/zhongmou/award/internal/archive/ledger"
	"github.com/zhongmou/award/submission"
)

const (
	kindApplication = submission.KindApplication
	kindObjection   = submission.KindObjection
)

// caseSummary is what the inbox shows of a submission: never an identity.
type caseSummary struct {
	Reference  string
	Kind       string
	KindLabel  string
	ReceivedAt time.Time
	// Window is the call's or publicity's id, WindowTitle its title.
	Window, WindowTitle string
	// Org and CreditCode are the applicant (applications) or the
	// candidate objected to (objections).
	Org, CreditCode string
	Township        string
	Stage           submission.Stage
	Seq             int
	// Missing are the optional materials an application did not give.
	Missing string
	// Paper: it came on paper (代录, 纸质), postmarked Postmarked.
	Paper      bool
	Postmarked string
	Files      int
	// Signed: the manifest's MAC verifies under the record key.
	Signed bool
}

// caseIndex lists the submissions for the inbox. Manifests never change
// once written, so each is read once per process and kept; a case's stage
// is read again only when its status records change. Which manifests and
// status records there are, feed knows (casefeed.go: listed once, then
// followed in the ledger). Nothing here is shared state: every replica
// builds its own from the store.
type caseIndex struct {
	archive *archive.Archive
	log     *slog.Logger
	feed    *caseFeed

	mu        sync.Mutex
	manifests map[string]*caseSummary // by manifest key
	stages    map[string]stageSeen    // by reference
	// The last snapshot this console wrote (casesnapshot.go).
	snapHead int64
	snapAt   time.Time
	snapping bool

	bg sync.WaitGroup // the snapshots and listings running in the background
}

// wait waits for the work running in the background (tests).
func (x *caseIndex) wait() { x.bg.Wait() }

type stageSeen struct {
	keys  string // the status records' keys when read
	stage submission.Stage
	seq   int
}

func newCaseIndex(a *archive.Archive, log *slog.Logger) *caseIndex {
	x := &caseIndex{archive: a, log: log, manifests: map[string]*caseSummary{}, stages: map[string]stageSeen{}}
	x.feed = &caseFeed{archive: a, list: x.list, restore: x.restore, bg: &x.bg, log: log, relistEvery: relistEvery, now: time.Now}
	return x
}

// all returns every committed submission, newest first.
func (x *caseIndex) all(ctx context.Context) ([]caseSummary, error) {
	keys, statusKeys, head, err := x.feed.current(ctx)
	if err != nil {
		return nil, err
	}
	x.warm(ctx, keys, statusKeys)
	out := make([]caseSummary, 0, len(keys))
	var keyOf map[string]string // for a snapshot
	due := x.snapshotDue(head)
	if due {
		keyOf = make(map[string]string, len(keys))
	}
	for _, key := range keys {
		c, err := x.summary(ctx, key)
		if err != nil {
			x.log.Warn("manifest unreadable, left out of the inbox", "key", key, "err", err)
			continue
		}
		cs := *c
		if err := x.stage(ctx, &cs, statusKeys[strings.ToLower(cs.Reference)]); err != nil {
			if due {
				x.snapshotSkipped()
			}
			return nil, err
		}
		out = append(out, cs)
		if due {
			keyOf[cs.Reference] = key
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ReceivedAt.After(out[j].ReceivedAt) })
	if due {
		x.snapshot(head, slices.Clone(out), keyOf, statusKeys)
	}
	return out, nil
}

// list lists, all at once, the submissions' manifest keys (by kind, in
// submission.Kinds' order, each kind's in key order) and the status
// records' keys by reference (see statusKeys).
func (x *caseIndex) list(ctx context.Context) (keys []string, statusKeys map[string]string, err error) {
	store := x.archive.Store()
	byKind := make([][]string, len(submission.Kinds))
	errs := make([]error, len(submission.Kinds)+1)
	var wg sync.WaitGroup
	for i, kind := range submission.Kinds {
		wg.Go(func() {
			infos, err := store.List(ctx, kind+"s/")
			if err != nil {
				errs[i] = fmt.Errorf("list %ss: %w", kind, err)
				return
			}
			for _, in := range infos {
				if _, _, ok := ledger.ManifestOf(in.Key); ok {
					byKind[i] = append(byKind[i], in.Key)
				}
			}
		})
	}
	wg.Go(func() { statusKeys, errs[len(submission.Kinds)] = x.statusKeys(ctx) })
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	for _, k := range byKind {
		keys = append(keys, k...)
	}
	return keys, statusKeys, nil
}

// warmReaders is how many manifests (or cases' status records) warm reads at
// once: after a restart every manifest is read, and one at a time that is
// one round trip to the store per submission.
const warmReaders = 32

// warm reads, warmReaders at a time, the manifests not read yet and the stages
// whose status records changed, so that all's loop finds them in memory.
// It reports nothing: what fails here is read again, and reported, there.
func (x *caseIndex) warm(ctx context.Context, keys []string, statusKeys map[string]string) {
	sem := make(chan struct{}, warmReaders)
	var wg sync.WaitGroup
	for _, key := range keys {
		if !x.stale(key, statusKeys) {
			continue
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			c, err := x.summary(ctx, key)
			if err != nil {
				return
			}
			cs := *c
			_ = x.stage(ctx, &cs, statusKeys[strings.ToLower(cs.Reference)])
		}()
	}
	wg.Wait()
}

// stale reports whether the manifest under key is not read yet or its
// case's status records changed since its stage was read.
func (x *caseIndex) stale(key string, statusKeys map[string]string) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	c, ok := x.manifests[key]
	if !ok {
		return true
	}
	seen, ok := x.stages[c.Reference]
	return !ok || seen.keys != statusKeys[strings.ToLower(c.Reference)]
}

// statusKeys lists the status records' keys by reference (lower case).
func (x *caseIndex) statusKeys(ctx context.Context) (map[string]string, error) {
	infos, err := x.archive.Store().List(ctx, "status/")
	if err != nil {
		return nil, fmt.Errorf("list status records: %w", err)
	}
	by := map[string]string{}
	for _, in := range infos {
		rest := strings.TrimPrefix(in.Key, "status/")
		ref, _, ok := strings.Cut(rest, "/")
		if ok {
			by[ref] += in.Key + "\n"
		}
	}
	return by, nil
}

// summary reads (once) the manifest under key.
func (x *caseIndex) summary(ctx context.Context, key string) (*caseSummary, error) {
	x.mu.Lock()
	c, ok := x.manifests[key]
	x.mu.Unlock()
	if ok {
		return c, nil
	}
	_, ref, _ := ledger.ManifestOf(key)
	m, err := x.archive.Find(ctx, ref)
	if err != nil {
		return nil, err
	}
	c = summarize(m)
	c.Signed = x.archive.Signer().Verify(m) == nil
	x.mu.Lock()
	x.manifests[key] = c
	x.mu.Unlock()
	return c, nil
}

// summarize is the inbox's view of a manifest.
func summarize(m *submission.Manifest) *caseSummary {
	c := &caseSummary{Reference: m.Reference, Kind: m.Kind, ReceivedAt: m.ReceivedAt, Files: len(m.Files)}
	switch m.Kind {
	case kindApplication:
		f := m.Application()
		c.KindLabel, c.Window, c.WindowTitle = "申报", f.Call, f.CallTitle
		c.Org, c.CreditCode, c.Township, c.Missing = f.OrgName, f.CreditCode, f.Township, f.MissingSlots
		c.Paper, c.Postmarked = f.Channel == submission.ChannelPaper, f.Postmarked
	case submission.KindReport:
		f := m.Report()
		c.KindLabel, c.Window, c.WindowTitle = "年度报告", f.Call, f.CallTitle
		c.Org, c.CreditCode = f.OrgName, f.CreditCode
	default:
		f := m.Objection()
		c.KindLabel, c.Window, c.WindowTitle = "异议", f.Publicity, f.PublicityTitle
		c.Org, c.CreditCode = f.CandidateName, f.CandidateCreditCode
		c.Paper, c.Postmarked = f.Channel == submission.ChannelPaper, f.Postmarked
	}
	return c
}

// stage sets c's current stage, reading it again only when the status
// records' keys differ from the last reading.
func (x *caseIndex) stage(ctx context.Context, c *caseSummary, keys string) error {
	x.mu.Lock()
	seen, ok := x.stages[c.Reference]
	x.mu.Unlock()
	if !ok || seen.keys != keys {
		if keys == "" {
			st, _ := submission.StageOf(c.Kind, submission.StageReceived)
			seen = stageSeen{stage: st}
		} else {
			cs, err := x.archive.Case(ctx, c.Reference)
			if err != nil {
				return fmt.Errorf("stage of %s: %w", c.Reference, err)
			}
			seen = stageSeen{keys: keys, stage: cs.Current, seq: cs.Seq}
		}
		x.mu.Lock()
		x.stages[c.Reference] = seen
		x.mu.Unlock()
	}
	c.Stage, c.Seq = seen.stage, seen.seq
	return nil
}
