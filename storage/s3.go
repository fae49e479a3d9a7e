package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/encrypt"

	"github.com/zhongmou/award/internal/budget"
)

// S3Config says how to reach an S3-compatible server (MinIO, a cloud
// provider's object storage) and how to store objects there.
type S3Config struct {
	Endpoint  string `yaml:"endpoint"` // host:port, without scheme
	Bucket    string `yaml:"bucket"`   // created by NewS3Store if missing
	AccessKey string `yaml:"accessKey"`
	SecretKey string `yaml:"secretKey"`
	Insecure  bool   `yaml:"insecure"` // plain HTTP instead of HTTPS
	Region    string `yaml:"region"`   // empty: the server's default, asked once per bucket
	SSE       bool   `yaml:"sse"`      // ask the server to encrypt objects at rest (SSE-S3)
	// PartSize is the size of the parts of multipart uploads and of the
	// buffers Put reads into: default DefaultPartSize, at least MinPartSize.
	// Each running Put holds two such buffers, and a third while the
	// memory budget has room for it (see Put).
	PartSize int64 `yaml:"partSize"`
}

// smallSize is the buffer an upload starts with; objects that fit are sent
// without taking a part buffer.
const smallSize = 1 << 20

// putBuffers is how many part buffers one Put holds at most: one being
// filled from the source while the parts in the others are sent.
const putBuffers = 3

// keptPartBuffers is how many part buffers a store keeps while no Put
// holds them: one Put's, so that the next Put makes none.
const keptPartBuffers = putBuffers

// Part sizes for S3Config.PartSize.
const (
	DefaultPartSize = 8 << 20
	MinPartSize     = 5 << 20 // S3's minimum for all parts but the last
	maxPartSize     = 5 << 30 // S3's maximum part size
	maxParts        = 10000   // S3's maximum number of parts
)

// Timeouts of the store's own housekeeping requests.
const (
	pingTimeout  = 3 * time.Second
	abortTimeout = 30 * time.Second
)

// S3Store keeps objects in one bucket of an S3-compatible server through
// minio-go. Put streams in parts of bounded size (see Put); objects are
// encrypted at rest when S3Config.SSE is set. It is safe for concurrent use.
type S3Store struct {
	core     *minio.Core
	bucket   string
	partSize int64
	sse      encrypt.ServerSide // nil without SSE
	bufs     partBuffers        // len partSize
	small    sync.Pool          // of *[]byte, len smallSize
	// smallBudget and partBudget bound the buffers all Puts hold at once
	// (nil: unbounded); see LimitMemory.
	smallBudget, partBudget *budget.Pool
}

// LimitMemory makes every Put take its buffers' share from small (the
// small buffer every Put starts with) and parts (the two part buffers of a
// larger object, taken together, and a third if free) before filling
// them; a Put that cannot get its share in time fails with an Unavailable
// error matching budget.ErrBusy, having stored nothing. Two pools, so
// that a Put holding a small buffer never waits on others holding small
// buffers. Call it before the store is used.
func (s *S3Store) LimitMemory(small, parts *budget.Pool) {
	s.smallBudget, s.partBudget = small, parts
}

// PartSize is the size of the store's part buffers; a Put past the small
// buffer holds two.
func (s *S3Store) PartSize() int64 { return s.partSize }

// NewS3Store connects to the server and creates the bucket if it does not
// exist. An unreachable server gives an error of kind Unavailable, a bad
// configuration one of kind Invalid.
func NewS3Store(ctx context.Context, cfg S3Config) (*S3Store, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, &Error{Kind: Invalid, Op: "open", Err: errors.New("S3 endpoint and bucket are required")}
	}
	if strings.Contains(cfg.Endpoint, "://") {
		return nil, &Error{Kind: Invalid, Op: "open",
			Err: fmt.Errorf("S3 endpoint %q: give host:port, and Insecure for plain HTTP", cfg.Endpoint)}
	}
	partSize := cfg.PartSize
	if partSize == 0 {
		partSize = DefaultPartSize
	}
	if partSize < MinPartSize || partSize > maxPartSize {
		return nil, &Error{Kind: Invalid, Op: "open",
			Err: fmt.Errorf("S3 part size %d outside [%d, %d]", partSize, MinPartSize, maxPartSize)}
	}
	core, err := minio.NewCore(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: !cfg.Insecure,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, &Error{Kind: Invalid, Op: "open", Err: fmt.Errorf("S3 client: %w", err)}
	}
	s := &S3Store{core: core, bucket: cfg.Bucket, partSize: partSize}
	s.bufs.size, s.bufs.keep = int(partSize), keptPartBuffers
	s.small.New = func() any { b := make([]byte, smallSize); return &b }
	if cfg.SSE {
		s.sse = encrypt.NewSSE()
	}
	// A MinIO that has just started may answer "Server not initialized yet"
	// for a moment: wait for it (bounded), as for any service starting.
	err = s.ensureBucket(ctx, cfg.Region)
	for deadline := time.Now().Add(30 * time.Second); err != nil && strings.Contains(err.Error(), "not initialized") && time.Now().Before(deadline); {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		err = s.ensureBucket(ctx, cfg.Region)
	}
	if err != nil {
		return nil, err
	}
	if cfg.SSE {
		if err := s.confirmSSE(ctx); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// ErrSSENotConfirmed is the error NewS3Store returns (wrapped) when SSE is
// asked for and the server does not confirm that it encrypted a test object.
var ErrSSENotConfirmed = errors.New("the server did not confirm server-side encryption")

// sseProbePrefix holds the test object NewS3Store writes with SSE.
const sseProbePrefix = "probe/sse-"

// confirmSSE writes a small test object with SSE-S3, asks the server how it
// stored it, and removes it. A server that refuses SSE (MinIO without a KMS
// key), or that accepts the request but does not report the object as
// encrypted (some S3 implementations store plaintext and say nothing),
// fails with an error of kind Invalid matching ErrSSENotConfirmed.
func (s *S3Store) confirmSSE(ctx context.Context) error {
	key := sseProbePrefix + randomSuffix()
	_, perr := s.putSingle(ctx, key, []byte("sse probe\n"), PutOptions{ContentType: "text/plain"})
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
		defer cancel()
		_ = s.Delete(dctx, key)
	}()
	if perr != nil {
		var answer minio.ErrorResponse
		if !errors.As(perr, &answer) || answer.Code == "" {
			return perr // no answer from the server: not its refusal
		}
		return &Error{Kind: Invalid, Op: "open", Key: key, Err: fmt.Errorf("%w: it refused an encrypted test object: %v", ErrSSENotConfirmed, perr)}
	}
	oi, err := s.core.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return s3Error("open", key, "stat SSE test object", err)
	}
	switch alg := oi.Metadata.Get("X-Amz-Server-Side-Encryption"); alg {
	case "AES256", "aws:kms":
		return nil
	default:
		return &Error{Kind: Invalid, Op: "open", Key: key, Err: fmt.Errorf("%w: its answer for a test object stored with SSE names no encryption (x-amz-server-side-encryption %q)", ErrSSENotConfirmed, alg)}
	}
}

func (s *S3Store) ensureBucket(ctx context.Context, region string) error {
	ok, err := s.core.BucketExists(ctx, s.bucket)
	if err != nil {
		return s3Error("open", "", "bucket "+s.bucket, err)
	}
	if ok {
		return nil
	}
	err = s.core.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: region})
	if err != nil && minio.ToErrorResponse(err).Code != "BucketAlreadyOwnedByYou" {
		return s3Error("open", "", "create bucket "+s.bucket, err)
	}
	return nil
}

// Client returns the underlying minio-go client, for benchmarks and tests.
func (s *S3Store) Client() *minio.Client { return s.core.Client }

// Bucket returns the bucket the store keeps its objects in.
func (s *S3Store) Bucket() string { return s.bucket }

// Get implements Store.Get. The request is made before Get returns, so a
// missing key is reported here, not on the first Read.
func (s *S3Store) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := ValidKey(key); err != nil {
		return nil, Info{}, &Error{Kind: Invalid, Op: "get", Key: key, Err: err}
	}
	body, oi, _, err := s.core.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, Info{}, s3Error("get", key, "get object", err)
	}
	return body, Info{Key: key, Size: oi.Size, Modified: oi.LastModified}, nil
}

// Delete implements Store.Delete.
func (s *S3Store) Delete(ctx context.Context, key string) error {
	if err := ValidKey(key); err != nil {
		return &Error{Kind: Invalid, Op: "delete", Key: key, Err: err}
	}
	err := s.core.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
	if err != nil && s3Kind(err) != NotFound {
		return s3Error("delete", key, "remove object", err)
	}
	return nil
}

// List implements Store.List. Objects whose keys ValidKey refuses (written
// to the bucket by other means) are left out: no Store method could reach
// them.
func (s *S3Store) List(ctx context.Context, prefix string) ([]Info, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops minio-go's listing goroutine on an early return
	out := []Info{}
	for oi := range s.core.Client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if oi.Err != nil {
			return nil, s3Error("list", prefix, "list objects", oi.Err)
		}
		if ValidKey(oi.Key) != nil {
			continue
		}
		out = append(out, Info{Key: oi.Key, Size: oi.Size, Modified: oi.LastModified})
	}
	if err := ctx.Err(); err != nil {
		return nil, s3Error("list", prefix, "list objects", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Ping implements Pinger: the bucket must exist and answer within a few
// seconds. Any failure is of kind Unavailable.
func (s *S3Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	ok, err := s.core.BucketExists(ctx, s.bucket)
	if err != nil {
		return &Error{Kind: Unavailable, Op: "ping", Err: fmt.Errorf("bucket %s: %w", s.bucket, err)}
	}
	if !ok {
		return &Error{Kind: Unavailable, Op: "ping", Err: fmt.Errorf("bucket %s does not exist", s.bucket)}
	}
	return nil
}

// IncompleteUploads counts the multipart uploads begun and neither
// completed nor aborted under exactly key. (MinIO lists them only when asked
// for the exact key, so callers must know which keys to ask about.)
func (s *S3Store) IncompleteUploads(ctx context.Context, key string) (int, error) {
	ids, err := s.incomplete(ctx, key)
	if err != nil {
		return 0, s3Error("list", key, "list incomplete uploads", err)
	}
	return len(ids), nil
}

// AbortIncomplete aborts every incomplete multipart upload under exactly
// key, freeing the parts a crashed or killed Put left on the server. The
// intake records the keys of Puts in flight and its janitor calls this for
// the ones that never finished. Aborting when there is nothing to abort is
// not an error.
func (s *S3Store) AbortIncomplete(ctx context.Context, key string) error {
	if err := ValidKey(key); err != nil {
		return &Error{Kind: Invalid, Op: "abort", Key: key, Err: err}
	}
	ids, err := s.incomplete(ctx, key)
	if err != nil {
		return s3Error("abort", key, "list incomplete uploads", err)
	}
	var errs []error
	for _, id := range ids {
		if err := s.abortUpload(ctx, key, id); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		err := errors.Join(errs...)
		return s3Error("abort", key, "abort uploads", err)
	}
	return nil
}

// incomplete lists the upload IDs of the incomplete multipart uploads under
// exactly key.
func (s *S3Store) incomplete(ctx context.Context, key string) ([]string, error) {
	var ids []string
	keyMarker, idMarker := "", ""
	for {
		res, err := s.core.ListMultipartUploads(ctx, s.bucket, key, keyMarker, idMarker, "", 1000)
		if err != nil {
			return nil, err
		}
		for _, u := range res.Uploads {
			if u.Key == key {
				ids = append(ids, u.UploadID)
			}
		}
		if !res.IsTruncated || (res.NextKeyMarker == keyMarker && res.NextUploadIDMarker == idMarker) {
			return ids, nil
		}
		keyMarker, idMarker = res.NextKeyMarker, res.NextUploadIDMarker
	}
}

// abortUpload aborts one multipart upload. It runs even when ctx is
// already done (a cancelled Put must still clean up), bounded by
// abortTimeout. An upload already gone is not an error.
func (s *S3Store) abortUpload(ctx context.Context, key, uploadID string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
	defer cancel()
	err := s.core.AbortMultipartUpload(ctx, s.bucket, key, uploadID)
	if err != nil && minio.ToErrorResponse(err).Code != "NoSuchUpload" {
		return fmt.Errorf("abort upload %s: %w", uploadID, err)
	}
	return nil
}

// randomSuffix is 16 random hex digits, for keys of the store's own test
// objects.
func randomSuffix() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
