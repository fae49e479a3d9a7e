package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"sort"
	"strconv"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/zhongmou/award/bench/intakeproc"
	"github.com/zhongmou/award/submission"
)

// applicationSlots are the slots of the benchmark application's ten files:
// one for each required slot of the schema and two supporting documents.
var applicationSlots = func() []string {
	var names []string
	for _, sl := range submission.ApplicationSlots() {
		if sl.RequiredFor(false) {
			names = append(names, sl.Name)
		}
	}
	return append(names, submission.SlotSupporting, submission.SlotSupporting)
}()

// application sends one application of 10 documents through the intake and
// the same files with direct PutObjects, and compares.
func (b *bench) application(ctx context.Context) error {
	per := b.o.appSize / int64(len(applicationSlots))
	docs := make([][]byte, len(applicationSlots))
	for i := range docs {
		docs[i], _ = evidence(per, uint64(100+i))
	}
	c, err := minio.New(b.srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(b.srv.AccessKey, b.srv.SecretKey, ""), Secure: false})
	if err != nil {
		return err
	}
	if err := c.MakeBucket(ctx, "direct-app", minio.MakeBucketOptions{}); err != nil {
		return err
	}
	start := time.Now()
	for i, d := range docs {
		if _, err := c.PutObject(ctx, "direct-app", "doc"+strconv.Itoa(i), bytes.NewReader(d), int64(len(d)), minio.PutObjectOptions{ContentType: "application/pdf"}); err != nil {
			return fmt.Errorf("direct PutObject: %w", err)
		}
	}
	direct := time.Since(start)
	start = time.Now()
	if err := b.postApplication(ctx, docs); err != nil {
		return fmt.Errorf("application through the intake: %w", err)
	}
	through := time.Since(start)
	hwm, err := intakeproc.PeakRSS(b.intake.Process.Pid)
	if err != nil {
		return err
	}
	mib := float64(per*int64(len(docs))) / (1 << 20)
	fmt.Printf("\napplication: %d documents, %.0f MiB in all\n", len(docs), mib)
	fmt.Printf("  direct minio-go PutObject ×%d  %7.2fs  %7.1f MiB/s\n", len(docs), direct.Seconds(), mib/direct.Seconds())
	fmt.Printf("  through the intake            %7.2fs  %7.1f MiB/s\n", through.Seconds(), mib/through.Seconds())
	fmt.Printf("  throughput ratio intake/direct: %.2f\n", direct.Seconds()/through.Seconds())
	fmt.Printf("  intake peak RSS so far: %.1f MiB\n", float64(hwm)/(1<<10))
	return nil
}

// postApplication sends a valid application carrying docs in the slots.
func (b *bench) postApplication(ctx context.Context, docs [][]byte) error {
	fields := map[string]string{
		"call": "bench-call", "orgName": "中牟县示例食品有限公司", "creditCode": "91410122MA00J8NW0M", "orgKind": "企业",
		"established": "2015-05-20", "littleGiant": "no", "industry": "食品制造业", "township": "韩寺镇",
		"address": "中牟县示例大道88号", "legalRepresentative": "李四", "contactName": "王五", "phone": "0371-62196035",
		"email": "zhiliang@example.com", "recommender": "韩寺镇人民政府", "excellenceSince": "2020-01-01",
		"internalPublicityStart": "2026-11-02", "internalPublicityEnd": "2026-11-13", "consent": "yes",
	}
	for i := 1; i <= 9; i++ {
		fields["declaration"+strconv.Itoa(i)] = "none"
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	body, err := b.postMultipart(ctx, "/api/applications", func(mw *multipart.Writer) error {
		for _, k := range keys {
			if err := mw.WriteField(k, fields[k]); err != nil {
				return err
			}
		}
		for i, d := range docs {
			part, err := mw.CreateFormFile(applicationSlots[i], applicationSlots[i]+".pdf")
			if err != nil {
				return err
			}
			if _, err := part.Write(d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var got struct {
		Files []struct{} `json:"files"`
	}
	if err := json.Unmarshal(body, &got); err != nil || len(got.Files) != len(docs) {
		return fmt.Errorf("receipt lists %d files, want %d: %s", len(got.Files), len(docs), body)
	}
	return nil
}
