package goals

import (
	"bytes"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestRecordRead: each Record prints its line and appends it to the file
// $AWARD_BENCH_SUMMARY names; Read gives the records back in order.
func TestRecordRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "goals.jsonl")
	t.Setenv("AWARD_BENCH_SUMMARY", path)
	want := []Result{
		{Bench: "sitebench", Name: "full build wall time, tmpfs", Figure: "0.31×", Peer: "hugo 3.9 s", Goal: "≤ 0.25 of Hugo", Met: false},
		{Bench: "livebench", Name: "body edit p50", Figure: "12 ms", Goal: "≤ 15 ms", Met: true},
	}
	var out bytes.Buffer
	for _, r := range want {
		if err := Record(&out, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back %+v, want %+v", got, want)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 ||
		!strings.Contains(lines[0], "full build wall time, tmpfs: 0.31×; peer hugo 3.9 s (goal ≤ 0.25 of Hugo: NOT met)") ||
		!strings.Contains(lines[1], "body edit p50: 12 ms (goal ≤ 15 ms: met)") {
		t.Errorf("printed:\n%s", out.String())
	}
}
