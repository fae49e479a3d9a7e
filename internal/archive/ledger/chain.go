package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/zhongmou/award/storage"
)

// Chain is an append-only hash chain of small objects under one prefix of
// a store: <prefix><seq>.json with seq from 1, zero-padded to 12 digits,
// each written with PutOptions{IfAbsent: true} and each holding the
// SHA-256 (Sum) of the previous link's stored bytes. The ledger is one
// such chain; the archive's audit log is another. What a link holds
// besides its number and the previous link's hash — and its MAC — is the
// caller's: Append asks for the bytes, Walk asks whether bytes are a valid
// link.
//
// A Chain is safe for concurrent use: appends of one Chain are serialised,
// and appends of several (other processes, other replicas) are ordered by
// the store — a writer that loses a number to another chains onto the
// winner's link, so that the chain has neither gaps nor forks. A caller
// waiting its turn gives up when its context is done, so that one append
// the store holds up (a key a dead MinIO node left locked) does not hold
// every caller behind it past its own deadline.
type Chain struct {
	store  storage.Store
	prefix string
	name   string // for people: 账本, 审计日志
	limit  int64  // the largest link read

	turn chan struct{} // holds a token while an Append or Head runs
	head int64         // hint: the last link this Chain wrote or read; 0 = unknown
	prev string        // SHA-256 of the link at head
}

// NewChain returns the chain kept under prefix (ending in "/") in store;
// name is what messages call it (账本, 审计日志), and limit the size of
// the largest link it reads (a larger object is not a link).
func NewChain(store storage.Store, prefix, name string, limit int64) *Chain {
	return &Chain{store: store, prefix: prefix, name: name, limit: limit, turn: make(chan struct{}, 1)}
}

// lock waits for the chain's turn until ctx is done.
func (c *Chain) lock(ctx context.Context) error {
	select {
	case c.turn <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("等待写入%s：%w", c.name, context.Cause(ctx))
	}
}

func (c *Chain) unlock() { <-c.turn }

// Prefix is where the chain's links are stored.
func (c *Chain) Prefix() string { return c.prefix }

// Key is the storage key of link seq.
func (c *Chain) Key(seq int64) string { return fmt.Sprintf("%s%012d.json", c.prefix, seq) }

// SeqOf reads the link number from a key; ok is false for a key that is
// not a link's.
func (c *Chain) SeqOf(key string) (int64, bool) {
	s, found := strings.CutPrefix(key, c.prefix)
	s, json := strings.CutSuffix(s, ".json")
	if !found || !json || len(s) != 12 {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// Append writes the next link and returns its number and stored bytes.
// encode is given the number and the previous link's SHA-256 ("" for the
// first) and returns the bytes to store. The number starts from the last
// link this Chain knows of (found by listing the first time); if another
// writer has taken it (ErrExists), Append reads that link and calls encode
// again for the next number.
func (c *Chain) Append(ctx context.Context, encode func(seq int64, prev string) ([]byte, error)) (int64, []byte, error) {
	if err := c.lock(ctx); err != nil {
		return 0, nil, err
	}
	defer c.unlock()
	if c.head == 0 {
		if err := c.findHead(ctx); err != nil {
			return 0, nil, err
		}
	}
	for {
		seq := c.head + 1
		data, err := encode(seq, c.prev)
		if err != nil {
			return 0, nil, err
		}
		_, err = c.store.Put(ctx, c.Key(seq), bytes.NewReader(data), storage.PutOptions{IfAbsent: true, ContentType: "application/json"})
		if err == nil {
			c.head, c.prev = seq, Sum(data)
			return seq, data, nil
		}
		if !errors.Is(err, storage.ErrExists) {
			return 0, nil, fmt.Errorf("写入%s第 %d 条出错：%w", c.name, seq, err)
		}
		// Another writer took the number: chain onto its link.
		taken, err := c.Read(ctx, seq)
		if err != nil {
			return 0, nil, fmt.Errorf("读取%s第 %d 条出错：%w", c.name, seq, err)
		}
		c.head, c.prev = seq, Sum(taken)
	}
}

// maxProbe is how many links Head reads forward from its hint before it
// lists the chain instead.
const maxProbe = 32

// Head returns the number of the last link in storage now and the SHA-256
// of its bytes (0 and "" for an empty chain). It reads forward from the
// last link this Chain knows of, so that a long-running reader does not
// list the whole chain each time; the first time, or when others have
// appended many links since, it lists.
func (c *Chain) Head(ctx context.Context) (int64, string, error) {
	if err := c.lock(ctx); err != nil {
		return 0, "", err
	}
	defer c.unlock()
	if c.head == 0 {
		if err := c.findHead(ctx); err != nil {
			return 0, "", err
		}
	}
	for range maxProbe {
		data, err := c.Read(ctx, c.head+1)
		if errors.Is(err, storage.ErrNotFound) {
			return c.head, c.prev, nil
		}
		if err != nil {
			return 0, "", fmt.Errorf("读取%s第 %d 条出错：%w", c.name, c.head+1, err)
		}
		c.head, c.prev = c.head+1, Sum(data)
	}
	if err := c.findHead(ctx); err != nil {
		return 0, "", err
	}
	return c.head, c.prev, nil
}

// findHead sets the hint from the last link in storage (none: 0 and "").
func (c *Chain) findHead(ctx context.Context) error {
	infos, err := c.store.List(ctx, c.prefix)
	if err != nil {
		return fmt.Errorf("列出%s出错：%w", c.name, err)
	}
	for i := len(infos) - 1; i >= 0; i-- {
		seq, ok := c.SeqOf(infos[i].Key)
		if !ok {
			continue
		}
		data, err := c.Read(ctx, seq)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("读取%s第 %d 条出错：%w", c.name, seq, err)
		}
		c.head, c.prev = seq, Sum(data)
		return nil
	}
	c.head, c.prev = 0, ""
	return nil
}

// Read returns link seq's stored bytes; a missing link is an error
// matching storage.ErrNotFound.
func (c *Chain) Read(ctx context.Context, seq int64) ([]byte, error) {
	return ReadObject(ctx, c.store, c.Key(seq), c.limit)
}

// Link is one link as Walk read it.
type Link struct {
	Key  string
	Seq  int64 // from the key
	Data []byte
	// Valid: the link could be read and check found it authentic (it may
	// still be out of place or follow a replaced link): what it holds
	// counts.
	Valid bool
}

// BreakKind is how a chain is broken.
type BreakKind int

// Kinds of break.
const (
	// BreakChanged: a link that cannot be read, is not a link, fails its
	// MAC or does not link to the link before (which was replaced); or an
	// object under the prefix that is not a link.
	BreakChanged BreakKind = iota + 1
	// BreakMissing: numbers missing from the chain.
	BreakMissing
	// BreakReordered: a link stored under another link's number.
	BreakReordered
)

// Break is one place where a chain is broken.
type Break struct {
	Kind   BreakKind
	Seq    int64  // the link concerned (the first missing one); 0 for a foreign object
	Key    string // its storage key
	Detail string // what was found, in Chinese
}

// Check says whether a link's stored bytes (from key) are an authentic link: it
// returns the number and the previous link's SHA-256 the link records, or
// why it is not one (it does not decode, its MAC fails), in Chinese.
type Check func(key string, data []byte) (seq int64, prev string, why string)

// Walk reads every link in order, checks each with check, and returns the
// links read and the breaks found: links missing, changed, out of place,
// or not linked to the link before. A link removed while Walk runs is seen
// as missing. The error is for failures to read (storage unavailable).
func (c *Chain) Walk(ctx context.Context, check Check) ([]Link, []Break, error) {
	infos, err := c.store.List(ctx, c.prefix)
	if err != nil {
		return nil, nil, fmt.Errorf("列出%s出错：%w", c.name, err)
	}
	var links []Link
	var breaks []Break
	var prevSeq int64
	prevOK := true // the previous position holds a valid link in place, and there was no gap
	var prevSum string
	for _, info := range infos {
		seq, ok := c.SeqOf(info.Key)
		if !ok {
			breaks = append(breaks, Break{Kind: BreakChanged, Key: info.Key, Detail: fmt.Sprintf("%s中有不是%s条目的对象", c.name, c.name)})
			continue
		}
		data, err := ReadObject(ctx, c.store, info.Key, c.limit)
		if errors.Is(err, storage.ErrNotFound) {
			continue // removed since the listing: seen as a gap
		}
		if err != nil && !errors.Is(err, errTooLarge) {
			return nil, nil, fmt.Errorf("读取%s第 %d 条出错：%w", c.name, seq, err)
		}
		if seq != prevSeq+1 {
			detail := fmt.Sprintf("第 %d 条不存在", prevSeq+1)
			if seq > prevSeq+2 {
				detail = fmt.Sprintf("第 %d 至 %d 条不存在", prevSeq+1, seq-1)
			}
			breaks = append(breaks, Break{Kind: BreakMissing, Seq: prevSeq + 1, Key: c.Key(prevSeq + 1), Detail: detail})
			prevOK = false
		}
		l := Link{Key: info.Key, Seq: seq, Data: data}
		var linkSeq int64
		var linkPrev, why string
		if err != nil {
			why = "无法读取（" + err.Error() + "）"
		} else {
			linkSeq, linkPrev, why = check(info.Key, data)
		}
		switch {
		case why != "":
			breaks = append(breaks, Break{Kind: BreakChanged, Seq: seq, Key: info.Key, Detail: fmt.Sprintf("第 %d 条被改动：%s", seq, why)})
		case linkSeq != seq:
			breaks = append(breaks, Break{Kind: BreakReordered, Seq: seq, Key: info.Key, Detail: fmt.Sprintf("第 %d 条的位置上是第 %d 条的内容", seq, linkSeq)})
			l.Valid = true // authentic, only out of place
		case prevOK && linkPrev != prevSum:
			breaks = append(breaks, Break{Kind: BreakChanged, Seq: seq, Key: info.Key, Detail: fmt.Sprintf("第 %d 条与前一条的链接不符（前一条被替换）", seq)})
			l.Valid = true // its own content is authentic
		default:
			l.Valid = true
		}
		prevOK = l.Valid && linkSeq == seq
		prevSeq, prevSum = seq, Sum(data)
		links = append(links, l)
	}
	return links, breaks, nil
}
