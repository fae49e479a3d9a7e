package storage_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/minio/minio-go/v7"
)

// TestS3RejectsDamagedPart checks that the server verifies the CRC-32C a
// part carries (what S3Store.Put relies on instead of a payload signature):
// a part whose bytes do not match its checksum is refused.
func TestS3RejectsDamagedPart(t *testing.T) {
	s := newS3(t, sharedMinio(t), false)
	core := minio.Core{Client: s.Client()}
	ctx := context.Background()
	id, err := core.NewMultipartUpload(ctx, s.Bucket(), "damaged", minio.PutObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer core.AbortMultipartUpload(ctx, s.Bucket(), "damaged", id)
	data := bytes.Repeat([]byte("evidence"), 1024)
	_, err = core.PutObjectPart(ctx, s.Bucket(), "damaged", id, 1, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectPartOptions{DisableContentSha256: true,
			CustomHeader: http.Header{"X-Amz-Checksum-Crc32c": {"AAAAAA=="}}}) // the CRC-32C of other bytes
	if err == nil {
		t.Fatal("a part with a wrong CRC-32C was accepted")
	}
}
